"""GET /records/programs/shared/<uuid>/csv (spec/pages.md §5.7) and the learner's own CSV."""

import pytest
from django.test import Client

from credentials.apps.catalog import api as catalog_api
from tests.factories import (
    OrganizationFactory,
    ProgramCertRecordFactory,
    ProgramFactory,
    SiteConfigurationFactory,
    SiteFactory,
    UserFactory,
)
from tests.records.helpers import award, grade, make_program

pytestmark = pytest.mark.django_db


def csv_url(shared):
    return f"/records/programs/shared/{shared.uuid.hex}/csv"


def test_csv_has_the_exact_upstream_layout(client, partial_program, alice):
    shared = ProgramCertRecordFactory(user=alice, program=partial_program)
    run_key = partial_program.runs[0].key

    response = client.get(csv_url(shared))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == 'attachment; filename="alice_data_science_grades.csv"'
    assert response.content.decode().split("\r\n") == [
        '"Program Name","Data Science"',
        '"Program Type","Professional Certificate"',
        '"Platform Provider","Test Platform"',
        '"Authoring Organization(s)","MITx University"',
        '"Learner Name","Alice Learner"',
        '"Username","alice"',
        '"Email","alice@example.com"',
        '""',
        '"name","school","attempts","course_id","issue_date","percent_grade","letter_grade"',
        f'"Course 1","MITx University","1","{run_key}","2024-05-11T00:00:00+00:00","0.95","A"',
        '"Course 2","MITx University","","","","",""',
        "",
    ]


def test_csv_is_public_and_needs_no_rate_limit(partial_program, alice):
    shared = ProgramCertRecordFactory(user=alice, program=partial_program)

    statuses = {Client().get(csv_url(shared)).status_code for _ in range(20)}

    assert statuses == {200}


def test_csv_of_an_unknown_record_is_404(client, site):
    assert client.get("/records/programs/shared/0123456789abcdef0123456789abcdef/csv").status_code == 404


def test_csv_of_a_program_not_on_this_site_is_404_not_500(client, site, alice):
    other_site = SiteConfigurationFactory(site=SiteFactory(domain="other.example.com")).site
    shared = ProgramCertRecordFactory(user=alice, program=ProgramFactory(site=other_site))

    assert client.get(csv_url(shared)).status_code == 404


def test_csv_of_a_program_without_runs_has_the_header_only(client, site, alice):
    shared = ProgramCertRecordFactory(user=alice, program=ProgramFactory(title="Empty"))

    response = client.get(csv_url(shared))

    assert response.status_code == 200
    lines = response.content.decode().split("\r\n")
    assert lines[8:] == ['"name","school","attempts","course_id","issue_date","percent_grade","letter_grade"', ""]


def test_file_name_is_lower_case_with_underscores_and_no_quotes(client, site):
    learner = UserFactory(username="Bob.Smith")
    program = ProgramFactory(title='The "Big" Data Program')
    shared = ProgramCertRecordFactory(user=learner, program=program)

    response = client.get(csv_url(shared))

    assert response["Content-Disposition"] == 'attachment; filename="bob.smith_the_big_data_program_grades.csv"'


def test_cells_a_spreadsheet_would_run_are_neutralised(client, site):
    learner = UserFactory(username="eve", full_name='=HYPERLINK("http://evil")', email="eve@example.com")
    organization = OrganizationFactory(name="+Org")
    program, runs, configurations = make_program(1, title="@Program", organization=organization)
    award("eve", configurations[0])
    grade("eve", runs[0], "0.5", "-B")
    shared = ProgramCertRecordFactory(user=learner, program=program)

    lines = client.get(csv_url(shared)).content.decode().split("\r\n")

    assert lines[0] == '"Program Name","\'@Program"'
    assert lines[3] == '"Authoring Organization(s)","\'+Org"'
    assert lines[4] == '"Learner Name","\'=HYPERLINK(""http://evil"")"'
    assert lines[9].endswith('"0.5","\'-B"')


@pytest.mark.parametrize("name", [" =1+1", "  +SUM(A1)", "\u00a0@cmd", "\n-2+3", "\t=1", "\uff1d1+1"])
def test_a_formula_after_leading_whitespace_is_neutralised_too(client, site, name):
    learner = UserFactory(username="eve", full_name=name, email="eve@example.com")
    program, _, configurations = make_program(1)
    award("eve", configurations[0])
    shared = ProgramCertRecordFactory(user=learner, program=program)

    lines = client.get(csv_url(shared)).content.decode().split("\r\n")

    learner_row = next(line for line in lines if line.startswith('"Learner Name"'))
    assert learner_row.startswith('"Learner Name","\'')


def test_plain_text_with_inner_signs_is_left_alone(client, site):
    learner = UserFactory(username="eve", full_name="Eve = Adams-Smith", email="eve@example.com")
    program, _, configurations = make_program(1)
    award("eve", configurations[0])
    shared = ProgramCertRecordFactory(user=learner, program=program)

    lines = client.get(csv_url(shared)).content.decode().split("\r\n")

    assert '"Learner Name","Eve = Adams-Smith"' in lines


def test_csv_rows_follow_the_catalog_order(client, site, alice):
    program, runs, _ = make_program(3)
    catalog_api.set_ordered(program, "course_runs", [runs[2], runs[1], runs[0]])
    shared = ProgramCertRecordFactory(user=alice, program=program)

    lines = client.get(csv_url(shared)).content.decode().split("\r\n")

    assert [line.split(",")[0] for line in lines[9:12]] == ['"Course 3"', '"Course 2"', '"Course 1"']


# --- The learner's own CSV (no public link needed) ---------------------------------------------------------


def test_learner_downloads_their_own_csv_without_sharing(client, partial_program, alice):
    client.force_login(alice)

    response = client.get(f"/records/programs/{partial_program.uuid.hex}/csv")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="alice_data_science_grades.csv"'
    assert '"Learner Name","Alice Learner"' in response.content.decode()
    assert not alice.programcertrecord_set.exists()


def test_own_csv_needs_login_and_is_not_for_other_learners(client, partial_program, alice):
    url = f"/records/programs/{partial_program.uuid.hex}/csv"
    assert client.get(url).status_code == 302

    client.force_login(UserFactory(username="mallory"))

    assert client.get(f"{url}?username=alice").status_code == 403


def test_staff_downloads_a_learners_csv(client, partial_program, alice):
    client.force_login(UserFactory(username="support", is_staff=True))

    response = client.get(f"/records/programs/{partial_program.uuid.hex}/csv?username=alice")

    assert response.status_code == 200
    assert '"Username","alice"' in response.content.decode()
