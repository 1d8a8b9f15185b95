"""The Segment event of a program certificate issue (spec/models.md §4.2 step 5): sent when the site has a
Segment key and the learner has a local user, through core's analytics (after the issue commits)."""

import logging

from credentials.apps.core import api as core_api

log = logging.getLogger(__name__)

PROGRAM_CERTIFICATE_CREATED = "edx.bi.credentials.credential_issuers.program_certificate_created"
PROGRAM_CERTIFICATE_UPDATED = "edx.bi.credentials.credential_issuers.program_certificate_updated"


def program_certificate_properties(credential, configuration, site, user, user_id):
    program = configuration.program
    return {
        "category": "credentials",
        "user": {"username": user.username, "lms_user_id": user_id},
        "program": {
            "uuid": str(program.uuid if program else configuration.program_uuid),
            "title": program.title if program else "",
            "program_type": program.type_slug if program else "",
        },
        "uuid": str(credential.uuid),
        "status": credential.status,
        "url": f"https://{site.domain}/credentials/{credential.uuid.hex}/",
        "timestamp": credential.modified.isoformat(),
    }


def on_program_credential_issued(sender, *, credential, created, site, lms_user_id=None, **kwargs):
    """Receiver of credentials.signals.program_credential_issued (connected in CredentialsConfig.ready)."""
    configuration = credential.credential
    site = site or configuration.site
    if not core_api.segment_key(site):
        return
    user = core_api.get_user_by_username(credential.username)
    if user is None:
        return  # upstream sends nothing either: the event is about a platform user
    user_id = user.lms_user_id or lms_user_id
    if user_id is None:
        log.info("No Segment event for %s's credential %s: no LMS user id", user.username, credential.uuid)
        return
    core_api.track(
        site,
        event=PROGRAM_CERTIFICATE_CREATED if created else PROGRAM_CERTIFICATE_UPDATED,
        user_id=user_id,
        properties=program_certificate_properties(credential, configuration, site, user, user_id),
        timestamp=credential.modified,
    )
