"""Bulk writes of the catalog sync: ordered links, rows created without returned ids, blocked deletions."""

from collections import defaultdict

BATCH_SIZE = 500


def sync_ordered_links(through, owner_field, target_field, wanted):
    """Make each owner's links in ``through`` list exactly ``wanted[owner]`` in that order.

    Owners whose links already match are left alone; the others lose their links and get new ones, in
    three statements for the whole batch. Returns the ids of the owners whose links were rebuilt.
    """
    wanted = {owner: list(dict.fromkeys(targets)) for owner, targets in wanted.items()}
    current = defaultdict(list)
    links = (
        through.objects.filter(**{f"{owner_field}__in": list(wanted)})
        .order_by("sort_value", "id")
        .values_list(owner_field, target_field)
    )
    for owner, target in links:
        current[owner].append(target)
    stale = [owner for owner, targets in wanted.items() if current.get(owner, []) != targets]
    if stale:
        through.objects.filter(**{f"{owner_field}__in": stale}).delete()
        through.objects.bulk_create(
            [
                through(**{owner_field: owner, target_field: target, "sort_value": position})
                for owner in stale
                for position, target in enumerate(wanted[owner])
            ],
            batch_size=BATCH_SIZE,
        )
    return set(stale)


def reload_created(model, objects, scope_field):
    """Rows just bulk-created on a database that does not return their ids (MySQL), in the same order."""
    by_key = {
        (getattr(row, scope_field), row.uuid): row
        for row in model.objects.filter(
            **{f"{scope_field}__in": {getattr(obj, scope_field) for obj in objects}},
            uuid__in=[obj.uuid for obj in objects],
        )
    }
    return [by_key[(getattr(obj, scope_field), obj.uuid)] for obj in objects]


def protected_by(exc):
    objects = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", None) or ()
    counts = defaultdict(int)
    for obj in objects:
        counts[obj._meta.verbose_name_plural if hasattr(obj, "_meta") else type(obj).__name__] += 1
    if not counts:
        return "still referenced by other data"
    return "still referenced by " + ", ".join(f"{name} ({count})" for name, count in sorted(counts.items()))
