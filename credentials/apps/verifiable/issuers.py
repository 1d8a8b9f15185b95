"""Issuer identity per site: its DID (did:key of the newest key, or did:web:<host>), keys, DID document.

The first signing on a site creates its Issuer and key by itself (issue 16 "On out of the box"); an operator
turns it off per site, switches to did:web, configures a key file, or rotates the key (manage.py commands).
"""

from django.core.cache import cache
from django.db import transaction

from credentials.apps.core import api as core_api
from credentials.apps.verifiable import conf, keys, multikey
from credentials.apps.verifiable.dataintegrity import ProofError
from credentials.apps.verifiable.models import Issuer, IssuerKey

ISSUERS = "verifiable-issuers"  # a core/generations.py scope: issuers and their keys
_ENABLED_KEY = "verifiable:enabled:{site_id}"


class IssuerError(Exception):
    """The operator asked for something the issuer configuration does not allow; the message says why."""


def get_issuer(site):
    issuer, _ = Issuer.objects.get_or_create(site=site)
    return issuer


def is_enabled(site):
    """Whether the site serves verifiable credentials (global switch, then the site's Issuer; default on).
    Cached: the certificate page asks on every view; saving an Issuer forgets it (handlers.py)."""
    if not conf.get("ENABLED"):
        return False
    key = _ENABLED_KEY.format(site_id=site.pk)
    enabled = cache.get(key)
    if enabled is None:
        enabled = Issuer.objects.filter(site=site, enabled=False).values_list("pk").first() is None
        cache.set(key, enabled, None)
    return enabled


def forget_generation(site_id):
    """Issuers or keys changed: signed documents cached before are stale, and the site's on/off is re-read.
    SITES too: cached certificate pages show the verifiable-credential links only when the site serves them."""
    core_api.new_generation(ISSUERS, core_api.SITES)
    cache.delete(_ENABLED_KEY.format(site_id=site_id))


def did_web(host):
    """did:web of a host name (a port's colon is percent-encoded, did:web "Create")."""
    return "did:web:" + host.strip().lower().replace(":", "%3A")


def issuer_did(issuer, key):
    return did_web(issuer.did_web_host) if issuer.did_web_host else key.did_key


def verification_method(issuer, key):
    return f"{issuer_did(issuer, key)}#{key.public_key_multibase}"


def _create_key(issuer, private_key, *, from_key_file=False):
    return IssuerKey.objects.create(
        issuer=issuer,
        public_key_multibase=multikey.public_key_multibase(private_key.public_key()),
        encrypted_private_key="" if from_key_file else keys.encrypt(private_key),
        from_key_file=from_key_file,
    )


def signing_key(issuer):
    """(IssuerKey, Ed25519PrivateKey) that signs now: the key file's when configured, else the newest stored
    key, generated on first use."""
    file_key = keys.key_file_private_key()
    if file_key is not None:
        public = multikey.public_key_multibase(file_key.public_key())
        row = issuer.keys.filter(public_key_multibase=public).first()
        if row is None or issuer.keys.first() != row:
            with transaction.atomic():
                issuer.keys.filter(public_key_multibase=public).delete()  # re-listed as the newest key
                row = _create_key(issuer, file_key, from_key_file=True)
            forget_generation(issuer.site_id)
        return row, file_key
    row = issuer.keys.exclude(encrypted_private_key="").first()
    if row is None:
        with transaction.atomic():
            Issuer.objects.select_for_update().filter(pk=issuer.pk).first()
            row = issuer.keys.exclude(encrypted_private_key="").first()
            if row is None:
                row = _create_key(issuer, keys.generate())
        forget_generation(issuer.site_id)
    return row, keys.decrypt(row.encrypted_private_key)


def create_key(site):
    """A fresh key for the site's issuer, unless it already has one (manage.py create_issuer_key)."""
    issuer = get_issuer(site)
    row, _ = signing_key(issuer)
    return issuer, row


def rotate_key(site):
    """A new signing key; the old ones stay in the DID document so credentials they signed still verify.
    With did:key the issuer DID changes with the key (a did:key is its key)."""
    if conf.get("ISSUER_KEY_FILE"):
        raise IssuerError("The issuer key comes from ISSUER_KEY_FILE: rotate by putting a new key in that file.")
    issuer = get_issuer(site)
    row = _create_key(issuer, keys.generate())
    forget_generation(site.pk)
    return issuer, row


def did_document(host):
    """The DID document of did:web:<host> (spec/verifiable.md §8), or None when no enabled issuer uses it."""
    issuer = Issuer.objects.filter(did_web_host__iexact=host, enabled=True).first()
    if issuer is None:
        return None
    did = did_web(issuer.did_web_host)
    methods = [
        {
            "id": f"{did}#{key.public_key_multibase}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.public_key_multibase,
        }
        for key in issuer.keys.all()
    ]
    ids = [method["id"] for method in methods]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }


def resolve_public_key(verification_method_id):
    """The Ed25519 key of a verification method: did:key offline; did:web only for this service's issuers."""
    if verification_method_id.startswith("did:key:"):
        try:
            return multikey.public_key_from_did_key(verification_method_id)
        except (multikey.KeyFormatError, ValueError) as exc:
            raise ProofError(f"The verification method is not a usable did:key: {exc}") from None
    if verification_method_id.startswith("did:web:"):
        did, _, fragment = verification_method_id.partition("#")
        host = did[len("did:web:") :].replace("%3A", ":").replace("%3a", ":")
        issuer = Issuer.objects.filter(did_web_host__iexact=host).first()
        key = issuer.keys.filter(public_key_multibase=fragment).first() if issuer and fragment else None
        if key is None:
            raise ProofError(
                f"Cannot resolve {verification_method_id}: did:web is resolved only for this service's own issuers."
            )
        return key.public_key()
    raise ProofError(f"Cannot resolve the verification method {verification_method_id!r} (did:key or did:web only).")


def is_own_issuer(did):
    """Whether ``did`` is (or was) an issuer of this service: a did:web host or a did:key of one of our keys."""
    if did.startswith("did:web:"):
        host = did[len("did:web:") :].replace("%3A", ":").replace("%3a", ":")
        return Issuer.objects.filter(did_web_host__iexact=host).exists()
    if did.startswith("did:key:"):
        return IssuerKey.objects.filter(public_key_multibase=did[len("did:key:") :]).exists()
    return False
