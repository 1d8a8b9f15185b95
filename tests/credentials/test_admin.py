"""The Django admin of the credentials app (spec/pages.md §9.2), as an admin uses it."""

import io
import os

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from credentials.apps.catalog import api as catalog_api
from credentials.apps.credentials.models import (
    ProgramCertificate,
    ProgramCompletionEmailConfiguration,
    RevokeCertificatesConfig,
    Signatory,
    UserCredential,
    UserCredentialDateOverride,
)
from tests.factories import (
    CourseCertificateFactory,
    CourseFactory,
    CourseRunFactory,
    OrganizationFactory,
    ProgramCertificateFactory,
    ProgramFactory,
    SignatoryFactory,
    SiteConfigurationFactory,
    UserCredentialAttributeFactory,
    UserCredentialFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/credentials/usercredential/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def png_bytes(size=(60, 60), fmt="PNG", noise=False):
    image = Image.new("RGB", size, (20, 40, 200))
    if noise:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def program_credential(username="alice", title="Data Science Foundations", **kwargs):
    configuration = ProgramCertificateFactory(program=ProgramFactory(title=title))
    return UserCredentialFactory(username=username, credential=configuration, **kwargs)


def course_credential(username="alice", course_title="Statistics", **kwargs):
    run = CourseRunFactory(course=CourseFactory(title=course_title))
    return UserCredentialFactory(username=username, credential=CourseCertificateFactory(course_run=run), **kwargs)


def run_action(client, action, credentials):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [credential.pk for credential in credentials]}, follow=True
    )


# --- UserCredential -----------------------------------------------------------------------------------------


def test_credential_list_shows_username_hex_uuid_status_type_and_title(admin_client, site):
    program = program_credential(username="alice")
    course = course_credential(username="bob", course_title="Statistics for Data Science")

    body = admin_client.get(CHANGELIST).content.decode()

    assert program.uuid.hex in body and course.uuid.hex in body
    assert "Data Science Foundations" in body
    assert "Statistics for Data Science" in body
    rows = {row.username: row for row in admin_client.get(CHANGELIST).context["cl"].result_list}
    assert (rows["alice"].status, rows["bob"].status) == ("awarded", "awarded")
    assert '<td class="field-credential_type">program</td>' in body
    assert '<td class="field-credential_type">course run</td>' in body


def test_credential_list_query_count_does_not_grow_with_rows(admin_client, site, django_assert_max_num_queries):
    for index in range(3):
        program_credential(username=f"p{index}", title=f"Program {index}")
        course_credential(username=f"c{index}", course_title=f"Course {index}")
    admin_client.get(CHANGELIST)  # warm the content type cache

    with django_assert_max_num_queries(8) as few:
        admin_client.get(CHANGELIST)
    for index in range(3, 12):
        program_credential(username=f"p{index}", title=f"Program {index}")
        course_credential(username=f"c{index}", course_title=f"Course {index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(CHANGELIST)
    assert response.content.decode().count('name="_selected_action"') == 24


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("ALIC", {"alice"}),
        ("data science", {"alice"}),
        ("statist", {"bob"}),
        ("nothing-matches-this", set()),
        ("'; DROP TABLE x; --", set()),
        ("%_", set()),
    ],
)
def test_search_by_username_or_title_never_crashes(admin_client, site, term, expected):
    program_credential(username="alice")
    course_credential(username="bob")

    response = admin_client.get(CHANGELIST, {"q": term})

    assert response.status_code == 200
    shown = {credential.username for credential in response.context["cl"].result_list}
    assert shown == expected


@pytest.mark.parametrize("form", ["hex", "hyphenated"])
def test_search_by_credential_uuid(admin_client, site, form):
    wanted = program_credential(username="alice")
    program_credential(username="bob", title="Other")
    term = wanted.uuid.hex if form == "hex" else str(wanted.uuid)

    response = admin_client.get(CHANGELIST, {"q": term})

    assert [credential.username for credential in response.context["cl"].result_list] == ["alice"]


def test_filter_by_status_and_type(admin_client, site):
    program_credential(username="awarded_program")
    program_credential(username="revoked_program", title="Other", status=UserCredential.REVOKED)
    course_credential(username="awarded_course")

    by_status = admin_client.get(CHANGELIST, {"status__exact": "revoked"}).context["cl"].result_list
    by_type = admin_client.get(CHANGELIST, {"type": "course-run"}).context["cl"].result_list

    assert [credential.username for credential in by_status] == ["revoked_program"]
    assert [credential.username for credential in by_type] == ["awarded_course"]


