"""The program record as a signed CLR 2.0 credential (clr.json): shared (public) and the learner's own."""

import json
import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from credentials.apps.records import api
from credentials.apps.records.views import _forbidden, _learner_for, records_enabled_required
from credentials.apps.verifiable import api as verifiable_api


def _clr_response(document, filename):
    response = HttpResponse(json.dumps(document, ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
@records_enabled_required
def shared_program_record_clr(request, record_uuid):
    """The shared record as a ClrCredential; public like the shared record page."""
    shared = api.get_shared_record(record_uuid)
    if shared is None:
        raise Http404("No such shared record.")
    document = api.program_record_clr(
        site=request.site,
        user=shared.user,
        program_uuid=shared.program.uuid,
        base_url=verifiable_api.base_url(request),
        record_uuid=shared.uuid,
    )
    if document is None:
        raise Http404("The record's program is not on this site.")
    return _clr_response(document, f"{record_uuid}.clr.json")


@require_GET
@records_enabled_required
@login_required
def private_program_record_clr(request, program_uuid):
    """The learner's own record as a ClrCredential, without creating a public link first."""
    learner, forbidden = _learner_for(request)
    if forbidden:
        return _forbidden(request)
    document = api.program_record_clr(
        site=request.site,
        user=learner,
        program_uuid=uuid.UUID(hex=program_uuid),
        base_url=verifiable_api.base_url(request),
    )
    if document is None:
        raise Http404("No such program.")
    return _clr_response(document, f"{program_uuid}.clr.json")
