"""The records app's public interface: grades, learner certificate status, username replacement, and
learner records (the record builder, the records list, sharing, sending to credit pathways, the CSV)."""

import hashlib
import logging
import math
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from email.utils import formataddr
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify

from credentials.apps.catalog import api as catalog_api
from credentials.apps.catalog.models import CourseRun, Pathway, Program, ProgramCourseRun
from credentials.apps.core import api as core_api
from credentials.apps.core.models import User
from credentials.apps.credentials import api as credentials_api
from credentials.apps.credentials.models import (
    CourseCertificate,
    ProgramCertificate,
    UserCredential,
    UserCredentialDateOverride,
)
from credentials.apps.records.models import ProgramCertRecord, UserCreditPathway, UserGrade

log = logging.getLogger(__name__)


class GradeConflict(Exception):
    """Another grade already exists for this learner and course run."""


# --- Grades --------------------------------------------------------------------------------------------


def get_course_run(*, site, key):
    """The course run with this key in the site's catalog, or None (grades are site-scoped)."""
    return CourseRun.objects.filter(key=key, course__site=site).select_related("course").first()


def _is_stale(grade, lms_last_updated_at):
    return bool(lms_last_updated_at and grade.lms_last_updated_at and lms_last_updated_at < grade.lms_last_updated_at)


def save_grade(*, username, course_run, **fields):
    """Create or update the learner's grade in a run (spec/models.md §6.1). Returns (grade, outcome).

    ``fields`` are only the values the LMS sent: omitted ones keep their stored value (or the model
    default on creation). An update older than the stored ``lms_last_updated_at`` is ignored, so a late
    retry cannot overwrite a newer grade (DESIGN.md §5.3); ``outcome`` is then "stale".
    """
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                grade = UserGrade.objects.select_for_update().filter(username=username, course_run=course_run).first()
                if grade is None:
                    return UserGrade.objects.create(username=username, course_run=course_run, **fields), "created"
                if _is_stale(grade, fields.get("lms_last_updated_at")):
                    log.info("Ignoring a stale grade for %s in %s", username, course_run.key)
                    return grade, "stale"
                for name, value in fields.items():
                    setattr(grade, name, value)
                grade.save()
                return grade, "updated"
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def update_grade(grade, **fields):
    """PUT/PATCH of one grade by id. Raises GradeConflict when it would duplicate another grade."""
    for name, value in fields.items():
        setattr(grade, name, value)
    try:
        with transaction.atomic():
            grade.save()
    except IntegrityError as exc:
        raise GradeConflict(f"A grade for {grade.username} in {grade.course_run.key} already exists.") from exc
    return grade


# --- Learner certificate status (spec/api.md §10) ------------------------------------------------------


def find_learner(*, username=None, lms_user_id=None):
    if username:
        return core_api.get_user_by_username(username)
    return User.objects.filter(lms_user_id=lms_user_id).order_by("id").first()


def learner_certificate_status(*, username=None, lms_user_id=None, courses=(), course_runs=()):
    """The learner's awarded, visible course certificates in the given courses or runs, with grades."""
    user = find_learner(username=username, lms_user_id=lms_user_id)
    result = {
        "lms_user_id": user.lms_user_id if (user and username) else lms_user_id,
        "username": user.username if (user and not username) else username,
        "status": [],
    }
    if user is None or not (courses or course_runs):
        return result

    course_uuids = {str(value).lower() for value in courses}
    run_values = {str(value) for value in course_runs} | {str(value).lower() for value in course_runs}
    matching_runs = CourseRun.objects.filter(
        Q(course__uuid__in=_valid_uuids(course_uuids)) | Q(uuid__in=_valid_uuids(run_values)) | Q(key__in=run_values)
    )
    configurations = {
        configuration.pk: configuration
        for configuration in CourseCertificate.objects.filter(course_run__in=matching_runs).select_related(
            "course_run__course"
        )
    }
    if not configurations:
        return result
    awarded = credentials_api.filter_visible(
        UserCredential.objects.filter(
            username=user.username,
            status=credentials_api.AWARDED,
            credential_content_type=credentials_api.course_content_type(),
            credential_id__in=list(configurations),
        )
    ).order_by("id")
    grades = {
        grade.course_run_id: grade
        for grade in UserGrade.objects.filter(
            username=user.username, course_run__in=[c.course_run_id for c in configurations.values()]
        )
    }
    for credential in awarded:
        configuration = configurations[credential.credential_id]
        run = configuration.course_run
        grade = grades.get(run.pk)
        result["status"].append(
            {
                "course_uuid": str(run.course.uuid),
                "course_run": {"uuid": str(run.uuid), "key": run.key},
                "status": credential.status,
                "type": configuration.certificate_type,
                "certificate_available_date": configuration.certificate_available_date,
                "grade": {
                    "letter_grade": grade.letter_grade,
                    "percent_grade": float(grade.percent_grade),
                    "verified": grade.verified,
                }
                if grade
                else None,
            }
        )
    return result


