"""OpenAPI (drf-spectacular) description of the edX JWT authentication."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema


class JwtAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "credentials.apps.core.authentication.JwtAuthentication"
    name = "jwtAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`JWT <token>` (not Bearer), or the LMS's edx-jwt-cookie-header-payload and "
            "edx-jwt-cookie-signature cookies.",
        }


class ObjectResponseSchema(AutoSchema):
    """For viewsets whose ``list`` answers one object (``{"enrolled_programs": [...]}``), not an array: without
    it the schema would describe the list response as an array of that object."""

    def _is_list_view(self, serializer=None):
        return False
