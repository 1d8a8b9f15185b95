"""simple_history's HistoricalRecords, with the history manager class built once per model.

simple_history's ``instance.history`` descriptor makes a new manager class each time it is read
(``HistoryManager.from_queryset(HistoricalQuerySet)``, which inspects every QuerySet method), and writing a
history row reads it once per saved row: about a tenth of the CPU time of issuing a credential or posting a
grade went there (issue 20). The class made is always the same, so it is made once and reused; history rows
and the ``history`` API are unchanged. History rows are written with their INSERT compiled once
(core/compiled_writes.py).
"""

import functools

from simple_history.manager import HistoryManager as LibraryHistoryManager
from simple_history.models import HistoricalRecords as LibraryHistoricalRecords

from credentials.apps.core.compiled_writes import CompiledWritesModel


class HistoryManager(LibraryHistoryManager):
    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)


class HistoricalRecords(LibraryHistoricalRecords):
    """Use this instead of simple_history.models.HistoricalRecords on our models."""

    def __init__(self, *args, history_manager=HistoryManager, bases=(CompiledWritesModel,), **kwargs):
        super().__init__(*args, history_manager=history_manager, bases=bases, **kwargs)
