"""The templates admin (spec/badges.md §9, §12.2 #2, §12.3-12.4): local templates with their requirements and
penalties, requirement and penalty pages with data rules validated against the event's key paths, progress, and
a template's awards and progress seen from its page."""

import pytest
import responses

from credentials.apps.badges import conf
from credentials.apps.badges.models import (
    BadgePenalty,
    BadgeProgress,
    BadgeRequirement,
    DataRule,
    LocalBadgeTemplate,
    PenaltyDataRule,
)
from tests.badges.local_helpers import award, local_template, png_upload
from tests.badges.progress_helpers import fulfil, requirement

pytestmark = pytest.mark.django_db

PASSING = conf.PASSING_STATUS_UPDATED
CCX = conf.CCX_PASSING_STATUS_UPDATED
ADD = "/admin/badges/localbadgetemplate/add/"


@pytest.fixture(autouse=True)
def _no_network():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def inline_management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def template_form(site, requirements=(), penalties=0, **fields):
    """POST data of the local template page: the template, ``requirements`` as (event_type, blend) rows, and
    ``penalties`` new penalty rows (without rules)."""
    data = {
        "site": str(site.pk),
        "name": "Data Wrangler",
        "description": "Cleans data.",
        "criteria_narrative": "Pass the Data Wrangling course.",
        "criteria_url": "",
        "tags": '["data"]',
        "valid_days": "",
        "icon": png_upload(),
        "is_active": "on",
        **inline_management("requirements", total=len(requirements)),
        **inline_management("badgepenalty_set", total=penalties),
    }
    for index, (event_type, blend) in enumerate(requirements):
        data[f"requirements-{index}-event_type"] = event_type
        data[f"requirements-{index}-blend"] = blend
        data[f"requirements-{index}-description"] = f"requirement {index}"
    for index in range(penalties):
        data[f"badgepenalty_set-{index}-event_type"] = PASSING
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def errors_of(response):
    """Every error message on an admin change form (the form's and each inline formset's)."""
    messages = list(response.context["adminform"].form.non_field_errors())
    for name, errors in response.context["adminform"].form.errors.items():
        messages += [f"{name}: {error}" for error in errors]
    for inline in response.context["inline_admin_formsets"]:
        messages += list(inline.formset.non_form_errors())
        for form_errors in inline.formset.errors:
            for name, errors in form_errors.items():
                messages += [f"{name}: {error}" for error in errors]
    return messages


# --- Local templates ---------------------------------------------------------------------------------------


def test_a_local_template_is_added_with_its_requirements(admin_client, site):
    response = admin_client.post(ADD, template_form(site, requirements=[(PASSING, "A"), (CCX, "B")]))

    assert response.status_code == 302, errors_of(response)
    template = LocalBadgeTemplate.objects.get()
    assert (template.origin, template.is_active, template.tags) == ("openedx", True, ["data"])
    assert template.icon.name.startswith("badge_templates/icons/")
    assert list(template.requirements.order_by("blend").values_list("event_type", "blend")) == [
        (PASSING, "A"),
        (CCX, "B"),
    ]


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"criteria_narrative": ""}, "criteria_narrative: An active badge template needs its criteria."),
        ({"icon": None}, "icon: An active badge template needs an uploaded image."),
        ({"tags": '{"a": 1}'}, 'tags: Tags must be a JSON list of words, e.g. ["data", "python"].'),
    ],
)
def test_an_active_template_needs_criteria_and_an_image(admin_client, site, fields, error):
    response = admin_client.post(ADD, template_form(site, requirements=[(PASSING, "A")], **fields))

    assert response.status_code == 200
    assert error in errors_of(response)
    assert not LocalBadgeTemplate.objects.exists()


def test_an_inactive_template_may_be_a_draft(admin_client, site):
    data = template_form(site, criteria_narrative="", icon=None, is_active=None)
    assert admin_client.post(ADD, data).status_code == 302
    assert LocalBadgeTemplate.objects.get().is_active is False


def test_an_active_template_needs_a_requirement(admin_client, site):
    response = admin_client.post(ADD, template_form(site))
    assert "Active badge template must have at least one requirement." in errors_of(response)
    assert not LocalBadgeTemplate.objects.exists()


def test_an_active_template_cannot_have_a_penalty_without_rules(admin_client, site):
    response = admin_client.post(ADD, template_form(site, requirements=[(PASSING, "A")], penalties=1))

    assert any("A penalty without rules never fires" in message for message in errors_of(response))
    assert not LocalBadgeTemplate.objects.exists()


