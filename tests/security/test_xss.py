"""XSS: a hostile string in every user-controlled field is rendered inert on every page, in the CSV and in
the e-mails.

Each field gets its own payload, ``"><script>alert(1)</script><img src=x onerror=alert(1) data-xss=<field>>``
(short fields get a shorter one that still opens a tag). A page is parsed as a browser would: the test fails
when the parse finds an element the payload created (a ``data-xss`` or ``on*`` attribute, a script that runs
``alert(1)``), and it also fails when the payload is *not* in the page's text or attribute values where the
field is shown, so a page that simply stopped showing a field cannot pass for an escaped one.
"""

import csv
import io
import re
from email.utils import getaddresses
from html.parser import HTMLParser

import pytest
import responses
from django.core import mail

from credentials.apps.catalog import api as catalog_api
from credentials.apps.credentials.models import ProgramCompletionEmailConfiguration
from tests.factories import (
    CourseCertificateFactory,
    CourseFactory,
    CourseRunFactory,
    OrganizationFactory,
    PathwayFactory,
    ProgramCertificateFactory,
    ProgramCertRecordFactory,
    ProgramFactory,
    SignatoryFactory,
    UserCredentialAttributeFactory,
    UserCredentialFactory,
    UserFactory,
    UserGradeFactory,
)
from tests.jwt_helpers import service_worker_header

pytestmark = pytest.mark.django_db


def payload(field):
    return f'"><script>alert(1)</script><img src=x onerror=alert(1) data-xss={field}>'


SHORT = '"><i data-xss>'  # 14 characters: fits twitter_username (15)

FIELDS = {
    "learner_full_name": payload("learner_full_name"),
    "platform_name": payload("platform_name"),
    "company_name": payload("company_name"),
    "organization_name": payload("organization_name"),
    "organization_logo": payload("organization_logo"),
    "course_title": payload("course_title"),
    "course_run_title": payload("course_run_title"),
    "program_title": payload("program_title"),
    "program_type": '"><i data-xss=program_type>',  # max 32
    "program_certificate_title": payload("program_certificate_title"),
    "course_certificate_title": payload("course_certificate_title"),
    "signatory_name": payload("signatory_name"),
    "signatory_title": payload("signatory_title"),
    "signatory_organization": payload("signatory_organization"),
    "pathway_name": payload("pathway_name"),
    "pathway_org_name": payload("pathway_org_name"),
    "letter_grade": payload("letter_grade"),
    "attribute_value": payload("attribute_value"),
    "twitter_username": SHORT,
}


class Page(HTMLParser):
    """What a browser would build from the markup: injected elements, visible text and attribute values."""

    def __init__(self, markup):
        super().__init__(convert_charrefs=True)
        self.injected, self.text, self.attributes, self._script = [], [], [], None
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "data-xss" or (name.startswith("on") and "alert(1)" in (value or "")):
                self.injected.append(f"<{tag} {name}={value!r}>")
            self.attributes.append(value or "")
        if tag == "script":
            self._script = []

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            code = "".join(self._script).strip()
            if code == "alert(1)" or "<img" in code:
                self.injected.append(f"<script>{code}</script>")
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)
        else:
            self.text.append(data)

    def shows(self, value):
        return value in "".join(self.text) or any(value in attribute for attribute in self.attributes)


def assert_inert(markup, shown=()):
    page = Page(markup if isinstance(markup, str) else markup.decode())
    assert page.injected == [], f"injected markup: {page.injected}"
    missing = [field for field in shown if not page.shows(FIELDS[field])]
    assert missing == [], f"these fields are not shown (escaped) on the page: {missing}"
    return page


