"""CSRF: an unsafe request authenticated by a browser credential (the session, or the LMS's JWT cookies) is
refused without a CSRF token, on the API and on the records POSTs, and writes nothing; the same request with
the token from ``/csrf/api/v1/token`` goes through. A JWT in the Authorization header is not a browser
credential, so it needs no token (spec/api.md §2.1, §2.4, §12)."""

import json

import pytest
from django.test import Client

from credentials.apps.credentials.models import CourseCertificate, UserCredential
from credentials.apps.records.models import ProgramCertRecord, UserCreditPathway, UserGrade
from tests.factories import (
    CourseRunFactory,
    PathwayFactory,
    ProgramCertificateFactory,
    UserCredentialFactory,
    UserFactory,
)
from tests.jwt_helpers import make_token, service_worker_header

pytestmark = pytest.mark.django_db

CSRF_COOKIE = "credentials_csrftoken"


@pytest.fixture
def browser():
    """A client that enforces CSRF like a real browser session does."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def world(site):
    from credentials.apps.catalog import api as catalog_api

    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    alice = UserFactory(username="alice")
    run = CourseRunFactory(course__site=site)
    program_certificate = ProgramCertificateFactory(site=site)
    catalog_api.set_ordered(program_certificate.program, "course_runs", [run])
    pathway = PathwayFactory(site=site, email="credit@example.com")
    catalog_api.set_ordered(pathway, "programs", [program_certificate.program])
    credential = UserCredentialFactory(username="alice")
    return {
        "superuser": superuser,
        "alice": alice,
        "run": run,
        "program_hex": program_certificate.program.uuid.hex,
        "pathway": pathway,
        "credential": credential,
    }


def api_requests(world):
    """(label, method, path, body, what must not exist afterwards) for every unsafe API call."""
    run_key = world["run"].key
    return [
        (
            "issue",
            "post",
            "/api/v2/credentials/",
            {"username": "mallory", "credential": {"course_run_key": run_key, "mode": "verified"}},
            lambda: UserCredential.objects.filter(username="mallory").exists(),
        ),
        (
            "revoke",
            "delete",
            f"/api/v2/credentials/{world['credential'].uuid}/",
            None,
            lambda: UserCredential.objects.filter(status="revoked").exists(),
        ),
        (
            "change status",
            "patch",
            f"/api/v2/credentials/{world['credential'].uuid}/",
            {"status": "revoked"},
            lambda: UserCredential.objects.filter(status="revoked").exists(),
        ),
        (
            "grade",
            "post",
            "/api/v2/grades/",
            {"username": "mallory", "course_run": run_key, "percent_grade": "0.5"},
            lambda: UserGrade.objects.filter(username="mallory").exists(),
        ),
        (
            "course certificate",
            "post",
            "/api/v2/course_certificates/",
            {"course_id": run_key, "certificate_type": "honor", "is_active": True, "certificate_available_date": None},
            lambda: CourseCertificate.objects.filter(certificate_type="honor").exists(),
        ),
        ("learner status", "post", "/api/credentials/v1/learner_cert_status/", {"username": "alice"}, lambda: False),
        (
            "bulk learner status",
            "post",
            "/api/credentials/v1/bulk_learner_cert_status/",
            [{"username": "alice"}],
            lambda: False,
        ),
    ]


API_LABELS = [
    "issue",
    "revoke",
    "change status",
    "grade",
    "course certificate",
    "learner status",
    "bulk learner status",
]


def send(client, method, path, body, **extra):
    if body is None:
        return getattr(client, method)(path, **extra)
    return getattr(client, method)(path, json.dumps(body), content_type="application/json", **extra)


def csrf_token(client):
    response = client.get("/csrf/api/v1/token")
    assert response.status_code == 200
    token = response.json()["csrfToken"]
    assert client.cookies[CSRF_COOKIE].value
    return token


@pytest.mark.parametrize("index", range(7), ids=API_LABELS)
def test_session_api_writes_without_a_csrf_token_are_refused_and_write_nothing(browser, world, index):
    label, method, path, body, written = api_requests(world)[index]
    browser.force_login(world["superuser"])

    response = send(browser, method, path, body)

    assert response.status_code == 403, (label, response.content[:300])
    assert response.json()["detail"].startswith("CSRF Failed"), label
    assert not written(), label


@pytest.mark.parametrize("index", range(7), ids=API_LABELS)
def test_session_api_writes_with_a_wrong_csrf_token_are_refused(browser, world, index):
    label, method, path, body, written = api_requests(world)[index]
    browser.force_login(world["superuser"])
    csrf_token(browser)

    response = send(browser, method, path, body, HTTP_X_CSRFTOKEN="x" * 64)

    assert response.status_code == 403, label
    assert not written(), label


@pytest.mark.parametrize("index", range(7), ids=API_LABELS)
def test_session_api_writes_with_the_csrf_token_go_through(browser, world, index):
    label, method, path, body, written = api_requests(world)[index]
    browser.force_login(world["superuser"])
    token = csrf_token(browser)

    response = send(browser, method, path, body, HTTP_X_CSRFTOKEN=token)

    assert response.status_code in (200, 201), (label, response.content[:300])


def set_jwt_cookies(client, token):
    header_payload, _, signature = token.rpartition(".")
    client.cookies["edx-jwt-cookie-header-payload"] = header_payload
    client.cookies["edx-jwt-cookie-signature"] = signature


@pytest.mark.parametrize("index", range(7), ids=API_LABELS)
def test_jwt_cookie_api_writes_without_a_csrf_token_are_refused(browser, world, index):
    """The Learner Record front-end's JWT cookies are a browser credential too (spec/api.md §2.1)."""
    label, method, path, body, written = api_requests(world)[index]
    set_jwt_cookies(browser, make_token("lms_staff", administrator=True))

    response = send(browser, method, path, body)

    assert response.status_code == 403, (label, response.content[:300])
    assert "CSRF" in response.json()["detail"]
    assert not written(), label


