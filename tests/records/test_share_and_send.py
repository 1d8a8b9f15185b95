"""POST /records/programs/<uuid>/share and /send (spec/pages.md §5.4-5.5), and the credit-request e-mail."""

import logging
import smtplib
import time

import pytest
from django.core import mail
from django.test import Client

from credentials.apps.catalog import api as catalog_api
from credentials.apps.core.models import SiteConfiguration
from credentials.apps.records.models import ProgramCertRecord, UserCreditPathway
from tests.factories import (
    PathwayFactory,
    ProgramCertificateFactory,
    ProgramCertRecordFactory,
    ProgramFactory,
    UserCreditPathwayFactory,
    UserFactory,
)
from tests.records.helpers import award, award_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def share(client, program, username="alice", **extra):
    return client.post(
        f"/records/programs/{program.uuid.hex}/share", {"username": username}, content_type="application/json", **extra
    )


def send(client, program, pathway_id, username="alice"):
    return client.post(
        f"/records/programs/{program.uuid.hex}/send",
        {"username": username, "pathway_id": pathway_id},
        content_type="application/json",
    )


# --- Share ---------------------------------------------------------------------------------------------------


def test_share_creates_the_public_link_then_returns_it(alice_client, partial_program):
    first = share(alice_client, partial_program)
    second = share(alice_client, partial_program)

    record = ProgramCertRecord.objects.get(user__username="alice", program=partial_program)
    assert first.status_code == 201
    assert first.json() == {"url": f"http://testserver/records/programs/shared/{record.uuid.hex}/"}
    assert second.status_code == 200
    assert second.json() == first.json()


def test_the_shared_link_opens_the_public_record(alice_client, partial_program):
    url = share(alice_client, partial_program).json()["url"]

    response = Client().get(url.removeprefix("http://testserver"))

    assert response.status_code == 200
    assert "Alice Learner" in response.content.decode()


def test_share_needs_login(client, partial_program):
    response = share(client, partial_program)

    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/records/programs/")


def test_share_for_an_unknown_user_is_404_before_the_permission_check(alice_client, partial_program):
    response = share(alice_client, partial_program, username="nobody")

    assert response.status_code == 404
    assert response.json() == {"error": "User does not exist"}


def test_a_learner_cannot_share_another_learners_record(client, partial_program, alice):
    client.force_login(UserFactory(username="mallory"))

    response = share(client, partial_program, username="alice")

    assert response.status_code == 403
    assert response.json() == {"error": "Permission denied"}
    assert not ProgramCertRecord.objects.exists()


def test_staff_may_share_for_a_learner(client, partial_program, alice):
    client.force_login(UserFactory(username="support", is_staff=True))

    assert share(client, partial_program, username="alice").status_code == 201
    assert ProgramCertRecord.objects.get().user == alice


def test_share_of_an_unknown_program_is_404(alice_client, site):
    response = share(alice_client, ProgramFactory.build())

    assert response.status_code == 404


