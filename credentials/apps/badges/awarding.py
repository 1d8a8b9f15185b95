"""Awarding and revoking a badge: the status of the learner's badge row, the BADGE_AWARDED / BADGE_REVOKED
event, and the issuer call after commit (spec/badges.md §4.8, §5, §12.2 #1 and #11).

Only real transitions count: awarding a badge that is already awarded, or revoking one that is not, changes
nothing and sends nothing. A provider badge revoked at its provider (Credly ``revoked``, Accredible
``expired``) is never awarded again (upstream's documented rule); a local badge may be.
"""

import logging

from django.contrib.contenttypes.models import ContentType
from openedx_events.learning.data import BadgeData, BadgeTemplateData, UserData, UserPersonalData
from openedx_events.learning.signals import BADGE_AWARDED, BADGE_REVOKED

from credentials.apps.badges import issuers
from credentials.apps.badges.models import BADGE_MODELS, TEMPLATE_MODELS
from credentials.apps.core import api as core_api
from credentials.apps.credentials.models import UserCredential

log = logging.getLogger(__name__)

AWARDED = UserCredential.AWARDED
REVOKED = UserCredential.REVOKED


def badge_model(template):
    return BADGE_MODELS.get(template.origin)


def template_content_type(template):
    """The content type badges of this template point at (cached by Django after the first call)."""
    return ContentType.objects.get_for_model(TEMPLATE_MODELS[template.origin])


def find_badge(template, username):
    model = badge_model(template)
    if model is None:
        return None
    return model.objects.filter(
        username=username, credential_content_type=template_content_type(template), credential_id=template.pk
    ).first()


def award(template, user):
    """Award ``template`` to ``user`` unless already awarded (or revoked for good at a provider).
    Returns the badge when its status changed, else None."""
    model = badge_model(template)
    if model is None:
        log.warning(
            "Badge template %s has origin %r, which no issuer handles; not awarded", template.uuid, template.origin
        )
        return None
    badge = find_badge(template, user.username)
    if badge is None:
        badge = model.objects.create(
            username=user.username,
            credential_content_type=template_content_type(template),
            credential_id=template.pk,
            status=AWARDED,
        )
    elif badge.status == AWARDED:
        return None
    elif model.REVOCATION_STATE and badge.state == model.REVOCATION_STATE:
        log.info(
            "Badge %s of %s was revoked at %s (state %s); it is not awarded again",
            badge.uuid,
            user.username,
            template.origin,
            badge.state,
        )
        return None
    else:
        badge.status = AWARDED
        badge.save(update_fields=["status", "modified"])
    log.info("Badge template %s awarded to %s (badge %s)", template.uuid, user.username, badge.uuid)
    _announce(BADGE_AWARDED, badge, template, user)
    issuers.run_after_commit(issuers.AWARD, model, badge.pk)
    return badge


def revoke(template, user):
    """Revoke the learner's awarded badge of ``template``; returns it, or None when none was awarded."""
    badge = find_badge(template, user.username)
    if badge is None or badge.status != AWARDED:
        return None
    badge.status = REVOKED
    badge.save(update_fields=["status", "modified"])
    log.info("Badge template %s revoked from %s (badge %s)", template.uuid, user.username, badge.uuid)
    _announce(BADGE_REVOKED, badge, template, user)
    issuers.run_after_commit(issuers.REVOKE, type(badge), badge.pk)
    return badge


def _announce(signal, badge, template, user):
    """Write the event to the outbox (sent after commit) and send it in-process."""
    if user.lms_user_id is None:
        # The event's user id is required by its schema; upstream fails to encode it and loses the event.
        log.warning("Not publishing %s for %s: no LMS user id", signal.event_type, user.username)
        return None
    return core_api.publish_event(signal, time=badge.modified, badge=badge_data(badge, template, user))


def badge_data(badge, template, user):
    """The BadgeData of BADGE_AWARDED / BADGE_REVOKED (spec/badges.md §5)."""
    return BadgeData(
        uuid=str(badge.uuid),
        user=UserData(
            id=user.lms_user_id,
            is_active=user.is_active,
            pii=UserPersonalData(username=user.username, email=user.email, name=user.get_full_name()),
        ),
        template=BadgeTemplateData(
            uuid=str(template.uuid),
            origin=template.origin,
            name=template.name,
            description=template.description or "",
            image_url=image_url(template),
        ),
    )


def image_url(template):
    """The template image as an absolute URL: a synced provider image as stored, an uploaded icon as
    ``https://<site domain><MEDIA_URL><path>`` (upstream sends the bare relative path); "" without one."""
    name = template.icon.name if template.icon else ""
    if not name:
        return ""
    if name.startswith(("https://", "http://")):
        return name
    url = template.icon.url
    if url.startswith(("https://", "http://")):
        return url
    return f"https://{template.site.domain}{url}"
