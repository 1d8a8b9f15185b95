"""The records JSON API for the Learner Record front-end (spec/api.md §11) and GET /csrf/api/v1/token."""

import pytest
from django.test import Client

from credentials.apps.catalog import api as catalog_api
from credentials.apps.catalog.models import Program
from credentials.apps.core.models import SiteConfiguration
from tests.factories import (
    PathwayFactory,
    ProgramCertRecordFactory,
    ProgramFactory,
    SiteConfigurationFactory,
    SiteFactory,
    UserCreditPathwayFactory,
    UserFactory,
)
from tests.jwt_helpers import auth_header, make_token
from tests.records.helpers import at, award, award_program, grade, make_program

pytestmark = pytest.mark.django_db

LIST = "/records/api/v1/program_records/"


def detail(uuid, query=""):
    return f"/records/api/v1/program_records/{uuid}/{query}"


@pytest.fixture
def alice(site):
    return UserFactory(username="alice", full_name="Alice Learner", email="alice@example.com")


@pytest.fixture
def program(site, alice):
    """Data Science: Course 1 earned with 95% (A) on 2024-05-11; Course 2 not earned; a sent pathway."""
    program, runs, configurations = make_program(2, title="Data Science")
    configurations[0].certificate_available_date = at(2024, 5, 11)
    configurations[0].save()
    award("alice", configurations[0])
    grade("alice", runs[0], "0.9000", "A")
    pathway = PathwayFactory(name="State U", email="credit@state.example.com")
    catalog_api.set_ordered(pathway, "programs", [program])
    UserCreditPathwayFactory(user=alice, pathway=pathway, program=program)
    program.runs, program.pathway = runs, pathway
    return program


@pytest.fixture
def alice_jwt(alice):
    return auth_header(make_token("alice", name="Alice Learner"))


@pytest.fixture
def staff_jwt(site):
    return auth_header(make_token("support", administrator=True))


# --- List ----------------------------------------------------------------------------------------------------


def test_list_of_the_callers_programs(api_client, program, alice_jwt):
    make_program(1, title="Untouched")
    completed, _, configurations = make_program(1, title="Applied AI")
    award("alice", configurations[0])
    award_program("alice", completed)

    response = api_client.get(LIST, **alice_jwt)

    assert response.status_code == 200
    assert response.json() == {
        "enrolled_programs": [
            {
                "name": "Applied AI",
                "uuid": completed.uuid.hex,
                "partner": "MITx University",
                "completed": True,
                "empty": False,
            },
            {
                "name": "Data Science",
                "uuid": program.uuid.hex,
                "partner": "MITx University",
                "completed": False,
                "empty": False,
            },
        ]
    }


def test_list_includes_retired_programs_but_not_unpublished_or_other_sites(api_client, site, alice, alice_jwt):
    other_site = SiteConfigurationFactory(site=SiteFactory(domain="other.example.com")).site
    for title, status, program_site in [
        ("Retired", Program.RETIRED, site),
        ("Unpublished", Program.UNPUBLISHED, site),
        ("Elsewhere", Program.ACTIVE, other_site),
    ]:
        _, _, configurations = make_program(1, title=title, status=status, site=program_site)
        award("alice", configurations[0])

    names = [item["name"] for item in api_client.get(LIST, **alice_jwt).json()["enrolled_programs"]]

    assert names == ["Retired"]


def test_a_program_is_listed_once_whatever_the_number_of_earned_runs(api_client, alice, alice_jwt):
    _, _, configurations = make_program(3)
    for configuration in configurations:
        award("alice", configuration)

    assert len(api_client.get(LIST, **alice_jwt).json()["enrolled_programs"]) == 1


def test_grades_alone_do_not_list_a_program(api_client, alice, alice_jwt):
    _, runs, _ = make_program(1)
    grade("alice", runs[0], "0.9")

    assert api_client.get(LIST, **alice_jwt).json() == {"enrolled_programs": []}


def test_list_needs_authentication(api_client, program):
    response = api_client.get(LIST)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'JWT realm="api"'
    assert api_client.get(LIST + "?is_public=true").status_code == 401


@pytest.mark.parametrize("username", ["alice", "bob"])
def test_username_parameter_is_staff_only_even_for_oneself(api_client, program, alice_jwt, username):
    assert api_client.get(f"{LIST}?username={username}", **alice_jwt).status_code == 403


def test_staff_lists_a_learners_programs(api_client, program, staff_jwt):
    response = api_client.get(f"{LIST}?username=alice", **staff_jwt)

    assert [item["name"] for item in response.json()["enrolled_programs"]] == ["Data Science"]


