"""The badge pipeline: one subscribed event -> fulfilled requirements, reset requirements, awards, revocations
(spec/badges.md §4 with the fixes of §12.2).

For an event of type T about a learner:

1. Load the requirements and penalties of type T on active templates (all sites). None: stop here, before any
   user is created (upstream creates a local user for every learner with grade activity).
2. Identify the learner (``payloads.find_user_data``) and get or create the local user.
3. Match: every requirement whose rules all hold (a rule-less requirement matches), every penalty whose rules
   all hold (a rule-less penalty never fires). A penalty resets the requirements it names.
4. Per touched template, under a lock on the learner's progress row (concurrent events for one learner and
   template queue, so neither misses the other's fulfillment): fulfilled set after = (before + matched) -
   reset. Ratio: groups (``blend``) fulfilled / groups, OR inside a group, AND across groups.
5. Ratio moved to 1.0: award. Ratio left 1.0: revoke. Nothing else awards or revokes, so a redelivered or
   repeated event changes nothing (the consumer also drops redeliveries by event id).

Everything runs in the consumer's transaction; events to the bus and issuer calls happen after commit.
"""

import logging
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q

from credentials.apps.badges import awarding
from credentials.apps.badges.models import BadgePenalty, BadgeProgress, BadgeRequirement, BadgeTemplate, Fulfillment
from credentials.apps.badges.payloads import BadgesProcessingError, find_user_data
from credentials.apps.badges.progress import ratio_of
from credentials.apps.badges.rules import payload_dict, penalty_applies, requirement_matches
from credentials.apps.core import api as core_api

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What one event did (for logs, tests and the benchmark)."""

    username: str = None
    fulfilled: list = field(default_factory=list)  # requirement ids newly fulfilled
    reset: list = field(default_factory=list)  # requirement ids whose fulfillment was removed
    awarded: list = field(default_factory=list)  # badges awarded (status transitions only)
    revoked: list = field(default_factory=list)  # badges revoked


@dataclass(frozen=True)
class Rule:
    data_path: str
    operator: str
    value: str


@dataclass
class Requirement:
    pk: int
    template_id: int
    blend: str
    event_type: str
    rules: list = field(default_factory=list)


@dataclass
class Penalty:
    pk: int
    template_id: int
    rules: list = field(default_factory=list)
    requirement_ids: set = field(default_factory=set)


@dataclass
class Rulebook:
    """What an event type can do: its requirements and penalties on active templates, with their rules, and
    every requirement of those templates (progress counts the groups of all of them)."""

    requirements: list  # of this event type
    penalties: list  # of this event type
    by_template: dict  # template id -> [Requirement] (every event type)

    @property
    def empty(self):
        return not self.requirements and not self.penalties


def load_rulebook(event_type):
    """The rule book of one event type, read as plain rows (3 queries, no model instances: this runs for every
    event)."""
    concerned = BadgeTemplate.objects.filter(is_active=True).filter(
        Q(Exists(BadgeRequirement.objects.filter(template=OuterRef("pk"), event_type=event_type)))
        | Q(Exists(BadgePenalty.objects.filter(template=OuterRef("pk"), event_type=event_type)))
    )
    requirements, by_template = {}, {}
    for pk, template_id, blend, type_, path, operator, value in (
        BadgeRequirement.objects.filter(template__in=concerned.values("pk"))
        .order_by("id", "rules__id")
        .values_list("id", "template_id", "blend", "event_type", "rules__data_path", "rules__operator", "rules__value")
    ):
        requirement = requirements.get(pk)
        if requirement is None:
            requirement = requirements[pk] = Requirement(pk, template_id, blend, type_)
            by_template.setdefault(template_id, []).append(requirement)
        if path is not None:
            requirement.rules.append(Rule(path, operator, value))
    penalties = {}
    for pk, template_id, path, operator, value in (
        BadgePenalty.objects.filter(event_type=event_type, template__is_active=True)
        .order_by("id", "rules__id")
        .values_list("id", "template_id", "rules__data_path", "rules__operator", "rules__value")
    ):
        penalty = penalties.setdefault(pk, Penalty(pk, template_id))
        if path is not None:
            penalty.rules.append(Rule(path, operator, value))
    if penalties:
        for penalty_id, requirement_id in BadgePenalty.requirements.through.objects.filter(
            badgepenalty_id__in=list(penalties)
        ).values_list("badgepenalty_id", "badgerequirement_id"):
            penalties[penalty_id].requirement_ids.add(requirement_id)
    of_type = [r for r in requirements.values() if r.event_type == event_type]
    return Rulebook(of_type, list(penalties.values()), by_template)


def process_event(event_type, payload):
    """Apply one event of ``event_type`` whose data object is ``payload``; returns its Outcome.
    Raises BadgesProcessingError when a relevant event names no learner."""
    rulebook = load_rulebook(event_type)
    if rulebook.empty:
        return Outcome()
    user_data = find_user_data(payload)
    if user_data is None:
        raise BadgesProcessingError(
            f"User data cannot be found (got: None): {payload}. Does event {event_type} include user data at all?"
        )
    user, _ = core_api.get_or_create_user_from_event_data(user_data)
    data = payload_dict(payload)

    matched = {r.pk: r for r in rulebook.requirements if requirement_matches(r.rules, data)}
    fired = [p for p in rulebook.penalties if penalty_applies(p.rules, data)]
    requirement_template = {r.pk: t for t, members in rulebook.by_template.items() for r in members}
    reset_ids = {pk for p in fired for pk in p.requirement_ids if pk in requirement_template}
    outcome = Outcome(username=user.username)
    if not matched and not reset_ids:
        return outcome
    touched = {r.template_id for r in matched.values()} | {requirement_template[pk] for pk in reset_ids}
    _apply(user, touched, rulebook.by_template, matched, reset_ids, outcome)
    return outcome


def _apply(user, touched, by_template, matched, reset_ids, outcome):
    needs_progress = {r.template_id for r in matched.values()}
    progress = _lock_progress(user.username, touched)
    missing = needs_progress - progress.keys()
    if missing:
        BadgeProgress.objects.bulk_create(
            [BadgeProgress(username=user.username, template_id=template_id) for template_id in sorted(missing)],
            ignore_conflicts=True,  # a concurrent event created it first: it is locked below all the same
        )
        progress = _lock_progress(user.username, touched)

    before = {}
    for fulfillment_id, progress_id, requirement_id in Fulfillment.objects.filter(
        progress__in=list(progress.values()), requirement__isnull=False
    ).values_list("id", "progress_id", "requirement_id"):
        before.setdefault(progress_id, {})[requirement_id] = fulfillment_id

    to_create, to_delete, transitions = [], [], []
    for template_id, row in sorted(progress.items()):
        done = before.get(row.pk, {})
        template_matched = {pk for pk, r in matched.items() if r.template_id == template_id}
        after = (set(done) | template_matched) - reset_ids
        for requirement_id in sorted(template_matched - set(done) - reset_ids):
            blend = matched[requirement_id].blend
            to_create.append(Fulfillment(progress=row, requirement_id=requirement_id, blend=blend))
            outcome.fulfilled.append(requirement_id)
        for requirement_id in sorted(set(done) & reset_ids):
            to_delete.append(done[requirement_id])
            outcome.reset.append(requirement_id)
        requirements = by_template.get(template_id, [])
        old, new = ratio_of(requirements, set(done)), ratio_of(requirements, after)
        if old != 1.0 and new == 1.0:
            transitions.append((awarding.award, template_id, outcome.awarded))
        elif old == 1.0 and new != 1.0:
            transitions.append((awarding.revoke, template_id, outcome.revoked))
    if to_create:
        Fulfillment.objects.bulk_create(to_create)
    if to_delete:
        Fulfillment.objects.filter(pk__in=to_delete).delete()
    if transitions:
        templates = BadgeTemplate.objects.select_related("site").in_bulk([t for _, t, _ in transitions])
        for action, template_id, done_list in transitions:
            badge = action(templates[template_id], user)
            if badge is not None:
                done_list.append(badge)


def _lock_progress(username, template_ids):
    """The learner's progress rows of these templates, locked until commit, by template id."""
    rows = (
        BadgeProgress.objects.select_for_update()
        .filter(username=username, template_id__in=sorted(template_ids))
        .order_by("template_id")
    )
    return {row.template_id: row for row in rows}