def test_new_requirement_rows_offer_the_next_group_letter(admin_client, site):
    template = local_template(site)
    requirement(template, "A", "first")
    requirement(template, "B", "second")

    response = admin_client.get(f"/admin/badges/localbadgetemplate/{template.pk}/change/")

    formset = next(i.formset for i in response.context["inline_admin_formsets"] if i.formset.prefix == "requirements")
    assert [form.initial.get("blend") for form in formset.extra_forms] == ["C"]
    assert admin_client.get(ADD).status_code == 200


def test_the_template_page_shows_its_awards_and_progress(admin_client, site):
    template = local_template(site)
    done, other = requirement(template, "A", "a"), requirement(template, "B", "b")
    fulfil("ada", done, other)
    fulfil("bob", done)
    award(template, "ada")

    page = admin_client.get(f"/admin/badges/localbadgetemplate/{template.pk}/change/").content.decode()

    assert "1 awarded, 0 revoked." in page
    assert "2 learners started." in page
    assert f"/admin/badges/localbadge/?credential_id={template.pk}" in page
    assert f"/admin/badges/badgeprogress/?template_id={template.pk}" in page
    assert "<td>100%</td>" in page and "<td>50%</td>" in page
    assert f"/badges/achievements/{template.uuid.hex}/" in page
    listing = admin_client.get("/admin/badges/localbadgetemplate/").content.decode()
    assert '<td class="field-awarded">1</td>' in listing
    badges = admin_client.get(f"/admin/badges/localbadge/?credential_id={template.pk}")
    assert [badge.username for badge in badges.context["cl"].result_list] == ["ada"]
    progress = admin_client.get(f"/admin/badges/badgeprogress/?template_id={template.pk}")
    assert sorted(record.username for record in progress.context["cl"].result_list) == ["ada", "bob"]


def test_an_active_template_cannot_be_deleted(admin_client, site):
    template = local_template(site)
    admin_client.post(f"/admin/badges/localbadgetemplate/{template.pk}/delete/", {"post": "yes"})
    assert LocalBadgeTemplate.objects.filter(pk=template.pk).exists()


def test_provider_templates_use_the_same_requirement_and_penalty_inlines():
    from credentials.apps.badges.admin import inlines, providers

    assert providers.TEMPLATE_INLINES == inlines.TEMPLATE_INLINES


# --- Requirement pages and their data rules -----------------------------------------------------------------


def rules_form(prefix, rows, initial=0):
    data = inline_management(prefix, total=len(rows), initial=initial)
    for index, (path, operator, value) in enumerate(rows):
        data.update({f"{prefix}-{index}-data_path": path, f"{prefix}-{index}-operator": operator})
        data[f"{prefix}-{index}-value"] = value
    return data


@pytest.fixture
def ccx_requirement(site):
    return requirement(local_template(site), "A", "Pass the CCX", event_type=CCX)


def requirement_page(requirement_row):
    return f"/admin/badges/badgerequirement/{requirement_row.pk}/change/"


def test_the_key_path_choices_are_the_events_minus_the_ignored_ones(admin_client, ccx_requirement):
    response = admin_client.get(requirement_page(ccx_requirement))
    page = response.content.decode()
    for offered in ("course.ccx_course_key", "course.master_course_key", "course.max_students_allowed", "is_passing"):
        assert f'<option value="{offered}">' in page
    assert '<option value="user.pii.email">' not in page and '<option value="course.course_key">' not in page


@pytest.mark.parametrize(
    ("rule", "error"),
    [
        (("grade", "eq", "1"), "data_path: The event org.openedx.learning.ccx.course.passing.status.updated.v1 has no"),
        (("course.course_key", "eq", "x"), "data_path: The event"),  # the non-CCX event's path
        (("is_passing", "eq", "maybe"), "value: Value must be a boolean."),
        (("is_passing", "in", "true, perhaps"), "value: Value must be a boolean."),
        (("is_passing", "gt", "1"), "value: A true/false key path cannot be compared"),
        (("course.max_students_allowed", "ge", "many"), "value: Value must be a number or an ISO-8601 date-time."),
        (("course.ccx_course_key", "lt", "5"), "value: course.ccx_course_key is not a number or a date-time"),
        (("course.coach_email", "in", " , "), "value: Value must be a JSON array of strings or a comma-separated"),
    ],
)
def test_a_rule_that_cannot_work_is_a_form_error(admin_client, ccx_requirement, rule, error):
    data = {"description": "Pass the CCX", **rules_form("rules", [rule])}

    response = admin_client.post(requirement_page(ccx_requirement), data)

    assert response.status_code == 200
    assert any(message.startswith(error) for message in errors_of(response)), errors_of(response)
    assert not DataRule.objects.exists()


