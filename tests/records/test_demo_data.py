import pytest
from django.apps import apps
from django.core.management import call_command

from credentials.apps.catalog import api as catalog_api
from credentials.apps.catalog.models import Program
from credentials.apps.core.models import SiteConfiguration, User

pytestmark = pytest.mark.django_db


def snapshot():
    """Every row of the project's apps, as (model, pk, modified-or-values)."""
    rows = set()
    for model in apps.get_models():
        if model._meta.app_label not in {"core", "catalog", "credentials", "records"}:
            continue
        for row in model.objects.values():
            rows.add((model._meta.label, tuple(sorted((k, str(v)) for k, v in row.items()))))
    return rows


def test_demo_data_has_a_site_a_program_of_three_courses_staff_and_learners():
    call_command("load_demo_data")

    configuration = SiteConfiguration.objects.get()
    program = Program.objects.get(site=configuration.site)
    runs = catalog_api.get_ordered(program, "course_runs")
    assert [run.course.title for run in runs] == [
        "Foundations of Data Science",
        "Statistics for Data Science",
        "Machine Learning in Practice",
    ]
    assert [org.key for org in catalog_api.get_ordered(program, "authoring_organizations")] == ["DemoX"]
    assert User.objects.get(username="demo_staff").is_superuser
    assert User.objects.filter(username__in=["alice", "bob"], is_staff=False).count() == 2


def test_loading_demo_data_twice_changes_nothing():
    call_command("load_demo_data")
    before = snapshot()

    call_command("load_demo_data")

    assert snapshot() == before
