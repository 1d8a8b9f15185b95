"""OpenAPI (drf-spectacular) description of the edX JWT authentication."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


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
