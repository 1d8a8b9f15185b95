"""The Open Badges 3.0 credential of a badge this service issues itself (spec/badges.md §12.4), before signing.

Pure functions of a LocalBadgeTemplate, the learner and the award time. The envelope (contexts, types, issuer
Profile, recipient identifiers, schema, status entry) is the verifiable app's, the same as certificates'
(spec/verifiable.md §9); only the Achievement is the badge's own.
"""

from datetime import timedelta
from urllib.parse import urljoin

from django.urls import reverse

from credentials.apps.verifiable import api as verifiable_api

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def achievement_url(template, base_url):
    """The Achievement's id: its public JSON at /badges/achievements/<template uuid>/."""
    return base_url + reverse("badges:achievement", kwargs={"template_uuid": template.uuid})


def badge_url(badge, base_url=""):
    """The badge's public page (and, by content negotiation, its signed credential)."""
    return base_url + reverse("badges:credential", kwargs={"badge_uuid": badge.uuid})


def icon_url(template, base_url):
    """The template's image as an absolute URL: an uploaded icon under the site's media URL, or the provider's
    absolute URL that synced templates keep in ``icon``; "" without one."""
    name = str(template.icon or "")
    if not name:
        return ""
    if name.startswith(("http://", "https://")):
        return name
    return urljoin(base_url + "/", template.icon.url)


def achievement_description(template):
    """OB requires a description; a template without one is described by its criteria."""
    return (template.description or "").strip() or template.criteria_narrative.strip() or template.name


def achievement(template, base_url):
    """The Achievement of a template, as served at its id and embedded in every credential."""
    criteria = {}
    if template.criteria_narrative:
        criteria["narrative"] = template.criteria_narrative
    if template.criteria_url:
        criteria["id"] = template.criteria_url
    result = {
        "id": achievement_url(template, base_url),
        "type": ["Achievement"],
        "name": template.name,
        "description": achievement_description(template),
        "criteria": criteria or {"narrative": template.name},
    }
    image = icon_url(template, base_url)
    if image:
        result["image"] = {"id": image, "type": "Image"}
    tags = [str(tag) for tag in (template.tags or []) if str(tag).strip()]
    if tags:
        result["tag"] = tags
    return result


def achievement_document(template, base_url):
    """The public Achievement JSON (with the contexts that define its terms)."""
    return {"@context": [VC_CONTEXT, OB_CONTEXT], **achievement(template, base_url)}


def valid_until(template, awarded_at):
    return awarded_at + timedelta(days=template.valid_days) if template.valid_days else None


def open_badge_credential(
    *, badge, template, learner_name, learner_email, awarded_at, base_url, subject_id=None, credential_id=None
):
    """A function ``compose(issuer_profile, credential_status)`` for verifiable's ``sign_credential``.
    ``subject_id`` is a wallet holder's DID, ``credential_id`` the id of a copy issued to a wallet."""

    def compose(issuer_profile, credential_status):
        subject = {"type": ["AchievementSubject"]}
        if subject_id:
            subject["id"] = subject_id
        identifiers = verifiable_api.identity_objects(name=learner_name, email=learner_email, salt_source=badge.uuid)
        if identifiers:
            subject["identifier"] = identifiers
        subject["achievement"] = achievement(template, base_url)
        until = valid_until(template, awarded_at)
        issued = verifiable_api.xsd_datetime(awarded_at)
        return verifiable_api.open_badge_envelope(
            credential_id=credential_id or f"urn:uuid:{badge.uuid}",
            name=template.name,
            issuer=issuer_profile,
            valid_from=issued,
            valid_until=verifiable_api.xsd_datetime(until) if until else None,
            awarded_date=issued,
            subject=subject,
            credential_status=credential_status,
        )

    return compose
