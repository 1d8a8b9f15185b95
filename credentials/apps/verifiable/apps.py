from django.apps import AppConfig


class VerifiableConfig(AppConfig):
    """Verifiable credentials: OB 3.0 on VC 2.0 with eddsa-rdfc-2022, status lists, verification (DESIGN.md §3)."""

    name = "credentials.apps.verifiable"
    label = "verifiable"
    verbose_name = "Verifiable credentials"
