"""Limits: oversized bodies get 413, every input field of every endpoint is bounded and validated with a
clear 400 (or the empty-bodied 400 the spec prescribes), and hostile shapes never give a 500.

The body limit is MAX_REQUEST_BODY_BYTES (credentials/apps/core/limits.py, README "Security and reliability").
"""

import io
import json

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from credentials.apps.core.limits import BoundedStream, RequestBodyLimitMiddleware, RequestBodyTooLarge
from credentials.apps.credentials.constants import MAX_ATTRIBUTES_PER_CREDENTIAL
from credentials.apps.credentials.models import UserCredential, UserCredentialAttribute
from credentials.apps.records.models import UserGrade
from tests.factories import (
    CourseCertificateFactory,
    CourseRunFactory,
    PathwayFactory,
    ProgramCertificateFactory,
    UserFactory,
    UserGradeFactory,
)
from tests.jwt_helpers import auth_header, make_token, service_worker_header

pytestmark = pytest.mark.django_db

CREDENTIALS = "/api/v2/credentials/"
GRADES = "/api/v2/grades/"
COURSE_CERTIFICATES = "/api/v2/course_certificates/"
LEARNER_STATUS = "/api/credentials/v1/learner_cert_status/"
BULK_LEARNER_STATUS = "/api/credentials/v1/bulk_learner_cert_status/"
REPLACE_USERNAMES = "/api/v2/replace_usernames/"
LONG = "x" * 256


@pytest.fixture
def worker():
    return service_worker_header()


@pytest.fixture
def replacement_worker():
    return auth_header(make_token("username_replacement_worker"))


@pytest.fixture
def course_run(site):
    return CourseRunFactory(course__site=site)


@pytest.fixture
def program_certificate(site):
    return ProgramCertificateFactory(site=site)


def post_json(client, path, body, headers=None):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(path, data, content_type="application/json", **(headers or {}))


def course_award(course_run, **overrides):
    return {"username": "alice", "credential": {"course_run_key": course_run.key, "mode": "verified"}, **overrides}


# --- Request body size ---------------------------------------------------------------------------------


@pytest.fixture
def small_limit(settings):
    settings.MAX_REQUEST_BODY_BYTES = 2000
    return 2000


def padded_award(course_run, size):
    """A valid course award whose JSON is exactly ``size`` bytes (padding in an attribute value)."""
    body = course_award(course_run, attributes=[{"name": "pad", "value": ""}])
    base = len(json.dumps(body))
    body["attributes"][0]["value"] = "p" * (size - base)
    encoded = json.dumps(body)
    assert len(encoded) == size
    return encoded


def test_a_body_over_the_limit_is_refused_with_413_json_and_writes_nothing(client, site, worker, small_limit):
    response = post_json(client, CREDENTIALS, {"username": "alice", "padding": "x" * small_limit}, worker)

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": f"Request body too large: at most {small_limit} bytes are accepted."}
    assert not UserCredential.objects.exists()


def test_a_body_of_exactly_the_limit_is_accepted(client, site, worker, course_run, settings):
    settings.MAX_REQUEST_BODY_BYTES = 300
    response = post_json(client, CREDENTIALS, padded_award(course_run, 300), worker)

    assert response.status_code == 201, response.content
    assert UserCredential.objects.get().username == "alice"


def test_one_byte_over_the_limit_is_refused(client, site, worker, course_run, settings):
    settings.MAX_REQUEST_BODY_BYTES = 300
    response = post_json(client, CREDENTIALS, padded_award(course_run, 301), worker)

    assert response.status_code == 413
    assert not UserCredential.objects.exists()


def test_the_default_limit_is_one_mebibyte(client, site, worker, settings):
    assert settings.MAX_REQUEST_BODY_BYTES == 1024 * 1024
    response = post_json(client, CREDENTIALS, {"padding": "x" * (1024 * 1024)}, worker)

    assert response.status_code == 413


@pytest.mark.parametrize(
    "path",
    [
        CREDENTIALS,
        GRADES,
        LEARNER_STATUS,
        "/records/programs/" + "a" * 32 + "/share",
        "/admin/login/",
        "/no-such-page/",
    ],
)
def test_the_limit_applies_before_authentication_everywhere(client, site, small_limit, path):
    response = client.post(path, "x" * (small_limit + 1), content_type="text/plain")

    assert response.status_code == 413
    assert response.json()["detail"].startswith("Request body too large")


