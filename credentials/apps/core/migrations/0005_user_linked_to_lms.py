from django.db import migrations, models
from django.db.models import Q


def link_accounts_made_by_the_lms(apps, schema_editor):
    """Accounts without a usable password that are not superusers were made by SSO, JWTs or the migration's
    service user: they belong to the LMS. Local accounts (a password, or a superuser) stay unlinked."""
    User = apps.get_model("core", "User")
    User.objects.filter(Q(password__startswith="!") | Q(password=""), is_superuser=False).update(linked_to_lms=True)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_event_bus")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="linked_to_lms",
            field=models.BooleanField(
                default=False,
                help_text="The LMS user with this LMS user id (or, without one, this username) may sign in as this "
                "account through SSO and JWTs. Leave off for local accounts.",
                verbose_name="Linked to the LMS",
            ),
        ),
        migrations.RunPython(link_accounts_made_by_the_lms, migrations.RunPython.noop),
    ]