def test_revoke_selected_revokes_without_deleting_and_records_who_did_it(admin_client, admin_user, site):
    first, second = program_credential(username="alice"), course_credential(username="bob")
    already = program_credential(username="carol", title="Other", status=UserCredential.REVOKED)

    response = run_action(admin_client, "revoke_selected", [first, second, already])

    assert "2 credentials were revoked. 1 was already revoked." in response.content.decode()
    assert set(UserCredential.objects.values_list("username", "status")) == {
        ("alice", "revoked"),
        ("bob", "revoked"),
        ("carol", "revoked"),
    }
    latest = first.history.latest()
    assert latest.status == "revoked"
    assert latest.history_user == admin_user
    assert latest.history_change_reason == "Revoked in the admin"
    history_page = admin_client.get(f"{CHANGELIST}{first.pk}/history/").content.decode()
    assert admin_user.username in history_page
    assert "Revoked in the admin" in history_page


def test_credentials_cannot_be_deleted_in_the_admin(admin_client, site):
    credential = program_credential()

    actions = admin_client.get(CHANGELIST).context["action_form"].fields["action"].choices
    response = admin_client.post(f"{CHANGELIST}{credential.pk}/delete/", {"post": "yes"})

    assert "delete_selected" not in [name for name, _ in actions]
    assert "revoke_selected" in [name for name, _ in actions]
    assert response.status_code == 403
    assert UserCredential.objects.filter(pk=credential.pk).exists()


def test_change_form_shows_attributes_and_the_read_only_date_override(admin_client, site):
    credential = course_credential()
    UserCredentialAttributeFactory(user_credential=credential, name="visible_date", value="2026-01-01T00:00:00Z")
    UserCredentialDateOverride.objects.create(user_credential=credential, date="2026-03-04T00:00:00Z")

    response = admin_client.get(f"{CHANGELIST}{credential.pk}/change/")
    body = response.content.decode()

    assert response.status_code == 200
    assert 'value="visible_date"' in body
    assert "March 4, 2026" in body
    assert 'name="date_override-0-date"' not in body  # shown, not editable
    assert credential.get_absolute_url() in body  # "View on site"


def test_staff_see_only_what_their_permissions_allow(client, site):
    staff = UserFactory(username="support", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_usercredential"))
    client.force_login(staff)
    credential = program_credential()

    index = client.get("/admin/").content.decode()
    changelist = client.get(CHANGELIST)
    change = client.post(f"{CHANGELIST}{credential.pk}/change/", {"status": "revoked"})

    assert "User credentials" in index
    assert "Signatories" not in index and "Site configurations" not in index
    assert changelist.status_code == 200
    assert changelist.context["action_form"] is None or "revoke_selected" not in str(changelist.context["action_form"])
    assert change.status_code == 403
    assert client.get("/admin/credentials/signatory/").status_code == 403
    credential.refresh_from_db()
    assert credential.status == "awarded"


# --- ProgramCertificate -------------------------------------------------------------------------------------


def program_certificate_form(site, program=None, signatory=None, **overrides):
    data = {
        "site": site.pk,
        "is_active": "on",
        "program": program.pk if program else "",
        "program_uuid": "",
        "signatories": [signatory.pk] if signatory else [],
        "title": "",
        "language": "",
    }
    data.update(overrides)
    return data


def test_program_certificate_is_created_from_a_catalog_program(admin_client, site):
    program = ProgramFactory(title="Data Science Foundations")
    catalog_api.set_ordered(program, "authoring_organizations", [OrganizationFactory()])
    signatory = SignatoryFactory()

    response = admin_client.post(
        "/admin/credentials/programcertificate/add/", program_certificate_form(site, program, signatory)
    )

    assert response.status_code == 302
    configuration = ProgramCertificate.objects.get()
    assert (configuration.program, configuration.program_uuid, configuration.site) == (program, program.uuid, site)
    assert list(configuration.signatories.all()) == [signatory]


def test_a_program_uuid_alone_is_looked_up_in_the_sites_catalog(admin_client, site):
    program = ProgramFactory()

    response = admin_client.post(
        "/admin/credentials/programcertificate/add/",
        program_certificate_form(site, signatory=SignatoryFactory(), program_uuid=str(program.uuid)),
    )

    assert response.status_code == 302
    assert ProgramCertificate.objects.get().program == program


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("unknown_uuid", "program_uuid", "No program with this UUID is in the catalog of testserver"),
        ("nothing", "program", "Choose the program this certificate is for."),
        ("other_site", "program", "This program is in the catalog of another site"),
        ("uuid_mismatch", "program_uuid", "This is not the UUID of"),
        ("org_without_logo", "program", "All authoring organizations of the program MUST have a certificate image"),
    ],
)
def test_program_certificate_form_errors_instead_of_crashing(admin_client, site, case, field, message):
    program = ProgramFactory()
    overrides = {}
    if case == "unknown_uuid":
        overrides = {"program_uuid": "6d6c7c34-7e0c-4ef2-8d1c-9bd5b8f0a111"}
        program = None
    elif case == "nothing":
        program = None
    elif case == "other_site":
        program = ProgramFactory(site=SiteConfigurationFactory().site)
    elif case == "uuid_mismatch":
        overrides = {"program_uuid": "6d6c7c34-7e0c-4ef2-8d1c-9bd5b8f0a111"}
    elif case == "org_without_logo":
        catalog_api.set_ordered(
            program, "authoring_organizations", [OrganizationFactory(name="No Logo U", certificate_logo_image_url="")]
        )

    response = admin_client.post(
        "/admin/credentials/programcertificate/add/",
        program_certificate_form(site, program, SignatoryFactory(), **overrides),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field])
    assert not ProgramCertificate.objects.exists()


