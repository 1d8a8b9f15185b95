"""Mirroring course-discovery's catalog into the local tables (spec/integration.md §1.5, §3.1).

Public through ``catalog.api.sync_catalog``. Differences from upstream, on purpose (issue 6):

* each site is synced inside one transaction: an HTTP error (after retries) or a missing reference leaves
  that site exactly as it was, is reported as one line naming the site, the resource and the cause, and
  the other sites are still synced;
* a program's course run that discovery did not return is reported and left out instead of aborting;
* a deletion blocked by a protected reference (awarded credentials, grades, records) is reported;
* rows and ordered links are compared before writing, so a re-sync without changes writes nothing;
* pages are processed as they arrive and written in batches of about a hundred items, a fixed number of
  statements per batch, so memory and round trips per item do not grow with the catalog (only sets of
  uuids are kept per site).
"""

import logging
import time
import uuid as uuid_module
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC

from django.contrib.sites.models import Site
from django.db import connection, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from credentials.apps.catalog.models import (
    Course,
    CourseOwner,
    CourseRun,
    Organization,
    Pathway,
    PathwayProgram,
    Program,
    ProgramAuthoringOrganization,
    ProgramCourseRun,
)
from credentials.apps.core.api import get_site_configuration
from credentials.apps.core.clients import DiscoveryClient, ServiceError

log = logging.getLogger(__name__)

# Discovery resources in the order they must be read: each refers to rows of the ones before it.
RESOURCES = ("organizations", "courses", "programs", "pathways")
# Model types in the order upstream reports them and deletes them (spec/integration.md §3.1 steps 4-5).
MODEL_TYPES = ("courses", "course_runs", "organizations", "pathways", "programs")

SYNCED = "synced"
SKIPPED = "skipped"
FAILED = "failed"

BATCH_SIZE = 500
# Items of consecutive pages written together: a fixed number of statements per this many items, whatever
# the page size (discovery's default is 20), while memory holds only one such batch.
ITEMS_PER_WRITE = 100


class CatalogDataError(Exception):
    """Discovery's data cannot be stored as it is (a missing reference, a malformed item)."""


@dataclass
class TypeChanges:
    """What a sync saw and did for one model type on one site."""

    existing: set = field(default_factory=set)
    seen: set = field(default_factory=set)
    fetched: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: list = field(default_factory=list)
    blocked: list = field(default_factory=list)  # (uuid, why) pairs

    @property
    def added(self):
        return sorted(self.seen - self.existing, key=str)

    @property
    def removed(self):
        return sorted(self.existing - self.seen, key=str)


@dataclass
class SiteSyncResult:
    domain: str
    status: str
    reason: str = ""  # why the site was skipped, or the one-line cause of its failure
    changes: dict = field(default_factory=lambda: {name: TypeChanges() for name in MODEL_TYPES})
    warnings: list = field(default_factory=list)
    pages: dict = field(default_factory=lambda: dict.fromkeys(RESOURCES, 0))
    deleted: bool = False  # --delete was given and deletions were attempted
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def pending_removals(self):
        """Rows discovery no longer returns that are still here (not deleted, or deletion was blocked)."""
        if self.status != SYNCED:
            return False
        if self.deleted:
            return any(changes.blocked for changes in self.changes.values())
        return any(changes.removed for changes in self.changes.values())


@dataclass(frozen=True)
class SyncProgress:
    """Reported after each page, and once more with ``done`` when a resource is complete."""

    domain: str
    resource: str
    pages: int
    items: int
    total: int | None
    seconds: float
    done: bool = False


class UnknownSite(ValueError):
    pass


def sync_catalog(
    *,
    domains=None,
    page_size=None,
    delete=False,
    dry_run=False,
    progress: Callable[[SyncProgress], None] | None = None,
):
    """Copy discovery's catalog into every eligible site (or the sites named by ``domains``).

    A site is eligible when it has a configuration with a catalog URL and records enabled. Returns one
    ``SiteSyncResult`` per site, in site id order. Raises UnknownSite, before syncing anything, when a
    requested domain does not exist. ``delete`` removes the rows discovery no longer returns; ``dry_run``
    does everything, then rolls each site back.
    """
    sites = Site.objects.select_related("siteconfiguration").order_by("pk")
    if domains:
        sites = sites.filter(domain__in=domains)
        missing = set(domains) - {site.domain for site in sites}
        if missing:
            raise UnknownSite(f"No site has the domain {', '.join(sorted(missing))}.")
    results = []
    for site in sites:
        reason = _ineligible_reason(site)
        if reason:
            log.info("Skipping site %s. %s", site.domain, reason)
            results.append(SiteSyncResult(domain=site.domain, status=SKIPPED, reason=reason))
            continue
        results.append(
            _sync_site(site, page_size=page_size, delete=delete, dry_run=dry_run, progress=progress or _no_progress)
        )
    return results