def test_share_without_a_username_is_400(alice_client, partial_program):
    response = alice_client.post(
        f"/records/programs/{partial_program.uuid.hex}/share", "not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert "username" in response.json()["error"]


def test_share_accepts_only_post(alice_client, partial_program):
    assert alice_client.get(f"/records/programs/{partial_program.uuid.hex}/share").status_code == 405


def test_share_needs_the_csrf_token(alice, partial_program):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert share(client, partial_program).status_code == 403
    client.get(f"/records/programs/{partial_program.uuid.hex}/")  # sets the CSRF cookie
    token = client.cookies["credentials_csrftoken"].value
    assert share(client, partial_program, HTTP_X_CSRFTOKEN=token).status_code == 201


def test_after_unsharing_a_new_share_makes_a_new_link(alice_client, partial_program):
    first = share(alice_client, partial_program).json()["url"]
    ProgramCertRecord.objects.all().delete()

    second = share(alice_client, partial_program).json()["url"]

    assert first != second


@pytest.mark.parametrize("endpoint", ["share", "send"])
def test_share_and_send_are_limited_to_15_a_minute_per_user(
    alice_client, partial_program, caplog, endpoint, monkeypatch
):
    # The limit counts in fixed one-minute windows: the clock is held still so all 17 posts fall in one.
    monkeypatch.setattr(time, "time", lambda: 1_800_000_000.0)
    url = f"/records/programs/{partial_program.uuid.hex}/{endpoint}"
    body = {"username": "alice", "pathway_id": partial_program.pathway.pk}
    ProgramCertificateFactory(program=partial_program)
    statuses = [alice_client.post(url, body, content_type="application/json").status_code for _ in range(16)]

    with caplog.at_level(logging.WARNING):
        response = alice_client.post(url, body, content_type="application/json")

    assert 429 not in statuses[:15]
    assert statuses[15] == 429
    assert response.status_code == 429
    assert response.json() == {"error": "Too Many Requests"}
    assert "Credentials records endpoint is being throttled." in caplog.text


def test_the_limit_is_per_user(client, partial_program, alice):
    client.force_login(alice)
    for _ in range(16):
        share(client, partial_program)
    client.force_login(UserFactory(username="support", is_staff=True))

    assert share(client, partial_program, username="alice").status_code == 200


# --- Send ----------------------------------------------------------------------------------------------------


@pytest.fixture
def sendable(partial_program):
    """The partial program with a program certificate configuration (required to send)."""
    partial_program.certificate = ProgramCertificateFactory(program=partial_program)
    return partial_program


def test_send_emails_the_pathway_and_records_the_send(alice_client, sendable):
    response = send(alice_client, sendable, sendable.pathway.pk)

    assert response.status_code == 200
    assert response.content == b""
    record = ProgramCertRecord.objects.get(user__username="alice", program=sendable)
    link = f"http://testserver/records/programs/shared/{record.uuid.hex}/"
    (message,) = mail.outbox
    assert message.to == ["credit@state.example.com"]
    assert message.reply_to == ["alice@example.com"]
    assert message.from_email == "Test Platform <no-reply@testserver>"
    assert message.subject == "Data Science Credit Request for Alice Learner"
    assert message.body.split("\n\n")[:3] == [
        "Alice Learner would like to apply for credit in the State University.",
        "Alice Learner has sent their partially completed program record for Data Science. "
        "Please view or download Alice Learner’s public program record to determine their credit eligibility status.",
        f"View Program Record: {link}\nDownload Record (CSV): {link}csv",
    ]
    assert "The Test Platform Team" in message.body
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{link}"' in html and f'href="{link}csv"' in html
    assert "has sent their partially completed program record for Data Science." in html
    sent = UserCreditPathway.objects.get()
    assert (sent.user.username, sent.pathway, sent.program, sent.status) == (
        "alice",
        sendable.pathway,
        sendable,
        "sent",
    )


def test_send_of_a_completed_program_says_completed(alice_client, sendable):
    award("alice", sendable.configurations[1])
    award_program("alice", sendable)

    send(alice_client, sendable, sendable.pathway.pk)

    assert "Alice Learner has sent their completed program record for Data Science." in mail.outbox[0].body


def test_send_uses_the_partner_from_address(alice_client, sendable, site):
    SiteConfiguration.objects.filter(site=site).update(partner_from_address="records@partner.example.com")

    send(alice_client, sendable, sendable.pathway.pk)

    assert mail.outbox[0].from_email == "Test Platform <records@partner.example.com>"


def test_staff_sending_for_a_learner_names_the_learner(client, sendable, alice):
    client.force_login(UserFactory(username="support", full_name="Support Person", is_staff=True))

    assert send(client, sendable, sendable.pathway.pk, username="alice").status_code == 200

    (message,) = mail.outbox
    assert message.subject == "Data Science Credit Request for Alice Learner"
    assert "Support Person" not in message.body
    assert message.reply_to == ["alice@example.com"]


def test_learner_without_a_name_is_named_by_username(client, sendable):
    client.force_login(UserFactory(username="anon42", full_name="", first_name="", last_name=""))

    send(client, sendable, sendable.pathway.pk, username="anon42")

    assert mail.outbox[0].subject == "Data Science Credit Request for anon42"


def test_a_learner_cannot_send_another_learners_record(client, sendable, alice):
    client.force_login(UserFactory(username="mallory"))

    response = send(client, sendable, sendable.pathway.pk, username="alice")

    assert response.status_code == 403
    assert response.json() == {"error": "Permission denied"}
    assert mail.outbox == []


def test_send_to_an_unlinked_unpublished_or_industry_pathway_is_404(alice_client, sendable):
    unlinked = PathwayFactory()
    unpublished = PathwayFactory(status="unpublished")
    industry = PathwayFactory(pathway_type="industry")
    for pathway in (unpublished, industry):
        catalog_api.set_ordered(pathway, "programs", [sendable])

    for pathway in (unlinked, unpublished, industry):
        assert send(alice_client, sendable, pathway.pk).status_code == 404
    assert mail.outbox == []
    assert not UserCreditPathway.objects.exists()


def test_send_of_a_program_without_certificate_configuration_is_404(alice_client, partial_program):
    assert send(alice_client, partial_program, partial_program.pathway.pk).status_code == 404
    assert mail.outbox == []


def test_send_of_an_unknown_program_or_user_is_404(client, sendable):
    client.force_login(UserFactory(username="support", is_staff=True))

    assert send(client, ProgramFactory.build(), sendable.pathway.pk, username="alice").status_code == 404
    assert send(client, sendable, sendable.pathway.pk, username="nobody").status_code == 404


@pytest.mark.parametrize("pathway_id", [None, "", "abc", True, [1]])
def test_send_needs_a_numeric_pathway_id(alice_client, sendable, pathway_id):
    response = send(alice_client, sendable, pathway_id)

    assert response.status_code == 400


def test_sending_again_updates_the_same_row(alice_client, sendable):
    send(alice_client, sendable, sendable.pathway.pk)
    UserCreditPathway.objects.update(status="")

    send(alice_client, sendable, sendable.pathway.pk)

    assert list(UserCreditPathway.objects.values_list("status", flat=True)) == ["sent"]
    assert len(mail.outbox) == 2


def test_a_legacy_row_is_upgraded_when_the_record_already_existed(alice_client, sendable, alice):
    ProgramCertRecordFactory(user=alice, program=sendable)
    legacy = UserCreditPathwayFactory(user=alice, pathway=sendable.pathway, program=None, status="")

    send(alice_client, sendable, sendable.pathway.pk)

    legacy.refresh_from_db()
    assert (legacy.program, legacy.status) == (sendable, "sent")
    assert UserCreditPathway.objects.count() == 1


def test_a_legacy_row_stays_when_the_record_is_new(alice_client, sendable, alice):
    legacy = UserCreditPathwayFactory(user=alice, pathway=sendable.pathway, program=None, status="")

    send(alice_client, sendable, sendable.pathway.pk)

    legacy.refresh_from_db()
    assert (legacy.program, legacy.status) == (None, "")
    assert UserCreditPathway.objects.filter(program=sendable, status="sent").count() == 1


def test_a_mail_server_failure_is_a_clear_503_and_nothing_is_recorded(alice_client, sendable, monkeypatch):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)

    response = send(alice_client, sendable, sendable.pathway.pk)

    assert response.status_code == 503
    assert response.json() == {"error": "We were unable to send your program record."}
    assert not UserCreditPathway.objects.exists()
    assert not ProgramCertRecord.objects.exists()  # no public link was left behind by the failed send