def _valid_uuids(values):
    import uuid

    valid = []
    for value in values:
        try:
            valid.append(uuid.UUID(value))
        except (ValueError, AttributeError):
            continue
    return valid


# --- Username replacement (spec/models.md §8) -----------------------------------------------------------


def replace_usernames(mappings):
    """Rename learners everywhere, one pair per transaction, in order. Returns (successful, failed).

    A pair that matches nothing still succeeds; only a database error fails it (and rolls it back).
    Renaming clears the names kept on the user row, as upstream does.
    """
    successful, failed = [], []
    for mapping in mappings:
        ((current, new),) = mapping.items()
        try:
            with transaction.atomic():
                User.objects.filter(username=current).update(username=new, full_name="", first_name="", last_name="")
                UserCredential.objects.filter(username=current).update(username=new)
                UserGrade.objects.filter(username=current).update(username=new)
            successful.append({current: new})
        except Exception:  # any database error fails this pair only
            log.exception("Username replacement %s -> %s failed", current, new)
            failed.append({current: new})
    return successful, failed


# --- Program records (spec/pages.md §5, spec/models.md §6.2-6.5) ---------------------------------------


class RecordNotFound(Exception):
    """A learner, program, pathway or shared record named by the request does not exist (404)."""


class RecordPermissionDenied(Exception):
    """The requester may act only for themself, unless staff (403)."""


class SendFailed(Exception):
    """The e-mail backend refused the credit request."""


def records_enabled(site):
    """Whether the site shows learner records (SiteConfiguration.records_enabled; a site without one: no)."""
    configuration = core_api.get_site_configuration(site)
    return bool(configuration and configuration.records_enabled)


def may_act_for(requester, username):
    """A learner acts for themself; staff and superusers for anyone (spec/pages.md §5.4-5.5)."""
    return requester.is_authenticated and (
        requester.username == username or requester.is_staff or requester.is_superuser
    )


@dataclass(frozen=True)
class _ProgramRun:
    """One run of a program, in catalog order, with what a record row shows of its course."""

    pk: int
    key: str
    course_id: int
    course_name: str
    school: str  # the course owners' names, joined


def _load_program(*, site, uuid, user):
    """The site's program as a record shows it, or None when unknown. Two queries (three when the learner
    holds an awarded program credential for it: is it visible yet?).

    Plain values, not model instances, with the ordered links read through joins: the record is the
    service's busiest page, and building it must not grow with the courses. The program row also says
    whether the learner completed it (an awarded, visible program credential for this program uuid, on
    any site: spec/models.md §6.3) and carries their shared record's uuid.
    """
    awarded = UserCredential.objects.filter(
        username=user.username, status=credentials_api.AWARDED, program_credentials__program_uuid=OuterRef("uuid")
    )
    shared = ProgramCertRecord.objects.filter(program=OuterRef("pk"), user=user).values("uuid")[:1]
    # One row per authoring organization (or one with None), in their order.
    program_rows = list(
        Program.objects.filter(site=site, uuid=uuid)
        .annotate(awarded=Exists(awarded), shared_record_uuid=Subquery(shared))
        .order_by("authoring_organization_links__sort_value", "authoring_organization_links__id")
        .values_list(
            "pk",
            "title",
            "type",
            "awarded",
            "shared_record_uuid",
            "authoring_organization_links__organization__name",
        )
    )
    if not program_rows:
        return None
    pk, title, program_type, awarded, shared_uuid, _ = program_rows[0]
    program = SimpleNamespace(
        pk=pk,
        title=title,
        type=program_type,
        # Only a learner holding an awarded program credential pays for its visibility check.
        learner_completed=awarded and _program_completed(user.username, uuid, visible_only=True),
        shared_record_uuid=shared_uuid,
        school=", ".join(row[5] for row in program_rows if row[5] is not None),
        runs=[],
    )
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
    program.runs = [
        _ProgramRun(pk=run_id, key=key, course_id=course_id, course_name=name, school=", ".join(owners))
        for run_id, key, course_id, name, owners in runs.values()
    ]
    return program


