"""Builds a certificate page's template context from an ``api.Certificate``: templates, sharing, Open Graph;
and caches the page anonymous viewers get.

Nothing here reads the database or the LMS except through ``api.py``.
"""

import functools
import uuid as uuid_module
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpResponse
from django.template.loader import select_template
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import gettext

from credentials.apps.core import api as core_api
from credentials.apps.core.models import SiteConfiguration
from credentials.apps.credentials import api, caching
from credentials.apps.credentials.theme_context import theme_context

LINKEDIN_ADD_URL = "https://www.linkedin.com/profile/add"
TWITTER_INTENT_URL = "https://twitter.com/intent/tweet"
FACEBOOK_SHARE_URL = "https://www.facebook.com/dialog/share"


def body_template_names(certificate, theme_name):
    """Most specific first (spec/pages.md §3.5): the program uuid, then the type slug, each under the
    site's theme then unthemed; last the generic body that renders any program (or course) certificate."""
    if certificate.is_program:
        folder, generic = "credentials/programs", "credentials/programs/certificate.html"
        keys = [str(certificate.program_uuid)] if certificate.program_uuid else []
    else:
        folder, generic = "credentials/courses", "credentials/courses/certificate.html"
        keys = []
    if certificate.type_slug:
        keys.append(certificate.type_slug)
    names = [f"{folder}/{key}/certificate.html" for key in keys]
    themed = [f"{theme_name}/{name}" for name in names] if theme_name else []
    return [*themed, *names, generic]


def themed_template(name, theme_name):
    return select_template([f"{theme_name}/{name}", name] if theme_name else [name])


def linkedin_url(certificate, *, share_url, org_names):
    """ "Add to profile" link in the exact parameter order of spec/pages.md §3.7."""
    params = [
        ("startTask", "CERTIFICATION_NAME"),
        ("name", certificate.display_title),
        ("certUrl", share_url),
        ("certId", certificate.uuid.hex),
        ("organizationName", org_names),
    ]
    if certificate.issue_date:
        params += [("issueYear", certificate.issue_date.year), ("issueMonth", certificate.issue_date.month)]
    return f"{LINKEDIN_ADD_URL}?{urlencode(params)}"


def share_text(certificate, platform_name):
    """What the learner says when sharing (og:description): a program or a course, as the certificate is."""
    if certificate.is_program:
        return gettext("I completed a program at {platform_name}.").format(platform_name=platform_name)
    return gettext("I completed a course at {platform_name}.").format(platform_name=platform_name)


def twitter_url(certificate, *, share_url, platform_name, twitter_username):
    if certificate.is_program:
        text = gettext("I completed a program at {platform_name}. Take a look at my certificate:")
    else:
        text = gettext("I completed a course at {platform_name}. Take a look at my certificate:")
    text = text.format(platform_name=platform_name)
    params = [("text", text), ("url", share_url)]
    if twitter_username:
        params.append(("via", twitter_username))
    return f"{TWITTER_INTENT_URL}?{urlencode(params)}"


def facebook_url(*, share_url, app_id):
    return f"{FACEBOOK_SHARE_URL}?{urlencode([('app_id', app_id or ''), ('display', 'popup'), ('href', share_url)])}"


def page_context(request, certificate, learner, *, share_url=None, show_banner=False, sample=None):
    """The context of ``credentials/base.html`` for one certificate.

    One language per page: everything, the sharing texts included, is in the configuration's render
    language (spec/pages.md §3.8), whatever the viewer's (upstream mixes the viewer's language into the
    type name and the sharing texts). Without ``share_url`` (example and preview pages) nothing is
    shareable and no Open Graph tags are emitted. ``sample`` ("example" or "preview") marks a certificate
    nobody was awarded, on the page and on the paper.
    """
    with translation.override(certificate.language):
        return _page_context(request, certificate, learner, share_url=share_url, show_banner=show_banner, sample=sample)


