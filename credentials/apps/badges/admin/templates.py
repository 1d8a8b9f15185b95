"""Admin of templates and their rules (spec/badges.md §9, §12.2-12.5): local templates (added and edited here),
requirement and penalty pages with their data rules, progress with fulfillments, local badges. Imported only
when BADGES_ENABLED. The requirement and penalty inlines also serve the provider templates (admin/providers.py).
"""

from django.contrib import admin, messages
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from credentials.apps.badges.admin.forms import LocalBadgeTemplateForm
from credentials.apps.badges.admin.inlines import (
    TEMPLATE_INLINES,
    DataRuleInline,
    FulfillmentInline,
    PenaltyDataRuleInline,
    limit_to_template_requirements,
)
from credentials.apps.badges.admin.summaries import progress_summary
from credentials.apps.badges.models import (
    TEMPLATE_MODELS,
    BadgePenalty,
    BadgeProgress,
    BadgeRequirement,
    LocalBadge,
    LocalBadgeTemplate,
)

__all__ = ["TEMPLATE_INLINES"]

RECENT = 20  # awards and progress rows shown on a template's page (the full lists are one click away)


def template_admin_url(template):
    """The change page of a template in its origin's admin, or None."""
    model = TEMPLATE_MODELS.get(template.origin)
    if model is None:
        return None
    try:
        return reverse(f"admin:badges_{model._meta.model_name}_change", args=[template.pk])
    except NoReverseMatch:
        return None


def template_link(template):
    if template is None:
        return "-"
    url = template_admin_url(template)
    return format_html('<a href="{}">{}</a>', url, template.name) if url else template.name


# --- Local templates --------------------------------------------------------------------------------------


@admin.register(LocalBadgeTemplate)
class LocalBadgeTemplateAdmin(admin.ModelAdmin):
    form = LocalBadgeTemplateForm
    inlines = TEMPLATE_INLINES
    list_display = ("name", "uuid", "site", "is_active", "awarded")
    list_filter = ("is_active", "site")
    search_fields = ("name", "uuid")
    readonly_fields = ("uuid", "origin", "image", "public_achievement", "awards", "progress")
    fieldsets = (
        (_("Generic"), {"fields": ("site", "is_active")}),
        (_("Badge template"), {"fields": ("uuid", "name", "description", "icon", "image", "origin")}),
        (
            _("Open Badges 3.0"),
            {"fields": ("criteria_narrative", "criteria_url", "tags", "valid_days", "public_achievement")},
        ),
        (_("Awards and progress"), {"fields": ("awards", "progress")}),
    )

    def get_queryset(self, request):
        awarded = (
            LocalBadge.objects.filter(credential_id=OuterRef("pk"), status="awarded")
            .order_by()
            .values("credential_id")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            super().get_queryset(request).select_related("site").annotate(awarded_count=Coalesce(Subquery(awarded), 0))
        )

    @admin.display(description=_("awarded"), ordering="awarded_count")
    def awarded(self, obj):
        return obj.awarded_count

    @admin.display(description=_("image"))
    def image(self, obj):
        url = str(obj.icon or "")
        if not url:
            return "-"
        return format_html('<img src="{}" alt="" height="64">', obj.icon.url if not url.startswith("http") else url)

    @admin.display(description=_("achievement (public)"))
    def public_achievement(self, obj):
        if obj.pk is None:
            return "-"
        url = reverse("badges:achievement", kwargs={"template_uuid": obj.uuid})
        return format_html('<a href="{0}">{0}</a>', url)

    @admin.display(description=_("awards"))
    def awards(self, obj):
        if obj.pk is None:
            return "-"
        badges = LocalBadge.objects.filter(credential_id=obj.pk)
        counts = dict(badges.values_list("status").annotate(count=Count("pk")).order_by())
        recent = badges.order_by("-modified")[:RECENT]
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    reverse("admin:badges_localbadge_change", args=[badge.pk]),
                    badge.username,
                    badge.status,
                    badge.state,
                    badge.issued_at or "-",
                )
                for badge in recent
            ),
        )
        listing = reverse("admin:badges_localbadge_changelist") + f"?credential_id={obj.pk}"
        return format_html(
            '<p>{} awarded, {} revoked. <a href="{}">All badges of this template</a></p>'
            "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
            counts.get("awarded", 0),
            counts.get("revoked", 0),
            listing,
            _("learner"),
            _("status"),
            _("state"),
            _("issued"),
            rows,
        )

    @admin.display(description=_("progress"))
    def progress(self, obj):
        return progress_summary(obj)

    def delete_view(self, request, object_id, extra_context=None):
        template = LocalBadgeTemplate.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if template is not None and template.is_active:
            self.message_user(request, _("Active badge template cannot be deleted."), level=messages.ERROR)
            return HttpResponseRedirect("../change/")
        return super().delete_view(request, object_id, extra_context)

    def delete_queryset(self, request, queryset):
        if queryset.filter(is_active=True).exists():
            self.message_user(request, _("Active badge templates cannot be deleted."), level=messages.ERROR)
            return
        super().delete_queryset(request, queryset)


