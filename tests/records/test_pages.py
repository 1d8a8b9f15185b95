"""The server-rendered records pages (DESIGN.md §5.6) and their front-end redirects (spec/pages.md §5.3)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from credentials.apps.core.models import SiteConfiguration
from tests.factories import (
    CourseCertificateFactory,
    ProgramCertRecordFactory,
    ProgramFactory,
    SiteConfigurationFactory,
    SiteFactory,
    UserFactory,
)
from tests.records.helpers import at, award, award_program, grade, make_program

pytestmark = pytest.mark.django_db

MFE = "https://learner-record.example.com/"


def text(response):
    """The page's visible text, whitespace collapsed (tags dropped)."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def private_url(program, username=None):
    return f"/records/programs/{program.uuid.hex}/" + (f"?username={username}" if username else "")


# --- Records list ------------------------------------------------------------------------------------------


def test_records_list_needs_login(client, site):
    response = client.get("/records/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/records/"


def test_records_list_shows_programs_with_an_earned_course_and_their_status(alice_client, partial_program):
    completed_program, _, configurations = make_program(1, title="Applied AI")
    award("alice", configurations[0])
    award_program("alice", completed_program)
    make_program(1, title="Untouched Program")

    response = alice_client.get("/records/")

    assert response.status_code == 200
    page = text(response)
    assert "My Learner Records" in page
    assert "Applied AI" in page and "Data Science" in page and "Untouched Program" not in page
    assert page.index("Applied AI") < page.index("Data Science")  # by title
    assert "Applied AI MITx University Completed" in page
    assert "Data Science MITx University Partially Completed" in page
    assert f'href="/records/programs/{partial_program.uuid.hex}/"' in response.content.decode()


def test_records_list_links_back_to_the_lms_profile_and_to_help(alice_client, partial_program):
    response = alice_client.get("/records/")

    html = response.content.decode()
    assert 'href="https://lms.example.com/u/alice"' in html
    assert "Questions about Learner Records?" in text(response)
    assert 'href="https://example.com/records-help"' in html


def test_records_list_empty_state(alice_client, site):
    page = text(alice_client.get("/records/"))

    assert "No records yet. Program records are created once you have earned at least one course certificate" in page
    assert "You have not earned any certificates yet." in page


def test_records_list_shows_every_earned_visible_certificate_newest_first_with_its_link(alice_client, partial_program):
    older = award("alice", CourseCertificateFactory(title="Old Course Certificate"), created=at(2023, 1, 1))
    newest = award("alice", partial_program.configurations[1], created=at(2025, 2, 3))
    program_credential = award_program("alice", partial_program)  # visible from the latest course date: 2025
    award("alice", CourseCertificateFactory(title="Revoked One"), status="revoked")
    hidden = CourseCertificateFactory(title="Not Yet Visible", certificate_available_date=timezone.now() + timedelta(1))
    award("alice", hidden)
    award("bob", CourseCertificateFactory(title="Bob's Course"))

    response = alice_client.get("/records/")

    html, page = response.content.decode(), text(response)
    section = page[page.index("My Credentials") :]
    assert "Revoked One" not in section and "Not Yet Visible" not in section and "Bob's Course" not in section
    titles = re.findall(r'<h4 class="credential-title"><a href="/credentials/([0-9a-f]{32})/">', html)
    assert titles[0] in (program_credential.uuid.hex, newest.uuid.hex)
    assert set(titles[:2]) == {program_credential.uuid.hex, newest.uuid.hex}
    assert titles[-1] == older.uuid.hex
    assert len(titles) == 4  # program, course 2, course 1 (2024), the old one
    assert f'data-link="http://testserver/credentials/{older.uuid.hex}/"' in html
    assert "Program certificate · Professional Certificate" in section
    assert "Issued February 3, 2025" in section


def test_certificates_of_another_site_are_not_listed(alice_client, site):
    other_site = SiteConfigurationFactory(site=SiteFactory(domain="other.example.com")).site
    award("alice", CourseCertificateFactory(site=other_site, title="Elsewhere"))

    assert "Elsewhere" not in text(alice_client.get("/records/"))


def test_records_list_escapes_catalog_text(alice_client, site):
    _, _, configurations = make_program(1, title="<script>alert(1)</script>")
    award("alice", configurations[0])

    html = alice_client.get("/records/").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- Private program record ----------------------------------------------------------------------------


def test_program_record_shows_the_learner_program_and_course_table(alice_client, partial_program):
    response = alice_client.get(private_url(partial_program))

    assert response.status_code == 200
    page = text(response)
    assert "Data Science Record" in page
    assert "Professional Certificate Program Record" in page
    assert "Partially Completed" in page
    assert "Test Platform | MITx University" in page
    assert "Alice Learner alice | alice@example.com" in page
    run_key = partial_program.runs[0].key.removeprefix("course-v1:")
    assert f"Course 1 MITx University {run_key} 95% A 1 May 11, 2024 Earned" in page
    assert "Course 2 MITx University Not Earned" in page
    assert "Send Learner Record" in page and "Share" in page and "Download CSV" in page


def test_program_record_offers_only_published_credit_pathways(alice_client, partial_program):
    html = alice_client.get(private_url(partial_program)).content.decode()

    assert f'value="{partial_program.pathway.pk}" data-name="State University"' in html
    assert "Send to Test Platform Credit Partner" in html


def test_program_record_needs_login(client, partial_program):
    response = client.get(private_url(partial_program))

    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/records/programs/")


def test_learner_cannot_see_another_learners_record(client, partial_program):
    client.force_login(UserFactory(username="mallory"))

    response = client.get(private_url(partial_program, "alice"))

    assert response.status_code == 403
    assert "Alice Learner" not in text(response)
    assert "You cannot view this record" in text(response)


def test_learner_may_name_themself(alice_client, partial_program):
    assert alice_client.get(private_url(partial_program, "alice")).status_code == 200


def test_staff_sees_any_learners_record(client, partial_program):
    client.force_login(UserFactory(username="support", is_staff=True))

    response = client.get(private_url(partial_program, "alice"))

    assert response.status_code == 200
    assert "Alice Learner alice | alice@example.com" in text(response)
    assert "/csv?username=alice" in response.content.decode()


def test_staff_asking_for_an_unknown_learner_gets_404(client, partial_program):
    client.force_login(UserFactory(username="support", is_staff=True))

    assert client.get(private_url(partial_program, "nobody")).status_code == 404


def test_unknown_program_is_404(alice_client, site):
    assert alice_client.get("/records/programs/0123456789abcdef0123456789abcdef/").status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/records/programs/0123456789ABCDEF0123456789ABCDEF/", "/records/programs/01234567-89ab-cdef-0123-456789abcdef/"],
)
def test_uuids_in_paths_are_32_lowercase_hex(alice_client, site, path):
    assert alice_client.get(path).status_code == 404


