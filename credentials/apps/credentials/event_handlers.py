"""Course certificates the LMS announces on the event bus (spec/models.md §4.5, spec/events.md §4).

CERTIFICATE_CREATED awards and CERTIFICATE_REVOKED revokes the learner's course credential, through the same
``issue_credential`` as ``POST /api/v2/credentials/``. The consumer runs each event once per consumer group
(core/event_bus/handlers.py); an event older than one already applied to the same learner and run is skipped,
so a replayed "created" cannot undo a later "revoked".
"""

import logging

from openedx_events.learning.data import CertificateData
from openedx_events.learning.signals import CERTIFICATE_CREATED, CERTIFICATE_REVOKED

from credentials.apps.catalog import api as catalog_api
from credentials.apps.core import api as core_api
from credentials.apps.credentials import api
from credentials.apps.credentials.constants import UserCredentialStatus

log = logging.getLogger(__name__)


def register():
    for signal in (CERTIFICATE_CREATED, CERTIFICATE_REVOKED):
        core_api.register_event_handler(signal, process_course_credential_event, entity_key=course_certificate_key)


def course_certificate_key(data):
    certificate = data.get("certificate")
    if not isinstance(certificate, CertificateData):
        return None
    return f"course-cert:{certificate.user.pii.username}:{certificate.course.course_key}"


def process_course_credential_event(*, metadata, certificate=None):
    if not isinstance(certificate, CertificateData):
        log.error(
            "Unable to process course credential event from the Event Bus, the system received a null or "
            "unexpected CertificateData object."
        )
        raise core_api.PermanentEventError("no CertificateData in the event")
    revoked = metadata.event_type == CERTIFICATE_REVOKED.event_type
    status = UserCredentialStatus.REVOKED if revoked else UserCredentialStatus.AWARDED
    run_key = str(certificate.course.course_key)
    runs = list(catalog_api.get_course_runs_by_keys([run_key]))
    if not runs:
        # Nothing to attach the credential to (copy_catalog has not seen the run): park the event, so it can
        # be replayed (manage.py event_bus_dead_letters replay) once the catalog has the run.
        log.error(
            "Error updating credential for user [%s] with status [%s]. A course run could not be found with key [%s]. "
            "(event %s)",
            certificate.user.pii.username,
            status,
            run_key,
            metadata.id,
        )
        raise core_api.PermanentEventError(f"course run {run_key} is not in the catalog")

    user, _ = core_api.get_or_create_user_from_event_data(certificate.user)
    verb = "Revoking a course certificate from" if revoked else "Awarding a course certificate to"
    log.info("%s user [%s] in course run [%s]", verb, user.id, run_key)
    for site in {run.course.site_id: run.course.site for run in runs}.values():
        try:
            configuration = api.get_or_create_course_certificate(
                site=site, course_run_key=run_key, mode=certificate.mode
            )
        except api.ConfigurationError as exc:
            log.error("Course run [%s] on %s has no usable certificate configuration: %s", run_key, site.domain, exc)
            raise core_api.PermanentEventError(f"course run {run_key}: {exc}") from exc
        credential, created = api.issue_credential(
            site=site, username=user.username, configuration=configuration, status=status
        )
        log.info(
            "Processed credential update for user [%s] with status [%s]. UUID: [%s], created: [%s]",
            user.username,
            status,
            credential.uuid,
            created,
        )
