"""Learner records in headless Chromium: list, program record, Share, the public link, CSV, Send to a pathway."""

import csv

import pytest
from django.core import mail
from playwright.sync_api import expect

from credentials.apps.catalog import api as catalog_api
from credentials.apps.records.models import ProgramCertRecord, UserCreditPathway
from tests.factories import (
    PathwayFactory,
    ProgramCertificateFactory,
    SiteConfigurationFactory,
    UserFactory,
    default_site,
)
from tests.records.helpers import at, award, grade, make_program

pytestmark = pytest.mark.django_db(transaction=True)

CLIPBOARD = ["clipboard-read", "clipboard-write"]


@pytest.fixture
def records(db):
    """alice earned Course 1 (95%, A) of "Data Science"; Course 2 and 3 are not earned. One credit pathway."""
    site = default_site()
    SiteConfigurationFactory(site=site, platform_name="Demo Academy")
    alice = UserFactory(username="alice", full_name="Alice Learner", email="alice@example.com")
    program, runs, configurations = make_program(3, title="Data Science")
    configurations[0].certificate_available_date = at(2024, 5, 11)
    configurations[0].save()
    credential = award("alice", configurations[0])
    grade("alice", runs[0], "0.9500", "A")
    ProgramCertificateFactory(program=program)
    pathway = PathwayFactory(name="State University", email="credit@state.example.com")
    catalog_api.set_ordered(pathway, "programs", [program])
    return {"alice": alice, "program": program, "runs": runs, "pathway": pathway, "credential": credential}


def test_learner_shares_a_record_and_the_link_opens_it_elsewhere(
    live_server, new_page, sign_in, screenshot, records, tmp_path
):
    program = records["program"]
    page = new_page(permissions=CLIPBOARD)
    sign_in(page, "alice")

    # The records list: the program, its status, and the certificate with its public link.
    page.goto(f"{live_server.url}/records/")
    card = page.locator(".program-card", has_text="Data Science")
    assert card.locator(".badge").inner_text() == "Partially Completed"
    credential_item = page.locator(".credential-item", has_text="Course 1")
    assert credential_item.locator(".credential-title a").get_attribute("href") == (
        f"/credentials/{records['credential'].uuid.hex}/"
    )
    credential_item.locator(".js-copy-link").click()
    expect(credential_item.locator(".copy-status")).to_have_text("Link copied")
    assert page.evaluate("navigator.clipboard.readText()") == (
        f"{live_server.url}/credentials/{records['credential'].uuid.hex}/"
    )
    screenshot(page, "records-list")

    # The program record.
    card.get_by_role("link", name="View Program Record").click()
    page.wait_for_url(f"**/records/programs/{program.uuid.hex}/")
    assert page.locator("h2.record-title").inner_text() == "Data Science Record"
    first_row = page.locator(".record-table tbody tr").nth(0)
    assert first_row.locator("td").all_inner_texts()[2:7] == ["95%", "A", "1", "May 11, 2024", "Earned"]
    assert page.locator(".record-table tbody tr").nth(1).locator(".badge").inner_text() == "Not Earned"
    screenshot(page, "program-record")

    # Share: the link appears, Copy Link copies it.
    page.get_by_role("button", name="Share").click()
    link_field = page.locator("#share-link")
    link_field.wait_for(state="visible")
    link = link_field.input_value()
    record = ProgramCertRecord.objects.get(user=records["alice"], program=program)
    assert link == f"{live_server.url}/records/programs/shared/{record.uuid.hex}/"
    page.get_by_role("button", name="Copy Link").click()
    expect(page.locator("#share-copied")).to_have_text("Successfully copied program record link.")
    assert page.evaluate("navigator.clipboard.readText()") == link
    screenshot(page, "share-dialog")

    # Someone else opens the link in a fresh browser: the public, read-only record.
    public = new_page(accept_downloads=True)
    public.goto(link)
    assert public.locator("h2.record-title").inner_text() == "Data Science Record"
    assert public.locator(".record-learner-name").inner_text() == "Alice Learner"
    assert public.get_by_role("button", name="Share").count() == 0
    screenshot(public, "public-record")

    # ... and downloads the CSV.
    with public.expect_download() as download_info:
        public.get_by_role("link", name="Download Record").click()
    download = download_info.value
    assert download.suggested_filename == "alice_data_science_grades.csv"
    path = tmp_path / "record.csv"
    download.save_as(path)
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Program Name", "Data Science"]
    assert rows[4] == ["Learner Name", "Alice Learner"]
    assert rows[8] == ["name", "school", "attempts", "course_id", "issue_date", "percent_grade", "letter_grade"]
    assert rows[9] == [
        "Course 1",
        "MITx University",
        "1",
        records["runs"][0].key,
        "2024-05-11T00:00:00+00:00",
        "0.95",
        "A",
    ]
    assert [row[0] for row in rows[10:]] == ["Course 2", "Course 3"]
    assert rows[10][2:] == ["", "", "", "", ""]


