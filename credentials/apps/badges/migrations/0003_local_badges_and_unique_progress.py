"""[OURS] additions on top of upstream's badges tables (spec/badges.md §12.2 #10, §12.4).

* the local Open Badges 3.0 issuer's template and badge tables;
* ``Fulfillment.created``: NULL for the rows upstream wrote (it kept no time), set for new ones;
* one progress row per learner and template, one fulfillment per progress and requirement. Upstream had no such
  constraints, so an upstream database may hold duplicates: they are merged first (the oldest row stays, the
  fulfillments of a duplicate progress move to it).
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def merge_duplicates(apps, schema_editor):
    BadgeProgress = apps.get_model("badges", "BadgeProgress")
    Fulfillment = apps.get_model("badges", "Fulfillment")
    duplicated = (
        BadgeProgress.objects.exclude(template=None)
        .values("username", "template")
        .annotate(rows=models.Count("id"))
        .filter(rows__gt=1)
    )
    for group in duplicated:
        ids = list(
            BadgeProgress.objects.filter(username=group["username"], template=group["template"])
            .order_by("id")
            .values_list("id", flat=True)
        )
        Fulfillment.objects.filter(progress_id__in=ids[1:]).update(progress_id=ids[0])
        BadgeProgress.objects.filter(id__in=ids[1:]).delete()
    duplicated = (
        Fulfillment.objects.exclude(requirement=None)
        .values("progress", "requirement")
        .annotate(rows=models.Count("id"), first=models.Min("id"))
        .filter(rows__gt=1)
    )
    for group in duplicated:
        Fulfillment.objects.filter(progress=group["progress"], requirement=group["requirement"]).exclude(
            id=group["first"]
        ).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('badges', '0002_accredibleapiconfig_accrediblebadge_and_more'),
        ('credentials', '0003_badge_credential_types'),
    ]

    operations = [
        migrations.CreateModel(
            name='LocalBadgeTemplate',
            fields=[
                ('badgetemplate_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to='badges.badgetemplate')),
                ('criteria_narrative', models.TextField(blank=True, default='', help_text='How the badge is earned (required to activate).')),
                ('criteria_url', models.URLField(blank=True, default='', max_length=255)),
                ('tags', models.JSONField(blank=True, default=list)),
                ('valid_days', models.PositiveIntegerField(blank=True, help_text='Days a badge stays valid; empty: forever.', null=True)),
            ],
            options={
                'get_latest_by': 'modified',
                'abstract': False,
            },
            bases=('badges.badgetemplate',),
        ),
        migrations.CreateModel(
            name='LocalBadge',
            fields=[
                ('usercredential_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to='credentials.usercredential')),
                ('state', models.CharField(choices=[('created', 'created'), ('issued', 'issued'), ('revoked', 'revoked'), ('error', 'error')], default='created', max_length=100)),
                ('issued_at', models.DateTimeField(blank=True, null=True)),
                ('expires_at', models.DateTimeField(blank=True, null=True)),
                ('credential_json', models.JSONField(blank=True, help_text='The signed OpenBadgeCredential.', null=True)),
                ('status_list_index', models.PositiveIntegerField(blank=True, null=True)),
            ],
            options={
                'get_latest_by': 'modified',
                'abstract': False,
            },
            bases=('credentials.usercredential',),
        ),
        migrations.AddField(
            model_name='fulfillment',
            name='created',
            field=models.DateTimeField(blank=True, null=True),
        ),
        # The default applies to new rows only: existing rows keep NULL (no backfill for a nullable column).
        migrations.AlterField(
            model_name='fulfillment',
            name='created',
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, null=True),
        ),
        migrations.RunPython(merge_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='badgeprogress',
            constraint=models.UniqueConstraint(fields=('username', 'template'), name='badges_progress_unique_learner'),
        ),
        migrations.AddConstraint(
            model_name='fulfillment',
            constraint=models.UniqueConstraint(fields=('progress', 'requirement'), name='badges_fulfillment_unique_requirement'),
        ),
    ]
