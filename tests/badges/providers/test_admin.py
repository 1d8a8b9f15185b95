"""The providers' admin pages (spec/badges.md §9, §12.2 #5) through the test client, against the fakes."""

import base64
import re
import uuid

import pytest
from django.contrib.admin.models import LogEntry

from credentials.apps.badges.models import (
    AccredibleGroup,
    BadgeProgress,
    BadgeRequirement,
    CredlyBadgeTemplate,
    CredlyOrganization,
    Fulfillment,
)
from tests.badges.fakes.server import DISCONNECT
from tests.badges.providers import builders

pytestmark = pytest.mark.django_db

EVENT = "org.openedx.learning.course.passing.status.updated.v1"


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


def change_form_data(response):
    """The POST a person makes by saving a change page untouched: the main form's and every inline's
    current values, management forms included."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f"{formset.prefix}-{key}": value for key, value in formset.management_form.initial.items()})
        for subform in formset.forms:
            for name in subform.fields:
                value = subform[name].value()
                if value not in (None, False):
                    data[subform.add_prefix(name)] = "on" if value is True else value
    return data


# --- Credly organizations --------------------------------------------------------------------------------


def test_an_organization_is_added_with_its_name_from_credly(admin_client, site, fake_credly):
    org_id = fake_credly.add_organization(name="Acme at Credly", api_key="good-key")

    response = admin_client.post("/admin/badges/credlyorganization/add/", {"uuid": org_id, "api_key": "good-key"})

    assert response.status_code == 302
    organization = CredlyOrganization.objects.get()
    assert (str(organization.uuid), organization.api_key, organization.name) == (org_id, "good-key", "Acme at Credly")
    [request] = fake_credly.requests
    assert (request.method, request.path) == ("GET", f"/sandbox/v1/organizations/{org_id}/")
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(b"good-key").decode()


@pytest.mark.parametrize("failure", [None, DISCONNECT, 500])
def test_a_key_credly_refuses_is_a_form_error_not_a_500(admin_client, site, fake_credly, failure):
    org_id = fake_credly.add_organization(api_key="good-key")
    if failure:
        fake_credly.fail_next(failure)

    response = admin_client.post(
        "/admin/badges/credlyorganization/add/", {"uuid": org_id, "api_key": "good-key" if failure else "bad-key"}
    )

    assert response.status_code == 200
    assert "Credly did not accept this organization ID and API key" in response.content.decode()
    assert not CredlyOrganization.objects.exists()


def test_a_preconfigured_organization_takes_no_key_and_uses_the_settings_one(admin_client, site, fake_credly, settings):
    org_id = fake_credly.add_organization(name="Configured", api_key="env-key")
    settings.BADGES_CONFIG["credly"]["ORGANIZATIONS"] = {org_id: "env-key"}

    refused = admin_client.post("/admin/badges/credlyorganization/add/", {"uuid": org_id, "api_key": "typed-key"})
    assert "You can&#x27;t provide an API key for a configured organization." in refused.content.decode()
    assert fake_credly.requests == []

    response = admin_client.post("/admin/badges/credlyorganization/add/", {"uuid": org_id, "api_key": ""})

    assert response.status_code == 302
    organization = CredlyOrganization.objects.get()
    assert (organization.api_key, organization.name) == ("", "Configured")
    assert fake_credly.requests[0].headers["Authorization"] == "Basic " + base64.b64encode(b"env-key").decode()
    page = admin_client.get(f"/admin/badges/credlyorganization/{organization.pk}/change/").content.decode()
    assert "Pre-configured from the environment." in page
    assert 'name="api_key"' not in page


def test_an_organization_without_a_key_is_a_form_error(admin_client, site, fake_credly):
    response = admin_client.post("/admin/badges/credlyorganization/add/", {"uuid": str(uuid.uuid4()), "api_key": ""})
    assert "Enter the organization&#x27;s Credly API key." in response.content.decode()
    assert fake_credly.requests == []


def test_the_sync_action_copies_templates_into_the_admin_s_site(admin_client, site, fake_credly):
    organization = builders.credly_organization(fake_credly)
    fake_credly.add_template(str(organization.uuid), name="Synced")

    response = admin_client.post(
        "/admin/badges/credlyorganization/",
        {"action": "sync_organization_badge_templates", "_selected_action": [organization.pk]},
        follow=True,
    )

    assert "Badge templates were successfully updated." in messages_of(response)
    assert CredlyBadgeTemplate.objects.get().site == site


def test_a_failing_sync_action_says_so(admin_client, site, fake_credly):
    organization = builders.credly_organization(fake_credly, stored_key="wrong")

    response = admin_client.post(
        "/admin/badges/credlyorganization/",
        {"action": "sync_organization_badge_templates", "_selected_action": [organization.pk]},
        follow=True,
    )

    [message] = messages_of(response)
    assert message.startswith(f"Failed to sync badge templates for {organization}.")
    assert "Status(401)" in message


def test_a_stored_key_is_never_shown_and_kept_when_left_empty(admin_client, site, fake_credly):
    organization = builders.credly_organization(fake_credly, api_key="very-secret-key")
    url = f"/admin/badges/credlyorganization/{organization.pk}/change/"

    page = admin_client.get(url).content.decode()
    assert "very-secret-key" not in page
    assert 'type="password"' in page

    response = admin_client.post(url, {"uuid": str(organization.uuid), "api_key": ""})

    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.api_key == "very-secret-key"
    assert fake_credly.requests[-1].headers["Authorization"] == "Basic " + base64.b64encode(b"very-secret-key").decode()


def test_an_accredible_key_is_never_shown_and_kept_when_left_empty(admin_client, site, fake_accredible):
    config = builders.accredible_config(fake_accredible, api_key="accredible-secret")
    url = f"/admin/badges/accredibleapiconfig/{config.pk}/change/"

    assert "accredible-secret" not in admin_client.get(url).content.decode()
    assert admin_client.post(url, {"name": "Renamed", "api_key": ""}).status_code == 302

    config.refresh_from_db()
    assert (config.name, config.api_key) == ("Renamed", "accredible-secret")


# --- Credly templates and Accredible groups -------------------------------------------------------------


@pytest.fixture
def credly_template(fake_credly, site):
    return builders.credly_template(fake_credly, builders.credly_organization(fake_credly), site, is_active=False)


def test_a_template_page_shows_credly_s_dashboard_link_and_allows_no_add(admin_client, credly_template):
    page = admin_client.get(f"/admin/badges/credlybadgetemplate/{credly_template.pk}/change/").content.decode()

    assert credly_template.management_url in page
    assert "https://sandbox.credly.example/mgmt/organizations/" in credly_template.management_url
    assert admin_client.get("/admin/badges/credlybadgetemplate/add/").status_code == 403


def test_an_active_template_needs_a_requirement(admin_client, credly_template):
    url = f"/admin/badges/credlybadgetemplate/{credly_template.pk}/change/"
    data = change_form_data(admin_client.get(url))

    response = admin_client.post(url, {**data, "is_active": "on"}, follow=True)

    assert "Active badge template must have at least one requirement." in messages_of(response)
    assert not any("was changed successfully" in message for message in messages_of(response))
    credly_template.refresh_from_db()
    assert credly_template.is_active is False
    assert not LogEntry.objects.filter(object_id=str(credly_template.pk)).exists()  # nothing was changed

    BadgeRequirement.objects.create(template=credly_template, event_type=EVENT, blend="A")
    response = admin_client.post(url, {**change_form_data(admin_client.get(url)), "is_active": "on"}, follow=True)

    credly_template.refresh_from_db()
    assert credly_template.is_active is True


def test_a_template_is_activated_with_a_requirement_added_in_the_same_save(admin_client, credly_template):
    url = f"/admin/badges/credlybadgetemplate/{credly_template.pk}/change/"
    data = change_form_data(admin_client.get(url))
    new = int(data["requirements-INITIAL_FORMS"])  # the inline's blank row
    data.update({f"requirements-{new}-event_type": EVENT, f"requirements-{new}-blend": "A", "is_active": "on"})

    response = admin_client.post(url, data, follow=True)

    assert not any("requirement" in message for message in messages_of(response)), messages_of(response)
    credly_template.refresh_from_db()
    assert credly_template.is_active is True
    assert list(credly_template.requirements.values_list("event_type", "blend")) == [(EVENT, "A")]


def test_removing_the_last_requirement_of_an_active_template_is_refused_and_undone(admin_client, credly_template):
    requirement = BadgeRequirement.objects.create(template=credly_template, event_type=EVENT, blend="A")
    CredlyBadgeTemplate.objects.filter(pk=credly_template.pk).update(is_active=True)
    url = f"/admin/badges/credlybadgetemplate/{credly_template.pk}/change/"
    data = change_form_data(admin_client.get(url))
    data["requirements-0-DELETE"] = "on"

    response = admin_client.post(url, data, follow=True)

    assert "Active badge template must have at least one requirement." in messages_of(response)
    assert BadgeRequirement.objects.filter(pk=requirement.pk).exists()
    assert CredlyBadgeTemplate.objects.get(pk=credly_template.pk).is_active is True


def test_a_template_page_shows_its_awards_and_progress(admin_client, credly_template, fake_credly, site):
    requirement = BadgeRequirement.objects.create(template=credly_template, event_type=EVENT, blend="A")
    BadgeRequirement.objects.create(template=credly_template, event_type=EVENT, blend="B")
    progress = BadgeProgress.objects.create(username="halfway", template=credly_template)
    Fulfillment.objects.create(progress=progress, requirement=requirement, blend="A")
    builders.badge(credly_template, "holder", state="pending", external_uuid=uuid.uuid4())
    builders.badge(credly_template, "unlucky", state="error")
    other = builders.credly_template(fake_credly, credly_template.organization, site, name="Other")
    builders.badge(other, "elsewhere", state="pending")

    page = admin_client.get(f"/admin/badges/credlybadgetemplate/{credly_template.pk}/change/").content.decode()

    assert "2 awarded, 0 revoked, 1 waiting for a retry at the provider (state error)." in page
    assert "holder" in page and "unlucky" in page and "elsewhere" not in page
    assert "1 learners started." in page
    assert re.search(r">halfway</a></td><td>50%<", page)
    listing = admin_client.get(f"/admin/badges/credlybadge/?credential_id={credly_template.pk}").content.decode()
    assert "holder" in listing and "elsewhere" not in listing


def test_an_active_template_cannot_be_deleted(admin_client, credly_template):
    CredlyBadgeTemplate.objects.filter(pk=credly_template.pk).update(is_active=True)
    url = f"/admin/badges/credlybadgetemplate/{credly_template.pk}/delete/"

    response = admin_client.post(url, {"post": "yes"}, follow=True)

    assert "Active badge template cannot be deleted." in messages_of(response)
    assert CredlyBadgeTemplate.objects.filter(pk=credly_template.pk).exists()

    response = admin_client.post(
        "/admin/badges/credlybadgetemplate/",
        {"action": "delete_inactive_selected", "_selected_action": [credly_template.pk], "post": "yes"},
        follow=True,
    )
    assert "Active badge templates cannot be deleted." in messages_of(response)
    assert CredlyBadgeTemplate.objects.filter(pk=credly_template.pk).exists()


def test_an_inactive_template_can_be_deleted(admin_client, credly_template):
    response = admin_client.post(
        f"/admin/badges/credlybadgetemplate/{credly_template.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert not CredlyBadgeTemplate.objects.exists()


def test_the_template_list_filters_and_searches(admin_client, credly_template, fake_credly, site):
    builders.credly_template(fake_credly, credly_template.organization, site, name="Other", is_active=True)

    page = admin_client.get("/admin/badges/credlybadgetemplate/", {"q": "Python"}).content.decode()
    assert "Python Basics" in page and ">Other<" not in page
    page = admin_client.get("/admin/badges/credlybadgetemplate/", {"is_active__exact": "1"}).content.decode()
    assert ">Other<" in page and "Python Basics" not in page


@pytest.fixture
def group(fake_accredible, site):
    config = builders.accredible_config(fake_accredible)
    return builders.accredible_group(fake_accredible, config, site, is_active=False)


def test_a_group_page_links_to_accredible_and_needs_a_requirement_to_activate(admin_client, group):
    url = f"/admin/badges/accrediblegroup/{group.pk}/change/"
    response = admin_client.get(url)
    assert (
        f"https://sandbox.dashboard.accredible.example/issuer/dashboard/group/{group.pk}/information-and-appearance"
        in (response.content.decode())
    )

    response = admin_client.post(url, {**change_form_data(response), "is_active": "on"}, follow=True)

    assert "Active badge template must have at least one requirement." in messages_of(response)
    assert AccredibleGroup.objects.get().is_active is False


def test_the_sync_groups_action(admin_client, site, fake_accredible):
    config = builders.accredible_config(fake_accredible)
    fake_accredible.add_group(config.api_key, 610, name="From Accredible")

    response = admin_client.post(
        "/admin/badges/accredibleapiconfig/", {"action": "sync_groups", "_selected_action": [config.pk]}, follow=True
    )

    assert "Accredible groups were successfully synced." in messages_of(response)
    assert AccredibleGroup.objects.get().name == "From Accredible"


def test_a_failing_sync_groups_action_names_the_config(admin_client, site, fake_accredible):
    config = builders.accredible_config(fake_accredible)
    fake_accredible.fail_next(503)

    response = admin_client.post(
        "/admin/badges/accredibleapiconfig/", {"action": "sync_groups", "_selected_action": [config.pk]}, follow=True
    )

    [message] = messages_of(response)
    assert message.startswith("Failed to sync groups for API config: Main issuer. ")
    assert "Status(503)" in message


# --- Badges ----------------------------------------------------------------------------------------------


def test_badge_lists_show_template_state_and_provider_id(
    admin_client, credly_template, group, django_assert_max_num_queries
):
    for number in range(5):
        builders.badge(credly_template, f"learner{number}", state="pending", external_uuid=uuid.uuid4())
    accredible = builders.badge(group, "ada", state="accepted", external_id=4242)

    with django_assert_max_num_queries(12):
        page = admin_client.get("/admin/badges/credlybadge/").content.decode()

    assert page.count("Python Basics") == 5
    assert len(re.findall(r"class=\"field-state\">pending<", page)) == 5
    page = admin_client.get("/admin/badges/accrediblebadge/", {"q": "4242"}).content.decode()
    assert "Data Science" in page and str(accredible.uuid) in page
    assert admin_client.get("/admin/badges/credlybadge/add/").status_code == 403
