"""Learner record pages, their front-end redirects, the CSV, share and send (spec/pages.md §5, DESIGN.md §5.6).

Thin adapters: records/api.py builds the record and decides who may do what; these views parse the
request, map the api's exceptions to status codes and render.
"""

import csv
import json
import logging
from functools import wraps
from urllib.parse import urlencode, urljoin

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from credentials.apps.core import api as core_api
from credentials.apps.records import api
from credentials.apps.verifiable import api as verifiable_api

log = logging.getLogger(__name__)

# django-ratelimit as upstream (spec/integration.md §5.4): 15 POSTs a minute per user and view, counted in
# the shared cache; RatelimitMiddleware answers a blocked request with rate_limited().
records_post_limit = ratelimit(key="user", rate="15/m", method="POST", block=True)


# --- Decorators -----------------------------------------------------------------------------------------


def records_enabled_required(view):
    """404 for everyone when the site has learner records switched off (issue 5)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not api.records_enabled(request.site):
            raise Http404("Learner records are not enabled on this site.")
        return view(request, *args, **kwargs)

    return wrapped


def rate_limited(request, exception):
    """RATELIMIT_VIEW: the answer to a records POST over its limit (spec/integration.md §5.4)."""
    log.warning("Credentials records endpoint is being throttled.")
    return JsonResponse({"error": "Too Many Requests"}, status=429)


# --- Helpers ---------------------------------------------------------------------------------------------


def _front_end_url(path=""):
    """The Learner Record front-end URL for ``path``, or None when records are served here.

    The setting must end with "/" (targets are URL-joined onto it); a missing slash is added rather than
    letting urljoin drop the last path segment.
    """
    base = settings.LEARNER_RECORD_MFE_RECORDS_PAGE_URL
    if not base:
        return None
    if not base.endswith("/"):
        base += "/"
    return urljoin(base, path)


def _learner_for(request):
    """The learner whose private record is asked for: the requester, or ``?username=`` for staff."""
    username = request.GET.get("username") or request.user.username
    if not api.may_act_for(request.user, username):
        return None, True
    learner = request.user if username == request.user.username else core_api.get_user_by_username(username)
    if learner is None:
        raise Http404("No such learner.")
    return learner, False


def _viewing_context(request, learner):
    """Whose records a page shows and the query that keeps staff on them: ``?username=`` when staff look at
    another learner's records, so their links (records list, program records, CSV) stay on that learner."""
    if learner.pk == request.user.pk:
        return {"viewed_learner": None, "learner_query": ""}
    return {"viewed_learner": learner, "learner_query": f"?{urlencode({'username': learner.username})}"}


def _forbidden(request):
    return render(request, "records/forbidden.html", status=403)


def _display_rows(record):
    """The record's rows with what the table shows: stripped course id, grade in percent, date."""
    rows = []
    for row in record["grades"]:
        percent = row["percent_grade"]
        rows.append(
            {
                **row,
                "earned": bool(row["issue_date"]),
                "display_course_id": row["course_id"].removeprefix("course-v1:"),
                "display_grade": f"{round(percent * 100)}%" if percent != "" else "",
                "issued": parse_datetime(row["issue_date"]) if row["issue_date"] else None,
            }
        )
    return rows


def _program_status(program):
    if program["completed"]:
        return "completed"
    return "empty" if program["empty"] else "partial"


def _record_context(request, record, *, is_public):
    program = record["program"]
    return {
        "record": record,
        "rows": _display_rows(record),
        "program_status": _program_status(program),
        "last_updated": parse_datetime(program["last_updated"]),
        "is_public": is_public,
    }


def _json_body(request):
    """The POST body as a dict: JSON (what the front-end sends) or a form; None when unreadable."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, RecursionError):  # RecursionError: nested deeper than the decoder allows
            return None
        return data if isinstance(data, dict) else None
    return request.POST


class _CsvResponse(HttpResponse):
    """The CSV, running ``on_close`` callbacks once the server finished sending it."""

    def __init__(self, *args, on_close=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.on_close = list(on_close)

    def close(self):
        super().close()
        callbacks, self.on_close = self.on_close, []
        for callback in callbacks:
            callback()


def _csv_response(record, *, on_close=()):
    response = _CsvResponse(content_type="text/csv", on_close=on_close)
    response["Content-Disposition"] = f'attachment; filename="{api.program_record_csv_filename(record)}"'
    csv.writer(response, quoting=csv.QUOTE_ALL).writerows(api.program_record_csv_rows(record))
    return response


def _shared_record(request, record_uuid):
    """(shared record, built record) for a public uuid; 404 when unknown or its program is not on this site."""
    shared = api.get_shared_record(record_uuid)
    if shared is None:
        raise Http404("No such shared record.")
    record = api.build_program_record(site=request.site, user=shared.user, program_uuid=shared.program.uuid)
    if record is None:
        raise Http404("The record's program is not on this site.")  # upstream: 500 (DESIGN.md §5.1)
    return shared, record


# --- Pages -----------------------------------------------------------------------------------------------


@require_GET
@records_enabled_required
@login_required
def index(request):
    """ "My Learner Records": the learner's programs and every certificate they earned."""
    front_end = _front_end_url()
    if front_end:
        return redirect(front_end)
    learner, forbidden = _learner_for(request)
    if forbidden:
        return _forbidden(request)
    configuration = core_api.get_site_configuration(request.site)
    lms_root = (configuration.lms_url_root or "").rstrip("/") if configuration else ""
    context = {
        "programs": [
            {**program, "status": _program_status(program)}
            for program in api.list_program_records(site=request.site, user=learner)
        ],
        "earned_credentials": api.list_earned_credentials(site=request.site, username=learner.username),
        "profile_url": f"{lms_root}/u/{learner.username}" if lms_root else "",
        **_viewing_context(request, learner),
    }
    return render(request, "records/index.html", context)