def test_staff_sends_a_learners_record_to_a_credit_pathway(live_server, page, sign_in, screenshot, records):
    program, pathway = records["program"], records["pathway"]
    sign_in(page, "support", staff=True)
    page.goto(f"{live_server.url}/records/programs/{program.uuid.hex}/?username=alice")
    assert page.locator(".record-learner-name").inner_text() == "Alice Learner"

    page.get_by_role("button", name="Send Learner Record").click()
    dialog = page.locator("#send-dialog")
    send = dialog.get_by_role("button", name="Send", exact=True)
    assert send.is_disabled()
    dialog.get_by_label("State University").check()
    screenshot(page, "send-choose")
    send.click()
    assert dialog.locator("#send-confirm-list").inner_text() == "State University"
    dialog.get_by_role("button", name="Confirm and send").click()

    expect(dialog.locator("#send-status")).to_have_text("You have successfully shared your Learner Record")
    expect(dialog.locator(".pathway-choice", has_text="State University")).to_have_text("State University - Sent")
    assert dialog.get_by_label("State University").is_disabled()
    screenshot(page, "send-done")

    (message,) = mail.outbox
    assert message.to == ["credit@state.example.com"]
    assert message.subject == "Data Science Credit Request for Alice Learner"
    assert UserCreditPathway.objects.get().pathway == pathway

    page.reload()  # the sent state survives a reload
    page.get_by_role("button", name="Send Learner Record").click()
    assert page.locator("#send-dialog").get_by_label("State University").is_disabled()


def test_record_pages_fit_a_phone(live_server, new_page, sign_in, screenshot, records):
    program = records["program"]
    shared = ProgramCertRecord.objects.create(user=records["alice"], program=program)
    phone = new_page(width=390, height=844, is_mobile=True, has_touch=True, device_scale_factor=2)

    phone.goto(f"{live_server.url}/records/programs/shared/{shared.uuid.hex}/")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # Rows fold into cards: the header row is hidden, each cell carries its label.
    assert phone.locator(".record-table thead").bounding_box()["height"] <= 1
    course_id = phone.locator(".record-table tbody tr").nth(0).locator("td").nth(1)
    label = course_id.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"Course ID: "'
    screenshot(phone, "public-record-phone")

    sign_in(phone, "alice")
    phone.goto(f"{live_server.url}/records/programs/{program.uuid.hex}/")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(phone, "program-record-phone")
    phone.goto(f"{live_server.url}/records/")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(phone, "records-list-phone")


def test_a_learner_cannot_open_another_learners_record(live_server, page, sign_in, records):
    sign_in(page, "mallory")

    response = page.goto(f"{live_server.url}/records/programs/{records['program'].uuid.hex}/?username=alice")

    assert response.status == 403
    assert "Alice Learner" not in page.content()
