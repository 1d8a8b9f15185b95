"""Inlines of the badges admin. ``TEMPLATE_INLINES`` (requirements, penalties) serve every template page: the
local templates' here and the Credly/Accredible ones (admin/providers.py)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from credentials.apps.badges.admin.forms import (
    PenaltyForm,
    PenaltyFormSet,
    PenaltyRuleFormSet,
    RequirementForm,
    RequirementFormSet,
    rule_form,
)
from credentials.apps.badges.models import BadgePenalty, BadgeRequirement, DataRule, Fulfillment, PenaltyDataRule

NO_RULES = _("No rules specified.")
OTHER_TEMPLATE = _("All requirements must belong to the same template.")


def rules_text(obj):
    """The rules of a requirement or penalty as "<path> <op> <value>", one per line."""
    if obj is None or obj.pk is None:
        return "-"
    return "\n".join(str(rule) for rule in obj.rules.all()) or NO_RULES


def limit_to_template_requirements(field, template_id):
    """The requirements a penalty may reset: its template's only (any other is refused with the spec's
    message, not Django's generic "Select a valid choice")."""
    field.queryset = BadgeRequirement.objects.filter(template_id=template_id).order_by("blend", "pk")
    field.error_messages["invalid_choice"] = OTHER_TEMPLATE
    return field


class RequirementInline(admin.TabularInline):
    model = BadgeRequirement
    form = RequirementForm
    formset = RequirementFormSet
    fields = ("event_type", "rules", "description", "blend")
    readonly_fields = ("rules",)
    ordering = ("blend", "pk")
    extra = 1
    show_change_link = True  # the requirement's page edits its rules

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("rules")

    @admin.display(description=_("rules"))
    def rules(self, obj):
        return rules_text(obj)


class PenaltyInline(admin.TabularInline):
    model = BadgePenalty
    form = PenaltyForm
    formset = PenaltyFormSet
    fields = ("event_type", "rules", "requirements")
    readonly_fields = ("rules",)
    extra = 0
    show_change_link = True  # the penalty's page edits its rules

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("rules")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "requirements" and field is not None:
            object_id = (request.resolver_match.kwargs if request.resolver_match else {}).get("object_id")
            limit_to_template_requirements(field, int(object_id) if str(object_id).isdigit() else None)
        return field

    @admin.display(description=_("rules"))
    def rules(self, obj):
        return rules_text(obj)


class DataRuleInline(admin.TabularInline):
    model = DataRule
    fields = ("data_path", "operator", "value")
    extra = 1

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = rule_form(obj.event_type if obj is not None else "")
        return super().get_formset(request, obj, **kwargs)


class PenaltyDataRuleInline(DataRuleInline):
    model = PenaltyDataRule
    formset = PenaltyRuleFormSet


class FulfillmentInline(admin.TabularInline):
    model = Fulfillment
    fields = ("requirement", "blend", "created")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


TEMPLATE_INLINES = (RequirementInline, PenaltyInline)
