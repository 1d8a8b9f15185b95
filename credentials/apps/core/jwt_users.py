"""The user a verified JWT names, kept in the shared cache between that identity's requests.

Every API call is authenticated by a JWT, and copying its claims onto the local user (get or create, admin
group, then the user's permissions for DRF's model-permission check) took two statements per request, the
largest share of a short write request once issuing itself was lean. Tokens of one identity differ only in
their times, so the synced user (with its Admins flag and permission set) is kept in the default cache under
the username, with a digest of the token's other claims; a token whose claims differ is synced again.

Freshness: the entry of a user is dropped when the user row is saved or deleted, renamed in bulk
(``forget``, called by the few queryset updates), or their groups or permissions change; any change to a
group's permissions or to a group or permission row starts a new generation of every entry (core/generations).
A value cached by a request that read the row just before a concurrent change lives at most JWT_USER_CACHE_TTL
seconds (0 turns the cache off).
"""

import hashlib
import json

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from credentials.apps.core.generations import new_generation, read_with_generations

PERMISSIONS = "groups-and-permissions"  # the generation scope of group and permission rows
# Claims that differ between two tokens of the same identity and with the same claims otherwise.
VOLATILE_CLAIMS = frozenset({"exp", "iat", "nbf", "jti", "auth_time"})


def _key(username):
    return "jwt-user:" + hashlib.sha256(username.encode()).hexdigest()


def _digest(payload):
    claims = {name: value for name, value in payload.items() if name not in VOLATILE_CLAIMS}
    return hashlib.sha256(json.dumps(claims, sort_keys=True, default=str).encode()).hexdigest()


def user_for_jwt(username, payload, sync):
    """The user ``sync(username, payload)`` returns, from the cache when this identity's claims were synced
    already and nothing about the user changed since."""
    ttl = settings.JWT_USER_CACHE_TTL
    if not ttl:
        return sync(username, payload)
    key, digest = _key(username), _digest(payload)
    # The request's first cache round trip: it also takes the request's snapshot of generations.
    generations, found = read_with_generations((PERMISSIONS,), [key], snapshot=True)
    entry = found.get(key)
    # Anything else under the key (an entry of another release: the cache outlives deployments) is synced again.
    if isinstance(entry, dict) and (entry.get("digest"), entry.get("generations")) == (digest, generations):
        return entry["user"]
    user = sync(username, payload)
    user.get_all_permissions()  # loaded now, so that cached permission checks cost no statement
    cache.set(key, {"digest": digest, "generations": generations, "user": user}, ttl)
    return user


def forget(*usernames):
    """Drop these users' entries: now, and again when the current transaction commits (a request that read
    the rows before the commit may have stored them meanwhile)."""
    keys = [_key(username) for username in usernames if username]
    if not keys:
        return
    cache.delete_many(keys)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: cache.delete_many(keys))


def permissions_changed():
    new_generation(PERMISSIONS)