def _page_context(request, certificate, learner, *, share_url, show_banner, sample):
    # A site without a configuration is a setup mistake, not a reason to fail a learner's page.
    configuration = core_api.get_site_configuration(request.site) or SiteConfiguration(site=request.site)
    theme_name = configuration.theme_name
    platform_name = configuration.platform_name or request.site.name
    page_title = certificate.type_name or gettext("Certificate")

    org_names = api.org_name_string(certificate.organization_names)
    is_rtl = translation.get_language_bidi()

    context = {
        "certificate": certificate,
        "learner": learner,
        "credential_name": learner.name,
        "render_language": certificate.language,
        "render_direction": "rtl" if is_rtl else "ltr",
        "issue_date": certificate.issue_date,
        "page_title": page_title,
        "platform_name": platform_name,
        "org_name_string": org_names,
        "show_banner": show_banner,
        "sample": sample,
    }
    templates = {
        "certificate_template": select_template(body_template_names(certificate, theme_name)),
        "header_template": themed_template("_header.html", theme_name),
        "footer_template": themed_template("_footer.html", theme_name),
    }
    context.update(templates)
    context.update(theme_context(certificate, learner, **templates))
    if share_url:
        context.update(
            share_url=share_url,
            share_text=share_text(certificate, platform_name),
            # A picture of the certificate itself (1200 x 630, rendered by verifiable/printable.py).
            share_image_url=request.build_absolute_uri(
                reverse("certificate-preview", kwargs={"credential_uuid": certificate.uuid})
            ),
            og_title=f"{page_title}: {certificate.display_title}" if certificate.display_title else page_title,
        )
        if configuration.enable_linkedin_sharing:
            context["linkedin_url"] = linkedin_url(certificate, share_url=share_url, org_names=org_names)
        if configuration.enable_twitter_sharing:
            context["twitter_url"] = twitter_url(
                certificate,
                share_url=share_url,
                platform_name=platform_name,
                twitter_username=configuration.twitter_username,
            )
        if configuration.enable_facebook_sharing:
            context["facebook_url"] = facebook_url(share_url=share_url, app_id=configuration.facebook_app_id)
    return context


# --- The anonymous page cache ------------------------------------------------------------------------------

# Response headers a cached page keeps; the outer middleware (security, CORS, logging) adds its own on each view.
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "X-Frame-Options", "Cache-Control")


@functools.cache
def _certificate_path_shape():
    """(prefix, length) of certificate page paths, e.g. ("/credentials/", 46)."""
    sample = reverse("credentials:render", kwargs={"uuid": uuid_module.UUID(int=0)})
    return sample.removesuffix(f"{uuid_module.UUID(int=0).hex}/"), len(sample)


class PageCache:
    """The page of one certificate as anonymous viewers see it, cached for CERTIFICATE_PAGE_CACHE_TTL seconds.

    Shared links bring most views, all anonymous and alike. A cached page is served only while it is still
    right: every view re-reads the credential and every input to its visible date (one indexed query,
    ``api.certificate_freshness``), so a revocation, a re-award, a new date override or a new course
    credential that moves a program's date shows at once; and the page is stored with the generations of
    the sites, catalog and configurations it shows (caching.py), read in the same cache round trip as the
    page. Pages vary by site, scheme and host (the share URL) and by the viewer's language (the share text).
    """

    def __init__(self, request, uuid, *, ttl):
        self.uuid = uuid
        self.ttl = ttl
        language = translation.get_language_from_request(request)
        site = core_api.get_site_for_host(request.get_host())
        self.key = caching.certificate_page_key(uuid, f"{site.pk}|{request.scheme}://{request.get_host()}|{language}")
        self.generations = None
        self.freshness = None

    @classmethod
    def for_request(cls, request):
        """A cache for this request when it is an anonymous view of a certificate page, else None."""
        ttl = settings.CERTIFICATE_PAGE_CACHE_TTL
        if not ttl or request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return None
        prefix, length = _certificate_path_shape()
        if len(request.path) != length or not request.path.startswith(prefix):
            return None  # every other request pays two string checks, no URL resolution
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        if match.view_name != "credentials:render":
            return None
        return cls(request, match.kwargs["uuid"], ttl=ttl)

    def lookup(self):
        """The cached response, or None (nothing cached, retired, or the credential changed since)."""
        try:
            self.freshness = api.certificate_freshness(self.uuid)
        except DatabaseError:
            return None  # the view answers (and the database-outage middleware turns it into a 503)
        self.generations, found = core_api.read_with_generations(caching.CERTIFICATE_PAGE_SCOPES, [self.key])
        entry = found.get(self.key)
        if (
            self.freshness is None
            or entry is None
            or (entry["generations"], entry["freshness"]) != (self.generations, self.freshness)
        ):
            return None
        response = HttpResponse(entry["content"])
        for header, value in entry["headers"]:
            response[header] = value
        return response

    def store(self, response):
        """Keep a page rendered after ``lookup()`` missed, as of the generations and freshness read then."""
        if self.freshness is None or response.status_code != 200 or response.cookies or response.streaming:
            return
        entry = {
            "generations": self.generations,
            "freshness": self.freshness,
            "content": response.content,
            "headers": [(header, response[header]) for header in _KEPT_HEADERS if response.has_header(header)],
        }
        cache.set(self.key, entry, self.ttl)
