"""A learner's progress toward the badges of a site, and the badges earned (spec/badges.md §12.5).

One selector serves the JSON API, the HTML page and the /records/ section. Its query count does not grow
with the number of templates, requirements or badges: progress rows, templates without progress, requirements,
fulfillments and badges are each read once.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC
from urllib.parse import urljoin

from django.contrib.contenttypes.models import ContentType

from credentials.apps.badges import conf
from credentials.apps.badges.local_credential import badge_url, icon_url
from credentials.apps.badges.models import (
    TEMPLATE_MODELS,
    BadgeProgress,
    BadgeRequirement,
    BadgeTemplate,
    Fulfillment,
)
from credentials.apps.badges.progress import group_key
from credentials.apps.credentials.models import UserCredential


@dataclass(frozen=True)
class ProgressQuery:
    username: str
    template_uuid: object = None  # uuid.UUID: only this template
    include_unstarted: bool = False  # also active templates the learner has no progress on


def _iso(value):
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def credly_badge_url(external_uuid):
    credly = conf.credly_settings()
    base = credly.get("CREDLY_SANDBOX_BASE_URL" if credly.get("USE_SANDBOX") else "CREDLY_BASE_URL") or ""
    return urljoin(base, f"badges/{external_uuid}") if base else None


def _templates(site, query):
    """{template id: template} with progress rows of the learner, and active ones when asked, on the site."""
    progress = BadgeProgress.objects.filter(username=query.username, template__site=site).select_related("template")
    templates = BadgeTemplate.objects.filter(site=site, is_active=True)
    if query.template_uuid is not None:
        progress = progress.filter(template__uuid=query.template_uuid)
        templates = templates.filter(uuid=query.template_uuid)
    rows = list(progress)
    found = {row.template_id: row.template for row in rows}
    if query.include_unstarted:
        for template in templates.exclude(pk__in=list(found)):
            found[template.pk] = template
    return found, {row.template_id: row.pk for row in rows}


def _badges(username, template_ids):
    """{template id: badge row (the origin's child)} of the learner."""
    if not template_ids:
        return {}
    content_types = ContentType.objects.get_for_models(*TEMPLATE_MODELS.values()).values()
    rows = UserCredential.objects.filter(
        username=username, credential_content_type__in=list(content_types), credential_id__in=template_ids
    ).select_related("credlybadge", "accrediblebadge", "localbadge")
    badges = {}
    for row in rows:
        for child in ("localbadge", "credlybadge", "accrediblebadge"):
            badge = getattr(row, child, None)
            if badge is not None:
                badges[row.credential_id] = badge
                break
    return badges


def _badge_body(badge, base_url):
    if badge is None:
        return None
    if hasattr(badge, "credential_json"):  # this service's own badge
        issued_at, url = badge.issued_at, badge_url(badge, base_url)
    elif hasattr(badge, "external_uuid"):
        issued_at, url = badge.created, credly_badge_url(badge.external_uuid) if badge.external_uuid else None
    else:
        issued_at, url = badge.created, None
    return {
        "uuid": str(badge.uuid),
        "status": badge.status,
        "state": badge.state,
        "issued_at": _iso(issued_at),
        "url": url,
    }


def _groups(requirements, fulfilled):
    """[{group, fulfilled, requirements}] in group order; ``fulfilled`` is {requirement id: time or None}."""
    grouped = defaultdict(list)
    for requirement in requirements:
        grouped[group_key(requirement)].append(requirement)
    groups = []
    for key in sorted(grouped):
        members = [
            {
                "id": requirement.pk,
                "description": requirement.description or "",
                "event_type": requirement.event_type,
                "fulfilled": requirement.pk in fulfilled,
                "fulfilled_at": _iso(fulfilled.get(requirement.pk)),
            }
            for requirement in grouped[key]
        ]
        groups.append({"group": key, "fulfilled": any(m["fulfilled"] for m in members), "requirements": members})
    return groups


def learner_progress(*, site, query, base_url):
    """The §12.5 body: {"username", "results": [...]}, results ordered by template name."""
    templates, progress_ids = _templates(site, query)
    requirements = defaultdict(list)
    for requirement in BadgeRequirement.objects.filter(template_id__in=list(templates)).order_by("blend", "pk"):
        requirements[requirement.template_id].append(requirement)
    fulfilled = defaultdict(dict)
    progress_templates = {progress_id: template_id for template_id, progress_id in progress_ids.items()}
    fulfillments = Fulfillment.objects.filter(progress_id__in=list(progress_templates), requirement__isnull=False)
    for progress_id, requirement_id, created in fulfillments.values_list("progress_id", "requirement_id", "created"):
        fulfilled[progress_templates[progress_id]][requirement_id] = created
    badges = _badges(query.username, list(templates))
    results = []
    for template in sorted(templates.values(), key=lambda t: (t.name.lower(), t.pk)):
        groups = _groups(requirements[template.pk], fulfilled[template.pk])
        ratio = round(sum(1 for g in groups if g["fulfilled"]) / len(groups), 2) if groups else 0.0
        results.append(
            {
                "template": {
                    "uuid": str(template.uuid),
                    "origin": template.origin,
                    "name": template.name,
                    "description": template.description or "",
                    "image_url": icon_url(template, base_url),
                },
                "is_active": template.is_active,
                "ratio": ratio,
                "completed": ratio == 1.0,
                "groups": groups,
                "badge": _badge_body(badges.get(template.pk), base_url),
            }
        )
    return {"username": query.username, "results": results}


def earned_badges(*, site, username, base_url):
    """The learner's awarded badges on the site (for /records/): [{"name", "issued_at", "url", "image_url"}]."""
    body = learner_progress(site=site, query=ProgressQuery(username=username), base_url=base_url)
    return [
        {
            "name": result["template"]["name"],
            "image_url": result["template"]["image_url"],
            "issued_at": result["badge"]["issued_at"],
            "url": result["badge"]["url"],
        }
        for result in body["results"]
        if result["badge"] and result["badge"]["status"] == UserCredential.AWARDED
    ]
