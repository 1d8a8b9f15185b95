"""The program record as a signed CLR 2.0 ClrCredential (verifiable.api builds and signs it from this data)."""

import uuid

from credentials.apps.credentials import api as credentials_api
from credentials.apps.credentials.models import UserCredential
from credentials.apps.records.record_builder import build_program_record
from credentials.apps.verifiable import api as verifiable_api


def _grade_text(row):
    if row["letter_grade"] and row["letter_grade"] != "N/A":
        return row["letter_grade"]
    if row["percent_grade"] != "":
        return f"{round(float(row['percent_grade']) * 100)}%"
    return None


def program_record_clr(*, site, user, program_uuid, base_url, record_uuid=None):
    """The signed ClrCredential (dict) of ``user``'s record of the site's program; None for an unknown program
    or when the site does not serve verifiable credentials."""
    if not verifiable_api.is_enabled(site):
        return None
    record = build_program_record(site=site, user=user, program_uuid=program_uuid)
    if record is None:
        return None
    earned = {row["course_id"]: row for row in record["grades"] if row["course_id"]}
    credential_uuids = dict(
        UserCredential.objects.filter(
            username=user.username,
            status=credentials_api.AWARDED,
            course_credentials__site=site,
            course_credentials__course_id__in=list(earned),
        ).values_list("course_credentials__course_id", "uuid")
    )
    courses = [
        verifiable_api.CourseEntry(credential_uuid=credential_uuids[key], grade=_grade_text(row))
        for key, row in earned.items()
        if key in credential_uuids
    ]
    program_credential = (
        UserCredential.objects.filter(
            username=user.username,
            status=credentials_api.AWARDED,
            program_credentials__site=site,
            program_credentials__program_uuid=program_uuid,
        )
        .values_list("uuid", flat=True)
        .first()
    )
    if record_uuid is None:
        # A record not shared yet still gets a stable id: the same learner and program, the same record.
        record_uuid = uuid.uuid5(uuid.NAMESPACE_URL, f"{base_url}/records/{user.username}/{program_uuid.hex}")
    return verifiable_api.clr_credential(
        site=site,
        record_uuid=record_uuid,
        program_uuid=program_uuid,
        program_title=record["program"]["name"],
        username=user.username,
        courses=courses,
        program_credential_uuid=program_credential,
        base_url=base_url,
    )
