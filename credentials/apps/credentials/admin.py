"""Admin for certificate configurations, signatories and learners' credentials (spec/pages.md §9.2)."""

import contextlib
import uuid

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import Q
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from credentials.apps.core.admin_history import HistoryAdmin
from credentials.apps.credentials import api
from credentials.apps.credentials.forms import ProgramCertificateForm, SignatoryForm
from credentials.apps.credentials.models import (
    CourseCertificate,
    ProgramCertificate,
    ProgramCompletionEmailConfiguration,
    RevokeCertificatesConfig,
    Signatory,
    UserCredential,
    UserCredentialAttribute,
    UserCredentialDateOverride,
)
from credentials.apps.credentials.sanitizer import clean_html


def preview_url(program_uuid):
    """The staff preview of a program certificate configuration (spec/pages.md §4.2)."""
    return f"/credentials/example/{program_uuid.hex}/"


def thumbnail(image, *, alt, height=50):
    if not image:
        return "-"
    return format_html(
        '<img src="{}" alt="{}" style="max-height:{}px;max-width:10rem;background:#fff">', image.url, alt, height
    )


# --- Learners' credentials -------------------------------------------------------------------------------


class CredentialTypeFilter(admin.SimpleListFilter):
    title = _("type")
    parameter_name = "type"

    def lookups(self, request, model_admin):
        return [("program", _("Program")), ("course-run", _("Course run"))]

    def queryset(self, request, queryset):
        if self.value() == "program":
            return queryset.filter(credential_content_type=api.program_content_type())
        if self.value() == "course-run":
            return queryset.filter(credential_content_type=api.course_content_type())
        return queryset


class UserCredentialAttributeInline(admin.TabularInline):
    model = UserCredentialAttribute
    fields = ("name", "value")
    extra = 1


class UserCredentialDateOverrideInline(admin.TabularInline):
    """The issue date LMS staff chose; it is set in the LMS admin, so here it is only shown."""

    model = UserCredentialDateOverride
    fields = ("date",)
    readonly_fields = ("date",)
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(UserCredential)
class UserCredentialAdmin(HistoryAdmin):
    """Credentials are revoked, never deleted: the "revoke" action replaces "delete selected"."""

    list_display = ("username", "certificate_uuid", "status", "credential_type", "title")
    list_filter = ("status", CredentialTypeFilter)
    search_fields = ("username",)
    search_help_text = _("Username, credential UUID, or program or course title.")
    fields = ("credential_content_type", "credential_id", "username", "status", "uuid", "created", "modified")
    readonly_fields = ("uuid", "created", "modified")
    list_select_related = ("credential_content_type",)
    inlines = [UserCredentialAttributeInline, UserCredentialDateOverrideInline]
    actions = ["revoke_selected"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                GenericPrefetch(
                    "credential",
                    [
                        ProgramCertificate.objects.select_related("program"),
                        CourseCertificate.objects.select_related("course_run__course"),
                    ],
                )
            )
        )

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        matches = Q(username__icontains=term)
        with contextlib.suppress(ValueError):
            matches |= Q(uuid=uuid.UUID(term))
        programs = ProgramCertificate.objects.filter(program__title__icontains=term)
        courses = CourseCertificate.objects.filter(
            Q(course_run__title_override__icontains=term) | Q(course_run__course__title__icontains=term)
        )
        matches |= Q(credential_content_type=api.program_content_type(), credential_id__in=programs.values("pk"))
        matches |= Q(credential_content_type=api.course_content_type(), credential_id__in=courses.values("pk"))
        return queryset.filter(matches), False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        return False

    def view_on_site(self, obj):
        return obj.get_absolute_url()

    @admin.display(description=_("certificate uuid"), ordering="uuid")
    def certificate_uuid(self, obj):
        return obj.uuid.hex

    @admin.display(description=_("type"), ordering="credential_content_type")
    def credential_type(self, obj):
        # The content type's own name ("Credentials | Program certificate configuration") crowds the list.
        return {"programcertificate": _("program"), "coursecertificate": _("course run")}.get(
            obj.credential_content_type.model, obj.credential_content_type.model
        )

    @admin.display(description=_("title"))
    def title(self, obj):
        configuration = obj.credential
        if isinstance(configuration, ProgramCertificate):
            return configuration.program.title if configuration.program else ""
        if isinstance(configuration, CourseCertificate) and configuration.course_run:
            return configuration.course_run.title or ""
        return ""

    @admin.action(description=_("Revoke selected credentials"), permissions=["change"])
    def revoke_selected(self, request, queryset):
        revoked = 0
        for credential in queryset.filter(status=UserCredential.AWARDED):
            # simple-history records request.user as the one who did it (HistoryRequestMiddleware).
            credential._change_reason = "Revoked in the admin"
            api.revoke_credential(credential)
            revoked += 1
        skipped = queryset.count() - revoked
        message = ngettext("%(count)d credential was revoked.", "%(count)d credentials were revoked.", revoked) % {
            "count": revoked
        }
        if skipped:
            message += " " + ngettext("%(count)d was already revoked.", "%(count)d were already revoked.", skipped) % {
                "count": skipped
            }
        self.message_user(request, message, messages.SUCCESS)


