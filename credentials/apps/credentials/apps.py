from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "credentials.apps.credentials"
    label = "credentials"

    def ready(self):
        from credentials.apps.credentials import caching, emails, event_handlers, signals

        event_handlers.register()

        signals.program_credential_issued.connect(
            emails.on_program_credential_issued, dispatch_uid="program_completion_email"
        )
        caching.connect()