def get_shared_record(uuid):
    """The shared record with this uuid (any site, as upstream), with its learner and program; or None."""
    return ProgramCertRecord.objects.filter(uuid=uuid).select_related("user", "program").first()


def _names(organizations):
    return ", ".join(organization.name for organization in organizations)


def _program_completed(username, program_uuid, *, visible_only=False):
    """An awarded program credential for this program uuid exists, on any site; visible, if asked (§6.3, §6.5)."""
    credentials = UserCredential.objects.filter(
        username=username,
        status=credentials_api.AWARDED,
        credential_content_type=credentials_api.program_content_type(),
        credential_id__in=ProgramCertificate.objects.filter(program_uuid=program_uuid).values("pk"),
    )
    if visible_only:
        credentials = credentials_api.filter_visible(credentials)
    return credentials.exists()


def _configuration_dates(credential):
    """What course_visible_date reads of a configuration: its available date, read with the credential."""
    return SimpleNamespace(certificate_available_date=credential.course_available_date)


def _grade_rows(user, runs):
    """The per-course rows of spec/pages.md §5.6 and the record's last update; two queries at most.

    Returns (rows, last_updated, empty, next_change): next_change is when one of the learner's course
    credentials in these runs becomes visible (None when none waits), after which the record differs.
    """
    run_by_key, run_by_id = {}, {}
    for run in runs:
        run_by_key.setdefault(run.key, run)
        run_by_id[run.pk] = run

    # C: the learner's visible course credentials of any status in the program's runs, matched by run key
    # on any site as upstream, each with its configuration's run key and available date; G: their verified
    # grades in those runs. Both in id order, so "last wins" and "first of equal grades wins" hold.
    credentials, grades, next_change = [], [], None
    if runs:
        # filter_visible's rule for course credentials (spec/models.md §4.6: the configuration's available
        # date is unset or past), applied here to the dates read in the same query: its SQL form carries
        # the program-date subquery too, which costs more to build than this whole query.
        now = timezone.now()
        for credential in (
            UserCredential.objects.filter(username=user.username, course_credentials__course_id__in=list(run_by_key))
            .annotate(
                configuration_course_id=F("course_credentials__course_id"),
                course_available_date=F("course_credentials__certificate_available_date"),
            )
            .select_related("date_override")
            .order_by("id")
        ):
            available = credential.course_available_date
            if credentials_api.course_available_now(available, now):
                credentials.append(credential)
            elif next_change is None or available < next_change:
                next_change = available
    if credentials:
        grades = (
            UserGrade.objects.filter(username=user.username, course_run_id__in=list(run_by_id), verified=True)
            .order_by("id")
            .values_list("course_run_id", "percent_grade", "letter_grade", "modified")
        )

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
        visible = credentials_api.course_visible_date(credential, _configuration_dates(credential))
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
                credential, _configuration_dates(credential), with_override=True
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
    sent = UserCreditPathway.objects.filter(user=user, pathway=OuterRef("pk"), status=UserCreditPathway.SENT)
    pathways = (
        Pathway.objects.filter(program_links__program_id=program.pk)
        .annotate(sent=Exists(sent))
        .order_by("name", "id")
        .values_list("name", "id", "sent", "email", "pathway_type")
    )
    return [
        {
            "name": name,
            "id": pk,
            "status": UserCreditPathway.SENT if sent else "",
            "is_active": bool(email),
            "pathway_type": pathway_type,
        }
        for name, pk, sent, email, pathway_type in pathways
    ]


