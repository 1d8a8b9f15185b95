"""The catalog app's public interface: reading and writing the local copy of discovery data."""

from django.db.models import Prefetch

from credentials.apps.catalog.models import (
    Course,
    CourseOwner,
    CourseRun,
    Pathway,
    PathwayProgram,
    Program,
    ProgramAuthoringOrganization,
    ProgramCourseRun,
)
from credentials.apps.catalog.sync import sync_catalog  # noqa: F401  (the sync's public names live here, DESIGN.md §4)
from credentials.apps.catalog.sync_results import (  # noqa: F401
    FAILED,
    MODEL_TYPES,
    RESOURCES,
    SKIPPED,
    SYNCED,
    SiteSyncResult,
    SyncProgress,
    TypeChanges,
    UnknownSite,
)

# Ordered relation → (through model, owner field, target field, related name of the links).
_ORDERED_LINKS = {
    (Course, "owners"): (CourseOwner, "course", "organization", "owner_links"),
    (Program, "course_runs"): (ProgramCourseRun, "program", "course_run", "course_run_links"),
    (Program, "authoring_organizations"): (
        ProgramAuthoringOrganization,
        "program",
        "organization",
        "authoring_organization_links",
    ),
    (Pathway, "programs"): (PathwayProgram, "pathway", "program", "program_links"),
}


def set_ordered(instance, relation, targets):
    """Replace ``instance.<relation>`` by ``targets``, in that order (duplicates after the first dropped)."""
    through, owner_field, target_field, _ = _ORDERED_LINKS[(type(instance), relation)]
    through.objects.filter(**{owner_field: instance}).delete()
    unique_targets = list({target.pk: target for target in targets}.values())
    through.objects.bulk_create(
        through(**{owner_field: instance, target_field: target, "sort_value": position})
        for position, target in enumerate(unique_targets)
    )


def get_ordered(instance, relation):
    """``instance.<relation>`` in its stored order; uses the links prefetched by ``prefetch_ordered``."""
    _, _, target_field, links = _ORDERED_LINKS[(type(instance), relation)]
    return [getattr(link, target_field) for link in getattr(instance, links).all()]


def prefetch_ordered(model, relation, *select_related):
    """A Prefetch that loads ``relation`` of many ``model`` rows, in order, in one query."""
    through, _, target_field, links = _ORDERED_LINKS[(model, relation)]
    related = [f"{target_field}__{name}" for name in select_related] or [target_field]
    return Prefetch(links, queryset=through.objects.select_related(*related).order_by("sort_value", "id"))


def get_course_runs_by_keys(keys):
    """Course runs with these keys, on any site (upstream looks runs up by key alone)."""
    return CourseRun.objects.filter(key__in=list(keys)).select_related("course")
