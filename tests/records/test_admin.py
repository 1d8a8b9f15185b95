"""Records in the admin (spec/pages.md §9.4)."""

import pytest

from credentials.apps.records.models import ProgramCertRecord, UserCreditPathway
from tests.factories import PathwayFactory, ProgramFactory, UserFactory, UserGradeFactory

pytestmark = pytest.mark.django_db


def test_shared_records_are_found_by_uuid_username_or_program(admin_client, site):
    alice = ProgramCertRecord.objects.create(
        program=ProgramFactory(title="Data Science"), user=UserFactory(username="alice")
    )
    ProgramCertRecord.objects.create(program=ProgramFactory(title="Other"), user=UserFactory(username="bob"))

    for term in (str(alice.uuid), alice.uuid.hex, "alice", "data sci"):
        response = admin_client.get("/admin/records/programcertrecord/", {"q": term})
        assert list(response.context["cl"].result_list) == [alice]


def test_deleting_a_shared_record_takes_down_the_public_link(admin_client, site):
    record = ProgramCertRecord.objects.create(program=ProgramFactory(), user=UserFactory())

    response = admin_client.post(f"/admin/records/programcertrecord/{record.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not ProgramCertRecord.objects.exists()


def test_credit_pathway_sends_are_searchable_by_program_title(admin_client, site):
    """Upstream searches a non-existent field here and answers 500 (spec/pages.md §10.9)."""
    program = ProgramFactory(title="Data Science")
    sent = UserCreditPathway.objects.create(
        user=UserFactory(username="alice"), pathway=PathwayFactory(org_name="Partner U"), program=program
    )

    for term in ("data sci", "alice", "partner"):
        response = admin_client.get("/admin/records/usercreditpathway/", {"q": term})
        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == [sent]


def test_grades_are_listed_and_searchable_by_username_and_run(admin_client, site):
    grade = UserGradeFactory(username="alice", letter_grade="B+")
    UserGradeFactory(username="bob")

    by_name = admin_client.get("/admin/records/usergrade/", {"q": "alice"})
    by_run = admin_client.get("/admin/records/usergrade/", {"q": grade.course_run.key})

    assert list(by_name.context["cl"].result_list) == [grade]
    assert list(by_run.context["cl"].result_list) == [grade]
    assert "B+" in by_name.content.decode()
