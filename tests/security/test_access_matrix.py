"""Who may do what: every route of the URLconf × six callers, each cell an exact status.

Callers: anonymous, learner A (alice), learner B (bob), staff (is_staff and in Admins, as the LMS's service
worker becomes), superuser, and the username-replacement worker. API routes are called with a JWT, as their
clients do; pages with a session. The routes come from spec/pages.md §1 and spec/api.md §4 (with the
decisions of DESIGN.md §5: a learner may read their own credential by uuid); ``test_every_route_has_a_row``
fails when a route is added to the URLconf without a row here.

Learner A never sees learner B's data: every response a learner gets for a private resource (their own, a
list, or the other learner's) is checked for the other learner's username, name and identifiers.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver

from credentials.apps.badges import conf as badges_conf
from credentials.apps.badges.models import BadgeRequirement
from credentials.apps.catalog import api as catalog_api
from credentials.apps.core.constants import ADMINS_GROUP
from credentials.apps.verifiable import api as verifiable_api
from credentials.apps.verifiable.models import StatusList
from tests.badges.local_helpers import award, local_template
from tests.badges.progress_helpers import fulfil
from tests.factories import (
    CourseCertificateFactory,
    CourseRunFactory,
    PathwayFactory,
    ProgramCertificateFactory,
    ProgramCertRecordFactory,
    ProgramFactory,
    UserCredentialFactory,
    UserFactory,
    UserGradeFactory,
)
from tests.jwt_helpers import auth_header, make_token

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "learner_a", "learner_b", "staff", "superuser", "replacement_worker")
USERNAMES = {
    "learner_a": "alice_a",
    "learner_b": "bob_b",
    "staff": "staff_member",
    "superuser": "root_user",
    "replacement_worker": "username_replacement_worker",  # settings.USERNAME_REPLACEMENT_WORKER (test.py)
}


def everyone(status):
    return dict.fromkeys(ROLES, status)


def cells(anonymous, learner_a, learner_b, staff, superuser, replacement_worker):
    return dict(zip(ROLES, (anonymous, learner_a, learner_b, staff, superuser, replacement_worker), strict=True))


@dataclass
class Case:
    """One request (``path`` and ``data`` are formatted with the world's ids) and its status per caller."""

    route: str  # the URLconf pattern it covers, as test_every_route_has_a_row lists them
    method: str
    path: str
    expected: dict
    auth: str = "jwt"  # "jwt" (API clients) or "session" (browsers)
    data: dict | None = None
    owner: str | None = "learner_a"  # whose private data the request is about (None: nobody's)
    public: bool = False  # the response is public by design (a shared record, a certificate page)
    label: str = ""
    settings: dict = field(default_factory=dict)

    @property
    def id(self):
        return f"{self.method} {self.label or self.path}"


FAKE_CHROMIUM = str(Path(__file__).resolve().parent / "fake_chromium.py")
LOGIN = 302  # login_required / staff_member_required: to /login/?next=...
# Admins (the staff caller) hold add/change/view/delete on UserCredential (DESIGN.md §5.4).
A_OWN = cells(401, 200, 403, 200, 200, 403)  # view permission, or the owner (DESIGN.md §5.11)

CASES = [
    # --- Operations and sign-in ---
    Case("", "GET", "/", everyone(200), auth="session", owner=None),
    Case("health/", "GET", "/health/", everyone(200), owner=None),
    Case(
        "auto_auth/",
        "GET",
        "/auto_auth/",
        everyone(404),
        auth="session",
        owner=None,
        settings={"ENABLE_AUTO_AUTH": False},
    ),
    Case("login/", "GET", "/login/", everyone(302), auth="session", owner=None),
    Case("logout/", "GET", "/logout/", everyone(302), auth="session", owner=None),
    Case("login/inactive/", "GET", "/login/inactive/", everyone(403), auth="session", owner=None),
    Case("login/<str:backend>/", "GET", "/login/edx-oauth2/", everyone(302), auth="session", owner=None),
    Case(
        "login/<str:backend>/",
        "GET",
        "/login/no-such-backend/",
        everyone(404),
        auth="session",
        owner=None,
        label="unknown backend",
    ),
    Case("complete/<str:backend>/", "GET", "/complete/edx-oauth2/", everyone(400), auth="session", owner=None),
    Case("idp-launch/<str:backend>/", "GET", "/idp-launch/edx-oauth2/", everyone(404), auth="session", owner=None),
    Case("app-launch/<str:backend>/", "GET", "/app-launch/edx-oauth2/", everyone(404), auth="session", owner=None),
    Case(
        "disconnect/<str:backend>/",
        "POST",
        "/disconnect/edx-oauth2/",
        cells(LOGIN, 302, 302, 302, 302, 302),
        auth="session",
        owner=None,
    ),
    Case(
        "disconnect/<str:backend>/<int:association_id>/",
        "POST",
        "/disconnect/edx-oauth2/999999/",
        cells(LOGIN, 302, 302, 302, 302, 302),
        auth="session",
        owner=None,
    ),
    Case("api-auth/login/", "GET", "/api-auth/login/", everyone(302), auth="session", owner=None),
    Case("api-auth/logout/", "GET", "/api-auth/logout/", everyone(302), auth="session", owner=None),
    Case("csrf/api/v1/token", "GET", "/csrf/api/v1/token", everyone(200), owner=None),
    Case("api/schema/", "GET", "/api/schema/", everyone(200), owner=None),
    Case("api-docs/", "GET", "/api-docs/", everyone(200), owner=None),
    # --- Admin (tests/*/test_admin.py cover every model page; here the doors) ---
    Case("admin/", "GET", "/admin/", cells(302, 302, 302, 200, 200, 302), auth="session", owner=None),
    Case("favicon.ico", "GET", "/favicon.ico", everyone(301), auth="session", owner=None),
    Case("management/", "GET", "/management/", cells(LOGIN, 403, 403, 403, 200, 403), auth="session", owner=None),
    Case(
        "admin/",
        "GET",
        "/admin/credentials/usercredential/",
        cells(302, 302, 302, 200, 200, 302),
        auth="session",
        owner=None,
        label="usercredential changelist (Admins may view)",
    ),
    Case(
        "admin/",
        "GET",
        "/admin/core/user/",
        cells(302, 302, 302, 403, 200, 302),
        auth="session",
        owner=None,
        label="user changelist",
    ),
    # --- /api/v2/credentials/ ---
    Case("api/v2/^credentials/$", "GET", "/api/v2/credentials/?username={a}", A_OWN, label="list ?username=A"),
    Case(
        "api/v2/^credentials/$",
        "GET",
        "/api/v2/credentials/?username={b}",
        cells(401, 403, 200, 200, 200, 403),
        owner="learner_b",
        label="list ?username=B",
    ),
    Case(
        "api/v2/^credentials/$",
        "GET",
        "/api/v2/credentials/?username={A_UPPER}",
        cells(401, 403, 403, 200, 200, 403),
        label="list ?username=A in upper case (another username: exact rule, README)",
    ),
    Case(
        "api/v2/^credentials/$",
        "GET",
        "/api/v2/credentials/",
        cells(401, 403, 403, 200, 200, 403),
        owner=None,
        label="list all",
    ),
    Case(
        "api/v2/^credentials/$",
        "POST",
        "/api/v2/credentials/",
        cells(401, 403, 403, 201, 201, 403),
        data={"username": "{a}", "credential": {"course_run_key": "{course_run_key}", "mode": "verified"}},
        label="issue",
    ),
    Case(
        "api/v2/^credentials/$",
        "PUT",
        "/api/v2/credentials/",
        cells(401, 403, 403, 405, 405, 403),
        owner=None,
        label="PUT on the list",
    ),
    Case(
        "api/v2/^credentials\\.(?P<format>[a-z0-9]+)/?$",
        "GET",
        "/api/v2/credentials.json?username={a}",
        A_OWN,
    ),
    Case(
        "api/v2/^credentials/(?P<uuid>[^/.]+)/$",
        "GET",
        "/api/v2/credentials/{a_credential}/",
        A_OWN,
        label="retrieve A's",
    ),
    Case(
        "api/v2/^credentials/(?P<uuid>[^/.]+)/$",
        "GET",
        "/api/v2/credentials/{b_credential}/",
        cells(401, 403, 200, 200, 200, 403),
        owner="learner_b",
        label="retrieve B's",
    ),
    Case(
        "api/v2/^credentials/(?P<uuid>[^/.]+)/$",
        "PATCH",
        "/api/v2/credentials/{a_credential}/",
        cells(401, 403, 403, 200, 200, 403),
        data={"status": "awarded"},
        label="change A's status",
    ),
    Case(
        "api/v2/^credentials/(?P<uuid>[^/.]+)/$",
        "PUT",
        "/api/v2/credentials/{a_credential}/",
        cells(401, 403, 403, 200, 200, 403),
        data={"status": "awarded"},
        label="replace A's status",
    ),
    Case(
        "api/v2/^credentials/(?P<uuid>[^/.]+)/$",
        "DELETE",
        "/api/v2/credentials/{a_credential}/",
        cells(401, 403, 403, 200, 200, 403),
        label="revoke A's (delete permission)",
    ),
    Case(
        "api/v2/^credentials/(?P<uuid>[^/.]+)\\.(?P<format>[a-z0-9]+)/?$",
        "GET",
        "/api/v2/credentials/{a_credential}.json",
        A_OWN,
    ),
    # --- grades ---
    Case(
        "api/v2/^grades/$",
        "POST",
        "/api/v2/grades/",
        cells(401, 403, 403, 201, 201, 403),
        data={"username": "{a}", "course_run": "{course_run_key}", "percent_grade": "0.5", "letter_grade": "C"},
        label="post a grade",
    ),
    Case(
        "api/v2/^grades/$",
        "GET",
        "/api/v2/grades/",
        cells(401, 403, 403, 403, 405, 403),
        owner=None,
        label="GET the sink",
    ),
    Case(
        "api/v2/^grades\\.(?P<format>[a-z0-9]+)/?$",
        "GET",
        "/api/v2/grades.json",
        cells(401, 403, 403, 403, 405, 403),
        owner=None,
    ),
    Case(
        "api/v2/^grades/(?P<pk>[^/.]+)/$",
        "PATCH",
        "/api/v2/grades/{a_grade}/",
        cells(401, 403, 403, 200, 200, 403),
        data={"letter_grade": "B"},
        label="change A's grade",
    ),
    Case(
        "api/v2/^grades/(?P<pk>[^/.]+)\\.(?P<format>[a-z0-9]+)/?$",
        "PATCH",
        "/api/v2/grades/{a_grade}.json",
        cells(401, 403, 403, 200, 200, 403),
        data={"letter_grade": "B"},
    ),
    # --- course certificate configurations ---
    Case(
        "api/v2/^course_certificates/$",
        "POST",
        "/api/v2/course_certificates/",
        cells(401, 403, 403, 201, 201, 403),
        data={
            "course_id": "{course_run_key}",
            "certificate_type": "verified",
            "is_active": True,
            "certificate_available_date": None,
        },
        owner=None,
    ),
    Case(
        "api/v2/^course_certificates\\.(?P<format>[a-z0-9]+)/?$",
        "POST",
        "/api/v2/course_certificates.json",
        cells(401, 403, 403, 201, 201, 403),
        data={
            "course_id": "{course_run_key}",
            "certificate_type": "verified",
            "is_active": True,
            "certificate_available_date": None,
        },
        owner=None,
    ),
    Case(
        "api/v2/^course_certificates/(?P<course_id>[^/]+)/$",
        "GET",
        "/api/v2/course_certificates/{course_run_key}/",
        cells(401, 403, 403, 200, 200, 403),
        owner=None,
    ),
    Case(
        "api/v2/^course_certificates/(?P<course_id>[^/]+)/$",
        "PATCH",
        "/api/v2/course_certificates/{course_run_key}/",
        cells(401, 403, 403, 200, 200, 403),
        data={"is_active": True},
        owner=None,
    ),
    Case(
        "api/v2/^course_certificates/(?P<course_id>[^/]+)\\.(?P<format>[a-z0-9]+)/?$",
        "GET",
        "/api/v2/course_certificates/{course_run_key}.json",
        cells(401, 403, 403, 200, 200, 403),
        owner=None,
    ),
    # --- API roots, username replacement, learner status ---
    Case("api/v2/", "GET", "/api/v2/", cells(401, 200, 200, 200, 200, 200), owner=None),
    Case("api/v2/<drf_format_suffix:format>", "GET", "/api/v2/.json", cells(401, 200, 200, 200, 200, 200), owner=None),
    Case(
        "api/v2/replace_usernames/",
        "POST",
        "/api/v2/replace_usernames/",
        cells(401, 403, 403, 403, 403, 200),
        data={"username_mappings": [{"nobody_old": "nobody_new"}]},
        owner=None,
    ),
    Case(
        "api/v2/replace_usernames/",
        "POST",
        "/api/v2/replace_usernames/",
        cells(401, 401, 401, 401, 401, 401),
        auth="session",
        data={"username_mappings": []},
        owner=None,
        label="replace_usernames with a session (JWT only)",
    ),
    Case(
        "api/credentials/v1/learner_cert_status/",
        "POST",
        "/api/credentials/v1/learner_cert_status/",
        cells(401, 403, 403, 200, 200, 403),
        data={"username": "{a}", "course_runs": ["{course_run_key}"]},
    ),
    Case(
        "api/credentials/v1/bulk_learner_cert_status/",
        "POST",
        "/api/credentials/v1/bulk_learner_cert_status/",
        cells(401, 403, 403, 200, 200, 403),
        data=[{"username": "{a}", "course_runs": ["{course_run_key}"]}],
    ),
    # --- Records pages (session) ---
    Case("records/", "GET", "/records/", cells(LOGIN, 200, 200, 200, 200, 200), auth="session", owner=None),
    Case(
        "records/^programs/(?P<program_uuid>[0-9a-f]{32})/$",
        "GET",
        "/records/programs/{program_hex}/",
        cells(LOGIN, 200, 200, 200, 200, 200),
        auth="session",
        owner=None,
        label="own program record",
    ),
    Case(
        "records/^programs/(?P<program_uuid>[0-9a-f]{32})/$",
        "GET",
        "/records/programs/{program_hex}/?username={a}",
        cells(LOGIN, 200, 403, 200, 200, 403),
        auth="session",
        label="A's program record",
    ),
    Case(
        "records/^programs/(?P<program_uuid>[0-9a-f]{32})/csv$",
        "GET",
        "/records/programs/{program_hex}/csv?username={a}",
        cells(LOGIN, 200, 403, 200, 200, 403),
        auth="session",
    ),
    Case(
        "records/^programs/(?P<program_uuid>[0-9a-f]{32})/clr\\.json$",
        "GET",
        "/records/programs/{program_hex}/clr.json?username={a}",
        cells(LOGIN, 200, 403, 200, 200, 403),
        auth="session",
    ),
    Case(
        "records/^programs/(?P<program_uuid>[0-9a-f]{32})/share$",
        "POST",
        "/records/programs/{program_hex}/share",
        cells(LOGIN, 200, 403, 200, 200, 403),
        auth="session",
        data={"username": "{a}"},
    ),
    Case(
        "records/^programs/(?P<program_uuid>[0-9a-f]{32})/send$",
        "POST",
        "/records/programs/{program_hex}/send",
        cells(LOGIN, 200, 403, 200, 200, 403),
        auth="session",
        data={"username": "{a}", "pathway_id": "{pathway}"},
    ),
    Case(
        "records/^programs/shared/(?P<record_uuid>[0-9a-f]{32})/$",
        "GET",
        "/records/programs/shared/{a_shared}/",
        everyone(200),
        auth="session",
        public=True,
    ),
    Case(
        "records/^programs/shared/(?P<record_uuid>[0-9a-f]{32})/csv$",
        "GET",
        "/records/programs/shared/{a_shared}/csv",
        everyone(200),
        auth="session",
        public=True,
    ),
    Case(
        "records/^programs/shared/(?P<record_uuid>[0-9a-f]{32})/clr\\.json$",
        "GET",
        "/records/programs/shared/{a_shared}/clr.json",
        everyone(200),
        auth="session",
        public=True,
    ),
    # --- Records JSON API ---
    Case(
        "records/api/v1/^program_records/$",
        "GET",
        "/records/api/v1/program_records/",
        cells(401, 200, 200, 200, 200, 200),
        owner=None,
    ),
    Case(
        "records/api/v1/^program_records/$",
        "GET",
        "/records/api/v1/program_records/?username={a}",
        cells(401, 403, 403, 200, 200, 403),
        label="A's programs",
    ),
    Case(
        "records/api/v1/^program_records/(?P<uuid>[^/.]+)/$",
        "GET",
        "/records/api/v1/program_records/{program_hex}/?username={a}",
        cells(401, 403, 403, 200, 200, 403),
        label="A's record",
    ),
    Case(
        "records/api/v1/^program_records/(?P<uuid>[^/.]+)/$",
        "GET",
        "/records/api/v1/program_records/{program_hex}/",
        cells(401, 200, 200, 200, 200, 200),
        owner=None,
        label="own record",
    ),
    Case(
        "records/api/v1/^program_records/(?P<uuid>[^/.]+)/$",
        "GET",
        "/records/api/v1/program_records/{a_shared}/?is_public=true",
        everyone(200),
        public=True,
        label="A's shared record",
    ),
    Case("records/api/v1/", "GET", "/records/api/v1/", cells(401, 200, 200, 200, 200, 200), owner=None),
    Case(
        "records/api/v1/<drf_format_suffix:format>",
        "GET",
        "/records/api/v1/.json",
        cells(401, 200, 200, 200, 200, 200),
        owner=None,
    ),
    Case(
        "records/api/v1/^program_records\\.(?P<format>[a-z0-9]+)/?$",
        "GET",
        "/records/api/v1/program_records.json",
        cells(401, 200, 200, 200, 200, 200),
        owner=None,
    ),
    Case(
        "records/api/v1/^program_records/(?P<uuid>[^/.]+)\\.(?P<format>[a-z0-9]+)/?$",
        "GET",
        "/records/api/v1/program_records/{program_hex}.json?username={a}",
        cells(401, 403, 403, 200, 200, 403),
        label="A's record as .json",
    ),
    # --- Certificate pages ---
    Case("credentials/example/", "GET", "/credentials/example/", everyone(200), auth="session", owner=None),
    Case(
        "credentials/example/<credential_uuid:program_uuid>/",
        "GET",
        "/credentials/example/{program_hex}/",
        cells(LOGIN, 403, 403, 200, 200, 403),  # signed in but not staff: 403, not a sign-in loop (issue 14)
        auth="session",
        owner=None,
    ),
    Case(
        "credentials/<credential_uuid:uuid>/",
        "GET",
        "/credentials/{a_program_credential_hex}/",
        everyone(200),
        auth="session",
        public=True,
    ),
    # --- Verifiable credentials: public documents and the public verifier ---
    Case(
        "credentials/<credential_uuid:credential_uuid>/credential.json",
        "GET",
        "/credentials/{a_program_credential_hex}/credential.json",
        everyone(200),
        auth="session",
        public=True,
    ),
    Case(
        "^verifiable_credentials/api/v1/status-lists/(?P<uuid_hex>[0-9a-f]{32})/$",
        "GET",
        "/verifiable_credentials/api/v1/status-lists/{status_list_hex}/",
        everyone(200),
        owner=None,
    ),
    Case(".well-known/did.json", "GET", "/.well-known/did.json", everyone(404), owner=None, label="no did:web"),
    Case("verify/", "GET", "/verify/", everyone(200), auth="session", owner=None),
    Case("^v/(?P<uuid_hex>[0-9a-f]{32})/$", "GET", "/v/{a_program_credential_hex}/", everyone(302), public=True),
    # --- Portable certificates: public exactly when the page is (rendered by a stand-in browser here) ---
    *[
        Case(
            f"credentials/<credential_uuid:credential_uuid>/{name}",
            "GET",
            f"/credentials/{{a_program_credential_hex}}/{name}",
            everyone(200),
            auth="session",
            public=True,
            settings={"CHROMIUM_PATH": FAKE_CHROMIUM},
        )
        for name in ("certificate.pdf", "preview.png", "badge.png", "badge.svg")
    ],
    Case("api/v2/verify/", "POST", "/api/v2/verify/", everyone(400), data={"type": ["Nothing"]}, owner=None),
    # --- The wallet flow of upstream (JWT or session; the issue endpoint takes a signed presentation) ---
    Case(
        "verifiable_credentials/api/v1/", "GET", "/verifiable_credentials/api/v1/", cells(401, 200, 200, 200, 200, 200)
    ),
    Case(
        "verifiable_credentials/api/v1/credentials/",
        "GET",
        "/verifiable_credentials/api/v1/credentials/",
        cells(401, 200, 200, 200, 200, 200),
    ),
    Case(
        "verifiable_credentials/api/v1/credentials/init/",
        "POST",
        "/verifiable_credentials/api/v1/credentials/init/",
        cells(401, 200, 404, 200, 200, 404),
        data={"credential_uuid": "{a_program_credential_hex}", "storage_id": "lc_wallet"},
        public=True,  # the 404 body echoes the caller's own input, as upstream's does
    ),
    Case(
        "verifiable_credentials/api/v1/credentials/issue/<uuid:line_uuid>/",
        "POST",
        "/verifiable_credentials/api/v1/credentials/issue/0b5e4f7a-2f4e-4b7e-9d55-6a1f1f0a9c11/",
        cells(401, 401, 401, 401, 401, 401),
        data={"holder": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"},
        owner=None,
        label="issue without a signed presentation",
    ),
    Case(
        "verifiable_credentials/api/v1/storages/",
        "GET",
        "/verifiable_credentials/api/v1/storages/",
        cells(401, 200, 200, 200, 200, 200),
        owner=None,
    ),
    Case(
        "verifiable_credentials/wallet/",
        "GET",
        "/verifiable_credentials/wallet/",
        cells(LOGIN, 200, 200, 200, 200, 200),
        auth="session",
    ),
    Case(
        "^verifiable_credentials/wallet/(?P<uuid_hex>[0-9a-f]{32})/$",
        "GET",
        "/verifiable_credentials/wallet/{a_program_credential_hex}/",
        cells(LOGIN, 200, 404, 200, 200, 404),
        auth="session",
    ),
    # --- Badges: the Credly webhook is public (the event is fetched back from Credly); unknown org → 404 ---
    Case(
        "badges/credly/webhook/",
        "POST",
        "/badges/credly/webhook/",
        everyone(404),
        data={"id": "6b0f6a56-0d51-4a1c-9a4e-0c4f5d1a2b3c", "organization_id": "0e2a8c9e-3b1f-4a7e-8c5d-2f6b7a9d1e4f"},
        owner=None,
    ),
]

CASES += [
    # --- Badges (BADGES_ENABLED in the test settings): public documents, the learner's progress ---
    Case(
        "badges/achievements/<badge_uuid:template_uuid>/",
        "GET",
        "/badges/achievements/{template_hex}/",
        everyone(200),
        auth="session",
        owner=None,
    ),
    Case(
        "badges/credentials/<badge_uuid:badge_uuid>/",
        "GET",
        "/badges/credentials/{a_badge_hex}/",
        everyone(200),
        auth="session",
        public=True,
    ),
    Case(
        "badges/credentials/<badge_uuid:badge_uuid>/credential.json",
        "GET",
        "/badges/credentials/{a_badge_hex}/credential.json",
        everyone(200),
        auth="session",
        public=True,
    ),
    Case(
        "badges/progress/",
        "GET",
        "/badges/progress/",
        cells(LOGIN, 200, 200, 200, 200, 200),
        auth="session",
        owner=None,
    ),
    Case(
        "badges/progress/",
        "GET",
        "/badges/progress/?username={a}",
        cells(LOGIN, 200, 404, 200, 200, 404),
        auth="session",
        label="A's badge progress page",
    ),
    Case("badges/api/v1/progress/", "GET", "/badges/api/v1/progress/", cells(401, 200, 200, 200, 200, 200), owner=None),
    Case(
        "badges/api/v1/progress/",
        "GET",
        "/badges/api/v1/progress/?username={a}",
        cells(401, 403, 403, 200, 200, 403),
        label="A's badge progress",
    ),
]


# --- The world ----------------------------------------------------------------------------------------------


@pytest.fixture
def world(site, settings):
    settings.LEARNER_RECORD_MFE_RECORDS_PAGE_URL = ""
    admins, _ = Group.objects.get_or_create(name=ADMINS_GROUP)
    users = {
        "learner_a": UserFactory(username=USERNAMES["learner_a"], full_name="Alice Aardvark", email="alice@a.example"),
        "learner_b": UserFactory(username=USERNAMES["learner_b"], full_name="Bob Bandicoot", email="bob@b.example"),
        "staff": UserFactory(username=USERNAMES["staff"], is_staff=True),
        "superuser": UserFactory(username=USERNAMES["superuser"], is_staff=True, is_superuser=True),
        "replacement_worker": UserFactory(username=USERNAMES["replacement_worker"]),
    }
    users["staff"].groups.add(admins)

    program = ProgramFactory(site=site, title="Shared Program")
    runs = [CourseRunFactory(course__site=site) for _ in range(2)]
    catalog_api.set_ordered(program, "course_runs", runs)
    program_certificate = ProgramCertificateFactory(site=site, program=program)
    course_certificates = [CourseCertificateFactory(site=site, course_run=run) for run in runs]
    pathway = PathwayFactory(site=site, name="Credit Pathway", email="credit@pathway.example")
    catalog_api.set_ordered(pathway, "programs", [program])
    ids = {}
    for role, letter in (("learner_a", "a"), ("learner_b", "b")):
        username = users[role].username
        course_credential = UserCredentialFactory(username=username, credential=course_certificates[0])
        program_credential = UserCredentialFactory(username=username, credential=program_certificate)
        grade = UserGradeFactory(username=username, course_run=runs[0])
        shared = ProgramCertRecordFactory(user=users[role], program=program)
        ids.update(
            {
                f"{letter}_credential": course_credential.uuid,
                f"{letter}_program_credential_hex": program_credential.uuid.hex,
                f"{letter}_grade": grade.pk,
                f"{letter}_shared": shared.uuid.hex,
            }
        )
    badge_template = local_template(site, name="Shared Badge", icon=None)
    badge_requirement = BadgeRequirement.objects.create(
        template=badge_template, event_type=badges_conf.PASSING_STATUS_UPDATED, blend="A"
    )
    for role, letter in (("learner_a", "a"), ("learner_b", "b")):
        fulfil(users[role].username, badge_requirement)
        ids[f"{letter}_badge_hex"] = award(badge_template, users[role].username).uuid.hex
    ids.update(
        {
            "template_hex": badge_template.uuid.hex,
            "a": USERNAMES["learner_a"],
            "b": USERNAMES["learner_b"],
            "A_UPPER": USERNAMES["learner_a"].upper(),
            "course_run_key": runs[1].key,
            "program_hex": program.uuid.hex,
            "pathway": pathway.pk,
            "status_list_hex": StatusList.objects.create(
                issuer=verifiable_api.get_issuer(site), length=131072
            ).uuid.hex,
        }
    )
    # What must never reach the other learner: username, name, e-mail, credential and record identifiers.
    secrets = {
        role: [
            users[role].username,
            users[role].full_name,
            users[role].email,
            str(ids[f"{letter}_credential"]),
            ids[f"{letter}_program_credential_hex"],
            ids[f"{letter}_shared"],
            ids[f"{letter}_badge_hex"],
        ]
        for role, letter in (("learner_a", "a"), ("learner_b", "b"))
    }
    return {"users": users, "ids": ids, "secrets": secrets}


def fill(value, ids):
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {key: fill(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, ids) for item in value]
    return value


def request_as(client, role, case, world):
    ids = world["ids"]
    headers = {}
    if role != "anonymous":
        user = world["users"][role]
        if case.auth == "jwt":
            # The LMS's staff callers carry administrator: true; it keeps them staff and in Admins.
            token = make_token(user.username, administrator=role in ("staff", "superuser"))
            headers = auth_header(token)
        else:
            client.force_login(user)
    path = fill(case.path, ids)
    data = fill(case.data, ids)
    send = getattr(client, case.method.lower())
    if data is None:
        return send(path, **headers)
    return send(path, data, content_type="application/json", **headers)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_access(client, world, settings, case, role):
    for name, value in case.settings.items():
        setattr(settings, name, value)

    response = request_as(client, role, case, world)

    assert response.status_code == case.expected[role], response.content[:500]
    if response.status_code == 401:
        assert response["WWW-Authenticate"] == 'JWT realm="api"'
    if response.status_code == LOGIN and case.expected[role] == LOGIN and role == "anonymous" and case.method == "GET":
        assert (
            response["Location"].startswith("/login/")
            or response["Location"].startswith("/admin/login/")
            or case.route
            in (
                "login/",
                "logout/",
                "login/<str:backend>/",
                "api-auth/login/",
                "api-auth/logout/",
                "^v/(?P<uuid_hex>[0-9a-f]{32})/$",  # the short verification link: on to /verify/
            )
        )
    assert_no_leak(response, role, case, world)


def assert_no_leak(response, role, case, world):
    """A learner's response about anything but the other learner's public pages names nothing of theirs."""
    if role not in ("learner_a", "learner_b") or case.public:
        return
    other = "learner_b" if role == "learner_a" else "learner_a"
    body = response.content.decode(errors="replace")
    leaked = [secret for secret in world["secrets"][other] if secret and secret in body]
    assert leaked == [], f"{role} saw {other}'s {leaked}"


# --- Every route has a row --------------------------------------------------------------------------------------


def urlconf_routes():
    """Every pattern of the URLconf as one string (the admin counts as one route: its pages are tested
    per model in tests/*/test_admin.py)."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if route == "admin/":
                    yield route
                else:
                    yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                yield route

    return set(walk(get_resolver().url_patterns))


def test_every_route_has_a_row():
    covered = {case.route for case in CASES}

    assert urlconf_routes() - covered == set(), "add rows for these routes to CASES"
    assert covered - urlconf_routes() == set(), "rows for routes that no longer exist"


def test_every_row_has_every_caller():
    assert all(set(case.expected) == set(ROLES) for case in CASES)


def test_the_spec_url_map_is_served():
    """The browser-facing paths of spec/pages.md §1 and the endpoints of spec/api.md §4 that this service
    serves resolve (verifiable credentials and badges are off)."""
    from django.urls import Resolver404, resolve

    paths = [
        "/credentials/" + "a" * 32 + "/",
        "/credentials/example/",
        "/credentials/example/" + "a" * 32 + "/",
        "/records/",
        "/records/programs/" + "a" * 32 + "/",
        "/records/programs/shared/" + "a" * 32 + "/",
        "/records/programs/shared/" + "a" * 32 + "/csv",
        "/records/programs/" + "a" * 32 + "/send",
        "/records/programs/" + "a" * 32 + "/share",
        "/records/api/v1/program_records/",
        "/records/api/v1/program_records/" + "a" * 32 + "/",
        "/health/",
        "/auto_auth/",
        "/favicon.ico",
        "/management/",
        "/login/",
        "/logout/",
        "/login/edx-oauth2/",
        "/complete/edx-oauth2/",
        "/api-auth/login/",
        "/api-auth/logout/",
        "/admin/",
        "/api-docs/",
        "/csrf/api/v1/token",
        "/api/v2/",
        "/api/v2/credentials/",
        "/api/v2/grades/",
        "/api/v2/course_certificates/",
        "/api/v2/replace_usernames/",
        "/api/credentials/v1/learner_cert_status/",
        "/api/credentials/v1/bulk_learner_cert_status/",
    ]
    unresolved = []
    for path in paths:
        try:
            resolve(path)
        except Resolver404:
            unresolved.append(path)
    assert unresolved == []
    # Hyphenated or upper-case ids do not match the page routes (spec/pages.md §0).
    for path in ("/credentials/" + "A" * 32 + "/", "/records/programs/" + "a" * 8 + "-" + "a" * 24 + "/"):
        with pytest.raises(Resolver404):
            resolve(path)
    assert re.fullmatch(r"[0-9a-f]{32}", "a" * 32)
