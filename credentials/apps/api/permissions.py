from django.conf import settings
from rest_framework import permissions


class ModelPermissions(permissions.DjangoModelPermissions):
    """DjangoModelPermissions where reading needs the model's view permission too."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
    }

    def _queryset(self, view):
        # Only the model matters here: use the view's plain `queryset` rather than building the
        # (site-scoped, annotated) get_queryset() of every request a second time.
        return view.queryset if getattr(view, "queryset", None) is not None else super()._queryset(view)


def is_own_username(request):
    """Exactly the caller's username, case included: the same rule as the list filter and the owner's
    retrieval (README, "Usernames"); upstream compares case-insensitively here but not in its filter."""
    username = request.query_params.get("username")
    return bool(username) and request.user.is_authenticated and username == request.user.username


class CredentialPermissions(ModelPermissions):
    """spec/api.md §6: the view permission, or a learner listing their own (`?username=<self>`).

    A learner may also retrieve a credential of their own by uuid (DESIGN.md §5.11); others' stay 403.
    """

    def has_permission(self, request, view):
        if request.method == "GET" and request.user.is_authenticated:
            if view.action == "list" and is_own_username(request):
                return True
            if view.action == "retrieve":
                return True  # decided per object below
        return super().has_permission(request, view)

    def has_object_permission(self, request, view, obj):
        if request.method == "GET":
            return obj.username == request.user.username or request.user.has_perm("credentials.view_usercredential")
        return True


class IsUsernameReplacementWorker(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.user.is_authenticated and request.user.username == settings.USERNAME_REPLACEMENT_WORKER


class IsLearnerStatusWorkerOrStaff(permissions.BasePermission):
    def has_permission(self, request, view):
        user = request.user
        return user.is_authenticated and (user.is_staff or user.username == settings.LEARNER_STATUS_WORKER)
