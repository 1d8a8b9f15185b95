"""Cached records are served only while still right (records/record_cache.py)."""

import time as real_time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from credentials.apps.catalog import api as catalog_api
from credentials.apps.credentials.models import UserCredential
from credentials.apps.records import api
from credentials.apps.records.models import UserGrade
from tests.factories import PathwayFactory, ProgramCertRecordFactory, UserFactory
from tests.records.helpers import award, grade, make_program

pytestmark = pytest.mark.django_db


def build(site, user, program):
    return api.build_program_record(site=site, user=user, program_uuid=program.uuid)


@pytest.fixture
def earned(site, alice):
    """alice earned Course 1 (0.90) of a two-course program."""
    program, runs, configurations = make_program(2)
    award("alice", configurations[0])
    grade("alice", runs[0], "0.9000")
    program.runs, program.configurations = runs, configurations
    return program


def test_a_cached_record_costs_one_query_and_reads_the_same(site, alice, earned):
    first = build(site, alice, earned)

    with CaptureQueriesContext(connection) as queries:
        second = build(site, alice, earned)

    assert second == first
    assert len(queries) == 1  # the learner's fingerprint


def test_without_a_ttl_records_are_built_each_time_from_the_cached_catalog_part(site, alice, earned, settings):
    settings.RECORD_CACHE_TTL = 0
    build(site, alice, earned)

    with CaptureQueriesContext(connection) as queries:
        build(site, alice, earned)

    # The learner's completion and shared record, credentials, grades; the program's catalog part (title,
    # runs, schools, pathways) is the same for every learner and comes from the cache.
    assert len(queries) == 3


def test_a_catalog_change_shows_in_the_next_record_built(site, alice, earned, settings):
    settings.RECORD_CACHE_TTL = 0
    build(site, alice, earned)
    earned.title = "Renamed Program"
    earned.save()
    pathway = PathwayFactory(site=site, name="New Pathway", email="registrar@example.com")
    pathway.programs.add(earned)

    record = build(site, alice, earned)

    assert record["program"]["name"] == "Renamed Program"
    assert [(item["name"], item["status"], item["is_active"]) for item in record["pathways"]] == [
        ("New Pathway", "", True)
    ]


def test_a_new_grade_shows_at_once(site, alice, earned):
    build(site, alice, earned)
    award("alice", earned.configurations[1])
    grade("alice", earned.runs[1], "0.7000", "C")

    rows = build(site, alice, earned)["grades"]

    assert (rows[1]["percent_grade"], rows[1]["letter_grade"]) == (0.7, "C")


def test_a_bulk_revocation_shows_at_once(site, alice, earned):
    build(site, alice, earned)
    UserCredential.objects.filter(username="alice").update(status="revoked", modified=timezone.now())

    assert build(site, alice, earned)["grades"][0]["course_id"] == ""


def test_a_grade_deleted_shows_at_once(site, alice, earned):
    build(site, alice, earned)
    UserGrade.objects.filter(username="alice").delete()

    row = build(site, alice, earned)["grades"][0]
    assert (row["course_id"], row["percent_grade"]) == (earned.runs[0].key, "")


def test_sharing_shows_at_once(site, alice, earned):
    assert build(site, alice, earned)["shared_program_record_uuid"] is None

    shared = ProgramCertRecordFactory(user=alice, program=earned)

    assert build(site, alice, earned)["shared_program_record_uuid"] == shared.uuid.hex


def test_a_changed_configuration_retires_cached_records(site, alice, earned):
    build(site, alice, earned)
    configuration = earned.configurations[0]
    configuration.certificate_available_date = timezone.now() - timedelta(days=400)
    configuration.save()

    issue_date = build(site, alice, earned)["grades"][0]["issue_date"]

    assert issue_date == configuration.certificate_available_date.isoformat()


def test_a_renamed_program_shows_at_once(site, alice, earned):
    build(site, alice, earned)
    earned.title = "Renamed"
    earned.save()

    assert build(site, alice, earned)["program"]["name"] == "Renamed"


def test_learner_details_are_never_cached(site, alice, earned):
    build(site, alice, earned)
    alice.full_name = "Alice Renamed"

    assert build(site, alice, earned)["learner"]["full_name"] == "Alice Renamed"


def test_records_of_learners_never_mix(site, alice, earned):
    build(site, alice, earned)
    bob = UserFactory(username="bob")

    assert build(site, bob, earned)["grades"][0]["course_id"] == ""


def test_a_new_learner_with_a_renamed_learners_old_username_sees_nothing_of_theirs(site, alice, earned):
    build(site, alice, earned)
    api.replace_usernames([{"alice": "alice_old"}])
    newcomer = UserFactory(username="alice")

    assert build(site, newcomer, earned)["grades"][0]["course_id"] == ""


@pytest.mark.skipif(
    "locmem" not in settings.CACHES["default"]["BACKEND"], reason="moves the local-memory cache's clock forward"
)
def test_a_credential_becoming_visible_expires_the_cached_record(site, alice, earned, monkeypatch):
    later = earned.configurations[1]
    later.certificate_available_date = timezone.now() + timedelta(hours=2)
    later.save()
    award("alice", later)
    grade("alice", earned.runs[1], "0.8000")
    assert build(site, alice, earned)["grades"][1]["course_id"] == ""

    # Three hours later, for the cache and for the clock.
    now = timezone.now() + timedelta(hours=3)
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)
    monkeypatch.setattr(
        "django.core.cache.backends.locmem.time", SimpleNamespace(time=lambda: real_time.time() + 3 * 3600)
    )

    assert build(site, alice, earned)["grades"][1]["course_id"] == earned.runs[1].key


def test_a_deleted_pathway_shows_at_once(site, alice, earned):
    pathway = PathwayFactory(site=site, name="Credit at State")
    catalog_api.set_ordered(pathway, "programs", [earned])
    assert [row["name"] for row in build(site, alice, earned)["pathways"]] == ["Credit at State"]

    pathway.delete()

    assert build(site, alice, earned)["pathways"] == []
