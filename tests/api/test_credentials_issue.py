"""POST /api/v2/credentials/ as the LMS sends it (spec/api.md §6.2, §14.1)."""

import pytest

from credentials.apps.credentials.models import (
    CourseCertificate,
    UserCredential,
    UserCredentialAttribute,
    UserCredentialDateOverride,
)
from tests.factories import CourseCertificateFactory, ProgramCertificateFactory, UserCredentialFactory

pytestmark = pytest.mark.django_db

URL = "/api/v2/credentials/"


def post(client, body, headers):
    return client.post(URL, body, format="json", **headers)


def program_award(program_certificate, **overrides):
    return {
        "username": "alice",
        "lms_user_id": 42,
        "credential": {"type": "program", "program_uuid": str(program_certificate.program_uuid)},
        "attributes": [{"name": "visible_date", "value": "2024-05-11T00:00:00Z"}],
        **overrides,
    }


def course_award(course_run, **overrides):
    return {
        "username": "alice",
        "status": "awarded",
        "credential": {"course_run_key": course_run.key, "mode": "verified", "type": "course-run"},
        "date_override": None,
        "attributes": [{"name": "visible_date", "value": "2024-05-11T00:00:00Z"}],
        **overrides,
    }


def test_lms_program_award_is_created(api_client, lms, program_certificate):
    response = post(api_client, program_award(program_certificate), lms)

    assert response.status_code == 201
    body = response.json()
    credential = UserCredential.objects.get()
    assert body == {
        "username": "alice",
        "credential": {
            "type": "program",
            "credential_id": program_certificate.pk,
            "program_uuid": str(program_certificate.program_uuid),
        },
        "status": "awarded",
        "uuid": str(credential.uuid),
        "attributes": [{"name": "visible_date", "value": "2024-05-11T00:00:00Z"}],
        "date_override": None,
        "created": credential.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "modified": credential.modified.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "certificate_url": f"http://testserver/credentials/{credential.uuid.hex}/",
    }
    assert "Location" not in response


def test_lms_course_award_with_date_override(api_client, lms, course_run):
    body = course_award(course_run, date_override={"date": "2024-06-01T00:00:00Z"})

    response = post(api_client, body, lms)

    assert response.status_code == 201
    assert response.json()["credential"] == {"type": "course-run", "course_run_key": course_run.key, "mode": "verified"}
    assert response.json()["date_override"] == {"date": "2024-06-01T00:00:00Z"}
    configuration = CourseCertificate.objects.get()
    assert (configuration.course_run, configuration.certificate_type, configuration.is_active) == (
        course_run,
        "verified",
        True,
    )


def test_reposting_updates_the_same_credential_and_still_answers_201(api_client, lms, program_certificate):
    first = post(api_client, program_award(program_certificate), lms).json()
    second = post(api_client, program_award(program_certificate), lms)

    assert second.status_code == 201
    assert second.json()["uuid"] == first["uuid"]
    assert UserCredential.objects.count() == 1


def test_post_without_status_reawards_a_revoked_credential(api_client, lms, program_certificate):
    post(api_client, program_award(program_certificate, status="revoked"), lms)

    response = post(api_client, program_award(program_certificate), lms)

    assert response.json()["status"] == "awarded"
    assert UserCredential.objects.get().status == "awarded"


def test_revoke_without_an_existing_credential_creates_it_revoked(api_client, lms, program_certificate):
    body = {
        "username": "alice",
        "status": "revoked",
        "credential": {"program_uuid": str(program_certificate.program_uuid)},
    }

    response = post(api_client, body, lms)

    assert response.status_code == 201
    assert UserCredential.objects.get().status == "revoked"


def test_attributes_are_merged_never_pruned(api_client, lms, program_certificate):
    post(
        api_client,
        program_award(program_certificate, attributes=[{"name": "a", "value": "1"}, {"name": "b", "value": "2"}]),
        lms,
    )

    response = post(
        api_client,
        program_award(program_certificate, attributes=[{"name": "b", "value": "3"}, {"name": "c", "value": "4"}]),
        lms,
    )

    assert response.json()["attributes"] == [
        {"name": "a", "value": "1"},
        {"name": "b", "value": "3"},
        {"name": "c", "value": "4"},
    ]
    assert UserCredentialAttribute.objects.count() == 3


