"""Sharing a program record and sending it to credit pathways, with the credit-request e-mail
(spec/pages.md §5.4-5.5, spec/models.md §6.5)."""

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from credentials.apps.catalog.models import Pathway, Program
from credentials.apps.core import api as core_api
from credentials.apps.credentials.models import ProgramCertificate
from credentials.apps.records.access import RecordNotFound, RecordPermissionDenied, may_act_for, records_enabled
from credentials.apps.records.models import ProgramCertRecord, UserCreditPathway
from credentials.apps.records.record_queries import has_completed_program

log = logging.getLogger(__name__)


class SendFailed(Exception):
    """The e-mail backend refused the credit request."""


class PathwayWithoutEmail(Exception):
    """The pathway has no e-mail address, so a record cannot be sent to it (the page shows it inactive)."""


def get_shared_record(uuid):
    """The shared record with this uuid (any site, as upstream), with its learner and program; or None."""
    return ProgramCertRecord.objects.filter(uuid=uuid).select_related("user", "program").first()


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


def public_record_path(record):
    return reverse("records:public_programs", args=[record.uuid.hex])


def _get_or_create_record(learner, program):
    """(record, created). Concurrent shares give one row: the unique constraint decides, the loser re-reads
    (DESIGN.md §5.8)."""

    def write():
        record = ProgramCertRecord.objects.filter(user=learner, program=program).first()
        if record is not None:
            return record, False
        return ProgramCertRecord.objects.create(user=learner, program=program), True

    return core_api.run_with_retries(write)


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
    program certificate on the site, learner), PathwayWithoutEmail, and SendFailed when the mail backend
    fails (then nothing is recorded: no new shared record, no "sent" mark).
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
    if not pathway.email:
        raise PathwayWithoutEmail(f"The pathway {pathway.name} has no e-mail address; the record cannot be sent to it.")

    record, record_created = _get_or_create_record(learner, program)
    try:
        send_credit_request(
            site=site,
            pathway=pathway,
            program=program,
            learner=learner,
            record=record,
            base_url=base_url,
            language=certificate.language,
            program_completed=has_completed_program(learner.username, program.uuid, site=site),
            previously_sent=False,
        )
    except SendFailed:
        # Nothing was sent, so nothing is recorded: a public link made only for this send goes again (the
        # e-mail is not sent inside the transaction, which would hold the row's lock for an SMTP timeout).
        if record_created:
            ProgramCertRecord.objects.filter(pk=record.pk).delete()
        raise
    _mark_sent(learner, pathway, program, record_created=record_created)
    log.info("Learner %s sent their record for program %s to pathway %s", learner.username, program.uuid, pathway.pk)
    return record


def _mark_sent(learner, pathway, program, *, record_created):
    """Upsert the UserCreditPathway as "sent" by the rules of spec/pages.md §5.5 step 5."""

    def write():
        row = UserCreditPathway.objects.filter(user=learner, pathway=pathway, program=program).first()
        if row is None and not record_created:
            row = UserCreditPathway.objects.filter(user=learner, pathway=pathway, program=None).first()
        if row is None:
            try:
                return UserCreditPathway.objects.create(user=learner, pathway=pathway, program=program)
            except ValidationError as exc:  # full_clean's uniqueness check saw a concurrent send's row
                raise IntegrityError(str(exc)) from exc
        row.status, row.program = UserCreditPathway.SENT, program
        row.save()
        return row

    return core_api.run_with_retries(write)


def send_credit_request(
    *, site, pathway, program, learner, record, base_url, language, program_completed, previously_sent
):
    """The credit-request e-mail to a pathway (spec/pages.md §5.5), HTML and text, naming the learner.

    Upstream puts the requester's name in it, so staff sending for a learner sign with their own name;
    we always name the learner (DESIGN.md §5.7). Replies go to the learner.
    """
    record_link = base_url.rstrip("/") + public_record_path(record)
    context = {
        "pathway_name": pathway.name,
        "program_name": program.title,
        "record_link": record_link,
        "csv_link": record_link + "csv",
        "previously_sent": previously_sent,
        "program_completed": program_completed,
        "user_full_name": learner.get_full_name() or learner.username,
    }
    message = core_api.build_email(
        site=site,
        template_dir="records/email/credit_request",
        context=context,
        to=[pathway.email],
        reply_to=[learner.email] if learner.email else (),
        language=language,
    )
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
    record_fields = {"site": site, "program": program, "learner": learner, "record": record, "base_url": base_url}
    for pathway in pathways.order_by("id"):
        if not pathway.email:
            continue
        try:
            send_credit_request(
                pathway=pathway,
                language=configuration.language,
                program_completed=True,
                previously_sent=True,
                **record_fields,
            )
            sent += 1
        except SendFailed:
            continue  # logged; the other pathways still get theirs
    return sent