@require_GET
@records_enabled_required
@login_required
def program_record(request, program_uuid):
    """The learner's own record of a program (any learner's, for staff with ``?username=``)."""
    front_end = _front_end_url(program_uuid)
    if front_end:
        return redirect(front_end)
    learner, forbidden = _learner_for(request)
    if forbidden:
        return _forbidden(request)
    record = api.build_program_record(site=request.site, user=learner, program_uuid=program_uuid)
    if record is None:
        raise Http404("No such program.")
    sent = {pathway["id"] for pathway in record["pathways"] if pathway["status"]}
    pathways = [
        {"id": pathway.pk, "name": pathway.name, "sent": pathway.pk in sent, "active": bool(pathway.email)}
        for pathway in api.sendable_pathways(site=request.site, program_uuid=program_uuid)
    ]
    context = _record_context(request, record, is_public=False)
    context.update(
        {
            "program_uuid": program_uuid,
            "pathways": pathways,
            "pathways_inactive": any(not pathway["active"] for pathway in pathways),
            **_viewing_context(request, learner),
        }
    )
    context["csv_url"] = reverse("records:private_program_csv", args=[program_uuid]) + context["learner_query"]
    if verifiable_api.is_enabled(request.site):
        context["clr_url"] = reverse("records:private_program_clr", args=[program_uuid]) + context["learner_query"]
    return render(request, "records/program_record.html", context)


@require_GET
@records_enabled_required
def shared_program_record(request, record_uuid):
    """The public, read-only record behind a shared link."""
    front_end = _front_end_url(f"shared/{record_uuid}")
    if front_end:
        return redirect(front_end)
    _, record = _shared_record(request, record_uuid)
    context = _record_context(request, record, is_public=True)
    context["csv_url"] = reverse("records:program_record_csv", args=[record_uuid])
    return render(request, "records/program_record.html", context)


@require_GET
@records_enabled_required
def program_record_csv(request, record_uuid):
    """The shared record as CSV (spec/pages.md §5.7); public. Segment hears of the download's start and end."""
    shared, record = _shared_record(request, record_uuid)
    download = api.RecordDownload.of(
        site=request.site,
        shared_record=shared,
        anonymous_id=request.COOKIES.get("ajs_anonymous_id"),
        path=request.path,
        referrer=request.headers.get("Referer", ""),
        url=request.build_absolute_uri(),
        user_agent=request.headers.get("User-Agent", ""),
    )
    download.started()
    return _csv_response(record, on_close=[download.finished])


@require_GET
@records_enabled_required
@login_required
def private_program_record_csv(request, program_uuid):
    """The learner's own record as CSV, without creating a public link first (same layout as the shared one)."""
    learner, forbidden = _learner_for(request)
    if forbidden:
        return _forbidden(request)
    record = api.build_program_record(site=request.site, user=learner, program_uuid=program_uuid)
    if record is None:
        raise Http404("No such program.")
    return _csv_response(record)


# --- Share and send (JSON, called by the pages and by the Learner Record front-end) -----------------------


@require_POST
@records_enabled_required
@login_required
@records_post_limit
def share_program(request, program_uuid):
    """Create or return the public link: 201 when created, 200 when it existed (spec/pages.md §5.4)."""
    body = _json_body(request)
    username = body.get("username") if body is not None else None
    if not isinstance(username, str) or not username:
        return JsonResponse({"error": "A username is required."}, status=400)  # upstream: 500
    try:
        record, created = api.share_program_record(
            site=request.site, requester=request.user, username=username, program_uuid=program_uuid
        )
    except api.RecordNotFound as exc:
        return JsonResponse({"error": str(exc)}, status=404)
    except api.RecordPermissionDenied as exc:
        return JsonResponse({"error": str(exc)}, status=403)
    url = request.build_absolute_uri(api.public_record_path(record))
    return JsonResponse({"url": url}, status=201 if created else 200)


@require_POST
@records_enabled_required
@login_required
@records_post_limit
def send_program(request, program_uuid):
    """Email the public record to a credit pathway; 200 with an empty body (spec/pages.md §5.5)."""
    body = _json_body(request)
    username = body.get("username") if body is not None else None
    pathway_id = body.get("pathway_id") if body is not None else None
    try:
        pathway_id = int(pathway_id)
    except (TypeError, ValueError):
        pathway_id = None
    if not isinstance(username, str) or not username or pathway_id is None or isinstance(body.get("pathway_id"), bool):
        return JsonResponse({"error": "A username and a numeric pathway_id are required."}, status=400)
    try:
        api.send_program_record(
            site=request.site,
            requester=request.user,
            username=username,
            program_uuid=program_uuid,
            pathway_id=pathway_id,
            base_url=request.build_absolute_uri("/"),
        )
    except api.RecordPermissionDenied as exc:
        return JsonResponse({"error": str(exc)}, status=403)
    except api.RecordNotFound as exc:
        return JsonResponse({"error": str(exc)}, status=404)
    except api.PathwayWithoutEmail as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    except api.SendFailed:
        return JsonResponse({"error": "We were unable to send your program record."}, status=503)
    return HttpResponse(status=200)