def test_empty_attribute_list_leaves_attributes_untouched(api_client, lms, program_certificate):
    post(api_client, program_award(program_certificate), lms)

    response = post(api_client, program_award(program_certificate, attributes=[]), lms)

    assert response.json()["attributes"] == [{"name": "visible_date", "value": "2024-05-11T00:00:00Z"}]


def test_reissue_without_date_override_removes_it(api_client, lms, course_run):
    post(api_client, course_award(course_run, date_override={"date": "2024-06-01T00:00:00Z"}), lms)

    response = post(api_client, course_award(course_run), lms)

    assert response.json()["date_override"] is None
    assert not UserCredentialDateOverride.objects.exists()


def test_reissue_with_another_date_override_replaces_it(api_client, lms, course_run):
    post(api_client, course_award(course_run, date_override={"date": "2024-06-01T00:00:00Z"}), lms)

    response = post(api_client, course_award(course_run, date_override={"date": "2024-07-01T00:00:00Z"}), lms)

    assert response.json()["date_override"] == {"date": "2024-07-01T00:00:00Z"}
    assert UserCredentialDateOverride.objects.get().date.month == 7


def test_date_override_is_ignored_for_program_credentials(api_client, lms, program_certificate):
    response = post(api_client, program_award(program_certificate, date_override={"date": "2024-06-01T00:00:00Z"}), lms)

    assert response.status_code == 201
    assert response.json()["date_override"] is None


def test_existing_course_configuration_is_never_modified(api_client, lms, course_run, site):
    configuration = CourseCertificateFactory(site=site, course_run=course_run, certificate_type="honor")

    post(api_client, course_award(course_run), lms)

    configuration.refresh_from_db()
    assert configuration.certificate_type == "honor"
    assert UserCredential.objects.get().credential == configuration


def test_program_credential_for_a_username_without_local_user_is_issued(api_client, lms, program_certificate):
    response = post(api_client, program_award(program_certificate, username="nobody-here-yet"), lms)

    assert response.status_code == 201


@pytest.mark.parametrize(
    ("body_change", "expected"),
    [
        ({"credential": {"program_uuid": "not-a-uuid"}}, {"credential": ["“not-a-uuid” is not a valid UUID."]}),
        ({"credential": {}}, {"credential": ["Credential identifier is missing."]}),
        ({"credential": {"course_run_key": ""}}, {"credential": ["Credential identifier is missing."]}),
        ({"credential": "nonsense"}, {"credential": ["Credential identifier is missing."]}),
        ({"username": None}, {"username": ["This field may not be null."]}),
        ({"status": "x"}, {"status": ['"x" is not a valid choice.']}),
        (
            {"attributes": [{"name": "a", "value": "1"}, {"name": "a", "value": "2"}]},
            {"attributes": ["Attribute names cannot be duplicated."]},
        ),
        ({"attributes": [{"value": "1"}]}, {"attributes": [{"name": ["This field is required."]}]}),
        ({"date_override": {}}, {"date_override": {"date": ["This field is required."]}}),
        ({"date_override": {"date": None}}, {"date_override": {"date": ["This field may not be null."]}}),
        ({"username": "x" * 256}, {"username": ["Ensure this field has no more than 255 characters."]}),
    ],
)
def test_invalid_requests_get_400_and_write_nothing(api_client, lms, course_run, body_change, expected):
    response = post(api_client, {**course_award(course_run), **body_change}, lms)

    assert response.status_code == 400
    assert response.json() == expected
    assert not UserCredential.objects.exists()
    assert not CourseCertificate.objects.exists()


def test_missing_username_is_required(api_client, lms, course_run):
    body = course_award(course_run)
    del body["username"]

    assert post(api_client, body, lms).json() == {"username": ["This field is required."]}


def test_unknown_program_is_400_with_the_documented_message(api_client, lms, program_certificate):
    body = {"username": "alice", "credential": {"program_uuid": "5b1c7e2a-3f4d-4e6a-9b8c-0d1e2f3a4b5c"}}

    response = post(api_client, body, lms)

    assert response.status_code == 400
    assert response.json() == {
        "credential": {
            "program_uuid": "No active ProgramCertificate exists for program [5b1c7e2a-3f4d-4e6a-9b8c-0d1e2f3a4b5c]"
        }
    }


def test_inactive_program_configuration_is_400(api_client, lms, site):
    configuration = ProgramCertificateFactory(site=site, is_active=False)

    response = post(api_client, program_award(configuration), lms)

    assert response.status_code == 400
    assert not UserCredential.objects.exists()


