"""Learner-record benchmark data: programs of 1, 10 and 30 courses fully earned (with grades) by the bench
learner, each shared (so its public page and CSV exist) and linked to a credit pathway. Idempotent."""

from credentials.apps.catalog import api as catalog_api
from credentials.apps.catalog.models import Pathway
from credentials.apps.core.models import User
from credentials.apps.credentials import api as credentials_api
from credentials.apps.credentials.models import CourseCertificate
from credentials.apps.records import api as records_api
from credentials.apps.records.models import ProgramCertRecord

RECORD_SIZES = (1, 10, 30)


def seed_records(site, *, learner):
    """Returns {"record_program_<n>": program uuid hex, "shared_record_<n>": shared record uuid hex}."""
    from bench import seed

    user, _ = User.objects.get_or_create(username=learner, defaults={"email": f"{learner}@example.com"})
    pathway, _ = Pathway.objects.update_or_create(
        site=site,
        uuid=seed.bench_uuid("record pathway"),
        defaults={"name": "Bench State University", "org_name": "Bench State", "email": "credit@example.com"},
    )
    values, programs = {}, []
    for courses in RECORD_SIZES:
        program, runs, _ = seed.seed_program(site, name=f"bench record {courses}", courses=courses)
        for index, run in enumerate(runs):
            configuration = CourseCertificate.objects.get(course_run=run)
            credentials_api.issue_credential(site=site, username=learner, configuration=configuration)
            records_api.save_grade(
                username=learner, course_run=run, percent_grade=f"0.{80 + index % 20}", letter_grade="B", verified=True
            )
        record, _ = ProgramCertRecord.objects.get_or_create(user=user, program=program)
        programs.append(program)
        values[f"record_program_{courses}"] = program.uuid.hex
        values[f"shared_record_{courses}"] = record.uuid.hex
    catalog_api.set_ordered(pathway, "programs", programs)
    return values
