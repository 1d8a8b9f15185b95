"""revoke_certificates, populate_missing_courserun_info, create_program_certificate_configuration
(spec/integration.md §3.3)."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from credentials.apps.credentials.models import CourseCertificate, ProgramCertificate, RevokeCertificatesConfig
from tests.factories import (
    CourseCertificateFactory,
    CourseFactory,
    CourseRunFactory,
    ProgramCertificateFactory,
    ProgramFactory,
    SiteConfigurationFactory,
    UserCredentialFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def run(command, *args):
    out, err = StringIO(), StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def awarded(site):
    """alice (LMS id 867) and bob (5309) hold the program certificate; carol (925) holds another one."""
    configuration = ProgramCertificateFactory()
    other = ProgramCertificateFactory()
    for username, lms_user_id in (("alice", 867), ("bob", 5309), ("carol", 925)):
        UserFactory(username=username, lms_user_id=lms_user_id)
    return {
        "configuration": configuration,
        "alice": UserCredentialFactory(username="alice", credential=configuration),
        "bob": UserCredentialFactory(username="bob", credential=configuration),
        "carol": UserCredentialFactory(username="carol", credential=other),
    }


def statuses(awarded):
    for name in ("alice", "bob", "carol"):
        awarded[name].refresh_from_db()
    return {name: awarded[name].status for name in ("alice", "bob", "carol")}


def test_revoke_certificates_revokes_the_listed_learners_only(awarded):
    configuration = awarded["configuration"]

    out, err = run(
        "revoke_certificates", "--credential_id", str(configuration.pk), "--lms_user_ids", "867", "925", "111"
    )

    assert statuses(awarded) == {"alice": "revoked", "bob": "awarded", "carol": "awarded"}
    assert f"Revoked 1 credentials of programcertificate {configuration.pk}." in out
    assert "Warning: no user has the LMS user id 111." in err
    latest = awarded["alice"].history.latest()
    assert (latest.status, latest.history_change_reason) == ("revoked", "revoke_certificates command")
    assert mail.outbox == []


def test_revoke_certificates_dry_run_lists_and_changes_nothing(awarded):
    configuration = awarded["configuration"]

    out, _ = run(
        "revoke_certificates", "--dry-run", "--credential_id", str(configuration.pk), "--lms_user_ids", "867", "5309"
    )

    assert statuses(awarded) == {"alice": "awarded", "bob": "awarded", "carol": "awarded"}
    assert f"  alice: {awarded['alice'].uuid.hex}" in out
    assert f"[dry run] would revoke 2 credentials of programcertificate {configuration.pk}." in out


def test_revoke_certificates_of_a_course_certificate(site):
    configuration = CourseCertificateFactory()
    UserFactory(username="dana", lms_user_id=42)
    credential = UserCredentialFactory(username="dana", credential=configuration)

    run(
        "revoke_certificates",
        "--credential_type",
        "coursecertificate",
        "--credential_id",
        str(configuration.pk),
        "--lms_user_ids",
        "42",
    )

    credential.refresh_from_db()
    assert credential.status == "revoked"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lms_user_ids", "867"], "--credential_id is required."),
        (["--credential_id", "{id}"], "--lms_user_ids is required."),
        (["--credential_id", "{id}", "--lms_user_ids", "1", "2"], "No user has any of the LMS user ids [1, 2]."),
        (["--credential_id", "999999", "--lms_user_ids", "867"], "None of these learners holds an awarded"),
    ],
)
def test_revoke_certificates_explains_what_is_missing(awarded, args, message):
    args = [arg.replace("{id}", str(awarded["configuration"].pk)) for arg in args]

    with pytest.raises(CommandError, match=message.replace("[", r"\[").replace("]", r"\]")):
        run("revoke_certificates", *args)
    assert statuses(awarded) == {"alice": "awarded", "bob": "awarded", "carol": "awarded"}


def test_revoke_certificates_takes_its_arguments_from_the_admin(awarded):
    configuration = awarded["configuration"]
    RevokeCertificatesConfig.objects.create(
        enabled=True, arguments=f"--credential_id {configuration.pk} --lms_user_ids 867 5309"
    )

    out, _ = run("revoke_certificates", "--args-from-database")

    assert statuses(awarded) == {"alice": "revoked", "bob": "revoked", "carol": "awarded"}
    assert "Revoked 2 credentials" in out


def test_stored_arguments_must_be_enabled_and_valid(awarded):
    with pytest.raises(CommandError, match="disabled"):
        run("revoke_certificates", "--args-from-database")
    RevokeCertificatesConfig.objects.create(enabled=True, arguments="--credential_id nine --bogus")
    with pytest.raises(CommandError, match="are invalid"):
        run("revoke_certificates", "--args-from-database")


def test_populate_missing_courserun_info_links_runs_of_the_same_site(site):
    run_key = "course-v1:DemoX+DS101+2026"
    course_run = CourseRunFactory(key=run_key)
    other_site = SiteConfigurationFactory().site
    CourseRunFactory(key="course-v1:DemoX+DS102+2026", course=CourseFactory(site=other_site))
    linkable = CourseCertificateFactory(course_run=None, course_id=run_key)
    CourseCertificate.objects.filter(pk=linkable.pk).update(course_run=None)
    foreign = CourseCertificateFactory(course_run=None, course_id="course-v1:DemoX+DS102+2026")
    CourseCertificate.objects.filter(pk=foreign.pk).update(course_run=None)

    dry_out, _ = run("populate_missing_courserun_info", "--dry_run")
    assert CourseCertificate.objects.filter(course_run__isnull=True).count() == 2
    out, _ = run("populate_missing_courserun_info")

    assert "[dry run] would link 1 course certificate configurations" in dry_out
    assert "Linked 1 course certificate configurations to their course run." in out
    assert "1 have no matching run in their site's catalog" in out
    linkable.refresh_from_db()
    foreign.refresh_from_db()
    assert linkable.course_run == course_run
    assert foreign.course_run is None


def test_create_program_certificate_configuration_is_idempotent(site):
    program = ProgramFactory(title="edX Demonstration Program")

    out, _ = run("create_program_certificate_configuration", "--domain-name", "testserver")
    again, _ = run("create_program_certificate_configuration", "--domain-name", "testserver")

    configuration = ProgramCertificate.objects.get()
    assert (configuration.program, configuration.program_uuid, configuration.is_active) == (program, program.uuid, True)
    assert out.startswith("Created program certificate configuration")
    assert again.startswith("Found existing program certificate configuration")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--domain-name", "nowhere.example.com"], "No site has the domain 'nowhere.example.com'."),
        (["--domain-name", "testserver", "--program-name", "Missing"], "No program titled 'Missing'"),
    ],
)
def test_create_program_certificate_configuration_errors(site, args, message):
    with pytest.raises(CommandError, match=message):
        run("create_program_certificate_configuration", *args)
