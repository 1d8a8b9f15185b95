"""The certificate page rendered in two steps (issue 20): what it shows that is the same for every holder of
one certificate configuration is rendered once and cached; the learner's own values are filled in per view.

Thousands of learners each viewing their own certificate once (the page cache never helps them) paid a
full template render each. Here the first view of a configuration renders the page with stand-in ("probe")
learner values instead of the real ones, twice, with two very different probes, and keeps the text between
the places where the probe values came out. A later view of any certificate of that configuration, site,
host, viewer language and issue month only joins that text with its own values, escaped exactly as the
template escapes them.

The page may use the two-step render only where it is provably the full render:
* The viewer is anonymous: the banner, the header's account links and the owner's actions are per viewer.
* Every template the page selects is one of the service's own (templates/ of this repository), whose uses
  of the learner's values are reviewed and covered by the byte-for-byte test (tests/credentials/
  test_two_step_render.py); a theme from another package is rendered in full.
* The two probe renders agree once the probe values are taken out, and no trace of a probe value is left
  outside the places recognised as "the value, HTML-escaped" (or for the credential id, verbatim, which
  every escaping leaves alone): a template that tests, shortens, re-cases, URL- or JS-encodes a learner's
  value is caught there, and the page is rendered in full from then on (the verdict is cached too).
* The issue date reaches the page only through its month and year (the stamp, LinkedIn's issueYear and
  issueMonth): the probes are the first and the last instant of the real date's month (UTC, the service's
  time zone; any other is rendered in full), so a template printing the day or time makes them disagree.

What was cached is retired like every other cache of configuration data (core/generations.py): any change to
sites, catalog or configurations (signatories included) starts new generations; the key also names every
configuration value of the certificate, so a stale key cannot match a changed page.
"""

import calendar
import dataclasses
import functools
import hashlib
import re
import uuid as uuid_module
from datetime import UTC, date, datetime
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import get_template
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import conditional_escape

from credentials.apps.core import api as core_api
from credentials.apps.core import sso
from credentials.apps.credentials import caching
from credentials.apps.credentials.certificate import page_context
from credentials.apps.credentials.learner_names import LearnerName

TEMPLATE = "credentials/base.html"

# A private-use character: no real text, no template and no escaping produces it (HTML escaping keeps it,
# URL encoding turns it into %EE%80%80, JS escaping into \ue000; all three are looked for).
_MARK = "\ue000"
_MARK_TRACES = (_MARK, "%ee%80%80", "\\ue000", "&#57344;", "&#xe000;")
_STRING_SLOTS = ("name", "display_name", "learner_username", "username")
# A page the probes showed is not safe to fill in: rendered in full on every view.
FULL_RENDER = "full"


def certificate_response(request, certificate, learner, *, share_url=None, show_banner=False, sample=None):
    """The certificate page's response: the same bytes whichever way it is made."""
    page = None
    if share_url and not show_banner and not sample and settings.CERTIFICATE_TWO_STEP_RENDER:
        page = _two_step_page(request, certificate, learner, share_url)
    if page is None:
        context = page_context(
            request, certificate, learner, share_url=share_url, show_banner=show_banner, sample=sample
        )
        response = TemplateResponse(request, TEMPLATE, context)
    else:
        response = HttpResponse(page)
    # Labelled with its one language (the certificate's), not the viewer's.
    response["Content-Language"] = certificate.language
    return response


# --- The page of one certificate from its configuration's skeleton ------------------------------------------


def _two_step_page(request, certificate, learner, share_url):
    """The page, or None when it must be rendered in full."""
    if request.user.is_authenticated or not _month_only_dates(certificate.issue_date):
        return None
    path = reverse("credentials:render", kwargs={"uuid": certificate.uuid})
    if request.path != path or share_url != request.build_absolute_uri(path):
        return None
    key = caching.certificate_skeleton_key(_variant(request, certificate))
    skeleton = core_api.cached_with_generations(
        key,
        caching.CERTIFICATE_PAGE_SCOPES,
        lambda: _build_skeleton(request, certificate),
        settings.CONFIGURATION_CACHE_TTL,
    )
    if skeleton == FULL_RENDER:
        return None
    texts, slots = skeleton
    values = _slot_values(certificate.uuid, learner, certificate.username)
    parts = [texts[0]]
    for slot, text in zip(slots, texts[1:], strict=True):
        parts += (values[slot], text)
    return "".join(parts)


def _month_only_dates(issue_date):
    """Whether the month probes stand for this date: none, a date, or an aware datetime in UTC rendered in UTC."""
    if issue_date is None or type(issue_date) is date:
        return True
    if not isinstance(issue_date, datetime) or issue_date.utcoffset() is None or issue_date.utcoffset().total_seconds():
        return False
    return settings.USE_TZ and timezone.get_current_timezone().utcoffset(issue_date).total_seconds() == 0


def _variant(request, certificate):
    """Everything the skeleton depends on besides the generations: the certificate's configuration values,
    the site, scheme and host (links), the viewer's language (text direction of the outer page), the issue
    month, this year (the footer's copyright) and this deployment's templates, translations and settings."""
    configuration_values = dataclasses.replace(certificate, uuid=uuid_module.UUID(int=0), username="", issue_date=None)
    issue_date = certificate.issue_date
    return "|".join(
        map(
            str,
            (
                _deployment_digest(),
                repr(configuration_values),
                request.site.pk,
                request.scheme,
                request.get_host(),
                translation.get_language(),
                getattr(request, "LANGUAGE_CODE", ""),
                timezone.now().year,
                (type(issue_date).__name__, issue_date.year, issue_date.month) if issue_date else None,
            ),
        )
    )


