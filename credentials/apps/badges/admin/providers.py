"""Admin of the provider side (spec/badges.md §9, §12.2 #5): Credly organizations and their templates,
Accredible API configurations and their groups, and the badges both providers hold. Imported (and so
registered) only when BADGES_ENABLED. Provider calls go through provider_issuers / provider_sync."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from credentials.apps.badges import provider_sync
from credentials.apps.badges.admin.inlines import TEMPLATE_INLINES  # requirements and penalties, shared
from credentials.apps.badges.admin.summaries import progress_summary, provider_awards_summary
from credentials.apps.badges.models import (
    AccredibleAPIConfig,
    AccredibleBadge,
    AccredibleGroup,
    BadgeTemplate,
    CredlyBadge,
    CredlyBadgeTemplate,
    CredlyOrganization,
)
from credentials.apps.badges.provider_client import BadgeProviderError
from credentials.apps.badges.provider_issuers import check_credly_organization, preconfigured_credly_key

PRECONFIGURED = _("Pre-configured from the environment.")
NEEDS_REQUIREMENT = _("Active badge template must have at least one requirement.")

# --- Credly organizations --------------------------------------------------------------------------------


class StoredKeyFormMixin:
    """The API key is never written back into the page: the field is a password input, and leaving it empty
    on a change page keeps the stored key."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("api_key")
        if field is None:
            return
        field.widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"})
        if self.instance.pk and self.instance.api_key:
            field.required = False
            field.help_text = _("Stored; leave empty to keep it.")

    def clean_api_key(self):
        api_key = self.cleaned_data.get("api_key")
        return api_key or (self.instance.api_key if self.instance.pk else api_key)


class CredlyOrganizationAdminForm(StoredKeyFormMixin, forms.ModelForm):
    class Meta:
        model = CredlyOrganization
        fields = ["uuid", "api_key"]

    def clean(self):
        cleaned = super().clean()
        organization_uuid, api_key = cleaned.get("uuid"), cleaned.get("api_key")
        if organization_uuid is None:
            return cleaned
        preconfigured = preconfigured_credly_key(organization_uuid) is not None
        if preconfigured and api_key:
            raise forms.ValidationError(_("You can't provide an API key for a configured organization."))
        if not preconfigured and not api_key:
            raise forms.ValidationError(_("Enter the organization's Credly API key."))
        try:
            self.credly_name = check_credly_organization(organization_uuid, api_key)
        except BadgeProviderError as exc:
            # §12.2 #5: upstream let this escape as a 500.
            raise forms.ValidationError(
                _("Credly did not accept this organization ID and API key (%(error)s)."), params={"error": exc}
            ) from exc
        return cleaned

    def save(self, commit=True):
        self.instance.name = self.credly_name
        return super().save(commit=commit)


@admin.register(CredlyOrganization)
class CredlyOrganizationAdmin(admin.ModelAdmin):
    form = CredlyOrganizationAdminForm
    list_display = ("name", "uuid", "api_key_hidden")
    actions = ("sync_organization_badge_templates",)

    def get_fields(self, request, obj=None):
        if obj is not None and obj.is_preconfigured:
            return ["name", "uuid", "api_key_hidden"]
        return ["name", "uuid", "api_key"]

    def get_readonly_fields(self, request, obj=None):
        return ["name", "api_key_hidden"]

    @admin.display(description=_("API key"))
    def api_key_hidden(self, obj):
        return PRECONFIGURED if obj.is_preconfigured else "-"

    @admin.action(description=_("Sync organization badge templates"))
    def sync_organization_badge_templates(self, request, queryset):
        failed = False
        for organization in queryset:
            try:
                provider_sync.sync_organization_badge_templates(organization=organization, site=request.site)
            except BadgeProviderError as exc:
                failed = True
                self.message_user(
                    request, f"Failed to sync badge templates for {organization}. {exc}", level=messages.ERROR
                )
        if not failed:
            self.message_user(request, _("Badge templates were successfully updated."), level=messages.SUCCESS)


# --- Provider templates ----------------------------------------------------------------------------------


