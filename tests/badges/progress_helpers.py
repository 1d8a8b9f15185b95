"""Templates with requirements and learners' progress, arranged directly (the pipeline's own tests cover how
events produce them)."""

from datetime import UTC, datetime

from credentials.apps.badges import conf
from credentials.apps.badges.models import BadgeProgress, BadgeRequirement, Fulfillment

PASSING = conf.PASSING_STATUS_UPDATED
CCX = conf.CCX_PASSING_STATUS_UPDATED


def requirement(template, blend, description, event_type=PASSING):
    return BadgeRequirement.objects.create(
        template=template, event_type=event_type, blend=blend, description=description
    )


def fulfil(username, *requirements, at=datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)):
    for done in requirements:
        progress, _ = BadgeProgress.objects.get_or_create(username=username, template=done.template)
        Fulfillment.objects.create(progress=progress, requirement=done, blend=done.blend, created=at)
