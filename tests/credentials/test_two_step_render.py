"""The certificate page filled into a skeleton (credentials/page_render.py) is byte for byte the page rendered in
full, for every kind of certificate, language, viewer and theme; and what the skeleton was made of shows
on the next view once it changes."""

from datetime import UTC, datetime

import pytest

from credentials.apps.credentials.models import UserCredentialDateOverride
from tests.credentials import builders
from tests.factories import OrganizationFactory, SignatoryFactory, UserCredentialFactory, UserFactory

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("pwn")</script> O\'Hara & Sons </p>{{ x }}'
# Headers that differ between any two requests (the request id the logging middleware hands out).
PER_REQUEST_HEADERS = {"X-Request-ID"}


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.CERTIFICATE_PAGE_CACHE_TTL = 0  # every view a first view: the page is made each time


def _second_holder(awarded, username):
    """Another learner holding the same configuration (and, for a program, its courses)."""
    for course_credential in awarded.course_credentials:
        UserCredentialFactory(username=username, credential=course_credential.credential)
    credential = UserCredentialFactory(username=username, credential=awarded.configuration)
    return f"/credentials/{credential.uuid.hex}/"


def _custom_title(awarded, title):
    awarded.configuration.title = title
    awarded.configuration.save()
    return awarded


def _date_override(awarded, when):
    UserCredentialDateOverride.objects.create(user_credential=awarded.credential, date=when)
    return awarded


CERTIFICATES = {
    "program": lambda: builders.program_credential(),
    "program in Spanish, custom title": lambda: _custom_title(
        builders.program_credential(language="es"), 'Ciencia de <Datos> & "Más"'
    ),
    "program in es-419 with hours of effort": lambda: builders.program_credential(
        language="es_419", include_hours_of_effort=True
    ),
    "program in Arabic (right to left)": lambda: builders.program_credential(language="ar"),
    "program of a generic type, no organizations or signatories": lambda: builders.program_credential(
        program_type="MicroBachelors", type_slug="microbachelors", orgs=[], signatories=[]
    ),
    "program with three organizations, hostile signatories": lambda: builders.program_credential(
        orgs=builders.organizations(3, certificate_logo_image_url=None),
        signatories=[
            SignatoryFactory(name=HOSTILE, title="Dean<br>of <b>Computing</b>\nand more"),
            SignatoryFactory(name="Ada", title="Chair", organization_name_override="O'Neil & <Co>"),
        ],
        use_org_name=True,
    ),
    "course, verified, date override": lambda: _date_override(
        builders.course_credential(signatories=[SignatoryFactory(name="Dr. Grace Hopper")]),
        datetime(2024, 12, 31, 23, 59, tzinfo=UTC),
    ),
    "course, honor, no organizations, custom title": lambda: _custom_title(
        builders.course_credential(certificate_type="honor", orgs=[]), "Stats & <Probability>"
    ),
}
VIEWERS = {
    "anonymous": {},
    "anonymous reading Spanish": {"HTTP_ACCEPT_LANGUAGE": "es"},
    "anonymous reading Arabic, over https": {"HTTP_ACCEPT_LANGUAGE": "ar", "secure": True},
}


def _page(response):
    headers = {name: value for name, value in response.items() if name not in PER_REQUEST_HEADERS}
    return response.status_code, headers, response.content


def _both_ways(client, settings, url, **request):
    """(the page rendered in full, the first two-step view, a later two-step view)."""
    settings.CERTIFICATE_TWO_STEP_RENDER = False
    full = client.get(url, **request)
    settings.CERTIFICATE_TWO_STEP_RENDER = True
    return full, client.get(url, **request), client.get(url, **request)


@pytest.mark.parametrize("viewer", VIEWERS.values(), ids=VIEWERS.keys())
@pytest.mark.parametrize("arrange", CERTIFICATES.values(), ids=CERTIFICATES.keys())
def test_the_two_step_page_is_the_fully_rendered_page_byte_for_byte(client, settings, site, arrange, viewer):
    site.siteconfiguration.segment_key = "seg'<key>"
    site.siteconfiguration.enable_facebook_sharing = True
    site.siteconfiguration.facebook_app_id = "1234"
    site.siteconfiguration.save()
    awarded = arrange()
    builders.cache_lms_user("alice", HOSTILE)
    builders.cache_lms_user("bob", "Bob", verified_name='Róbert "Bobby" <Tables>', use_verified_name_for_certs=True)
    second_url = _second_holder(awarded, "bob")

    for url in (awarded.url, second_url):
        full, first, later = _both_ways(client, settings, url, **viewer)

        assert full.status_code == 200
        assert _page(first) == _page(full)
        assert _page(later) == _page(full)
        assert later.templates == []  # filled in, not rendered
    assert HOSTILE.encode() not in full.content