def test_staff_asking_for_an_unknown_learner_gets_an_empty_404(api_client, program, staff_jwt):
    response = api_client.get(f"{LIST}?username=nobody", **staff_jwt)

    assert response.status_code == 404
    assert response.content == b""


def test_jwt_cookies_of_the_front_end_authenticate(program, alice):
    header, payload, signature = make_token("alice").split(".")
    client = Client()
    client.cookies["edx-jwt-cookie-header-payload"] = f"{header}.{payload}"
    client.cookies["edx-jwt-cookie-signature"] = signature

    response = client.get(LIST)

    assert response.status_code == 200
    assert response.json()["enrolled_programs"][0]["name"] == "Data Science"


def test_session_authenticates(client, program, alice):
    client.force_login(alice)

    assert client.get(LIST).status_code == 200


# --- One record --------------------------------------------------------------------------------------------


def test_private_record_has_the_exact_shape(api_client, program, alice, alice_jwt):
    shared = ProgramCertRecordFactory(user=alice, program=program)

    response = api_client.get(detail(program.uuid.hex), **alice_jwt)

    assert response.status_code == 200
    body = response.json()
    last_updated = body["record"]["program"].pop("last_updated")
    assert last_updated
    assert body == {
        "record": {
            "learner": {"full_name": "Alice Learner", "username": "alice", "email": "alice@example.com"},
            "program": {
                "name": "Data Science",
                "type": "professional-certificate",
                "type_name": "Professional Certificate",
                "completed": False,
                "empty": False,
                "school": "MITx University",
            },
            "platform_name": "Test Platform",
            "grades": [
                {
                    "name": "Course 1",
                    "school": "MITx University",
                    "attempts": 1,
                    "course_id": program.runs[0].key,
                    "issue_date": "2024-05-11T00:00:00+00:00",
                    "percent_grade": 0.9,
                    "letter_grade": "A",
                },
                {
                    "name": "Course 2",
                    "school": "MITx University",
                    "attempts": "",
                    "course_id": "",
                    "issue_date": "",
                    "percent_grade": "",
                    "letter_grade": "",
                },
            ],
            "pathways": [
                {
                    "name": "State U",
                    "id": program.pathway.pk,
                    "status": "sent",
                    "is_active": True,
                    "pathway_type": "credit",
                }
            ],
            "shared_program_record_uuid": shared.uuid.hex,
        },
        "is_public": False,
        "uuid": program.uuid.hex,
        "records_help_url": "https://example.com/records-help",
    }
    assert list(body["record"]) == [
        "learner",
        "program",
        "platform_name",
        "grades",
        "pathways",
        "shared_program_record_uuid",
    ]


def test_a_hyphenated_program_uuid_is_echoed_as_sent(api_client, program, alice_jwt):
    response = api_client.get(detail(str(program.uuid)), **alice_jwt)

    assert response.status_code == 200
    assert response.json()["uuid"] == str(program.uuid)


@pytest.mark.parametrize("uuid", ["not-a-uuid", "0123456789abcdef0123456789abcdef"])
def test_malformed_or_unknown_program_is_an_empty_404(api_client, program, alice_jwt, uuid):
    response = api_client.get(detail(uuid), **alice_jwt)

    assert response.status_code == 404
    assert response.content == b""


def test_program_of_another_site_is_404(api_client, site, alice_jwt):
    other_site = SiteConfigurationFactory(site=SiteFactory(domain="other.example.com")).site
    program = ProgramFactory(site=other_site)

    assert api_client.get(detail(program.uuid.hex), **alice_jwt).status_code == 404


def test_program_without_runs_gives_an_empty_table(api_client, site, alice_jwt):
    program = ProgramFactory()

    response = api_client.get(detail(program.uuid.hex), **alice_jwt)

    assert response.status_code == 200
    assert response.json()["record"]["grades"] == []
    assert response.json()["record"]["program"]["empty"] is True


def test_private_record_needs_authentication(api_client, program):
    assert api_client.get(detail(program.uuid.hex)).status_code == 401
    assert api_client.get(detail(program.uuid.hex, "?is_public=false")).status_code == 401


def test_a_learner_cannot_read_another_learners_record(api_client, program):
    bob = auth_header(make_token("bob"))

    assert api_client.get(detail(program.uuid.hex, "?username=alice"), **bob).status_code == 403
    own = api_client.get(detail(program.uuid.hex), **bob).json()["record"]
    assert own["learner"]["username"] == "bob"
    assert own["grades"][0]["course_id"] == ""


