"""The production settings served by gunicorn with credentials/gunicorn_conf.py, as the Docker image and
`make serve` run them, seen from the outside: HTTP status, headers, bodies and the log lines on stdout."""

import re

import pytest

from tests.jwt_helpers import make_token

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


@pytest.fixture
def server(start_server, server_env, tmp_path):
    media = tmp_path / "media"
    (media / "signatories" / "7").mkdir(parents=True)
    (media / "signatories" / "7" / "signature.png").write_bytes(b"\x89PNG fake image")
    return start_server(
        {
            **server_env,
            "MEDIA_ROOT": media,
            "CORS_ALLOWED_ORIGINS": "https://apps.example.com",
            "CSRF_TRUSTED_ORIGINS": "https://apps.example.com",
        }
    )


def records_of(server, logger):
    return [record for record in server.log_records() if record["logger"] == logger]


def test_health_answers_any_host_over_plain_http(server):
    response = server.get("/health/", https=False, headers={"Host": "10.1.2.3:8150"})

    assert response.status_code == 200
    assert response.json() == {"overall_status": "OK", "detailed_status": {"database_status": "OK"}}


def test_plain_http_is_redirected_to_https(server):
    response = server.get("/api/v2/", https=False)

    assert response.status_code == 301
    assert response.headers["Location"] == f"https://127.0.0.1:{server.port}/api/v2/"


def test_https_responses_carry_hsts_and_the_usual_security_headers(server):
    response = server.get("/api/v2/")

    assert response.status_code == 401
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_a_host_that_is_not_allowed_is_refused(server):
    assert server.get("/api/v2/", headers={"Host": "evil.example.com"}).status_code == 400


def test_pages_link_static_files_by_hashed_name_and_whitenoise_serves_them_for_good(server):
    page = server.get("/no-such-page/")
    assert page.status_code == 404
    stylesheet = re.search(r'href="(/static/css/base\.[0-9a-f]{12}\.css)"', page.text)
    assert stylesheet, page.text

    response = server.get(stylesheet.group(1))

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert "body" in response.text


def test_uploads_are_served_from_media_root_and_cannot_run_scripts(server):
    response = server.get("/media/signatories/7/signature.png")

    assert response.status_code == 200
    assert response.content == b"\x89PNG fake image"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert server.get("/media/../credentials/settings/base.py").status_code == 404


def test_a_missing_upload_is_a_404_not_a_500(server):
    for path in ("/media/signatories/7/missing.png", "/media/no-such-dir/", "/media/"):
        response = server.get(path)

        assert response.status_code == 404, path
        assert "sandbox" in response.headers["Content-Security-Policy"]


def test_every_request_is_one_json_log_line_with_its_request_id(server):
    token = make_token("logged_learner")

    honoured = server.get(
        "/api/v2/credentials/?username=logged_learner",
        headers={"Authorization": f"JWT {token}", "X-Request-ID": "lms-trace-42"},
    )
    generated = server.get("/api/v2/", headers={"X-Request-ID": "not an id\u00e9"})

    assert honoured.status_code == 200
    assert honoured.headers["X-Request-ID"] == "lms-trace-42"
    assert re.fullmatch(r"[0-9a-f]{32}", generated.headers["X-Request-ID"])
    lines = {record["request_id"]: record for record in records_of(server, "credentials.request")}
    assert lines["lms-trace-42"]["method"] == "GET"
    assert lines["lms-trace-42"]["path"] == "/api/v2/credentials/"
    assert lines["lms-trace-42"]["status"] == 200
    assert lines["lms-trace-42"]["user"] == "logged_learner"
    assert lines["lms-trace-42"]["duration_ms"] >= 0
    assert lines[generated.headers["X-Request-ID"]]["status"] == 401
    assert lines[generated.headers["X-Request-ID"]]["user"] is None


def test_gunicorn_runs_the_configured_workers_and_logs_json_only(server):
    booted = [record for record in server.log_records() if record["message"].startswith("Booting worker")]

    assert len({record["process"] for record in booted}) == 2
    assert all(record["logger"] == "gunicorn.error" for record in booted)


def test_gunicorn_warns_at_start_when_the_cache_is_per_process(server):
    [warning] = [record for record in server.log_records() if "CACHES['default'] is" in record["message"]]

    assert warning["level"] == "WARNING"
    assert "set CACHE_URL=memcached://" in warning["message"]


def test_cors_preflight_lets_the_records_front_end_send_its_jwt_cookie_header(server):
    preflight = {
        "Origin": "https://apps.example.com",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "use-jwt-cookie, content-type, x-csrftoken",
    }

    allowed = server.request("OPTIONS", "/api/v2/credentials/", headers=preflight)
    refused = server.request(
        "OPTIONS", "/api/v2/credentials/", headers={**preflight, "Origin": "https://evil.example.com"}
    )

    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://apps.example.com"
    assert allowed.headers["Access-Control-Allow-Credentials"] == "true"
    assert "use-jwt-cookie" in allowed.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Origin" not in refused.headers