# --- Certificate configurations --------------------------------------------------------------------------


@admin.register(CourseCertificate)
class CourseCertificateAdmin(HistoryAdmin):
    list_display = ("course_id", "certificate_type", "site", "is_active")
    list_filter = ("certificate_type", "is_active")
    list_select_related = ("site",)
    search_fields = ("course_id",)
    fields = (
        "site",
        "is_active",
        "signatories",
        "title",
        "course_id",
        "course_run",
        "certificate_type",
        "certificate_available_date",
    )
    autocomplete_fields = ("course_run", "signatories")
    readonly_fields = ("certificate_available_date",)


@admin.register(ProgramCertificate)
class ProgramCertificateAdmin(HistoryAdmin):
    form = ProgramCertificateForm
    list_display = ("program_uuid", "site", "is_active", "program", "preview")
    list_filter = ("is_active", "site")
    list_select_related = ("site", "program")
    search_fields = ("program_uuid", "program__title")
    search_help_text = _("Program title or UUID (with or without hyphens).")
    autocomplete_fields = ("program", "signatories")
    readonly_fields = ("created", "modified", "preview")
    fieldsets = (
        (None, {"fields": ("site", "is_active", "program", "program_uuid", "title", "signatories")}),
        (_("Display"), {"fields": ("use_org_name", "include_hours_of_effort", "language")}),
        (None, {"fields": ("preview", "created", "modified")}),
    )

    def get_changeform_initial_data(self, request):
        return {"site": request.site.pk, **super().get_changeform_initial_data(request)}

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        try:
            return results | queryset.filter(program_uuid=uuid.UUID(search_term.strip())), may_have_duplicates
        except ValueError:
            return results, may_have_duplicates

    def view_on_site(self, obj):
        return preview_url(obj.program_uuid)

    @admin.display(description=_("preview"))
    def preview(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        return format_html('<a href="{}" target="_blank">{}</a>', preview_url(obj.program_uuid), _("Preview"))


# --- Signatories -----------------------------------------------------------------------------------------


@admin.register(Signatory)
class SignatoryAdmin(admin.ModelAdmin):
    form = SignatoryForm
    list_display = ("name", "title", "signature")
    search_fields = ("name",)
    readonly_fields = ("signature", "created", "modified")
    fields = ("name", "title", "organization_name_override", "image", "signature", "created", "modified")

    @admin.display(description=_("signature"))
    def signature(self, obj):
        return thumbnail(obj.image, alt=obj.name) if obj and obj.pk else "-"


# --- Program completion e-mail and revoke_certificates arguments ------------------------------------------


@admin.register(ProgramCompletionEmailConfiguration)
class ProgramCompletionEmailConfigurationAdmin(HistoryAdmin):
    list_display = ("identifier", "enabled")
    list_filter = ("enabled",)
    search_fields = ("identifier",)
    readonly_fields = ("html_preview", "created", "modified")
    fields = ("identifier", "enabled", "html_template", "html_preview", "plaintext_template", "created", "modified")

    @admin.display(description=_("HTML as sent"))
    def html_preview(self, obj):
        if obj is None or not obj.html_template:
            return "-"
        # Cleaned again on display: rows written around save() (fixtures, SQL) are not trusted either.
        return mark_safe(clean_html(obj.html_template, allowed_tags=frozenset(settings.ALLOWED_EMAIL_HTML_TAGS)))


@admin.register(RevokeCertificatesConfig)
class RevokeCertificatesConfigAdmin(admin.ModelAdmin):
    """Like django-config-models' admin: every save adds a row, the newest is current, rows are never edited."""

    list_display = ("change_date", "changed_by", "enabled", "arguments")
    list_select_related = ("changed_by",)
    date_hierarchy = "change_date"
    fields = ("enabled", "arguments", "changed_by", "change_date")
    actions = ["revert"]

    def get_readonly_fields(self, request, obj=None):
        return ("changed_by", "change_date") if obj is None else self.fields

    def get_changeform_initial_data(self, request):
        current = RevokeCertificatesConfig.current()
        return {"enabled": current.enabled, "arguments": current.arguments}

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.pk = None
        obj.changed_by = request.user
        obj.save()

    @admin.action(description=_("Revert to the selected configuration"), permissions=["add"])
    def revert(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Please select a single configuration to revert to."), messages.ERROR)
            return
        selected = queryset.get()
        RevokeCertificatesConfig.objects.create(
            enabled=selected.enabled, arguments=selected.arguments, changed_by=request.user
        )
        self.message_user(request, _("Reverted to the configuration of %(date)s.") % {"date": selected.change_date})
