"""The core app's public interface: sites, users copied from identity tokens, and health."""

import functools
import logging
import time
import uuid

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site
from django.db import DatabaseError, IntegrityError, connection, transaction

from credentials.apps.core.constants import ADMINS_GROUP
from credentials.apps.core.models import SiteConfiguration, User

log = logging.getLogger(__name__)

# --- Sites ------------------------------------------------------------------------------------------

# host → (expires at, Site with its configuration). Per process, like upstream's site cache; saving a
# SiteConfiguration or a Site clears it (signals.py), other processes see the change within SITE_CACHE_TTL.
_sites_by_host = {}


def clear_site_cache():
    _sites_by_host.clear()
    Site.objects.clear_cache()


def _find_site(host):
    sites = Site.objects.select_related("siteconfiguration")
    domain_without_port = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    for candidate in dict.fromkeys((host, domain_without_port)):
        site = sites.filter(domain__iexact=candidate).first()
        if site is not None:
            return site
    return sites.filter(pk=settings.SITE_ID).first()


def get_site_for_host(host):
    """The Site whose domain is ``host`` (with or without port), falling back to SITE_ID."""
    now = time.monotonic()
    cached = _sites_by_host.get(host)
    if cached and cached[0] > now:
        return cached[1]
    site = _find_site(host)
    if site is None:
        raise Site.DoesNotExist(f"No site matches {host!r} and SITE_ID={settings.SITE_ID} does not exist.")
    _sites_by_host[host] = (now + settings.SITE_CACHE_TTL, site)
    return site


def get_site_configuration(site):
    """The site's configuration, or None when it has none."""
    try:
        return site.siteconfiguration
    except SiteConfiguration.DoesNotExist:
        return None


# --- Users -------------------------------------------------------------------------------------------

# JWT claim → User field (spec/integration.md §4.3). A claim that is absent or null changes nothing.
JWT_USER_FIELDS = {"administrator": "is_staff", "email": "email", "full_name": "full_name", "user_id": "lms_user_id"}


def get_user_by_username(username):
    return User.objects.filter(username=username).first()


def _claims_with_name_fallback(payload):
    claims = dict(payload)
    # LMS tokens carry `name`, not `full_name` (DESIGN.md §5.10).
    if claims.get("full_name") is None and claims.get("name"):
        claims["full_name"] = claims["name"]
    return claims


def _valid_claim_value(user, field_name, value):
    field = User._meta.get_field(field_name)
    if field_name == "is_staff":
        return bool(value)
    if field_name == "lms_user_id":
        try:
            return int(value)
        except (TypeError, ValueError):
            return None
    value = str(value)
    if field.max_length and len(value) > field.max_length:
        log.warning(
            "Ignoring JWT claim for %s of user %s: longer than %s characters", field_name, user, field.max_length
        )
        return None
    return value


@functools.cache
def _user_with_admins_flag_sql():
    """The user row and whether it is in Admins, in one statement. Written in SQL because this runs on
    every API request and the ORM's compilation of the equivalent Exists() annotation costs more than the
    query itself."""
    quote = connection.ops.quote_name
    user_groups = User.groups.through._meta.db_table
    return (
        f"SELECT u.*, EXISTS(SELECT 1 FROM {quote(user_groups)} ug"
        f" INNER JOIN {quote(Group._meta.db_table)} g ON g.id = ug.group_id"
        f" WHERE ug.user_id = u.id AND g.name = %s) AS in_admins"
        f" FROM {quote(User._meta.db_table)} u WHERE u.username = %s"
    )


def sync_user_from_jwt(username, payload):
    """Get or create the user a verified JWT names and copy its claims onto it (spec/integration.md §4.3).

    Safe under concurrent first requests for the same username: one row is created and both succeed.
    Saves only when a value changed. Membership of the Admins group follows the `administrator` claim.
    """
    user = next(iter(User.objects.raw(_user_with_admins_flag_sql(), [ADMINS_GROUP, username])), None)
    if user is not None:
        user.in_admins = bool(user.in_admins)  # SQLite answers 0/1
    else:
        user, _ = User.objects.get_or_create(username=username, defaults={"password": make_password(None)})
        user.in_admins = False

    claims = _claims_with_name_fallback(payload)
    changed = []
    for claim, field_name in JWT_USER_FIELDS.items():
        claim_value = claims.get(claim)
        if claim_value is None:
            continue
        value = _valid_claim_value(user, field_name, claim_value)
        if value is not None and getattr(user, field_name) != value:
            setattr(user, field_name, value)
            changed.append(field_name)
    if changed:
        user.save(update_fields=changed)
        log.info("Updated %s of user %s from JWT", ", ".join(changed), username)

    should_be_admin = bool(payload.get("administrator"))
    if should_be_admin != user.in_admins:
        admins, _ = Group.objects.get_or_create(name=ADMINS_GROUP)
        try:
            with transaction.atomic():
                if should_be_admin:
                    user.groups.add(admins)
                else:
                    user.groups.remove(admins)
        except IntegrityError:
            pass  # a concurrent first request of the same user added the membership already
        user.in_admins = should_be_admin
    return user


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
