import pytest
from django.contrib.sites.models import Site
from django.core.management import CommandError, call_command
from django.http import HttpRequest

from credentials.apps.core import api
from credentials.apps.core.constants import ADMINS_GROUP
from credentials.apps.core.models import SiteConfiguration, User
from tests.factories import SiteConfigurationFactory, SiteFactory

pytestmark = pytest.mark.django_db

SITE_ARGS = [
    "--site-domain=credentials.example.com",
    "--site-name=Example Credentials",
    "--platform-name=Example",
    "--lms-url-root=https://lms.example.com",
    "--catalog-api-url=https://discovery.example.com/api/v1/",
    "--tos-url=https://example.com/tos",
    "--privacy-policy-url=https://example.com/privacy",
    "--homepage-url=https://example.com",
    "--company-name=Example Inc",
    "--certificate-help-url=https://example.com/help",
]


def test_request_host_selects_its_site():
    other = SiteConfigurationFactory(site=SiteFactory(domain="other.example.com")).site

    assert api.get_site_for_host("other.example.com") == other
    assert api.get_site_for_host("other.example.com:8443") == other


def test_unknown_host_falls_back_to_site_id(settings):
    assert api.get_site_for_host("unknown.example.com").pk == settings.SITE_ID


def test_saving_a_configuration_is_seen_at_once():
    configuration = SiteConfigurationFactory(site=SiteFactory(domain="live.example.com"), platform_name="Before")
    assert api.get_site_for_host("live.example.com").siteconfiguration.platform_name == "Before"

    configuration.platform_name = "After"
    configuration.save()

    assert api.get_site_for_host("live.example.com").siteconfiguration.platform_name == "After"


def test_user_api_urls_strip_slashes():
    configuration = SiteConfigurationFactory(lms_url_root="https://lms.example.com/")

    assert configuration.user_api_url == "https://lms.example.com/api/user/v1/"
    assert (
        configuration.name_verification_api_url == "https://lms.example.com/api/edx_name_affirmation/v1/verified_name"
    )


def test_migrations_create_admins_and_the_service_user(settings):
    service_user = User.objects.get(username=settings.CREDENTIALS_SERVICE_USER)

    assert service_user.is_staff
    assert not service_user.has_usable_password()
    assert service_user.groups.filter(name=ADMINS_GROUP).exists()


def test_create_or_update_site_creates_then_updates():
    call_command("create_or_update_site", *SITE_ARGS, "--enable-twitter-sharing", "--theme-name=MyTheme")
    call_command("create_or_update_site", *SITE_ARGS, "--site-name=Renamed", "--records-help-url=https://e.com/r")

    site = Site.objects.get(domain="credentials.example.com")
    configuration = SiteConfiguration.objects.get(site=site)
    assert site.name == "Renamed"
    assert configuration.records_help_url == "https://e.com/r"
    # Omitted store-true flags store False; an omitted theme is the default theme.
    assert not configuration.enable_twitter_sharing and not configuration.enable_linkedin_sharing
    assert configuration.theme_name == "openedx"


def test_create_or_update_site_lowercases_the_theme_and_finds_by_id():
    call_command("create_or_update_site", *SITE_ARGS, "--theme-name=MyTheme")
    site_id = Site.objects.get(domain="credentials.example.com").id

    call_command("create_or_update_site", *SITE_ARGS[1:], f"--site-id={site_id}", "--site-domain=new.example.com")

    assert Site.objects.get(id=site_id).domain == "new.example.com"
    assert SiteConfiguration.objects.get(site_id=site_id).theme_name == "openedx"


def test_create_or_update_site_refuses_facebook_without_app_id():
    with pytest.raises(CommandError, match="Facebook app ID"):
        call_command("create_or_update_site", *SITE_ARGS, "--enable-facebook-sharing")

    assert not Site.objects.filter(domain="credentials.example.com").exists()


def test_create_or_update_site_refuses_an_invalid_url_and_saves_nothing():
    with pytest.raises(CommandError, match="lms_url_root"):
        call_command("create_or_update_site", *SITE_ARGS, "--lms-url-root=not a url")

    assert not Site.objects.filter(domain="credentials.example.com").exists()


def test_site_configuration_is_in_every_template_context(client, site):
    request = HttpRequest()
    request.site = site
    from credentials.apps.core.context_processors import site_configuration

    assert site_configuration(request)["site_configuration"].platform_name == "Test Platform"


def test_ten_thousand_distinct_hosts_keep_the_site_cache_bounded(settings):
    """Each Host header (another port, another name under a wildcard ALLOWED_HOSTS) must not grow the process."""
    other = SiteConfigurationFactory(site=SiteFactory(domain="other.example.com")).site

    for port in range(10_000):
        assert api.get_site_for_host(f"other.example.com:{port}") == other
    assert api.site_cache_size() == 1  # keyed on the matched domain, not the raw host
    for number in range(settings.SITE_CACHE_SIZE + 300):  # names that each cost a lookup: past the bound
        assert api.get_site_for_host(f"h{number}.attacker.example").pk == settings.SITE_ID
    assert api.site_cache_size() <= settings.SITE_CACHE_SIZE

    assert api.get_site_for_host("OTHER.example.com:1") == other
