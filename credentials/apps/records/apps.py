from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "credentials.apps.records"
    label = "records"

    def ready(self):
        from credentials.apps.credentials.signals import program_credential_issued
        from credentials.apps.records import handlers

        program_credential_issued.connect(handlers.resend_shared_records, dispatch_uid="records.resend_shared_records")
