"""The core app's public interface: sites, users copied from identity tokens, and health."""

import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote

from django.conf import settings
from django.contrib.sites.models import Site
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import CharField
from django.http.request import split_domain_port
from django.utils import timezone

from credentials.apps.core import jwt_users
from credentials.apps.core.analytics import flush_analytics, segment_key, track  # noqa: F401  (Segment's door)
from credentials.apps.core.clients import ServiceClient, ServiceError, fetch_image  # noqa: F401
from credentials.apps.core.compiled_query import (  # noqa: F401  (reads compiled once)
    CompiledQuery,
    Param,
    ParamList,
    instance,
    model_fields,
)
from credentials.apps.core.emails import build_email  # noqa: F401  (the e-mail builder's door, DESIGN.md §4)
from credentials.apps.core.event_bus.handlers import PermanentEventError  # noqa: F401  (re-exported)
from credentials.apps.core.event_bus.handlers import register as register_event_handler  # noqa: F401
from credentials.apps.core.event_bus.publish import publish_event  # noqa: F401
from credentials.apps.core.event_users import get_or_create_user_from_event_data  # noqa: F401
from credentials.apps.core.generations import (  # noqa: F401  (the cache scheme's door)
    CATALOG,
    CONFIGURATIONS,
    SITES,
    cached_with_generations,
    new_generation,
    read_with_generations,
)
from credentials.apps.core.identity import (  # noqa: F401 (the app's public interface)
    IdentityClash,
    get_or_create_lms_user,
    lms_user_id_from,
    sync_user_from_jwt,
)
from credentials.apps.core.lru import LRUCache
from credentials.apps.core.models import SiteConfiguration, User
from credentials.apps.core.retries import run_with_retries  # noqa: F401  (upserts that lose a race try again)

log = logging.getLogger(__name__)

# --- Sites ------------------------------------------------------------------------------------------

# Matched domain → Site with its configuration, per process, like upstream's site cache but bounded (an
# attacker controls the Host header): keyed on the site's domain, or on the bare host name (no port) for a host
# that falls back to SITE_ID. Saving a SiteConfiguration or a Site clears it (signals.py); other processes see
# the change within SITE_CACHE_TTL.
_sites = LRUCache(settings.SITE_CACHE_SIZE)


def clear_site_cache():
    _sites.clear()
    Site.objects.clear_cache()


def site_cache_size():
    return len(_sites)


def _bare_host(host):
    """``Example.com:8443`` → ``example.com``; IPv6 literals keep their brackets."""
    domain, _port = split_domain_port(host)
    return domain or host


def _find_site(host, bare):
    """(site, the domain it matched or None for the SITE_ID fallback)."""
    sites = Site.objects.select_related("siteconfiguration")
    for candidate in dict.fromkeys((host, bare)):
        site = sites.filter(domain__iexact=candidate).first()
        if site is not None:
            return site, candidate
    return sites.filter(pk=settings.SITE_ID).first(), None


def get_site_for_host(host):
    """The Site whose domain is ``host`` (with or without port), falling back to SITE_ID."""
    host = host.lower()
    bare = _bare_host(host)
    for key in dict.fromkeys((host, bare)):
        site = _sites.get(key)
        if site is not None:
            return site
    site, matched = _find_site(host, bare)
    if site is None:
        raise Site.DoesNotExist(f"No site matches {host!r} and SITE_ID={settings.SITE_ID} does not exist.")
    _sites.set(matched or bare, site, settings.SITE_CACHE_TTL)
    return site


def get_site_configuration(site):
    """The site's configuration, or None when it has none."""
    try:
        return site.siteconfiguration
    except SiteConfiguration.DoesNotExist:
        return None


# --- Users -------------------------------------------------------------------------------------------


def user_for_jwt(username, payload):
    """The user a verified JWT names, its claims copied on (sync_user_from_jwt), from the cache when this
    identity's claims were copied already (core/jwt_users.py)."""
    return jwt_users.user_for_jwt(username, payload, sync_user_from_jwt)


def forget_users(*usernames):
    """Tell the JWT user cache that these users changed through a queryset update (no signals)."""
    jwt_users.forget(*usernames)


