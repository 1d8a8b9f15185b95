"""What the verifiable app offers (DESIGN.md §4): issuer identity (issuers.py), signed credentials
(served.py; any UserCredential through sign_credential, e.g. badges), status lists (status.py), verification
(verification.py, own_credentials.py), the public origin (web.py), the wallet flow (wallet.py), CLR 2.0 records
(clr.py), baked badge images (baking.py)."""

from credentials.apps.verifiable.baking import BakingError, is_image
from credentials.apps.verifiable.baking import unbake as credential_from_image
from credentials.apps.verifiable.clr import CourseEntry, clr_credential
from credentials.apps.verifiable.composition import identity_objects, open_badge_envelope
from credentials.apps.verifiable.issuers import (
    IssuerError,
    create_key,
    did_document,
    get_issuer,
    is_enabled,
    issuer_did,
    rotate_key,
)
from credentials.apps.verifiable.own_credentials import read as read_own_credential
from credentials.apps.verifiable.own_credentials import register_reader as register_own_credential_reader
from credentials.apps.verifiable.own_credentials import register_wallet_signer
from credentials.apps.verifiable.served import (
    credential_json,
    rebuild_status_lists,
    revoke_status_entries,
    sign_certificate,
    sign_credential,
    status_list_url,
)
from credentials.apps.verifiable.signing import xsd_datetime
from credentials.apps.verifiable.status import get_status_list, signed_status_list
from credentials.apps.verifiable.verification import NotACredential, Verification, verify_credential
from credentials.apps.verifiable.wallet import (
    WalletError,
    authenticate_presentation,
    init_issuance,
    issue_to_wallet,
    storages,
    wallet_credentials,
)
from credentials.apps.verifiable.web import base_url, site_base_url

__all__ = [
    "BakingError",
    "credential_from_image",
    "is_image",
    "CourseEntry",
    "clr_credential",
    "WalletError",
    "authenticate_presentation",
    "init_issuance",
    "issue_to_wallet",
    "storages",
    "wallet_credentials",
    "NotACredential",
    "Verification",
    "base_url",
    "verify_credential",
    "IssuerError",
    "create_key",
    "credential_json",
    "did_document",
    "get_issuer",
    "get_status_list",
    "is_enabled",
    "issuer_did",
    "rebuild_status_lists",
    "rotate_key",
    "sign_certificate",
    "signed_status_list",
    "status_list_url",
    "identity_objects",
    "open_badge_envelope",
    "read_own_credential",
    "register_own_credential_reader",
    "register_wallet_signer",
    "revoke_status_entries",
    "sign_credential",
    "site_base_url",
    "xsd_datetime",
]
