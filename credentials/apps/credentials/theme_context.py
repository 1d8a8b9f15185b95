"""The certificate context under upstream's names (spec/pages.md §3.4), so that an existing theme written
for upstream renders unchanged: ``user_credential``, ``user_data``, ``program_name``, ``credential_title``,
``hours_of_effort`` and ``child_templates``.

Upstream hands themes its model instances; these are plain read-only stand-ins with the attributes theme
templates read (``user_credential.uuid.hex``, ``user_credential.credential.program_details.organizations``,
``user_data.name``...), built from what the page has already read: no query, no LMS call.
"""

from dataclasses import dataclass
from types import SimpleNamespace

from credentials.apps.credentials.constants import UserCredentialStatus


@dataclass(frozen=True)
class ThemeCredential:
    uuid: object
    username: str
    status: str
    credential: SimpleNamespace  # the configuration: program_uuid, title, language, program_details


def _program_details(certificate):
    """What upstream calls ProgramDetails (spec/pages.md §3.3)."""
    return SimpleNamespace(
        uuid=certificate.program_uuid,
        title=certificate.title,
        type=certificate.type_name,
        type_slug=certificate.type_slug,
        credential_title=certificate.credential_title,
        hours_of_effort=certificate.hours_of_effort,
        organizations=[
            SimpleNamespace(
                key=organization.key,
                name=organization.name,
                display_name=organization.display_name,
                certificate_logo_image_url=organization.logo_url,
            )
            for organization in certificate.organizations
        ],
    )


def theme_context(certificate, learner, *, certificate_template, header_template, footer_template):
    configuration = SimpleNamespace(
        program_uuid=certificate.program_uuid,
        course_id=certificate.course_run_key,
        title=certificate.credential_title,
        language=certificate.language,
        program_details=_program_details(certificate),
    )
    context = {
        "user_credential": ThemeCredential(
            uuid=certificate.uuid,
            username=certificate.username,
            status=UserCredentialStatus.AWARDED,
            credential=configuration,
        ),
        # Upstream's is the LMS account; its ``name`` is the profile name (the banner's), not the printed one.
        "user_data": {"username": learner.username, "name": learner.display_name},
        "program_name": certificate.title,
        "credential_title": certificate.credential_title,
        "child_templates": {"credential": certificate_template, "header": header_template, "footer": footer_template},
    }
    if certificate.hours_of_effort:
        context["hours_of_effort"] = certificate.hours_of_effort
    return context
