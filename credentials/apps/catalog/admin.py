"""Admin for the catalog: read-only mirrors of course-discovery data (spec/pages.md §9.3).

``copy_catalog`` keeps these rows; the admin shows them. Once a row exists its synced fields are read-only
(an edit would be overwritten by the next sync). Adding is allowed, for installations without
course-discovery, where an admin enters the few organizations and programs by hand.
"""

import uuid

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from credentials.apps.catalog.models import (
    Course,
    CourseOwner,
    CourseRun,
    Organization,
    Pathway,
    PathwayProgram,
    Program,
    ProgramAuthoringOrganization,
    ProgramCourseRun,
)


def image_preview(url, *, alt, height=40):
    """An <img> for an http(s) or site-relative URL, else the URL as text (it comes from discovery)."""
    if not url:
        return "-"
    if not url.startswith(("https://", "http://", "/")) or url.startswith("//"):
        return url
    return format_html('<img src="{}" alt="{}" style="max-height:{}px;max-width:12rem">', url, alt, height)


class UuidSearchMixin:
    """Searching by a UUID works with or without hyphens (spec/pages.md §9.2) and never crashes."""

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        try:
            term_uuid = uuid.UUID(search_term.strip())
        except ValueError:
            return results, may_have_duplicates
        return results | queryset.filter(uuid=term_uuid), may_have_duplicates


class MirroredModelAdmin(UuidSearchMixin, admin.ModelAdmin):
    synced_fields = ()

    def get_readonly_fields(self, request, obj=None):
        return self.synced_fields if obj is not None else ()


class OrderedLinkInline(admin.TabularInline):
    """An ordered catalog link (sort_value): editable while adding, read-only once synced."""

    extra = 0
    fields = ("target", "sort_value")

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is None else 0

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return obj is None and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return obj is None and super().has_delete_permission(request, obj)


class CourseOwnerInline(OrderedLinkInline):
    model = CourseOwner
    fields = ("organization", "sort_value")
    autocomplete_fields = ("organization",)
    verbose_name = _("owner")
    verbose_name_plural = _("owners")


class ProgramAuthoringOrganizationInline(OrderedLinkInline):
    model = ProgramAuthoringOrganization
    fields = ("organization", "sort_value")
    autocomplete_fields = ("organization",)
    verbose_name = _("authoring organization")
    verbose_name_plural = _("authoring organizations")


class ProgramCourseRunInline(OrderedLinkInline):
    model = ProgramCourseRun
    fields = ("course_run", "sort_value")
    autocomplete_fields = ("course_run",)
    verbose_name = _("course run")
    verbose_name_plural = _("course runs")


class PathwayProgramInline(OrderedLinkInline):
    model = PathwayProgram
    fields = ("program", "sort_value")
    autocomplete_fields = ("program",)
    verbose_name = _("program")
    verbose_name_plural = _("programs")


@admin.register(Organization)
class OrganizationAdmin(MirroredModelAdmin):
    list_display = ("name", "key", "uuid", "logo")
    list_filter = ("site",)
    search_fields = ("name", "key")
    fields = ("site", "uuid", "key", "name", "certificate_logo_image_url", "logo")
    synced_fields = ("name", "key", "uuid", "site", "certificate_logo_image_url", "logo")

    def get_readonly_fields(self, request, obj=None):
        return self.synced_fields if obj is not None else ("logo",)

    @admin.display(description=_("Certificate logo"))
    def logo(self, obj):
        return image_preview(obj.certificate_logo_image_url, alt=obj.name)


@admin.register(Course)
class CourseAdmin(MirroredModelAdmin):
    list_display = ("id", "key", "uuid", "title")
    list_filter = ("site",)
    search_fields = ("key", "title")
    fields = ("site", "uuid", "key", "title")
    synced_fields = ("key", "uuid", "title", "site")
    inlines = [CourseOwnerInline]


@admin.register(CourseRun)
class CourseRunAdmin(MirroredModelAdmin):
    list_display = ("id", "key", "uuid", "title_override", "start_date", "end_date")
    list_select_related = ("course",)
    search_fields = ("key", "title_override", "course__title")
    fields = ("course", "uuid", "key", "title_override", "start_date", "end_date")
    synced_fields = ("key", "uuid", "title_override", "start_date", "end_date", "course")
    autocomplete_fields = ("course",)


@admin.register(Program)
class ProgramAdmin(MirroredModelAdmin):
    list_display = ("title", "uuid", "type", "status", "site")
    list_filter = ("site", "status")
    list_select_related = ("site",)
    search_fields = ("title",)
    fields = ("site", "uuid", "title", "type", "type_slug", "total_hours_of_effort", "status")
    synced_fields = ("title", "uuid", "type", "site", "type_slug", "total_hours_of_effort", "status")
    inlines = [ProgramAuthoringOrganizationInline, ProgramCourseRunInline]


@admin.register(Pathway)
class PathwayAdmin(MirroredModelAdmin):
    list_display = ("name", "org_name", "pathway_type", "status", "email", "uuid")
    list_filter = ("site", "status")
    search_fields = ("name",)
    fields = ("site", "uuid", "name", "org_name", "pathway_type", "email", "status")
    synced_fields = ("name", "org_name", "pathway_type", "email", "uuid", "site", "status")
    inlines = [PathwayProgramInline]