def test_form_encoded_and_multipart_bodies_are_limited_too(client, site, worker, small_limit):
    form = client.post(GRADES, {"username": "alice", "letter_grade": "A" * small_limit}, **worker)
    urlencoded = client.post(
        GRADES,
        "username=alice&letter_grade=" + "A" * small_limit,
        content_type="application/x-www-form-urlencoded",
        **worker,
    )

    assert form.status_code == 413  # the test client sends multipart by default
    assert urlencoded.status_code == 413
    assert not UserGrade.objects.exists()


def test_get_requests_without_a_body_are_not_affected(client, site, small_limit):
    assert client.get("/health/").status_code == 200


def test_a_limit_of_zero_turns_the_check_off(client, site, worker, settings):
    settings.MAX_REQUEST_BODY_BYTES = 0
    response = post_json(client, CREDENTIALS, {"username": "alice", "padding": "x" * 5000}, worker)

    assert response.status_code == 400  # validated, not refused for its size


def test_a_body_longer_than_its_declared_length_stops_at_the_limit():
    """A handler that hands over a stream without bounding it to Content-Length (or a client that lies about
    the length): the view can read at most the limit, then the request is refused with 413."""
    request = RequestFactory().post("/api/v2/credentials/", b"{}", content_type="application/json")
    request._stream = io.BytesIO(b"x" * 5000)  # longer than CONTENT_LENGTH says
    read = []

    def view(request):
        read.append(request.read())
        return HttpResponse("read")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.conf.settings.MAX_REQUEST_BODY_BYTES", 1000, raising=False)
        middleware = RequestBodyLimitMiddleware(view)
        with pytest.raises(RequestBodyTooLarge):
            middleware(request)
        response = middleware.process_exception(request, RequestBodyTooLarge("too long"))

    assert read == []
    assert response.status_code == 413
    assert json.loads(response.content) == {"detail": "Request body too large: at most 1000 bytes are accepted."}


def test_the_bounded_stream_reads_up_to_the_limit_in_chunks_and_lines():
    stream = BoundedStream(io.BytesIO(b"line one\nline two\n"), limit=18)

    assert stream.readline() == b"line one\n"
    assert stream.read(4) == b"line"
    assert stream.read() == b" two\n"
    assert stream.read() == b""

    over = BoundedStream(io.BytesIO(b"a" * 20), limit=10)
    assert over.read(10) == b"a" * 10
    with pytest.raises(RequestBodyTooLarge):
        over.read(5)


# --- POST /api/v2/credentials/: every field --------------------------------------------------------------


def test_the_number_of_attributes_is_bounded(client, site, worker, course_run):
    attributes = [{"name": f"a{i}", "value": "v"} for i in range(MAX_ATTRIBUTES_PER_CREDENTIAL + 1)]
    response = post_json(client, CREDENTIALS, course_award(course_run, attributes=attributes), worker)

    assert response.status_code == 400
    assert response.json() == {
        "attributes": {
            "non_field_errors": [f"Ensure this field has no more than {MAX_ATTRIBUTES_PER_CREDENTIAL} elements."]
        }
    }
    assert not UserCredential.objects.exists()


def test_the_maximum_number_of_attributes_is_accepted(client, site, worker, course_run):
    attributes = [{"name": f"a{i}", "value": "v"} for i in range(MAX_ATTRIBUTES_PER_CREDENTIAL)]
    response = post_json(client, CREDENTIALS, course_award(course_run, attributes=attributes), worker)

    assert response.status_code == 201
    assert UserCredentialAttribute.objects.count() == MAX_ATTRIBUTES_PER_CREDENTIAL


def test_attributes_merged_over_many_posts_stay_bounded(client, site, worker, course_run):
    """Attributes merge and are never pruned (spec/api.md §6.2), so the bound must hold across requests."""
    first = [{"name": f"a{i}", "value": "v"} for i in range(MAX_ATTRIBUTES_PER_CREDENTIAL)]
    second = [{"name": "one_more", "value": "v"}]
    assert post_json(client, CREDENTIALS, course_award(course_run, attributes=first), worker).status_code == 201

    response = post_json(client, CREDENTIALS, course_award(course_run, attributes=second), worker)

    assert response.status_code == 400
    assert response.json() == {
        "attributes": [
            f"A credential has at most {MAX_ATTRIBUTES_PER_CREDENTIAL} attributes; this request would give it "
            f"{MAX_ATTRIBUTES_PER_CREDENTIAL + 1}."
        ]
    }
    assert UserCredentialAttribute.objects.count() == MAX_ATTRIBUTES_PER_CREDENTIAL
    assert not UserCredentialAttribute.objects.filter(name="one_more").exists()


