"""Verifying a credential, check by check (the public verifier: POST /api/v2/verify/ and /verify/).

Any eddsa-rdfc-2022 credential whose issuer can be resolved is verified, not only ours: did:key offline,
did:web only for this service's own issuers (nothing is fetched). Status lists are read from this service's
database when the credential points at one of ours; another host's list cannot be read offline and is
reported as not checked. ``verified`` is true when every check is ok.
"""

import re
import uuid as uuid_module
from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.utils import timezone

from credentials.apps.verifiable import dataintegrity, issuers, status
from credentials.apps.verifiable.loader import CREDENTIALS_V1, CREDENTIALS_V2, is_known_context
from credentials.apps.verifiable.models import StatusList

OB_CONTEXT = re.compile(r"^https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d+\.\d+)?\.json$")
OWN_LIST_PATH = re.compile(r"/verifiable_credentials/api/v1/status-lists/(?P<uuid>[0-9a-f]{32})/$")
MAX_OBJECTS = 1000  # JSON-LD canonicalisation cost guard: a credential has a few dozen objects


class NotACredential(ValueError):
    """The input is not something to verify (not an object, not a credential): a 400, not a failed check."""


@dataclass
class Check:
    check: str
    ok: bool
    detail: str


@dataclass
class Verification:
    verified: bool
    checks: list = field(default_factory=list)
    credential: dict = field(default_factory=dict)

    def as_dict(self):
        return {
            "verified": self.verified,
            "checks": [asdict(check) for check in self.checks],
            "credential": self.credential,
        }


def _count_objects(value):
    if isinstance(value, dict):
        return 1 + sum(_count_objects(item) for item in value.values())
    if isinstance(value, list):
        return sum(_count_objects(item) for item in value)
    return 0


def unwrap(body):
    """The credential of a request body: the VC itself or {"verifiableCredential": VC}."""
    if isinstance(body, dict) and isinstance(body.get("verifiableCredential"), dict) and "proof" not in body:
        body = body["verifiableCredential"]
    if not isinstance(body, dict):
        raise NotACredential("Send one verifiable credential as a JSON object.")
    types = body.get("type")
    types = [types] if isinstance(types, str) else types
    if not isinstance(types, list) or "VerifiableCredential" not in types:
        raise NotACredential('This is not a verifiable credential: its "type" does not include VerifiableCredential.')
    if _count_objects(body) > MAX_OBJECTS:
        raise NotACredential(f"The credential has more than {MAX_OBJECTS} JSON objects; it is not verified.")
    return body


def _issuer_id(document):
    issuer = document.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _parse_date(value):
    if not isinstance(value, str) or "T" not in value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


# --- The checks ---------------------------------------------------------------------------------------


def _schema_problems(document):
    problems = []
    contexts = document.get("@context")
    if not isinstance(contexts, list) or not contexts:
        return ['"@context" must be a list of context URLs.']
    if contexts[0] not in (CREDENTIALS_V2, CREDENTIALS_V1):
        problems.append(f'The first "@context" must be {CREDENTIALS_V2}.')
    unknown = [context for context in contexts if isinstance(context, str) and not is_known_context(context)]
    if unknown:
        problems.append("Unknown JSON-LD context(s), never fetched: " + ", ".join(unknown) + ".")
    if not _issuer_id(document):
        problems.append("The credential names no issuer.")
    subject = document.get("credentialSubject")
    if not isinstance(subject, dict | list) or not subject:
        problems.append("The credential has no credentialSubject.")
    if contexts[0] == CREDENTIALS_V2 and "validFrom" in document and _parse_date(document["validFrom"]) is None:
        problems.append('"validFrom" is not a date and time with a time zone.')
    if "OpenBadgeCredential" in _as_list(document.get("type")) or "AchievementCredential" in _as_list(
        document.get("type")
    ):
        problems.extend(_open_badge_problems(document, contexts))
    return problems


def _open_badge_problems(document, contexts):
    problems = []
    if contexts[0] != CREDENTIALS_V2 or len(contexts) < 2 or not OB_CONTEXT.match(str(contexts[1])):
        problems.append("An Open Badges 3.0 credential lists the VC 2.0 context, then the OB 3.0 context.")
    if "validFrom" not in document:
        problems.append('An Open Badges 3.0 credential must have "validFrom".')
    subject = document.get("credentialSubject")
    if not isinstance(subject, dict):
        return [*problems, "The credentialSubject must be one AchievementSubject."]
    if "AchievementSubject" not in _as_list(subject.get("type")):
        problems.append("The credentialSubject is not an AchievementSubject.")
    if not subject.get("id") and not subject.get("identifier"):
        problems.append("The recipient is not identified (no credentialSubject id or identifier).")
    achievement = subject.get("achievement")
    if not isinstance(achievement, dict):
        return [*problems, "The credentialSubject has no achievement."]
    missing = [name for name in ("id", "type", "name", "description", "criteria") if not achievement.get(name)]
    if missing:
        problems.append("The achievement lacks " + ", ".join(missing) + ".")
    return problems


def check_schema(document):
    problems = _schema_problems(document)
    if not problems:
        try:
            dataintegrity.check_defined_terms({k: v for k, v in document.items() if k != "proof"})
        except dataintegrity.ProofError as exc:
            problems.append(str(exc))
    if problems:
        return Check("schema", False, " ".join(problems))
    return Check("schema", True, "The credential has the members the VC 2.0 and Open Badges 3.0 standards require.")


