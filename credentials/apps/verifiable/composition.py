"""The OB 3.0 OpenBadgeCredential on VC 2.0 of a certificate (spec/verifiable.md §9), before signing.

Pure functions of the facts gathered in ``served.py``; optional members whose value is unknown are left out
(never ``null`` or ``""``).
"""

import hashlib
import hmac
import uuid
from dataclasses import dataclass

from django.conf import settings

from credentials.apps.verifiable import conf
from credentials.apps.verifiable.loader import CREDENTIALS_V2, OB_EXTENSIONS, OB_V3
from credentials.apps.verifiable.signing import xsd_datetime

OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
SCHEMA_VALIDATOR = "1EdTechJsonSchemaValidator2019"


@dataclass(frozen=True)
class Organization:
    uuid: uuid.UUID | None
    key: str
    name: str
    logo_url: str | None


@dataclass(frozen=True)
class Facts:
    """What the credential says, read from the certificate page's data (credentials.api.get_certificate)."""

    credential_uuid: uuid.UUID
    is_program: bool
    title: str  # program title / course title
    credential_title: str | None
    visible_date: object  # datetime
    organizations: tuple  # of Organization, in page order
    platform_name: str
    program_uuid: uuid.UUID | None = None
    program_course_count: int = 0
    hours_of_effort: int | None = None
    course_run_key: str | None = None
    certificate_type: str = ""
    learner_name: str = ""
    learner_email: str = ""


def _with_platform(text, platform):
    return f"{text}, in collaboration with {platform}" if platform else text


def _course_org(facts):
    if facts.organizations:
        return facts.organizations[0].key
    key = facts.course_run_key or ""
    return key.split(":", 1)[-1].split("+", 1)[0] if "+" in key else ""


def achievement_texts(facts):
    """(description, criteria narrative): upstream's texts (spec/verifiable.md §5.1) without the learner's name."""
    if facts.is_program:
        orgs = ", ".join(organization.name for organization in facts.organizations)
        description = _with_platform(
            f"Program certificate is granted on program {facts.title} completion offered by {orgs}",
            facts.platform_name,
        )
        description += f". The {facts.title} program includes {facts.program_course_count} course(s)"
        if facts.hours_of_effort:
            description += f", with total {facts.hours_of_effort} Hours of effort required to complete it"
        narrative = _with_platform(
            "Successfully completed all courses and received passing grades for a Professional Certificate in "
            f"{facts.title} a program offered by {orgs}",
            facts.platform_name,
        )
        return description + ".", narrative + "."
    org = _course_org(facts)
    description = _with_platform(
        f"Course certificate is granted on course {facts.title} completion offered by {org}", facts.platform_name
    )
    narrative = _with_platform(
        "Successfully completed a course and received a passing grade for a Course Certificate in "
        f"{facts.title} a course offered by {org}",
        facts.platform_name,
    )
    return description + ".", narrative + "."


def achievement_id(facts, base_url):
    if facts.is_program:
        return f"urn:uuid:{facts.program_uuid}"
    name = f"{base_url}/course_certificates/{facts.course_run_key}/{facts.certificate_type}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def _image(url):
    return {"id": url, "type": "Image"} if url else None


def achievement(facts, base_url):
    description, narrative = achievement_texts(facts)
    result = {
        "id": achievement_id(facts, base_url),
        "type": ["Achievement"],
        "achievementType": "Certificate" if facts.is_program else "CertificateOfCompletion",
        "name": facts.title or facts.course_run_key or "",
        "description": description,
        "criteria": {"narrative": narrative},
    }
    with_logo = next((organization for organization in facts.organizations if organization.logo_url), None)
    if with_logo is not None:
        result["image"] = _image(with_logo.logo_url)
    creator = with_logo or (facts.organizations[0] if facts.organizations else None)
    if creator is not None and creator.uuid is not None:
        result["creator"] = {"id": f"urn:uuid:{creator.uuid}", "type": ["Profile"], "name": creator.name}
    if not facts.is_program and facts.course_run_key:
        result["humanCode"] = facts.course_run_key
    return result


def email_salt(credential_uuid):
    """16 bytes, hex: unpredictable without SECRET_KEY, stable per credential so a cached copy stays equal."""
    return hmac.new(settings.SECRET_KEY.encode(), credential_uuid.bytes, hashlib.sha256).hexdigest()[:32]


def hashed_email_identity(email, salt):
    """OB "IdentityObject" of an e-mail: ``sha256$`` + hex SHA-256 of e-mail + salt (OB getting-started vector)."""
    digest = hashlib.sha256((email + salt).encode("utf-8")).hexdigest()
    return {
        "type": "IdentityObject",
        "identityType": "emailAddress",
        "hashed": True,
        "identityHash": f"sha256${digest}",
        "salt": salt,
    }


def identity_objects(*, name, email, salt_source):
    """The recipient's IdentityObjects: the plain name and the salted e-mail hash, each as configured."""
    identifiers = []
    if conf.get("INCLUDE_RECIPIENT_NAME") and name:
        identifiers.append({"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": name})
    if conf.get("INCLUDE_HASHED_EMAIL") and email:
        identifiers.append(hashed_email_identity(email.lower(), email_salt(salt_source)))
    return identifiers


def recipient_identifiers(facts):
    return identity_objects(name=facts.learner_name, email=facts.learner_email, salt_source=facts.credential_uuid)


def issuer_profile(did, *, name, url, image_url):
    profile = {"id": did, "type": ["Profile"]}
    if name:
        profile["name"] = name
    if url:
        profile["url"] = url
    if image_url:
        profile["image"] = _image(image_url)
    return profile


def status_entry(list_url, index):
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def open_badge_credential(
    facts, *, base_url, issuer, subject_id=None, credential_status=None, credential_id=None, result=None
):
    """The unsigned OpenBadgeCredential. ``subject_id`` is the wallet holder's DID when issued to one; ``result``
    the learner's grade (CLR records)."""
    subject = {"type": ["AchievementSubject"]}
    if subject_id:
        subject["id"] = subject_id
    identifiers = recipient_identifiers(facts)
    if identifiers:
        subject["identifier"] = identifiers
    subject["achievement"] = achievement(facts, base_url)
    if result:
        subject["result"] = [{"type": ["Result"], "value": result}]
    return open_badge_envelope(
        credential_id=credential_id or f"urn:uuid:{facts.credential_uuid}",
        name=facts.credential_title or subject["achievement"]["name"],
        issuer=issuer,
        valid_from=xsd_datetime(facts.visible_date),
        subject=subject,
        credential_status=credential_status,
    )


def open_badge_envelope(
    *, credential_id, name, issuer, valid_from, subject, credential_status=None, valid_until=None, awarded_date=None
):
    """An unsigned OpenBadgeCredential around an AchievementSubject (§9): contexts, types, issuer, dates,
    schema and status entry. ``valid_from``/``valid_until``/``awarded_date`` are xsd date-time strings; the
    credential's description is its achievement's. Certificates and this service's own badges share it."""
    document = {
        "@context": [CREDENTIALS_V2, OB_V3, OB_EXTENSIONS],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name,
        "description": subject["achievement"]["description"],
        "issuer": issuer,
        "validFrom": valid_from,
    }
    if valid_until:
        document["validUntil"] = valid_until
    document["awardedDate"] = awarded_date or valid_from
    document["credentialSubject"] = subject
    document["credentialSchema"] = [{"id": OB_SCHEMA, "type": SCHEMA_VALIDATOR}]
    if credential_status is not None:
        document["credentialStatus"] = credential_status
    return document
