"""Admin for grades, shared program records and credit pathway sends (spec/pages.md §9.4)."""

import uuid

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from credentials.apps.core.admin_history import HistoryAdmin
from credentials.apps.records.models import ProgramCertRecord, UserCreditPathway, UserGrade


@admin.register(UserGrade)
class UserGradeAdmin(HistoryAdmin):
    list_display = ("username", "course_run", "letter_grade", "percent_grade", "verified")
    list_select_related = ("course_run",)
    search_fields = ("username", "course_run__key")
    raw_id_fields = ("course_run",)
    readonly_fields = ("lms_last_updated_at", "created", "modified")


@admin.register(ProgramCertRecord)
class ProgramCertRecordAdmin(admin.ModelAdmin):
    """Deleting a row is how staff take down a learner's public link."""

    list_display = ("uuid", "program", "user")
    list_select_related = ("program", "user")
    search_fields = ("program__title", "user__username")
    raw_id_fields = ("program", "user")
    exclude = ("certificate",)  # deprecated
    readonly_fields = ("uuid", "created", "modified")

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        try:
            return results | queryset.filter(uuid=uuid.UUID(search_term.strip())), may_have_duplicates
        except ValueError:
            return results, may_have_duplicates


@admin.register(UserCreditPathway)
class UserCreditPathwayAdmin(admin.ModelAdmin):
    list_display = ("user", "pathway", "program", "status_label")
    list_filter = ("status",)
    list_select_related = ("user", "pathway", "program")
    # Upstream searches a field that does not exist ("program_title") and answers 500 (spec §10.9).
    search_fields = ("user__username", "pathway__org_name", "pathway__name", "program__title", "status")
    raw_id_fields = ("user", "pathway", "program")
    readonly_fields = ("created", "modified")

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, obj):
        return obj.get_status_display()