# --- Building the skeleton ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Probe:
    uuid: uuid_module.UUID
    strings: dict  # slot → stand-in value
    issue_date: object


def _probes(issue_date):
    """Two stand-ins as unlike each other as possible (length, characters, markup, day and time)."""
    first = last = None
    if issue_date is not None:
        last_day = calendar.monthrange(issue_date.year, issue_date.month)[1]
        if isinstance(issue_date, datetime):
            first = datetime(issue_date.year, issue_date.month, 1, tzinfo=UTC)
            last = datetime(issue_date.year, issue_date.month, last_day, 23, 59, 59, 999999, tzinfo=UTC)
        else:
            first, last = date(issue_date.year, issue_date.month, 1), date(issue_date.year, issue_date.month, last_day)
    long_text = '<script>alert("x")</script> O\'Brien & Zoë Ünal-Łukasz \u202eRTL\u202c {{ x }} %s'
    return (
        _Probe(uuid_module.uuid4(), {slot: f"{_MARK}{slot} {long_text}{_MARK}" for slot in _STRING_SLOTS}, first),
        _Probe(uuid_module.uuid4(), {slot: f"{_MARK}{slot[0]}{_MARK}" for slot in _STRING_SLOTS}, last),
    )


def _slot_values(uuid, learner, username):
    """What fills each slot, as the template prints it: names HTML-escaped, the id as is."""
    strings = {
        "name": learner.name,
        "display_name": learner.display_name,
        "learner_username": learner.username,
        "username": username,
    }
    return {
        "uuid_hex": uuid.hex,
        "uuid": str(uuid),
        **{slot: conditional_escape(value) for slot, value in strings.items()},
    }


def _render_probe(request, certificate, probe):
    certificate = dataclasses.replace(
        certificate, uuid=probe.uuid, username=probe.strings["username"], issue_date=probe.issue_date
    )
    learner = LearnerName(
        username=probe.strings["learner_username"],
        name=probe.strings["name"],
        display_name=probe.strings["display_name"],
    )
    share_url = request.build_absolute_uri(reverse("credentials:render", kwargs={"uuid": probe.uuid}))
    context = page_context(request, certificate, learner, share_url=share_url)
    selected = [context["certificate_template"], context["header_template"], context["footer_template"]]
    if not all(_is_our_own(template) for template in [get_template(TEMPLATE), *selected]):
        return None
    return get_template(TEMPLATE).render(context, request)


def _split(html, probe):
    """(texts, slots): ``html`` cut where the probe's values are; None when a trace of one is left elsewhere."""
    forms = {conditional_escape(value): slot for slot, value in probe.strings.items()}
    forms |= {probe.uuid.hex: "uuid_hex", str(probe.uuid): "uuid"}
    pattern = re.compile("|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True)))
    texts, slots, position = [], [], 0
    for match in pattern.finditer(html):
        texts.append(html[position : match.start()])
        slots.append(forms[match.group()])
        position = match.end()
    texts.append(html[position:])
    # Any eight hex digits of the id in a row: a shortened or re-cased id.
    id_traces = [probe.uuid.hex[start : start + 8] for start in range(len(probe.uuid.hex) - 7)]
    for text in texts:
        lowered = text.lower()
        if any(trace in lowered for trace in (*_MARK_TRACES, *id_traces)):
            return None
    return texts, slots


def _build_skeleton(request, certificate):
    """The page's texts between slots, or FULL_RENDER when the two probes do not prove it."""
    skeletons = []
    for probe in _probes(certificate.issue_date):
        html = _render_probe(request, certificate, probe)
        skeleton = _split(html, probe) if html is not None else None
        if skeleton is None:
            return FULL_RENDER
        skeletons.append(skeleton)
    first, second = skeletons
    return first if first == second else FULL_RENDER


# --- This deployment ------------------------------------------------------------------------------------


def _template_dirs():
    return [Path(directory).resolve() for engine in settings.TEMPLATES for directory in engine.get("DIRS", [])]


def _is_our_own(template):
    """A template of this repository's templates/ (not a theme package's, another directory's, nor an app's)."""
    origin = getattr(getattr(template, "origin", None), "name", None)
    return bool(origin) and Path(origin).resolve().is_relative_to(Path(settings.BASE_DIR).resolve() / "templates")


@functools.cache
def _deployment_digest():
    """Changes with the templates, translations, static files, page code and settings the page is made of, so
    that processes of two releases sharing one cache never serve each other's skeletons."""
    digest = hashlib.sha256()
    app = Path(__file__).resolve().parent
    sources = [
        *_template_dirs(),
        *(Path(directory) for directory in settings.LOCALE_PATHS),
        *(Path(directory) for directory in settings.STATICFILES_DIRS),
        app / "templatetags",
        app.parent / "verifiable" / "templatetags",
        *(app / name for name in ("page_render.py", "certificate.py", "theme_context.py")),
    ]
    for source in sources:
        if source.is_dir():
            files = sorted(path for path in source.rglob("*") if path.is_file() and "__pycache__" not in path.parts)
        else:
            files = [source] if source.exists() else []
        for path in files:
            name = path.relative_to(source) if source.is_dir() else path.name
            digest.update(f"{name}\0".encode() + path.read_bytes() + b"\0")
    for value in (settings.STATIC_URL, settings.MEDIA_URL, settings.LANGUAGE_CODE, sso.lms_configured()):
        digest.update(f"{value}\0".encode())
    digest.update(repr(getattr(settings, "VERIFIABLE_CREDENTIALS", None)).encode())
    return digest.hexdigest()[:16]
