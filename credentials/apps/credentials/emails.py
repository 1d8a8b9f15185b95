"""The program completion e-mail (spec/models.md §7, spec/pages.md §6.7, spec/integration.md §6.5).

Sent once, when a learner's program credential is first created through the API, if
``SEND_EMAIL_ON_PROGRAM_COMPLETION`` is on, the most specific ``ProgramCompletionEmailConfiguration`` for the
program is enabled and the program is not retired. A failure is logged and never undoes the award: the
receiver runs after the issuing transaction committed.
"""

import logging
import textwrap

from django.conf import settings
from django.utils import timezone
from django.utils.safestring import mark_safe

from credentials.apps.catalog.models import Program
from credentials.apps.core import api as core_api
from credentials.apps.credentials.models import ProgramCertificate, ProgramCompletionEmailConfiguration
from credentials.apps.credentials.sanitizer import clean_html

log = logging.getLogger(__name__)

TEMPLATE_DIR = "credentials/emails/program_completion"


def get_email_config_for_program(program_uuid, type_slug):
    """The most specific configuration: the program's UUID, its hex form, its type slug, then "default".

    ``enabled`` is not checked here: a disabled program-specific row silences the e-mail for that program
    even when the default is enabled.
    """
    candidates = [
        str(program_uuid),
        program_uuid.hex,
        type_slug,
        ProgramCompletionEmailConfiguration.DEFAULT_TEMPLATE_IDENTIFIER,
    ]
    candidates = [candidate for candidate in candidates if candidate]
    by_identifier = {
        configuration.identifier: configuration
        for configuration in ProgramCompletionEmailConfiguration.objects.filter(identifier__in=candidates)
    }
    return next((by_identifier[candidate] for candidate in candidates if candidate in by_identifier), None)


def build_program_completion_email(*, program, email_configuration, site, recipient, language=None):
    """The message (HTML and text parts) congratulating ``recipient`` on completing ``program``."""
    allowed_tags = frozenset(settings.ALLOWED_EMAIL_HTML_TAGS)
    context = {
        "program_title": program.title,
        "program_type": program.type,
        # Cleaned on save already; cleaned again because rows can be written around save() (fixtures, SQL).
        "custom_email_html_template_extra": mark_safe(
            clean_html(email_configuration.html_template, allowed_tags=allowed_tags)
        ),
        "custom_email_plaintext_template_extra": textwrap.dedent(email_configuration.plaintext_template).strip(),
        "logo_url": settings.LOGO_URL_PNG,
        "year": timezone.now().year,
    }
    return core_api.build_email(
        site=site, template_dir=TEMPLATE_DIR, context=context, to=[recipient], language=language
    )


def send_program_completion_email(*, credential, site, lms_user_id=None):
    """Send the e-mail for a newly created program credential if every condition holds; returns whether sent."""
    configuration = credential.credential
    if not isinstance(configuration, ProgramCertificate):
        return False
    program = configuration.program or Program.objects.filter(site=site, uuid=configuration.program_uuid).first()
    if program is None:
        log.warning(
            "No completion e-mail for %s: program %s is not in the catalog", credential.uuid, configuration.program_uuid
        )
        return False
    if program.status == Program.RETIRED:
        return False
    email_configuration = get_email_config_for_program(program.uuid, program.type_slug)
    if email_configuration is None or not email_configuration.enabled:
        return False
    user = core_api.get_user_by_username(credential.username)
    if user is None or not user.email:
        log.warning(
            "No completion e-mail for %s: user %s has no e-mail address here", credential.uuid, credential.username
        )
        return False
    if lms_user_id is None:
        log.warning("Completion e-mail for %s sent without an LMS user id", credential.uuid)
    message = build_program_completion_email(
        program=program,
        email_configuration=email_configuration,
        site=site,
        recipient=user.email,
        language=configuration.language,
    )
    message.send()
    log.info("Sent the program completion e-mail of %s to %s", credential.uuid, credential.username)
    return True


def on_program_credential_issued(sender, *, credential, created, site, lms_user_id=None, **kwargs):
    """Receiver of credentials.signals.program_credential_issued (connected in CredentialsConfig.ready)."""
    if not created or not settings.SEND_EMAIL_ON_PROGRAM_COMPLETION:
        return
    try:
        send_program_completion_email(credential=credential, site=site, lms_user_id=lms_user_id)
    except Exception:
        # spec/models.md §7: formatting or sending errors are logged and swallowed.
        log.exception("Sending the program completion e-mail of %s failed", credential.uuid)
