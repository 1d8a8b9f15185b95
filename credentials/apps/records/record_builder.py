"""The learner's program record (spec/pages.md §5.6, spec/models.md §6.2-6.5): one builder for the JSON
API, the pages and the CSV."""

from collections import Counter
from dataclasses import dataclass
from types import SimpleNamespace

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify

from credentials.apps.catalog.models import Pathway, Program, ProgramCourseRun
from credentials.apps.core import api as core_api
from credentials.apps.credentials import api as credentials_api
from credentials.apps.records import record_queries
from credentials.apps.records.models import UserCreditPathway
from credentials.apps.records.record_cache import cached_program_record, program_catalog_key


@dataclass(frozen=True)
class _ProgramRun:
    """One run of a program, in catalog order, with what a record row shows of its course."""

    pk: int
    key: str
    course_id: int
    course_name: str
    school: str  # the course owners' names, joined


def _program_catalog(*, site, uuid):
    """What the catalog says of the site's program for a record, the same for every learner: title, type,
    school, runs in catalog order with their courses' names and schools, and the linked pathways; None when
    unknown. Three queries, kept in the cache with the catalog's generation (any catalog change, copy_catalog's
    bulk writes included, retires it): thousands of learners viewing their record once share it (issue 20)."""

    def build():
        # One row per authoring organization (or one with None), in their order.
        program_rows = list(
            Program.objects.filter(site=site, uuid=uuid)
            .order_by("authoring_organization_links__sort_value", "authoring_organization_links__id")
            .values_list("pk", "title", "type", "authoring_organization_links__organization__name")
        )
        if not program_rows:
            return None
        pk, title, program_type, _ = program_rows[0]
        # One row per (run, course owner), runs in catalog order, owners in theirs.
        link_rows = (
            ProgramCourseRun.objects.filter(program_id=pk)
            .order_by(
                "sort_value",
                "id",
                "course_run__course__owner_links__sort_value",
                "course_run__course__owner_links__id",
            )
            .values_list(
                "id",
                "course_run_id",
                "course_run__key",
                "course_run__course_id",
                "course_run__course__title",
                "course_run__course__key",
                "course_run__course__owner_links__organization__name",
            )
        )
        runs = {}  # link id → [run fields..., owner names]
        for link_id, run_id, key, course_id, course_title, course_key, owner in link_rows:
            run = runs.setdefault(link_id, [run_id, key, course_id, course_title or course_key, []])
            if owner is not None:
                run[4].append(owner)
        pathways = (
            Pathway.objects.filter(program_links__program_id=pk)
            .order_by("name", "id")
            .values_list("name", "id", "email", "pathway_type")
        )
        return {
            "pk": pk,
            "title": title,
            "type": program_type,
            "school": ", ".join(row[3] for row in program_rows if row[3] is not None),
            "runs": [
                _ProgramRun(pk=run_id, key=key, course_id=course_id, course_name=name, school=", ".join(owners))
                for run_id, key, course_id, name, owners in runs.values()
            ],
            "pathways": list(pathways),
        }

    return core_api.cached_with_generations(
        program_catalog_key(site, uuid), (core_api.CATALOG,), build, settings.CONFIGURATION_CACHE_TTL
    )


def _load_program(*, site, uuid, user):
    """The site's program as a record shows it, or None when unknown: its catalog data (_program_catalog)
    and, in one query, whether the learner completed it (an awarded, visible program credential for this
    program uuid, configured on this site: DESIGN.md §5.2, where upstream looks at every site) and their
    shared record's uuid (a second query checks visibility when the learner holds an awarded program
    credential)."""
    catalog = _program_catalog(site=site, uuid=uuid)
    if catalog is None:
        return None
    awarded, shared_uuid = record_queries.learner_program_row(site=site, user=user, program_id=catalog["pk"])
    return SimpleNamespace(
        **catalog,
        # Only a learner holding an awarded program credential pays for its visibility check.
        learner_completed=awarded
        and record_queries.has_completed_program(user.username, uuid, site=site, visible_only=True),
        shared_record_uuid=shared_uuid,
    )


class _CourseCredential:
    """A course credential's row as visibility.course_visible_date reads a credential and its configuration."""

    def __init__(self, row):
        self.status, self.created = row["status"], row["created"]
        self.configuration_course_id = row["configuration_course_id"]
        self.certificate_available_date = row["course_available_date"]
        self._override = SimpleNamespace(date=row["override_date"]) if row["override_date"] else None

    def get_date_override(self):
        return self._override


