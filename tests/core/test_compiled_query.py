"""core_api.CompiledQuery: compiled once, it answers exactly what the ORM's .values() answers for each call."""

import datetime
import uuid

import pytest
from django.db.models import CharField, DateTimeField, F, IntegerField, UUIDField

from credentials.apps.core.api import CompiledQuery, Param, ParamList
from credentials.apps.credentials.models import UserCredential
from tests.factories import UserCredentialFactory, UserGradeFactory

pytestmark = pytest.mark.django_db

EARLY = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)


def _credentials_query(username, uuids, since):
    """The same rule as a plain queryset (given values) or as a compiled one (Params)."""
    return (
        UserCredential.objects.filter(username=username, uuid__in=uuids, created__gte=since)
        .values("uuid", "created", "status", configuration_id=F("credential_id"))
        .order_by("id")
    )


COMPILED = CompiledQuery(
    lambda: _credentials_query(
        Param("username", CharField()), ParamList("uuids", UUIDField()), Param("since", DateTimeField())
    )
)


def test_rows_equal_the_orm_values_with_converted_types():
    mine = [UserCredentialFactory(username="ada") for _ in range(3)]
    UserCredentialFactory(username="bob")
    uuids = [credential.uuid for credential in mine] + [uuid.uuid4()]

    for wanted in (uuids, uuids[:1], uuids[1:3]):
        rows = COMPILED.rows(username="ada", uuids=wanted, since=EARLY)
        assert rows == list(_credentials_query("ada", wanted, EARLY))
    rows = COMPILED.rows(username="ada", uuids=uuids, since=EARLY)
    assert [row["uuid"] for row in rows] == [credential.uuid for credential in mine]
    assert all(isinstance(row["uuid"], uuid.UUID) for row in rows)
    assert all(row["created"].tzinfo is not None for row in rows)  # aware, as the ORM gives them


def test_each_call_binds_its_own_values():
    ada, bob = UserCredentialFactory(username="ada"), UserCredentialFactory(username="bob")

    assert [row["uuid"] for row in COMPILED.rows(username="ada", uuids=[ada.uuid, bob.uuid], since=EARLY)] == [ada.uuid]
    assert [row["uuid"] for row in COMPILED.rows(username="bob", uuids=[ada.uuid, bob.uuid], since=EARLY)] == [bob.uuid]
    later = ada.created + datetime.timedelta(days=1)
    assert COMPILED.rows(username="ada", uuids=[ada.uuid], since=later) == []


def test_an_empty_list_matches_no_row_and_sends_no_query(django_assert_num_queries):
    UserCredentialFactory(username="ada")
    with django_assert_num_queries(0):
        assert COMPILED.rows(username="ada", uuids=[], since=EARLY) == []
        assert COMPILED.first(username="ada", uuids=[], since=EARLY) is None


def test_the_sql_is_built_once_per_shape(django_assert_num_queries, settings):
    settings.COMPILED_QUERY_CHECK = False  # the tests' re-check builds it again on every call
    builds = []

    def build():
        builds.append(1)
        return (
            UserCredential.objects.filter(credential_id__in=ParamList("ids", IntegerField()))
            .values("credential_id")
            .order_by("credential_id")
        )

    query = CompiledQuery(build)
    UserGradeFactory()  # unrelated rows change nothing
    for ids in ([1, 2], [3, 4], [5]):
        with django_assert_num_queries(1):
            assert query.rows(ids=ids) == []
    assert len(builds) == 2  # two list lengths, two compilations; the third call reused the first


def _statuses_embedding(embedded, **options):
    """A compiled query whose SQL embeds ``embedded["status"]`` as a constant (not a Param)."""
    return CompiledQuery(
        lambda: (
            UserCredential.objects.filter(username=Param("username", CharField()), status=embedded["status"])
            .values("status")
            .order_by("id")
        ),
        **options,
    )


def test_key_names_what_the_sql_embeds_so_a_change_compiles_anew():
    UserCredentialFactory(username="ada", status="awarded")
    UserCredentialFactory(username="ada", status="revoked")
    embedded = {"status": "awarded"}
    query = _statuses_embedding(embedded, key=lambda: embedded["status"])

    assert query.rows(username="ada") == [{"status": "awarded"}]
    embedded["status"] = "revoked"
    assert query.rows(username="ada") == [{"status": "revoked"}]


def test_under_the_test_settings_a_stale_compilation_fails_loudly():
    UserCredentialFactory(username="ada", status="awarded")
    embedded = {"status": "awarded"}
    query = _statuses_embedding(embedded)
    query.rows(username="ada")
    embedded["status"] = "revoked"  # changed, but no key says so

    with pytest.raises(AssertionError, match="stale compiled query"):
        query.rows(username="ada")
