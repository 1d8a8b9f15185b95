from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "credentials.apps.credentials"
    label = "credentials"

    def ready(self):
        from credentials.apps.credentials import emails, signals

        signals.program_credential_issued.connect(
            emails.on_program_credential_issued, dispatch_uid="program_completion_email"
        )
        _retire_cached_certificate_pages_on_edits()


def _retire_cached_certificate_pages_on_edits():
    """Cached certificate pages are retired when what they show is edited (certificate.PageCache)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from credentials.apps.core.models import SiteConfiguration
    from credentials.apps.credentials.certificate import invalidate_certificate_pages
    from credentials.apps.credentials.models import CourseCertificate, ProgramCertificate, Signatory

    for model in (ProgramCertificate, CourseCertificate, Signatory, SiteConfiguration):
        for signal in (post_save, post_delete):
            signal.connect(
                invalidate_certificate_pages, sender=model, dispatch_uid=f"certificate_pages_{model.__name__}"
            )
    for model in (ProgramCertificate, CourseCertificate):
        m2m_changed.connect(
            invalidate_certificate_pages,
            sender=model.signatories.through,
            dispatch_uid=f"certificate_pages_{model.__name__}_signatories",
        )
