"""save()'s INSERT and UPDATE with their SQL compiled once per model, field list and database.

Each save made Django build an InsertQuery or UpdateQuery and compile it to SQL: on the write path (a
credential, a grade and their history rows) that was about a seventh of a request's CPU (issue 20), for a
statement that is the same every time for a model, the fields saved and the database; only the values
change. A model inheriting ``CompiledWritesModel`` has Django's own compiler make the SQL on the first save of
a shape, and then binds each save's values as that compiler does (``pre_save``, then ``get_db_prep_save``).

A shape is compiled only when the compiler's parameters for that first save equal ours; anything the plain
statement cannot carry goes through Django's path unchanged: a value that is an SQL expression or a model
instance, a field with its own placeholder, converters on the returned columns, a database that cannot
return columns from an INSERT, ``select_on_save``. Signals, history, validation and the rest of save() are
Django's; the statements sent are the same. ``insert_row`` is the one write without save(): a history row
(core/history.py), written only when nothing listens for it.
"""

from django.db import connections, models, transaction
from django.db.models import DateField, DateTimeField, Field, TimeField, sql

_NOT_COMPILED = object()
_statements = {}  # shape -> (sql, returning params) / sql, or _NOT_COMPILED


def _plain(values):
    return not any(hasattr(value, "resolve_expression") or hasattr(value, "prepare_database_save") for value in values)


def _insert_values(instance, fields, raw):
    return [getattr(instance, field.attname) if raw else field.pre_save(instance, add=True) for field in fields]


def _insert_params(connection, fields, values):
    return [field.get_db_prep_save(value, connection=connection) for field, value in zip(fields, values, strict=True)]


def _stamps_time_on_save(field):
    return getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)


def _compile_insert(model, instance, using, fields, returning_fields, raw):
    connection = connections[using]
    if returning_fields and not connection.features.can_return_columns_from_insert:
        return _NOT_COMPILED
    if any(hasattr(field, "get_placeholder") for field in fields):
        return _NOT_COMPILED
    query = sql.InsertQuery(model)
    query.insert_values(fields, [instance], raw=raw)
    compiler = query.get_compiler(using=using)
    compiler.returning_fields = returning_fields
    [(statement, params)] = compiler.as_sql()
    table = model._meta.db_table
    if returning_fields and compiler.get_converters([field.get_col(table) for field in returning_fields]):
        return _NOT_COMPILED
    ours = _insert_params(connection, fields, _insert_values(instance, fields, raw))
    # pre_save of an auto_now field gives a new time on each call: compare everything else.
    moving = [_stamps_time_on_save(field) for field in fields]
    if len(params) != len(ours) or any(
        theirs != mine for theirs, mine, stamped in zip(params, ours, moving, strict=True) if not stamped
    ):
        return _NOT_COMPILED
    return statement, compiler.returning_params


def _prepared_update(model, connection, values, pk_val):
    """(the shape of the statement, its parameters): a value prepared to None is written as a literal NULL,
    without a parameter, as Django's compiler does, so which ones are None is part of the shape."""
    prepared = [field.get_db_prep_save(value, connection=connection) for field, _, value in values]
    pk = model._meta.pk
    params = [value for value in prepared if value is not None]
    params.append(pk.get_db_prep_value(pk.get_prep_value(pk_val), connection, prepared=True))
    nulls = tuple((field, value is None) for (field, _, _), value in zip(values, prepared, strict=True))
    return nulls, params


def _compile_update(base_qs, using, pk_val, values, params):
    if any(hasattr(field, "get_placeholder") for field, _, _ in values):
        return _NOT_COMPILED
    query = base_qs.filter(pk=pk_val).query.chain(sql.UpdateQuery)
    query.add_update_fields(values)
    if query.related_updates:
        return _NOT_COMPILED
    statement, theirs = query.get_compiler(using).as_sql()
    return statement if list(theirs) == params else _NOT_COMPILED


class CompiledWritesModel(models.Model):
    class Meta:
        abstract = True

    def _do_insert(self, manager, using, fields, returning_fields, raw):
        values = _insert_values(self, fields, raw)
        if not _plain(values):
            return super()._do_insert(manager, using, fields, returning_fields, raw)
        connection = connections[using]
        # The table is the manager's model's: a parent's, for each parent of a multi-table child.
        shape = ("insert", manager.model, using, tuple(fields), tuple(returning_fields or ()), raw)
        compiled = _statements.get(shape)
        if compiled is None:
            compiled = _statements[shape] = _compile_insert(manager.model, self, using, fields, returning_fields, raw)
            values = _insert_values(self, fields, raw)  # compiling ran pre_save: the values it saw are current
        if compiled is _NOT_COMPILED:
            return super()._do_insert(manager, using, fields, returning_fields, raw)
        statement, returning_params = compiled
        with connection.cursor() as cursor:
            cursor.execute(statement, _insert_params(connection, fields, values))
            if not returning_fields:
                return []
            return [connection.ops.fetch_returned_insert_columns(cursor, returning_params)]

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        if not values or self._meta.select_on_save or not _plain(value for _, _, value in values):
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)
        connection = connections[using]
        nulls, params = _prepared_update(base_qs.model, connection, values, pk_val)
        shape = ("update", base_qs.model, using, nulls)
        compiled = _statements.get(shape)
        if compiled is None:
            compiled = _statements[shape] = _compile_update(base_qs, using, pk_val, values, params)
        if compiled is _NOT_COMPILED:
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)
        with transaction.mark_for_rollback_on_error(using=using), connection.cursor() as cursor:
            cursor.execute(compiled, params)
            return cursor.rowcount > 0


# pre_save methods that return the stored attribute when auto_now and auto_now_add are off.
_STORED_ATTRIBUTE_PRE_SAVES = (Field.pre_save, DateField.pre_save, DateTimeField.pre_save, TimeField.pre_save)


def _row_fields(model):
    """The fields an INSERT of a new row writes (all concrete ones but an auto primary key), or None when
    one of them computes its value on save (``pre_save`` other than the stored attribute)."""
    fields = [field for field in model._meta.local_concrete_fields if field is not model._meta.auto_field]
    for field in fields:
        if _stamps_time_on_save(field) or type(field).pre_save not in _STORED_ATTRIBUTE_PRE_SAVES:
            return None
    return fields


def insert_row(model, using, values):
    """INSERT a new row of ``model`` from ``{attname: value}``, one value per field of ``_row_fields``, with
    the statement compiled once per model and database, without building an instance or running save().

    Returns False, having done nothing, when the row needs save(): other fields, a value that is an
    expression, a field that computes its value, a statement the compiler makes differently. For rows
    nobody reads back in the request (history rows): the new primary key is not fetched.
    """
    shape = ("row", model, using)
    compiled = _statements.get(shape)
    if compiled is None:
        fields = _row_fields(model)
        if fields is None or {field.attname for field in fields} != values.keys() or not _plain(values.values()):
            return False  # decided again next time: another row may be plain
        statement = _compile_insert(model, model(**values), using, fields, (), raw=False)
        compiled = _NOT_COMPILED if statement is _NOT_COMPILED else (statement[0], fields, frozenset(values))
        _statements[shape] = compiled
    if compiled is _NOT_COMPILED:
        return False
    statement, fields, attnames = compiled
    if values.keys() != attnames or not _plain(values.values()):
        return False
    ordered = [values[field.attname] for field in fields]
    connection = connections[using]
    with transaction.mark_for_rollback_on_error(using=using), connection.cursor() as cursor:
        cursor.execute(statement, _insert_params(connection, fields, ordered))
    return True
