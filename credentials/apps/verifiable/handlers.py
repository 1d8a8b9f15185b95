"""Receivers the verifiable app registers on lower apps' models (DESIGN.md §4: lower apps never import us)."""

from credentials.apps.credentials.constants import UserCredentialStatus
from credentials.apps.verifiable import issuers, status


def set_bits_of_revoked_credential(sender, instance, **kwargs):
    """post_save of UserCredential: a revocation sets the credential's status bits in the same transaction."""
    if instance.status == UserCredentialStatus.REVOKED:
        status.mark_revoked([instance.pk])


def set_bits_of_credentials_revoked_in_bulk(sender, credential_ids, **kwargs):
    """credentials_revoked_in_bulk (revoke_certificates): the same, for a bulk update without saves."""
    status.mark_revoked(credential_ids)


def retire_signed_documents(sender, instance, **kwargs):
    """post_save/post_delete of Issuer and IssuerKey: cached signed credentials of the site are stale."""
    site_id = instance.site_id if hasattr(instance, "site_id") else instance.issuer.site_id
    issuers.forget_generation(site_id)
