"""The ``openedx`` issuer: badges this service signs itself as Open Badges 3.0 credentials (spec/badges.md §12.4).

Called by the issuer registry (issuers.py) after the pipeline's transaction committed. ``award`` signs a fresh
OpenBadgeCredential through the verifiable app (same issuer, key, status list and proof as certificates),
stores it on the LocalBadge and marks it ``issued``; ``revoke`` sets the credential's status-list bit and marks it
``revoked``. A re-award signs a new credential on the same row, with a new status entry (a set bit is final).
"""

import json
import uuid

from django.db import transaction
from django.utils import timezone

from credentials.apps.badges import issuers
from credentials.apps.badges.local_credential import badge_url, open_badge_credential, valid_until
from credentials.apps.badges.models import LocalBadge, LocalBadgeTemplate
from credentials.apps.core import api as core_api
from credentials.apps.credentials import signals as credentials_signals
from credentials.apps.credentials.constants import UserCredentialStatus
from credentials.apps.verifiable import api as verifiable_api

ORIGIN = LocalBadgeTemplate.ORIGIN
# /verify/?url= opens a badge of this service by its page or credential.json address.
CREDENTIAL_PATH = r"/badges/credentials/(?P<uuid>[0-9a-f]{32}|[0-9a-f-]{36})/(credential\.json)?"


class LocalIssuingError(Exception):
    """The badge cannot be signed (its template is gone, or the site does not issue verifiable credentials)."""


def _learner(username):
    """(name, e-mail) for the credential, from the local user (created from the event's data): no LMS call
    in event processing."""
    user = core_api.get_user_by_username(username)
    if user is None:
        return username, ""
    return (user.get_full_name() or username), (user.email or "")


class LocalIssuer:
    def award(self, badge):
        with transaction.atomic():
            badge = LocalBadge.objects.select_for_update().filter(pk=badge.pk).first()
            if badge is None or badge.status != UserCredentialStatus.AWARDED:
                return  # revoked again before this ran: nothing to sign
            template = LocalBadgeTemplate.objects.select_related("site").filter(pk=badge.credential_id).first()
            if template is None:
                raise LocalIssuingError(f"Badge {badge.uuid}: its template {badge.credential_id} no longer exists.")
            site = template.site
            if not verifiable_api.is_enabled(site):
                raise LocalIssuingError(f"Badge {badge.uuid}: {site.domain} does not issue verifiable credentials.")
            name, email = _learner(badge.username)
            now = timezone.now().replace(microsecond=0)
            base_url = verifiable_api.site_base_url(site)
            compose = open_badge_credential(
                badge=badge,
                template=template,
                learner_name=name,
                learner_email=email,
                awarded_at=now,
                base_url=base_url,
            )
            signed, index = verifiable_api.sign_credential(site, badge, compose, base_url=base_url, now=now)
            changes = {
                "credential_json": signed,
                "state": LocalBadge.STATE_ISSUED,
                "issued_at": now,
                "expires_at": valid_until(template, now),
                "status_list_index": index,
            }
            LocalBadge.objects.filter(pk=badge.pk).update(**changes)

    def revoke(self, badge):
        with transaction.atomic():
            badge = LocalBadge.objects.select_for_update().filter(pk=badge.pk).first()
            if badge is None or badge.status != UserCredentialStatus.REVOKED:
                return  # awarded again before this ran
            verifiable_api.revoke_status_entries([badge.pk])
            LocalBadge.objects.filter(pk=badge.pk).update(state=LocalBadge.STATE_REVOKED)


# --- Lookups for the public pages --------------------------------------------------------------------------


def get_template(*, site, template_uuid):
    """A local template of the site (active or not: issued badges keep pointing at their Achievement)."""
    return LocalBadgeTemplate.objects.filter(site=site, uuid=template_uuid).first()


def get_badge(*, site, badge_uuid):
    """(LocalBadge, LocalBadgeTemplate) of a badge whose template is on the site, or (None, None)."""
    badge = LocalBadge.objects.filter(uuid=badge_uuid).first()
    if badge is None:
        return None, None
    template = LocalBadgeTemplate.objects.filter(site=site, pk=badge.credential_id).first()
    return (badge, template) if template is not None else (None, None)


def credential_text(badge):
    """The stored signed credential as JSON text (never HTML-escaped), or None before it was issued."""
    if not badge.credential_json:
        return None
    return json.dumps(badge.credential_json, ensure_ascii=False, indent=2)


def recipient_name(badge):
    """The learner's name as the credential states it (its name IdentityObject), else the local user's."""
    subject = (badge.credential_json or {}).get("credentialSubject") or {}
    for identity in subject.get("identifier") or []:
        if identity.get("identityType") == "name" and not identity.get("hashed"):
            return identity.get("identityHash")
    return _learner(badge.username)[0]


def _read_for_verifier(*, site, match, base_url):
    try:
        badge_uuid = uuid.UUID(match["uuid"])
    except ValueError:
        return None
    badge, _ = get_badge(site=site, badge_uuid=badge_uuid)
    return credential_text(badge) if badge is not None else None


def _wallet_signer(*, site, credential):
    """An issued local badge of the site goes to the Learner Credential Wallet like a certificate: signed again
    for the holder's DID, with the badge's own status entry (so revoking the badge revokes the wallet's copy)."""
    badge = LocalBadge.objects.filter(pk=credential.pk).first()
    if badge is None or badge.status != UserCredentialStatus.AWARDED or badge.state != LocalBadge.STATE_ISSUED:
        return None
    template = LocalBadgeTemplate.objects.filter(site=site, pk=badge.credential_id).first()
    if template is None:
        return None

    def sign(*, base_url, subject_id, credential_id):
        name, email = _learner(badge.username)
        compose = open_badge_credential(
            badge=badge,
            template=template,
            learner_name=name,
            learner_email=email,
            awarded_at=badge.issued_at,
            base_url=base_url,
            subject_id=subject_id,
            credential_id=credential_id,
        )
        signed, _ = verifiable_api.sign_credential(site, badge, compose, base_url=base_url)
        return signed

    return sign


def _mark_revoked_in_bulk(sender, credential_ids, **kwargs):
    """credentials_revoked_in_bulk (revoke_certificates): the verifiable app sets the status bits of these
    credentials in the same transaction; the issued local badges among them say so too."""
    LocalBadge.objects.filter(pk__in=credential_ids, state=LocalBadge.STATE_ISSUED).update(
        state=LocalBadge.STATE_REVOKED
    )


def register():
    """Called from BadgesConfig.ready when badges are on."""
    issuers.register(ORIGIN, LocalIssuer())
    credentials_signals.credentials_revoked_in_bulk.connect(
        _mark_revoked_in_bulk, dispatch_uid="badges.local_badges_revoked_in_bulk"
    )
    verifiable_api.register_own_credential_reader(CREDENTIAL_PATH, _read_for_verifier)
    verifiable_api.register_wallet_signer(_wallet_signer)


__all__ = [
    "LocalIssuer",
    "LocalIssuingError",
    "badge_url",
    "credential_text",
    "get_badge",
    "get_template",
    "recipient_name",
    "register",
]
