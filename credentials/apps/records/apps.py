from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "credentials.apps.records"
    label = "records"

    def ready(self):
        from django.db.models.signals import post_save

        from credentials.apps.catalog.models import Course, CourseRun, Organization, Pathway, Program
        from credentials.apps.core.models import SiteConfiguration
        from credentials.apps.credentials.models import CourseCertificate, ProgramCertificate
        from credentials.apps.credentials.signals import program_credential_issued
        from credentials.apps.records import api, handlers

        program_credential_issued.connect(handlers.resend_shared_records, dispatch_uid="records.resend_shared_records")
        # Cached records show these rows: saving one retires them all (records/record_cache.py).
        # post_save only, with explicit senders: a delete receiver would slow every bulk catalog delete.
        for model in (
            CourseCertificate,
            ProgramCertificate,
            SiteConfiguration,
            Program,
            Course,
            CourseRun,
            Organization,
            Pathway,
        ):
            post_save.connect(
                api.retire_cached_records, sender=model, dispatch_uid=f"records.retire_cached_records.{model.__name__}"
            )
