"""The badges app's wiring: feature switch, settings, system checks, tables (spec/badges.md §1-3, §12.2 #10)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from credentials.apps.badges import checks, conf
from credentials.apps.badges.models import (
    AccredibleAPIConfig,
    AccredibleGroup,
    BadgeProgress,
    BadgeRequirement,
    BadgeTemplate,
    CredlyBadge,
    CredlyBadgeTemplate,
    CredlyOrganization,
    Fulfillment,
    LocalBadge,
    LocalBadgeTemplate,
)
from credentials.apps.credentials.models import UserCredential
from tests.factories import CourseCertificateFactory, UserCredentialFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "credentials.settings.test", **env},
        capture_output=True,
        text=True,
    )


def test_starts_without_events_key_and_disabled():
    """Upstream cannot start when BADGES_CONFIG has no "events"; here it starts, and no check complains
    while badges are off."""
    result = run_manage("check", BADGES_ENABLED="false", BADGES_CONFIG=json.dumps({"credly": {}}))
    assert result.returncode == 0, result.stderr
    assert "badges.E00" not in result.stderr + result.stdout


def test_checks_fail_startup_when_enabled_and_misconfigured():
    result = run_manage("check", BADGES_ENABLED="true", BADGES_CONFIG=json.dumps({"events": [], "credly": {}}))
    assert result.returncode != 0
    assert "badges.E001" in result.stderr
    assert "BADGES_CONFIG['events'] must include at least one event." in result.stderr
    assert "badges.E002" in result.stderr


def test_an_unknown_event_type_stops_startup_with_its_name():
    config = {"events": ["org.openedx.learning.no.such.event.v1"], "credly": {}}
    result = run_manage("check", BADGES_ENABLED="true", BADGES_CONFIG=json.dumps(config))
    assert result.returncode != 0
    assert "no Open edX event of type 'org.openedx.learning.no.such.event.v1'" in result.stderr


def test_disabled_has_no_badge_urls_or_admin():
    code = (
        "import django; django.setup();"
        "from django.urls import resolve, Resolver404;"
        "from django.contrib import admin; admin.autodiscover();"
        "from credentials.apps.badges.models import BadgeTemplate;"
        "import credentials.urls;"
        "from django.urls import get_resolver;"
        "print('badges' in get_resolver().namespace_dict, admin.site.is_registered(BadgeTemplate))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "credentials.settings.test", "BADGES_ENABLED": "false"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


def test_enabled_mounts_the_badges_namespace():
    # The namespace exists (routes are added by the provider and local-issuer work).
    from django.urls import get_resolver

    assert "badges" in get_resolver().namespace_dict
    with pytest.raises(NoReverseMatch):
        reverse("badges:no-such-route")
    assert admin.site is not None


def test_checks_pass_with_defaults_and_name_both_errors():
    assert checks.badges_checks() == []
    with override_settings(BADGES_CONFIG={"events": []}):
        assert [error.id for error in checks.badges_checks()] == ["badges.E001", "badges.E002"]
    with override_settings(BADGES_CONFIG={"credly": {"CREDLY_BASE_URL": "x"}}):
        # No "events" key: the default events, not an error; Credly still incomplete.
        assert conf.event_types() == conf.DEFAULT_EVENTS
        assert [error.id for error in checks.badges_checks()] == ["badges.E002"]


def test_test_settings_use_both_sandboxes():
    assert conf.credly_settings()["USE_SANDBOX"] is True
    assert conf.accredible_settings()["USE_SANDBOX"] is True


@pytest.mark.django_db
def test_origin_is_set_from_the_class(site):
    organization = CredlyOrganization.objects.create(uuid="11111111-1111-1111-1111-111111111111")
    credly = CredlyBadgeTemplate.objects.create(site=site, name="C", organization=organization)
    group = AccredibleGroup.objects.create(
        id=9001, site=site, name="A", api_config=AccredibleAPIConfig.objects.create(api_key="k")
    )
    local = LocalBadgeTemplate.objects.create(site=site, name="L")
    assert [BadgeTemplate.objects.get(pk=t.pk).origin for t in (credly, group, local)] == [
        "credly",
        "accredible",
        "openedx",
    ]
    assert AccredibleGroup.objects.get(pk=9001).badgetemplate_ptr_id == 9001
    assert credly.management_url == (
        f"https://sandbox.credly.com/mgmt/organizations/{organization.uuid}/badges/templates/{credly.uuid}/details"
    )
    assert CredlyBadgeTemplate.by_uuid(credly.uuid) == credly
    assert CredlyBadgeTemplate.by_uuid(local.uuid) is None


@pytest.mark.django_db
def test_one_progress_per_learner_and_template_and_one_fulfillment_per_requirement(site):
    template = LocalBadgeTemplate.objects.create(site=site, name="L")
    requirement = BadgeRequirement.objects.create(template=template, event_type=conf.PASSING_STATUS_UPDATED)
    progress = BadgeProgress.objects.create(username="ann", template=template)
    with pytest.raises(IntegrityError), transaction.atomic():
        BadgeProgress.objects.create(username="ann", template=template)
    fulfillment = Fulfillment.objects.create(progress=progress, requirement=requirement)
    assert fulfillment.created is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        Fulfillment.objects.create(progress=progress, requirement=requirement)
    # A template deleted: progress survives with no template, and many such rows may exist per learner.
    template.delete()
    BadgeProgress.objects.create(username="ann", template=None)
    assert BadgeProgress.objects.filter(username="ann", template=None).count() == 2


@pytest.mark.django_db
def test_earned_badges_are_user_credentials_outside_the_v2_api(site, api_client):
    template = LocalBadgeTemplate.objects.create(site=site, name="L", is_active=True)
    organization = CredlyOrganization.objects.create(uuid="22222222-2222-2222-2222-222222222222")
    credly = CredlyBadgeTemplate.objects.create(site=site, name="C", organization=organization)
    for model, tmpl in ((LocalBadge, template), (CredlyBadge, credly)):
        model.objects.create(
            username="ann", credential_content_type=ContentType.objects.get_for_model(tmpl), credential_id=tmpl.pk
        )
    certificate = CourseCertificateFactory(site=site)
    UserCredentialFactory(username="ann", credential=certificate)
    assert UserCredential.objects.filter(username="ann").count() == 3
    assert set(
        ContentType.objects.filter(
            **UserCredential._meta.get_field("credential_content_type").get_limit_choices_to()
        ).values_list("model", flat=True)
    ) >= {"localbadgetemplate", "credlybadgetemplate", "accrediblegroup"}

    staff = UserFactory(is_staff=True, is_superuser=True)
    api_client.force_authenticate(staff)
    response = api_client.get("/api/v2/credentials/", {"username": "ann"})
    assert response.status_code == 200
    assert response.json()["count"] == 1
