"""Graceful degradation: memcached down → everything still answers (cache errors logged, not raised);
database down → /health/ and the API answer 503 with a JSON body, and the service recovers by itself."""

import logging
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import InterfaceError, OperationalError

from credentials.settings import env
from tests.factories import UserCredentialFactory, UserFactory
from tests.jwt_helpers import auth_header, make_token
from tests.ops.conftest import requires_mysql
from tests.ops.servers import TcpProxy, free_port

CREDENTIALS = "/api/v2/credentials/"


def memcached_settings(url, **options):
    """CACHES as production.py builds them from CACHE_URL (credentials/apps/core/cache.py's backend)."""
    cache_settings = env.cache_from_url(url)
    cache_settings["BACKEND"] = "credentials.apps.core.cache.PyMemcacheCache"
    cache_settings["OPTIONS"].update(options)
    return {"default": cache_settings}


def database_down(exception_class=OperationalError):
    return mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
        side_effect=exception_class(2003, "Can't connect to MySQL server on 'db' (111)"),
    )


def cache_warnings(caplog):
    return [record.getMessage() for record in caplog.records if record.name == "credentials.apps.core.cache"]


# --- memcached ---------------------------------------------------------------------------------------------


def test_the_cache_works_then_turns_into_misses_with_a_warning_when_memcached_stops(memcached, settings, caplog):
    settings.CACHES = memcached_settings(memcached.url)
    cache.set("greeting", "hello")
    assert cache.get("greeting") == "hello"

    memcached.stop()
    with caplog.at_level(logging.WARNING):
        assert cache.get("greeting") is None
        cache.set("greeting", "again")
        assert cache.add("other", 1) is False
        assert cache.get_many(["greeting", "other"]) == {}
        cache.set_many({"a": 1, "b": 2})
        cache.delete("greeting")

    assert any(f"memcached 127.0.0.1:{memcached.port}: get failed" in message for message in cache_warnings(caplog))


def test_set_many_reports_every_key_as_not_stored_when_memcached_is_down(settings, caplog):
    settings.CACHES = memcached_settings(f"memcached://127.0.0.1:{free_port()}")

    with caplog.at_level(logging.WARNING):
        assert sorted(cache.set_many({"a": 1, "b": 2})) == ["a", "b"]

    assert any("set_many failed (ConnectionRefusedError" in message for message in cache_warnings(caplog))


def test_a_failed_server_is_not_retried_on_every_call(settings, caplog):
    settings.CACHES = memcached_settings(f"memcached://127.0.0.1:{free_port()}", retry_timeout=3600)

    with caplog.at_level(logging.WARNING):
        for _ in range(20):
            assert cache.get("key") is None

    assert len(cache_warnings(caplog)) == 1  # pymemcache waits retry_timeout before trying it again


def test_a_server_failing_every_retry_is_marked_down(settings, caplog):
    settings.CACHES = memcached_settings(f"memcached://127.0.0.1:{free_port()}", retry_timeout=0)

    with caplog.at_level(logging.WARNING):
        for _ in range(20):
            assert cache.get("key") is None

    messages = cache_warnings(caplog)
    assert any("is marked down for 60 seconds" in message for message in messages)
    assert len(messages) < 20


@pytest.mark.django_db
def test_api_and_pages_answer_while_memcached_is_down(memcached, settings, api_client, client, site, caplog):
    settings.CACHES = memcached_settings(memcached.url)
    UserCredentialFactory(username="alice")
    memcached.stop()

    with caplog.at_level(logging.WARNING):
        listed = api_client.get(CREDENTIALS, {"username": "alice"}, **auth_header(make_token("alice")))
        page = client.get("/no-such-page/")
        health = client.get("/health/")

    assert listed.status_code == 200  # the throttle reads and writes the cache on this endpoint
    assert len(listed.json()["results"]) == 1
    assert page.status_code == 404 and b"<html" in page.content
    assert health.status_code == 200
    assert cache_warnings(caplog)


