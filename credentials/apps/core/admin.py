"""Admin for users and site configurations (spec/pages.md §9.1)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from credentials.apps.core.admin_history import HistoryAdmin
from credentials.apps.core.models import ConsumedEvent, OutboxEvent, SiteConfiguration, User


def _report(modeladmin, request, count, done):
    # Upstream names the admin class ("CustomUserAdmin") here; the model's name reads better (spec §10.11).
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d %(name)s entry was successfully %(done)s.",
            "%(count)d %(name)s entries were successfully %(done)s.",
            count,
        )
        % {"count": count, "name": modeladmin.model._meta.verbose_name, "done": done},
        messages.SUCCESS,
    )


@admin.register(User)
class CustomUserAdmin(UserAdmin):
    list_display = ("username", "email", "full_name", "first_name", "last_name", "is_staff")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "first_name", "last_name", "email")}),
        # Who may sign in as this account through the LMS (SSO, JWTs): DESIGN.md §5.16, core/identity.py.
        (_("LMS account"), {"fields": ("linked_to_lms",)}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    search_fields = ("username", "first_name", "last_name", "full_name", "email")
    actions = [
        "activate",
        "deactivate",
        "add_staff",
        "remove_staff",
        "add_superuser",
        "remove_superuser",
    ]

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser may grant the powers a superuser has (a staff user with "change user" could
        # otherwise make themselves superuser).
        readonly = super().get_readonly_fields(request, obj)
        if not request.user.is_superuser:
            readonly = (*readonly, "is_superuser", "user_permissions", "linked_to_lms")
        return readonly

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            for name in ("add_staff", "remove_staff", "add_superuser", "remove_superuser"):
                actions.pop(name, None)
        return actions

    @admin.action(description=_("Activate selected entries"), permissions=["change"])
    def activate(self, request, queryset):
        _report(self, request, queryset.update(is_active=True), _("activated"))

    @admin.action(description=_("Deactivate selected entries"), permissions=["change"])
    def deactivate(self, request, queryset):
        _report(self, request, queryset.update(is_active=False), _("deactivated"))

    @admin.action(description=_("Add is_staff to selected entries"), permissions=["change"])
    def add_staff(self, request, queryset):
        _report(self, request, queryset.update(is_staff=True), _("changed"))

    @admin.action(description=_("Remove is_staff from selected entries"), permissions=["change"])
    def remove_staff(self, request, queryset):
        _report(self, request, queryset.update(is_staff=False), _("changed"))

    @admin.action(description=_("Add is_superuser to selected entries"), permissions=["change"])
    def add_superuser(self, request, queryset):
        _report(self, request, queryset.update(is_superuser=True), _("changed"))

    @admin.action(description=_("Remove is_superuser from selected entries"), permissions=["change"])
    def remove_superuser(self, request, queryset):
        _report(self, request, queryset.update(is_superuser=False), _("changed"))
        self.message_user(
            request,
            _(
                "NOTE: This only toggles the is_superuser status flag. If the user remains active you will need "
                "to manually remove them from permission groups."
            ),
            messages.WARNING,
        )


def _url_fields_assume_https(db_field, **kwargs):
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class SiteConfigurationForm(forms.ModelForm):
    class Meta:
        model = SiteConfiguration
        formfield_callback = _url_fields_assume_https
        fields = (
            "site",
            "platform_name",
            "company_name",
            "segment_key",
            "theme_name",
            "partner_from_address",
            "records_enabled",
            "lms_url_root",
            "catalog_api_url",
            "tos_url",
            "privacy_policy_url",
            "homepage_url",
            "verified_certificate_url",
            "certificate_help_url",
            "records_help_url",
            "facebook_app_id",
            "twitter_username",
            "enable_facebook_sharing",
            "enable_linkedin_sharing",
            "enable_twitter_sharing",
        )

    def clean_theme_name(self):
        return (self.cleaned_data.get("theme_name") or "").lower()

    def clean_twitter_username(self):
        value = self.cleaned_data.get("twitter_username")
        return value.lstrip("@") if value else value


@admin.register(SiteConfiguration)
class SiteConfigurationAdmin(HistoryAdmin):
    """Facebook sharing without an app id is refused by SiteConfiguration.clean (code required_for_sharing)."""

    form = SiteConfigurationForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("site", "lms_url_root")
    list_select_related = ("site",)
    search_fields = ("site__name", "site__domain")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "site",
                    "platform_name",
                    "company_name",
                    "segment_key",
                    "theme_name",
                    "partner_from_address",
                    "records_enabled",
                )
            },
        ),
        (
            _("URLs"),
            {
                "fields": (
                    "lms_url_root",
                    "catalog_api_url",
                    "tos_url",
                    "privacy_policy_url",
                    "homepage_url",
                    "verified_certificate_url",
                    "certificate_help_url",
                    "records_help_url",
                )
            },
        ),
        (
            _("Social Sharing"),
            {
                "fields": (
                    "facebook_app_id",
                    "twitter_username",
                    "enable_facebook_sharing",
                    "enable_linkedin_sharing",
                    "enable_twitter_sharing",
                )
            },
        ),
    )


class ReadOnlyEventAdmin(admin.ModelAdmin):
    """Event-bus bookkeeping, for looking an event up by id; only the event-bus code writes it."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyEventAdmin):
    list_display = ("event_id", "event_type", "topic", "created", "sent_at", "attempts")
    list_filter = ("event_type", "topic")
    search_fields = ("=event_id",)
    exclude = ("event_data",)  # Avro holding the learner's name and e-mail


@admin.register(ConsumedEvent)
class ConsumedEventAdmin(ReadOnlyEventAdmin):
    list_display = ("event_id", "event_type", "group_id", "status", "event_time", "last_seen")
    list_filter = ("status", "event_type", "group_id")
    search_fields = ("=event_id", "entity_key")
