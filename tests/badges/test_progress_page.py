"""GET /badges/progress/ (the learner's progress, requirement by requirement) and the badges section of
/records/ (spec/badges.md §12.5, issue 18 "Learners see their badges and their progress")."""

import pytest
import responses
from django.test import override_settings

from tests.badges.local_helpers import award, local_template, revoke
from tests.badges.progress_helpers import fulfil, requirement
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_network():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def ada(site):
    return UserFactory(username="ada", full_name="Ada Lovelace")


@pytest.fixture
def ada_client(client, ada):
    client.force_login(ada)
    return client


@pytest.fixture
def templates(site):
    wrangler = local_template(site, name="Data Wrangler")
    wrangling = requirement(wrangler, "A", "Pass Data Wrangling")
    statistics = requirement(wrangler, "B", "Pass Statistics")
    finisher = local_template(site, name="Finisher")
    done = requirement(finisher, "A", "Pass the final course")
    fulfil("ada", wrangling, done)
    return {"wrangler": wrangler, "finisher": finisher, "statistics": statistics, "badge": award(finisher, "ada")}


def test_the_page_needs_a_login(client, site):
    response = client.get("/badges/progress/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_page_shows_progress_requirements_and_the_earned_badge(ada_client, templates):
    page = ada_client.get("/badges/progress/").content.decode()

    wrangler = page[page.index("Data Wrangler") : page.index("Finisher")]
    assert '<progress max="100" value="50"' in wrangler and "50%" in wrangler
    assert '✓</span> <span class="sr-only">Done:</span> Pass Data Wrangling' in wrangler
    assert '✗</span> <span class="sr-only">Not done yet:</span> Pass Statistics' in wrangler
    assert "View the badge" not in wrangler
    finisher = page[page.index("Finisher") :]
    assert '<progress max="100" value="100"' in finisher
    badge = templates["badge"]
    assert f'href="http://testserver/badges/credentials/{badge.uuid.hex}/"' in finisher
    assert "style=" not in page and "<script>" not in page


def test_a_revoked_badge_is_shown_as_revoked(ada_client, templates):
    revoke(templates["badge"])
    page = ada_client.get("/badges/progress/").content.decode()
    assert "Revoked" in page and "View the badge" not in page


def test_others_progress_is_for_staff_only(client, ada, templates):
    bob = UserFactory(username="bob")
    client.force_login(bob)
    assert client.get("/badges/progress/?username=ada").status_code == 404
    assert "You have not started any badge yet." in client.get("/badges/progress/").content.decode()
    staff = UserFactory(username="support", is_staff=True)
    client.force_login(staff)
    page = client.get("/badges/progress/?username=ada").content.decode()
    assert "Badges of ada" in page and "Pass Data Wrangling" in page


@override_settings(BADGES_ENABLED=False)
def test_the_page_is_404_when_badges_are_off(ada_client):
    assert ada_client.get("/badges/progress/").status_code == 404


def test_records_lists_earned_badges_and_links_to_progress(ada_client, templates):
    page = ada_client.get("/records/").content.decode()

    section = page[page.index('id="badges-heading"') :]
    assert "My Badges" in page
    assert 'href="/badges/progress/"' in section
    badge = templates["badge"]
    assert f'<a href="http://testserver/badges/credentials/{badge.uuid.hex}/">Finisher</a>' in section
    assert "Data Wrangler" not in section  # started, not earned: on the progress page only
    assert "css/badges.css" in page


def test_records_of_another_learner_for_staff_show_their_badges(client, ada, templates):
    client.force_login(UserFactory(username="support", is_staff=True))
    page = client.get("/records/?username=ada").content.decode()
    assert "Badges of ada" in page
    assert 'href="/badges/progress/?username=ada"' in page


def test_records_without_badges_say_so(client, site):
    client.force_login(UserFactory(username="bob"))
    assert "You have not earned any badges yet." in client.get("/records/").content.decode()


@override_settings(BADGES_ENABLED=False)
def test_records_have_no_badges_section_when_badges_are_off(ada_client, templates):
    page = ada_client.get("/records/").content.decode()
    assert "badges-heading" not in page