@pytest.mark.parametrize("trusted", [False, True], ids=["from elsewhere", "even if it were our own"])
def test_a_theme_that_transforms_learner_values_is_rendered_in_full_with_the_same_bytes(
    client, settings, site, tmp_path, monkeypatch, trusted
):
    """A theme from another package is never filled in; were it one of ours, the probes would still catch
    that it re-cases the name and shortens the id."""
    if trusted:
        monkeypatch.setattr("credentials.apps.credentials.page_render._is_our_own", lambda template: True)
    certificate = tmp_path / "outside/credentials/programs/professional-certificate/certificate.html"
    certificate.parent.mkdir(parents=True)
    certificate.write_text(
        "{% extends 'credentials/programs/base.html' %}{% block certificate_metadata %}"
        "<p class='holder'>{{ user_data.name|upper }} {{ user_credential.uuid.hex|slice:':8' }}</p>{% endblock %}"
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    site.siteconfiguration.theme_name = "outside"
    site.siteconfiguration.save()
    awarded = builders.program_credential()
    builders.cache_lms_user("alice", "Alice <Lovelace>")

    full, first, later = _both_ways(client, settings, awarded.url)

    assert "ALICE &lt;LOVELACE&gt;" in full.content.decode()
    assert _page(first) == _page(full) == _page(later)
    assert later.templates  # rendered


def test_signed_in_viewers_get_the_full_render(client, settings, site):
    awarded = builders.program_credential()
    builders.cache_lms_user("alice", "Alice")
    client.force_login(UserFactory(username="alice"))

    full, first, later = _both_ways(client, settings, awarded.url)

    assert "Congratulations" in full.content.decode()
    assert _page(first) == _page(full) == _page(later)
    assert later.templates


# --- What the skeleton was made of changes: the next view shows it -------------------------------------------


def _edit_signatory(awarded):
    signatory = awarded.configuration.signatories.get()
    signatory.name = "Prof. Edited Signatory"
    signatory.save()
    return "Prof. Edited Signatory"


def _edit_organization(awarded):
    organization = awarded.program.authoring_organizations.first()
    organization.key = "EditedX"
    organization.save()
    return "EditedX"


def _add_signatory(awarded):
    awarded.configuration.signatories.add(SignatoryFactory(name="Newly Added Signatory"))
    return "Newly Added Signatory"


def _edit_configuration(awarded):
    awarded.configuration.title = "An Edited Custom Title"
    awarded.configuration.save()
    return "An Edited Custom Title"


def _replace_organizations(awarded):
    from credentials.apps.catalog.api import set_ordered

    set_ordered(awarded.program, "authoring_organizations", [OrganizationFactory(key="SwappedX")])
    return "SwappedX"


def _edit_site(awarded):
    configuration = awarded.configuration.site.siteconfiguration
    configuration.platform_name = "Edited Platform"
    configuration.save()
    return "Edited Platform"


EDITS = {
    "signatory renamed": _edit_signatory,
    "signatory added": _add_signatory,
    "organization renamed": _edit_organization,
    "organizations replaced": _replace_organizations,
    "custom title": _edit_configuration,
    "site's platform name": _edit_site,
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_an_edit_shows_on_the_next_two_step_view(client, settings, site, edit):
    awarded = builders.program_credential()
    builders.cache_lms_user("alice", "Alice")
    before = client.get(awarded.url)
    assert client.get(awarded.url).templates == []  # the skeleton is cached

    shown = edit(awarded)
    after = client.get(awarded.url)

    assert shown not in before.content.decode()
    assert shown in after.content.decode()
    settings.CERTIFICATE_TWO_STEP_RENDER = False
    assert _page(after) == _page(client.get(awarded.url))
