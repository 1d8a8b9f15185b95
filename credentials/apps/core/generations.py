"""How every cache of derived data in the service learns that its inputs changed.

One scheme for every cached thing: each has one key factory (in its app's ``caching.py``) and is stored with
the generations of the data scopes it was built from. Whoever changes a scope starts a new generation of it,
from one place per app (that app's ``caching.py``: saves, deletes, many-to-many changes and bulk writes), so
every value built before is stale at once, in every process: generations live in the shared default cache
and are read in the same round trip as the cached value. An evicted generation is replaced by a new one,
which makes values stale too: a cache miss, never a wrong answer.

A request's snapshot: the first round trip of an API request (its JWT user's, core/jwt_users.py) also reads
the generations of SNAPSHOT_SCOPES, kept until the request ends. A value asked for ``in_process`` is then also
kept in the process with its generations, and while the snapshot shows the same ones it is served from there
without a round trip (the write path's configuration and course run lookups, issue 20). It is as fresh as a
value read from the shared cache at the start of the request: any new generation retires it in every process.
"""

import copy
import time
import uuid
from contextvars import ContextVar

from django.core.cache import cache
from django.db import transaction

SITES = "sites"  # Site and SiteConfiguration rows (core)
CATALOG = "catalog"  # organizations, courses, runs, programs, pathways and their ordered links (catalog)
CONFIGURATIONS = "certificate-configurations"  # program and course certificate configurations, signatories
SNAPSHOT_SCOPES = (SITES, CATALOG, CONFIGURATIONS)
PROCESS_VALUES_MAX = 2048  # values kept in a process; when full it starts over
INTERIM_GENERATION_SECONDS = 10  # the most a rolled-back change is seen (new_generation)

_snapshot = ContextVar("generations_snapshot", default=None)  # {scope: generation} of the current request
_process_values = {}  # key -> (generations, expires at (monotonic), value)


def generation_key(scope):
    return f"generation:{scope}"


def read_with_generations(scopes, keys=(), *, snapshot=False):
    """One cache round trip: (the scopes' current generations as a tuple, {key: value} of ``keys`` found).
    With ``snapshot`` (once per request) the SNAPSHOT_SCOPES are read too and kept until the request ends."""
    every_scope = [*scopes, *(scope for scope in SNAPSHOT_SCOPES if snapshot and scope not in scopes)]
    found = cache.get_many([*(generation_key(scope) for scope in every_scope), *keys])
    generations = {}
    for scope in every_scope:
        generation = found.get(generation_key(scope))
        if generation is None:
            # Never set, or evicted: a new one, so that nothing cached before can match it.
            cache.add(generation_key(scope), uuid.uuid4().hex, None)
            generation = cache.get(generation_key(scope))
        generations[scope] = generation
    if snapshot:
        _snapshot.set(generations)
    return tuple(generations[scope] for scope in scopes), {key: found[key] for key in keys if key in found}


def forget_snapshot():
    """At the end of every request (core/middleware.py's RequestLoggingMiddleware)."""
    _snapshot.set(None)


def _start(scopes, timeout=None):
    started = {scope: uuid.uuid4().hex for scope in scopes}
    cache.set_many({generation_key(scope): generation for scope, generation in started.items()}, timeout)
    snapshot = _snapshot.get()
    if snapshot is not None:
        snapshot.update(started)  # this request's own change retires what the process kept too


def new_generation(*scopes):
    """Retire everything cached from these scopes: now (readers in this transaction see the change), and
    again when the current transaction commits, so that a value another process built from the rows as they
    were before the commit cannot outlive it.

    The generation started inside a transaction expires after INTERIM_GENERATION_SECONDS: if the transaction
    rolls back, no commit starts the next one, and a value the transaction built from its own changes (kept
    under this one) would otherwise be served as if they had happened until the scope's next change. An
    expired generation is replaced by a new one (read_with_generations), which retires such values."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _start(scopes)
        return
    _start(scopes, INTERIM_GENERATION_SECONDS)
    # One commit callback per scopes and transaction (a bulk delete sends a signal per row). This is Django's
    # list of the transaction's callbacks; a rolled-back savepoint drops its own.
    if any(getattr(callback, "generation_scopes", None) == scopes for _, callback, _ in connection.run_on_commit):
        return

    def start_at_commit():
        _start(scopes)

    start_at_commit.generation_scopes = scopes
    transaction.on_commit(start_at_commit)


def cached_with_generations(key, scopes, build, timeout, *, in_process=False):
    """``build()``'s value, kept under ``key`` with the scopes' generations: one cache round trip while it is
    still right. A None value is never stored (the next call builds again). ``in_process`` (only for scopes
    in SNAPSHOT_SCOPES): also kept in this process, and a copy served from there while the request's snapshot
    shows the same generations, for at most ``timeout`` seconds."""
    snapshot = _snapshot.get() if in_process else None
    if snapshot is not None:
        kept = _process_values.get(key)
        if kept is not None and kept[0] == tuple(snapshot[scope] for scope in scopes) and kept[1] > time.monotonic():
            return copy.copy(kept[2])  # a copy: what a caller caches on it stays in its request
    generations, found = read_with_generations(scopes, [key])
    entry = found.get(key)
    if entry is not None and entry[0] == generations:
        value = entry[1]
    else:
        value = build()
        if value is not None:
            cache.set(key, (generations, value), timeout)
    if snapshot is not None and value is not None:
        if len(_process_values) >= PROCESS_VALUES_MAX:
            _process_values.clear()
        _process_values[key] = (generations, time.monotonic() + timeout, value)
        return copy.copy(value)
    return value