def test_program_configured_on_another_site_is_400(api_client, lms, other_site):
    configuration = ProgramCertificateFactory(site=other_site)

    assert post(api_client, program_award(configuration), lms).status_code == 400


def test_unknown_course_run_is_400_with_the_documented_message(api_client, lms, site):
    body = {"username": "alice", "credential": {"course_run_key": "course-v1:No+Such+Run", "mode": "verified"}}

    response = post(api_client, body, lms)

    assert response.json() == {
        "credential": {
            "course_run_key": "CourseCertificate failed to create because the CourseRun course-v1:No+Such+Run "
            "doesn't exist in the catalog"
        }
    }


def test_inactive_course_configuration_blocks_issuing(api_client, lms, course_run, site):
    CourseCertificateFactory(site=site, course_run=course_run, is_active=False)

    response = post(api_client, course_award(course_run), lms)

    assert response.json() == {
        "credential": {"course_run_key": f"No active CourseCertificate exists for course run [{course_run.key}]"}
    }
    assert not UserCredential.objects.exists()


def test_missing_mode_for_a_new_configuration_is_400_not_500(api_client, lms, course_run):
    body = {"username": "alice", "credential": {"course_run_key": course_run.key}}

    response = post(api_client, body, lms)

    assert response.status_code == 400
    assert list(response.json()["credential"]) == ["mode"]
    assert not CourseCertificate.objects.exists()


def test_malformed_json_is_400(api_client, lms):
    response = api_client.post(URL, "{not json", content_type="application/json", **lms)

    assert response.status_code == 400
    assert "detail" in response.json()


def test_anonymous_post_is_401(api_client, program_certificate):
    assert post(api_client, program_award(program_certificate), {}).status_code == 401
    assert not UserCredential.objects.exists()


def test_learner_post_is_403(api_client, learner, program_certificate):
    response = post(api_client, program_award(program_certificate), learner)

    assert response.status_code == 403
    assert not UserCredential.objects.exists()


def test_learner_cannot_post_through_the_session_without_csrf(client, program_certificate, django_user_model):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    superuser = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    csrf_client.force_login(superuser)

    response = csrf_client.post(URL, program_award(program_certificate), content_type="application/json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not UserCredential.objects.exists()


def test_read_only_fields_sent_on_post_are_ignored(api_client, lms, program_certificate):
    body = program_award(program_certificate, uuid="11111111-1111-1111-1111-111111111111", certificate_url="x")

    response = post(api_client, body, lms)

    assert response.json()["uuid"] != "11111111-1111-1111-1111-111111111111"


def test_issuing_a_course_credential_to_a_new_learner_is_at_most_10_statements(
    api_client, lms, course_run, site, django_assert_max_num_queries
):
    CourseCertificateFactory(site=site, course_run=course_run)
    post(api_client, course_award(course_run, username="warmup"), lms)  # the worker exists from now on
    body = course_award(course_run, username="newcomer", date_override={"date": "2024-06-01T00:00:00Z"})

    with django_assert_max_num_queries(10):
        assert post(api_client, body, lms).status_code == 201


def test_reissuing_a_program_credential_is_at_most_8_statements(
    api_client, lms, program_certificate, django_assert_max_num_queries
):
    post(api_client, program_award(program_certificate), lms)

    with django_assert_max_num_queries(8):
        assert post(api_client, program_award(program_certificate), lms).status_code == 201


def test_reissuing_with_unchanged_data_writes_nothing(api_client, lms, program_certificate):
    post(api_client, program_award(program_certificate), lms)
    before = UserCredential.objects.values_list("modified", flat=True).get()

    post(api_client, program_award(program_certificate), lms)

    assert UserCredential.objects.values_list("modified", flat=True).get() == before
    assert UserCredential.history.count() == 1


def test_history_records_who_changed_the_status(api_client, lms, program_certificate):
    post(api_client, program_award(program_certificate), lms)
    post(api_client, program_award(program_certificate, status="revoked"), lms)

    latest = UserCredential.history.order_by("-history_id").first()
    assert latest.status == "revoked"
    assert latest.history_user.username == "lms_worker"


def test_existing_credential_of_another_learner_is_untouched(api_client, lms, program_certificate):
    bob = UserCredentialFactory(username="bob", credential=program_certificate)

    post(api_client, program_award(program_certificate, status="revoked"), lms)

    bob.refresh_from_db()
    assert bob.status == "awarded"