def test_staff_reads_a_learners_record(api_client, program, staff_jwt):
    response = api_client.get(detail(program.uuid.hex, "?username=alice"), **staff_jwt)

    assert response.json()["record"]["learner"]["username"] == "alice"
    assert api_client.get(detail(program.uuid.hex, "?username=nobody"), **staff_jwt).status_code == 404


@pytest.mark.parametrize("flag", ["true", "True", "TRUE"])
def test_public_record_is_open_to_anyone(api_client, program, alice, flag):
    shared = ProgramCertRecordFactory(user=alice, program=program)

    response = api_client.get(detail(shared.uuid.hex, f"?is_public={flag}"))

    assert response.status_code == 200
    body = response.json()
    assert (body["is_public"], body["uuid"], body["record"]["learner"]["username"]) == (True, shared.uuid.hex, "alice")
    assert body["record"]["grades"][0]["percent_grade"] == 0.9


def test_public_uuid_must_be_a_shared_record_not_a_program(api_client, program):
    response = api_client.get(detail(program.uuid.hex, "?is_public=true"))

    assert response.status_code == 404
    assert response.content == b""


def test_records_disabled_is_404_for_the_api_too(api_client, program, alice_jwt, site):
    SiteConfiguration.objects.filter(site=site).update(records_enabled=False)

    assert api_client.get(LIST, **alice_jwt).status_code == 404
    assert api_client.get(detail(program.uuid.hex), **alice_jwt).status_code == 404


def test_record_query_count_is_flat(api_client, alice, alice_jwt, django_assert_max_num_queries):
    program, runs, configurations = make_program(30)
    for run, configuration in zip(runs, configurations, strict=True):
        award("alice", configuration)
        grade("alice", run, "0.8")
    api_client.get(detail(program.uuid.hex), **alice_jwt)  # the first request creates alice's user row

    with django_assert_max_num_queries(14):
        response = api_client.get(detail(program.uuid.hex), **alice_jwt)

    assert len(response.json()["record"]["grades"]) == 30


# --- CSRF token ----------------------------------------------------------------------------------------------


def test_csrf_token_for_the_front_end(site):
    client = Client(enforce_csrf_checks=True)

    response = client.get("/csrf/api/v1/token")

    assert response.status_code == 200
    token = response.json()["csrfToken"]
    assert token
    assert "credentials_csrftoken" in response.cookies


def test_the_csrf_token_lets_the_front_end_share(program, alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    token = client.get("/csrf/api/v1/token").json()["csrfToken"]

    response = client.post(
        f"/records/programs/{program.uuid.hex}/share",
        {"username": "alice"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )

    assert response.status_code == 201


def test_a_bad_jwt_does_not_break_the_csrf_endpoint(site):
    response = Client().get("/csrf/api/v1/token", HTTP_AUTHORIZATION="JWT garbage")

    assert response.status_code == 200


def test_the_documented_serializer_gives_exactly_the_record_served(api_client, program, alice, alice_jwt):
    from credentials.apps.api.records_serializers import ProgramRecordResponseSerializer

    ProgramCertRecordFactory(user=alice, program=program)
    body = api_client.get(detail(program.uuid.hex), **alice_jwt).json()

    assert ProgramRecordResponseSerializer(body).data == body


# --- Router extras (spec/api.md §1, §4 #15) --------------------------------------------------------------


def test_the_api_root_lists_program_records_for_an_authenticated_caller(api_client, program, alice_jwt):
    response = api_client.get("/records/api/v1/", **alice_jwt)

    assert response.status_code == 200
    assert response.json() == {"program_records": "http://testserver/records/api/v1/program_records/"}
    assert api_client.get("/records/api/v1/").status_code == 401


def test_format_suffixes_of_the_list_and_a_record(api_client, program, alice_jwt):
    listed = api_client.get("/records/api/v1/program_records.json", **alice_jwt)
    record = api_client.get(f"/records/api/v1/program_records/{program.uuid.hex}.json", **alice_jwt)
    by_query = api_client.get(f"{LIST}?format=json", **alice_jwt)

    assert (listed.status_code, listed["Content-Type"]) == (200, "application/json")
    assert listed.json() == api_client.get(LIST, **alice_jwt).json()
    assert record.json()["record"]["program"]["name"] == "Data Science"
    assert by_query.json() == listed.json()


def test_a_lookup_with_a_dot_is_not_routed(api_client, program, alice_jwt):
    assert api_client.get(detail(f"{program.uuid.hex}.x"), **alice_jwt).status_code == 404
