"""GET, PUT/PATCH and DELETE of /api/v2/credentials/ (spec/api.md §6.1, §6.3-6.6)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from credentials.apps.credentials.models import UserCredential
from tests.factories import (
    CourseCertificateFactory,
    CourseRunFactory,
    ProgramCertificateFactory,
    ProgramFactory,
    UserCredentialAttributeFactory,
    UserCredentialFactory,
    UserFactory,
)
from tests.jwt_helpers import auth_header, make_token

pytestmark = pytest.mark.django_db

URL = "/api/v2/credentials/"


def results(response):
    assert response.status_code == 200, response.content
    return [item["uuid"] for item in response.json()["results"]]


def program_with_runs(site, runs=2):
    program = ProgramFactory(site=site)
    course_runs = [CourseRunFactory(course__site=site) for _ in range(runs)]
    from credentials.apps.catalog import api as catalog_api

    catalog_api.set_ordered(program, "course_runs", course_runs)
    return program, course_runs


# --- Listing ---------------------------------------------------------------------------------------


def test_learner_lists_their_own_credentials_only(api_client, learner, site):
    own = UserCredentialFactory(username="alice")
    UserCredentialFactory(username="bob")

    assert results(api_client.get(URL, {"username": "alice"}, **learner)) == [str(own.uuid)]


# Usernames are exact, case included, for the permission, the list filter and retrieval alike (README,
# "Usernames"), on SQLite and on MySQL/MariaDB (whose default collation ignores case).


def test_a_learner_may_not_list_a_username_differing_only_in_case(api_client, learner, site):
    UserCredentialFactory(username="Alice")

    response = api_client.get(URL, {"username": "ALICE"}, **learner)

    assert response.status_code == 403


def test_listing_ones_own_username_never_returns_a_username_differing_in_case(api_client, learner, site):
    own = UserCredentialFactory(username="alice")
    UserCredentialFactory(username="Alice")
    UserCredentialFactory(username="ALICE")

    assert results(api_client.get(URL, {"username": "alice"}, **learner)) == [str(own.uuid)]


def test_staff_filter_by_username_is_exact_too(api_client, lms, site):
    UserCredentialFactory(username="alice")
    upper = UserCredentialFactory(username="Alice")

    assert results(api_client.get(URL, {"username": "Alice"}, **lms)) == [str(upper.uuid)]


def test_a_learner_may_not_retrieve_a_credential_of_a_username_differing_in_case(api_client, learner, site):
    other = UserCredentialFactory(username="Alice")
    own = UserCredentialFactory(username="alice")

    assert api_client.get(f"{URL}{other.uuid}/", **learner).status_code == 403
    assert api_client.get(f"{URL}{own.uuid}/", **learner).status_code == 200


@pytest.mark.parametrize("query", [{}, {"username": "bob"}])
def test_learner_cannot_list_without_their_own_username(api_client, learner, site, query):
    UserCredentialFactory(username="bob")

    response = api_client.get(URL, query, **learner)

    assert response.status_code == 403
    assert "bob" not in response.content.decode()


def test_anonymous_listing_is_401(api_client, site):
    assert api_client.get(URL, {"username": "alice"}).status_code == 401


def test_admins_list_everyone(api_client, lms, site):
    UserCredentialFactory(username="alice")
    UserCredentialFactory(username="bob")

    assert len(results(api_client.get(URL, **lms))) == 2


def test_listing_is_site_scoped(api_client, lms, site, other_site):
    here = UserCredentialFactory(username="alice")
    UserCredentialFactory(username="alice", credential=CourseCertificateFactory(site=other_site))

    assert results(api_client.get(URL, {"username": "alice"}, **lms)) == [str(here.uuid)]


def test_invalid_status_filter_is_400(api_client, lms, site):
    response = api_client.get(URL, {"status": "x"}, **lms)

    assert response.status_code == 400
    assert response.json() == {"status": ["Select a valid choice. x is not one of the available choices."]}


def test_status_and_type_filters(api_client, lms, site):
    course = UserCredentialFactory(username="alice")
    program = UserCredentialFactory(username="alice", credential=ProgramCertificateFactory(site=site))
    revoked = UserCredentialFactory(username="alice", status="revoked")

    assert results(api_client.get(URL, {"type": "program"}, **lms)) == [str(program.uuid)]
    assert results(api_client.get(URL, {"type": "course-run", "status": "awarded"}, **lms)) == [str(course.uuid)]
    assert len(results(api_client.get(URL, {"type": "badge"}, **lms))) == 3
    assert results(api_client.get(URL, {"status": "revoked"}, **lms)) == [str(revoked.uuid)]


def test_program_uuid_filter_includes_course_credentials_in_the_programs_runs(api_client, lms, site):
    program, (run, _) = program_with_runs(site)
    program_credential = UserCredentialFactory(username="alice", credential=ProgramCertificateFactory(program=program))
    in_program = UserCredentialFactory(username="alice", credential=CourseCertificateFactory(course_run=run))
    UserCredentialFactory(username="alice")  # a course outside the program

    listed = results(api_client.get(URL, {"program_uuid": str(program.uuid)}, **lms))

    assert listed == [str(program_credential.uuid), str(in_program.uuid)]


def test_program_uuid_filter_with_a_malformed_uuid_is_empty(api_client, lms, site):
    UserCredentialFactory(username="alice")

    assert results(api_client.get(URL, {"program_uuid": "nope"}, **lms)) == []


def test_only_visible_hides_course_credentials_before_their_available_date(api_client, lms, site):
    visible = UserCredentialFactory(username="alice")
    UserCredentialFactory(
        username="alice",
        credential=CourseCertificateFactory(certificate_available_date=timezone.now() + timedelta(days=3)),
    )

    assert results(api_client.get(URL, {"only_visible": "True"}, **lms)) == [str(visible.uuid)]


def test_only_visible_hides_program_credentials_without_supporting_course_credentials(api_client, lms, site):
    program, (run, _) = program_with_runs(site)
    configuration = ProgramCertificateFactory(program=program)
    program_credential = UserCredentialFactory(username="alice", credential=configuration)
    UserCredentialFactory(username="bob", credential=configuration)
    course_credential = UserCredentialFactory(
        username="alice", status="revoked", credential=CourseCertificateFactory(course_run=run)
    )

    listed = results(api_client.get(URL, {"only_visible": "1", "type": "program"}, **lms))

    # alice's revoked course credential still supports (any status counts); bob has none.
    assert listed == [str(program_credential.uuid)]
    assert course_credential.status == "revoked"


def test_program_credential_is_hidden_until_its_latest_course_is_available(api_client, lms, site):
    program, (first, second) = program_with_runs(site)
    UserCredentialFactory(username="alice", credential=ProgramCertificateFactory(program=program))
    UserCredentialFactory(username="alice", credential=CourseCertificateFactory(course_run=first))
    UserCredentialFactory(
        username="alice",
        credential=CourseCertificateFactory(
            course_run=second, certificate_available_date=timezone.now() + timedelta(days=1)
        ),
    )

    assert results(api_client.get(URL, {"only_visible": "true", "type": "program"}, **lms)) == []


def test_unparseable_only_visible_is_ignored(api_client, lms, site):
    UserCredentialFactory(
        username="alice",
        credential=CourseCertificateFactory(certificate_available_date=timezone.now() + timedelta(days=3)),
    )

    assert len(results(api_client.get(URL, {"only_visible": "maybe"}, **lms))) == 1


def test_lms_dashboard_call_for_a_learner(api_client, learner, site):
    """The LMS's get_credentials(): as the learner, awarded and visible, by program, following `next`."""
    program, runs = program_with_runs(site)
    UserCredentialFactory(username="alice", credential=ProgramCertificateFactory(program=program))
    UserCredentialFactory(username="alice", credential=CourseCertificateFactory(course_run=runs[0]))
    query = {"username": "alice", "status": "awarded", "only_visible": "True", "program_uuid": str(program.uuid)}

    body = api_client.get(URL, query, **learner).json()

    assert body["count"] == 2
    assert {item["credential"]["type"] for item in body["results"]} == {"program", "course-run"}
    assert body["results"][0]["credential"]["program_uuid"] == str(program.uuid)


