"""GET /credentials/<uuid>/: which credentials render, what the page says, and what it costs."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from credentials.apps.credentials.models import UserCredentialDateOverride
from tests.credentials import builders
from tests.credentials.conftest import outbound_calls
from tests.factories import (
    OrganizationFactory,
    ProgramCertificateFactory,
    SignatoryFactory,
    SiteConfigurationFactory,
    SiteFactory,
    UserCredentialFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode()


def assert_not_found(response):
    assert response.status_code == 404
    assert "We can't find that page" in text(response)
    assert "accomplishment-recipient" not in text(response)


# --- Which credentials render ----------------------------------------------------------------------------


def test_awarded_program_certificate_renders_what_a_learner_earned(client, site):
    awarded = builders.program_credential(title="Data Science Foundations")
    builders.cache_lms_user("alice", "Alice Lovelace")

    response = client.get(awarded.url)

    assert response.status_code == 200
    page = text(response)
    assert '<strong class="accomplishment-recipient">Alice Lovelace</strong>' in page
    assert '<p class="accomplishment-program-name">Data Science Foundations</p>' in page
    assert "a program offered by ACMEx and GlobeX, in collaboration with Test Platform." in page
    assert 'alt="ACME University logo"' in page and 'alt="Globe Institute logo"' in page
    assert '<h4 class="signatory-name">Dr. Grace Hopper</h4>' in page
    assert "Dean of Computing" in page
    assert "Issued May 2025" in page
    assert awarded.credential.uuid.hex in page
    assert "<title>Professional Certificate | Test Platform</title>" in page


def test_program_issue_date_is_the_latest_supporting_course_date(client, site):
    awarded = builders.program_credential(
        available_dates=(datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 9, 20, tzinfo=UTC))
    )

    assert "Issued September 2025" in text(client.get(awarded.url))


def test_program_certificate_is_not_found_until_its_visible_date(client, site):
    awarded = builders.program_credential(available_dates=(timezone.now() + timedelta(days=3),))

    assert_not_found(client.get(awarded.url))


def test_program_certificate_without_supporting_course_credentials_is_never_visible(client, site):
    awarded = builders.program_credential(available_dates=())

    assert_not_found(client.get(awarded.url))


@pytest.mark.parametrize("kind", ["program", "course"])
def test_revoked_certificate_is_not_found(client, site, kind):
    awarded = builders.program_credential() if kind == "program" else builders.course_credential()
    awarded.credential.status = "revoked"
    awarded.credential.save()

    assert_not_found(client.get(awarded.url))


@pytest.mark.parametrize(
    "path",
    [
        f"/credentials/{'0' * 32}/",
        "/credentials/not-a-uuid/",
        "/credentials/0123456789ABCDEF0123456789ABCDEF/",
        "/credentials/01234567-89ab-cdef-0123-456789abcdef/",
    ],
)
def test_unknown_or_malformed_ids_are_not_found(client, site, path):
    assert_not_found(client.get(path))


def test_certificate_of_another_site_is_not_found_here_but_renders_there(client, site):
    other = SiteConfigurationFactory(site=SiteFactory(domain="other.example.com"), platform_name="Other").site
    awarded = builders.program_credential(site=other, orgs=[OrganizationFactory(site=other)])

    assert_not_found(client.get(awarded.url))
    assert client.get(awarded.url, HTTP_HOST="other.example.com").status_code == 200


def test_only_get_and_head_are_allowed(client, site):
    awarded = builders.program_credential()

    assert client.head(awarded.url).status_code == 200
    assert client.post(awarded.url).status_code == 405


# --- Course certificates (DESIGN.md §5.12) ---------------------------------------------------------------


def test_course_certificate_renders_course_run_type_owner_and_signatories(client, site):
    awarded = builders.course_credential(
        course_title="Statistics for Data Science",
        certificate_type="verified",
        signatories=[SignatoryFactory(name="Dr. Ada Byron", title="Course Lead")],
    )
    builders.cache_lms_user("alice", "Alice Lovelace")

    page = text(client.get(awarded.url))

    assert '<strong class="accomplishment-recipient">Alice Lovelace</strong>' in page
    assert '<p class="accomplishment-program-name">Statistics for Data Science</p>' in page
    assert '<span class="accomplishment-type">Verified Certificate</span>' in page
    assert "Jan 2025 – Apr 2025" in page
    assert "a course offered by ACME University, in collaboration with Test Platform." in page
    assert '<h4 class="signatory-name">Dr. Ada Byron</h4>' in page
    assert "Issued May 2025" in page


def test_course_certificate_names_the_course_and_run_instead_of_the_run_key(client, site):
    awarded = builders.course_credential(course_title="Statistics for Data Science")
    run = awarded.runs[0]
    run.key = "course-v1:ACMEx+STAT101+2025_T1"
    run.save()

    page = client.get(awarded.url).content.decode()

    stamp = re.search(r'<li class="stamp stamp-run">(.*?)</li>', page, re.S).group(1)
    assert '<span class="course-title">Statistics for Data Science</span>' in stamp
    assert '<span class="course-run-name">2025_T1</span>' in stamp
    assert "course-v1:" not in page


def test_course_run_with_its_own_title_is_named_by_it(client, site):
    awarded = builders.course_credential(course_title="Statistics for Data Science")
    run = awarded.runs[0]
    run.title_override = "Statistics for Data Science (Spring 2025, self-paced)"
    run.save()

    page = client.get(awarded.url).content.decode()

    assert '<span class="course-run-name">Statistics for Data Science (Spring 2025, self-paced)</span>' in page
    assert '<span class="course-title">Statistics for Data Science</span>' in page


def test_course_certificate_is_not_found_before_its_available_date(client, site):
    awarded = builders.course_credential(available=timezone.now() + timedelta(hours=1))

    assert_not_found(client.get(awarded.url))


@pytest.mark.parametrize(
    ("available", "override", "issued"),
    [
        (datetime(2025, 5, 14, tzinfo=UTC), datetime(2025, 2, 3, tzinfo=UTC), "Issued February 2025"),
        (datetime(2025, 5, 14, tzinfo=UTC), None, "Issued May 2025"),
        (None, None, "award"),
    ],
)
def test_course_issue_date_is_the_override_else_the_available_date_else_the_award_date(
    client, site, available, override, issued
):
    awarded = builders.course_credential(available=available)
    if override:
        UserCredentialDateOverride.objects.create(user_credential=awarded.credential, date=override)
    if issued == "award":
        issued = f"Issued {awarded.credential.created:%B %Y}"

    assert issued in text(client.get(awarded.url))


def test_course_certificate_uses_the_custom_title(client, site):
    awarded = builders.course_credential(title="Applied Statistics (Honors)")

    assert '<p class="accomplishment-program-name">Applied Statistics (Honors)</p>' in text(client.get(awarded.url))


# --- Never a 500 (DESIGN.md §5.1) ------------------------------------------------------------------------


def test_program_missing_from_the_catalog_renders_what_is_known(client, site):
    configuration = ProgramCertificateFactory(program=None, program_uuid=uuid.uuid4(), title="Cloud Architecture Track")
    credential = UserCredentialFactory(username="alice", credential=configuration)

    response = client.get(f"/credentials/{credential.uuid.hex}/")

    assert response.status_code == 200
    assert '<p class="accomplishment-program-name">Cloud Architecture Track</p>' in text(response)
    assert f"Issued {credential.created:%B %Y}" in text(response)
    assert "credentials/programs/certificate.html" in [template.name for template in response.templates]


def test_organization_without_logo_is_named_instead(client, site):
    awarded = builders.program_credential(orgs=[OrganizationFactory(key="NoLogoX", certificate_logo_image_url=None)])

    response = client.get(awarded.url)

    assert response.status_code == 200
    assert '<span class="organization-name">NoLogoX</span>' in text(response)
    assert '<img class="organization-logo"' not in text(response)


def test_program_type_without_a_template_renders_the_generic_certificate(client, site):
    awarded = builders.program_credential(program_type="MicroBachelors", type_slug="microbachelors")

    response = client.get(awarded.url)

    assert response.status_code == 200
    names = [template.name for template in response.templates]
    assert "credentials/programs/certificate.html" in names
    assert not [name for name in names if "microbachelors" in name or name.startswith("openedx/")]
    assert "received passing grades for a MicroBachelors in" in text(response)


def test_program_without_organizations_or_signatories_still_renders(client, site):
    awarded = builders.program_credential(orgs=[], signatories=[])

    response = client.get(awarded.url)

    assert response.status_code == 200
    assert "a program offered by Test Platform." in text(response)


# --- Templates and themes (spec/pages.md §3.5) -------------------------------------------------------------


@pytest.fixture
def theme_dir(tmp_path, settings):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]},
    ]
    return tmp_path


def write_template(root, name, body):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body)


def test_stock_theme_renders_professional_certificates(client, site):
    awarded = builders.program_credential()

    names = [t.name for t in client.get(awarded.url).templates]

    assert "openedx/credentials/programs/professional-certificate/certificate.html" in names


def test_theme_overrides_per_program_uuid_before_type(client, site, theme_dir):
    site.siteconfiguration.theme_name = "acme"
    site.siteconfiguration.save()
    awarded = builders.program_credential()
    override = '{% extends "credentials/programs/base.html" %}{% block accomplishment_summary %}BY WHO{% endblock %}'
    write_template(
        theme_dir, f"acme/credentials/programs/{awarded.program.uuid}/certificate.html", override.replace("WHO", "UUID")
    )
    write_template(
        theme_dir,
        "acme/credentials/programs/professional-certificate/certificate.html",
        override.replace("WHO", "TYPE"),
    )
    other = builders.program_credential(username="bob")

    assert "BY UUID" in text(client.get(awarded.url))
    assert "BY TYPE" in text(client.get(other.url))


def test_theme_overrides_course_certificates_per_type(client, site, theme_dir):
    site.siteconfiguration.theme_name = "acme"
    site.siteconfiguration.save()
    write_template(
        theme_dir,
        "acme/credentials/courses/verified/certificate.html",
        '{% extends "credentials/courses/certificate.html" %}{% block accomplishment_summary %}ACME VERIFIED{% endblock %}',
    )

    assert "ACME VERIFIED" in text(client.get(builders.course_credential().url))


# --- Content rules ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "offered_by"),
    [
        (1, "a program offered by ACMEx, in collaboration with Test Platform."),
        (2, "a program offered by ACMEx and GlobeX, in collaboration with Test Platform."),
        (3, "a program offered by ACMEx, GlobeX, and NovaX, in collaboration with Test Platform."),
    ],
)
def test_organizations_are_named_a_and_b_or_a_b_and_c(client, site, count, offered_by):
    awarded = builders.program_credential(orgs=builders.organizations(count))

    assert offered_by in text(client.get(awarded.url))


def test_use_org_name_shows_full_organization_names(client, site):
    awarded = builders.program_credential(use_org_name=True)

    assert "a program offered by ACME University and Globe Institute" in text(client.get(awarded.url))


def test_signatory_organization_defaults_to_the_first_issuer_unless_overridden(client, site):
    awarded = builders.program_credential(
        signatories=[
            SignatoryFactory(name="A", title="Dean"),
            SignatoryFactory(name="B", title="Director", organization_name_override="Partner Lab"),
        ]
    )

    page = text(client.get(awarded.url))

    assert page.index('<p class="signatory-organization">ACME University</p>') < page.index(
        '<p class="signatory-organization">Partner Lab</p>'
    )


@pytest.mark.parametrize(
    ("include", "hours", "shown"), [(True, 120, "120 hours"), (True, 1, "1 hour<"), (False, 120, None)]
)
def test_hours_of_effort_only_when_the_configuration_includes_them(client, site, include, hours, shown):
    awarded = builders.program_credential(include_hours_of_effort=include)
    awarded.program.total_hours_of_effort = hours
    awarded.program.save()

    page = text(client.get(awarded.url))

    if shown:
        assert shown in page
    else:
        assert "Effort" not in page


def test_custom_title_replaces_the_program_title(client, site):
    awarded = builders.program_credential(title="Data Science Foundations")
    awarded.configuration.title = "Certified Data Practitioner"
    awarded.configuration.save()

    page = text(client.get(awarded.url))

    assert '<p class="accomplishment-program-name">Certified Data Practitioner</p>' in page


# --- Escaping --------------------------------------------------------------------------------------------


def test_learner_name_with_markup_renders_as_text(client, site, lms):
    awarded = builders.program_credential()
    builders.cache_lms_user("alice", "<script>alert(1)</script>")

    page = text(client.get(awarded.url))

    assert "<script>alert(1)</script>" not in page
    assert '<strong class="accomplishment-recipient">&lt;script&gt;alert(1)&lt;/script&gt;</strong>' in page


def test_titles_and_organization_names_with_markup_render_as_text(client, site):
    org = OrganizationFactory(key="<b>Org</b>", name='"><img src=x onerror=alert(1)>')
    awarded = builders.program_credential(title="<i>Program</i>", orgs=[org], use_org_name=False)

    page = text(client.get(awarded.url))

    assert "<i>Program</i>" not in page and "&lt;i&gt;Program&lt;/i&gt;" in page
    assert "<b>Org</b>" not in page and "&lt;b&gt;Org&lt;/b&gt;" in page
    assert "<img src=x" not in page


def test_signatory_title_keeps_line_breaks_and_escapes_other_markup(client, site):
    signatory = SignatoryFactory(
        name="<em>Name</em>",
        title="Dean<br/>School of <script>alert(1)</script>\nEngineering",
        organization_name_override="Lab<BR>One <a href=x>link</a>",
    )
    awarded = builders.program_credential(signatories=[signatory])

    page = text(client.get(awarded.url))

    assert "Dean<br>School of &lt;script&gt;alert(1)&lt;/script&gt;<br>Engineering" in page
    assert "Lab<br>One &lt;a href=x&gt;link&lt;/a&gt;" in page
    assert "&lt;em&gt;Name&lt;/em&gt;" in page
    assert "<script>" not in page


# --- Banner (owner and staff) ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("viewer", "sees_banner"),
    [(None, False), ("alice", True), ("bob", False), ("staff", True)],
)
def test_congratulation_banner_is_for_the_owner_and_staff(client, site, viewer, sees_banner):
    awarded = builders.program_credential()
    builders.cache_lms_user("alice", "Alice Lovelace")
    if viewer:
        client.force_login(UserFactory(username=viewer, is_staff=viewer == "staff"))

    page = text(client.get(awarded.url))

    assert ("Congratulations, Alice Lovelace!" in page) is sees_banner
    assert ('data-action="print"' in page) is sees_banner


# --- Language (spec/pages.md §3.8) -----------------------------------------------------------------------


def test_certificate_renders_in_the_configuration_language(client, site):
    awarded = builders.program_credential(language="es_419")

    page = text(client.get(awarded.url, HTTP_ACCEPT_LANGUAGE="en"))

    assert '<html lang="es-419">' in page
    assert "Emitido en mayo de 2025" in page
    assert 'class="certificate-page" dir="ltr"' in page
    # The service's own Spanish catalog (credentials/conf/locale/es), reached from es-419 by fallback.
    assert "Se certifica que" in page
    assert "ID de certificado válido" in page
    assert "This is to certify that" not in page


def test_a_course_certificate_viewed_in_spanish_is_in_one_language_the_configurations(client, site):
    """A course certificate renders in LANGUAGE_CODE: a Spanish-speaking viewer gets no Spanish type name,
    title or sharing text inside the English page, and the page says it is English."""
    awarded = builders.course_credential(certificate_type="verified")
    builders.cache_lms_user("alice", "Alice Lovelace")
    client.force_login(UserFactory(username="alice"))  # the owner: the banner and its sharing links show

    response = client.get(awarded.url, HTTP_ACCEPT_LANGUAGE="es")
    page = text(response)

    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in page
    assert '<span class="accomplishment-type">Verified Certificate</span>' in page
    assert "<title>Verified Certificate | " in page
    assert "I completed a course at Test Platform." in page
    assert "Certificado" not in page
    assert "Completé" not in page


def test_right_to_left_language_sets_the_direction(client, site):
    awarded = builders.program_credential(language="ar")

    page = text(client.get(awarded.url))

    assert '<html lang="ar">' in page
    assert 'class="certificate-page" dir="rtl"' in page


# --- Cost ------------------------------------------------------------------------------------------------


def awarded_with_everything(kind):
    signatories = [SignatoryFactory(), SignatoryFactory()]
    if kind == "program":
        return builders.program_credential(
            orgs=builders.organizations(3),
            available_dates=(datetime(2025, 1, 1, tzinfo=UTC),) * 4,
            signatories=signatories,
            include_hours_of_effort=True,
        )
    return builders.course_credential(orgs=builders.organizations(2), signatories=signatories)


@pytest.mark.parametrize("kind", ["program", "course"])
def test_render_with_warm_caches_makes_at_most_three_queries_and_no_outbound_call(
    client, site, lms, settings, django_assert_max_num_queries, kind
):
    settings.CERTIFICATE_PAGE_CACHE_TTL = 0  # every view renders
    awarded = awarded_with_everything(kind)
    builders.cache_lms_user("alice", "Alice Lovelace")
    client.get(awarded.url)  # warms the per-process caches (site, content types, templates)

    with django_assert_max_num_queries(3):
        response = client.get(awarded.url)

    assert response.status_code == 200
    assert "Alice Lovelace" in text(response)
    assert outbound_calls(lms) == []


@pytest.mark.parametrize("kind", ["program", "course"])
def test_a_first_view_reads_the_configurations_part_from_the_cache_and_sees_its_changes_at_once(
    client, site, lms, settings, django_assert_max_num_queries, kind
):
    settings.CERTIFICATE_PAGE_CACHE_TTL = 0  # every view a first view
    awarded = awarded_with_everything(kind)
    builders.cache_lms_user("alice", "Alice Lovelace")
    client.get(awarded.url)

    # The site is cached, the learner's name too: the credential with its visibility is the one query.
    with django_assert_max_num_queries(1):
        assert client.get(awarded.url).status_code == 200
    signatory = awarded.credential.credential.signatories.order_by("pk").first()
    signatory.name = "Renamed Signatory"
    signatory.save()

    assert "Renamed Signatory" in text(client.get(awarded.url))


@pytest.mark.parametrize("kind", ["program", "course"])
def test_repeat_anonymous_view_is_served_from_the_page_cache_with_one_query(
    client, site, lms, django_assert_num_queries, kind
):
    awarded = awarded_with_everything(kind)
    builders.cache_lms_user("alice", "Alice Lovelace")
    first = client.get(awarded.url)

    with django_assert_num_queries(1):
        again = client.get(awarded.url)

    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"] and again["X-Frame-Options"] == "DENY"
    assert "Cookie" in again["Vary"]
    assert outbound_calls(lms) == []


def test_revoked_certificate_is_not_served_from_the_page_cache(client, site):
    awarded = builders.program_credential()
    assert client.get(awarded.url).status_code == 200

    awarded.credential.status = "revoked"
    awarded.credential.save()

    assert_not_found(client.get(awarded.url))


def test_bulk_revocation_is_not_served_from_the_page_cache(client, site):
    awarded = builders.program_credential()
    assert client.get(awarded.url).status_code == 200

    type(awarded.credential).objects.filter(pk=awarded.credential.pk).update(status="revoked")

    assert_not_found(client.get(awarded.url))


def test_new_date_override_re_renders_a_cached_course_certificate(client, site):
    awarded = builders.course_credential()
    assert "Issued May 2025" in text(client.get(awarded.url))

    UserCredentialDateOverride.objects.create(user_credential=awarded.credential, date=datetime(2025, 8, 1, tzinfo=UTC))

    assert "Issued August 2025" in text(client.get(awarded.url))


def test_configuration_and_signatory_edits_retire_cached_pages(client, site):
    awarded = builders.program_credential()
    client.get(awarded.url)

    awarded.configuration.title = "Renamed Track"
    awarded.configuration.save()
    assert '<p class="accomplishment-program-name">Renamed Track</p>' in text(client.get(awarded.url))

    signatory = awarded.configuration.signatories.get()
    signatory.name = "Dr. New Name"
    signatory.save()
    assert "Dr. New Name" in text(client.get(awarded.url))


def test_a_new_course_credential_that_moves_a_program_date_shows_on_the_next_cached_view(client, site):
    awarded = builders.program_credential(
        available_dates=(datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 9, 20, tzinfo=UTC))
    )
    later = awarded.course_credentials[1]
    later_configuration = later.credential
    later.delete()
    assert "Issued March 2025" in text(client.get(awarded.url))  # cached for anonymous viewers

    UserCredentialFactory(username="alice", credential=later_configuration)

    assert "Issued September 2025" in text(client.get(awarded.url))


def test_an_organization_renamed_in_the_catalog_shows_on_the_next_cached_view(client, site):
    awarded = builders.program_credential(use_org_name=True)
    organization = awarded.program.authoring_organizations.first()
    assert organization.name in text(client.get(awarded.url))

    organization.name = "Renamed University"
    organization.save()

    assert "Renamed University" in text(client.get(awarded.url))


def test_signed_in_viewers_are_never_served_a_cached_page(client, site):
    awarded = builders.program_credential()
    builders.cache_lms_user("alice", "Alice Lovelace")
    client.get(awarded.url)  # cached for anonymous viewers
    client.force_login(UserFactory(username="alice"))

    assert "Congratulations, Alice Lovelace!" in text(client.get(awarded.url))


def test_a_cached_page_keeps_the_certificates_one_language_for_every_viewer(client, site):
    awarded = builders.program_credential(language="es")
    client.get(awarded.url, HTTP_ACCEPT_LANGUAGE="en")

    response = client.get(awarded.url, HTTP_ACCEPT_LANGUAGE="fr")

    assert response["Content-Language"] == "es"
    assert "Se certifica que" in text(response)


def test_an_xseries_certificate_reads_an_xseries(client, site):
    awarded = builders.program_credential(program_type="XSeries", type_slug="xseries")

    page = client.get(awarded.url).content.decode()

    assert "successfully completed all courses and received passing grades for an XSeries in" in page


def test_a_spanish_program_certificate_is_shared_as_a_program_and_reads_an_xseries_in_spanish(client, site):
    awarded = builders.program_credential(program_type="XSeries", type_slug="xseries", language="es")

    page = client.get(awarded.url, HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert "obtuvo calificaciones aprobatorias para un XSeries en" in page
    assert '<meta property="og:description" content="Completé un programa en Test Platform.">' in page
