"""When a learner may see a credential, and the date it shows (spec/models.md §4.6)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from credentials.apps.credentials.models import CourseCertificate, ProgramCertificate, UserCredential


def program_content_type():
    return ContentType.objects.get_for_model(ProgramCertificate)


def course_content_type():
    return ContentType.objects.get_for_model(CourseCertificate)


def content_type_ids():
    """The content type ids the visibility SQL embeds (for core_api.CompiledQuery's key)."""
    return program_content_type().pk, course_content_type().pk


def program_visible_date_subquery():
    """SQL for spec/models.md §4.6: the latest issue date of the learner's course credentials (any status)
    in the runs of the program of the outer row's ProgramCertificate; NULL when there is none."""
    supporting = (
        UserCredential.objects.filter(
            credential_content_type=course_content_type(),
            username=OuterRef("username"),
            course_credentials__course_run__programs__programcertificate__id=OuterRef("credential_id"),
        )
        .annotate(issued=Coalesce("course_credentials__certificate_available_date", "created"))
        .order_by()
        .values("username")
        .annotate(latest=Max("issued"))
        .values("latest")
    )
    return Subquery(supporting[:1])


def with_visible_dates(queryset):
    """Annotate ``program_visible_date`` (program credentials) and ``course_available_date`` (course ones)."""
    course = CourseCertificate.objects.filter(pk=OuterRef("credential_id"))
    return queryset.annotate(
        program_visible_date=program_visible_date_subquery(),
        course_available_date=Subquery(course.values("certificate_available_date")[:1]),
    )


def filter_visible(queryset, now=None):
    """Keep credentials a learner may see now (spec/models.md §4.6). Does not look at the status."""
    now = now or timezone.now()
    queryset = with_visible_dates(queryset)
    return queryset.filter(
        Q(credential_content_type=course_content_type())
        & (Q(course_available_date__isnull=True) | Q(course_available_date__lte=now))
        | Q(credential_content_type=program_content_type(), program_visible_date__lte=now)
    )


def course_available_now(available_date, now):
    """The course-credential half of filter_visible(), for dates already read: no available date, or a past one."""
    return available_date is None or available_date <= now


def course_visible_date(credential, configuration, *, with_override=False):
    """The certificate's available date, else the award date; the override first when asked (records)."""
    if with_override:
        override = credential.get_date_override()
        if override is not None:
            return override.date
    return configuration.certificate_available_date or credential.created


def program_visible_date(credential):
    """The issue date of a program credential (the latest of its supporting course credentials), or None."""
    if hasattr(credential, "program_visible_date"):
        return credential.program_visible_date
    row = with_visible_dates(UserCredential.objects.filter(pk=credential.pk)).values("program_visible_date").first()
    return row["program_visible_date"] if row else None
