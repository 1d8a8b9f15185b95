"""Which local account an LMS identity signs in as: SSO (core/sso.py) and API JWTs (core/authentication.py).

DESIGN.md §5.16. An LMS identity is the LMS user id (the ``user_id`` / ``lms_user_id`` claim) plus the
username. It is linked to a local account by that id; the username only finds the account the first time.
It never takes over a local account: one with a usable password or staff/superuser flags that the LMS did not
create (``createsuperuser``, the admin's user form). Such a clash is refused and logged; the operator links
the account on purpose by ticking "Linked to the LMS" in the admin (and clearing its password).

A renamed LMS user (same id, new username) keeps signing in as their account, under its old username, until
the LMS's retirement pipeline calls ``/api/v2/replace_usernames/``, which renames the account and its
credentials together: the learner never loses sight of their credentials in between.
"""

import functools
import logging

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction

from credentials.apps.core.constants import ADMINS_GROUP
from credentials.apps.core.models import User

log = logging.getLogger(__name__)


class IdentityClash(Exception):
    """The LMS identity names a local account it may not use. The message is safe to show to the caller."""


def lms_user_id_from(claims):
    """The LMS user id a token or SSO response carries (``user_id``, else ``lms_user_id``), or None."""
    value = claims.get("user_id")
    if value is None:
        value = claims.get("lms_user_id")
    if isinstance(value, bool):
        return None
    try:
        value = int(value)
    except (TypeError, ValueError):
        return None
    return value if 0 < value <= 2**31 - 1 else None


def _choose(rows, username, lms_user_id):
    """The account among ``rows`` (matched by username or by linked LMS user id) the identity signs in as."""
    if lms_user_id is not None:
        linked = [user for user in rows if user.linked_to_lms and user.lms_user_id == lms_user_id]
        if linked:
            # The same id on two rows (an old import): the one with the token's username, else the oldest.
            return min(linked, key=lambda user: (user.username != username, user.pk))
    return next((user for user in rows if user.username == username), None)


def _check(user, username, lms_user_id, via):
    """Raise IdentityClash when the identity may not use ``user``; link a plain, passwordless account."""
    if user.linked_to_lms:
        if lms_user_id is not None and user.lms_user_id is not None and user.lms_user_id != lms_user_id:
            _refuse(
                username, lms_user_id, via, f"the account {user.username} belongs to LMS user id {user.lms_user_id}"
            )
        return
    if (user.password and user.has_usable_password()) or user.is_staff or user.is_superuser:
        _refuse(username, lms_user_id, via, f"{user.username} is a local account not linked to the LMS")
    # A plain account without password or powers (e.g. made in the admin for a learner): link it.
    user.linked_to_lms = True
    user.save(update_fields=["linked_to_lms"])
    log.info("Linked account %s to LMS user id %s (%s)", user.username, lms_user_id, via)


def _refuse(username, lms_user_id, via, reason):
    log.warning(
        "Refused %s sign-in of LMS user %s (LMS user id %s): %s",
        via,
        username,
        lms_user_id,
        reason,
        extra={"lms_username": username, "lms_user_id": lms_user_id, "clash": reason},
    )
    raise IdentityClash(
        f"The account {username} on this service is a local account and cannot be used with an LMS sign-in. "
        "Ask an administrator to link it."
    )


def _create(username, lms_user_id, via):
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"password": make_password(None), "linked_to_lms": True, "lms_user_id": lms_user_id},
    )
    if not created:  # another request made it a moment ago (or a local account appeared meanwhile)
        _check(user, username, lms_user_id, via)
    return user, created


def get_or_create_lms_user(username, lms_user_id, *, via="SSO"):
    """(account, created) for the LMS identity, or raise IdentityClash."""
    rows = User.objects.filter(username=username)
    if lms_user_id is not None:
        rows = rows | User.objects.filter(lms_user_id=lms_user_id, linked_to_lms=True)
    user = _choose(list(rows), username, lms_user_id)
    if user is None:
        return _create(username, lms_user_id, via)
    _check(user, username, lms_user_id, via)
    return user, False


# --- JWTs ------------------------------------------------------------------------------------------------

# JWT claim → User field (spec/integration.md §4.3). A claim that is absent or null changes nothing.
# ``is_superuser`` is never taken from a token.
JWT_USER_FIELDS = {"administrator": "is_staff", "email": "email", "full_name": "full_name", "user_id": "lms_user_id"}


def _claims_with_fallbacks(payload):
    claims = dict(payload)
    # LMS tokens carry `name`, not `full_name` (DESIGN.md §5.10).
    if claims.get("full_name") is None and claims.get("name"):
        claims["full_name"] = claims["name"]
    claims["user_id"] = lms_user_id_from(payload)
    return claims


def _valid_claim_value(user, field_name, value):
    field = User._meta.get_field(field_name)
    if field_name == "is_staff":
        return bool(value)
    if field_name == "lms_user_id":
        return value  # already checked by lms_user_id_from
    value = str(value)
    if field.max_length and len(value) > field.max_length:
        log.warning(
            "Ignoring JWT claim for %s of user %s: longer than %s characters", field_name, user, field.max_length
        )
        return None
    return value


@functools.cache
def _users_with_admins_flag_sql(by_lms_user_id):
    """The rows a token may name and whether each is in Admins, in one statement. Written in SQL because this
    runs on every API request and the ORM's compilation of the equivalent Exists() annotation costs more than
    the query itself."""
    quote = connection.ops.quote_name
    user_groups = User.groups.through._meta.db_table
    where = "u.username = %s"
    if by_lms_user_id:
        where += f" OR (u.lms_user_id = %s AND u.{quote('linked_to_lms')})"
    return (
        f"SELECT u.*, EXISTS(SELECT 1 FROM {quote(user_groups)} ug"
        f" INNER JOIN {quote(Group._meta.db_table)} g ON g.id = ug.group_id"
        f" WHERE ug.user_id = u.id AND g.name = %s) AS in_admins"
        f" FROM {quote(User._meta.db_table)} u WHERE {where}"
    )


def sync_user_from_jwt(username, payload):
    """The account a verified JWT signs in as, with the token's claims copied onto it (spec/integration.md
    §4.3), or raise IdentityClash (DESIGN.md §5.16).

    Safe under concurrent first requests for the same username: one row is created and both succeed.
    Saves only when a value changed. Membership of the Admins group follows the `administrator` claim.
    """
    claims = _claims_with_fallbacks(payload)
    lms_user_id = claims["user_id"]
    params = [ADMINS_GROUP, username] + ([lms_user_id] if lms_user_id is not None else [])
    rows = list(User.objects.raw(_users_with_admins_flag_sql(lms_user_id is not None), params))
    user = _choose(rows, username, lms_user_id)
    if user is not None:
        _check(user, username, lms_user_id, "JWT")
        user.in_admins = bool(user.in_admins)  # SQLite answers 0/1
    else:
        user, created = _create(username, lms_user_id, "JWT")
        user.in_admins = False if created else user.groups.filter(name=ADMINS_GROUP).exists()

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
        log.info("Updated %s of user %s from JWT", ", ".join(changed), user.username)

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