_USER_BY_USERNAME = CompiledQuery(
    lambda: User.objects.filter(username=Param("username", CharField())).values(*model_fields(User)).order_by("pk")[:1]
)


def get_user_by_username(username):
    return instance(User, _USER_BY_USERNAME.first(username=username))


def create_auto_auth_user(*, username=None, staff=True, superuser=True):
    """A throw-away user for tests and acceptance runs (/auto_auth/, only when ENABLE_AUTO_AUTH)."""
    username = username or f"{settings.AUTO_AUTH_USERNAME_PREFIX}{uuid.uuid4().hex[:20]}"
    user, created = User.objects.get_or_create(
        username=username, defaults={"is_staff": staff, "is_superuser": superuser, "email": f"{username}@example.com"}
    )
    if created:
        user.set_password(username)
        user.save(update_fields=["password"])
    return user


def list_local_learners(*, limit):
    """Active accounts without staff or superuser flags, by username: whom sign-in without an LMS offers."""
    return list(User.objects.filter(is_active=True, is_staff=False, is_superuser=False).order_by("username")[:limit])


# --- Cache ------------------------------------------------------------------------------------------------


def clear_cache(*, by):
    """Empty the default cache (the /management/ tool). On memcached this flushes the whole server."""
    cache.clear()
    clear_site_cache()
    log.info("Cache cleared by %s", by.username)


# --- Rows --------------------------------------------------------------------------------------------------


def update_fields(instance, fields):
    """Set ``fields`` on ``instance`` and save it in a savepoint (PUT/PATCH of one row). An IntegrityError
    propagates with nothing written, for the caller to answer with its own 4xx."""
    for name, value in fields.items():
        setattr(instance, name, value)
    with transaction.atomic():
        instance.save()
    return instance


# --- Health ------------------------------------------------------------------------------------------


def database_is_available():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True
    except DatabaseError:
        log.exception("Health check: the database cannot be reached")
        return False


# --- Site provisioning ---------------------------------------------------------------------------------


def create_or_update_site(*, domain, name, site_id=None, **configuration):
    """Create or update a Site and overwrite every given SiteConfiguration field (spec/integration.md §3.2).

    Raises django.core.exceptions.ValidationError when the configuration is invalid (e.g. Facebook
    sharing without an app id); nothing is saved then.
    """
    configuration["theme_name"] = (configuration.get("theme_name") or "openedx").lower()
    with transaction.atomic():
        site = Site.objects.filter(pk=site_id).first() if site_id else None
        if site is None:
            site = Site.objects.filter(domain=domain).first() or Site(domain=domain)
        site.domain, site.name = domain, name
        site.save()
        site_configuration = SiteConfiguration.objects.filter(site=site).first() or SiteConfiguration(site=site)
        for field_name, value in configuration.items():
            setattr(site_configuration, field_name, value)
        site_configuration.full_clean()
        site_configuration.save()
    return site, site_configuration


# --- Maintenance: users against the LMS, old social-auth rows (spec/integration.md §3.2) -------------------


class NoSiteConfiguration(Exception):
    """The maintenance commands need a site configuration to know which LMS to ask."""


@dataclass
class AccountSyncResult:
    """What one run of a user/LMS sync did (or, in a dry run, would do)."""

    examined: int = 0
    changed: list = field(default_factory=list)  # (username, new value)
    not_in_lms: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)  # in the LMS, nothing to do
    failed: list = field(default_factory=list)  # the LMS could not answer for these


def get_maintenance_site_configuration(site_id=0):
    """``site_id`` 0 means the first site configuration, as upstream's ``--site_id`` default."""
    configurations = SiteConfiguration.objects.select_related("site").order_by("pk")
    configuration = configurations.filter(site_id=site_id).first() if site_id else configurations.first()
    if configuration is None:
        raise NoSiteConfiguration(f"No site configuration {'for site ' + str(site_id) if site_id else 'exists'}.")
    return configuration


def get_lms_accounts(site_configuration, usernames, *, client):
    """The LMS accounts of ``usernames`` by username, from one bulk call (spec/integration.md §1.4).

    Raises core.clients.ServiceError when the LMS does not answer 200 with a list.
    """
    # Comma-joined as the LMS expects; each name is percent-encoded so "+" or "&" cannot change the query.
    names = ",".join(quote(username, safe="@") for username in usernames)
    url = f"{site_configuration.user_api_url}accounts?username={names}"
    accounts = client.get_json(url)
    if not isinstance(accounts, list):
        raise ServiceError(f"GET {url} did not answer a list of accounts", url=url)
    return {account.get("username"): account for account in accounts if isinstance(account, dict)}


