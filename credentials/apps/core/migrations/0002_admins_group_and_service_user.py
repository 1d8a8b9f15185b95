from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import migrations

ADMINS_GROUP = "Admins"


def create_admins_and_service_user(apps, schema_editor):
    # Permissions are granted by core.signals.grant_admins_permissions after every migrate, once the
    # models that own them exist; here only the group and the service user are created.
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("core", "User")
    admins, _ = Group.objects.get_or_create(name=ADMINS_GROUP)
    service_user, created = User.objects.get_or_create(
        username=settings.CREDENTIALS_SERVICE_USER, defaults={"is_staff": True, "password": make_password(None)}
    )
    service_user.groups.add(admins)


def remove_admins_and_service_user(apps, schema_editor):
    apps.get_model("core", "User").objects.filter(username=settings.CREDENTIALS_SERVICE_USER).delete()
    apps.get_model("auth", "Group").objects.filter(name=ADMINS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_admins_and_service_user, remove_admins_and_service_user)]
