"""Mirroring course-discovery's catalog into the local tables (spec/integration.md §1.5, §3.1).

Public through ``catalog.api.sync_catalog``. Differences from upstream, on purpose (issue 6):

* each site is synced inside one transaction: an HTTP error (after retries) or a missing reference leaves
  that site exactly as it was, is reported as one line naming the site, the resource and the cause, and
  the other sites are still synced;
* a program's course run that discovery did not return is reported and left out instead of aborting;
* a deletion blocked by a protected reference (awarded credentials, grades, records) is reported;
* rows and ordered links are compared before writing, so a re-sync without changes writes nothing;
* pages are processed as they arrive and written in batches of about a hundred items, a fixed number of
  statements per batch, so memory and round trips per item do not grow with the catalog (only sets of
  uuids are kept per site).
"""

import logging
import time
from collections.abc import Callable

from django.contrib.sites.models import Site
from django.db import transaction

from credentials.apps.catalog.caching import catalog_changed
from credentials.apps.catalog.discovery_items import CatalogDataError
from credentials.apps.catalog.site_sync import SiteSync
from credentials.apps.catalog.sync_results import FAILED, SKIPPED, SYNCED, SiteSyncResult, SyncProgress, UnknownSite
from credentials.apps.core.api import get_site_configuration
from credentials.apps.core.clients import DiscoveryClient, ServiceError

log = logging.getLogger(__name__)


def sync_catalog(
    *,
    domains=None,
    page_size=None,
    delete=False,
    dry_run=False,
    progress: Callable[[SyncProgress], None] | None = None,
):
    """Copy discovery's catalog into every eligible site (or the sites named by ``domains``).

    A site is eligible when it has a configuration with a catalog URL and records enabled. Returns one
    ``SiteSyncResult`` per site, in site id order. Raises UnknownSite, before syncing anything, when a
    requested domain does not exist. ``delete`` removes the rows discovery no longer returns; ``dry_run``
    does everything, then rolls each site back.
    """
    sites = Site.objects.select_related("siteconfiguration").order_by("pk")
    if domains:
        sites = sites.filter(domain__in=domains)
        missing = set(domains) - {site.domain for site in sites}
        if missing:
            raise UnknownSite(f"No site has the domain {', '.join(sorted(missing))}.")
    results = []
    for site in sites:
        reason = _ineligible_reason(site)
        if reason:
            log.info("Skipping site %s. %s", site.domain, reason)
            results.append(SiteSyncResult(domain=site.domain, status=SKIPPED, reason=reason))
            continue
        results.append(
            _sync_site(site, page_size=page_size, delete=delete, dry_run=dry_run, progress=progress or _no_progress)
        )
    return results


def _no_progress(event):
    pass


def _ineligible_reason(site):
    configuration = get_site_configuration(site)
    if configuration is None:
        return "No configuration."
    if not configuration.catalog_api_url:
        return "No catalog API URL."
    if not configuration.records_enabled:
        return "Records are disabled."
    return ""


def _sync_site(site, *, page_size, delete, dry_run, progress):
    result = SiteSyncResult(domain=site.domain, status=SYNCED, deleted=delete, dry_run=dry_run)
    started = time.monotonic()
    with DiscoveryClient(site.siteconfiguration.catalog_api_url) as client:
        sync = SiteSync(site, client, result, page_size=page_size, progress=progress)
        try:
            with transaction.atomic():
                sync.run()
                if delete:
                    sync.delete_removed()
                if dry_run:
                    transaction.set_rollback(True)
                elif _changed_anything(result):
                    # Bulk writes send no model signals (catalog/caching.py).
                    catalog_changed()
        except Exception as exc:  # one site's failure must not stop the others; its transaction is rolled back
            result = SiteSyncResult(domain=site.domain, status=FAILED, deleted=delete, dry_run=dry_run)
            result.reason = f"site {site.domain}: {sync.stage}: {_one_line(exc)}. Nothing was changed on this site."
            if isinstance(exc, ServiceError | CatalogDataError):
                log.warning("Catalog sync failed: %s", result.reason)
            else:
                log.exception("Catalog sync failed: %s", result.reason)
    result.seconds = time.monotonic() - started
    return result


def _changed_anything(result):
    return any(changes.created or changes.updated or changes.deleted for changes in result.changes.values())


def _one_line(exc):
    """The first line of an exception's message; unexpected exceptions keep their type name."""
    text = str(exc).strip()
    first = text.splitlines()[0] if text else ""
    if isinstance(exc, ServiceError | CatalogDataError):
        return first
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__
