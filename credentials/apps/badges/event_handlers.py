"""The badge pipeline's subscription to the platform events in ``BADGES_CONFIG["events"]`` (spec/badges.md §1,
§4.1), through the core event bus (core.api.register_event_handler): each event is applied once per consumer
group, in one transaction, and an event older than one already applied to the same learner and course is
skipped (``payloads.trigger_entity_key``).
"""

import logging

from django.core.exceptions import ImproperlyConfigured
from openedx_events.tooling import OpenEdxPublicSignal, load_all_signals

from credentials.apps.badges import conf
from credentials.apps.badges.payloads import BadgesProcessingError, extract_payload, trigger_entity_key
from credentials.apps.badges.processing import process_event
from credentials.apps.core import api as core_api

log = logging.getLogger(__name__)


def register():
    """Subscribe to every configured event type; an unknown type stops startup with a clear message."""
    load_all_signals()
    unregisters = []
    for event_type in conf.event_types():
        try:
            signal = OpenEdxPublicSignal.get_signal_by_type(event_type)
        except KeyError:
            raise ImproperlyConfigured(f"BADGES_CONFIG['events']: no Open edX event of type {event_type!r}.") from None
        unregisters.append(
            core_api.register_event_handler(signal, handle_badging_event, entity_key=trigger_entity_key(event_type))
        )
    return unregisters


def handle_badging_event(*, metadata, **data):
    payload = extract_payload(data)
    try:
        outcome = process_event(metadata.event_type, payload)
    except BadgesProcessingError as exc:
        # Upstream's log line; the event can never be applied, so it goes to the dead letters (replayable).
        log.error("Badges processing error: %s", exc)
        raise core_api.PermanentEventError(str(exc)) from exc
    if outcome.fulfilled or outcome.reset:
        log.info(
            "Badges: event %s for %s fulfilled %s, reset %s, awarded %d, revoked %d",
            metadata.id,
            outcome.username,
            outcome.fulfilled,
            outcome.reset,
            len(outcome.awarded),
            len(outcome.revoked),
        )
    # Nothing returned: openedx-events logs every receiver's response, and the outcome names the learner.