def test_jwt_cookie_api_writes_with_the_csrf_token_go_through(browser, world):
    set_jwt_cookies(browser, make_token("lms_staff", administrator=True))
    token = csrf_token(browser)
    body = {"username": "mallory", "credential": {"course_run_key": world["run"].key, "mode": "verified"}}

    response = send(browser, "post", "/api/v2/credentials/", body, HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 201


def test_a_jwt_header_needs_no_csrf_token(browser, world):
    body = {"username": "mallory", "credential": {"course_run_key": world["run"].key, "mode": "verified"}}

    response = send(browser, "post", "/api/v2/credentials/", body, **service_worker_header())

    assert response.status_code == 201


# --- Records POSTs (plain Django views) ---------------------------------------------------------------------------


def share(client, world, **extra):
    return send(client, "post", f"/records/programs/{world['program_hex']}/share", {"username": "alice"}, **extra)


def send_to_pathway(client, world, **extra):
    body = {"username": "alice", "pathway_id": world["pathway"].pk}
    return send(client, "post", f"/records/programs/{world['program_hex']}/send", body, **extra)


@pytest.mark.parametrize("action", [share, send_to_pathway], ids=["share", "send"])
def test_records_posts_without_a_csrf_token_are_refused_and_write_nothing(browser, world, action):
    browser.force_login(world["alice"])

    response = action(browser, world)

    assert response.status_code == 403
    assert b"CSRF" in response.content
    assert not ProgramCertRecord.objects.exists()
    assert not UserCreditPathway.objects.exists()


@pytest.mark.parametrize("action", [share, send_to_pathway], ids=["share", "send"])
def test_records_posts_with_a_wrong_csrf_token_are_refused(browser, world, action):
    browser.force_login(world["alice"])
    csrf_token(browser)

    response = action(browser, world, HTTP_X_CSRFTOKEN="y" * 64)

    assert response.status_code == 403
    assert not ProgramCertRecord.objects.exists()


@pytest.mark.parametrize(("action", "status"), [(share, 201), (send_to_pathway, 200)], ids=["share", "send"])
def test_records_posts_with_the_csrf_token_go_through(browser, world, action, status):
    browser.force_login(world["alice"])
    token = csrf_token(browser)

    response = action(browser, world, HTTP_X_CSRFTOKEN=token)

    assert response.status_code == status
    assert ProgramCertRecord.objects.filter(user=world["alice"]).exists()


def test_a_token_is_bound_to_its_cookie(world):
    """A token obtained by another browser (an attacker's own session) does not work with the victim's cookie."""
    attacker, victim = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    attacker_token = csrf_token(attacker)
    victim.force_login(world["alice"])
    csrf_token(victim)

    response = share(victim, world, HTTP_X_CSRFTOKEN=attacker_token)

    assert response.status_code == 403
    assert not ProgramCertRecord.objects.exists()


def test_a_cross_site_https_post_is_refused_even_with_a_token(world):
    """Over HTTPS Django also checks the Origin: a page on another site cannot post with a stolen token."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world["alice"])
    token = browser.get("/csrf/api/v1/token", secure=True).json()["csrfToken"]

    response = share(browser, world, HTTP_X_CSRFTOKEN=token, HTTP_ORIGIN="https://evil.example", secure=True)

    assert response.status_code == 403
    assert not ProgramCertRecord.objects.exists()


def test_admin_posts_without_a_csrf_token_are_refused(browser, world):
    browser.force_login(world["superuser"])

    response = browser.post(f"/admin/core/user/{world['alice'].pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert UserFactory._meta.model.objects.filter(username="alice").exists()


def test_logout_is_not_a_get_side_effect_for_other_sites(browser, world):
    """Signing out is harmless, but the admin's own logout must be a POST (Django 5)."""
    browser.force_login(world["superuser"])

    response = browser.get("/admin/logout/")

    assert response.status_code == 405