def _sync_users_with_lms(users, *, site_configuration, batch_size, pause_seconds, client, decide, apply, result):
    """Ask the LMS about ``users`` (id, username) in batches; ``decide(account)`` gives the new value or None."""
    own_client = client is None
    client = client or ServiceClient()
    try:
        for start in range(0, len(users), batch_size):
            if start and pause_seconds:
                time.sleep(pause_seconds)
            batch = users[start : start + batch_size]
            result.examined += len(batch)
            try:
                accounts = get_lms_accounts(site_configuration, [username for _, username in batch], client=client)
            except ServiceError as exc:
                log.error("LMS accounts lookup failed, batch skipped: %s", exc)
                result.failed.extend(username for _, username in batch)
                continue
            for pk, username in batch:
                account = accounts.get(username)
                if account is None:
                    log.error("User %s is not in the LMS", username)
                    result.not_in_lms.append(username)
                    continue
                value = decide(account)
                if value is None:
                    result.unchanged.append(username)
                    continue
                if apply:
                    apply(pk, value)
                result.changed.append((username, value))
    finally:
        if own_client:
            client.close()
    return result


def sync_lms_user_ids(*, site_configuration, limit=100, batch_size=10, pause_seconds=1, dry_run=False, client=None):
    """Fill in missing ``User.lms_user_id`` values from the LMS (``sync_ids_from_platform``).

    Iterates a list of ids fixed before the first batch, so users fixed along the way do not shift the
    window and make it skip others (upstream's quirk, spec/models.md §13.9). ``limit`` 0 means all.
    """
    users = User.objects.filter(lms_user_id__isnull=True).order_by("pk").values_list("pk", "username")
    users = list(users[:limit] if limit else users)

    def decide(account):
        try:
            lms_user_id = int(account.get("id"))
        except (TypeError, ValueError):
            return None
        return lms_user_id if lms_user_id > 0 else None

    def apply(pk, lms_user_id):
        User.objects.filter(pk=pk, lms_user_id__isnull=True).update(lms_user_id=lms_user_id)
        forget_users(*User.objects.filter(pk=pk).values_list("username", flat=True))

    return _sync_users_with_lms(
        users,
        site_configuration=site_configuration,
        batch_size=batch_size,
        pause_seconds=pause_seconds,
        client=client,
        decide=decide,
        apply=None if dry_run else apply,
        result=AccountSyncResult(),
    )


def reactivate_users_active_in_lms(*, site_configuration, batch_size=10, pause_seconds=1, dry_run=False, client=None):
    """Reactivate local users the LMS says are active (``make_is_active_match_platform``); never deactivates.

    SSO refuses inactive local users, so a learner deactivated here but active in the LMS cannot sign in.
    """
    users = list(User.objects.filter(is_active=False).order_by("pk").values_list("pk", "username"))

    def apply(pk, is_active):
        User.objects.filter(pk=pk).update(is_active=True)
        forget_users(*User.objects.filter(pk=pk).values_list("username", flat=True))

    return _sync_users_with_lms(
        users,
        site_configuration=site_configuration,
        batch_size=batch_size,
        pause_seconds=pause_seconds,
        client=client,
        decide=lambda account: True if account.get("is_active") is True else None,
        apply=None if dry_run else apply,
        result=AccountSyncResult(),
    )


SOCIAL_AUTH_RETENTION_DAYS = 90


def truncate_social_auth(*, older_than_days=SOCIAL_AUTH_RETENTION_DAYS, dry_run=False):
    """Delete SSO associations not used for ``older_than_days`` days; returns how many (would) go.

    A deleted association is recreated at the user's next sign-in (the user row itself stays).
    """
    from social_django.models import UserSocialAuth

    stale = UserSocialAuth.objects.filter(modified__lte=timezone.now() - timedelta(days=older_than_days))
    if dry_run:
        return stale.count()
    deleted, _ = stale.delete()
    return deleted
