"""Reads whose SQL the ORM builds once per process, then runs with each call's values (issue 20).

Building and compiling a queryset with subqueries and generic joins costs more CPU than the database spends
answering it: on a first view of a certificate it was about half of the request. A ``CompiledQuery`` keeps
the rule in ORM form, where it is readable and shared (visibility.py), and compiles it once per database
connection alias; each call binds its values to the placeholders and reads the rows with Django's own
converters (aware datetimes, UUIDs), so the rows are exactly what ``.values()`` gives.

Values that change per call are written as ``Param("name", SomeField())`` in the queryset, lists for ``__in``
as ``ParamList("name", SomeField())`` (the SQL is compiled once per list length). Anything else the queryset
embeds (content type ids, constants) becomes part of the compiled SQL: ``key`` names what it depends on, so
a changed value compiles anew (content type ids differ between test databases).
"""

from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Expression

_list_lengths = ContextVar("list_lengths")  # while compiling: ParamList name -> how many placeholders


def model_fields(model, prefix=""):
    """The ``.values()`` names of ``model``'s concrete fields (through ``prefix``, a relation path ending in
    "__", for a joined model), for ``instance()`` to make the model instance from the row."""
    return [f"{prefix}{field.attname}" for field in model._meta.concrete_fields]


def instance(model, row, prefix=""):
    """The ``model`` instance read into ``row`` by ``model_fields(model, prefix)``; None when there is no row
    or its primary key is NULL (a LEFT JOIN that found nothing). It saves and deletes as one loaded by the ORM."""
    if row is None or row[f"{prefix}{model._meta.pk.attname}"] is None:
        return None
    names = model_fields(model)
    return model.from_db(DEFAULT_DB_ALIAS, names, [row[f"{prefix}{name}"] for name in names])


class _Slot:
    """Where a Param (or one item of a ParamList) sits in the compiled parameters, until a call gives it."""

    def __init__(self, param, index=None):
        self.name = param.name
        self.field = param.output_field
        self.index = index

    def bind(self, values, connection):
        value = values[self.name] if self.index is None else values[self.name][self.index]
        return self.field.get_db_prep_value(value, connection, prepared=False)


class Param(Expression):
    """A value given at call time (``CompiledQuery.rows(name=value)``), typed by ``output_field``."""

    def __init__(self, name, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [_Slot(self)]

    def __repr__(self):
        return f"{type(self).__name__}({self.name!r})"


class ParamList(Param):
    """A list of values given at call time, for ``__in`` lookups. An empty list matches no row."""

    def as_sql(self, compiler, connection):
        length = _list_lengths.get()[self.name]
        if not length:
            raise EmptyResultSet
        return ", ".join(["%s"] * length), [_Slot(self, index) for index in range(length)]


def _shape(compiled):
    sql, params, _, names, _ = compiled
    slots = [(param.name, param.index) if isinstance(param, _Slot) else param for param in params]
    return sql, slots, names


class CompiledQuery:
    """``build()`` returns a ``.values()`` queryset using Params; ``rows(**values)`` runs it as dicts."""

    def __init__(self, build, *, key=lambda: None):
        self._build = build
        self._key = key
        # (alias, key(), list lengths) -> (sql, params, compiler, names, converters); a few per process
        self._compiled = {}

    def _build_sql(self, connection, list_lengths):
        query = self._build().query
        compiler = query.get_compiler(connection=connection)
        token = _list_lengths.set(dict(list_lengths))
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            sql, params = None, ()
        finally:
            _list_lengths.reset(token)
        # The columns' names in their order, as Django's ValuesIterable reads them.
        names = list(query.selected or [*query.extra_select, *query.values_select, *query.annotation_select])
        # The columns' converters (aware datetimes, UUIDs), found once rather than by results_iter on every call.
        converters = compiler.get_converters([col for col, *_ in compiler.select[: compiler.col_count]]) if sql else {}
        return sql, tuple(params), compiler, names, converters

    def _compile(self, connection, list_lengths):
        cache_key = (connection.alias, self._key(), list_lengths)
        compiled = self._compiled.get(cache_key)
        if compiled is None:
            compiled = self._compiled[cache_key] = self._build_sql(connection, list_lengths)
        elif settings.COMPILED_QUERY_CHECK:
            # Tests: what was compiled must still be what the ORM would send now (a constant the SQL embeds,
            # e.g. a content type id, may only change with ``key``).
            fresh = self._build_sql(connection, list_lengths)
            if _shape(fresh) != _shape(compiled):
                raise AssertionError(f"stale compiled query (give it a key): {_shape(compiled)} != {_shape(fresh)}")
        return compiled

    def rows(self, **values):
        connection = connections[DEFAULT_DB_ALIAS]
        list_lengths = tuple(sorted((name, len(value)) for name, value in values.items() if isinstance(value, list)))
        sql, params, compiler, names, converters = self._compile(connection, list_lengths)
        if sql is None:  # an empty ParamList: no row can match
            return []
        bound = [param.bind(values, connection) if isinstance(param, _Slot) else param for param in params]
        with connection.cursor() as cursor:
            cursor.execute(sql, bound)
            fetched = cursor.fetchall()
        if converters:
            fetched = compiler.apply_converters(fetched, converters)
        return [dict(zip(names, row, strict=True)) for row in fetched]

    def first(self, **values):
        rows = self.rows(**values)
        return rows[0] if rows else None
