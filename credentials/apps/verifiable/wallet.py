"""The Learner Credential Wallet flow, wire-compatible with upstream (spec/verifiable.md §3, §11).

init → a deep link (``dccrequest://request?…``) and its QR code; the wallet POSTs a DID-Auth presentation to
the link's ``vc_request_url``. Unlike upstream, the presentation's proof and challenge are verified: the
challenge must be the URL's issuance line, the signing key must be the holder's did:key, and the signature
must hold. The credential is issued to the holder's DID, with the credential's status entry.
"""

import base64
import io
import uuid as uuid_module
from datetime import datetime, timedelta
from urllib.parse import urlencode, urlparse

import segno
from django.db import transaction
from django.utils import timezone

from credentials.apps.credentials import api as credentials_api
from credentials.apps.credentials.models import UserCredential
from credentials.apps.verifiable import dataintegrity, issuers, own_credentials, served
from credentials.apps.verifiable.models import IssuanceLine

LC_WALLET = "lc_wallet"
STORAGES = [{"id": LC_WALLET, "name": "Learner Credential Wallet"}]
APP_LINK_ANDROID = "https://play.google.com/store/apps/details?id=app.lcw"
APP_LINK_IOS = "https://apps.apple.com/app/learner-credential-wallet/id1590615710"
ISSUANCE_LINE_TTL = timedelta(seconds=1800)
PROOF_CLOCK_SKEW = timedelta(minutes=10)
AUTHENTICATION = "authentication"


class WalletError(Exception):
    """A request the wallet flow refuses: ``status`` and ``body`` are the HTTP answer (upstream's strings)."""

    def __init__(self, status, body):
        super().__init__(body)
        self.status = status
        self.body = body


def _line_model():
    return IssuanceLine


def _signer(site, credential):
    """How ``credential`` is signed for a wallet: a visible, awarded certificate of the site, or a credential
    another app registered (own_credentials.py, e.g. an issued badge); None when it may not go to a wallet."""
    certificate = credentials_api.get_certificate(site=site, uuid=credential.uuid)
    if certificate is not None:

        def sign(*, base_url, subject_id, credential_id):
            return served.sign_certificate(
                site, certificate, base_url=base_url, subject_id=subject_id, credential_id=credential_id
            )

        return sign
    return own_credentials.wallet_signer(site=site, credential=credential)


def qr_code_base64(text):
    """PNG (error correction L, 10 px modules, 4-module border) as standard padded base64, no data: prefix."""
    buffer = io.BytesIO()
    segno.make(text, error="l", boost_error=False).save(buffer, kind="png", scale=10, border=4)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def deep_link(*, issuer_did, request_url, challenge):
    query = urlencode(
        {
            "issuer": issuer_did,
            "vc_request_url": request_url,
            "auth_type": "bearer",
            "challenge": challenge,
            "vp_version": "1.1",
        }
    )
    return "dccrequest://request?" + query


def _parse_uuid(value):
    try:
        return uuid_module.UUID(str(value))
    except ValueError:
        return None


def init_issuance(*, site, user, credential_uuid, storage_id, base_url):
    """Endpoint 3: a pending issuance line for the caller's own awarded, visible credential, and its deep link."""
    if not credential_uuid:
        raise WalletError(400, {"credential_uuid": "Mandatory data is missing"})
    parsed = _parse_uuid(credential_uuid)
    if parsed is None:
        raise WalletError(400, {"credential_uuid": "Credential identifier must be valid UUID: ['credential_uuid']"})
    if not storage_id:
        raise WalletError(400, {"storage_id": "Mandatory data is missing"})
    not_found = WalletError(404, {"credential_uuid": f"No such user credential [{credential_uuid}]"})
    credential = UserCredential.objects.filter(uuid=parsed).first()
    if credential is None or not (user.is_staff or user.is_superuser or credential.username == user.username):
        raise not_found
    if _signer(site, credential) is None or not issuers.is_enabled(site):
        raise not_found  # revoked, not yet visible, or on another site (spec/verifiable.md §7)
    if storage_id not in {storage["id"] for storage in STORAGES}:
        raise WalletError(
            404,
            {
                "storage_id": f"Provided storage backend ({storage_id}) isn't active."
                + " " * 17
                + f"Storages: {[storage['id'] for storage in STORAGES]}"
            },
        )
    issuer = issuers.get_issuer(site)
    key, _ = issuers.signing_key(issuer)
    issuer_did = issuers.issuer_did(issuer, key)
    line = (
        _line_model()
        .objects.filter(
            user_credential=credential,
            storage_id=storage_id,
            issuer_id=issuer_did,
            processed=False,
            created__gte=timezone.now() - ISSUANCE_LINE_TTL,
        )
        .order_by("-created")
        .first()
    )
    if line is None:
        line = _line_model().objects.create(
            user_credential=credential,
            storage_id=storage_id,
            issuer_id=issuer_did,
            data_model_id="obv3",
            status=credential.status,
        )
    request_url = f"{base_url}/verifiable_credentials/api/v1/credentials/issue/{line.uuid}/"
    link = deep_link(issuer_did=issuer_did, request_url=request_url, challenge=str(line.uuid))
    return {
        "deeplink": link,
        "qrcode": qr_code_base64(link),
        "app_link_android": APP_LINK_ANDROID,
        "app_link_ios": APP_LINK_IOS,
    }


