"""The Django admin as a whole (spec/pages.md §8) and the core app's pages (§9.1)."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from waffle.models import Switch

from credentials.apps.core.models import SiteConfiguration, User
from tests.factories import (
    OrganizationFactory,
    PathwayFactory,
    ProgramCertificateFactory,
    SignatoryFactory,
    SiteFactory,
    UserCredentialAttributeFactory,
    UserCredentialFactory,
    UserFactory,
    UserGradeFactory,
)

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("core", "catalog", "credentials", "records")
# Through tables of ordered catalog links and history tables are edited through their owners.
NOT_REGISTERED = {
    "catalog.CourseOwner",
    "catalog.ProgramCourseRun",
    "catalog.ProgramAuthoringOrganization",
    "catalog.PathwayProgram",
    "credentials.UserCredentialAttribute",
    "credentials.UserCredentialDateOverride",
}


def project_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
        and not model.__name__.startswith("Historical")
        and model._meta.label not in NOT_REGISTERED
    ]


def admin_url(model, suffix=""):
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/{suffix}"


def test_every_model_of_the_project_is_registered():
    registered = set(admin.site._registry)

    assert [model._meta.label for model in project_models() if model not in registered] == []
    for third_party in ("auth.Group", "sites.Site", "waffle.Switch", "waffle.Flag", "social_django.UserSocialAuth"):
        assert apps.get_model(third_party) in registered


def test_admin_is_titled_credentials_administration(admin_client, site):
    body = admin_client.get("/admin/").content.decode()

    assert "<title>Site administration | Credentials Administration</title>" in body
    assert "Credentials Administration" in body


@pytest.mark.parametrize("model", project_models(), ids=lambda model: model._meta.label)
@pytest.mark.parametrize(
    "query", ["", "?q=alice", "?q=6d6c7c34-7e0c-4ef2-8d1c-9bd5b8f0a111", "?q=%25%27%22%3C", "?q=" + "x" * 300]
)
def test_every_changelist_and_search_answers_200(admin_client, site, model, query):
    """No search crashes (upstream's UserCreditPathway search answers 500, spec/pages.md §10.9)."""
    UserCredentialAttributeFactory()
    UserGradeFactory(username="alice")
    ProgramCertificateFactory()
    PathwayFactory()

    response = admin_client.get(admin_url(model) + query)

    assert response.status_code == 200


@pytest.mark.parametrize("model", project_models(), ids=lambda model: model._meta.label)
def test_every_add_page_renders_or_is_refused_cleanly(admin_client, site, model):
    response = admin_client.get(admin_url(model, "add/"))

    assert response.status_code in (200, 403)


def test_waffle_switches_are_managed_in_the_admin(admin_client, site):
    now = {"_0": "2026-01-05", "_1": "10:00:00"}  # the form pre-fills these with the current time
    response = admin_client.post(
        "/admin/waffle/switch/add/",
        {
            "name": "api.log_incoming_requests",
            "active": "on",
            "note": "",
            **{f"created{part}": value for part, value in now.items()},
            **{f"modified{part}": value for part, value in now.items()},
        },
    )

    assert response.status_code == 302
    assert Switch.objects.get(name="api.log_incoming_requests").active is True
    assert "api.log_incoming_requests" in admin_client.get("/admin/waffle/switch/").content.decode()


# --- Users --------------------------------------------------------------------------------------------------


def user_action(client, action, users):
    return client.post(
        "/admin/core/user/", {"action": action, "_selected_action": [user.pk for user in users]}, follow=True
    )


def test_user_list_and_form_show_full_name_but_not_the_lms_user_id(admin_client, site):
    learner = UserFactory(username="alice", full_name="Alice Liddell", lms_user_id=31337)

    listing = admin_client.get("/admin/core/user/").content.decode()
    form = admin_client.get(f"/admin/core/user/{learner.pk}/change/").content.decode()

    assert "Alice Liddell" in listing
    assert 'name="full_name"' in form
    assert "31337" not in form


@pytest.mark.parametrize(
    ("action", "field", "value", "message"),
    [
        ("activate", "is_active", True, "1 user entry was successfully activated."),
        ("deactivate", "is_active", False, "1 user entry was successfully deactivated."),
        ("add_staff", "is_staff", True, "1 user entry was successfully changed."),
        ("remove_staff", "is_staff", False, "1 user entry was successfully changed."),
        ("add_superuser", "is_superuser", True, "1 user entry was successfully changed."),
    ],
)
def test_user_status_actions(admin_client, site, action, field, value, message):
    learner = UserFactory(is_active=not value, is_staff=not value, is_superuser=not value)

    response = user_action(admin_client, action, [learner])

    learner.refresh_from_db()
    assert getattr(learner, field) is value
    assert message in response.content.decode()


def test_removing_superuser_warns_about_groups_and_counts_several(admin_client, site):
    users = [UserFactory(is_superuser=True) for _ in range(2)]

    response = user_action(admin_client, "remove_superuser", users)

    body = response.content.decode()
    assert "2 user entries were successfully changed." in body
    assert "NOTE: This only toggles the is_superuser status flag." in body
    assert not User.objects.filter(pk__in=[user.pk for user in users], is_superuser=True).exists()


def test_staff_who_may_change_users_cannot_grant_superuser(client, site):
    staff = UserFactory(username="helpdesk", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    client.force_login(staff)
    target = UserFactory(username="target")

    changelist = client.get("/admin/core/user/")
    user_action(client, "add_superuser", [target])
    change = client.get(f"/admin/core/user/{staff.pk}/change/").content.decode()

    actions = [name for name, _ in changelist.context["action_form"].fields["action"].choices]
    assert "activate" in actions and "add_superuser" not in actions
    assert 'name="is_superuser"' not in change
    target.refresh_from_db()
    assert target.is_superuser is False


# --- Site configuration ---------------------------------------------------------------------------------------


def site_configuration_form(site, **overrides):
    data = {
        "site": site.pk,
        "platform_name": "Example Academy",
        "company_name": "Example Inc",
        "theme_name": "OpenEdX",
        "lms_url_root": "https://lms.example.com",
        "catalog_api_url": "https://discovery.example.com/api/v1/",
        "tos_url": "https://example.com/tos",
        "privacy_policy_url": "https://example.com/privacy",
        "homepage_url": "https://example.com",
        "certificate_help_url": "https://example.com/help",
        "records_help_url": "",
        "records_enabled": "on",
        "twitter_username": "@example",
        "facebook_app_id": "",
        "enable_linkedin_sharing": "on",
    }
    data.update(overrides)
    return data


def test_site_configuration_is_saved_with_lower_case_theme_and_bare_twitter_name(admin_client):
    new_site = SiteFactory(domain="credentials.example.com")

    response = admin_client.post("/admin/core/siteconfiguration/add/", site_configuration_form(new_site))

    assert response.status_code == 302
    configuration = SiteConfiguration.objects.get(site=new_site)
    assert (configuration.theme_name, configuration.twitter_username) == ("openedx", "example")


def test_facebook_sharing_needs_an_app_id(admin_client):
    new_site = SiteFactory(domain="credentials.example.com")

    response = admin_client.post(
        "/admin/core/siteconfiguration/add/", site_configuration_form(new_site, enable_facebook_sharing="on")
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()["facebook_app_id"]
    assert [(error.message, error.code) for error in errors] == [
        ("A Facebook app ID is required to enable Facebook sharing.", "required_for_sharing")
    ]


def test_admins_group_is_listed_with_its_permissions(admin_client, site):
    group = Group.objects.get(name="Admins")

    body = admin_client.get(f"/admin/auth/group/{group.pk}/change/").content.decode()

    assert "Admins" in body


def test_organization_logo_and_signature_previews(admin_client, site):
    OrganizationFactory(name="Demo University", certificate_logo_image_url="https://cdn.example.com/logo.png")
    OrganizationFactory(name="Sneaky", certificate_logo_image_url='javascript:alert(1)" onerror="x')
    signatory = SignatoryFactory(name="Grace Hopper")

    organizations = admin_client.get("/admin/catalog/organization/").content.decode()
    signatories = admin_client.get("/admin/credentials/signatory/").content.decode()

    assert '<img src="https://cdn.example.com/logo.png" alt="Demo University"' in organizations
    assert 'src="javascript' not in organizations and 'onerror="x"' not in organizations
    assert f'<img src="{signatory.image.url}" alt="Grace Hopper"' in signatories


def test_user_credential_changelist_links_nothing_unescaped(admin_client, site):
    UserCredentialFactory(username="<script>alert(1)</script>")

    body = admin_client.get("/admin/credentials/usercredential/").content.decode()

    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_admin_login_page_keeps_the_password_form_and_offers_lms_sign_in(client, site):
    body = client.get("/admin/login/?next=/admin/credentials/").content.decode()

    assert 'name="password"' in body
    assert (
        '<a class="button" id="sso-login" href="/login/?next=/admin/credentials/">Sign in with Test Platform</a>'
        in body
    )


# --- History (django-simple-history) ------------------------------------------------------------------


def history_tracked_models():
    return [model for model in project_models() if hasattr(model, "history") and model in admin.site._registry]


def test_six_models_are_history_tracked():
    assert sorted(model.__name__ for model in history_tracked_models()) == [
        "CourseCertificate",
        "ProgramCertificate",
        "ProgramCompletionEmailConfiguration",
        "SiteConfiguration",
        "UserCredential",
        "UserGrade",
    ]


@pytest.mark.parametrize("object_id", ["abc", "1x", "%20"])
@pytest.mark.parametrize("model", history_tracked_models(), ids=lambda model: model.__name__)
def test_history_of_a_non_numeric_id_is_404(admin_client, site, model, object_id):
    assert admin_client.get(admin_url(model, f"{object_id}/history/")).status_code == 404
    assert admin_client.get(admin_url(model, f"{object_id}/history/1/")).status_code == 404
    assert admin_client.get(admin_url(model, f"1/history/{object_id}/")).status_code == 404


@pytest.mark.parametrize("model", history_tracked_models(), ids=lambda model: model.__name__)
def test_history_of_an_unknown_numeric_id_is_not_a_500(admin_client, site, model):
    assert admin_client.get(admin_url(model, "987654/history/")).status_code in (302, 404)
