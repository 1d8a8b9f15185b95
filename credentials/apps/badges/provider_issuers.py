"""The Credly and Accredible issuers (spec/badges.md §4.8, §6.2-6.3, §8.2, with the fixes of §12.2).

The pipeline has already committed the award or revocation (status, badge row, outbox event); these issuers
only carry it to the provider, after commit, through ``issuers.run`` (which turns any exception into
``state="error"``, so a provider outage never fails event processing and ``retry_badge_issuing`` picks the
badge up later). Both are safe to call again: a badge already at the provider is not issued twice, and one
the provider revoked or expired is never issued again (§12.2 #1, upstream's documented rule).
"""

import datetime
import logging

from django.contrib.auth import get_user_model
from django.utils import timezone

from credentials.apps.badges import conf, issuers
from credentials.apps.badges.accredible.client import AccredibleAPIClient
from credentials.apps.badges.credly.client import CredlyAPIClient
from credentials.apps.badges.models import AccredibleGroup, CredlyBadgeTemplate

log = logging.getLogger(__name__)


def credly_api_key(organization):
    """The key calls for ``organization`` use: the settings' for a pre-configured organization (§12.2 #5;
    upstream used the always-empty stored key), the stored one otherwise."""
    return preconfigured_credly_key(organization.uuid) or organization.api_key


def preconfigured_credly_key(organization_uuid):
    """The API key ``BADGES_CONFIG["credly"]["ORGANIZATIONS"]`` gives this organization, or None."""
    return (conf.credly_settings().get("ORGANIZATIONS") or {}).get(str(organization_uuid))


def check_credly_organization(organization_uuid, api_key):
    """Credly's name for the organization, which also proves the uuid and key work (BadgeProviderError
    otherwise). A pre-configured organization is checked with its settings key."""
    with CredlyAPIClient(organization_uuid, preconfigured_credly_key(organization_uuid) or api_key) as client:
        return client.fetch_organization_name()


def credly_client(organization):
    return CredlyAPIClient(organization.uuid, credly_api_key(organization))


class MissingRecipient(Exception):
    """The learner has no local account with an e-mail address (the providers send badges by e-mail)."""


def _recipient(username):
    user = get_user_model().objects.filter(username=username).first()
    if user is None or not user.email:
        raise MissingRecipient(f"User {username!r} has no local account with an e-mail address to send the badge to")
    return user


def _save_state(badge, **fields):
    for name, value in fields.items():
        setattr(badge, name, value)
    type(badge).objects.filter(pk=badge.pk).update(**fields)


class CredlyIssuer:
    """Issues a CredlyBadge at Credly (``POST badges/``) and revokes it (``PUT badges/<id>/revoke/``)."""

    def award(self, badge):
        if badge.state == badge.REVOCATION_STATE:
            log.info("Credly badge %s was revoked at Credly; it is not issued again", badge.uuid)
            return
        if badge.external_uuid:
            # Issued earlier; a revoke that never reached Credly left it issued there, which is what an award wants.
            if badge.state not in badge.ISSUING_STATES:
                _save_state(badge, state=badge.STATE_PENDING)
            return
        template = CredlyBadgeTemplate.objects.select_related("organization").get(pk=badge.credential_id)
        user = _recipient(badge.username)
        with credly_client(template.organization) as client:
            issued = client.issue_badge(
                recipient_email=user.email,
                first_name=user.first_name or user.username,
                last_name=user.last_name or user.username,
                template_id=template.uuid,
                issued_at=badge.modified,  # the award's time (§12.2 #8), not the template's creation
            )
        _save_state(badge, external_uuid=issued.id, state=issued.state)

    def revoke(self, badge):
        if not badge.external_uuid or badge.state == badge.REVOCATION_STATE:
            return  # never reached Credly, or already revoked there: nothing to withdraw
        template = CredlyBadgeTemplate.objects.select_related("organization").get(pk=badge.credential_id)
        with credly_client(template.organization) as client:
            revoked = client.revoke_badge(badge.external_uuid)
        _save_state(badge, state=revoked.state)


class AccredibleIssuer:
    """Issues an AccredibleBadge as an Accredible credential (``POST credentials``) and expires it to revoke."""

    def award(self, badge):
        if badge.state == badge.REVOCATION_STATE:
            log.info("Accredible badge %s was expired at Accredible; it is not issued again", badge.uuid)
            return
        if badge.external_id:
            if badge.state not in badge.ISSUING_STATES:
                _save_state(badge, state=badge.STATE_ACCEPTED)
            return
        group = AccredibleGroup.objects.select_related("api_config").get(pk=badge.credential_id)
        user = _recipient(badge.username)
        with AccredibleAPIClient(group.api_config.api_key) as client:
            external_id = client.issue_credential(
                name=user.get_full_name() or user.username,
                email=user.email,
                group_id=group.pk,
                group_name=group.name,
                issued_on=badge.modified,  # the (latest) award time, as for Credly
            )
        _save_state(badge, external_id=external_id, state=badge.STATE_ACCEPTED)

    def revoke(self, badge):
        if not badge.external_id or badge.state == badge.REVOCATION_STATE:
            return
        group = AccredibleGroup.objects.select_related("api_config").get(pk=badge.credential_id)
        with AccredibleAPIClient(group.api_config.api_key) as client:
            # Aware UTC, so the date ends in +0000 (§12.2 #8; upstream sent a naive local time).
            client.expire_credential(badge.external_id, expired_on=timezone.now().astimezone(datetime.UTC))
        _save_state(badge, state=badge.STATE_EXPIRED)


def register():
    """Make these the issuers of origins ``credly`` and ``accredible`` (called from the app's ready())."""
    issuers.register(CredlyBadgeTemplate.ORIGIN, CredlyIssuer())
    issuers.register(AccredibleGroup.ORIGIN, AccredibleIssuer())
