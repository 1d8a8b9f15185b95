"""/credentials/example/ (a fake certificate) and /credentials/example/<program uuid>/ (staff preview)."""

import uuid

import pytest
from django.utils import timezone

from tests.credentials import builders
from tests.factories import OrganizationFactory, SiteConfigurationFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_example_certificate_renders_fake_data_without_database_rows(client, site, django_assert_max_num_queries):
    client.get("/credentials/example/")  # warms the site cache

    with django_assert_max_num_queries(0):
        response = client.get("/credentials/example/")

    page = response.content.decode()
    assert response.status_code == 200
    assert '<strong class="accomplishment-recipient">John Doe</strong>' in page
    assert '<p class="accomplishment-program-name">Completely Example Program</p>' in page
    assert "a program offered by Absolutely Fake University, in collaboration with Test Platform." in page
    assert "Pseudo McFakerson" in page and "Parts Unknown" in page
    assert f"Issued {timezone.now():%B %Y}" in page
    assert "og:url" not in page and "linkedin.com" not in page
    assert "openedx/credentials/programs/professional-certificate/certificate.html" in [
        template.name for template in response.templates
    ]


@pytest.mark.parametrize("program_type", ["xseries", "MicroMasters", "no such type"])
def test_example_of_any_program_type_renders(client, site, program_type):
    response = client.get("/credentials/example/", {"program_type": program_type})

    assert response.status_code == 200
    assert "credentials/programs/certificate.html" in [template.name for template in response.templates]


@pytest.mark.parametrize(
    ("program_type", "summary"),
    [
        ("xseries", "passing grades for an XSeries in"),
        ("XSeries", "passing grades for an XSeries in"),
        ("micromasters", "passing grades for a MicroMasters in"),
        ("microbachelors", "passing grades for a MicroBachelors in"),
        ("masters", "passing grades for a Masters in"),
        ("professional-certificate", "passing grades for a Professional Certificate in"),
        ("Executive Education", "passing grades for an Executive Education in"),
        ("Data Track", "passing grades for a Data Track in"),
    ],
)
def test_example_names_the_type_as_its_display_name_with_its_article(client, site, program_type, summary):
    page = client.get("/credentials/example/", {"program_type": program_type}).content.decode()

    assert summary in page


def test_example_program_type_is_escaped(client, site):
    response = client.get("/credentials/example/", {"program_type": "<script>alert(1)</script>"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("signed_in", [False, True])
def test_example_is_marked_as_a_sample_for_everyone(client, site, signed_in):
    if signed_in:
        client.force_login(UserFactory(username="bob"))

    page = client.get("/credentials/example/").content.decode()

    assert "A sample certificate" in page
    assert "It was not awarded to anyone." in page
    assert '<p class="certificate-sample-mark">Sample — not awarded</p>' in page
    assert "Congratulations" not in page


# --- Staff preview of a real configuration -----------------------------------------------------------------


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(username="staffer", full_name="Sam Staff", is_staff=True))
    builders.cache_lms_user("staffer", "Sam Staff")
    return client


def test_staff_preview_prints_the_viewer_with_the_stand_in_id_issued_now(staff_client, site):
    awarded = builders.program_credential(title="Data Science Foundations", include_hours_of_effort=True)

    response = staff_client.get(f"/credentials/example/{awarded.program.uuid.hex}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert '<strong class="accomplishment-recipient">Sam Staff</strong>' in page
    assert '<p class="accomplishment-program-name">Data Science Foundations</p>' in page
    assert "1" * 32 in page
    assert f"Issued {timezone.now():%B %Y}" in page
    assert "120 hours" in page


def test_staff_preview_is_marked_as_a_sample_not_an_award(staff_client, site):
    awarded = builders.program_credential(title="Data Science Foundations")

    page = staff_client.get(f"/credentials/example/{awarded.program.uuid.hex}/").content.decode()

    assert "Preview: a sample, not an awarded certificate" in page
    assert "This is how certificates of Data Science Foundations will look. Nobody was awarded this one" in page
    assert '<p class="certificate-sample-mark">Sample — not awarded</p>' in page
    assert "Congratulations" not in page


def test_an_awarded_certificate_carries_no_sample_mark(client, site):
    awarded = builders.program_credential()
    client.force_login(UserFactory(username="alice"))

    page = client.get(awarded.url).content.decode()

    assert "Congratulations" in page
    assert "certificate-sample-mark" not in page and "Sample — not awarded" not in page


def test_preview_sends_anonymous_visitors_to_sign_in(client, site):
    awarded = builders.program_credential()
    path = f"/credentials/example/{awarded.program.uuid.hex}/"

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


def test_preview_is_forbidden_to_a_signed_in_learner_instead_of_a_sign_in_loop(client, site):
    """Sending a signed-in learner to sign in would bring them straight back here, and round again (issue 14)."""
    awarded = builders.program_credential()
    client.force_login(UserFactory(username="learner"))

    response = client.get(f"/credentials/example/{awarded.program.uuid.hex}/")

    assert response.status_code == 403
    assert "Location" not in response


def test_preview_of_an_unknown_program_is_not_found(staff_client, site):
    response = staff_client.get(f"/credentials/example/{uuid.uuid4().hex}/")

    assert response.status_code == 404


def test_preview_of_another_sites_program_is_not_found(staff_client, site):
    other = SiteConfigurationFactory(site=SiteFactory(domain="other.example.com")).site
    awarded = builders.program_credential(site=other, orgs=[OrganizationFactory(site=other)])

    assert staff_client.get(f"/credentials/example/{awarded.program.uuid.hex}/").status_code == 404