def test_a_failed_send_keeps_a_link_the_learner_had_already_shared(alice_client, alice, sendable, monkeypatch):
    record = ProgramCertRecord.objects.create(user=alice, program=sendable)

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)

    assert send(alice_client, sendable, sendable.pathway.pk).status_code == 503
    assert list(ProgramCertRecord.objects.values_list("uuid", flat=True)) == [record.uuid]


def test_a_pathway_without_an_email_address_is_refused_and_not_stored_as_sent(alice_client, sendable):
    sendable.pathway.email = ""
    sendable.pathway.save()

    response = send(alice_client, sendable, sendable.pathway.pk)

    assert response.status_code == 400
    assert "no e-mail address" in response.json()["error"]
    assert len(mail.outbox) == 0
    assert not UserCreditPathway.objects.exists()
    assert not ProgramCertRecord.objects.exists()


def test_line_breaks_in_a_name_cannot_inject_headers(client, sendable):
    client.force_login(UserFactory(username="eve", full_name="Eve\r\nBcc: victim@example.com"))

    assert send(client, sendable, sendable.pathway.pk, username="eve").status_code == 200

    (message,) = mail.outbox
    assert message.subject == "Data Science Credit Request for Eve Bcc: victim@example.com"
    assert message.bcc == []


def test_the_page_shows_a_sent_pathway_as_sent(alice_client, sendable):
    send(alice_client, sendable, sendable.pathway.pk)

    html = alice_client.get(f"/records/programs/{sendable.uuid.hex}/").content.decode()

    assert f'value="{sendable.pathway.pk}" data-name="State University" disabled' in html
    assert '<span class="pathway-state"> - Sent</span>' in html