def test_valid_rules_are_saved_and_save_returns_to_the_template(admin_client, ccx_requirement):
    rows = [
        ("is_passing", "eq", "yes"),
        ("course.max_students_allowed", "ge", "10"),
        ("course.coach_email", "in", '["coach@example.com"]'),
        ("course.master_course_key", "exists", "ignored"),
    ]
    data = {"description": "Pass it", **rules_form("rules", rows)}

    response = admin_client.post(requirement_page(ccx_requirement), data)

    assert response.status_code == 302
    assert response["Location"] == f"/admin/badges/localbadgetemplate/{ccx_requirement.template_id}/change/"
    assert set(DataRule.objects.values_list("data_path", "operator", "value")) == {
        ("is_passing", "eq", "yes"),
        ("course.max_students_allowed", "ge", "10"),
        ("course.coach_email", "in", '["coach@example.com"]'),
        ("course.master_course_key", "exists", ""),
    }
    template_page = admin_client.get(response["Location"]).content.decode()
    assert "is_passing = yes" in template_page
    assert admin_client.get("/admin/badges/badgerequirement/add/").status_code == 403


# --- Penalties ---------------------------------------------------------------------------------------------


def test_a_penalty_resets_only_requirements_of_its_template(admin_client, site):
    template = local_template(site, is_active=False)
    own = requirement(template, "A", "own")
    foreign = requirement(local_template(site, name="Other"), "A", "foreign")
    penalty = BadgePenalty.objects.create(template=template, event_type=PASSING)
    page = f"/admin/badges/badgepenalty/{penalty.pk}/change/"
    rules = rules_form("rules", [("is_passing", "eq", "false")])

    refused = admin_client.post(page, {"requirements": [str(foreign.pk)], **rules})
    assert "requirements: All requirements must belong to the same template." in errors_of(refused)

    accepted = admin_client.post(page, {"requirements": [str(own.pk)], **rules})
    assert accepted.status_code == 302
    assert list(penalty.requirements.all()) == [own]
    assert list(PenaltyDataRule.objects.values_list("data_path", "operator", "value")) == [
        ("is_passing", "eq", "false")
    ]


def test_the_rules_of_an_active_templates_penalty_cannot_all_go(admin_client, site):
    template = local_template(site)
    own = requirement(template, "A", "own")
    penalty = BadgePenalty.objects.create(template=template, event_type=PASSING)
    penalty.requirements.set([own])
    rule = PenaltyDataRule.objects.create(penalty=penalty, data_path="is_passing", operator="eq", value="false")
    data = {
        "requirements": [str(own.pk)],
        **inline_management("rules", total=1, initial=1),
        "rules-0-id": str(rule.pk),
        "rules-0-penalty": str(penalty.pk),
        "rules-0-data_path": "is_passing",
        "rules-0-operator": "eq",
        "rules-0-value": "false",
        "rules-0-DELETE": "on",
    }

    response = admin_client.post(f"/admin/badges/badgepenalty/{penalty.pk}/change/", data)

    assert any("its penalties need rules" in message for message in errors_of(response))
    assert PenaltyDataRule.objects.filter(pk=rule.pk).exists()


# --- Progress and badges ----------------------------------------------------------------------------------------


def test_progress_pages_show_fulfillments(admin_client, site):
    template = local_template(site)
    done = requirement(template, "A", "Pass A")
    requirement(template, "B", "Pass B")
    fulfil("ada", done)
    progress = BadgeProgress.objects.get(username="ada")

    page = admin_client.get(f"/admin/badges/badgeprogress/{progress.pk}/change/").content.decode()

    assert "0.5" in page and f"BadgeRequirement:{done.pk}:{template.uuid}" in page
    assert admin_client.get("/admin/badges/badgeprogress/add/").status_code == 403
    assert admin_client.get("/admin/badges/badgeprogress/", {"q": "ada"}).context["cl"].result_count == 1


def test_a_local_badge_page_links_to_its_public_page(admin_client, site):
    badge = award(local_template(site), "ada")
    page = admin_client.get(f"/admin/badges/localbadge/{badge.pk}/change/").content.decode()
    assert f"/badges/credentials/{badge.uuid.hex}/" in page and "issued" in page


def test_requirement_ids_in_other_templates_are_not_offered(admin_client, site):
    template = local_template(site, is_active=False)
    requirement(template, "A", "mine")
    other = requirement(local_template(site, name="Other"), "A", "theirs")
    page = admin_client.get(f"/admin/badges/localbadgetemplate/{template.pk}/change/").content.decode()
    assert f'value="{other.pk}">BadgeRequirement:{other.pk}' not in page
    assert BadgeRequirement.objects.count() == 2
