"""copy_catalog writes in bulk (no model signals); what it changes still shows on the next view of a cached
certificate page or program record (core/generations.py, catalog/caching.py)."""

import pytest

from credentials.apps.catalog.models import CourseRun, Program
from credentials.apps.records import api as records_api
from tests.catalog.helpers import copy_catalog
from tests.factories import CourseCertificateFactory, ProgramCertificateFactory, UserCredentialFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def science_awarded(site, sample):
    """alice holds the synced Science program's certificate and a course certificate in one of its runs."""
    assert copy_catalog().status == 0
    program = Program.objects.get(uuid=sample.science["uuid"])
    run = CourseRun.objects.get(uuid=sample.chemistry["course_runs"][0]["uuid"])
    UserCredentialFactory(username="alice", credential=CourseCertificateFactory(site=site, course_run=run))
    credential = UserCredentialFactory(
        username="alice", credential=ProgramCertificateFactory(site=site, program=program)
    )
    return program, credential


def test_a_bulk_program_rename_shows_on_the_next_certificate_page_view(client, sample, science_awarded):
    _, credential = science_awarded
    url = f"/credentials/{credential.uuid.hex}/"
    assert '<p class="accomplishment-program-name">Science</p>' in client.get(url).content.decode()

    sample.science["title"] = "Applied Science"
    assert copy_catalog().status == 0

    assert '<p class="accomplishment-program-name">Applied Science</p>' in client.get(url).content.decode()


def test_a_bulk_program_rename_shows_on_the_next_record_view(site, sample, science_awarded):
    program, _ = science_awarded
    alice = UserFactory(username="alice")
    assert records_api.build_program_record(site=site, user=alice, program_uuid=program.uuid)["program"]["name"] == (
        "Science"
    )

    sample.science["title"] = "Applied Science"
    assert copy_catalog().status == 0

    record = records_api.build_program_record(site=site, user=alice, program_uuid=program.uuid)
    assert record["program"]["name"] == "Applied Science"