def test_pages_of_twenty_with_absolute_links(api_client, lms, site):
    for _ in range(25):
        UserCredentialFactory(username="alice")

    first = api_client.get(URL, {"username": "alice"}, **lms).json()
    second = api_client.get(URL, {"username": "alice", "page": 2}, **lms).json()

    assert (first["count"], len(first["results"]), first["previous"]) == (25, 20, None)
    assert first["next"] == "http://testserver/api/v2/credentials/?page=2&username=alice"
    assert (len(second["results"]), second["next"]) == (5, None)


@pytest.mark.parametrize("page", ["3", "zero"])
def test_page_out_of_range_is_404(api_client, lms, site, page):
    UserCredentialFactory(username="alice")

    response = api_client.get(URL, {"page": page}, **lms)

    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


def test_listing_without_trailing_slash_redirects_keeping_the_query(api_client, lms, site):
    response = api_client.get("/api/v2/credentials?username=alice&type=program&page=1", **lms)

    assert response.status_code == 301
    assert response["Location"] == "/api/v2/credentials/?username=alice&type=program&page=1"


def test_listing_twenty_credentials_is_four_statements_whatever_their_attributes(
    api_client, learner, site, django_assert_max_num_queries
):
    for index in range(20):
        configuration = ProgramCertificateFactory(site=site) if index % 2 else CourseCertificateFactory(site=site)
        credential = UserCredentialFactory(username="alice", credential=configuration)
        for _ in range(5):
            UserCredentialAttributeFactory(user_credential=credential)
    api_client.get(URL, {"username": "alice"}, **learner)  # alice's user row exists from now on

    with django_assert_max_num_queries(4):
        response = api_client.get(URL, {"username": "alice"}, **learner)

    assert len(response.json()["results"]) == 20
    assert all(len(item["attributes"]) == 5 for item in response.json()["results"])