@pytest.fixture
def hostile(site, settings):
    """A site whose every user-controlled text is hostile, a learner with a completed program, a grade, a
    shared record and a credit pathway."""
    settings.LEARNER_RECORD_MFE_RECORDS_PAGE_URL = ""
    configuration = site.siteconfiguration
    configuration.platform_name = FIELDS["platform_name"]
    configuration.company_name = FIELDS["company_name"]
    configuration.twitter_username = FIELDS["twitter_username"]
    configuration.save()

    learner = UserFactory(username="alice", full_name=FIELDS["learner_full_name"], email="alice@example.com")
    organization = OrganizationFactory(
        site=site, name=FIELDS["organization_name"], certificate_logo_image_url=FIELDS["organization_logo"]
    )
    course = CourseFactory(site=site, title=FIELDS["course_title"])
    catalog_api.set_ordered(course, "owners", [organization])
    run = CourseRunFactory(course=course, title_override=FIELDS["course_run_title"])
    other_course = CourseFactory(site=site, title=FIELDS["course_title"] + " 2")
    catalog_api.set_ordered(other_course, "owners", [organization])
    other_run = CourseRunFactory(course=other_course)
    program = ProgramFactory(site=site, title=FIELDS["program_title"], type=FIELDS["program_type"])
    catalog_api.set_ordered(program, "course_runs", [run, other_run])
    catalog_api.set_ordered(program, "authoring_organizations", [organization])
    signatory = SignatoryFactory(
        name=FIELDS["signatory_name"],
        title=FIELDS["signatory_title"],
        organization_name_override=FIELDS["signatory_organization"],
    )
    program_certificate = ProgramCertificateFactory(
        site=site, program=program, title=FIELDS["program_certificate_title"]
    )
    program_certificate.signatories.add(signatory)
    course_certificate = CourseCertificateFactory(site=site, course_run=run, title=FIELDS["course_certificate_title"])
    course_credential = UserCredentialFactory(username="alice", credential=course_certificate)
    UserCredentialAttributeFactory(user_credential=course_credential, name="note", value=FIELDS["attribute_value"])
    program_credential = UserCredentialFactory(username="alice", credential=program_certificate)
    UserGradeFactory(username="alice", course_run=run, letter_grade=FIELDS["letter_grade"], percent_grade="0.9100")
    pathway = PathwayFactory(
        site=site, name=FIELDS["pathway_name"], org_name=FIELDS["pathway_org_name"], email="credit@example.com"
    )
    catalog_api.set_ordered(pathway, "programs", [program])
    shared = ProgramCertRecordFactory(user=learner, program=program)
    return {
        "learner": learner,
        "program": program,
        "program_credential": program_credential,
        "course_credential": course_credential,
        "shared": shared,
        "pathway": pathway,
        "signatory": signatory,
    }


@pytest.fixture(autouse=True)
def lms_unreachable():
    """No outbound call leaves the test: the LMS lookups fail, so pages print the local (hostile) name."""
    with responses.RequestsMock(assert_all_requests_are_fired=False):
        yield


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


# --- Certificate pages ------------------------------------------------------------------------------------------


def test_the_program_certificate_page_is_inert(client, hostile):
    response = client.get(f"/credentials/{hostile['program_credential'].uuid.hex}/")

    assert response.status_code == 200
    assert_inert(
        response.content,
        shown=[
            "learner_full_name",
            "platform_name",
            "organization_name",
            "program_certificate_title",
            "signatory_name",
            "signatory_title",
            "signatory_organization",
        ],
    )


def test_the_program_certificate_page_of_the_owner_with_the_share_banner_is_inert(client, hostile):
    client.force_login(hostile["learner"])

    response = client.get(f"/credentials/{hostile['program_credential'].uuid.hex}/")

    assert response.status_code == 200
    assert_inert(response.content, shown=["learner_full_name", "program_certificate_title", "platform_name"])


def test_the_course_certificate_page_is_inert(client, hostile):
    response = client.get(f"/credentials/{hostile['course_credential'].uuid.hex}/")

    assert response.status_code == 200
    assert_inert(response.content, shown=["learner_full_name", "course_certificate_title", "organization_name"])


def test_the_example_certificate_is_inert(client, hostile):
    response = client.get("/credentials/example/", {"program_type": '"><script>alert(1)</script>'})

    assert response.status_code == 200
    assert_inert(response.content, shown=["platform_name"])


def test_the_staff_preview_is_inert(superuser_client, hostile):
    response = superuser_client.get(f"/credentials/example/{hostile['program'].uuid.hex}/")

    assert response.status_code == 200
    assert_inert(response.content, shown=["program_certificate_title", "signatory_name", "organization_name"])


def test_a_hostile_program_type_slug_neither_escapes_the_page_nor_the_template_directory(client, hostile):
    hostile["program"].type_slug = "../../../../etc/passwd"
    hostile["program"].save()

    response = client.get(f"/credentials/{hostile['program_credential'].uuid.hex}/")

    assert response.status_code == 200
    assert "root:" not in response.content.decode()
    assert_inert(response.content, shown=["program_certificate_title"])