def _no_progress(event):
    pass


def _ineligible_reason(site):
    configuration = get_site_configuration(site)
    if configuration is None:
        return "No configuration."
    if not configuration.catalog_api_url:
        return "No catalog API URL."
    if not configuration.records_enabled:
        return "Records are disabled."
    return ""


def _sync_site(site, *, page_size, delete, dry_run, progress):
    result = SiteSyncResult(domain=site.domain, status=SYNCED, deleted=delete, dry_run=dry_run)
    started = time.monotonic()
    with DiscoveryClient(site.siteconfiguration.catalog_api_url) as client:
        sync = _SiteSync(site, client, result, page_size=page_size, progress=progress)
        try:
            with transaction.atomic():
                sync.run()
                if delete:
                    sync.delete_removed()
                if dry_run:
                    transaction.set_rollback(True)
        except Exception as exc:  # one site's failure must not stop the others; its transaction is rolled back
            result = SiteSyncResult(domain=site.domain, status=FAILED, deleted=delete, dry_run=dry_run)
            result.reason = f"site {site.domain}: {sync.stage}: {_one_line(exc)}. Nothing was changed on this site."
            if isinstance(exc, ServiceError | CatalogDataError):
                log.warning("Catalog sync failed: %s", result.reason)
            else:
                log.exception("Catalog sync failed: %s", result.reason)
    result.seconds = time.monotonic() - started
    return result