def test_re_posting_existing_attribute_names_at_the_bound_is_accepted(client, site, worker, course_run):
    attributes = [{"name": f"a{i}", "value": "v"} for i in range(MAX_ATTRIBUTES_PER_CREDENTIAL)]
    assert post_json(client, CREDENTIALS, course_award(course_run, attributes=attributes), worker).status_code == 201
    attributes[0]["value"] = "changed"

    response = post_json(client, CREDENTIALS, course_award(course_run, attributes=attributes), worker)

    assert response.status_code == 201
    assert UserCredentialAttribute.objects.get(name="a0").value == "changed"


CREDENTIAL_FIELD_ERRORS = {
    "username too long": (
        {"username": "u" * 256},
        {"username": ["Ensure this field has no more than 255 characters."]},
    ),
    "username not a string": ({"username": {"a": 1}}, {"username": ["Not a valid string."]}),
    "username empty": ({"username": ""}, {"username": ["This field may not be blank."]}),
    "status unknown": ({"status": "stolen"}, {"status": ['"stolen" is not a valid choice.']}),
    "status a list": ({"status": ["awarded"]}, None),
    "attribute name too long": (
        {"attributes": [{"name": LONG, "value": "v"}]},
        {"attributes": [{"name": ["Ensure this field has no more than 255 characters."]}]},
    ),
    "attribute value too long": (
        {"attributes": [{"name": "n", "value": LONG}]},
        {"attributes": [{"value": ["Ensure this field has no more than 255 characters."]}]},
    ),
    "attribute name missing": (
        {"attributes": [{"value": "v"}]},
        {"attributes": [{"name": ["This field is required."]}]},
    ),
    "attribute not an object": ({"attributes": ["name=value"]}, None),
    "attributes not a list": ({"attributes": {"name": "n", "value": "v"}}, None),
    "duplicate attribute names": (
        {"attributes": [{"name": "n", "value": "1"}, {"name": "n", "value": "2"}]},
        {"attributes": ["Attribute names cannot be duplicated."]},
    ),
    "date override not a date": ({"date_override": {"date": "tomorrow"}}, None),
    "date override without date": ({"date_override": {}}, {"date_override": {"date": ["This field is required."]}}),
    "date override a string": ({"date_override": "2024-01-01"}, None),
    "lms_user_id too long": (
        {"lms_user_id": "9" * 65},
        {"lms_user_id": ["Ensure this field has no more than 64 characters."]},
    ),
    "lms_user_id an object": ({"lms_user_id": {"id": 1}}, None),
}


@pytest.mark.parametrize("case", sorted(CREDENTIAL_FIELD_ERRORS))
def test_every_credential_field_is_validated(client, site, worker, course_run, case):
    overrides, expected = CREDENTIAL_FIELD_ERRORS[case]
    response = post_json(client, CREDENTIALS, course_award(course_run, **overrides), worker)

    assert response.status_code == 400, response.content
    if expected is not None:
        assert response.json() == expected
    else:
        assert set(response.json()) == set(overrides)  # the error names the field that was wrong
    assert not UserCredential.objects.exists()


CREDENTIAL_IDENTIFIER_ERRORS = {
    "not an object": "program",
    "a list": ["program_uuid"],
    "a number": 7,
    "empty": {},
    "course run key too long": {"course_run_key": "course-v1:" + "k" * 250, "mode": "verified"},
    "course run key not a string": {"course_run_key": ["course-v1:a+b+c"], "mode": "verified"},
    "mode too long": {"course_run_key": "course-v1:a+b+c", "mode": LONG},
    "mode not a string": {"course_run_key": "course-v1:a+b+c", "mode": {"m": 1}},
    "program uuid malformed": {"program_uuid": "not-a-uuid"},
    "program uuid huge": {"program_uuid": "f" * 100_000},
    "program uuid an object": {"program_uuid": {"uuid": "x"}},
    "unknown program": {"program_uuid": "6f1c2a3e-9b4d-4c8e-a1f2-3d4e5f607182"},
    "unknown course run": {"course_run_key": "course-v1:No+Such+Run", "mode": "verified"},
}