def _build_program_record(*, site, user, program_uuid):
    """(the record without its learner block, when it next changes by itself), or None for an unknown program."""
    program = _load_program(site=site, uuid=program_uuid, user=user)
    if program is None:
        return None
    rows, last_updated, empty, next_change = _grade_rows(user, program.runs)
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
    still fresh (see "Record cache" below).
    """
    built = _cached_program_record(site=site, user=user, program_uuid=program_uuid)
    if built is None:
        return None
    learner = {"full_name": user.get_full_name(), "username": user.username, "email": user.email}
    return {"learner": learner, **built}


# --- Record cache ----------------------------------------------------------------------------------------
#
# A record is read far more often than anything in it changes. Built records (without the learner block,
# which comes from the user row in hand) are kept in the default cache for RECORD_CACHE_TTL seconds, and
# one is served only while it is still right:
# * every read first fingerprints the learner's own rows (credentials, date overrides, grades, shared
#   records, sends: count and latest change of each, in one plain SQL statement), so any write to them,
#   bulk updates included, is seen at once;
# * saving a configuration, a site configuration or a catalog row retires every cached record (a new
#   "shared version"); catalog changes written in bulk by copy_catalog are seen within the TTL;
# * a record expires when one of its course credentials becomes visible (its available date passes).
# The fingerprint is read before building, so a write during a build is never hidden.

SHARED_VERSION_KEY = "records:shared-version"


def _fingerprint_sql():
    credential, override = UserCredential._meta.db_table, UserCredentialDateOverride._meta.db_table
    parts = [
        f"SELECT COUNT(*), MAX(modified) FROM {credential} WHERE username = %s",
        f"SELECT COUNT(*), MAX(o.modified) FROM {override} o INNER JOIN {credential} c"
        " ON c.id = o.user_credential_id WHERE c.username = %s",
        f"SELECT COUNT(*), MAX(modified) FROM {UserGrade._meta.db_table} WHERE username = %s",
        f"SELECT COUNT(*), MAX(modified) FROM {ProgramCertRecord._meta.db_table} WHERE user_id = %s",
        f"SELECT COUNT(*), MAX(modified) FROM {UserCreditPathway._meta.db_table} WHERE user_id = %s",
    ]
    return " UNION ALL ".join(parts)


def _learner_fingerprint(user):
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql(), [user.username, user.username, user.username, user.pk, user.pk])
        return tuple((count, str(latest)) for count, latest in cursor.fetchall())


def _shared_version():
    version = cache.get(SHARED_VERSION_KEY)
    if version is None:
        # Unknown (never set, or evicted): a new one, so that no record cached before can match it.
        cache.add(SHARED_VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(SHARED_VERSION_KEY)
    return version


def retire_cached_records(**kwargs):
    """Receiver: a configuration or catalog row was saved, so every cached record may be out of date."""
    cache.set(SHARED_VERSION_KEY, uuid.uuid4().hex, None)


def _cache_key(site, user, program_uuid):
    username = hashlib.md5(user.username.encode("utf-8"), usedforsecurity=False).hexdigest()
    return f"records:record:{site.pk}:{user.pk}:{username}:{program_uuid.hex}"


def _cached_program_record(*, site, user, program_uuid):
    ttl = settings.RECORD_CACHE_TTL
    try:
        program_uuid = program_uuid if isinstance(program_uuid, uuid.UUID) else uuid.UUID(str(program_uuid))
    except ValueError:
        return None
    if not ttl or not user.pk:
        built = _build_program_record(site=site, user=user, program_uuid=program_uuid)
        return built[0] if built else None
    key = _cache_key(site, user, program_uuid)
    fingerprint = _learner_fingerprint(user)
    cached = cache.get_many([key, SHARED_VERSION_KEY])
    shared_version = cached.get(SHARED_VERSION_KEY) or _shared_version()
    entry = cached.get(key)
    if entry is not None and entry["fingerprint"] == fingerprint and entry["shared_version"] == shared_version:
        return entry["record"]
    built = _build_program_record(site=site, user=user, program_uuid=program_uuid)
    if built is None:
        return None
    record, next_change = built
    timeout = ttl
    if next_change is not None:
        timeout = max(1, min(ttl, math.ceil((next_change - timezone.now()).total_seconds())))
    cache.set(key, {"fingerprint": fingerprint, "shared_version": shared_version, "record": record}, timeout)
    return record


def sendable_pathways(*, site, program_uuid):
    """The pathways a record may be sent to: the program's published credit pathways (spec/pages.md §5.5)."""
    return list(
        Pathway.objects.filter(
            programs__site=site,
            programs__uuid=program_uuid,
            status=Pathway.PUBLISHED,
            pathway_type=Pathway.CREDIT,
        ).order_by("name", "id")
    )


