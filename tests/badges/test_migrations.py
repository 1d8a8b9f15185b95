"""An upstream database (badges tables at upstream's 0002) migrates in place: duplicate progress rows and
fulfillments, which upstream allowed, are merged before the unique constraints are added (spec/badges.md §12.2 #10)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

UPSTREAM = [("badges", "0002_accredibleapiconfig_accrediblebadge_and_more")]
OURS = [("badges", "0003_local_badges_and_unique_progress")]


@pytest.mark.django_db(transaction=True)
def test_upstream_duplicates_are_merged(site):
    executor = MigrationExecutor(connection)
    executor.migrate(UPSTREAM)
    try:
        apps = executor.loader.project_state(UPSTREAM).apps
        Template = apps.get_model("badges", "BadgeTemplate")
        Requirement = apps.get_model("badges", "BadgeRequirement")
        Progress = apps.get_model("badges", "BadgeProgress")
        Fulfillment = apps.get_model("badges", "Fulfillment")
        template = Template.objects.create(site_id=site.pk, name="Upstream", origin="credly")
        first, second = (Requirement.objects.create(template=template, event_type="x", blend=b) for b in "AB")
        p1, p2 = (Progress.objects.create(username="ann", template=template) for _ in range(2))
        Progress.objects.create(username="bob", template=template)
        Fulfillment.objects.create(progress=p1, requirement=first, blend="A")
        Fulfillment.objects.create(progress=p1, requirement=first, blend="A")
        Fulfillment.objects.create(progress=p2, requirement=first, blend="A")
        Fulfillment.objects.create(progress=p2, requirement=second, blend="B")
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    from credentials.apps.badges.models import BadgeProgress
    from credentials.apps.badges.models import Fulfillment as Current

    ann = BadgeProgress.objects.get(username="ann")
    assert ann.pk == p1.pk  # the oldest row stays
    assert sorted(Current.objects.filter(progress=ann).values_list("requirement_id", flat=True)) == [
        first.pk,
        second.pk,
    ]
    assert Current.objects.filter(progress=ann).values_list("created", flat=True).distinct().get() is None
    assert ann.ratio == 1.0
    assert BadgeProgress.objects.filter(username="bob").count() == 1
