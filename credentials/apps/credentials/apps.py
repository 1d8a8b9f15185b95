from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "credentials.apps.credentials"
    label = "credentials"

    def ready(self):
        from credentials.apps.credentials import analytics, caching, emails, event_handlers, signals

        event_handlers.register()

        signals.program_credential_issued.connect(
            emails.on_program_credential_issued, dispatch_uid="program_completion_email"
        )
        signals.program_credential_issued.connect(analytics.on_program_credential_issued, dispatch_uid="segment_issue")
        caching.connect()