class _SiteSync:
    """One site's sync: read each resource page by page and bring the rows and links in line with it."""

    def __init__(self, site, client, result, *, page_size, progress):
        self.site = site
        self.client = client
        self.result = result
        self.page_size = page_size
        self.progress = progress
        self.stage = "starting"
        self.organization_ids = {}  # uuid → pk of every organization of the site, for owner/author look-ups

    def run(self):
        changes = self.result.changes
        self.organization_ids = dict(Organization.objects.filter(site=self.site).values_list("uuid", "pk"))
        changes["organizations"].existing = set(self.organization_ids)
        changes["courses"].existing = set(Course.objects.filter(site=self.site).values_list("uuid", flat=True))
        changes["course_runs"].existing = set(
            CourseRun.objects.filter(course__site=self.site).values_list("uuid", flat=True)
        )
        changes["programs"].existing = set(Program.objects.filter(site=self.site).values_list("uuid", flat=True))
        changes["pathways"].existing = set(Pathway.objects.filter(site=self.site).values_list("uuid", flat=True))

        handlers = {
            "organizations": self._organizations,
            "courses": self._courses,
            "programs": self._programs,
            "pathways": self._pathways,
        }
        extra_params = {"courses": {"include_hidden_course_runs": 1}}
        for resource in RESOURCES:
            started, items, total = time.monotonic(), 0, None
            self.stage = resource
            pages = self.client.iter_resource(resource, page_size=self.page_size, **extra_params.get(resource, {}))
            batch, first_page = [], None
            for page in pages:
                batch.extend(page.results)
                first_page = first_page or page.number
                items += len(page.results)
                total = page.count
                self.result.pages[resource] = page.number
                if len(batch) >= ITEMS_PER_WRITE or not page.has_next:
                    self._write(handlers[resource], batch, resource, first_page, page.number)
                    batch, first_page = [], None
                self.progress(self._event(resource, page.number, items, total, started))
            if batch:
                self._write(handlers[resource], batch, resource, first_page, self.result.pages[resource])
            self.progress(self._event(resource, self.result.pages[resource], items, total, started, done=True))
        self.stage = "finishing"

    def _write(self, handler, items, resource, first_page, last_page):
        pages = f"page {first_page}" if first_page == last_page else f"pages {first_page}-{last_page}"
        self.stage = f"{resource} {pages}"
        handler(items)
        self.stage = resource  # while the next page is fetched; the client's error names its URL

    def _event(self, resource, pages, items, total, started, done=False):
        return SyncProgress(
            domain=self.site.domain,
            resource=resource,
            pages=pages,
            items=items,
            total=total,
            seconds=time.monotonic() - started,
            done=done,
        )

    # --- Resources ------------------------------------------------------------------------------------

    def _organizations(self, items):
        wanted = {}
        for item in items:
            org_uuid = _uuid(item, "organization")
            wanted[org_uuid] = {
                "site_id": self.site.pk,
                "uuid": org_uuid,
                "key": _text(item.get("key")),
                "name": _text(item.get("name")),
                "certificate_logo_image_url": item.get("certificate_logo_image_url"),
            }
        existing = {org.uuid: org for org in Organization.objects.filter(site=self.site, uuid__in=list(wanted))}
        rows, _, _ = self._upsert("organizations", Organization, wanted, existing, len(items))
        self.organization_ids.update((org_uuid, org.pk) for org_uuid, org in rows.items())

    def _courses(self, items):
        wanted, owners, runs_by_course = {}, {}, {}
        for item in items:
            course_uuid = _uuid(item, "course")
            title = item.get("title")
            wanted[course_uuid] = {
                "site_id": self.site.pk,
                "uuid": course_uuid,
                "key": _text(item.get("key")),
                "title": title,
            }
            owners[course_uuid] = [
                self._organization_id(_uuid(owner, "owner organization"), f'course "{course_uuid}"')
                for owner in item.get("owners") or []
            ]
            runs_by_course[course_uuid] = [_course_run_values(run, title) for run in item.get("course_runs") or []]
        existing = {course.uuid: course for course in Course.objects.filter(site=self.site, uuid__in=list(wanted))}
        rows, created, updated = self._upsert("courses", Course, wanted, existing, len(items))

        relinked = _sync_ordered_links(
            CourseOwner, "course_id", "organization_id", {rows[key].pk: owners[key] for key in rows}
        )
        self._count_relinked("courses", relinked, rows, created, updated)

        course_ids = [course.pk for course in rows.values()]
        existing_runs = {(run.course_id, run.uuid): run for run in CourseRun.objects.filter(course_id__in=course_ids)}
        wanted_runs, fetched_runs = {}, 0
        for course_uuid, runs in runs_by_course.items():
            course_id = rows[course_uuid].pk
            for values in runs:
                wanted_runs[(course_id, values["uuid"])] = {"course_id": course_id, **values}
                fetched_runs += 1
        self._upsert(
            "course_runs", CourseRun, wanted_runs, existing_runs, fetched_runs, seen=(key[1] for key in wanted_runs)
        )

    def _programs(self, items):
        wanted, authors, run_refs = {}, {}, {}
        for item in items:
            program_uuid = _uuid(item, "program")
            type_attrs = item.get("type_attrs") or {}
            wanted[program_uuid] = {
                "site_id": self.site.pk,
                "uuid": program_uuid,
                "title": _text(item.get("title")),
                "type": _text(item.get("type")),
                "status": item.get("status") or Program.ACTIVE,
                "type_slug": _text(type_attrs.get("slug")),
                "total_hours_of_effort": item.get("total_hours_of_effort"),
            }
            authors[program_uuid] = [
                self._organization_id(_uuid(org, "authoring organization"), f'program "{program_uuid}"')
                for org in item.get("authoring_organizations") or []
            ]
            run_refs[program_uuid] = [
                (_uuid(course, "program course"), _uuid(run, "program course run"))
                for course in item.get("courses") or []
                for run in course.get("course_runs") or []
            ]
        existing = {program.uuid: program for program in Program.objects.filter(site=self.site, uuid__in=list(wanted))}
        rows, created, updated = self._upsert("programs", Program, wanted, existing, len(items))

        # Site-scoped, unlike upstream: two sites may hold the same course-run uuid. Filtering on the course
        # uuids too lets the database start from the (site, uuid) index of courses; runs have no uuid index.
        course_uuids = {course_uuid for refs in run_refs.values() for course_uuid, _ in refs}
        run_uuids = {run_uuid for refs in run_refs.values() for _, run_uuid in refs}
        run_ids = {
            (course_uuid, run_uuid): pk
            for run_uuid, course_uuid, pk in CourseRun.objects.filter(
                course__site=self.site, course__uuid__in=list(course_uuids), uuid__in=list(run_uuids)
            ).values_list("uuid", "course__uuid", "pk")
        }
        program_runs = {}
        for program_uuid, refs in run_refs.items():
            program_runs[rows[program_uuid].pk] = []
            for ref in refs:
                if ref in run_ids:
                    program_runs[rows[program_uuid].pk].append(run_ids[ref])
                else:
                    self.result.warnings.append(
                        f'program "{program_uuid}" includes course run "{ref[1]}" of course "{ref[0]}", which '
                        "discovery did not return; the run was left out of the program"
                    )
        relinked = _sync_ordered_links(
            ProgramAuthoringOrganization,
            "program_id",
            "organization_id",
            {rows[key].pk: authors[key] for key in rows},
        )
        relinked |= _sync_ordered_links(ProgramCourseRun, "program_id", "course_run_id", program_runs)
        self._count_relinked("programs", relinked, rows, created, updated)

    def _pathways(self, items):
        wanted, program_refs = {}, {}
        for item in items:
            pathway_uuid = _uuid(item, "pathway")
            status = item.get("status") or Pathway.PUBLISHED
            wanted[pathway_uuid] = {
                "site_id": self.site.pk,
                "uuid": pathway_uuid,
                "name": _text(item.get("name")),
                "email": _text(item.get("email")),
                "org_name": _text(item.get("org_name")),
                "status": status,
                "pathway_type": item.get("pathway_type") or Pathway.CREDIT,
            }
            # Only a published pathway links its programs (spec/integration.md §3.1).
            published = status == Pathway.PUBLISHED
            program_refs[pathway_uuid] = (
                [_uuid(p, "pathway program") for p in item.get("programs") or []] if published else []
            )
        existing = {pathway.uuid: pathway for pathway in Pathway.objects.filter(site=self.site, uuid__in=list(wanted))}
        rows, created, updated = self._upsert("pathways", Pathway, wanted, existing, len(items))

        wanted_programs = {program_uuid for refs in program_refs.values() for program_uuid in refs}
        program_ids = dict(
            Program.objects.filter(site=self.site, uuid__in=list(wanted_programs)).values_list("uuid", "pk")
        )
        links = {}
        for pathway_uuid, refs in program_refs.items():
            missing = [str(ref) for ref in refs if ref not in program_ids]
            if missing:
                raise CatalogDataError(
                    f'published pathway "{pathway_uuid}" includes program "{missing[0]}", which discovery did not return'
                )
            links[rows[pathway_uuid].pk] = [program_ids[ref] for ref in refs]
        relinked = _sync_ordered_links(PathwayProgram, "pathway_id", "program_id", links)
        self._count_relinked("pathways", relinked, rows, created, updated)

    def _organization_id(self, org_uuid, referrer):
        try:
            return self.organization_ids[org_uuid]
        except KeyError:
            raise CatalogDataError(
                f'{referrer} names organization "{org_uuid}", which discovery did not return'
            ) from None

    # --- Writing --------------------------------------------------------------------------------------

    def _upsert(self, type_name, model, wanted, existing, fetched, seen=None):
        """Create the ``wanted`` rows that are not in ``existing`` and save the ones whose values differ.

        ``wanted`` and ``existing`` are keyed alike. Returns ({key: row with pk}, created keys, updated keys).
        Unchanged rows are not written, so their ``modified`` stays as it was.
        """
        changes = self.result.changes[type_name]
        changes.fetched += fetched
        changes.seen.update(seen if seen is not None else wanted)
        rows, to_create, to_update, updated_keys, changed_fields = {}, {}, [], set(), set()
        now = timezone.now()
        for key, values in wanted.items():
            row = existing.get(key)
            if row is None:
                to_create[key] = model(**values)
                continue
            rows[key] = row
            differing = [name for name, value in values.items() if getattr(row, name) != value]
            if differing:
                for name in differing:
                    setattr(row, name, values[name])
                row.modified = now
                changed_fields.update(differing)
                to_update.append(row)
                updated_keys.add(key)
        if to_create:
            created = model.objects.bulk_create(to_create.values(), batch_size=BATCH_SIZE)
            if not connection.features.can_return_rows_from_bulk_insert:
                created = _reload(model, created, "course_id" if model is CourseRun else "site_id")
            rows.update(zip(to_create, created, strict=True))
        if to_update:
            model.objects.bulk_update(to_update, [*sorted(changed_fields), "modified"], batch_size=BATCH_SIZE)
        changes.created += len(to_create)
        changes.updated += len(to_update)
        changes.unchanged += len(wanted) - len(to_create) - len(to_update)
        return rows, set(to_create), updated_keys

    def _count_relinked(self, type_name, relinked_ids, rows, created, updated):
        """A row whose fields were unchanged but whose ordered links were rebuilt counts as updated."""
        changes = self.result.changes[type_name]
        for key, row in rows.items():
            if row.pk in relinked_ids and key not in created and key not in updated:
                changes.updated += 1
                changes.unchanged -= 1

    # --- Deleting -------------------------------------------------------------------------------------

    def delete_removed(self):
        """Delete what discovery no longer returns; rows other data protects are reported, not deleted."""
        querysets = {
            "courses": Course.objects.filter(site=self.site),
            "course_runs": CourseRun.objects.filter(course__site=self.site),
            "organizations": Organization.objects.filter(site=self.site),
            "pathways": Pathway.objects.filter(site=self.site),
            "programs": Program.objects.filter(site=self.site),
        }
        for type_name in MODEL_TYPES:
            self.stage = f"deleting {type_name}"
            changes = self.result.changes[type_name]
            removed = changes.removed
            for start in range(0, len(removed), BATCH_SIZE):
                batch = removed[start : start + BATCH_SIZE]
                try:
                    with transaction.atomic():
                        querysets[type_name].filter(uuid__in=batch).delete()
                    changes.deleted.extend(batch)
                except (ProtectedError, RestrictedError):
                    # Rare: find which rows are protected, one savepoint each.
                    for row_uuid in batch:
                        try:
                            with transaction.atomic():
                                querysets[type_name].filter(uuid=row_uuid).delete()
                            changes.deleted.append(row_uuid)
                        except (ProtectedError, RestrictedError) as exc:
                            changes.blocked.append((row_uuid, _protected_by(exc)))
        self.stage = "finishing"


