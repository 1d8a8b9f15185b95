"""Bulk maintenance behind the operators' management commands (spec/integration.md §3.3)."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from credentials.apps.catalog.models import CourseRun, Program
from credentials.apps.core.models import User
from credentials.apps.credentials import signals
from credentials.apps.credentials.issuing import AWARDED, REVOKED
from credentials.apps.credentials.models import CourseCertificate, ProgramCertificate, UserCredential


class MaintenanceError(Exception):
    """A maintenance command cannot do what it was asked; the message says why, for the operator."""


# The configuration types a credential can be revoked from in bulk: (app label, model) of each. Badge templates
# are named, not imported (the badges app sits above this one, DESIGN.md §4); as upstream, revoking badges this
# way changes their status only: no provider call, no state change, no event.
REVOCABLE_CONFIGURATION_MODELS = {
    "programcertificate": ("credentials", "programcertificate"),
    "coursecertificate": ("credentials", "coursecertificate"),
    "credlybadgetemplate": ("badges", "credlybadgetemplate"),
    "accrediblegroup": ("badges", "accrediblegroup"),
    "localbadgetemplate": ("badges", "localbadgetemplate"),
}


@dataclass
class BulkRevocation:
    credentials: list  # the awarded credentials that are (or, in a dry run, would be) revoked
    unknown_lms_user_ids: list


def revoke_credentials_of_learners(*, credential_type, credential_id, lms_user_ids, dry_run=False):
    """Revoke one configuration's awarded credentials of the learners with these LMS user ids.

    One bulk update, as upstream's ``revoke_certificates``: no signals, events or e-mails. Unlike upstream
    it refreshes ``modified`` and writes a history row per credential ("revoke_certificates command").
    """
    natural_key = REVOCABLE_CONFIGURATION_MODELS.get(credential_type)
    if natural_key is None:
        raise MaintenanceError(f"Unsupported credential type {credential_type!r}.")
    lms_user_ids = list(dict.fromkeys(lms_user_ids))
    users = list(User.objects.filter(lms_user_id__in=lms_user_ids).values_list("lms_user_id", "username"))
    found_ids = {lms_user_id for lms_user_id, _ in users}
    unknown = [lms_user_id for lms_user_id in lms_user_ids if lms_user_id not in found_ids]
    if not users:
        raise MaintenanceError(f"No user has any of the LMS user ids {lms_user_ids}.")
    credentials = list(
        UserCredential.objects.filter(
            credential_content_type=ContentType.objects.get_by_natural_key(*natural_key),
            credential_id=credential_id,
            username__in=[username for _, username in users],
            status=AWARDED,
        ).order_by("username")
    )
    if not credentials:
        raise MaintenanceError(f"None of these learners holds an awarded {credential_type} {credential_id}.")
    if not dry_run:
        now = timezone.now()
        for credential in credentials:
            credential.status, credential.modified = REVOKED, now
        with transaction.atomic():
            bulk_update_with_history(
                credentials, UserCredential, ["status", "modified"], default_change_reason="revoke_certificates command"
            )
            signals.credentials_revoked_in_bulk.send(
                sender=UserCredential, credential_ids=[credential.pk for credential in credentials]
            )
    return BulkRevocation(credentials=credentials, unknown_lms_user_ids=unknown)


def link_course_certificates_to_runs(*, dry_run=False):
    """Link course certificate configurations without a course run to the run with their course id.

    The run is looked up in the configuration's own site's catalog (DESIGN.md §5.2). Returns
    (linked [(configuration, run)], unmatched [configuration]); a run another configuration already holds
    counts as unmatched (a run has at most one configuration).
    """
    linked, unmatched = [], []
    taken = set(CourseCertificate.objects.filter(course_run__isnull=False).values_list("course_run_id", flat=True))
    for configuration in CourseCertificate.objects.filter(course_run__isnull=True).order_by("pk"):
        run = (
            CourseRun.objects.filter(key=configuration.course_id, course__site_id=configuration.site_id)
            .exclude(pk__in=taken)
            .order_by("pk")
            .first()
        )
        if run is None:
            unmatched.append(configuration)
            continue
        taken.add(run.pk)
        if not dry_run:
            configuration.course_run = run
            configuration.save(update_fields=["course_run"])
        linked.append((configuration, run))
    return linked, unmatched


def create_program_certificate_configuration(*, site_domain, program_title):
    """Get or create an active configuration for the catalog program with this title (devstack helper)."""
    site = Site.objects.filter(domain=site_domain).first()
    if site is None:
        raise MaintenanceError(f"No site has the domain {site_domain!r}.")
    programs = list(Program.objects.filter(site=site, title=program_title)[:2])
    if not programs:
        raise MaintenanceError(f"No program titled {program_title!r} is in the catalog of {site_domain}.")
    if len(programs) > 1:
        raise MaintenanceError(f"Several programs are titled {program_title!r} on {site_domain}.")
    program = programs[0]
    return ProgramCertificate.objects.get_or_create(
        site=site, program_uuid=program.uuid, defaults={"program": program, "is_active": True}
    )
