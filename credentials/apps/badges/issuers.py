"""Who puts an awarded or revoked badge into the world: one issuer per template ``origin``.

The pipeline decides *that* a learner earns or loses a badge: inside the event's transaction it sets the
``UserCredential`` status, creates the issuer-specific badge row (CredlyBadge, AccredibleBadge, LocalBadge) and
writes BADGE_AWARDED / BADGE_REVOKED to the outbox. The issuer decides *how* the badge reaches the learner
(a provider's API, or a signed Open Badges 3.0 credential); it runs only after that transaction commits.

The interface an issuer implements::

    class Issuer:
        def award(self, badge):
            '''``badge`` is the origin's badge row (e.g. CredlyBadge), freshly loaded, ``status == "awarded"``.
            Issue it (provider call, signing, ...) and record the outcome on the row: its ``state``
            (``issued``/``accepted``/..., or ``error``) and the issuer's ids. Must be safe to call again for a
            badge whose earlier attempt failed (``retry_badge_issuing`` does that).'''

        def revoke(self, badge):
            '''``badge`` has ``status == "revoked"``. Withdraw it at the issuer and record the new ``state``.'''

Register one instance per origin, from the owning module's ``AppConfig.ready`` (or import time)::

    issuers.register("credly", CredlyIssuer())       # providers work
    issuers.register("accredible", AccredibleIssuer())
    issuers.register("openedx", LocalIssuer())        # local Open Badges 3.0 issuer

Failures never reach event processing: whatever an issuer raises is logged and the badge's ``state`` becomes
``error`` (``retry_badge_issuing`` tries again later). The status change and the event already committed, so an
issuer failure never loses an award. An origin without an issuer leaves the badge in state ``created``.
"""

import logging

from django.db import transaction

log = logging.getLogger(__name__)

AWARD = "award"
REVOKE = "revoke"

_issuers = {}


def register(origin, issuer):
    """Make ``issuer`` the one for templates of ``origin``; returns a function that undoes it (tests)."""
    previous = _issuers.get(origin)
    _issuers[origin] = issuer

    def unregister():
        if previous is None:
            _issuers.pop(origin, None)
        else:
            _issuers[origin] = previous

    return unregister


def get(origin):
    """The issuer of ``origin``, or None."""
    return _issuers.get(origin)


def registered_origins():
    return sorted(_issuers)


def run(action, badge):
    """Call the issuer's ``award``/``revoke`` for ``badge`` now; a failure is logged and stored as state
    ``error``, never raised. Returns True when the issuer ran without raising."""
    origin = badge_origin(badge)
    issuer = _issuers.get(origin)
    if issuer is None:
        return False
    try:
        getattr(issuer, action)(badge)
    except Exception:
        log.exception("Badge %s: the %s issuer failed to %s it; left in state error", badge.uuid, origin, action)
        type(badge).objects.filter(pk=badge.pk).update(state="error")
        badge.state = "error"
        return False
    return True


def run_after_commit(action, badge_model, badge_pk):
    """Schedule ``run(action, <badge>)`` for when the current transaction commits (at once outside one).
    The badge is loaded again then, so the issuer sees what was committed."""

    def call():
        badge = badge_model.objects.filter(pk=badge_pk).first()
        if badge is not None and _issuers.get(badge_origin(badge)) is not None:
            run(action, badge)

    transaction.on_commit(call, robust=True)


def badge_origin(badge):
    """The origin of a badge row: its model's (the template decides which model a badge gets)."""
    from credentials.apps.badges.models import BADGE_MODELS

    for origin, model in BADGE_MODELS.items():
        if isinstance(badge, model):
            return origin
    return None