def _sync_ordered_links(through, owner_field, target_field, wanted):
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


def _reload(model, objects, scope_field):
    """Rows just bulk-created on a database that does not return their ids (MySQL), in the same order."""
    by_key = {
        (getattr(row, scope_field), row.uuid): row
        for row in model.objects.filter(
            **{f"{scope_field}__in": {getattr(obj, scope_field) for obj in objects}},
            uuid__in=[obj.uuid for obj in objects],
        )
    }
    return [by_key[(getattr(obj, scope_field), obj.uuid)] for obj in objects]


def _protected_by(exc):
    objects = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", None) or ()
    counts = defaultdict(int)
    for obj in objects:
        counts[obj._meta.verbose_name_plural if hasattr(obj, "_meta") else type(obj).__name__] += 1
    if not counts:
        return "still referenced by other data"
    return "still referenced by " + ", ".join(f"{name} ({count})" for name, count in sorted(counts.items()))


def _one_line(exc):
    """The first line of an exception's message; unexpected exceptions keep their type name."""
    text = str(exc).strip()
    first = text.splitlines()[0] if text else ""
    if isinstance(exc, ServiceError | CatalogDataError):
        return first
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def _uuid(item, what):
    if not isinstance(item, dict):
        raise CatalogDataError(f"a {what} is not an object: {item!r:.80}")
    raw = item.get("uuid")
    try:
        return uuid_module.UUID(str(raw))
    except ValueError:
        raise CatalogDataError(f"a {what} has an invalid uuid: {raw!r:.80}") from None


def _text(value):
    """Discovery sends null for some text the local schema requires; store it as empty."""
    return "" if value is None else str(value)


def _datetime(run, *names):
    for name in names:
        raw = run.get(name)
        if raw:
            value = parse_datetime(str(raw))
            if value is None:
                raise CatalogDataError(f'course run "{run.get("uuid")}" has an invalid {name}: {raw!r:.40}')
            return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)
    return None


def _course_run_values(run, course_title):
    title = run.get("title") if isinstance(run, dict) else None
    return {
        "uuid": _uuid(run, "course run"),
        "key": _text(run.get("key")),
        # Stored only when it differs from the course's title (spec/integration.md §3.1).
        "title_override": None if title == course_title else title,
        "start_date": _datetime(run, "start_date", "start"),
        "end_date": _datetime(run, "end_date", "end"),
    }