def test_a_production_server_keeps_answering_when_its_memcached_stops(start_server, server_env, memcached):
    server = start_server({**server_env, "CACHE_URL": memcached.url})
    headers = {"Authorization": f"JWT {make_token('cache_outage_learner')}"}
    api = f"{CREDENTIALS}?username=cache_outage_learner"
    assert server.get(api, headers=headers).status_code == 200

    memcached.stop()
    statuses = [server.get(api, headers=headers).status_code for _ in range(4)]
    page = server.get("/no-such-page/")

    assert statuses == [200] * 4
    assert page.status_code == 404 and "<html" in page.text
    assert server.get("/health/").status_code == 200
    warnings = [record for record in server.log_records() if record["logger"] == "credentials.apps.core.cache"]
    assert warnings and all(record["level"] == "WARNING" for record in warnings)
    assert warnings[0]["cache_server"] == f"127.0.0.1:{memcached.port}"


# --- database ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_the_api_answers_503_json_when_the_database_is_unreachable(api_client, site, error, caplog):
    with database_down(error), caplog.at_level(logging.ERROR):
        response = api_client.get(CREDENTIALS, {"username": "alice"}, **auth_header(make_token("alice")))

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "The service is temporarily unavailable: its database cannot be reached. Try again later."
    }
    assert response["Retry-After"] == "10"
    assert "no-store" in response["Cache-Control"]
    [outage] = [record for record in caplog.records if record.name == "credentials.outage"]
    assert outage.getMessage() == f"Database unavailable while serving GET {CREDENTIALS}"
    assert outage.exc_info[0] is error


@pytest.mark.django_db
def test_a_page_answers_a_503_page_when_the_database_is_unreachable(client, site):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    with database_down():
        response = client.get("/admin/", HTTP_ACCEPT="text/html,application/xhtml+xml")

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert b"Service unavailable" in response.content


@pytest.mark.django_db
def test_the_api_answers_again_as_soon_as_the_database_is_back(api_client, site):
    headers = auth_header(make_token("alice"))
    with database_down():
        assert api_client.get(CREDENTIALS, {"username": "alice"}, **headers).status_code == 503

    assert api_client.get(CREDENTIALS, {"username": "alice"}, **headers).status_code == 200


@requires_mysql
def test_a_real_outage_gives_503s_and_the_server_recovers_by_itself(start_server, server_env):
    """gunicorn (2 workers, persistent connections) talks to MariaDB through a proxy that the test cuts."""
    parts = env.database_from_url(server_env["DATABASE_URL"])
    proxy = TcpProxy(parts["HOST"] or "127.0.0.1", int(parts["PORT"] or 3306)).start()
    through_proxy = server_env["DATABASE_URL"].replace(f":{parts['PORT'] or 3306}/", f":{proxy.port}/", 1)
    assert through_proxy != server_env["DATABASE_URL"]
    server = start_server({**server_env, "DATABASE_URL": through_proxy, "CONN_MAX_AGE": "60"})
    headers = {"Authorization": f"JWT {make_token('outage_learner')}"}
    api = f"{CREDENTIALS}?username=outage_learner"
    try:
        for _ in range(4):  # both workers hold a database connection
            assert server.get(api, headers=headers).status_code == 200

        proxy.cut()
        during = [server.get(api, headers=headers) for _ in range(4)]
        health = server.get("/health/")

        proxy.restore()
        after = [server.get(api, headers=headers) for _ in range(4)] + [server.get("/health/")]
    finally:
        proxy.stop()

    assert [response.status_code for response in during] == [503] * 4
    assert all(response.json()["detail"].startswith("The service is temporarily unavailable") for response in during)
    assert health.status_code == 503
    assert health.json()["overall_status"] == "UNAVAILABLE"
    assert [response.status_code for response in after] == [200] * 5
    outages = [record for record in server.log_records() if record["logger"] == "credentials.outage"]
    assert outages and all(record["exception_type"] in ("OperationalError", "InterfaceError") for record in outages)
