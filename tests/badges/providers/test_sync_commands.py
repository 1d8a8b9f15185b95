"""``sync_organization_badge_templates`` and ``sync_accredible_groups`` (spec/badges.md §10, §6.4, §8.3,
§12.2 #7) against the fake providers."""

import io

import pytest
from django.core.management import CommandError, call_command

from credentials.apps.badges.models import AccredibleGroup, BadgeTemplate, CredlyBadgeTemplate
from tests.badges.fakes.server import DISCONNECT
from tests.badges.providers import builders
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db


def run(command, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue()


# --- Credly ---------------------------------------------------------------------------------------------


def test_credly_templates_are_copied_inactive_and_updated_in_place(fake_credly, site):
    organization = builders.credly_organization(fake_credly)
    org_id = str(organization.uuid)
    for name in ("One", "Two", "Three"):
        fake_credly.add_template(org_id, name=name)
    fake_credly.add_template(org_id, name="Draft", state="draft")

    output = run("sync_organization_badge_templates", "--site_id", str(site.pk))

    assert f"Organization {org_id}: got 3 badge templates." in output
    assert "completed!" in output
    rows = CredlyBadgeTemplate.objects.order_by("name")
    assert [(t.name, t.state, t.is_active, t.origin, t.site_id) for t in rows] == [
        ("One", "active", False, "credly", site.pk),
        ("Three", "active", False, "credly", site.pk),
        ("Two", "active", False, "credly", site.pk),
    ]
    assert str(rows[0].icon) == "https://images.credly.example/One.png"
    base = f"/sandbox/v1/organizations/{org_id}/badge_templates/?filter=state::active"
    assert fake_credly.calls() == [("GET", base), ("GET", f"{base}&page=2")]

    CredlyBadgeTemplate.objects.filter(name="One").update(is_active=True)
    fake_credly.templates[org_id][0]["name"] = "One renamed"
    run("sync_organization_badge_templates", "--site_id", str(site.pk), "--organization_id", org_id)

    assert CredlyBadgeTemplate.objects.count() == 3
    renamed = CredlyBadgeTemplate.objects.get(uuid=fake_credly.templates[org_id][0]["id"])
    assert (renamed.name, renamed.is_active) == ("One renamed", True)  # a sync never changes is_active


def test_credly_sync_needs_a_site(fake_credly):
    with pytest.raises(CommandError, match="--site_id is required") as raised:
        run("sync_organization_badge_templates")
    assert raised.value.returncode == 1
    with pytest.raises(CommandError, match="Site with the id 999 does not exist!"):
        run("sync_organization_badge_templates", "--site_id", "999")


def test_a_credly_failure_changes_nothing_and_fails_the_command(fake_credly, site):
    broken = builders.credly_organization(fake_credly, name="Broken", stored_key="wrong")
    working = builders.credly_organization(fake_credly, name="Working", api_key="ok-key")
    fake_credly.add_template(str(broken.uuid), name="Never")
    fake_credly.add_template(str(working.uuid), name="Copied")

    with pytest.raises(CommandError, match="1 organizations failed"):
        run("sync_organization_badge_templates", "--site_id", str(site.pk))

    assert list(CredlyBadgeTemplate.objects.values_list("name", flat=True)) == ["Copied"]


def test_an_unknown_organization_id_is_an_error(fake_credly, site):
    with pytest.raises(CommandError, match="does not exist"):
        run(
            "sync_organization_badge_templates",
            "--site_id",
            str(site.pk),
            "--organization_id",
            "00000000-0000-0000-0000-000000000000",
        )


def test_a_dropped_page_is_retried_during_sync(fake_credly, site):
    organization = builders.credly_organization(fake_credly)
    for name in ("A", "B", "C"):
        fake_credly.add_template(str(organization.uuid), name=name)
    fake_credly.fail_next(DISCONNECT, path="page=2")

    run("sync_organization_badge_templates", "--site_id", str(site.pk))

    assert CredlyBadgeTemplate.objects.count() == 3


# --- Accredible -----------------------------------------------------------------------------------------


def test_accredible_groups_are_copied_with_their_id_and_design_image(fake_accredible, site):
    config = builders.accredible_config(fake_accredible)
    fake_accredible.add_group(config.api_key, 701, name="Data Science", design_id=5)
    fake_accredible.add_group(config.api_key, 702, name="No Design")

    output = run("sync_accredible_groups", "--site_id", str(site.pk))

    assert f"API Config {config.pk}: got 2 groups." in output
    groups = {group.pk: group for group in AccredibleGroup.objects.all()}
    assert set(groups) == {701, 702}
    assert (groups[701].name, groups[701].state, groups[701].is_active) == ("Data Science", "active", False)
    assert str(groups[701].icon) == "https://images.accredible.example/design-5.png"
    assert str(groups[702].icon) == ""
    assert groups[701].created.year == 2024  # Accredible's creation time
    assert fake_accredible.calls() == [("GET", "/sandbox/v1/issuer/all_groups"), ("GET", "/sandbox/v1/designs/5")]


def test_site_id_defaults_to_1(fake_accredible, site):
    builders.accredible_config(fake_accredible)
    output = run("sync_accredible_groups")
    assert "using the default" in output
    assert "completed!" in output


def test_groups_gone_at_accredible_are_deleted_or_archived_only_for_their_config(fake_accredible, site):
    config = builders.accredible_config(fake_accredible)
    other = builders.accredible_config(fake_accredible, api_key="other-key", name="Other")
    kept = builders.accredible_group(fake_accredible, config, site, group_id=801, name="Kept")
    earned = builders.accredible_group(fake_accredible, config, site, group_id=802, name="Earned")
    unused = builders.accredible_group(fake_accredible, config, site, group_id=803, name="Unused")
    foreign = builders.accredible_group(fake_accredible, other, site, group_id=804, name="Other config's")
    builders.badge(earned, "learner")
    fake_accredible.issuers[config.api_key]["groups"] = [
        g for g in fake_accredible.issuers[config.api_key]["groups"] if g["id"] == 801
    ]

    run("sync_accredible_groups", "--site_id", str(site.pk), "--api_config_id", str(config.pk))

    remaining = {g.pk: (g.state, g.is_active) for g in AccredibleGroup.objects.all()}
    assert remaining == {
        kept.pk: ("active", True),
        earned.pk: ("archived", False),  # its badges keep their template
        foreign.pk: ("active", True),  # another configuration's group is not ours to delete
    }
    assert unused.pk not in remaining


def test_a_group_id_taken_by_another_template_is_skipped(fake_accredible, site, caplog):
    credly_like = BadgeTemplate.objects.create(site=site, name="Local one", origin="openedx")
    config = builders.accredible_config(fake_accredible)
    fake_accredible.add_group(config.api_key, credly_like.pk, name="Colliding")
    fake_accredible.add_group(config.api_key, credly_like.pk + 1000, name="Fine")

    run("sync_accredible_groups", "--site_id", str(site.pk))

    assert list(AccredibleGroup.objects.values_list("name", flat=True)) == ["Fine"]
    assert BadgeTemplate.objects.get(pk=credly_like.pk).name == "Local one"
    assert f"Accredible group {credly_like.pk} of API config {config.pk} skipped" in caplog.text


def test_an_accredible_failure_changes_nothing(fake_accredible, site):
    config = builders.accredible_config(fake_accredible)
    fake_accredible.add_group(config.api_key, 901, name="G", design_id=3)
    fake_accredible.fail_next(500, path="designs")

    with pytest.raises(CommandError, match="1 API configs failed"):
        run("sync_accredible_groups", "--site_id", str(site.pk))

    assert not AccredibleGroup.objects.exists()


def test_an_unknown_api_config_is_an_error(fake_accredible, site):
    with pytest.raises(CommandError, match="AccredibleAPIConfig with the id 42 does not exist!"):
        run("sync_accredible_groups", "--site_id", str(site.pk), "--api_config_id", "42")


def test_groups_go_to_the_given_site(fake_accredible, site):
    other_site = SiteFactory(domain="other.example.com")
    config = builders.accredible_config(fake_accredible)
    fake_accredible.add_group(config.api_key, 950, name="Elsewhere")

    run("sync_accredible_groups", "--site_id", str(other_site.pk))

    assert AccredibleGroup.objects.get().site == other_site
