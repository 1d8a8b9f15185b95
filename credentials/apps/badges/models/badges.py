"""Earned badges: ``UserCredential`` rows (username, status awarded|revoked, uuid, the template as the generic
credential) with an issuer-specific child row (spec/badges.md §3, §12.4). ``state`` is the issuer's view."""

from django.db import models

from credentials.apps.credentials.models import UserCredential


class CredlyBadge(UserCredential):
    STATE_CREATED, STATE_NO_RESPONSE, STATE_ERROR = "created", "no_response", "error"
    STATE_PENDING, STATE_ACCEPTED, STATE_REJECTED = "pending", "accepted", "rejected"
    STATE_REVOKED, STATE_EXPIRED = "revoked", "expired"
    STATES = [
        (value, value)
        for value in ("created", "no_response", "error", "pending", "accepted", "rejected", "revoked", "expired")
    ]
    ISSUING_STATES = {STATE_PENDING, STATE_ACCEPTED, STATE_REJECTED, STATE_REVOKED}
    REVOCATION_STATE = STATE_REVOKED  # once revoked at Credly, never awarded again
    RETRY_STATES = {STATE_CREATED, STATE_ERROR, STATE_NO_RESPONSE}

    state = models.CharField(
        max_length=100, choices=STATES, default=STATE_CREATED, help_text="Credly badge issuing state"
    )
    external_uuid = models.UUIDField(unique=True, null=True, blank=True, help_text="Credly service badge identifier")

    @property
    def propagated(self):
        return bool(self.external_uuid) and self.state in self.ISSUING_STATES


class AccredibleBadge(UserCredential):
    STATE_CREATED, STATE_NO_RESPONSE, STATE_ERROR = "created", "no_response", "error"
    STATE_ACCEPTED, STATE_EXPIRED = "accepted", "expired"
    STATES = [(value, value) for value in ("created", "no_response", "error", "accepted", "expired")]
    ISSUING_STATES = {STATE_ACCEPTED, STATE_EXPIRED}
    REVOCATION_STATE = STATE_EXPIRED
    RETRY_STATES = {STATE_CREATED, STATE_ERROR, STATE_NO_RESPONSE}

    state = models.CharField(
        max_length=100, choices=STATES, default=STATE_CREATED, help_text="Accredible credential issuing state"
    )
    external_id = models.IntegerField(
        unique=True, null=True, blank=True, help_text="Accredible service badge identifier"
    )

    @property
    def propagated(self):
        return bool(self.external_id) and self.state in self.ISSUING_STATES


class LocalBadge(UserCredential):
    """[OURS] A badge this service signs itself as an OpenBadgeCredential (spec/badges.md §12.4)."""

    STATE_CREATED, STATE_ISSUED, STATE_REVOKED, STATE_ERROR = "created", "issued", "revoked", "error"
    STATES = [(value, value) for value in ("created", "issued", "revoked", "error")]
    ISSUING_STATES = {STATE_ISSUED, STATE_REVOKED}
    REVOCATION_STATE = None  # local badges may be awarded again after a revocation
    RETRY_STATES = {STATE_CREATED, STATE_ERROR}

    state = models.CharField(max_length=100, choices=STATES, default=STATE_CREATED)
    issued_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    credential_json = models.JSONField(null=True, blank=True, help_text="The signed OpenBadgeCredential.")
    status_list_index = models.PositiveIntegerField(null=True, blank=True)

    @property
    def propagated(self):
        return self.state in self.ISSUING_STATES
