ADMINS_GROUP = "Admins"

# Model permissions the Admins group holds (DESIGN.md §5.4). Permissions of models that do not exist
# yet are granted as soon as their app is migrated (see signals.grant_admins_permissions).
ADMINS_PERMISSIONS = (
    ("credentials", "add_usercredential"),
    ("credentials", "change_usercredential"),
    ("credentials", "view_usercredential"),
    ("credentials", "delete_usercredential"),
    ("records", "add_usergrade"),
    ("records", "change_usergrade"),
)


class HealthStatus:
    OK = "OK"
    UNAVAILABLE = "UNAVAILABLE"