def test_program_of_another_site_is_404(alice_client, site):
    other_site = SiteConfigurationFactory(site=SiteFactory(domain="other.example.com")).site
    program = ProgramFactory(site=other_site)

    assert alice_client.get(private_url(program)).status_code == 404


def test_program_without_runs_shows_an_empty_record(alice_client, site):
    program = ProgramFactory(title="Nothing Yet")

    response = alice_client.get(private_url(program))

    assert response.status_code == 200
    assert "Nothing Yet Record" in text(response)
    assert "Not Earned" in text(response)
    assert "This program has no courses yet." in text(response)


def test_completed_program_shows_completed(alice_client, partial_program):
    award("alice", partial_program.configurations[1])
    award_program("alice", partial_program)

    response = alice_client.get(private_url(partial_program))

    assert '<span class="badge badge-earned">Completed</span>' in response.content.decode()
    assert "Partially Completed" not in text(response)


def test_program_record_escapes_learner_and_catalog_text(client, site):
    learner = UserFactory(username="eve", full_name='<img src=x onerror="alert(1)">')
    program, runs, configurations = make_program(1, title="<b>Bold</b>")
    award("eve", configurations[0])
    grade("eve", runs[0], "0.5", "<i>x</i>")
    client.force_login(learner)

    html = client.get(private_url(program)).content.decode()

    assert "<img src=x" not in html and "<b>Bold</b>" not in html and "<i>x</i>" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


