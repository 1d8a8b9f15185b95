"""Awarding and revoking outside the bus: badge rows per origin, the provider-revocation rule, the template
helpers and the issuer registry (spec/badges.md §3, §4.8, §12.2 #1, #4, #11)."""

import pytest
from django.contrib.contenttypes.models import ContentType

from credentials.apps.badges import api, issuers
from credentials.apps.badges.models import (
    AccredibleAPIConfig,
    AccredibleBadge,
    AccredibleGroup,
    BadgeProgress,
    BadgeTemplate,
    CredlyBadge,
    CredlyBadgeTemplate,
    CredlyOrganization,
    Fulfillment,
)
from credentials.apps.core.models import User
from tests.badges.conftest import RecordingIssuer, make_template, passed

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner():
    return User.objects.create(username="ann", lms_user_id=5, email="ann@example.org", full_name="Ann")


@pytest.fixture
def credly(site):
    organization = CredlyOrganization.objects.create(uuid="33333333-3333-3333-3333-333333333333")
    return CredlyBadgeTemplate.objects.create(
        site=site, name="Credly", organization=organization, icon="https://images.credly.com/x.png", is_active=True
    )


def test_provider_badges_get_their_model_and_content_type(site, learner, credly):
    group = AccredibleGroup.objects.create(
        id=77, site=site, name="Acc", api_config=AccredibleAPIConfig.objects.create(api_key="k"), is_active=True
    )
    credly_badge = api.award(credly, learner)
    accredible_badge = api.award(group, learner)
    assert isinstance(credly_badge, CredlyBadge) and credly_badge.state == "created"
    assert credly_badge.credential_content_type == ContentType.objects.get_for_model(CredlyBadgeTemplate)
    assert credly_badge.credential == credly
    assert isinstance(accredible_badge, AccredibleBadge)
    assert accredible_badge.credential_content_type.model == "accrediblegroup"
    assert accredible_badge.credential_id == 77
    assert api.award(credly, learner) is None  # already awarded: no transition


def test_a_badge_revoked_at_its_provider_is_not_awarded_again(site, learner, credly):
    badge = api.award(credly, learner)
    assert api.revoke(credly, learner) == badge
    assert api.revoke(credly, learner) is None  # nothing awarded to revoke
    CredlyBadge.objects.filter(pk=badge.pk).update(state="revoked")
    assert api.award(credly, learner) is None
    assert CredlyBadge.objects.get(pk=badge.pk).status == "revoked"
    # Revoked before the provider ever issued it (state created/error): it may be awarded again.
    CredlyBadge.objects.filter(pk=badge.pk).update(state="error")
    assert api.award(credly, learner).status == "awarded"


def test_event_data_has_an_absolute_image_url(site, learner, credly):
    local = make_template(site, [], icon="badge_templates/icons/a b.png")
    plain = make_template(site, [], name="No icon")
    badge = api.award(credly, learner)
    assert api.badge_data(badge, credly, learner).template.image_url == "https://images.credly.com/x.png"
    assert api.image_url(local) == "https://testserver/media/badge_templates/icons/a%20b.png"
    assert api.image_url(plain) == ""
    data = api.badge_data(badge, credly, learner)
    assert (data.user.id, data.user.pii.name, data.template.origin) == (5, "Ann", "credly")


def test_save_with_update_fields_still_sets_the_origin(site):
    template = BadgeTemplate.objects.create(site=site, name="Plain", origin="")
    template.origin = None
    template.name = "Renamed"
    template.save(update_fields=["name"])
    template.refresh_from_db()
    assert (template.name, template.origin) == ("Renamed", "openedx")


def test_template_progress_helpers(site):
    template = make_template(site, [("A", passed("course-v1:X+A+1")), ("B", passed("course-v1:X+B+1"))])
    first, _second = template.requirements.order_by("id")
    assert template.groups == ["A", "B"]
    assert template.user_progress("ann") == 0.0 and not template.is_completed("ann")
    progress = BadgeProgress.objects.create(username="ann", template=template)
    Fulfillment.objects.create(progress=progress, requirement=first, blend="A")
    assert progress.groups == {"A": True, "B": False}
    assert (progress.ratio, progress.completed) == (0.5, False)
    assert template.user_progress("ann") == 0.5


def test_issuer_failures_are_recorded_not_raised(site, learner, django_capture_on_commit_callbacks):
    template = make_template(site, [])
    recording = RecordingIssuer()
    recording.fail = True
    undo = issuers.register("openedx", recording)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            badge = api.award(template, learner)
            assert recording.calls == []  # nothing before commit
        assert [call[0] for call in recording.calls] == ["award"]
        badge.refresh_from_db()
        assert badge.state == "error" and badge.status == "awarded"
        # A retry (retry_badge_issuing) calls the same hook directly.
        recording.fail = False
        assert api.run_issuer(api.AWARD, badge) is True
        badge.refresh_from_db()
        assert badge.state == "issued"
    finally:
        undo()
    assert issuers.get("openedx") is not recording


def test_revoke_certificates_revokes_badges_by_status_only(site, learner, credly):
    from django.core.management import call_command

    badge = api.award(credly, learner)
    local = make_template(site, [])
    local_badge = api.award(local, learner)
    call_command(
        "revoke_certificates",
        "--credential_type",
        "credlybadgetemplate",
        "--credential_id",
        str(credly.pk),
        "--lms_user_ids",
        "5",
    )
    badge.refresh_from_db()
    local_badge.refresh_from_db()
    assert (badge.status, badge.state) == ("revoked", "created")
    assert local_badge.status == "awarded"
    call_command(
        "revoke_certificates",
        "--credential_type",
        "localbadgetemplate",
        "--credential_id",
        str(local.pk),
        "--lms_user_ids",
        "5",
    )
    local_badge.refresh_from_db()
    assert local_badge.status == "revoked"


def test_an_event_without_a_learner_is_a_permanent_error(site, caplog):
    import attrs

    from credentials.apps.badges.event_handlers import handle_badging_event
    from credentials.apps.core.api import PermanentEventError
    from tests.badges.conftest import PASSING

    @attrs.frozen
    class NoLearner:
        is_passing = attrs.field(default=True)

    make_template(site, [("A", [])])
    with pytest.raises(api.BadgesProcessingError, match="User data cannot be found"):
        api.process_event(PASSING, NoLearner())

    class Metadata:
        event_type = PASSING
        id = "e1"

    with pytest.raises(PermanentEventError):
        handle_badging_event(metadata=Metadata(), course_passing_status=NoLearner())
    assert "Badges processing error: User data cannot be found" in caplog.text