def _unauthorized():
    return WalletError(401, {"detail": "Authentication credentials were not provided."})


def _proof_created(proof):
    try:
        created = datetime.fromisoformat(str(proof.get("created", "")).replace("Z", "+00:00"))
    except ValueError:
        return None
    return created if created.tzinfo else None


def authenticate_presentation(presentation, *, line_uuid, base_url):
    """The holder DID of a valid DID-Auth presentation for this line, else WalletError 401 (§11.2)."""
    if not isinstance(presentation, dict):
        raise _unauthorized()
    types = presentation.get("type")
    if "VerifiablePresentation" not in (types if isinstance(types, list) else [types]):
        raise _unauthorized()
    proof = presentation.get("proof")
    if isinstance(proof, list):
        proof = proof[0] if len(proof) == 1 else None
    if not isinstance(proof, dict) or proof.get("proofPurpose") != AUTHENTICATION:
        raise _unauthorized()
    if _parse_uuid(proof.get("challenge")) != line_uuid:
        raise _unauthorized()
    if "domain" in proof and proof["domain"] != urlparse(base_url).netloc:
        raise _unauthorized()
    holder = presentation.get("holder")
    method = str(proof.get("verificationMethod", ""))
    if not isinstance(holder, str) or not method.startswith("did:key:") or method.split("#", 1)[0] != holder:
        raise _unauthorized()
    created = _proof_created(proof)
    if created is None or abs(timezone.now() - created) > PROOF_CLOCK_SKEW:
        raise _unauthorized()
    try:
        dataintegrity.verify_proof(presentation, dataintegrity.resolve_did_key, expected_purpose=AUTHENTICATION)
    except dataintegrity.ProofError:
        raise _unauthorized() from None
    return holder


def issue_to_wallet(*, site, line_uuid, holder, base_url):
    """Endpoint 4 after authentication: the signed OpenBadgeCredential for ``holder`` (a dict)."""
    line = _line_model().objects.filter(uuid=line_uuid).select_related("user_credential").first()
    if line is None or line.user_credential is None:
        raise WalletError(400, {"issuance_uuid": f"Couldn't find such issuance line: [{line_uuid}]"})
    if len(holder) > 255:
        raise WalletError(400, {"subject_id": ["Ensure this field has no more than 255 characters."]})
    if not line.processed and line.created < timezone.now() - ISSUANCE_LINE_TTL:
        raise WalletError(400, {"reason": f"Issuance request expired: [{line.uuid}]"})
    if line.processed and line.subject_id != holder:
        raise WalletError(400, {"reason": f"Issuance line is bound to another holder: [{line.uuid}]"})
    credential = line.user_credential
    sign = _signer(site, credential)
    if sign is None or not issuers.is_enabled(site):
        raise WalletError(400, {"reason": f"Seems credential isn't active anymore: [{credential.uuid.hex}]"})
    with transaction.atomic():
        if line.vc_id is None:
            line.vc_id = uuid_module.uuid4()
        try:
            document = sign(base_url=base_url, subject_id=holder, credential_id=f"urn:uuid:{line.vc_id}")
        except dataintegrity.ProofError as exc:
            raise WalletError(400, {"issuance_issue": f"Provided data didn't validate [{exc}]"}) from None
        line.subject_id = holder
        line.processed = True
        line.issued_at = line.issued_at or timezone.now()
        line.status = credential.status
        line.save()
    return document


def storages():
    return list(STORAGES)


_LIST_KEYS = {"programcertificate": "program_credentials", "coursecertificate": "course_credentials"}


def _course_org(course_run_key):
    key = course_run_key or ""
    return key.split(":", 1)[-1].split("+", 1)[0] if "+" in key else ""


def wallet_credentials(*, site, username, types):
    """Endpoint 2: the caller's awarded, visible credentials, grouped as upstream does. Reads each certificate
    through the certificate page's own lookup (a few queries per credential; learners hold a handful)."""
    keys = [_LIST_KEYS[name] for name in types if name in _LIST_KEYS] or list(_LIST_KEYS.values())
    result = {key: [] for key in keys}
    queryset = credentials_api.filter_credentials(
        credentials_api.credentials_on_site(site),
        site=site,
        username=username,
        status=credentials_api.AWARDED,
        only_visible=True,
    ).order_by("pk")
    for credential in queryset:
        certificate = credentials_api.get_certificate(site=site, uuid=credential.uuid)
        key = "program_credentials" if certificate and certificate.is_program else "course_credentials"
        if certificate is None or key not in result:
            continue
        if certificate.is_program:
            credential_uuid = certificate.program_uuid.hex if certificate.program_uuid else ""
            title = certificate.title
            org = ", ".join(organization.name for organization in certificate.organizations)
        else:
            credential_uuid = certificate.course_run_key
            title = certificate.credential_title or certificate.title
            org = _course_org(certificate.course_run_key)
        result[key].append(
            {
                "uuid": credential.uuid.hex,
                "status": credential.status,
                "username": username,
                "credential_id": credential.credential_id,
                "credential_uuid": credential_uuid,
                "credential_title": title,
                "credential_org": org,
                "modified_date": credential.modified.date().isoformat(),
            }
        )
    return result
