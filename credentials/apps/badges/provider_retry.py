"""Carrying failed provider calls again (spec/badges.md §12.2 #4, ``retry_badge_issuing``).

A badge whose provider call failed keeps its committed status and shows the failure in ``state``. Two kinds
need another try: awarded badges the provider never confirmed (``created``, ``error``, ``no_response``), and
revoked badges the provider still holds as issued (an id from the provider, and not its revocation state).
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from credentials.apps.badges import issuers
from credentials.apps.badges.models import AccredibleBadge, CredlyBadge
from credentials.apps.credentials.models import UserCredential

# How long an award's own after-commit provider call may take before a retry may step in.
IN_FLIGHT = datetime.timedelta(minutes=2)

PROVIDERS = {"credly": (CredlyBadge, "external_uuid"), "accredible": (AccredibleBadge, "external_id")}


@dataclass
class RetryOutcome:
    provider: str
    action: str  # issuers.AWARD or issuers.REVOKE
    badge: object
    succeeded: bool | None = None  # None in a dry run


def pending_badges(provider):
    """(action, badge) of every badge of ``provider`` whose provider call should run again, oldest first."""
    model, external_field = PROVIDERS[provider]
    to_award = model.objects.filter(status=UserCredential.AWARDED, state__in=model.RETRY_STATES).exclude(
        # A badge awarded moments ago is still ``created`` while its after-commit call runs: not ours yet.
        state=model.STATE_CREATED,
        modified__gt=timezone.now() - IN_FLIGHT,
    )
    to_revoke = (
        model.objects.filter(status=UserCredential.REVOKED, **{f"{external_field}__isnull": False})
        .exclude(state=model.REVOCATION_STATE)
        .exclude(modified__gt=timezone.now() - IN_FLIGHT)  # its own after-commit call may still be running
    )
    yield from ((issuers.AWARD, badge) for badge in to_award.order_by("pk").iterator())
    yield from ((issuers.REVOKE, badge) for badge in to_revoke.order_by("pk").iterator())


def retry_badge_issuing(*, providers=tuple(PROVIDERS), dry_run=False, limit=None):
    """Run the issuer again for every pending badge (at most ``limit``); answers a RetryOutcome per badge."""
    outcomes = []
    for provider in providers:
        for action, badge in pending_badges(provider):
            if limit is not None and len(outcomes) >= limit:
                return outcomes
            outcome = RetryOutcome(provider=provider, action=action, badge=badge)
            if not dry_run:
                outcome.succeeded = issuers.run(action, badge)  # records the new state (or error) on the row
            outcomes.append(outcome)
    return outcomes