def list_program_records(*, site, user):
    """The programs in the learner's records list (spec/models.md §6.2), ordered by title. Three queries.

    A program is listed once the learner holds an awarded, visible course certificate (configured on
    this site) in one of its runs; ``completed`` when they also hold its awarded, visible program one.
    """
    awarded = credentials_api.filter_visible(
        UserCredential.objects.filter(username=user.username, status=credentials_api.AWARDED)
    )
    earned_runs = CourseCertificate.objects.filter(
        site=site,
        course_run__isnull=False,
        pk__in=awarded.filter(credential_content_type=credentials_api.course_content_type()).values("credential_id"),
    ).values("course_run_id")
    programs = (
        Program.objects.filter(
            site=site,
            status__in=[Program.ACTIVE, Program.RETIRED],
            pk__in=ProgramCourseRun.objects.filter(course_run_id__in=earned_runs).values("program_id"),
        )
        .prefetch_related(catalog_api.prefetch_ordered(Program, "authoring_organizations"))
        .order_by("title", "id")
    )
    programs = list(programs)
    completed = set()
    if programs:
        completed = set(
            ProgramCertificate.objects.filter(
                site=site,
                pk__in=awarded.filter(credential_content_type=credentials_api.program_content_type()).values(
                    "credential_id"
                ),
            ).values_list("program_uuid", flat=True)
        )
    return [
        {
            "name": program.title,
            "uuid": program.uuid.hex,
            "type": slugify(program.type),
            "type_name": program.type,
            "partner": _names(catalog_api.get_ordered(program, "authoring_organizations")),
            "completed": program.uuid in completed,
            "empty": False,  # every listed program has an earned run (spec/models.md §6.2)
        }
        for program in programs
    ]


@dataclass(frozen=True)
class EarnedCredential:
    uuid: str
    title: str
    kind: str  # "program" or "course"
    type_name: str
    issued: datetime

    @property
    def url(self):
        return f"/credentials/{self.uuid}/"


def list_earned_credentials(*, site, username):
    """The learner's awarded, visible certificates on this site, programs and courses, newest first.

    Each is dated as its certificate page dates it: a program by its visible date, a course by its
    available date or award date. Three queries.
    """
    credentials = list(
        credentials_api.filter_visible(
            credentials_api.credentials_on_site(site).filter(username=username, status=credentials_api.AWARDED)
        )
    )
    program_type, course_type = credentials_api.program_content_type(), credentials_api.course_content_type()
    ids = {program_type.pk: set(), course_type.pk: set()}
    for credential in credentials:
        ids[credential.credential_content_type_id].add(credential.credential_id)
    programs = courses = {}
    if ids[program_type.pk]:
        programs = ProgramCertificate.objects.select_related("program").in_bulk(ids[program_type.pk])
    if ids[course_type.pk]:
        courses = CourseCertificate.objects.select_related("course_run__course").in_bulk(ids[course_type.pk])

    earned = []
    for credential in credentials:
        if credential.credential_content_type_id == program_type.pk:
            configuration = programs[credential.credential_id]
            program = configuration.program
            title = configuration.title or (program.title if program else str(configuration.program_uuid))
            earned.append(
                EarnedCredential(
                    uuid=credential.uuid.hex,
                    title=title,
                    kind="program",
                    type_name=program.type if program else "",
                    issued=credentials_api.program_visible_date(credential),
                )
            )
        else:
            configuration = courses[credential.credential_id]
            run = configuration.course_run
            title = configuration.title or (run.title if run else None) or configuration.course_id
            earned.append(
                EarnedCredential(
                    uuid=credential.uuid.hex,
                    title=title,
                    kind="course",
                    type_name=configuration.get_certificate_type_display(),
                    issued=credentials_api.course_visible_date(credential, configuration),
                )
            )
    earned.sort(key=lambda item: item.issued, reverse=True)
    return earned