@pytest.mark.parametrize("case", sorted(CREDENTIAL_IDENTIFIER_ERRORS))
def test_every_credential_identifier_shape_is_a_400_on_the_credential_field(client, site, worker, case):
    response = post_json(
        client, CREDENTIALS, {"username": "alice", "credential": CREDENTIAL_IDENTIFIER_ERRORS[case]}, worker
    )

    assert response.status_code == 400, response.content
    assert list(response.json()) == ["credential"]
    assert len(response.content) < 2000  # a huge value is not echoed back in full
    assert not UserCredential.objects.exists()


def test_a_course_run_key_of_the_maximum_length_is_looked_up(client, site, worker):
    key = "course-v1:" + "k" * 245
    response = post_json(
        client, CREDENTIALS, {"username": "alice", "credential": {"course_run_key": key, "mode": "verified"}}, worker
    )

    assert response.status_code == 400
    assert "doesn't exist in the catalog" in response.json()["credential"]["course_run_key"]


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000,  # nesting deeper than the JSON decoder's recursion limit
        '{"username": ' * 50_000,
        "not json",
        b"\xff\xfe{}",
        "null",
        "[]",
        '"a string"',
        "1e999999",
    ],
    ids=["deep arrays", "deep objects", "not json", "not utf-8", "null", "array", "string", "huge number"],
)
def test_hostile_json_bodies_are_400s(client, site, worker, body):
    response = post_json(client, CREDENTIALS, body, worker)

    assert response.status_code == 400, response.content[:300]
    assert not UserCredential.objects.exists()


def test_a_deeply_nested_body_is_a_400_on_every_json_endpoint(client, site, worker):
    body = "[" * 100_000
    staff = auth_header(make_token("staff_user", administrator=True))
    statuses = {
        path: post_json(client, path, body, staff).status_code
        for path in (CREDENTIALS, GRADES, COURSE_CERTIFICATES, LEARNER_STATUS, BULK_LEARNER_STATUS)
    }

    assert statuses == dict.fromkeys(statuses, 400)


# --- PUT / PATCH /api/v2/credentials/{uuid}/ --------------------------------------------------------------


@pytest.fixture
def superuser_headers():
    UserFactory(username="root", is_superuser=True, is_staff=True)
    return auth_header(make_token("root"))


@pytest.mark.parametrize(
    "body",
    [{"status": "x" * 300}, {"status": ["revoked"]}, {"date_override": {"date": "2024-01-01T00:00:00Z"}}, "[" * 50_000],
    ids=["status too long", "status a list", "date override object", "deep nesting"],
)
def test_credential_updates_are_validated(client, site, superuser_headers, body):
    from tests.factories import UserCredentialFactory

    credential = UserCredentialFactory(credential=CourseCertificateFactory(site=site))
    data = body if isinstance(body, str) else json.dumps(body)

    response = client.patch(
        f"{CREDENTIALS}{credential.uuid}/", data, content_type="application/json", **superuser_headers
    )

    assert response.status_code == 400, response.content[:300]
    credential.refresh_from_db()
    assert credential.status == "awarded"


@pytest.mark.parametrize("lookup", ["not-a-uuid", "f" * 5000, "9" * 40])
def test_credential_lookups_of_any_shape_are_404(client, site, superuser_headers, lookup):
    assert client.get(f"{CREDENTIALS}{lookup}/", **superuser_headers).status_code == 404


# --- Grades ------------------------------------------------------------------------------------------------


def grade_body(run, **overrides):
    return {"username": "alice", "course_run": run.key, "letter_grade": "A", "percent_grade": "0.9", **overrides}


GRADE_FIELD_ERRORS = {
    "username too long": {"username": "u" * 151},
    "username missing": {"username": ...},
    "course run too long": {"course_run": "c" * 256},
    "course run unknown": {"course_run": "course-v1:No+Such+Run"},
    "letter grade too long": {"letter_grade": LONG},
    "percent grade too many digits": {"percent_grade": "0.12345"},
    "percent grade too big": {"percent_grade": "10.5"},
    "percent grade huge exponent": {"percent_grade": "1e999999"},
    "percent grade a very long string": {"percent_grade": "1" * 5000},
    "percent grade not a number": {"percent_grade": "NaN"},
    "percent grade infinite": {"percent_grade": "Infinity"},
    "verified not a boolean": {"verified": "perhaps"},
    "date not a date": {"lms_last_updated_at": "yesterday"},
    "date overflowing on conversion to UTC": {"lms_last_updated_at": "9999-12-31T23:59:59-14:00"},
    "date with year zero": {"lms_last_updated_at": "0000-01-01T00:00:00Z"},
}


