"""One site's catalog sync: read discovery's resources page by page and bring the site's rows and ordered
links in line with them, writing only what differs."""

import time

from django.db import connection, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone

from credentials.apps.catalog import models as catalog
from credentials.apps.catalog.discovery_items import CatalogDataError, course_run_values, item_text, item_uuid
from credentials.apps.catalog.sync_results import MODEL_TYPES, RESOURCES, SyncProgress
from credentials.apps.catalog.sync_writes import BATCH_SIZE, protected_by, reload_created, sync_ordered_links

# Items of consecutive pages written together: a fixed number of statements per this many items, whatever
# the page size (discovery's default is 20), while memory holds only one such batch.
ITEMS_PER_WRITE = 100


class SiteSync:
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
        self.organization_ids = dict(catalog.Organization.objects.filter(site=self.site).values_list("uuid", "pk"))
        changes["organizations"].existing = set(self.organization_ids)
        changes["courses"].existing = set(catalog.Course.objects.filter(site=self.site).values_list("uuid", flat=True))
        changes["course_runs"].existing = set(
            catalog.CourseRun.objects.filter(course__site=self.site).values_list("uuid", flat=True)
        )
        changes["programs"].existing = set(
            catalog.Program.objects.filter(site=self.site).values_list("uuid", flat=True)
        )
        changes["pathways"].existing = set(
            catalog.Pathway.objects.filter(site=self.site).values_list("uuid", flat=True)
        )

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

    def _organizations(self, items):
        wanted = {}
        for item in items:
            org_uuid = item_uuid(item, "organization")
            wanted[org_uuid] = {
                "site_id": self.site.pk,
                "uuid": org_uuid,
                "key": item_text(item.get("key")),
                "name": item_text(item.get("name")),
                "certificate_logo_image_url": item.get("certificate_logo_image_url"),
            }
        existing = {org.uuid: org for org in catalog.Organization.objects.filter(site=self.site, uuid__in=list(wanted))}
        rows, _, _ = self._upsert("organizations", catalog.Organization, wanted, existing, len(items))
        self.organization_ids.update((org_uuid, org.pk) for org_uuid, org in rows.items())

    def _courses(self, items):
        wanted, owners, runs_by_course = {}, {}, {}
        for item in items:
            course_uuid = item_uuid(item, "course")
            title = item.get("title")
            wanted[course_uuid] = {
                "site_id": self.site.pk,
                "uuid": course_uuid,
                "key": item_text(item.get("key")),
                "title": title,
            }
            owners[course_uuid] = [
                self._organization_id(item_uuid(owner, "owner organization"), f'course "{course_uuid}"')
                for owner in item.get("owners") or []
            ]
            runs_by_course[course_uuid] = [course_run_values(run, title) for run in item.get("course_runs") or []]
        existing = {
            course.uuid: course for course in catalog.Course.objects.filter(site=self.site, uuid__in=list(wanted))
        }
        rows, created, updated = self._upsert("courses", catalog.Course, wanted, existing, len(items))

        relinked = sync_ordered_links(
            catalog.CourseOwner, "course_id", "organization_id", {rows[key].pk: owners[key] for key in rows}
        )
        self._count_relinked("courses", relinked, rows, created, updated)

        course_ids = [course.pk for course in rows.values()]
        existing_runs = {
            (run.course_id, run.uuid): run for run in catalog.CourseRun.objects.filter(course_id__in=course_ids)
        }
        wanted_runs, fetched_runs = {}, 0
        for course_uuid, runs in runs_by_course.items():
            course_id = rows[course_uuid].pk
            for values in runs:
                wanted_runs[(course_id, values["uuid"])] = {"course_id": course_id, **values}
                fetched_runs += 1
        self._upsert(
            "course_runs",
            catalog.CourseRun,
            wanted_runs,
            existing_runs,
            fetched_runs,
            seen=(key[1] for key in wanted_runs),
        )

    def _programs(self, items):
        wanted, authors, run_refs = {}, {}, {}
        for item in items:
            program_uuid = item_uuid(item, "program")
            type_attrs = item.get("type_attrs") or {}
            wanted[program_uuid] = {
                "site_id": self.site.pk,
                "uuid": program_uuid,
                "title": item_text(item.get("title")),
                "type": item_text(item.get("type")),
                "status": item.get("status") or catalog.Program.ACTIVE,
                "type_slug": item_text(type_attrs.get("slug")),
                "total_hours_of_effort": item.get("total_hours_of_effort"),
            }
            authors[program_uuid] = [
                self._organization_id(item_uuid(org, "authoring organization"), f'program "{program_uuid}"')
                for org in item.get("authoring_organizations") or []
            ]
            run_refs[program_uuid] = [
                (item_uuid(course, "program course"), item_uuid(run, "program course run"))
                for course in item.get("courses") or []
                for run in course.get("course_runs") or []
            ]
        existing = {
            program.uuid: program for program in catalog.Program.objects.filter(site=self.site, uuid__in=list(wanted))
        }
        rows, created, updated = self._upsert("programs", catalog.Program, wanted, existing, len(items))

        # Site-scoped, unlike upstream: two sites may hold the same course-run uuid. Filtering on the course
        # uuids too lets the database start from the (site, uuid) index of courses; runs have no uuid index.
        course_uuids = {course_uuid for refs in run_refs.values() for course_uuid, _ in refs}
        run_uuids = {run_uuid for refs in run_refs.values() for _, run_uuid in refs}
        run_ids = {
            (course_uuid, run_uuid): pk
            for run_uuid, course_uuid, pk in catalog.CourseRun.objects.filter(
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
        relinked = sync_ordered_links(
            catalog.ProgramAuthoringOrganization,
            "program_id",
            "organization_id",
            {rows[key].pk: authors[key] for key in rows},
        )
        relinked |= sync_ordered_links(catalog.ProgramCourseRun, "program_id", "course_run_id", program_runs)
        self._count_relinked("programs", relinked, rows, created, updated)

    def _pathways(self, items):
        wanted, program_refs = {}, {}
        for item in items:
            pathway_uuid = item_uuid(item, "pathway")
            status = item.get("status") or catalog.Pathway.PUBLISHED
            wanted[pathway_uuid] = {
                "site_id": self.site.pk,
                "uuid": pathway_uuid,
                "name": item_text(item.get("name")),
                "email": item_text(item.get("email")),
                "org_name": item_text(item.get("org_name")),
                "status": status,
                "pathway_type": item.get("pathway_type") or catalog.Pathway.CREDIT,
            }
            # Only a published pathway links its programs (spec/integration.md §3.1).
            published = status == catalog.Pathway.PUBLISHED
            program_refs[pathway_uuid] = (
                [item_uuid(p, "pathway program") for p in item.get("programs") or []] if published else []
            )
        existing = {
            pathway.uuid: pathway for pathway in catalog.Pathway.objects.filter(site=self.site, uuid__in=list(wanted))
        }
        rows, created, updated = self._upsert("pathways", catalog.Pathway, wanted, existing, len(items))

        wanted_programs = {program_uuid for refs in program_refs.values() for program_uuid in refs}
        program_ids = dict(
            catalog.Program.objects.filter(site=self.site, uuid__in=list(wanted_programs)).values_list("uuid", "pk")
        )
        links = {}
        for pathway_uuid, refs in program_refs.items():
            missing = [str(ref) for ref in refs if ref not in program_ids]
            if missing:
                raise CatalogDataError(
                    f'published pathway "{pathway_uuid}" includes program "{missing[0]}", which discovery did not return'
                )
            links[rows[pathway_uuid].pk] = [program_ids[ref] for ref in refs]
        relinked = sync_ordered_links(catalog.PathwayProgram, "pathway_id", "program_id", links)
        self._count_relinked("pathways", relinked, rows, created, updated)

    def _organization_id(self, org_uuid, referrer):
        try:
            return self.organization_ids[org_uuid]
        except KeyError:
            raise CatalogDataError(
                f'{referrer} names organization "{org_uuid}", which discovery did not return'
            ) from None

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
                created = reload_created(model, created, "course_id" if model is catalog.CourseRun else "site_id")
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

    def delete_removed(self):
        """Delete what discovery no longer returns; rows other data protects are reported, not deleted."""
        querysets = {
            "courses": catalog.Course.objects.filter(site=self.site),
            "course_runs": catalog.CourseRun.objects.filter(course__site=self.site),
            "organizations": catalog.Organization.objects.filter(site=self.site),
            "pathways": catalog.Pathway.objects.filter(site=self.site),
            "programs": catalog.Program.objects.filter(site=self.site),
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
                            changes.blocked.append((row_uuid, protected_by(exc)))
        self.stage = "finishing"
