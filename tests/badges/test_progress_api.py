"""GET /badges/api/v1/progress/: who may see whose progress, the filters, the body of spec/badges.md §12.5, and a
query count that does not grow with templates and requirements."""

import uuid

import pytest
import responses
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from credentials.apps.badges.models import (
    AccredibleAPIConfig,
    AccredibleBadge,
    AccredibleGroup,
    CredlyBadge,
    CredlyBadgeTemplate,
    CredlyOrganization,
)
from tests.badges.local_helpers import award, local_template
from tests.badges.progress_helpers import CCX, fulfil, requirement
from tests.factories import SiteConfigurationFactory, SiteFactory, UserFactory
from tests.jwt_helpers import auth_header, make_token

pytestmark = pytest.mark.django_db

URL = "/badges/api/v1/progress/"


@pytest.fixture(autouse=True)
def _no_network():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def ada(site):
    return UserFactory(username="ada", full_name="Ada Lovelace")


@pytest.fixture
def ada_jwt(ada):
    return auth_header(make_token("ada"))


@pytest.fixture
def wrangler(site):
    """Two groups: A (one requirement) and B (two alternatives); ada has done A and one of B."""
    template = local_template(site, name="Data Wrangler", description="Cleans data.")
    a = requirement(template, "A", "Pass Data Wrangling")
    b1 = requirement(template, "B", "Pass Statistics")
    b2 = requirement(template, "B", "Pass Statistics (CCX)", event_type=CCX)
    template.reqs = (a, b1, b2)
    return template


def test_the_body_has_the_documented_shape(api_client, site, ada, ada_jwt, wrangler):
    a, b1, b2 = wrangler.reqs
    fulfil("ada", a)

    response = api_client.get(URL, secure=True, **ada_jwt)

    assert response.status_code == 200
    assert response.json() == {
        "username": "ada",
        "results": [
            {
                "template": {
                    "uuid": str(wrangler.uuid),
                    "origin": "openedx",
                    "name": "Data Wrangler",
                    "description": "Cleans data.",
                    "image_url": f"https://testserver{wrangler.icon.url}",
                },
                "is_active": True,
                "ratio": 0.5,
                "completed": False,
                "groups": [
                    {
                        "group": "A",
                        "fulfilled": True,
                        "requirements": [
                            {
                                "id": a.pk,
                                "description": "Pass Data Wrangling",
                                "event_type": "org.openedx.learning.course.passing.status.updated.v1",
                                "fulfilled": True,
                                "fulfilled_at": "2026-03-04T05:06:07Z",
                            }
                        ],
                    },
                    {
                        "group": "B",
                        "fulfilled": False,
                        "requirements": [
                            {
                                "id": b1.pk,
                                "description": "Pass Statistics",
                                "event_type": "org.openedx.learning.course.passing.status.updated.v1",
                                "fulfilled": False,
                                "fulfilled_at": None,
                            },
                            {
                                "id": b2.pk,
                                "description": "Pass Statistics (CCX)",
                                "event_type": "org.openedx.learning.ccx.course.passing.status.updated.v1",
                                "fulfilled": False,
                                "fulfilled_at": None,
                            },
                        ],
                    },
                ],
                "badge": None,
            }
        ],
    }


def test_a_completed_template_links_its_badge(api_client, site, ada, ada_jwt, wrangler):
    a, b1, _ = wrangler.reqs
    fulfil("ada", a, b1)
    badge = award(wrangler, "ada")

    result = api_client.get(URL, secure=True, **ada_jwt).json()["results"][0]

    assert result["ratio"] == 1.0 and result["completed"] is True
    assert result["badge"] == {
        "uuid": str(badge.uuid),
        "status": "awarded",
        "state": "issued",
        "issued_at": badge.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "url": f"https://testserver/badges/credentials/{badge.uuid.hex}/",
    }


