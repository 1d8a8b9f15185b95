"""An upstream-style theme directory renders unchanged (spec/pages.md §0, §2.2, §3.4, §3.8).

The theme below is written only against the names the spec gives: the global context (``site``,
``site_logo_url``, ``openedx_logo_url``, ``favicon_url``, ``platform_name``, ``language_code``), the
certificate context (``user_credential``, ``user_data``, ``program_name``, ``credential_title``,
``hours_of_effort``, ``child_templates``), the blocks of ``credentials/programs/base.html`` and the
``translate_file_path`` filter of the ``i18n_assets`` library.
"""

import pytest

from tests.credentials import builders
from tests.factories import ProgramCertRecordFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = """<div class="acme-header"><a href="{{ site.siteconfiguration.lms_url_root }}"><img class="logo-img"
 src="{{ site_logo_url }}" alt=""></a><span class="acme-platform">{{ platform_name }}</span>
<span class="acme-site">{{ site.name }}</span><span class="acme-language">lang={{ language_code }}</span></div>"""
FOOTER = """<div class="acme-footer"><img src="{{ openedx_logo_url }}" alt="Powered by Open edX">
<a class="acme-favicon" href="{{ favicon_url }}">icon</a></div>"""
CERTIFICATE = """{% extends 'credentials/programs/base.html' %}
{% load i18n_assets %}{% load i18n %}{% load static %}
{% block accomplishment_summary %}ACME SUMMARY for {{ program_name }}{% endblock %}
{% block accomplishment_stamp_title %}ACME STAMP{% endblock %}
{% block background_watermark %}{% include 'acme/images/watermark.svg' %}{% endblock %}
{% block background_logo %}{% include 'acme/images/logo.svg'|translate_file_path %}{% endblock %}
{% block platform_logo %}<a class="logo" href="{{ site.siteconfiguration.lms_url_root }}"><img
 src="{% static 'images/favicon.svg' %}" alt=""></a>{% endblock %}
{% block certificate_metadata %}<dl class="acme-metadata">
<dd class="id">{{ user_credential.uuid.hex }}</dd>
<dd class="holder">{{ user_data.name }} ({{ user_data.username }})</dd>
<dd class="program">{{ program_name }}</dd>
<dd class="title">{{ credential_title }}</dd>
<dd class="effort">{{ hours_of_effort }}</dd>
<dd class="type">{{ user_credential.credential.program_details.type }}</dd>
<dd class="org">{{ user_credential.credential.program_details.organizations.0.name }}</dd>
<dd class="children">{% if child_templates.credential and child_templates.header and child_templates.footer %}all three{% endif %}</dd>
<dd class="badge">{% include 'acme/images/badge.svg'|translate_file_path %}</dd>
</dl>{% endblock %}
"""


@pytest.fixture
def acme_theme(tmp_path, settings, site):
    """The theme ``acme`` in a template directory of its own, as a theme package would install it."""
    files = {
        "acme/_header.html": HEADER,
        "acme/_footer.html": FOOTER,
        "acme/credentials/programs/professional-certificate/certificate.html": CERTIFICATE,
        "acme/images/watermark.svg": '<svg class="acme-watermark"></svg>',
        "acme/images/logo.svg": '<svg class="acme-logo-any"></svg>',
        "acme/images/logo-es.svg": '<svg class="acme-logo-es"></svg>',
        "acme/images/logo-en.svg": '<svg class="acme-logo-en"></svg>',
        "acme/images/badge.svg": '<svg class="acme-badge-any"></svg>',
        "acme/images/badge-fr.svg": '<svg class="acme-badge-fr"></svg>',
    }
    for name, body in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    settings.LOGO_URL = "https://cdn.acme.example/logo.svg"
    settings.LOGO_POWERED_BY_OPEN_EDX_URL = "https://cdn.acme.example/powered.svg"
    settings.FAVICON_URL = "https://cdn.acme.example/favicon.ico"
    site.siteconfiguration.theme_name = "acme"
    site.siteconfiguration.platform_name = "ACME Learning"
    site.siteconfiguration.lms_url_root = "https://lms.acme.example"
    site.siteconfiguration.save()
    return site


def assert_themed_header_and_footer(page, language):
    assert 'src="https://cdn.acme.example/logo.svg"' in page
    assert '<a href="https://lms.acme.example">' in page
    assert '<span class="acme-platform">ACME Learning</span>' in page
    assert '<span class="acme-site">testserver</span>' in page
    assert f'<span class="acme-language">lang={language}</span>' in page
    assert 'src="https://cdn.acme.example/powered.svg"' in page
    assert 'href="https://cdn.acme.example/favicon.ico"' in page


def test_an_upstream_style_theme_renders_the_certificate_with_the_specs_names(client, acme_theme):
    awarded = builders.program_credential(title="Data Science", include_hours_of_effort=True, language="es")
    builders.cache_lms_user("alice", "Alice Lovelace")

    response = client.get(awarded.url, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()

    assert response.status_code == 200
    assert_themed_header_and_footer(page, "en")
    assert "ACME SUMMARY for Data Science" in page
    assert "ACME STAMP" in page
    assert '<svg class="acme-watermark"></svg>' in page
    assert '<svg class="acme-logo-es"></svg>' in page  # the certificate's language picks the file
    assert f'<dd class="id">{awarded.credential.uuid.hex}</dd>' in page
    assert '<dd class="holder">Alice Lovelace (alice)</dd>' in page
    assert '<dd class="program">Data Science</dd>' in page
    assert '<dd class="title">None</dd>' in page  # no custom title: upstream's None, as a theme would print it
    assert '<dd class="effort">120</dd>' in page
    assert '<dd class="type">Professional Certificate</dd>' in page
    assert f'<dd class="org">{awarded.program.authoring_organizations.first().name}</dd>' in page
    assert '<dd class="children">all three</dd>' in page


@pytest.mark.parametrize(
    ("language", "logo", "badge"),
    [
        ("", "acme-logo-en", "acme-badge-any"),  # LANGUAGE_CODE "en"
        ("fr_CA", "acme-logo-en", "acme-badge-fr"),  # fr-ca, then fr, then the default en, then the plain file
        ("es_419", "acme-logo-es", "acme-badge-any"),
    ],
)
def test_translate_file_path_tries_the_language_its_prefix_the_default_then_the_plain_file(
    client, acme_theme, language, logo, badge
):
    awarded = builders.program_credential(language=language)
    builders.cache_lms_user("alice", "Alice")

    page = client.get(awarded.url).content.decode()

    assert f'<svg class="{logo}"></svg>' in page
    assert f'<svg class="{badge}"></svg>' in page


def test_the_same_theme_frames_the_record_pages(client, acme_theme):
    awarded = builders.program_credential(title="Data Science")
    shared = ProgramCertRecordFactory(user=UserFactory(username="alice"), program=awarded.program)

    response = client.get(f"/records/programs/shared/{shared.uuid.hex}/", HTTP_ACCEPT_LANGUAGE="es")
    page = response.content.decode()

    assert response.status_code == 200
    assert_themed_header_and_footer(page, "es")
    assert "Data Science" in page
