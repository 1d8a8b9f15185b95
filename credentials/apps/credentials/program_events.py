"""PROGRAM_CERTIFICATE_AWARDED / _REVOKED, published from the transaction that issues the program credential
(spec/models.md §4.4, spec/events.md §6.1): the event goes through core's outbox, so it exists exactly when
the change does and a broker outage delays it without losing it (DESIGN.md §5.18)."""

import logging

from openedx_events.learning.data import ProgramCertificateData, ProgramData, UserData, UserPersonalData
from openedx_events.learning.signals import PROGRAM_CERTIFICATE_AWARDED, PROGRAM_CERTIFICATE_REVOKED

from credentials.apps.core import api as core_api
from credentials.apps.credentials.constants import UserCredentialStatus

log = logging.getLogger(__name__)


def publish_program_certificate_event(credential, configuration, site):
    """Publish the event of this issue call (awarded or revoked, by the credential's status); returns its
    metadata, or None when it cannot be published (the issue itself goes ahead)."""
    signal = (
        PROGRAM_CERTIFICATE_AWARDED
        if credential.status == UserCredentialStatus.AWARDED
        else PROGRAM_CERTIFICATE_REVOKED
    )
    user = core_api.get_user_by_username(credential.username)
    if user is None:
        log.warning(
            "Unable to send a program certificate event for user with username [%s]. No user found matching this "
            "username",
            credential.username,
        )
        return None
    if user.lms_user_id is None:
        # The event's user id is required by its schema (upstream fails to encode it and loses the event).
        log.warning("Not publishing %s for %s: no LMS user id", signal.event_type, user.username)
        return None
    program = configuration.program
    if program is None:
        # Upstream raises here and rolls the issue back; the configuration is simply not linked to its program.
        log.warning(
            "Not publishing %s for %s: configuration %s has no program",
            signal.event_type,
            user.username,
            configuration.pk,
        )
        return None
    site = site or configuration.site
    data = ProgramCertificateData(
        user=UserData(
            id=user.lms_user_id,
            is_active=user.is_active,
            pii=UserPersonalData(username=user.username, email=user.email, name=user.get_full_name()),
        ),
        program=ProgramData(uuid=str(program.uuid), title=program.title, program_type=program.type_slug),
        uuid=str(credential.uuid),
        status=credential.status,
        url=f"https://{site.domain}/credentials/{credential.uuid.hex}/",
    )
    return core_api.publish_event(signal, time=credential.modified, program_certificate=data)
