"""Certificate pages, mounted at /credentials/ with the namespace "credentials" (spec/pages.md §1)."""

import uuid

from django.urls import path, register_converter

from credentials.apps.credentials import views


class HexUUIDConverter:
    """Exactly 32 lower-case hex digits (spec/pages.md §0); hyphenated or upper-case ids do not match."""

    regex = "[0-9a-f]{32}"

    def to_python(self, value):
        return uuid.UUID(hex=value)

    def to_url(self, value):
        return value.hex if isinstance(value, uuid.UUID) else str(value)


register_converter(HexUUIDConverter, "credential_uuid")

app_name = "credentials"
urlpatterns = [
    path("example/", views.render_example, name="example"),
    path("example/<credential_uuid:program_uuid>/", views.render_program_preview, name="render_example"),
    path("<credential_uuid:uuid>/", views.render_credential, name="render"),
]