# --- Sharing and sending (spec/pages.md §5.4-5.5) ------------------------------------------------------


def public_record_path(record):
    return reverse("records:public_programs", args=[record.uuid.hex])


def _get_or_create_record(learner, program):
    # get_or_create re-reads after losing an insert race, so concurrent shares give one row (DESIGN.md §5.8).
    return ProgramCertRecord.objects.get_or_create(user=learner, program=program)


def share_program_record(*, site, requester, username, program_uuid):
    """Create (or return) the learner's public link for a program. Returns (record, created).

    Raises RecordNotFound (unknown learner, checked first as upstream does; or a program not on the
    site) and RecordPermissionDenied (someone else's record, requester not staff).
    """
    learner = core_api.get_user_by_username(username)
    if learner is None:
        raise RecordNotFound("User does not exist")
    if not may_act_for(requester, username):
        raise RecordPermissionDenied("Permission denied")
    program = Program.objects.filter(site=site, uuid=program_uuid).first()
    if program is None:
        raise RecordNotFound("Program not found")
    return _get_or_create_record(learner, program)


def send_program_record(*, site, requester, username, program_uuid, pathway_id, base_url):
    """Email the learner's public record to a credit pathway and remember it was sent (spec/pages.md §5.5).

    ``base_url`` is the scheme and host the links in the e-mail start with (e.g. "https://credentials.example.com").
    Raises RecordPermissionDenied, RecordNotFound (program, published credit pathway of the program,
    program certificate on the site, learner) and SendFailed when the mail backend fails.
    """
    if not may_act_for(requester, username):
        raise RecordPermissionDenied("Permission denied")
    program = Program.objects.filter(site=site, uuid=program_uuid).first()
    if program is None:
        raise RecordNotFound("Program not found")
    pathway = Pathway.objects.filter(
        pk=pathway_id, programs=program, status=Pathway.PUBLISHED, pathway_type=Pathway.CREDIT
    ).first()
    if pathway is None:
        raise RecordNotFound("Pathway not found")
    certificate = ProgramCertificate.objects.filter(program_uuid=program.uuid, site=site).first()
    if certificate is None:
        raise RecordNotFound("Program certificate not found")
    learner = core_api.get_user_by_username(username)
    if learner is None:
        raise RecordNotFound("User does not exist")

    record, record_created = _get_or_create_record(learner, program)
    send_credit_request(
        site=site,
        pathway=pathway,
        program=program,
        learner=learner,
        record=record,
        base_url=base_url,
        language=certificate.language,
        program_completed=_program_completed(learner.username, program.uuid),
        previously_sent=False,
    )
    _mark_sent(learner, pathway, program, record_created=record_created)
    log.info("Learner %s sent their record for program %s to pathway %s", learner.username, program.uuid, pathway.pk)
    return record


def _mark_sent(learner, pathway, program, *, record_created):
    """Upsert the UserCreditPathway as "sent" by the rules of spec/pages.md §5.5 step 5."""
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                row = UserCreditPathway.objects.filter(user=learner, pathway=pathway, program=program).first()
                if row is None and not record_created:
                    row = UserCreditPathway.objects.filter(user=learner, pathway=pathway, program=None).first()
                if row is None:
                    return UserCreditPathway.objects.create(user=learner, pathway=pathway, program=program)
                row.status, row.program = UserCreditPathway.SENT, program
                row.save()
                return row
        except (IntegrityError, ValidationError):
            if attempt == 2:  # a concurrent send created the row first; the second pass updates it
                raise
    raise AssertionError("unreachable")


def _single_line(text):
    return " ".join(text.split())