def test_program_certificate_list_search_and_preview_link(admin_client, site):
    wanted = ProgramCertificateFactory(program=ProgramFactory(title="Data Science Foundations"))
    ProgramCertificateFactory(program=ProgramFactory(title="Other"))

    by_title = admin_client.get("/admin/credentials/programcertificate/", {"q": "science"})
    by_uuid = admin_client.get("/admin/credentials/programcertificate/", {"q": str(wanted.program_uuid)})
    by_hex = admin_client.get("/admin/credentials/programcertificate/", {"q": wanted.program_uuid.hex})

    for response in (by_title, by_uuid, by_hex):
        assert list(response.context["cl"].result_list) == [wanted]
    assert f'href="/credentials/example/{wanted.program_uuid.hex}/"' in by_title.content.decode()
    change = admin_client.get(f"/admin/credentials/programcertificate/{wanted.pk}/change/").content.decode()
    assert f"/credentials/example/{wanted.program_uuid.hex}/" in change


def test_program_certificate_language_offers_the_configured_languages(admin_client, site, settings):
    settings.CERTIFICATE_LANGUAGES = {"fr": "French", "es_419": "Spanish (Latin America)", "en": "English"}

    form = admin_client.get("/admin/credentials/programcertificate/add/").context["adminform"].form

    assert [label for _, label in form.fields["language"].choices] == [
        "---------",
        "English",
        "French",
        "Spanish (Latin America)",
    ]


# --- Signatory ----------------------------------------------------------------------------------------------


def test_signatory_with_an_image_is_saved_under_its_id_and_previewed(admin_client, site):
    upload = SimpleUploadedFile("signature.png", png_bytes(), content_type="image/png")

    response = admin_client.post(
        "/admin/credentials/signatory/add/",
        {"name": "Grace Hopper", "title": "Dean<br>of Computing", "organization_name_override": "", "image": upload},
    )

    assert response.status_code == 302
    signatory = Signatory.objects.get()
    assert signatory.image.name == f"signatories/{signatory.pk}/signature.png"
    listing = admin_client.get("/admin/credentials/signatory/").content.decode()
    assert f'<img src="{signatory.image.url}" alt="Grace Hopper"' in listing


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("big.png", png_bytes(size=(400, 400), noise=True), "The image file size must be less than 250KB."),
        ("sig.bmp", png_bytes(fmt="BMP"), "Upload a PNG, JPEG, GIF or WebP image (this one is BMP)."),
        ("sig.png", b"<svg onload=alert(1)></svg>", "Upload a valid image."),
    ],
)
def test_signatory_image_is_validated(admin_client, site, filename, content, message):
    upload = SimpleUploadedFile(filename, content)

    response = admin_client.post(
        "/admin/credentials/signatory/add/", {"name": "Grace Hopper", "title": "Dean", "image": upload}
    )

    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors["image"])
    assert not Signatory.objects.exists()


