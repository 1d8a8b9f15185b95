"""What a template's admin page shows about its learners, for every origin: who has started it (progress)
and who holds its badge (awards). Small fixed queries whatever the number of learners (the newest rows only;
the full lists are one click away)."""

from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from credentials.apps.badges import api as badges_api
from credentials.apps.badges.models import BadgeProgress, Fulfillment

RECENT = 20  # rows shown on a template's page


def progress_summary(template):
    """The learners who started ``template``: how many, and the newest with their progress."""
    if template.pk is None:
        return "-"
    records = BadgeProgress.objects.filter(template=template)
    requirements = list(template.requirements.all())
    recent = list(records.order_by("-pk")[:RECENT])
    fulfilled = {}
    for progress_id, requirement_id in Fulfillment.objects.filter(
        progress__in=recent, requirement__isnull=False
    ).values_list("progress_id", "requirement_id"):
        fulfilled.setdefault(progress_id, set()).add(requirement_id)
    rows = format_html_join(
        "",
        '<tr><td><a href="{}">{}</a></td><td>{}%</td></tr>',
        (
            (
                reverse("admin:badges_badgeprogress_change", args=[record.pk]),
                record.username,
                round(badges_api.ratio_of(requirements, fulfilled.get(record.pk, set())) * 100),
            )
            for record in recent
        ),
    )
    listing = reverse("admin:badges_badgeprogress_changelist") + f"?template_id={template.pk}"
    return format_html(
        '<p>{} learners started. <a href="{}">All progress on this template</a></p>'
        "<table><tr><th>{}</th><th>{}</th></tr>{}</table>",
        records.count(),
        listing,
        _("learner"),
        _("progress"),
        rows,
    )


def provider_awards_summary(template, badge_model, external_field):
    """The badges of a Credly or Accredible template: counts by status and provider state, the newest ones."""
    if template.pk is None:
        return "-"
    badges = badge_model.objects.filter(credential_id=template.pk)
    counts = dict(badges.values_list("status").annotate(count=Count("pk")).order_by())
    errors = badges.filter(state="error").count()
    model_name = badge_model._meta.model_name
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (badge.username, badge.status, badge.state, getattr(badge, external_field) or "-")
            for badge in badges.order_by("-modified")[:RECENT]
        ),
    )
    listing = reverse(f"admin:badges_{model_name}_changelist") + f"?credential_id={template.pk}"
    return format_html(
        '<p>{} awarded, {} revoked, {} waiting for a retry at the provider (state error). <a href="{}">All badges '
        "of this template</a></p><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
        counts.get("awarded", 0),
        counts.get("revoked", 0),
        errors,
        listing,
        _("learner"),
        _("status"),
        _("state"),
        _("provider id"),
        rows,
    )
