import logging

from rest_framework.exceptions import Throttled
from rest_framework.views import exception_handler as drf_exception_handler

log = logging.getLogger(__name__)


def exception_handler(exc, context):
    """DRF's handler, plus a warning naming the view whenever a client is throttled."""
    if isinstance(exc, Throttled):
        log.warning("Credentials API endpoint %s is being throttled.", context["view"].__class__.__name__)
    return drf_exception_handler(exc, context)
