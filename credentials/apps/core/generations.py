"""How every cache of derived data in the service learns that its inputs changed.

One scheme for every cached thing: each has one key factory (in its app's ``caching.py``) and is stored with
the generations of the data scopes it was built from. Whoever changes a scope starts a new generation of it,
from one place per app (that app's ``caching.py``: saves, deletes, many-to-many changes and bulk writes), so
every value built before is stale at once, in every process: generations live in the shared default cache
and are read in the same round trip as the cached value. An evicted generation is replaced by a new one,
which makes values stale too: a cache miss, never a wrong answer.
"""

import uuid

from django.core.cache import cache
from django.db import transaction

SITES = "sites"  # Site and SiteConfiguration rows (core)
CATALOG = "catalog"  # organizations, courses, runs, programs, pathways and their ordered links (catalog)
CONFIGURATIONS = "certificate-configurations"  # program and course certificate configurations, signatories


def generation_key(scope):
    return f"generation:{scope}"


def read_with_generations(scopes, keys=()):
    """One cache round trip: (the scopes' current generations as a tuple, {key: value} of ``keys`` found)."""
    found = cache.get_many([*(generation_key(scope) for scope in scopes), *keys])
    generations = []
    for scope in scopes:
        generation = found.get(generation_key(scope))
        if generation is None:
            # Never set, or evicted: a new one, so that nothing cached before can match it.
            cache.add(generation_key(scope), uuid.uuid4().hex, None)
            generation = cache.get(generation_key(scope))
        generations.append(generation)
    return tuple(generations), {key: found[key] for key in keys if key in found}


def _start(scopes):
    cache.set_many({generation_key(scope): uuid.uuid4().hex for scope in scopes}, None)


def new_generation(*scopes):
    """Retire everything cached from these scopes: now (readers in this transaction see the change), and
    again when the current transaction commits, so that a value another process built from the rows as they
    were before the commit cannot outlive it."""
    _start(scopes)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return
    # One commit callback per scopes and transaction (a bulk delete sends a signal per row). This is Django's
    # list of the transaction's callbacks; a rolled-back savepoint drops its own.
    if any(getattr(callback, "generation_scopes", None) == scopes for _, callback, _ in connection.run_on_commit):
        return

    def start_at_commit():
        _start(scopes)

    start_at_commit.generation_scopes = scopes
    transaction.on_commit(start_at_commit)


def cached_with_generations(key, scopes, build, timeout):
    """``build()``'s value, kept under ``key`` with the scopes' generations: one cache round trip while it is
    still right. A None value is never stored (the next call builds again)."""
    generations, found = read_with_generations(scopes, [key])
    entry = found.get(key)
    if entry is not None and entry[0] == generations:
        return entry[1]
    value = build()
    if value is not None:
        cache.set(key, (generations, value), timeout)
    return value
