"""The admin's forms for program certificate configurations and signatories (spec/pages.md §9.2)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from credentials.apps.catalog.models import Program
from credentials.apps.credentials.constants import SIGNATORY_IMAGE_MAX_BYTES
from credentials.apps.credentials.models import ProgramCertificate, Signatory

# Formats browsers show everywhere; anything else Pillow can read (BMP, TIFF, ICO...) is refused.
SIGNATORY_IMAGE_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


def _language_choices(current=None):
    languages = sorted(getattr(settings, "CERTIFICATE_LANGUAGES", {}).items(), key=lambda item: str(item[1]))
    choices = [("", "---------"), *languages]
    if current and current not in dict(languages):
        choices.append((current, current))  # a value set before the setting changed stays selectable
    return choices


class ProgramCertificateForm(forms.ModelForm):
    """The program is picked from the local catalog; its UUID follows (or, typed alone, is looked up)."""

    language = forms.ChoiceField(required=False, choices=_language_choices)

    class Meta:
        model = ProgramCertificate
        fields = (
            "site",
            "is_active",
            "signatories",
            "title",
            "program",
            "program_uuid",
            "use_org_name",
            "include_hours_of_effort",
            "language",
        )
        help_texts = {
            "program": _("The program from the catalog of the site (run copy_catalog to sync it)."),
            "program_uuid": _("Filled from the program. Or type a program UUID instead of choosing the program."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].required = False
        self.fields["program_uuid"].required = False
        self.fields["language"].choices = _language_choices(self.instance.language)

    def clean_language(self):
        return self.cleaned_data.get("language") or None

    def clean(self):
        # Upstream crashes when the program is not in the catalog or site/uuid are missing (spec §10.10).
        cleaned = super().clean()
        site, program, program_uuid = cleaned.get("site"), cleaned.get("program"), cleaned.get("program_uuid")
        if site is None:
            return cleaned
        if program is None and program_uuid is None:
            self.add_error("program", _("Choose the program this certificate is for."))
            return cleaned
        if program is None:
            program = Program.objects.filter(site=site, uuid=program_uuid).first()
            if program is None:
                self.add_error(
                    "program_uuid",
                    _("No program with this UUID is in the catalog of %(site)s. Sync the catalog first.")
                    % {"site": site},
                )
                return cleaned
            cleaned["program"] = program
        elif program.site_id != site.pk:
            self.add_error(
                "program", _("This program is in the catalog of another site, not %(site)s.") % {"site": site}
            )
            return cleaned
        elif program_uuid is not None and program_uuid != program.uuid:
            self.add_error(
                "program_uuid",
                _("This is not the UUID of %(program)s (%(uuid)s).") % {"program": program.title, "uuid": program.uuid},
            )
            return cleaned
        cleaned["program_uuid"] = program.uuid
        # Every authoring organization's logo is printed on the certificate (spec/pages.md §9.2).
        without_logo = [org.name for org in program.authoring_organizations.all() if not org.certificate_logo_image_url]
        if without_logo:
            self.add_error(
                "program",
                _("All authoring organizations of the program MUST have a certificate image defined! Missing: %(orgs)s")
                % {"orgs": ", ".join(without_logo)},
            )
        return cleaned


class SignatoryForm(forms.ModelForm):
    class Meta:
        model = Signatory
        fields = ("name", "title", "organization_name_override", "image")
        widgets = {"title": forms.Textarea(attrs={"rows": 3, "maxlength": 255})}
        help_texts = {"image": _("Image must be square PNG files. The file size should be under 250KB.")}

    def clean_image(self):
        image = self.cleaned_data.get("image")
        uploaded = getattr(image, "image", None)  # set by forms.ImageField on a new upload Pillow could read
        if uploaded is None:
            return image
        if uploaded.format not in SIGNATORY_IMAGE_FORMATS:
            raise forms.ValidationError(
                _("Upload a PNG, JPEG, GIF or WebP image (this one is %(format)s).") % {"format": uploaded.format},
                code="invalid_image_type",
            )
        if image.size > SIGNATORY_IMAGE_MAX_BYTES:
            raise forms.ValidationError(_("The image file size must be less than 250KB."), code="too_large")
        return image