# --- Retrieving --------------------------------------------------------------------------------------


def test_learner_retrieves_their_own_credential(api_client, learner, site):
    credential = UserCredentialFactory(username="alice")

    response = api_client.get(f"{URL}{credential.uuid}/", **learner)

    assert response.status_code == 200
    assert response.json()["uuid"] == str(credential.uuid)


def test_learner_cannot_retrieve_another_learners_credential(api_client, learner, site):
    credential = UserCredentialFactory(username="bob")

    response = api_client.get(f"{URL}{credential.uuid}/", **learner)

    assert response.status_code == 403
    assert "bob" not in response.content.decode()


def test_retrieve_accepts_the_hex_form_and_returns_revoked_credentials(api_client, lms, site):
    credential = UserCredentialFactory(username="alice", status="revoked")

    response = api_client.get(f"{URL}{credential.uuid.hex}/", **lms)

    assert response.json()["status"] == "revoked"


def test_unknown_or_other_site_credential_is_404(api_client, lms, site, other_site):
    elsewhere = UserCredentialFactory(credential=CourseCertificateFactory(site=other_site))

    for uuid in ("9f3c1d2e-0000-4000-8000-000000000000", elsewhere.uuid):
        response = api_client.get(f"{URL}{uuid}/", **lms)
        assert response.status_code == 404
        assert response.json() == {"detail": "No UserCredential matches the given query."}


def test_unparseable_uuid_is_404(api_client, lms, site):
    response = api_client.get(f"{URL}not-a-uuid/", **lms)

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


