"""The cache of rendered certificate files (PDFs, previews, badge images), on the shared generation scheme
(core/generations.py).

A rendered file is stored with the generations of what it shows (sites, catalog, certificate
configurations, issuers) and keyed by the credential's own rows (``certificate_freshness``: re-award,
revocation, date override, the course credentials that date a program), the learner's printed name, the
public origin in its links, the language and the stylesheets. Any change to one of them is a miss, never a
stale file; a revoked or hidden certificate is a 404 before the cache is even read.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from credentials.apps.core import api as core_api
from credentials.apps.credentials import api as credentials_api
from credentials.apps.credentials.models import UserCredential
from credentials.apps.verifiable import issuers, web

SCOPES = (core_api.SITES, core_api.CATALOG, core_api.CONFIGURATIONS, issuers.ISSUERS)
# Raise when the renderings' templates change (callers pass a digest of their stylesheets as ``variant``).
RENDERING_VERSION = 1


def cached(request, uuid, *, kind, build, variant=""):
    """The Rendered file ``kind`` of credential ``uuid`` from the cache, else ``build()`` (stored when it is
    not None). None, without building, when no awarded credential has this uuid."""
    freshness = credentials_api.certificate_freshness(uuid)
    if freshness is None:
        return None
    username = UserCredential.objects.filter(uuid=uuid).values_list("username", flat=True).first()
    learner = credentials_api.get_learner_name(site=request.site, username=username)
    version = repr(
        (
            request.site.pk,
            freshness,
            learner.name,
            web.base_url(request),
            translation.get_language(),
            variant,
            RENDERING_VERSION,
        )
    )
    key = f"portable:{kind}:{uuid.hex}:{hashlib.sha256(version.encode('utf-8')).hexdigest()[:32]}"
    generations, found = core_api.read_with_generations(SCOPES, [key])
    entry = found.get(key)
    if entry is not None and entry[0] == generations:
        return entry[1]
    rendered = build()
    if rendered is not None:
        # Stored with the generations read before building: a change made meanwhile makes it stale.
        cache.set(key, (generations, rendered), settings.PORTABLE_CACHE_TTL)
    return rendered