def test_private_record_page_query_count_is_flat(alice_client, partial_program, django_assert_max_num_queries):
    alice_client.get(private_url(partial_program))
    big, runs, configurations = make_program(30, title="Big")
    for run, configuration in zip(runs, configurations, strict=True):
        award("alice", configuration)
        grade("alice", run, "0.7")

    with django_assert_max_num_queries(15):
        response = alice_client.get(private_url(big))

    html = response.content.decode()
    assert html.count('<span class="badge badge-earned">Earned</span>') == 30
    assert "Not Earned" not in html


# --- Public record -----------------------------------------------------------------------------------------


def test_shared_record_is_public_and_read_only(client, partial_program, alice):
    shared = ProgramCertRecordFactory(user=alice, program=partial_program)

    response = client.get(f"/records/programs/shared/{shared.uuid.hex}/")

    assert response.status_code == 200
    page = text(response)
    assert "Data Science Record" in page and "Alice Learner" in page and "95%" in page
    assert "Download Record" in page
    assert "Share" not in page and "Send Learner Record" not in page and "Back to My Records" not in page
    assert f'href="/records/programs/shared/{shared.uuid.hex}/csv"' in response.content.decode()


def test_unknown_shared_record_is_404(client, site):
    assert client.get("/records/programs/shared/0123456789abcdef0123456789abcdef/").status_code == 404


def test_shared_record_of_a_program_on_another_site_is_404(client, site, alice):
    other_site = SiteConfigurationFactory(site=SiteFactory(domain="other.example.com")).site
    shared = ProgramCertRecordFactory(user=alice, program=ProgramFactory(site=other_site))

    assert client.get(f"/records/programs/shared/{shared.uuid.hex}/").status_code == 404


# --- Records switched off and the front-end redirects ---------------------------------------------------


@pytest.fixture
def records_disabled(site):
    SiteConfiguration.objects.filter(site=site).update(records_enabled=False)


@pytest.mark.parametrize("signed_in", [False, True])
def test_records_disabled_is_404_for_everyone(client, partial_program, alice, records_disabled, signed_in):
    if signed_in:
        client.force_login(alice)
    shared = ProgramCertRecordFactory(user=alice, program=partial_program)
    hex_uuid = partial_program.uuid.hex

    for method, path in [
        ("get", "/records/"),
        ("get", f"/records/programs/{hex_uuid}/"),
        ("get", f"/records/programs/{hex_uuid}/csv"),
        ("get", f"/records/programs/shared/{shared.uuid.hex}/"),
        ("get", f"/records/programs/shared/{shared.uuid.hex}/csv"),
        ("post", f"/records/programs/{hex_uuid}/share"),
        ("post", f"/records/programs/{hex_uuid}/send"),
        ("get", "/records/api/v1/program_records/"),
        ("get", f"/records/api/v1/program_records/{hex_uuid}/"),
        ("get", f"/records/api/v1/program_records/{shared.uuid.hex}/?is_public=true"),
    ]:
        assert getattr(client, method)(path).status_code == 404, path


@pytest.mark.parametrize("setting", [MFE, MFE.rstrip("/")])
def test_records_redirect_to_the_front_end_when_configured(client, alice, settings, setting):
    settings.LEARNER_RECORD_MFE_RECORDS_PAGE_URL = setting
    client.force_login(alice)
    program_hex, record_hex = "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"

    assert client.get("/records/")["Location"] == MFE
    assert client.get(f"/records/programs/{program_hex}/")["Location"] == f"{MFE}{program_hex}"
    client.logout()
    assert client.get(f"/records/programs/shared/{record_hex}/")["Location"] == f"{MFE}shared/{record_hex}"


def test_private_redirect_still_needs_login(client, site, settings):
    settings.LEARNER_RECORD_MFE_RECORDS_PAGE_URL = MFE

    response = client.get("/records/programs/0123456789abcdef0123456789abcdef/")

    assert response["Location"].startswith("/login/")


def test_without_a_front_end_the_pages_render_here_never_an_empty_redirect(alice_client, settings, site):
    settings.LEARNER_RECORD_MFE_RECORDS_PAGE_URL = ""

    response = alice_client.get("/records/")

    assert response.status_code == 200
    assert "Location" not in response