# --- Requirement and penalty pages (reached from their template) -------------------------------------------


class TemplatePartAdmin(admin.ModelAdmin):
    """A requirement's or penalty's own page: its rules; "Save" returns to the template."""

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("template"))
    def template_link(self, obj):
        return template_link(obj.template)

    def response_change(self, request, obj):
        url = template_admin_url(obj.template)
        if "_continue" in request.POST or url is None:
            return super().response_change(request, obj)
        self.message_user(request, _("Saved."), level=messages.SUCCESS)
        return HttpResponseRedirect(url)


@admin.register(BadgeRequirement)
class BadgeRequirementAdmin(TemplatePartAdmin):
    list_display = ("id", "template", "event_type", "blend", "description")
    list_select_related = ("template",)
    fields = ("template_link", "event_type", "blend", "description")
    readonly_fields = ("template_link", "event_type", "blend")
    inlines = (DataRuleInline,)


@admin.register(BadgePenalty)
class BadgePenaltyAdmin(TemplatePartAdmin):
    list_display = ("id", "template", "event_type")
    list_select_related = ("template",)
    fields = ("template_link", "event_type", "requirements")
    readonly_fields = ("template_link", "event_type")
    inlines = (PenaltyDataRuleInline,)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "requirements" and field is not None:
            object_id = (request.resolver_match.kwargs if request.resolver_match else {}).get("object_id")
            penalty = BadgePenalty.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
            limit_to_template_requirements(field, penalty.template_id if penalty else None)
        return field


# --- Progress and local badges ------------------------------------------------------------------------------


@admin.register(BadgeProgress)
class BadgeProgressAdmin(admin.ModelAdmin):
    list_display = ("id", "username", "template", "complete")
    list_select_related = ("template",)
    search_fields = ("username",)
    fields = ("username", "template_link", "complete", "ratio")
    readonly_fields = fields
    inlines = (FulfillmentInline,)

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("template"))
    def template_link(self, obj):
        return template_link(obj.template)

    @admin.display(description=_("complete"), boolean=True)
    def complete(self, obj):
        return obj.completed


@admin.register(LocalBadge)
class LocalBadgeAdmin(admin.ModelAdmin):
    list_display = ("uuid", "username", "template_name", "status", "state", "issued_at")
    list_filter = ("status", "state")
    search_fields = ("username", "uuid")
    fields = ("uuid", "username", "template_name", "status", "state", "issued_at", "expires_at", "public_page")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # issued and revoked by the pipeline; the page is for reading

    @admin.display(description=_("template"))
    def template_name(self, obj):
        return template_link(LocalBadgeTemplate.objects.filter(pk=obj.credential_id).first())

    @admin.display(description=_("public page"))
    def public_page(self, obj):
        url = reverse("badges:credential", kwargs={"badge_uuid": obj.uuid})
        return format_html('<a href="{0}">{0}</a>', url)