@pytest.mark.parametrize("case", sorted(GRADE_FIELD_ERRORS))
@pytest.mark.parametrize("encoding", ["json", "form"])
def test_every_grade_field_is_validated(client, site, worker, course_run, case, encoding):
    body = {key: value for key, value in grade_body(course_run, **GRADE_FIELD_ERRORS[case]).items() if value is not ...}
    if encoding == "json":
        response = post_json(client, GRADES, body, worker)
    else:
        from urllib.parse import urlencode

        response = client.post(GRADES, urlencode(body), content_type="application/x-www-form-urlencoded", **worker)

    assert response.status_code == 400, response.content[:300]
    field = next(iter(GRADE_FIELD_ERRORS[case]))
    assert field in response.json()
    assert not UserGrade.objects.exists()


@pytest.mark.parametrize("lookup", ["abc", "9" * 30, "-1"])
def test_grade_lookups_of_any_shape_are_404(client, site, worker, lookup):
    UserGradeFactory()

    response = client.patch(
        f"{GRADES}{lookup}/", json.dumps({"letter_grade": "B"}), content_type="application/json", **worker
    )

    assert response.status_code == 404


def test_a_grade_update_is_validated_like_a_create(client, site, worker, course_run):
    stored = UserGradeFactory(course_run=course_run)

    response = client.patch(
        f"{GRADES}{stored.pk}/", json.dumps({"letter_grade": LONG}), content_type="application/json", **worker
    )

    assert response.status_code == 400
    assert response.json() == {"letter_grade": ["Ensure this field has no more than 255 characters."]}


# --- Course certificate configurations -----------------------------------------------------------------------


@pytest.fixture
def staff():
    return auth_header(make_token("staff_user", administrator=True))


COURSE_CERTIFICATE_ERRORS = {
    "course id too long": {"course_id": "course-v1:" + "a" * 250},
    "course id not a key": {"course_id": "<script>alert(1)</script>"},
    "certificate type unknown": {"certificate_type": "gold"},
    "date not a date": {"certificate_available_date": "soon"},
    "active not a boolean": {"is_active": "maybe"},
}


@pytest.mark.parametrize("case", sorted(COURSE_CERTIFICATE_ERRORS))
def test_every_course_certificate_field_is_validated(client, site, staff, case):
    body = {
        "course_id": "course-v1:edX+DemoX+2024",
        "certificate_type": "verified",
        "certificate_available_date": None,
        "is_active": True,
        **COURSE_CERTIFICATE_ERRORS[case],
    }

    response = post_json(client, COURSE_CERTIFICATES, body, staff)

    assert response.status_code == 400, response.content[:300]
    assert list(response.json()) == list(COURSE_CERTIFICATE_ERRORS[case])


@pytest.mark.parametrize("lookup", ["x" * 3000, "course-v1:a+b+c", "%00"])
def test_course_certificate_lookups_of_any_shape_are_404(client, site, staff, lookup):
    assert client.get(f"{COURSE_CERTIFICATES}{lookup}/", **staff).status_code == 404


# --- Learner certificate status -------------------------------------------------------------------------------


LEARNER_STATUS_ERRORS = {
    "username too long": {"username": "u" * 151},
    "lms_user_id not a number": {"username": ..., "lms_user_id": "abc"},
    "lms_user_id beyond 64 bits": {"username": ..., "lms_user_id": 10**30},
    "too many courses": {"courses": ["6f1c2a3e-9b4d-4c8e-a1f2-3d4e5f607182"] * 1001},
    "course too long": {"courses": [LONG]},
    "too many runs": {"course_runs": ["course-v1:a+b+c"] * 1001},
    "run too long": {"course_runs": [LONG]},
    "courses not a list": {"courses": "6f1c2a3e-9b4d-4c8e-a1f2-3d4e5f607182"},
    "both identifiers": {"lms_user_id": 5},
}


@pytest.mark.parametrize("case", sorted(LEARNER_STATUS_ERRORS))
def test_every_learner_status_field_is_validated_with_an_empty_400(client, site, staff, case):
    body = {"username": "alice", "course_runs": ["course-v1:a+b+c"], **LEARNER_STATUS_ERRORS[case]}
    body = {key: value for key, value in body.items() if value is not ...}

    response = post_json(client, LEARNER_STATUS, body, staff)

    assert response.status_code == 400
    assert response.content == b""  # spec/api.md §10.1