def check_proof(document):
    try:
        proof = dataintegrity.verify_proof(document, issuers.resolve_public_key)
    except dataintegrity.ProofError as exc:
        return Check("proof", False, str(exc))
    if proof.verification_method.split("#", 1)[0] != _issuer_id(document):
        return Check("proof", False, "The signature is valid, but the signing key does not belong to the issuer.")
    return Check("proof", True, "The signature is valid: the credential is unchanged since the issuer signed it.")


def check_validity(document, now):
    valid_from = document.get("validFrom") or document.get("issuanceDate")
    valid_until = document.get("validUntil") or document.get("expirationDate")
    start, end = _parse_date(valid_from), _parse_date(valid_until)
    if valid_from is not None and start is None:
        return Check("validity", False, f"The start of validity ({valid_from!r}) is not a date and time.")
    if valid_until is not None and end is None:
        return Check("validity", False, f"The end of validity ({valid_until!r}) is not a date and time.")
    if start is not None and start > now:
        return Check("validity", False, f"Not yet valid: valid from {valid_from}.")
    if end is not None and end <= now:
        return Check("validity", False, f"Expired on {valid_until}.")
    detail = f"Valid since {valid_from}" if valid_from else "No validity period is given"
    return Check("validity", True, detail + (f", until {valid_until}." if valid_until else ", with no end date."))


def check_issuer(document):
    did = _issuer_id(document)
    issuer = document.get("issuer")
    name = issuer.get("name") if isinstance(issuer, dict) else None
    label = f"{name} ({did})" if name else str(did)
    if not isinstance(did, str) or not did.startswith(("did:key:", "did:web:")):
        return Check("issuer", False, f"The issuer {label} is not a did:key or did:web identifier.")
    if issuers.is_own_issuer(did):
        return Check("issuer", True, f"Issued by {label}, an issuer of this service.")
    if did.startswith("did:web:"):
        return Check("issuer", False, f"The issuer {label} is a did:web of another host, which is not looked up.")
    return Check("issuer", True, f"Issued by {label}, identified by its key (not an issuer of this service).")


def _list_belongs_to(status_list, issuer_did):
    """Whether ``issuer_did`` is the DID of the list's issuer (its did:web, or a did:key of one of its keys)."""
    issuer = status_list.issuer
    if issuer.did_web_host and issuer_did == issuers.did_web(issuer.did_web_host):
        return True
    return issuer_did in {key.did_key for key in issuer.keys.all()}


def _entry_status(entry, base_url, issuer_did):
    if entry.get("type") != "BitstringStatusListEntry":
        return None, f"Status type {entry.get('type')!r} is not checked."
    list_url = str(entry.get("statusListCredential", ""))
    match = OWN_LIST_PATH.search(list_url)
    if not (base_url and list_url.startswith(base_url) and match):
        return None, f"Not checked: the status list {list_url} is not on this service."
    status_list = StatusList.objects.filter(uuid=uuid_module.UUID(hex=match["uuid"])).first()
    try:
        index = int(entry.get("statusListIndex"))
    except (TypeError, ValueError):
        return False, "The status entry has no numeric statusListIndex."
    if status_list is None:
        return False, "The status list the credential points at does not exist."
    if not _list_belongs_to(status_list, issuer_did):
        return False, "The status list belongs to another issuer than the credential's."
    if not 0 <= index < status_list.length:
        return False, "The status index is outside the status list."
    if entry.get("statusPurpose") != status_list.purpose:
        return False, "The status purpose does not match the status list."
    revoked = index in set(status.revoked_indexes(status_list))
    if revoked:
        return False, "Revoked by the issuer."
    return True, "Not revoked."


def check_status(document, base_url):
    entries = document.get("credentialStatus")
    if not entries:
        return Check("status", True, "The credential has no status to check: it cannot be revoked.")
    issuer_did = _issuer_id(document)
    results = [_entry_status(entry, base_url, issuer_did) for entry in _as_list(entries) if isinstance(entry, dict)]
    if not results:
        return Check("status", False, "The credentialStatus is not an object.")
    failed = [detail for ok, detail in results if ok is False]
    if failed:
        return Check("status", False, " ".join(failed))
    return Check("status", True, " ".join(detail for _, detail in results))


def summary(document):
    subject = document.get("credentialSubject") if isinstance(document.get("credentialSubject"), dict) else {}
    achievement = subject.get("achievement") if isinstance(subject.get("achievement"), dict) else {}
    issuer = document.get("issuer")
    recipient = subject.get("id")
    if not recipient:
        names = [
            identity.get("identityHash")
            for identity in _as_list(subject.get("identifier") or [])
            if isinstance(identity, dict) and identity.get("identityType") == "name" and not identity.get("hashed")
        ]
        recipient = names[0] if names else None
    return {
        "id": document.get("id"),
        "type": _as_list(document.get("type")),
        "name": document.get("name"),
        "issuer": {"id": _issuer_id(document), "name": issuer.get("name") if isinstance(issuer, dict) else None},
        "achievement": achievement.get("name"),
        "recipient": recipient,
        "validFrom": document.get("validFrom") or document.get("issuanceDate"),
        "validUntil": document.get("validUntil") or document.get("expirationDate"),
    }


def verify_credential(body, *, base_url, now=None):
    """Every check of one credential; NotACredential when ``body`` is not one."""
    document = unwrap(body)
    now = now or timezone.now()
    checks = [
        check_schema(document),
        check_proof(document),
        check_validity(document, now),
        check_issuer(document),
        check_status(document, base_url),
    ]
    return Verification(verified=all(check.ok for check in checks), checks=checks, credential=summary(document))