# --- Program completion e-mail and revoke_certificates configuration ---------------------------------------


def test_completion_email_html_is_escaped_not_stripped_on_save(admin_client, admin_user, site):
    response = admin_client.post(
        "/admin/credentials/programcompletionemailconfiguration/add/",
        {
            "identifier": "default",
            "enabled": "on",
            "html_template": '<p onclick="x()">Well <b>done</b></p><script>alert(1)</script>',
            "plaintext_template": "Well done",
        },
    )

    assert response.status_code == 302
    configuration = ProgramCompletionEmailConfiguration.objects.get()
    assert configuration.html_template == "<p>Well <b>done</b></p>&lt;script&gt;alert(1)&lt;/script&gt;"
    assert configuration.history.latest().history_user == admin_user


def test_revoke_certificates_config_adds_rows_prefilled_from_the_current_one(admin_client, admin_user, site):
    RevokeCertificatesConfig.objects.create(enabled=True, arguments="--credential_id 1 --lms_user_ids 5")

    add_form = admin_client.get("/admin/credentials/revokecertificatesconfig/add/").context["adminform"].form
    admin_client.post(
        "/admin/credentials/revokecertificatesconfig/add/",
        {"enabled": "on", "arguments": "--credential_id 2 --lms_user_ids 7 8"},
    )

    assert add_form.initial == {"enabled": True, "arguments": "--credential_id 1 --lms_user_ids 5"}
    current = RevokeCertificatesConfig.current()
    assert (current.arguments, current.changed_by) == ("--credential_id 2 --lms_user_ids 7 8", admin_user)
    assert RevokeCertificatesConfig.objects.count() == 2


def test_revoke_certificates_config_rows_are_read_only_and_can_be_reverted_to(admin_client, site):
    first = RevokeCertificatesConfig.objects.create(enabled=True, arguments="--credential_id 1 --lms_user_ids 5")
    RevokeCertificatesConfig.objects.create(enabled=False, arguments="--credential_id 9 --lms_user_ids 9")

    change = admin_client.get(f"/admin/credentials/revokecertificatesconfig/{first.pk}/change/").content.decode()
    edit = admin_client.post(
        f"/admin/credentials/revokecertificatesconfig/{first.pk}/change/", {"enabled": "", "arguments": "x"}
    )
    delete = admin_client.post(f"/admin/credentials/revokecertificatesconfig/{first.pk}/delete/", {"post": "yes"})
    reverted = admin_client.post(
        "/admin/credentials/revokecertificatesconfig/",
        {"action": "revert", "_selected_action": [first.pk]},
        follow=True,
    )

    assert 'name="_save"' not in change
    assert edit.status_code == 403 and delete.status_code == 403
    assert "Reverted to the configuration of" in reverted.content.decode()
    current = RevokeCertificatesConfig.current()
    assert (current.enabled, current.arguments) == (True, "--credential_id 1 --lms_user_ids 5")
    assert RevokeCertificatesConfig.objects.count() == 3


def test_reverting_needs_exactly_one_selected_configuration(admin_client, site):
    rows = [RevokeCertificatesConfig.objects.create(arguments=f"--credential_id {i}") for i in (1, 2)]

    response = admin_client.post(
        "/admin/credentials/revokecertificatesconfig/",
        {"action": "revert", "_selected_action": [row.pk for row in rows]},
        follow=True,
    )

    assert "Please select a single configuration to revert to." in response.content.decode()
    assert RevokeCertificatesConfig.objects.count() == 2


# --- Course certificates ------------------------------------------------------------------------------------


def test_course_certificate_rejects_an_invalid_course_key(admin_client, site):
    response = admin_client.post(
        "/admin/credentials/coursecertificate/add/",
        {"site": site.pk, "course_id": "not a key", "certificate_type": "verified", "is_active": "on"},
    )

    assert response.status_code == 200
    assert "Invalid course key." in " ".join(response.context["adminform"].form.errors["course_id"])