# --- Learner records ---------------------------------------------------------------------------------------------


def test_the_records_list_is_inert(client, hostile):
    client.force_login(hostile["learner"])

    response = client.get("/records/")

    assert response.status_code == 200
    assert_inert(response.content, shown=["program_title", "organization_name", "program_certificate_title"])


def test_the_private_record_page_is_inert(client, hostile):
    client.force_login(hostile["learner"])

    response = client.get(f"/records/programs/{hostile['program'].uuid.hex}/")

    assert response.status_code == 200
    assert_inert(
        response.content,
        shown=[
            "program_title",
            "course_title",
            "organization_name",
            "pathway_name",
            "letter_grade",
            "learner_full_name",
        ],
    )


def test_the_public_shared_record_is_inert(client, hostile):
    response = client.get(f"/records/programs/shared/{hostile['shared'].uuid.hex}/")

    assert response.status_code == 200
    assert_inert(
        response.content,
        shown=["program_title", "course_title", "organization_name", "letter_grade", "learner_full_name"],
    )


def test_a_staff_view_of_a_hostile_learners_record_is_inert(superuser_client, hostile):
    response = superuser_client.get(f"/records/programs/{hostile['program'].uuid.hex}/", {"username": "alice"})

    assert response.status_code == 200
    assert_inert(response.content, shown=["learner_full_name", "program_title"])


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("kind", ["shared", "private"])
def test_the_csv_is_an_attachment_that_browsers_do_not_sniff_and_keeps_the_text_as_data(client, hostile, kind):
    if kind == "shared":
        response = client.get(f"/records/programs/shared/{hostile['shared'].uuid.hex}/csv")
    else:
        client.force_login(hostile["learner"])
        response = client.get(f"/records/programs/{hostile['program'].uuid.hex}/csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    cells = {cell for row in csv_rows(response) for cell in row}
    for field in ("program_title", "learner_full_name", "course_title", "letter_grade", "organization_name"):
        assert FIELDS[field] in cells, field  # the values themselves, unaltered: a CSV is data, not markup


@pytest.mark.parametrize(
    "formula", ['=HYPERLINK("http://evil.example","click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)"]
)
def test_spreadsheet_formulas_in_the_csv_are_neutralised(client, hostile, formula):
    hostile["program"].title = formula
    hostile["program"].save()
    hostile["learner"].full_name = formula
    hostile["learner"].save()

    response = client.get(f"/records/programs/shared/{hostile['shared'].uuid.hex}/csv")

    cells = [cell for row in csv_rows(response) for cell in row]
    assert formula not in cells
    assert "'" + formula in cells


def test_the_csv_file_name_cannot_break_the_header(client, hostile):
    hostile["program"].title = 'Evil"; filename="evil.exe\r\nSet-Cookie: a=b'
    hostile["program"].save()

    response = client.get(f"/records/programs/shared/{hostile['shared'].uuid.hex}/csv")

    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    assert re.fullmatch(r'attachment; filename="[^"]*"', disposition), disposition
    assert "Set-Cookie" not in response.headers


# --- E-mails -------------------------------------------------------------------------------------------------


def html_part(message):
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def assert_single_line_headers(message, *, to):
    """Hostile names stay inside their header: one-line subject, a sender whose display name is the platform
    name and whose address is the site's, and no header they invented."""
    assert "\n" not in message.subject and "\r" not in message.subject
    assert "\n" not in message.from_email and "\r" not in message.from_email
    parsed = message.message()
    assert getaddresses([parsed["From"]]) == [(FIELDS["platform_name"], "no-reply@testserver")]
    assert parsed["To"] == to
    assert not any(name.lower().startswith(("data-xss", "set-cookie", "bcc")) for name in parsed)
    raw = parsed.as_string()
    assert "\n<script>" not in raw and "\nBcc:" not in raw


def test_the_credit_request_email_is_inert_and_its_headers_are_single_lines(client, hostile):
    client.force_login(hostile["learner"])

    response = client.post(
        f"/records/programs/{hostile['program'].uuid.hex}/send",
        {"username": "alice", "pathway_id": hostile["pathway"].pk},
        content_type="application/json",
    )

    assert response.status_code == 200
    [message] = mail.outbox
    assert_inert(html_part(message), shown=["learner_full_name", "program_title", "pathway_name"])
    assert FIELDS["learner_full_name"] in message.body  # plain text: the name as written
    assert_single_line_headers(message, to="credit@example.com")


def test_the_program_completion_email_is_inert(client, hostile, settings, django_capture_on_commit_callbacks):
    settings.SEND_EMAIL_ON_PROGRAM_COMPLETION = True
    ProgramCompletionEmailConfiguration.objects.create(
        identifier=ProgramCompletionEmailConfiguration.DEFAULT_TEMPLATE_IDENTIFIER,
        html_template="<p>Well done</p><script>alert(1)</script><img src=x onerror=alert(1) data-xss=template>",
        plaintext_template="Well done",
        enabled=True,
    )
    bob = UserFactory(username="bob", full_name=FIELDS["learner_full_name"], email="bob@example.com")

    with django_capture_on_commit_callbacks(execute=True):  # the e-mail is sent once the award is committed
        response = client.post(
            "/api/v2/credentials/",
            {"username": bob.username, "lms_user_id": 5, "credential": {"program_uuid": str(hostile["program"].uuid)}},
            content_type="application/json",
            **service_worker_header(),
        )

    assert response.status_code == 201
    [message] = mail.outbox
    assert_inert(html_part(message), shown=["program_title", "platform_name"])
    assert_single_line_headers(message, to="bob@example.com")


# --- Admin, API browser, error pages ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/admin/catalog/program/", ["program_title"]),
        ("/admin/catalog/organization/", ["organization_name"]),
        ("/admin/catalog/pathway/", ["pathway_name"]),
        ("/admin/credentials/signatory/", ["signatory_name"]),
        ("/admin/credentials/programcertificate/", []),
        ("/admin/core/user/", []),
        ("/admin/records/usergrade/", []),
    ],
)
def test_admin_changelists_are_inert(superuser_client, hostile, path, shown):
    response = superuser_client.get(path)

    assert response.status_code == 200
    assert_inert(response.content, shown=shown)


