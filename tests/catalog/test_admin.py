"""The catalog in the admin: mirrors of course-discovery, read-only once synced (spec/pages.md §9.3)."""

import uuid

import pytest

from credentials.apps.catalog import api as catalog_api
from credentials.apps.catalog.models import Organization, Program
from tests.factories import OrganizationFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def test_an_organization_can_be_added_with_a_logo_url(admin_client, site):
    org_uuid = uuid.uuid4()

    response = admin_client.post(
        "/admin/catalog/organization/add/",
        {
            "site": site.pk,
            "uuid": str(org_uuid),
            "key": "AdminU",
            "name": "Admin University",
            "certificate_logo_image_url": "https://cdn.example.com/adminu.png",
        },
    )

    assert response.status_code == 302
    organization = Organization.objects.get(uuid=org_uuid)
    assert (organization.site, organization.key) == (site, "AdminU")


def test_a_synced_organization_is_shown_read_only(admin_client, site):
    organization = OrganizationFactory(name="Synced U")

    page = admin_client.get(f"/admin/catalog/organization/{organization.pk}/change/").content.decode()
    admin_client.post(
        f"/admin/catalog/organization/{organization.pk}/change/",
        {"site": site.pk, "uuid": str(uuid.uuid4()), "key": "X", "name": "Renamed"},
    )

    assert 'name="name"' not in page and "Synced U" in page
    organization.refresh_from_db()
    assert organization.name == "Synced U"


def test_a_program_is_added_with_its_ordered_authoring_organizations(admin_client, site):
    first, second = OrganizationFactory(name="First U"), OrganizationFactory(name="Second U")
    program_uuid = uuid.uuid4()
    links = "authoring_organization_links"

    response = admin_client.post(
        "/admin/catalog/program/add/",
        {
            "site": site.pk,
            "uuid": str(program_uuid),
            "title": "Hand-made Program",
            "type": "Professional Certificate",
            "type_slug": "professional-certificate",
            "status": "active",
            f"{links}-TOTAL_FORMS": "2",
            f"{links}-INITIAL_FORMS": "0",
            f"{links}-0-organization": second.pk,
            f"{links}-0-sort_value": "0",
            f"{links}-1-organization": first.pk,
            f"{links}-1-sort_value": "1",
            "course_run_links-TOTAL_FORMS": "0",
            "course_run_links-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    program = Program.objects.get(uuid=program_uuid)
    assert catalog_api.get_ordered(program, "authoring_organizations") == [second, first]
    change = admin_client.get(f"/admin/catalog/program/{program.pk}/change/").content.decode()
    assert f'name="{links}-0-organization"' not in change  # links are synced data once the program exists


@pytest.mark.parametrize("form", ["hex", "hyphenated"])
def test_programs_are_found_by_title_or_uuid(admin_client, site, form):
    wanted = ProgramFactory(title="Data Science Foundations")
    ProgramFactory(title="Other")

    for term in ("science", wanted.uuid.hex if form == "hex" else str(wanted.uuid)):
        response = admin_client.get("/admin/catalog/program/", {"q": term})
        assert list(response.context["cl"].result_list) == [wanted]
