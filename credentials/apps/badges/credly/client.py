"""Credly's REST API for one organization (spec/badges.md §6): the calls upstream makes, byte for byte.

Every path is joined onto ``<API base>/organizations/<org uuid>/``; the API base is the sandbox one when
``BADGES_CONFIG["credly"]["USE_SANDBOX"]`` is truthy. Authentication is HTTP Basic with the API key alone
(no ``user:`` part), as Credly documents it. Answers come back as the small dataclasses below.
"""

import base64
import logging
import time
from dataclasses import dataclass
from urllib.parse import urljoin

from credentials.apps.badges import conf
from credentials.apps.badges.provider_client import BadgeProviderError, ProviderClient, ProviderUnreachable

log = logging.getLogger(__name__)

REVOKE_REASON = "Open edX internal user credential was revoked"
PAGE_DELAY = 0.2  # seconds between template pages, as upstream (Credly rate-limits bursts)


class CredlyError(BadgeProviderError):
    """Credly answered something unusable, or could not be reached after the retries."""


def _url(sandbox_key, key):
    """A URL from BADGES_CONFIG["credly"], the sandbox one when USE_SANDBOX; a YAML that left the key out gets
    the default (a missing key would otherwise fail every call)."""
    config = {**conf.default_badges_config()["credly"], **conf.credly_settings()}
    return config[sandbox_key if config.get("USE_SANDBOX") else key]


def credly_api_base_url():
    return _url("CREDLY_SANDBOX_API_BASE_URL", "CREDLY_API_BASE_URL")


def credly_base_url():
    """The dashboard root, for links to Credly's pages (e.g. a learner's badge)."""
    return _url("CREDLY_SANDBOX_BASE_URL", "CREDLY_BASE_URL")


@dataclass(frozen=True)
class CredlyTemplate:
    id: str
    name: str
    state: str
    description: str
    image_url: str
    owner_id: str | None = None


@dataclass(frozen=True)
class CredlyBadgeState:
    """What Credly says about one badge after an issue or a revoke."""

    id: str | None
    state: str


def _template(item):
    try:
        return CredlyTemplate(
            id=item["id"],
            name=item["name"],
            state=item["state"],
            description=item.get("description") or "",
            image_url=item.get("image_url") or "",
            owner_id=(item.get("owner") or {}).get("id"),
        )
    except (KeyError, TypeError) as exc:
        raise CredlyError(f"Credly answered a badge template without {exc}") from exc


def _data(body, what):
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict | list):
        raise CredlyError(f"Credly answered {what} without data")
    return data


class CredlyAPIClient(ProviderClient):
    """Credly's API as one organization, authenticated with ``api_key``."""

    provider = "Credly"

    def __init__(self, organization_id, api_key):
        self.organization_id = str(organization_id)
        self.api_key = api_key or ""
        super().__init__(urljoin(credly_api_base_url(), f"organizations/{self.organization_id}/"))

    def authorization(self):
        return f"Basic {base64.b64encode(self.api_key.encode()).decode()}"

    def url(self, path):
        return urljoin(self.base_url, path)

    def fetch_organization_name(self):
        """``GET organizations/<org>/``: checks the uuid and key, and gives the organization's name."""
        data = _data(self.request("GET", self.base_url), "the organization")
        return data.get("name") if isinstance(data, dict) else None

    def fetch_badge_templates(self):
        """Every active template, following ``metadata.next_page_url`` page by page."""
        body = self.get_with_retries(self.url("badge_templates/?filter=state::active"))
        templates = [_template(item) for item in _data(body, "badge templates")]
        metadata = body.get("metadata") or {}
        total_pages = metadata.get("total_pages") or 1
        next_url = metadata.get("next_page_url")
        page = 1
        while next_url and page < total_pages:
            time.sleep(PAGE_DELAY)
            body = self.get_with_retries(next_url)
            templates.extend(_template(item) for item in _data(body, "badge templates"))
            next_url = (body.get("metadata") or {}).get("next_page_url")
            page += 1
        return templates

    def get_with_retries(self, url):
        try:
            return super().get_with_retries(url)
        except ProviderUnreachable as exc:
            raise CredlyError(f"Credly did not answer GET {url} after {len(self.retry_delays) + 1} tries") from exc

    def fetch_event(self, event_id):
        """``GET organizations/<org>/events/<id>/``: the event's type and its badge template."""
        data = _data(self.request("GET", self.url(f"events/{event_id}/")), "the event")
        template = data.get("badge_template") if isinstance(data, dict) else None
        if not isinstance(template, dict):
            raise CredlyError(f"Credly answered event {event_id} without a badge template")
        return data.get("event_type"), _template(template)

    def issue_badge(self, *, recipient_email, first_name, last_name, template_id, issued_at):
        """``POST organizations/<org>/badges/``; ``issued_at`` formatted as upstream (``%Y-%m-%d %H:%M:%S %z``)."""
        body = {
            "recipient_email": recipient_email,
            "issued_to_first_name": first_name,
            "issued_to_last_name": last_name,
            "badge_template_id": str(template_id),
            "issued_at": issued_at.strftime("%Y-%m-%d %H:%M:%S %z"),
        }
        data = _data(self.request("POST", self.url("badges/"), body), "the issued badge")
        if not isinstance(data, dict) or not data.get("id") or not data.get("state"):
            raise CredlyError("Credly answered the issued badge without id and state")
        return CredlyBadgeState(id=data["id"], state=data["state"])

    def revoke_badge(self, external_uuid):
        """``PUT organizations/<org>/badges/<id>/revoke/`` with upstream's reason."""
        data = _data(
            self.request("PUT", self.url(f"badges/{external_uuid}/revoke/"), {"reason": REVOKE_REASON}),
            "the revoked badge",
        )
        if not isinstance(data, dict) or not data.get("state"):
            raise CredlyError("Credly answered the revoked badge without a state")
        return CredlyBadgeState(id=data.get("id"), state=data["state"])