def test_admin_change_forms_are_inert(superuser_client, hostile):
    for path in (
        f"/admin/credentials/signatory/{hostile['signatory'].pk}/change/",
        f"/admin/catalog/program/{hostile['program'].pk}/change/",
        f"/admin/core/user/{hostile['learner'].pk}/change/",
    ):
        response = superuser_client.get(path)
        assert response.status_code == 200, path
        assert_inert(response.content)


def test_the_browsable_api_is_inert(superuser_client, hostile):
    response = superuser_client.get("/api/v2/credentials/", {"username": "alice"}, HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert_inert(response.content, shown=["attribute_value"])


@pytest.mark.parametrize(
    "path",
    [
        "/%22%3E%3Cscript%3Ealert(1)%3C/script%3E/",
        "/credentials/%22%3E%3Cscript%3Ealert(1)%3C/script%3E/",
        "/records/programs/%22%3E%3Cscript%3Ealert(1)%3C/script%3E/",
    ],
)
def test_not_found_pages_do_not_reflect_the_path(client, site, path):
    response = client.get(path, HTTP_ACCEPT="text/html")

    assert response.status_code == 404
    assert_inert(response.content)
    assert b"<script>alert(1)</script>" not in response.content


def test_the_sign_in_failure_page_does_not_reflect_the_error(client, site):
    response = client.get(
        "/complete/edx-oauth2/",
        {"error": '"><script>alert(1)</script>', "error_description": '"><img src=x onerror=alert(1) data-xss=e>'},
    )

    assert 400 <= response.status_code < 600 and response.status_code != 500
    assert_inert(response.content)


def test_hostile_query_parameters_are_not_reflected_into_pages(client, hostile):
    client.force_login(hostile["learner"])
    hostile_value = '"><script>alert(1)</script><img src=x onerror=alert(1) data-xss=query>'

    responses_ = [
        client.get("/records/", {"next": hostile_value}),
        client.get(f"/records/programs/{hostile['program'].uuid.hex}/", {"username": hostile_value}),
        client.get("/credentials/example/", {"program_type": hostile_value}),
    ]

    for response in responses_:
        assert response.status_code in (200, 403, 404)
        assert_inert(response.content)
