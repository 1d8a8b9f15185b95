"""/api/credentials/v1/learner_cert_status/ and the bulk variant (spec/api.md §10)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import CourseCertificateFactory, UserCredentialFactory, UserFactory, UserGradeFactory
from tests.jwt_helpers import auth_header, make_token

pytestmark = pytest.mark.django_db

URL = "/api/credentials/v1/learner_cert_status/"
BULK_URL = "/api/credentials/v1/bulk_learner_cert_status/"


@pytest.fixture
def alice_awarded(site):
    UserFactory(username="alice", lms_user_id=42)
    configuration = CourseCertificateFactory(site=site, certificate_type="verified")
    UserCredentialFactory(username="alice", credential=configuration)
    UserGradeFactory(username="alice", course_run=configuration.course_run, letter_grade="A", percent_grade="0.9000")
    return configuration.course_run


def test_worker_reads_a_learners_status_by_run_key(api_client, lms, alice_awarded):
    run = alice_awarded

    response = api_client.post(URL, {"username": "alice", "course_runs": [run.key]}, format="json", **lms)

    assert response.status_code == 200
    assert response.json() == {
        "lms_user_id": 42,
        "username": "alice",
        "status": [
            {
                "course_uuid": str(run.course.uuid),
                "course_run": {"uuid": str(run.uuid), "key": run.key},
                "status": "awarded",
                "type": "verified",
                "certificate_available_date": None,
                "grade": {"letter_grade": "A", "percent_grade": 0.9, "verified": True},
            }
        ],
    }


def test_lookup_by_lms_user_id_and_course_uuid(api_client, lms, alice_awarded):
    body = {"lms_user_id": 42, "courses": [str(alice_awarded.course.uuid)]}

    response = api_client.post(URL, body, format="json", **lms).json()

    assert (response["lms_user_id"], response["username"], len(response["status"])) == (42, "alice", 1)


def test_run_uuid_matches_too(api_client, lms, alice_awarded):
    body = {"username": "alice", "course_runs": [str(alice_awarded.uuid)]}

    assert len(api_client.post(URL, body, format="json", **lms).json()["status"]) == 1


def test_revoked_and_not_yet_visible_certificates_are_left_out(api_client, lms, site):
    revoked = UserCredentialFactory(username="alice", status="revoked")
    future = CourseCertificateFactory(site=site, certificate_available_date=timezone.now() + timedelta(days=2))
    UserCredentialFactory(username="alice", credential=future)
    UserFactory(username="alice")
    runs = [revoked.credential.course_run.key, future.course_run.key]

    response = api_client.post(URL, {"username": "alice", "course_runs": runs}, format="json", **lms)

    assert response.json()["status"] == []


def test_grade_is_null_without_a_grade(api_client, lms, site):
    UserFactory(username="alice")
    credential = UserCredentialFactory(username="alice")

    response = api_client.post(
        URL, {"username": "alice", "course_runs": [credential.credential.course_run.key]}, format="json", **lms
    )

    assert response.json()["status"][0]["grade"] is None


def test_unknown_learner_gets_an_empty_status(api_client, lms, site):
    response = api_client.post(URL, {"username": "nobody", "course_runs": ["x"]}, format="json", **lms)

    assert response.json() == {"lms_user_id": None, "username": "nobody", "status": []}


@pytest.mark.parametrize(
    "body", [{"username": "alice", "lms_user_id": 42}, {"courses": []}, {"username": "", "lms_user_id": 0}, []]
)
def test_not_exactly_one_identifier_is_400_with_an_empty_body(api_client, lms, site, body):
    response = api_client.post(URL, body, format="json", **lms)

    assert response.status_code == 400
    assert response.content == b""


def test_status_worker_may_call_and_learners_may_not(api_client, site, settings):
    worker = auth_header(make_token(settings.LEARNER_STATUS_WORKER))
    body = {"username": "alice", "course_runs": []}

    assert api_client.post(URL, body, format="json", **worker).status_code == 200
    assert api_client.post(URL, body, format="json", **auth_header(make_token("alice"))).status_code == 403
    assert api_client.post(URL, body, format="json").status_code == 401


def test_bulk_answers_each_request_in_order(api_client, lms, alice_awarded):
    body = [{"username": "alice", "course_runs": [alice_awarded.key]}, {"username": "bob", "course_runs": []}]

    response = api_client.post(BULK_URL, body, format="json", **lms)

    assert response.status_code == 200
    assert [item["username"] for item in response.json()] == ["alice", "bob"]
    assert len(response.json()[0]["status"]) == 1


def test_bulk_with_a_bad_item_is_a_json_400_naming_it(api_client, lms, site):
    body = [{"username": "alice"}, {"username": "bob", "lms_user_id": 3}]

    response = api_client.post(BULK_URL, body, format="json", **lms)

    assert response.status_code == 400
    assert "Item 1" in response.json()["detail"]


def test_bulk_needs_a_list(api_client, lms, site):
    assert api_client.post(BULK_URL, {"username": "alice"}, format="json", **lms).status_code == 400


def test_only_the_requests_sites_certificates_are_seen(api_client, lms, site, other_site):
    """DESIGN.md §5.2: the same run configured on another site, with a credential there, does not answer here."""
    UserFactory(username="alice", lms_user_id=42)
    here = CourseCertificateFactory(site=site, certificate_type="verified")
    elsewhere = CourseCertificateFactory(site=other_site, certificate_type="professional")
    UserCredentialFactory(username="alice", credential=here)
    UserCredentialFactory(username="alice", credential=elsewhere)
    body = {"username": "alice", "course_runs": [here.course_run.key, elsewhere.course_run.key]}

    on_this_site = api_client.post(URL, body, format="json", **lms).json()["status"]
    on_the_other = api_client.post(URL, body, format="json", HTTP_HOST="other.example.com", **lms).json()["status"]
    bulk_here = api_client.post(BULK_URL, [body], format="json", **lms).json()[0]["status"]

    assert [(item["course_run"]["key"], item["type"]) for item in on_this_site] == [(here.course_run.key, "verified")]
    assert [item["type"] for item in on_the_other] == ["professional"]
    assert bulk_here == on_this_site


def _learners_with_certificates(site, count):
    body = []
    for index in range(count):
        username = f"learner{index}"
        UserFactory(username=username, lms_user_id=1000 + index)
        configuration = CourseCertificateFactory(site=site, certificate_type="verified")
        UserCredentialFactory(username=username, credential=configuration)
        UserGradeFactory(username=username, course_run=configuration.course_run, percent_grade="0.8000")
        identifier = {"username": username} if index % 2 else {"lms_user_id": 1000 + index}
        body.append({**identifier, "course_runs": [configuration.course_run.key], "courses": []})
    return body


@pytest.mark.parametrize("count", [3, 50])
def test_bulk_status_costs_the_same_queries_for_3_or_50_learners(
    api_client, lms, site, count, django_assert_max_num_queries
):
    body = _learners_with_certificates(site, count)
    api_client.post(BULK_URL, body[:1], format="json", **lms)  # the service worker's user row exists now

    # learners by username, by LMS id, configurations, credentials, grades (the caller comes from the JWT cache)
    with django_assert_max_num_queries(5):
        response = api_client.post(BULK_URL, body, format="json", **lms)

    assert response.status_code == 200
    assert [len(answer["status"]) for answer in response.json()] == [1] * count
    assert all(answer["status"][0]["grade"]["percent_grade"] == 0.8 for answer in response.json())