def send_credit_request(
    *, site, pathway, program, learner, record, base_url, language, program_completed, previously_sent
):
    """The credit-request e-mail to a pathway (spec/pages.md §5.5), HTML and text, naming the learner.

    Upstream puts the requester's name in it, so staff sending for a learner sign with their own name;
    we always name the learner (DESIGN.md §5.7).
    """
    configuration = core_api.get_site_configuration(site)
    platform_name = (configuration.platform_name if configuration else "") or site.name
    record_link = base_url.rstrip("/") + public_record_path(record)
    context = {
        "pathway_name": pathway.name,
        "program_name": program.title,
        "record_link": record_link,
        "csv_link": record_link + "csv",
        "previously_sent": previously_sent,
        "program_completed": program_completed,
        "platform_name": platform_name,
        "user_full_name": learner.get_full_name() or learner.username,
    }
    with translation.override(translation.to_language(language) if language else settings.LANGUAGE_CODE):
        subject = _single_line(render_to_string("records/email/credit_request_subject.txt", context))
        text = render_to_string("records/email/credit_request_body.txt", context)
        html = render_to_string("records/email/credit_request_body.html", context)
    from_address = configuration.from_address if configuration else f"no-reply@{site.domain}"
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=formataddr((_single_line(platform_name), from_address)),
        to=[pathway.email],
        reply_to=[learner.email] if learner.email else None,
    )
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception as exc:  # SMTP and socket errors: the caller answers with a clear error
        log.exception("Could not send the credit request of %s to pathway %s", learner.username, pathway.pk)
        raise SendFailed(str(exc)) from exc


def resend_records_on_completion(*, credential, created, site, request=None):
    """When a program credential is first created, re-send the learner's shared record, now complete, to
    every pathway of the program they already sent it to (spec/models.md §6.5).

    Skipped, with a log line, when records are off, the program is not in the catalog or the learner has
    no user row (upstream fails the award with a 500 then; DESIGN.md §5.13). Returns the e-mails sent.
    """
    if not created or not records_enabled(site):
        return 0
    configuration = credential.credential
    program = Program.objects.filter(site=site, uuid=configuration.program_uuid).first()
    if program is None:
        log.info(
            "No record re-send for %s: program %s is not in the catalog", credential.uuid, configuration.program_uuid
        )
        return 0
    learner = core_api.get_user_by_username(credential.username)
    if learner is None:
        log.info("No record re-send for %s: no user %s", credential.uuid, credential.username)
        return 0
    record = ProgramCertRecord.objects.filter(user=learner, program=program).first()
    if record is None:
        return 0
    pathways = Pathway.objects.filter(
        programs=program, usercreditpathway__user=learner, usercreditpathway__status=UserCreditPathway.SENT
    ).distinct()
    base_url = request.build_absolute_uri("/") if request is not None else f"https://{site.domain}/"
    sent = 0
    for pathway in pathways.order_by("id"):
        if not pathway.email:
            continue
        try:
            send_credit_request(
                site=site,
                pathway=pathway,
                program=program,
                learner=learner,
                record=record,
                base_url=base_url,
                language=configuration.language,
                program_completed=True,
                previously_sent=True,
            )
            sent += 1
        except SendFailed:
            continue  # logged; the other pathways still get theirs
    return sent


# --- CSV (spec/pages.md §5.7) ---------------------------------------------------------------------------

CSV_COLUMNS = ["name", "school", "attempts", "course_id", "issue_date", "percent_grade", "letter_grade"]
# Cells a spreadsheet would run as a formula; such a cell is prefixed with a quote (OWASP CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value):
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def program_record_csv_rows(record):
    """Eight metadata rows, the header and one row per course, in the exact upstream layout."""
    program, learner = record["program"], record["learner"]
    rows = [
        ["Program Name", program["name"]],
        ["Program Type", program["type_name"]],
        ["Platform Provider", record["platform_name"]],
        ["Authoring Organization(s)", program["school"]],
        ["Learner Name", learner["full_name"]],
        ["Username", learner["username"]],
        ["Email", learner["email"]],
        [""],
        CSV_COLUMNS,
    ]
    rows.extend([row[column] for column in CSV_COLUMNS] for row in record["grades"])
    return [[_csv_cell(value) for value in row] for row in rows]


def program_record_csv_filename(record):
    """`<username>_<program name>_grades.csv`, spaces → "_", lower-cased; quotes and controls dropped."""
    name = f"{record['learner']['username']}_{record['program']['name']}_grades".replace(" ", "_").lower()
    return "".join(char for char in name if char.isprintable() and char not in '"\\') + ".csv"
