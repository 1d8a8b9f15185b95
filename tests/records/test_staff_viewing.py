"""Staff looking at a learner's records with ``?username=``: they see whose records they are, and every link
(the list, each program record, "Back", the CSV) stays on that learner."""

import re

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def staff_client(client, site):
    client.force_login(UserFactory(username="support", full_name="Sam Support", is_staff=True))
    return client


def test_staff_viewing_a_program_record_are_told_whose_it_is(staff_client, partial_program):
    response = staff_client.get(f"/records/programs/{partial_program.uuid.hex}/?username=alice")

    assert response.status_code == 200
    assert "You are viewing the records of Alice Learner (alice) as staff." in text(response)


def test_back_from_a_learners_program_record_returns_to_that_learners_list(staff_client, partial_program):
    response = staff_client.get(f"/records/programs/{partial_program.uuid.hex}/?username=alice")

    html = response.content.decode()
    assert '<a class="records-back" href="/records/?username=alice">Back to the records of alice</a>' in html
    assert "Back to My Records" not in html


def test_staff_see_a_learners_records_list_with_links_that_keep_the_learner(staff_client, partial_program):
    response = staff_client.get("/records/?username=alice")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Learner Records of alice" in text(response) and "Credentials of alice" in text(response)
    assert "My Credentials" not in text(response)
    assert "You are viewing the records of Alice Learner (alice) as staff." in text(response)
    assert f'href="/records/programs/{partial_program.uuid.hex}/?username=alice"' in html
    assert "Data Science" in text(response)


def test_staff_own_records_list_has_no_staff_notice(staff_client, partial_program):
    response = staff_client.get("/records/")

    assert "My Learner Records" in text(response)
    assert "as staff" not in text(response)
    assert "Data Science" not in text(response)  # alice's program is not the staff member's


def test_a_learner_cannot_open_another_learners_records_list(client, partial_program):
    client.force_login(UserFactory(username="mallory"))

    response = client.get("/records/?username=alice")

    assert response.status_code == 403
    assert "Alice Learner" not in text(response)


def test_staff_asking_for_an_unknown_learners_list_get_404(staff_client, partial_program):
    assert staff_client.get("/records/?username=nobody").status_code == 404


def test_a_learner_viewing_their_own_record_goes_back_to_their_own_list(client, partial_program, alice):
    client.force_login(alice)

    html = client.get(f"/records/programs/{partial_program.uuid.hex}/").content.decode()

    assert '<a class="records-back" href="/records/">Back to My Records</a>' in html
    assert "as staff" not in html
