import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from credentials.apps.records.models import ProgramCertRecord, UserCreditPathway
from tests.factories import PathwayFactory, ProgramCertRecordFactory, UserCreditPathwayFactory

pytestmark = pytest.mark.django_db


def test_shared_record_has_a_unique_uuid_and_names_it(site):
    record = ProgramCertRecordFactory()

    assert str(record) == f"ProgramCertificateRecord: {record.uuid}"
    assert ProgramCertRecord._meta.verbose_name == "Shared program record"


def test_one_shared_record_per_learner_and_program(site):
    record = ProgramCertRecordFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        ProgramCertRecord.objects.create(user=record.user, program=record.program)


def test_user_credit_pathway_only_for_credit_pathways(site):
    with pytest.raises(ValidationError) as error:
        UserCreditPathwayFactory(pathway=PathwayFactory(pathway_type="industry"))

    assert error.value.message_dict == {"pathway": ["User credit pathways can only be connected to credit pathways."]}


def test_user_credit_pathway_validates_on_every_save(site):
    row = UserCreditPathwayFactory()
    row.status = "bogus"

    with pytest.raises(ValidationError):
        row.save()


def test_user_credit_pathway_is_unique_per_user_pathway_and_program(site):
    row = UserCreditPathwayFactory()

    with pytest.raises(ValidationError):
        UserCreditPathway.objects.create(user=row.user, pathway=row.pathway, program=row.program)