def _grade_rows(site, user, runs):
    """The per-course rows of spec/pages.md §5.6 and the record's last update; two queries at most.

    Returns (rows, last_updated, empty, next_change): next_change is when one of the learner's course
    credentials in these runs becomes visible (None when none waits), after which the record differs.
    """
    run_by_key, run_by_id = {}, {}
    for run in runs:
        run_by_key.setdefault(run.key, run)
        run_by_id[run.pk] = run

    # C: the learner's visible course credentials of any status in the program's runs, matched by run key,
    # configured on this site (DESIGN.md §5.2; upstream matches on any site), each with its configuration's
    # run key and available date; G: their verified grades in those runs. Both in id order, so "last wins" and "first of equal grades wins" hold.
    credentials, grades, next_change = [], [], None
    if runs:
        # filter_visible's rule for course credentials (spec/models.md §4.6: the configuration's available
        # date is unset or past), applied here to the dates read in the same query: its SQL form carries
        # the program-date subquery too, which costs more to build than this whole query.
        now = timezone.now()
        for row in record_queries.course_credentials(site=site, username=user.username, run_keys=run_by_key):
            credential = _CourseCredential(row)
            available = credential.certificate_available_date
            if credentials_api.course_available_now(available, now):
                credentials.append(credential)
            elif next_change is None or available < next_change:
                next_change = available
    if credentials:
        grades = record_queries.verified_grades(username=user.username, run_ids=run_by_id)

    credential_by_key = {}
    awarded = {}  # course id → (credential, its run in the program)
    for credential in credentials:
        key = credential.configuration_course_id
        credential_by_key[key] = credential
        if credential.status == credentials_api.AWARDED:
            awarded[run_by_key[key].course_id] = (credential, run_by_key[key])

    attempts, best, last_updated = Counter(), {}, None
    for run_id, percent, letter, modified in grades:
        run = run_by_id[run_id]
        credential = credential_by_key.get(run.key)
        if credential is None:
            continue  # a grade without a credential in its run counts for nothing
        attempts[run.course_id] += 1
        visible = credentials_api.course_visible_date(credential, credential)
        last_updated = max(date for date in (last_updated, visible, modified) if date is not None)
        if credential.status == credentials_api.AWARDED:
            current = best.get(run.course_id)
            if current is None or percent > current[0]:
                best[run.course_id] = (percent, letter)

    rows, emitted = [], set()
    for run in runs:
        if run.course_id in emitted:
            continue
        credential, awarded_run = awarded.get(run.course_id, (None, None))
        grade = best.get(run.course_id)
        row = {
            "name": run.course_name,
            "school": run.school,
            "attempts": "",
            "course_id": "",
            "issue_date": "",
            "percent_grade": "",
            "letter_grade": "",
        }
        if credential is not None and awarded_run.key == run.key:
            row["course_id"] = run.key
            row["issue_date"] = credentials_api.course_visible_date(
                credential, credential, with_override=True
            ).isoformat()
            if grade is not None:  # case 1: earned, with a grade
                row["attempts"] = attempts[run.course_id]
                row["percent_grade"] = float(grade[0])
                row["letter_grade"] = grade[1] or "N/A"
            # else case 2: earned, no grade on file
        elif credential is not None or grade is not None:
            continue  # earned in another run of this course: that run's row comes
        # else case 3: not earned, name and school only
        rows.append(row)
        emitted.add(run.course_id)
    return rows, last_updated, not best, next_change


def _pathways(user, program):
    """Every pathway linked to the program, whatever its status, with whether this learner sent to it."""
    # No pathways: an empty list, which sends no query.
    sent = record_queries.sent_pathway_ids(user=user, pathway_ids=[pathway[1] for pathway in program.pathways])
    return [
        {
            "name": name,
            "id": pk,
            "status": UserCreditPathway.SENT if pk in sent else "",
            "is_active": bool(email),
            "pathway_type": pathway_type,
        }
        for name, pk, email, pathway_type in program.pathways
    ]


def _build_program_record(*, site, user, program_uuid):
    """(the record without its learner block, when it next changes by itself), or None for an unknown program."""
    program = _load_program(site=site, uuid=program_uuid, user=user)
    if program is None:
        return None
    rows, last_updated, empty, next_change = _grade_rows(site, user, program.runs)
    configuration = core_api.get_site_configuration(site)
    record = {
        "program": {
            "name": program.title,
            "type": slugify(program.type),
            "type_name": program.type,
            "completed": program.learner_completed,
            "empty": empty,
            # Upstream falls back to naive local time; an aware "now" reads the same and parses everywhere.
            "last_updated": (last_updated or timezone.now()).isoformat(),
            "school": program.school,
        },
        "platform_name": configuration.platform_name if configuration else "",
        "grades": rows,
        "pathways": _pathways(user, program),
        "shared_program_record_uuid": program.shared_record_uuid.hex if program.shared_record_uuid else None,
    }
    return record, next_change


def build_program_record(*, site, user, program_uuid):
    """The learner's record of the site's program ``program_uuid`` (spec/pages.md §5.6); None when the
    program is not in the site's catalog.

    One builder for the JSON API, the pages and the CSV. Five queries (six for a learner holding the
    program certificate), however many courses the program has; one when the record is cached and
    still fresh (record_cache.py).
    """
    built = cached_program_record(site=site, user=user, program_uuid=program_uuid, build=_build_program_record)
    if built is None:
        return None
    learner = {"full_name": user.get_full_name(), "username": user.username, "email": user.email}
    return {"learner": learner, **built}
