"""Forms of the templates admin (spec/badges.md §9, §12.2 #2, §12.3-12.4): what may be saved is decided in
rule_checks.py and the template rules below; these forms only show the errors next to the right field."""

import string

from django import forms
from django.utils.translation import gettext_lazy as _

from credentials.apps.badges import rule_checks
from credentials.apps.badges.models import BadgePenalty, BadgeRequirement, LocalBadgeTemplate, Operator

BLEND_CHOICES = [(letter, letter) for letter in string.ascii_uppercase]
NEEDS_REQUIREMENT = _("Active badge template must have at least one requirement.")
RULELESS_PENALTY = _(
    "A penalty without rules never fires: add its rules on the penalty's page, with the template inactive, "
    "before activating the template."
)


class LocalBadgeTemplateForm(forms.ModelForm):
    """An active local template must say how it is earned and have an uploaded image (both go in every badge)."""

    criteria_url = forms.URLField(required=False, max_length=255, assume_scheme="https")

    class Meta:
        model = LocalBadgeTemplate
        fields = [
            "site",
            "is_active",
            "name",
            "description",
            "icon",
            "criteria_narrative",
            "criteria_url",
            "tags",
            "valid_days",
        ]
        widgets = {"tags": forms.TextInput(attrs={"size": 60})}
        help_texts = {"tags": _('A JSON list of words, e.g. ["data", "python"].')}

    def clean_tags(self):
        tags = self.cleaned_data.get("tags") or []
        if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
            raise forms.ValidationError(_('Tags must be a JSON list of words, e.g. ["data", "python"].'))
        return [tag.strip() for tag in tags if tag.strip()]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_active"):
            if not (cleaned.get("criteria_narrative") or "").strip():
                self.add_error("criteria_narrative", _("An active badge template needs its criteria."))
            icon = cleaned.get("icon")
            if not icon or str(icon).startswith(("http://", "https://")):
                self.add_error("icon", _("An active badge template needs an uploaded image."))
        return cleaned


class RequirementForm(forms.ModelForm):
    blend = forms.ChoiceField(choices=BLEND_CHOICES, label=_("group"))

    class Meta:
        model = BadgeRequirement
        fields = ["event_type", "description", "blend"]


class RequirementFormSet(forms.BaseInlineFormSet):
    """New rows get the next free group letter; an active template keeps at least one requirement."""

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        position = None if index is None else index - self.initial_form_count()
        if position is not None and position >= 0:
            if not hasattr(self, "_existing"):
                self._existing = self.instance.requirements.count() if self.instance.pk else 0
            letters = string.ascii_uppercase
            kwargs["initial"] = {"blend": letters[min(len(letters) - 1, self._existing + position)]}
        return kwargs

    def clean(self):
        super().clean()
        kept = [form for form in self.forms if form.has_changed() or form.instance.pk]
        kept = [form for form in kept if not self._should_delete_form(form)]
        # Provider templates are checked (with a message) by their own admin when saved.
        if isinstance(self.instance, LocalBadgeTemplate) and self.instance.is_active and not kept:
            raise forms.ValidationError(NEEDS_REQUIREMENT)


class PenaltyForm(forms.ModelForm):
    class Meta:
        model = BadgePenalty
        fields = ["event_type", "requirements"]

    def clean_requirements(self):
        chosen = self.cleaned_data.get("requirements")
        template_id = self.instance.template_id
        if chosen and any(requirement.template_id != template_id for requirement in chosen):
            raise forms.ValidationError(_("All requirements must belong to the same template."))
        return chosen


class PenaltyFormSet(forms.BaseInlineFormSet):
    """An active template has no penalty without rules (it could never fire, §12.2 #2)."""

    def clean(self):
        super().clean()
        if not self.instance.is_active:
            return
        for form in self.forms:
            if self._should_delete_form(form) or not (form.has_changed() or form.instance.pk):
                continue
            if form.instance.pk is None or not form.instance.rules.exists():
                raise forms.ValidationError(RULELESS_PENALTY)


def rule_form(event_type):
    """A DataRule/PenaltyDataRule form for rules on ``event_type``: ``data_path`` offers the event's key paths,
    and the rule is refused when the event has no such path or the value cannot work with the operator."""

    class RuleForm(forms.ModelForm):
        data_path = forms.CharField(label=_("key path"), widget=forms.Select())
        operator = forms.ChoiceField(choices=Operator.CHOICES, initial=Operator.EQ)
        value = forms.CharField(label=_("expected value"), required=False, max_length=255)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            paths = rule_checks.key_path_choices(event_type)
            current = self.initial.get("data_path")
            if current and current not in paths:
                paths = [current, *paths]  # an older rule on a path no longer offered stays visible
            self.fields["data_path"].widget.choices = [("", "---------")] + [(path, path) for path in paths]

        def clean(self):
            cleaned = super().clean()
            data_path, operator = cleaned.get("data_path"), cleaned.get("operator")
            if not data_path or not operator:
                return cleaned
            if operator in Operator.VALUELESS:
                cleaned["value"] = ""  # exists/not exists ignore the value: stored empty
            error = rule_checks.rule_error(event_type, data_path, operator, cleaned.get("value") or "")
            if error:
                field = "data_path" if error.startswith("The event ") else "value"
                self.add_error(field, error)
            return cleaned

    return RuleForm


class PenaltyRuleFormSet(forms.BaseInlineFormSet):
    """The rules of a penalty of an active template cannot all be deleted (§12.2 #2)."""

    def clean(self):
        super().clean()
        template = self.instance.template
        kept = [form for form in self.forms if (form.has_changed() or form.instance.pk)]
        kept = [form for form in kept if not self._should_delete_form(form)]
        if template.is_active and not kept:
            raise forms.ValidationError(
                _("The template is active: its penalties need rules. Deactivate the template first.")
            )
