"""Progress arithmetic (spec/badges.md §4.6 with §12.2 #3).

Requirements sharing a ``blend`` form a group: any one of them fulfils the group (OR); every group must be
fulfilled (AND). A requirement without a blend (NULL or empty) is a group of its own, keyed
``req:<requirement id>`` (upstream lumps all of them into one shared group).
``ratio`` = fulfilled groups / groups, rounded to 2 places; 0.0 without groups.
"""


def group_key(requirement):
    return requirement.blend if requirement.blend else f"req:{requirement.pk}"


def groups_of(requirements):
    """{group key: [requirement, ...]} in requirement order."""
    groups = {}
    for requirement in requirements:
        groups.setdefault(group_key(requirement), []).append(requirement)
    return groups


def ratio_of(requirements, fulfilled_requirement_ids):
    groups = groups_of(requirements)
    if not groups:
        return 0.0
    done = sum(1 for members in groups.values() if any(r.pk in fulfilled_requirement_ids for r in members))
    return round(done / len(groups), 2)


def template_groups(template):
    return groups_of(template.requirements.order_by("id")).keys()


def _fulfilled_ids(progress):
    return set(progress.fulfillment_set.exclude(requirement=None).values_list("requirement_id", flat=True))


def progress_groups(progress):
    """{group key: fulfilled?} of a BadgeProgress (empty when its template is gone)."""
    if progress.template_id is None:
        return {}
    fulfilled = _fulfilled_ids(progress)
    groups = groups_of(progress.template.requirements.order_by("id"))
    return {key: any(r.pk in fulfilled for r in members) for key, members in groups.items()}


def progress_ratio(progress):
    if progress.template_id is None:
        return 0.0
    return ratio_of(list(progress.template.requirements.order_by("id")), _fulfilled_ids(progress))