# --- Updating and revoking ---------------------------------------------------------------------------


def test_patch_changes_only_the_status(api_client, lms, site):
    credential = UserCredentialFactory(username="alice")

    response = api_client.patch(
        f"{URL}{credential.uuid}/", {"status": "revoked", "username": "mallory", "attributes": []}, format="json", **lms
    )

    assert response.status_code == 200
    credential.refresh_from_db()
    assert (credential.status, credential.username) == ("revoked", "alice")


def test_put_with_an_empty_body_changes_nothing(api_client, lms, site):
    credential = UserCredentialFactory(username="alice")

    response = api_client.put(f"{URL}{credential.uuid}/", {}, format="json", **lms)

    assert response.status_code == 200
    assert response.json()["status"] == "awarded"


def test_put_with_an_invalid_status_is_400(api_client, lms, site):
    credential = UserCredentialFactory(username="alice")

    response = api_client.put(f"{URL}{credential.uuid}/", {"status": "x"}, format="json", **lms)

    assert response.json() == {"status": ['"x" is not a valid choice.']}


def test_put_with_a_date_override_object_is_400_not_500(api_client, lms, site):
    credential = UserCredentialFactory(username="alice")

    response = api_client.put(
        f"{URL}{credential.uuid}/", {"date_override": {"date": "2024-01-01T00:00:00Z"}}, format="json", **lms
    )

    assert response.status_code == 400
    assert "date_override" in response.json()


def test_learner_cannot_change_their_credential(api_client, learner, site):
    credential = UserCredentialFactory(username="alice")

    assert (
        api_client.patch(f"{URL}{credential.uuid}/", {"status": "revoked"}, format="json", **learner).status_code == 403
    )
    credential.refresh_from_db()
    assert credential.status == "awarded"


def test_delete_revokes_and_answers_200_with_the_credential(api_client, lms, site):
    credential = UserCredentialFactory(username="alice")

    first = api_client.delete(f"{URL}{credential.uuid}/", **lms)
    again = api_client.delete(f"{URL}{credential.uuid}/", **lms)

    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json()["status"] == "revoked"
    assert UserCredential.objects.get().status == "revoked"


def test_learner_cannot_delete(api_client, learner, site):
    credential = UserCredentialFactory(username="alice")

    assert api_client.delete(f"{URL}{credential.uuid}/", **learner).status_code == 403


def test_unsupported_method_is_405_after_permissions(api_client, lms, learner, site):
    assert api_client.post(f"{URL}x/", {}, format="json", **learner).status_code == 403
    assert api_client.post(f"{URL}{UserCredentialFactory().uuid}/", {}, format="json", **lms).status_code == 405


# --- Throttling --------------------------------------------------------------------------------------


def test_learners_are_throttled_at_15_per_minute(api_client, learner, site):
    statuses = [api_client.get(URL, {"username": "alice"}, **learner).status_code for _ in range(16)]

    assert statuses[:15] == [200] * 15
    throttled = api_client.get(URL, {"username": "alice"}, **learner)
    assert throttled.status_code == 429
    assert throttled.json()["detail"].startswith("Request was throttled. Expected available in")
    assert int(throttled["Retry-After"]) > 0


def test_staff_are_not_throttled(api_client, lms, site):
    statuses = {api_client.get(URL, **lms).status_code for _ in range(20)}

    assert statuses == {200}


def test_superusers_are_not_throttled(api_client, site):
    root = UserFactory(username="root", is_superuser=True)
    api_client.force_login(root)

    assert {api_client.get(URL).status_code for _ in range(20)} == {200}


def test_throttling_is_per_user(api_client, learner, site):
    for _ in range(16):
        api_client.get(URL, {"username": "alice"}, **learner)

    response = api_client.get(URL, {"username": "bob"}, **auth_header(make_token("bob")))

    assert response.status_code == 200
