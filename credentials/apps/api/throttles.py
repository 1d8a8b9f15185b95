from rest_framework.throttling import ScopedRateThrottle


class CredentialRateThrottle(ScopedRateThrottle):
    """Per-user limits of spec/api.md §3, fixed on the class; staff and superusers are not throttled."""

    THROTTLE_RATES = {"credential_view": "15/minute", "grade_view": "90/minute"}

    def allow_request(self, request, view):
        user = request.user
        if user and user.is_authenticated and (user.is_staff or user.is_superuser):
            return True
        return super().allow_request(request, view)
