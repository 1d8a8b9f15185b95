import functools

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import backends
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from credentials.apps.core.models import User


@functools.cache
def _permissions_sql():
    quote = connection.ops.quote_name
    user_permissions = quote(User.user_permissions.through._meta.db_table)
    group_permissions = quote(Group.permissions.through._meta.db_table)
    user_groups = quote(User.groups.through._meta.db_table)
    return (
        f"SELECT ct.app_label, p.codename FROM {quote(Permission._meta.db_table)} p"
        f" INNER JOIN {quote(ContentType._meta.db_table)} ct ON ct.id = p.content_type_id"
        f" WHERE p.id IN (SELECT up.permission_id FROM {user_permissions} up WHERE up.user_id = %s"
        f" UNION SELECT gp.permission_id FROM {group_permissions} gp"
        f" INNER JOIN {user_groups} ug ON ug.group_id = gp.group_id WHERE ug.user_id = %s)"
    )


class ModelBackend(backends.ModelBackend):
    """Django's ModelBackend, loading a user's own and group permissions in one statement instead of two.

    Every API call checks model permissions, so this runs on the hot path; the statement is written in SQL
    because the ORM's version (an OR over two many-to-many joins) both compiles and executes slower.
    """

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                rows = Permission.objects.values_list("content_type__app_label", "codename")
            else:
                with connection.cursor() as cursor:
                    cursor.execute(_permissions_sql(), [user_obj.pk, user_obj.pk])
                    rows = cursor.fetchall()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache


class SignInThrottleBackend(AxesStandaloneBackend):
    """django-axes' check (a locked-out account or address is refused), for sign-ins made from a request.

    ``authenticate()`` without a request (a shell, a management command, the test client's ``login``) has no
    address to count and no visitor to refuse, so it is let through to the other backends instead of raising.
    """

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