def test_provider_badges_link_to_credly_and_none_for_accredible(api_client, site, ada, ada_jwt):
    organization = CredlyOrganization.objects.create(uuid=uuid.uuid4())
    credly = CredlyBadgeTemplate.objects.create(site=site, name="Credly one", organization=organization)
    group = AccredibleGroup.objects.create(
        id=777, site=site, name="Accredible one", api_config=AccredibleAPIConfig.objects.create(api_key="k")
    )
    fulfil("ada", requirement(credly, "A", "x"), requirement(group, "A", "y"))
    external = uuid.uuid4()
    CredlyBadge.objects.create(
        username="ada",
        credential_content_type=ContentType.objects.get_for_model(CredlyBadgeTemplate),
        credential_id=credly.pk,
        state="accepted",
        external_uuid=external,
    )
    AccredibleBadge.objects.create(
        username="ada",
        credential_content_type=ContentType.objects.get_for_model(AccredibleGroup),
        credential_id=group.pk,
        state="accepted",
        external_id=42,
    )

    results = api_client.get(URL, **ada_jwt).json()["results"]

    assert [result["template"]["name"] for result in results] == ["Accredible one", "Credly one"]
    assert [result["template"]["origin"] for result in results] == ["accredible", "credly"]
    assert results[0]["badge"]["url"] is None and results[0]["badge"]["state"] == "accepted"
    assert results[1]["badge"]["url"] == f"https://sandbox.credly.com/badges/{external}"  # USE_SANDBOX in tests


def test_unstarted_templates_only_when_asked_and_only_active_ones(api_client, site, ada, ada_jwt, wrangler):
    local_template(site, name="Inactive one", is_active=False)
    local_template(site, name="Another")

    assert api_client.get(URL, **ada_jwt).json()["results"] == []
    results = api_client.get(URL + "?include_unstarted=true", **ada_jwt).json()["results"]
    assert [result["template"]["name"] for result in results] == ["Another", "Data Wrangler"]
    assert results[1]["ratio"] == 0.0 and results[1]["groups"][0]["fulfilled"] is False


def test_template_uuid_filter(api_client, site, ada, ada_jwt, wrangler):
    other = local_template(site, name="Another")
    fulfil("ada", wrangler.reqs[0], requirement(other, "A", "z"))

    results = api_client.get(URL, {"template_uuid": str(other.uuid)}, **ada_jwt).json()["results"]
    assert [result["template"]["name"] for result in results] == ["Another"]
    assert api_client.get(URL, {"template_uuid": "nope"}, **ada_jwt).status_code == 400
    assert api_client.get(URL, {"include_unstarted": "maybe"}, **ada_jwt).status_code == 400


def test_only_the_request_sites_templates(api_client, site, ada, ada_jwt, wrangler):
    other_site = SiteFactory(domain="other.example.com")
    SiteConfigurationFactory(site=other_site)
    fulfil("ada", requirement(local_template(other_site, name="Elsewhere"), "A", "x"), wrangler.reqs[0])

    names = [
        r["template"]["name"] for r in api_client.get(URL + "?include_unstarted=true", **ada_jwt).json()["results"]
    ]
    assert names == ["Data Wrangler"]


def test_anonymous_is_401_and_others_progress_is_staff_only(api_client, site, ada, ada_jwt, wrangler):
    fulfil("bob", wrangler.reqs[0])

    assert api_client.get(URL).status_code == 401
    assert api_client.get(URL, {"username": "bob"}, **ada_jwt).status_code == 403
    assert api_client.get(URL, {"username": "ada"}, **ada_jwt).status_code == 403  # as the records API
    staff = auth_header(make_token("support", administrator=True))
    response = api_client.get(URL, {"username": "bob"}, **staff)
    assert response.status_code == 200
    assert response.json()["username"] == "bob" and len(response.json()["results"]) == 1


def test_a_session_works_too(client, site, ada, wrangler):
    fulfil("ada", wrangler.reqs[0])
    client.force_login(ada)
    assert client.get(URL).json()["results"][0]["ratio"] == 0.5


def test_the_query_count_does_not_grow_with_templates(api_client, site, ada, ada_jwt, django_assert_max_num_queries):
    def add_templates(count):
        for number in range(count):
            template = local_template(site, name=f"T{number}", icon=None)
            a, b = requirement(template, "A", "a"), requirement(template, "B", "b")
            fulfil("ada", a, b)
            award(template, "ada")

    add_templates(1)
    api_client.get(URL + "?include_unstarted=true", **ada_jwt)  # warm content types and the user
    with CaptureQueriesContext(connection) as one:
        api_client.get(URL + "?include_unstarted=true", **ada_jwt)
    # progress rows, unstarted templates, requirements, fulfillments, badges (the JWT user is cached)
    assert len(one.captured_queries) <= 5
    add_templates(9)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = api_client.get(URL + "?include_unstarted=true", **ada_jwt)
    assert len(response.json()["results"]) == 10
    assert all(result["badge"]["state"] == "issued" for result in response.json()["results"])


@override_settings(BADGES_ENABLED=False)
def test_404_when_badges_are_off(api_client, ada_jwt):
    assert api_client.get(URL, **ada_jwt).status_code == 404