def test_the_bulk_learner_status_request_has_a_bounded_number_of_items(client, site, staff):
    response = post_json(client, BULK_LEARNER_STATUS, [{"username": "alice"}] * 1001, staff)

    assert response.status_code == 400
    assert response.json() == {"detail": "At most 1000 requests are accepted at once."}


def test_a_bulk_learner_status_request_of_the_maximum_size_is_answered(client, site, staff):
    response = post_json(client, BULK_LEARNER_STATUS, [{"username": "alice"}] * 1000, staff)

    assert response.status_code == 200
    assert len(response.json()) == 1000


# --- Username replacement -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mappings",
    [
        [{"alice": "a" * 151}],
        [{"a" * 151: "alice"}],
        [{"alice": ""}],
        [{"alice": 7}],
        [{"alice": "bob", "carol": "dave"}],
        "alice",
    ],
    ids=["new name too long", "old name too long", "empty name", "not a string", "two keys", "not a list"],
)
def test_username_replacement_input_is_validated_with_an_empty_400(client, site, replacement_worker, mappings):
    UserFactory(username="alice")

    response = post_json(client, REPLACE_USERNAMES, {"username_mappings": mappings}, replacement_worker)

    assert response.status_code == 400
    assert response.content == b""
    assert UserFactory._meta.model.objects.filter(username="alice").exists()


def test_a_new_username_of_the_maximum_length_is_accepted(client, site, replacement_worker):
    UserFactory(username="alice")

    response = post_json(client, REPLACE_USERNAMES, {"username_mappings": [{"alice": "a" * 150}]}, replacement_worker)

    assert response.status_code == 200
    assert response.json()["successful_replacements"] == [{"alice": "a" * 150}]


# --- Records: share and send --------------------------------------------------------------------------------


@pytest.fixture
def alice_client(client, site):
    client.force_login(UserFactory(username="alice"))
    return client


@pytest.fixture
def record_program(site):
    return ProgramCertificateFactory(site=site).program


@pytest.mark.parametrize(
    "body",
    [
        {"username": "u" * 10_000},
        {"username": ["alice"]},
        {"username": None},
        "[" * 100_000,
        "not json",
    ],
    ids=["username huge", "username a list", "username null", "deep nesting", "not json"],
)
def test_share_input_is_validated(alice_client, record_program, body):
    response = post_json(alice_client, f"/records/programs/{record_program.uuid.hex}/share", body)

    assert response.status_code in (400, 404), response.content[:300]
    assert "error" in response.json()


@pytest.mark.parametrize(
    "pathway_id",
    [10**30, -(10**30), "9" * 5000, 1.5e300, True, [1], {"id": 1}, "NaN"],
    ids=["huge", "huge negative", "huge string", "huge float", "boolean", "list", "object", "nan"],
)
def test_send_rejects_any_pathway_id_that_is_not_a_known_pathway(alice_client, record_program, pathway_id):
    PathwayFactory()

    response = post_json(
        alice_client,
        f"/records/programs/{record_program.uuid.hex}/send",
        {"username": "alice", "pathway_id": pathway_id},
    )

    assert response.status_code in (400, 404), response.content[:300]
    assert "error" in response.json()


# --- Query parameters ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"page": "9" * 40},
        {"page": "-1"},
        {"program_uuid": "f" * 5000},
        {"status": "x" * 5000},
        {"type": "x" * 5000},
        {"only_visible": "x" * 5000},
    ],
    ids=["huge page", "negative page", "huge program uuid", "huge status", "huge type", "huge only_visible"],
)
def test_list_query_parameters_of_any_size_are_answered_without_error(client, site, worker, params):
    UserFactory(username="root", is_superuser=True)
    response = client.get(CREDENTIALS, params, **auth_header(make_token("root")))

    assert response.status_code in (200, 400, 404)
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("lookup", ["f" * 5000, "not-a-uuid", "9" * 40])
def test_records_api_lookups_of_any_shape_are_404(client, site, lookup):
    from tests.factories import SiteConfigurationFactory

    SiteConfigurationFactory(site=site, records_enabled=True)
    headers = auth_header(make_token("alice"))

    private = client.get(f"/records/api/v1/program_records/{lookup}/", **headers)
    public = client.get(f"/records/api/v1/program_records/{lookup}/", {"is_public": "true"})

    assert (private.status_code, public.status_code) == (404, 404)
