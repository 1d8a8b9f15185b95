"""simple_history's HistoricalRecords, with the history manager class built once per model.

simple_history's ``instance.history`` descriptor makes a new manager class each time it is read
(``HistoryManager.from_queryset(HistoricalQuerySet)``, which inspects every QuerySet method), and writing a
history row reads it once per saved row: about a tenth of the CPU time of issuing a credential or posting a
grade went there (issue 20). The class made is always the same, so it is made once and reused; history rows
and the ``history`` API are unchanged.

A history row is written straight from the tracked instance's values with an INSERT compiled once
(``compiled_writes.insert_row``): simple_history builds a historical instance and runs the whole of save() on
it, about a tenth of a grade's instructions for a row nobody reads back in the request (issue 20). The row is
the same; simple_history's own path is taken whenever something could observe the difference: a receiver of
its pre/post_create_historical_record signals or of the history model's pre_save/post_save, many-to-many
history, a history user kept by id, extra history fields.
"""

import functools

from django.db import router
from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from simple_history.manager import HistoryManager as LibraryHistoryManager
from simple_history.models import HistoricalRecords as LibraryHistoricalRecords
from simple_history.signals import post_create_historical_record, pre_create_historical_record

from credentials.apps.core.compiled_writes import CompiledWritesModel, insert_row

_OBSERVERS = (pre_create_historical_record, post_create_historical_record, pre_save, post_save)


class HistoryManager(LibraryHistoryManager):
    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)


class HistoricalRecords(LibraryHistoricalRecords):
    """Use this instead of simple_history.models.HistoricalRecords on our models."""

    def __init__(self, *args, history_manager=HistoryManager, bases=(CompiledWritesModel,), **kwargs):
        super().__init__(*args, history_manager=history_manager, bases=bases, **kwargs)
        self._history_models = {}  # tracked model -> its history model

    def create_history_model(self, model, inherited):
        history_model = super().create_history_model(model, inherited)
        self._history_models[model] = history_model
        return history_model

    def create_historical_record(self, instance, history_type, using=None):
        history_model = self._history_models.get(type(instance))
        if (
            history_model is None
            or self.user_id_field is not None
            or self.m2m_fields
            or any(signal.has_listeners(history_model) for signal in _OBSERVERS)
        ):
            return super().create_historical_record(instance, history_type, using)
        user = self.get_history_user(instance)
        values = {field.attname: getattr(instance, field.attname) for field in self.fields_included(instance)}
        values.update(
            history_date=getattr(instance, "_history_date", timezone.now()),
            history_type=history_type,
            history_user_id=None if user is None else user.pk,
            history_change_reason=self.get_change_reason_for_object(instance, history_type, using),
        )
        database = (using if self.use_base_model_db else None) or router.db_for_write(history_model)
        if not insert_row(history_model, database, values):
            super().create_historical_record(instance, history_type, using)
