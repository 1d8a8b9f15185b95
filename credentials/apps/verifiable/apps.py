from django.apps import AppConfig


class VerifiableConfig(AppConfig):
    """Verifiable credentials: OB 3.0 on VC 2.0 with eddsa-rdfc-2022, status lists, verification (DESIGN.md §3)."""

    name = "credentials.apps.verifiable"
    label = "verifiable"
    verbose_name = "Verifiable credentials"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from credentials.apps.credentials.models import UserCredential
        from credentials.apps.credentials.signals import credentials_revoked_in_bulk
        from credentials.apps.verifiable import handlers
        from credentials.apps.verifiable.models import Issuer, IssuerKey

        post_save.connect(
            handlers.set_bits_of_revoked_credential, sender=UserCredential, dispatch_uid="verifiable.revoked_bits"
        )
        credentials_revoked_in_bulk.connect(
            handlers.set_bits_of_credentials_revoked_in_bulk, dispatch_uid="verifiable.revoked_in_bulk_bits"
        )
        for model in (Issuer, IssuerKey):
            for signal in (post_save, post_delete):
                signal.connect(
                    handlers.retire_signed_documents,
                    sender=model,
                    dispatch_uid=f"verifiable.retire_signed.{model.__name__}.{id(signal)}",
                )
