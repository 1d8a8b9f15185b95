"""A request's snapshot of generations (core/generations.py): values asked for in_process are served from the
process without a cache round trip while the snapshot shows the generations they were built with, and never
after any scope they depend on starts a new generation, here or in another process."""

import pytest
from django.core.cache import cache

from credentials.apps.core import generations
from credentials.apps.core.generations import CATALOG, CONFIGURATIONS, SITES
from tests.jwt_helpers import service_worker_header


class Builds:
    def __init__(self):
        self.count = 0

    def __call__(self):
        self.count += 1
        return {"built": self.count}


@pytest.fixture
def round_trips(monkeypatch):
    """The cache's get_many calls (the one round trip of a read)."""
    calls = []
    get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: calls.append(list(keys)) or get_many(keys))
    return calls


def new_request():
    generations.forget_snapshot()  # the end of the last request
    generations.read_with_generations(("groups-and-permissions",), ["jwt-user:x"], snapshot=True)


def lookup(build, timeout=60):
    return generations.cached_with_generations("thing", (CONFIGURATIONS, CATALOG), build, timeout, in_process=True)


def test_with_the_snapshot_the_next_request_reads_nothing_from_the_cache(round_trips):
    build = Builds()
    new_request()
    first = lookup(build)
    new_request()
    round_trips.clear()

    again = lookup(build)

    assert again == first == {"built": 1}
    assert round_trips == []
    again["changed by a caller"] = True
    assert lookup(build) == {"built": 1}  # each caller gets its own copy


def test_a_change_in_this_request_retires_the_kept_value_at_once():
    build = Builds()
    new_request()
    lookup(build)

    generations.new_generation(CATALOG)

    assert lookup(build) == {"built": 2}


def test_a_change_made_by_another_process_retires_it_from_the_next_request_on():
    build = Builds()
    new_request()
    lookup(build)
    cache.set(generations.generation_key(CONFIGURATIONS), "another process's generation", None)

    assert lookup(build) == {"built": 1}  # this request's snapshot was taken before the change
    new_request()
    assert lookup(build) == {"built": 2}


def test_without_a_snapshot_every_lookup_asks_the_cache(round_trips):
    build = Builds()
    new_request()
    lookup(build)
    generations.forget_snapshot()  # a management command or an event consumer: no request
    round_trips.clear()

    assert lookup(build) == {"built": 1}
    assert len(round_trips) == 1


def test_a_kept_value_lives_no_longer_than_the_timeout(monkeypatch):
    build = Builds()
    new_request()
    lookup(build, timeout=30)
    cache.clear()  # the shared entry is gone too (evicted): the value must be built again
    now = generations.time.monotonic()
    new_request()

    monkeypatch.setattr(generations.time, "monotonic", lambda: now + 31)

    assert lookup(build, timeout=30) == {"built": 2}


def test_the_snapshot_has_every_snapshot_scope():
    new_request()

    assert set(generations._snapshot.get()) == {"groups-and-permissions", SITES, CATALOG, CONFIGURATIONS}


class RecordingSnapshot:
    def __init__(self, variable):
        self.variable, self.values = variable, []

    def get(self):
        return self.variable.get()

    def set(self, value):
        self.values.append(value)
        self.variable.set(value)


@pytest.mark.django_db
def test_an_api_request_takes_a_snapshot_and_leaves_none_behind(client, site, monkeypatch):
    recording = RecordingSnapshot(generations._snapshot)
    monkeypatch.setattr(generations, "_snapshot", recording)

    response = client.get("/api/v2/credentials/", **service_worker_header())

    assert response.status_code == 200
    assert recording.values[0].keys() == {"groups-and-permissions", SITES, CATALOG, CONFIGURATIONS}  # the JWT read
    assert recording.values[-1] is None and recording.get() is None
