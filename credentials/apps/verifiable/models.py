"""Issuers (one per site, with their keys) and Bitstring Status Lists with one entry per credential served."""

import uuid

from django.contrib.sites.models import Site
from django.db import models

from credentials.apps.credentials.models import UserCredential
from credentials.apps.verifiable import multikey


class Issuer(models.Model):
    """The site's issuer identity. Created by the first signing (on by default), editable in the admin."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="verifiable_issuer")
    enabled = models.BooleanField(
        default=True, help_text="Serve this site's certificates as signed verifiable credentials."
    )
    name = models.CharField(max_length=255, blank=True, help_text="Issuer name; empty: the site's platform name.")
    did_web_host = models.CharField(
        max_length=255,
        blank=True,
        verbose_name="did:web host",
        help_text=(
            "Empty: the issuer is the did:key of its newest key. Set (e.g. credentials.example.com) to issue as "
            "did:web:<host>; the service then answers /.well-known/did.json for that host."
        ),
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "verifiable credentials issuer"

    def __str__(self):
        return f"{self.site.domain} issuer"


class IssuerKey(models.Model):
    """An Ed25519 key of an issuer. The newest signs; older ones stay listed so old credentials verify.

    The private key is stored encrypted (keys.py), or not at all when it lives in the configured key file.
    """

    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, related_name="keys")
    public_key_multibase = models.CharField(max_length=64, verbose_name="public key (Multikey)")
    encrypted_private_key = models.TextField(blank=True, editable=False)
    from_key_file = models.BooleanField(default=False, editable=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "public_key_multibase"], name="verifiable_issuerkey_unique")
        ]

    def __str__(self):
        return self.public_key_multibase

    @property
    def did_key(self):
        return "did:key:" + self.public_key_multibase

    def public_key(self):
        return multikey.public_key_from_multibase(self.public_key_multibase)


class StatusList(models.Model):
    """A Bitstring Status List (W3C v1.0) of one issuer and purpose; the signed copy is cached in the row."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="status_lists")
    # With did:key the issuer DID is the key, and verifiers require the list's issuer to be the credential's:
    # a list stays signed by the key its credentials were signed with.
    key = models.ForeignKey(IssuerKey, null=True, on_delete=models.PROTECT, related_name="status_lists")
    purpose = models.CharField(max_length=16, default="revocation")
    length = models.PositiveIntegerField()
    is_open = models.BooleanField(default=True, help_text="New entries are allocated in open lists only.")
    signed_json = models.TextField(blank=True, editable=False)
    signed_bits_digest = models.CharField(max_length=64, blank=True, editable=False)
    signed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.purpose} list {self.uuid.hex}"


class StatusListEntry(models.Model):
    """A credential's position in a status list. Its bit, once set (revoked_at), is never cleared: revocation
    is final (Bitstring Status List "revocation"); a re-awarded credential gets a new entry."""

    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="entries")
    index = models.PositiveIntegerField()
    # SET_NULL: an entry whose credential was deleted (learner retirement) reads as revoked.
    credential = models.ForeignKey(UserCredential, null=True, on_delete=models.SET_NULL, related_name="status_entries")
    revoked_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "status list entries"
        constraints = [
            models.UniqueConstraint(fields=["status_list", "index"], name="verifiable_statuslistentry_unique_index")
        ]

    def __str__(self):
        return f"{self.status_list} #{self.index}"


class IssuanceLine(models.Model):
    """One request to put a credential in a wallet (upstream's table and fields, spec/verifiable.md §2, §15).

    ``uuid`` is the deep link's challenge; the VC issued to the wallet gets its own id (``vc_id``), so the public
    challenge is not the credential's identifier.
    """

    uuid = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user_credential = models.ForeignKey(
        UserCredential, null=True, blank=True, on_delete=models.PROTECT, related_name="vc_issues"
    )
    processed = models.BooleanField(default=False)
    issuer_id = models.CharField(max_length=255)
    storage_id = models.CharField(max_length=128)
    subject_id = models.CharField(max_length=255, blank=True, default="")
    data_model_id = models.CharField(max_length=255, null=True, blank=True)
    expiration_date = models.DateTimeField(null=True, blank=True, db_index=True)
    status_index = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=255, null=True, blank=True)
    vc_id = models.UUIDField(null=True, blank=True, unique=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "verifiable_credentials_issuanceline"
        ordering = ["created"]

    def __str__(self):
        return f"{self.storage_id} {self.uuid}"
