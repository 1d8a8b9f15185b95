"""Bitstring Status List v1.0 (W3C REC 2025): allocation, bits, the signed list (spec/verifiable.md §12).

One bit per credential, index ``i`` → byte ``i // 8``, mask ``0x80 >> (i % 8)``; ``encodedList`` = ``u`` +
base64url without padding of GZIP(bitstring). Indexes are random in the list (the spec's SHOULD, so an index
says nothing about issuing order) and unique by a database constraint, retried on a clash.
"""

import base64
import gzip
import hashlib
import json
import secrets

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from credentials.apps.core import db_errors
from credentials.apps.credentials.constants import UserCredentialStatus
from credentials.apps.verifiable import conf, signing
from credentials.apps.verifiable.loader import CREDENTIALS_V2
from credentials.apps.verifiable.models import StatusList, StatusListEntry

REVOCATION = "revocation"
ALLOCATION_ATTEMPTS = 20


class StatusListFull(Exception):
    """No free index after many random tries (cannot happen below the fill ratio)."""


# --- Bits ---------------------------------------------------------------------------------------------


def encode_bits(indexes, length):
    """ "Bitstring Encoding": set bits → GZIP → multibase base64url (``u``), no padding."""
    bits = bytearray((length + 7) // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def decode_bits(encoded_list):
    """The raw bitstring of an ``encodedList`` (``u`` + base64url of GZIP); ValueError when malformed."""
    if not isinstance(encoded_list, str) or not encoded_list.startswith("u"):
        raise ValueError("encodedList must be multibase base64url (starting with 'u').")
    body = encoded_list[1:]
    try:
        return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (ValueError, OSError, EOFError) as exc:
        raise ValueError(f"encodedList is not GZIP base64url: {exc}") from None


def bit_is_set(bits, index):
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


# --- Allocation ---------------------------------------------------------------------------------------


def _open_list(issuer, key):
    length = conf.get("STATUS_LIST_LENGTH")
    status_list = issuer.status_lists.filter(purpose=REVOCATION, is_open=True, key=key).first()
    if status_list is not None:
        used = status_list.entries.count()
        if used < status_list.length * conf.get("STATUS_LIST_FILL_RATIO"):
            return status_list
        StatusList.objects.filter(pk=status_list.pk).update(is_open=False)
    return StatusList.objects.create(issuer=issuer, key=key, purpose=REVOCATION, length=length)


def current_entry(credential):
    """The credential's entry whose bit is still clear, if any."""
    return (
        credential.status_entries.filter(revoked_at__isnull=True).select_related("status_list").order_by("-pk").first()
    )


def allocate_entry(issuer, key, credential):
    """A new entry at a random free index of the open list of the issuer's signing ``key`` (unique
    constraint; retried on a clash).

    Each try is its own transaction when the caller has none: InnoDB keeps the lock a failed INSERT took on
    the taken index until the transaction ends, so tries nested in one transaction held locks that other
    signers' tries waited for, and concurrent first signings deadlocked (a 409). A deadlock or lock wait
    that still happens is tried again like a clash; inside a caller's transaction it goes up (the database
    has rolled that transaction back)."""
    status_list = _open_list(issuer, key)
    for _ in range(ALLOCATION_ATTEMPTS):
        index = secrets.randbelow(status_list.length)
        try:
            with transaction.atomic():
                return StatusListEntry.objects.create(status_list=status_list, index=index, credential=credential)
        except IntegrityError:
            continue
        except OperationalError as exc:
            if not db_errors.retryable_conflict(exc):
                raise
    raise StatusListFull(f"No free index found in {status_list}.")


def entry_for(issuer, key, credential):
    """The credential's entry with a clear bit in a list of ``key``, or a new one."""
    entry = current_entry(credential)
    if entry is not None and (issuer.did_web_host or entry.status_list.key_id == key.pk):
        return entry
    return allocate_entry(issuer, key, credential)


# --- Revocation ---------------------------------------------------------------------------------------

_LIVE_REVOKED = (
    Q(revoked_at__isnull=False) | Q(credential__isnull=True) | Q(credential__status=UserCredentialStatus.REVOKED)
)


def mark_revoked(credential_ids, now=None):
    """Set the bits of revoked credentials' entries (called in the revoking transaction)."""
    return StatusListEntry.objects.filter(credential_id__in=credential_ids, revoked_at__isnull=True).update(
        revoked_at=now or timezone.now()
    )


def revoked_indexes(status_list):
    """Indexes whose bit is set: stamped entries, plus any whose credential is revoked or gone now (so a
    revocation made without signals, e.g. a bulk update, is seen too; they are stamped here)."""
    unstamped = StatusListEntry.objects.filter(status_list=status_list, revoked_at__isnull=True).filter(_LIVE_REVOKED)
    if unstamped.exists():
        StatusListEntry.objects.filter(pk__in=list(unstamped.values_list("pk", flat=True))).update(
            revoked_at=timezone.now()
        )
    return sorted(status_list.entries.filter(revoked_at__isnull=False).values_list("index", flat=True))


# --- The signed list ----------------------------------------------------------------------------------


def _unsigned_list(status_list, url, encoded_list, issuer_did, now):
    return {
        "@context": [CREDENTIALS_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did,
        "validFrom": signing.xsd_datetime(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": status_list.purpose,
            "encodedList": encoded_list,
            "ttl": conf.get("STATUS_LIST_TTL") * 1000,
        },
    }


def signed_status_list(status_list, url):
    """(JSON text, signed_at) of the list, re-signed only when its bits changed since it was last signed."""
    indexes = revoked_indexes(status_list)
    digest = hashlib.sha256(json.dumps([url, status_list.length, indexes]).encode()).hexdigest()
    if status_list.signed_json and status_list.signed_bits_digest == digest:
        return status_list.signed_json, status_list.signed_at
    now = timezone.now().replace(microsecond=0)
    did, verification_method, private_key = signing.list_identity(status_list)
    document = _unsigned_list(status_list, url, encode_bits(indexes, status_list.length), did, now)
    signed = signing.sign_as(
        status_list.issuer, document, verification_method=verification_method, private_key=private_key, now=now
    )
    text = json.dumps(signed, ensure_ascii=False, separators=(",", ":"))
    StatusList.objects.filter(pk=status_list.pk).update(signed_json=text, signed_bits_digest=digest, signed_at=now)
    return text, now


def get_status_list(uuid):
    return StatusList.objects.filter(uuid=uuid).select_related("issuer").first()


def rebuild(status_list, url):
    """Re-read every entry (revoked credentials get their bit) and re-sign now; the number of set bits."""
    StatusList.objects.filter(pk=status_list.pk).update(signed_bits_digest="")
    status_list.signed_bits_digest = ""
    signed_status_list(status_list, url)
    return status_list.entries.filter(revoked_at__isnull=False).count()
