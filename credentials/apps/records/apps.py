from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "credentials.apps.records"
    label = "records"

    def ready(self):
        from credentials.apps.credentials.signals import program_credential_issued
        from credentials.apps.records import handlers

        program_credential_issued.connect(handlers.resend_shared_records, dispatch_uid="records.resend_shared_records")
        # Cached records need no receivers here: the learner's own rows are fingerprinted on every read, and
        # the sites, catalog and configurations they show are retired by those apps (record_cache.py).
