"""A fake Credly API (spec/badges.md §6-§7) on real HTTP: organizations, paged badge templates, events,
issuing and revoking badges. It answers what Credly answers and refuses what Credly would refuse."""

import base64
import re
import uuid

from tests.badges.fakes.server import FakeProviderServer, Refused, require_json_headers, require_keys

ISSUED_AT = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}$")
REVOKE_REASON = "Open edX internal user credential was revoked"
ISSUE_KEYS = ("recipient_email", "issued_to_first_name", "issued_to_last_name", "badge_template_id", "issued_at")


def basic(api_key):
    return f"Basic {base64.b64encode(api_key.encode()).decode()}"


class FakeCredly(FakeProviderServer):
    """Credly under ``<url><root>`` (root ``/v1/`` or ``/sandbox/v1/``, the one the settings point at)."""

    def __init__(self, root="/v1/", page_size=2):
        super().__init__()
        self.root = root
        self.page_size = page_size
        self.organizations = {}  # uuid → {"api_key", "name"}
        self.templates = {}  # org uuid → [template json]
        self.events = {}  # event id → event json (the "data" of GET events/<id>/)
        self.badges = {}  # badge id → {"organization", "request", "state"}

    @property
    def api_base_url(self):
        return f"{self.url}{self.root}"

    def add_organization(self, name="Fake Org", api_key=None, org_id=None):
        org_id = str(org_id or uuid.uuid4())
        self.organizations[org_id] = {"api_key": api_key or f"key-{org_id[:8]}", "name": name}
        self.templates.setdefault(org_id, [])
        return org_id

    def add_template(self, org_id, name="Template", state="active", description="", template_id=None):
        template = {
            "id": str(template_id or uuid.uuid4()),
            "name": name,
            "state": state,
            "description": description or f"About {name}",
            "image_url": f"https://images.credly.example/{name.replace(' ', '_')}.png",
            "owner": {"id": org_id, "type": "Organization"},
        }
        self.templates[org_id].append(template)
        return template

    def add_event(self, org_id, event_type, template):
        event_id = str(uuid.uuid4())
        self.events[event_id] = {
            "id": event_id,
            "organization_id": org_id,
            "event_type": event_type,
            "occurred_at": "2024-06-11T17:18:00Z",
            "badge_template": template,
        }
        return event_id

    def issued(self, state=None):
        """Every badge issued (the request bodies), optionally only those in ``state``."""
        return [badge["request"] for badge in self.badges.values() if state in (None, badge["state"])]

    def route(self, method, path, query, headers, body):
        if not path.startswith(self.root):
            raise Refused(404, f"no API under {path}")
        match = re.fullmatch(r"organizations/([0-9a-f-]{36})/(.*)", path[len(self.root) :])
        if not match or match.group(1) not in self.organizations:
            raise Refused(404, f"unknown organization in {path}")
        org_id, rest = match.groups()
        require_json_headers(headers, basic(self.organizations[org_id]["api_key"]))
        if rest == "" and method == "GET":
            return 200, {"data": {"id": org_id, "name": self.organizations[org_id]["name"]}}
        if rest == "badge_templates/" and method == "GET":
            return self._templates_page(org_id, query)
        if (event := re.fullmatch(r"events/([^/]+)/", rest)) and method == "GET":
            if event.group(1) not in self.events:
                raise Refused(404, "unknown event")
            return 200, {"data": self.events[event.group(1)]}
        if rest == "badges/" and method == "POST":
            return self._issue(org_id, body)
        if (revoke := re.fullmatch(r"badges/([^/]+)/revoke/", rest)) and method == "PUT":
            return self._revoke(org_id, revoke.group(1), body)
        raise Refused(404, f"no route {method} {path}")

    def _templates_page(self, org_id, query):
        match = re.fullmatch(r"filter=state::active(?:&page=(\d+))?", query)
        if not match:
            raise Refused(400, f"unexpected query {query!r}")
        page = int(match.group(1) or 1)
        active = [t for t in self.templates[org_id] if t["state"] == "active"]
        total_pages = max(1, -(-len(active) // self.page_size))
        chunk = active[(page - 1) * self.page_size : page * self.page_size]
        next_url = None
        if page < total_pages:
            next_url = (
                f"{self.api_base_url}organizations/{org_id}/badge_templates/?filter=state::active&page={page + 1}"
            )
        metadata = {"current_page": page, "total_pages": total_pages, "total_count": len(active)}
        return 200, {"data": chunk, "metadata": {**metadata, "next_page_url": next_url}}

    def _issue(self, org_id, body):
        require_keys(body, ISSUE_KEYS, "the badge")
        if not all(isinstance(body[key], str) and body[key] for key in ISSUE_KEYS):
            raise Refused(422, f"every field must be a non-empty string: {body!r}")
        if not ISSUED_AT.match(body["issued_at"]):
            raise Refused(422, f"issued_at {body['issued_at']!r} is not 'YYYY-MM-DD HH:MM:SS +ZZZZ'")
        if body["badge_template_id"] not in {t["id"] for t in self.templates[org_id] if t["state"] == "active"}:
            raise Refused(422, f"no active template {body['badge_template_id']} in this organization")
        badge_id = str(uuid.uuid4())
        self.badges[badge_id] = {"organization": org_id, "request": body, "state": "pending"}
        return 201, {"data": {"id": badge_id, "state": "pending", "recipient_email": body["recipient_email"]}}

    def _revoke(self, org_id, badge_id, body):
        if body != {"reason": REVOKE_REASON}:
            raise Refused(422, f"revoke body must be the reason alone, got {body!r}")
        badge = self.badges.get(badge_id)
        if not badge or badge["organization"] != org_id:
            raise Refused(404, "unknown badge")
        badge["state"] = "revoked"
        return 200, {"data": {"id": badge_id, "state": "revoked"}}
