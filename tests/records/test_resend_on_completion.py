"""A newly created program credential re-sends the shared record to the pathways it was sent to (§6.5)."""

import pytest
from django.core import mail

from credentials.apps.catalog import api as catalog_api
from credentials.apps.core.models import SiteConfiguration
from credentials.apps.credentials import api as credentials_api
from tests.factories import (
    PathwayFactory,
    ProgramCertificateFactory,
    ProgramCertRecordFactory,
    UserCreditPathwayFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_record(partial_program, alice):
    """Alice shared her Data Science record and sent it to State University."""
    partial_program.certificate = ProgramCertificateFactory(program=partial_program, language="en")
    partial_program.record = ProgramCertRecordFactory(user=alice, program=partial_program)
    UserCreditPathwayFactory(user=alice, pathway=partial_program.pathway, program=partial_program)
    return partial_program


def issue(site, program, username="alice", capture=None, status="awarded"):
    with capture(execute=True):
        return credentials_api.issue_credential(
            site=site, username=username, configuration=program.certificate, status=status
        )


def test_a_new_program_credential_resends_the_record_as_updated(site, sent_record, django_capture_on_commit_callbacks):
    issue(site, sent_record, capture=django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    link = f"https://testserver/records/programs/shared/{sent_record.record.uuid.hex}/"
    assert message.to == ["credit@state.example.com"]
    assert message.subject == "Data Science Updated Credit Request for Alice Learner"
    assert "Alice Learner has sent an updated program record for Data Science." in message.body
    assert f"View Program Record: {link}" in message.body


def test_every_sent_pathway_gets_it_and_no_other(site, sent_record, alice, django_capture_on_commit_callbacks):
    second = PathwayFactory(name="Second College", email="second@example.com")
    never_sent = PathwayFactory(name="Never Sent", email="never@example.com")
    for pathway in (second, never_sent):
        catalog_api.set_ordered(pathway, "programs", [sent_record])
    UserCreditPathwayFactory(user=alice, pathway=second, program=None)  # a legacy row counts too

    issue(site, sent_record, capture=django_capture_on_commit_callbacks)

    assert sorted(message.to[0] for message in mail.outbox) == ["credit@state.example.com", "second@example.com"]


def test_an_update_of_an_existing_credential_sends_nothing(site, sent_record, django_capture_on_commit_callbacks):
    issue(site, sent_record, capture=django_capture_on_commit_callbacks)
    mail.outbox.clear()

    issue(site, sent_record, capture=django_capture_on_commit_callbacks, status="revoked")

    assert mail.outbox == []


def test_a_newly_created_revoked_credential_still_resends(site, sent_record, django_capture_on_commit_callbacks):
    issue(site, sent_record, capture=django_capture_on_commit_callbacks, status="revoked")

    assert len(mail.outbox) == 1


def test_nothing_is_sent_without_a_shared_record(site, sent_record, django_capture_on_commit_callbacks):
    sent_record.record.delete()

    issue(site, sent_record, capture=django_capture_on_commit_callbacks)

    assert mail.outbox == []


def test_nothing_is_sent_when_records_are_off(site, sent_record, django_capture_on_commit_callbacks):
    configuration = SiteConfiguration.objects.get(site=site)
    configuration.records_enabled = False
    configuration.save()
    site.refresh_from_db()

    issue(site, sent_record, capture=django_capture_on_commit_callbacks)

    assert mail.outbox == []


def test_a_username_without_a_user_row_is_issued_normally(site, sent_record, django_capture_on_commit_callbacks):
    credential, created = issue(site, sent_record, username="ghost", capture=django_capture_on_commit_callbacks)

    assert created and credential.pk
    assert mail.outbox == []


def test_a_program_missing_from_the_catalog_is_skipped(site, alice, django_capture_on_commit_callbacks):
    configuration = ProgramCertificateFactory(program=None, program_uuid="5f3c6e3b-7f2a-4c5e-9a43-0d2b9f1e8a77")

    with django_capture_on_commit_callbacks(execute=True):
        credential, created = credentials_api.issue_credential(site=site, username="alice", configuration=configuration)

    assert created
    assert mail.outbox == []
