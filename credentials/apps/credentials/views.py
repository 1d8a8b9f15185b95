"""The certificate pages (spec/pages.md §3-4): thin adapters over api.py and certificate.py."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_cookie

from credentials.apps.credentials import api
from credentials.apps.credentials.page_render import certificate_response


def _is_staff(user):
    return user.is_authenticated and user.is_active and user.is_staff


@require_safe
@vary_on_cookie
def render_credential(request, uuid):
    """A learner's public certificate. Anything not awarded, visible and on this site is a 404.

    Anonymous views are cached by CertificatePageCacheMiddleware (certificate.PageCache).
    """
    certificate = api.get_certificate(site=request.site, uuid=uuid)
    if certificate is None:
        raise Http404("No visible certificate with this id.")
    learner = api.get_learner_name(site=request.site, username=certificate.username)
    # The banner (share and print) is for the owner and staff.
    is_owner = request.user.is_authenticated and request.user.get_username() == certificate.username
    return certificate_response(
        request,
        certificate,
        learner,
        share_url=request.build_absolute_uri(request.path),
        show_banner=is_owner or _is_staff(request.user),
    )


@require_safe
def render_example(request):
    """A fake certificate for theme authors; ``?program_type=`` picks the body (unknown types: generic)."""
    certificate = api.example_certificate(program_type=request.GET.get("program_type"))
    username = request.user.get_username() if request.user.is_authenticated else ""
    learner = api.LearnerName(username=username, name="John Doe", display_name="John Doe")
    return certificate_response(request, certificate, learner, sample="example")


@require_safe
def render_program_preview(request, program_uuid):
    """Staff preview of a real program certificate configuration, printed for the viewer, issued now."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not _is_staff(request.user):
        # Signed in already: sending them to sign in again would come straight back here (a loop).
        raise PermissionDenied("Only staff may preview certificate configurations.")
    username = request.user.get_username()
    certificate = api.preview_program_certificate(site=request.site, program_uuid=program_uuid, username=username)
    if certificate is None:
        raise Http404("No certificate configuration for this program on this site.")
    learner = api.get_learner_name(site=request.site, username=username)
    return certificate_response(request, certificate, learner, sample="preview")
