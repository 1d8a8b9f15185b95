"""The admin base for history-tracked models (DESIGN.md §2, "audit"), shared by every app's admin.

django-simple-history filters the history by the id in the URL as given, so a non-numeric id reached the
database layer and answered 500. Here an id that is not a valid primary key (or history id) is a 404.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin


def _valid(field, value):
    try:
        field.to_python(value)
    except ValidationError:
        return False
    return True


class HistoryAdmin(SimpleHistoryAdmin):
    def history_view(self, request, object_id, extra_context=None):
        if not _valid(self.model._meta.pk, unquote(object_id)):
            raise Http404(f"No {self.model._meta.verbose_name} has the id {object_id!r}.")
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        history_pk = self.model.history.model._meta.pk
        if not (_valid(self.model._meta.pk, unquote(object_id)) and _valid(history_pk, unquote(version_id))):
            raise Http404(f"No {self.model._meta.verbose_name} version has the id {object_id!r}/{version_id!r}.")
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)