class ProviderTemplateAdmin(admin.ModelAdmin):
    """What Credly templates and Accredible groups share: synced, never added here, edited only for
    ``is_active`` and their requirements; an active one needs a requirement and cannot be deleted."""

    badge_model = None
    external_field = None
    inlines = TEMPLATE_INLINES
    warning = _("Editing an active template changes how badges are awarded from now on; deactivate it first.")
    actions = ("delete_inactive_selected",)

    def has_add_permission(self, request):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # replaced by delete_inactive_selected
        return actions

    @admin.display(description=_("image"))
    def image(self, obj):
        url = str(obj.icon or "")
        return format_html('<img src="{}" alt="" style="max-height:50px">', url) if url else "-"

    @admin.display(description=_("dashboard"))
    def dashboard_link(self, obj):
        return format_html('<a href="{0}" target="_blank" rel="noopener">{0}</a>', obj.management_url)

    @admin.display(description="")
    def active_warning(self, obj):
        return self.warning

    @admin.display(description=_("awards"))
    def awards(self, obj):
        return provider_awards_summary(obj, self.badge_model, self.external_field)

    @admin.display(description=_("progress"))
    def progress(self, obj):
        return progress_summary(obj)

    def save_model(self, request, obj, form, change):
        pass  # saved in save_related, once the inlines show whether it has requirements

    def save_related(self, request, form, formsets, change):
        # The inlines are saved first to learn whether requirements remain; a refusal undoes them too.
        savepoint = transaction.savepoint()
        super().save_related(request, form, formsets, change)
        template = form.instance
        if template.is_active and not template.requirements.exists():
            transaction.savepoint_rollback(savepoint)
            request.badge_template_refused = True
            self.message_user(request, NEEDS_REQUIREMENT, level=messages.ERROR)
            return
        transaction.savepoint_commit(savepoint)
        template.save()

    def log_change(self, request, obj, message):
        if not getattr(request, "badge_template_refused", False):  # nothing changed
            return super().log_change(request, obj, message)
        return None

    def response_change(self, request, obj):
        if getattr(request, "badge_template_refused", False):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        template = BadgeTemplate.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if template is not None and template.is_active:
            self.message_user(request, _("Active badge template cannot be deleted."), level=messages.ERROR)
            return HttpResponseRedirect("../change/")
        return super().delete_view(request, object_id, extra_context)

    @admin.action(permissions=["delete"], description=delete_selected.short_description)
    def delete_inactive_selected(self, request, queryset):
        if queryset.filter(is_active=True).exists():
            self.message_user(request, _("Active badge templates cannot be deleted."), level=messages.ERROR)
            return None
        return delete_selected(self, request, queryset)


@admin.register(CredlyBadgeTemplate)
class CredlyBadgeTemplateAdmin(ProviderTemplateAdmin):
    badge_model, external_field = CredlyBadge, "external_uuid"
    list_display = ("organization", "state", "name", "uuid", "is_active", "image")
    list_filter = ("organization", "is_active", "state")
    search_fields = ("name", "uuid")
    list_select_related = ("organization",)
    readonly_fields = (
        *("organization", "origin", "state", "dashboard_link", "image", "active_warning", "awards", "progress"),
    )
    fieldsets = (
        (_("Generic"), {"fields": ("site", "is_active", "active_warning")}),
        (_("Badge template"), {"fields": ("uuid", "name", "description", "image", "origin")}),
        (_("Credly"), {"fields": ("organization", "state", "dashboard_link")}),
        (_("Awards and progress"), {"fields": ("awards", "progress")}),
    )


@admin.register(AccredibleGroup)
class AccredibleGroupAdmin(ProviderTemplateAdmin):
    badge_model, external_field = AccredibleBadge, "external_id"
    list_display = ("id", "api_config", "state", "name", "is_active", "image")
    list_filter = ("api_config", "is_active", "state")
    search_fields = ("name",)
    list_select_related = ("api_config",)
    readonly_fields = (
        *("api_config", "origin", "state", "dashboard_link", "image", "active_warning", "awards", "progress"),
    )
    fieldsets = (
        (_("Generic"), {"fields": ("site", "is_active", "active_warning")}),
        (_("Badge template"), {"fields": ("name", "description", "image", "origin")}),
        (_("Accredible"), {"fields": ("api_config", "state", "dashboard_link")}),
        (_("Awards and progress"), {"fields": ("awards", "progress")}),
    )


class AccredibleAPIConfigAdminForm(StoredKeyFormMixin, forms.ModelForm):
    class Meta:
        model = AccredibleAPIConfig
        fields = ["name", "api_key"]


@admin.register(AccredibleAPIConfig)
class AccredibleAPIConfigAdmin(admin.ModelAdmin):
    form = AccredibleAPIConfigAdminForm
    list_display = ("id", "name")
    actions = ("sync_groups",)

    @admin.action(description=_("Sync groups"))
    def sync_groups(self, request, queryset):
        failed = False
        for config in queryset:
            try:
                provider_sync.sync_accredible_groups(api_config=config, site=request.site)
            except BadgeProviderError as exc:
                failed = True
                self.message_user(
                    request, f"Failed to sync groups for API config: {config.name}. {exc}", level=messages.ERROR
                )
        if not failed:
            self.message_user(request, _("Accredible groups were successfully synced."), level=messages.SUCCESS)


# --- Badges held by the providers ------------------------------------------------------------------------


class ProviderBadgeAdmin(admin.ModelAdmin):
    """Read-only lists of badges; ``retry_badge_issuing`` carries failed ones to the provider again."""

    list_filter = ("status", "state")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # The template's name in one query for the whole page (the badge links it by a generic key).
        name = BadgeTemplate.objects.filter(pk=OuterRef("credential_id")).values("name")[:1]
        return super().get_queryset(request).annotate(template_name=Subquery(name))

    @admin.display(description=_("credential"), ordering="template_name")
    def credential(self, obj):
        return obj.template_name


@admin.register(CredlyBadge)
class CredlyBadgeAdmin(ProviderBadgeAdmin):
    list_display = ("uuid", "username", "credential", "status", "state", "external_uuid")
    search_fields = ("username", "external_uuid")


@admin.register(AccredibleBadge)
class AccredibleBadgeAdmin(ProviderBadgeAdmin):
    list_display = ("uuid", "username", "credential", "status", "state", "external_id")
    search_fields = ("username", "external_id")
