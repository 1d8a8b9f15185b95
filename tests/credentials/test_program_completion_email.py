"""The program completion e-mail (spec/models.md §7): who gets it, when, and what it says."""

import pytest
from django.core import mail

from credentials.apps.catalog.models import Program
from credentials.apps.credentials import api
from credentials.apps.credentials.models import ProgramCompletionEmailConfiguration
from tests.factories import ProgramCertificateFactory, ProgramFactory, UserCredentialFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _emails_on(settings):
    settings.SEND_EMAIL_ON_PROGRAM_COMPLETION = True


@pytest.fixture
def learner():
    return UserFactory(username="alice", email="alice@example.com", full_name="Alice Liddell")


@pytest.fixture
def configuration(site):
    program = ProgramFactory(title="Data Science Foundations", type="Professional Certificate")
    return ProgramCertificateFactory(site=site, program=program)


def email_config(identifier="default", enabled=True, html="<p>See you at <b>graduation</b>.</p>", text="See you."):
    return ProgramCompletionEmailConfiguration.objects.create(
        identifier=identifier, enabled=enabled, html_template=html, plaintext_template=text
    )


def issue(site, configuration, username="alice", capture=None):
    with capture(execute=True):
        credential, created = api.issue_credential(
            site=site, username=username, configuration=configuration, lms_user_id=7
        )
    return credential


def test_a_new_program_credential_sends_the_congratulations(
    site, learner, configuration, django_capture_on_commit_callbacks
):
    site.siteconfiguration.partner_from_address = "partners@example.com"
    site.siteconfiguration.save()
    email_config(text="    See you\n    at graduation.")

    issue(site, configuration, capture=django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.com"]
    assert (
        message.subject
        == "Congratulations for finishing your Data Science Foundations Professional Certificate Program!"
    )
    assert message.from_email == "Test Platform <partners@example.com>"
    assert message.reply_to == ["partners@example.com"]
    assert "Hello," in message.body
    assert (
        "Congratulations on completing the Data Science Foundations Professional Certificate Program!" in message.body
    )
    assert "See you\nat graduation." in message.body
    assert "Sincerely,\nThe Test Platform Team" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<p>See you at <b>graduation</b>.</p>" in html
    assert "All rights reserved." in html and "Test Platform" in html
    assert '<img src="https://edx-cdn.org/v3/default/logo.png"' in html


def test_the_sender_falls_back_to_no_reply_at_the_site_domain(
    site, learner, configuration, django_capture_on_commit_callbacks
):
    email_config()

    issue(site, configuration, capture=django_capture_on_commit_callbacks)

    assert mail.outbox[0].reply_to == ["no-reply@testserver"]


@pytest.mark.parametrize(
    "case", ["setting_off", "already_awarded", "disabled", "retired", "no_config", "no_email", "no_user"]
)
def test_no_email_unless_every_condition_holds(
    site, learner, configuration, settings, django_capture_on_commit_callbacks, case
):
    email_config(enabled=case != "disabled")
    username = "alice"
    if case == "setting_off":
        settings.SEND_EMAIL_ON_PROGRAM_COMPLETION = False
    elif case == "already_awarded":
        UserCredentialFactory(username="alice", credential=configuration)
    elif case == "retired":
        Program.objects.filter(pk=configuration.program_id).update(status=Program.RETIRED)
        configuration.program.refresh_from_db()
    elif case == "no_config":
        ProgramCompletionEmailConfiguration.objects.all().delete()
    elif case == "no_email":
        learner.email = ""
        learner.save()
    elif case == "no_user":
        username = "nobody_here"

    credential = issue(site, configuration, username=username, capture=django_capture_on_commit_callbacks)

    assert mail.outbox == []
    assert credential.status == "awarded"


@pytest.mark.parametrize(
    ("identifiers", "expected"),
    [
        (["default", "professional-certificate", "{hex}", "{uuid}"], "{uuid}"),
        (["default", "professional-certificate", "{hex}"], "{hex}"),
        (["default", "professional-certificate"], "professional-certificate"),
        (["default"], "default"),
    ],
)
def test_the_most_specific_configuration_is_used(
    site, learner, configuration, django_capture_on_commit_callbacks, identifiers, expected
):
    program_uuid = configuration.program.uuid
    names = {"{uuid}": str(program_uuid), "{hex}": program_uuid.hex}
    for identifier in identifiers:
        name = names.get(identifier, identifier)
        email_config(identifier=name, text=f"text for {name}", html=f"<p>html for {name}</p>")

    issue(site, configuration, capture=django_capture_on_commit_callbacks)

    wanted = names.get(expected, expected)
    assert f"text for {wanted}" in mail.outbox[0].body
    assert f"<p>html for {wanted}</p>" in mail.outbox[0].alternatives[0][0]


def test_a_disabled_program_configuration_silences_an_enabled_default(
    site, learner, configuration, django_capture_on_commit_callbacks
):
    email_config("default", enabled=True)
    email_config(str(configuration.program.uuid), enabled=False)

    issue(site, configuration, capture=django_capture_on_commit_callbacks)

    assert mail.outbox == []


def test_catalog_text_and_admin_html_cannot_inject_markup(site, learner, django_capture_on_commit_callbacks):
    program = ProgramFactory(title="<img src=x onerror=alert(1)>", type="Professional Certificate")
    configuration = ProgramCertificateFactory(site=site, program=program)
    email_config(html="<p>ok</p><script>alert(1)</script>")

    issue(site, configuration, capture=django_capture_on_commit_callbacks)

    html = mail.outbox[0].alternatives[0][0]
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x onerror=alert(1)>" in mail.outbox[0].subject  # plain text, shown as typed


def test_a_failing_mail_server_does_not_undo_the_award(
    site, learner, configuration, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = "tests.credentials.test_program_completion_email.BrokenBackend"
    email_config()

    credential = issue(site, configuration, capture=django_capture_on_commit_callbacks)

    credential.refresh_from_db()
    assert credential.status == "awarded"
    assert "Sending the program completion e-mail" in caplog.text


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_the_email_is_written_in_the_certificate_language(
    site, learner, configuration, django_capture_on_commit_callbacks
):
    configuration.language = "es_419"
    configuration.save()
    email_config()

    issue(site, configuration, capture=django_capture_on_commit_callbacks)

    assert '<html lang="es-419">' in mail.outbox[0].alternatives[0][0]
