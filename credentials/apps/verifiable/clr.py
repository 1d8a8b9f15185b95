"""A program record as a CLR 2.0 ``ClrCredential`` (spec/verifiable.md §13), signed with eddsa-jcs-2022.

``credentialSubject.verifiableCredential`` holds the learner's course certificates (and the program's, when
awarded) as signed OpenBadgeCredentials, each with its grade as a Result; each verifies on its own with
eddsa-rdfc-2022. The record itself is signed with eddsa-jcs-2022: 1EdTech's CLR context cannot be vendored
(its licence), and without it RDF canonicalisation would drop the CLR terms (jcs_proof.py).
"""

from dataclasses import dataclass
from uuid import UUID

from django.utils import timezone

from credentials.apps.core import api as core_api
from credentials.apps.credentials import api as credentials_api
from credentials.apps.verifiable import composition, dataintegrity, issuers, jcs_proof, served, signing
from credentials.apps.verifiable.loader import CREDENTIALS_V2, OB_EXTENSIONS, OB_V3

CLR_CONTEXT = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
CLR_SCHEMA = "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_clrcredential_schema.json"


@dataclass(frozen=True)
class CourseEntry:
    credential_uuid: UUID
    grade: str | None  # letter grade, else percent ("87%"); None without a grade on file


def _program_achievement(program_uuid, program_title):
    return {
        "id": f"urn:uuid:{program_uuid}",
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": program_title,
        "description": f"The courses of the {program_title} program.",
        "criteria": {"narrative": f"Earn the certificates of the courses of the {program_title} program."},
    }


def clr_credential(
    *, site, record_uuid, program_uuid, program_title, username, courses, program_credential_uuid=None, base_url
):
    """The signed ClrCredential (a dict) of a learner's program record."""
    credentials, course_achievements = [], []
    for entry in courses:
        certificate = credentials_api.get_certificate(site=site, uuid=entry.credential_uuid)
        if certificate is None:
            continue  # revoked or not visible: not part of the record
        signed = served.sign_certificate(site, certificate, base_url=base_url, result=entry.grade)
        credentials.append(signed)
        course_achievements.append(signed["credentialSubject"]["achievement"])
    program_achievement = _program_achievement(program_uuid, program_title)
    program_certificate = (
        credentials_api.get_certificate(site=site, uuid=program_credential_uuid) if program_credential_uuid else None
    )
    if program_certificate is not None:
        signed = served.sign_certificate(site, program_certificate, base_url=base_url)
        credentials.append(signed)
        program_achievement = signed["credentialSubject"]["achievement"]

    issuer = issuers.get_issuer(site)
    did, verification_method, private_key = signing.issuer_identity(issuer)
    user = core_api.get_user_by_username(username)
    learner = credentials_api.get_learner_name(site=site, username=username)
    now = timezone.now()
    subject = {"type": ["ClrSubject"]}
    identifiers = composition.identity_objects(
        name=learner.name, email=(user.email if user else "") or "", salt_source=record_uuid
    )
    if identifiers:
        subject["identifier"] = identifiers
    subject["verifiableCredential"] = credentials
    subject["achievement"] = [program_achievement, *course_achievements]
    subject["association"] = [
        {
            "type": "Association",
            "associationType": "isParentOf",
            "sourceId": program_achievement["id"],
            "targetId": course["id"],
        }
        for course in course_achievements
    ]
    document = {
        "@context": [CREDENTIALS_V2, CLR_CONTEXT, OB_V3, OB_EXTENSIONS],
        "id": f"urn:uuid:{record_uuid}",
        "type": ["VerifiableCredential", "ClrCredential"],
        "name": f"{program_title} record",
        "issuer": served.issuer_profile_for(issuer, did),
        "validFrom": signing.xsd_datetime(now),
        "credentialSubject": subject,
        "credentialSchema": [{"id": CLR_SCHEMA, "type": composition.SCHEMA_VALIDATOR}],
    }
    options = dataintegrity.proof_options(verification_method=verification_method, created=signing.xsd_datetime(now))
    return jcs_proof.sign(document, options, private_key)
