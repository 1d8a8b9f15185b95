"""A fake Accredible API (spec/badges.md §8) on real HTTP: groups, designs, issuing and expiring credentials.
It answers what Accredible answers and refuses what Accredible would refuse."""

import re

from tests.badges.fakes.server import FakeProviderServer, Refused, require_json_headers, require_keys

ISSUED_ON = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}$")
EXPIRED_ON = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000$")  # aware UTC (spec/badges.md §12.2 #8)


class FakeAccredible(FakeProviderServer):
    """Accredible under ``<url><root>``; each API key is one issuer with its own groups and designs."""

    def __init__(self, root="/v1/"):
        super().__init__()
        self.root = root
        self.issuers = {}  # api key → {"groups": [group json]}
        self.designs = {}  # design id → image url
        self.credentials = {}  # id → {"api_key", "request", "expired_on"}
        self._next_id = 9000

    @property
    def api_base_url(self):
        return f"{self.url}{self.root}"

    def add_issuer(self, api_key):
        self.issuers[api_key] = {"groups": []}
        return api_key

    def add_group(self, api_key, group_id, name="Group", description="", design_id=None):
        group = {
            "id": group_id,
            "name": name.lower().replace(" ", "-"),
            "course_name": name,
            "course_description": description or f"About {name}",
            "primary_design_id": design_id,
            "created_at": "2024-01-02T03:04:05.000Z",
        }
        if design_id is not None:
            self.designs[design_id] = f"https://images.accredible.example/design-{design_id}.png"
        self.issuers[api_key]["groups"].append(group)
        return group

    def issued(self, expired=None):
        return [c["request"] for c in self.credentials.values() if expired is None or bool(c["expired_on"]) == expired]

    def route(self, method, path, query, headers, body):
        if not path.startswith(self.root):
            raise Refused(404, f"no API under {path}")
        api_key = (headers.get("Authorization") or "").removeprefix("Bearer ")
        if api_key not in self.issuers:
            raise Refused(401, f"bad Authorization {headers.get('Authorization')!r}")
        require_json_headers(headers, f"Bearer {api_key}")
        rest = path[len(self.root) :]
        if query:
            raise Refused(400, f"unexpected query {query!r}")
        if rest == "issuer/all_groups" and method == "GET":
            return 200, {"groups": self.issuers[api_key]["groups"], "meta": {"total_count": 1}}
        if (design := re.fullmatch(r"designs/(\d+)", rest)) and method == "GET":
            if int(design.group(1)) not in self.designs:
                raise Refused(404, "unknown design")
            return 200, {
                "design": {"id": int(design.group(1)), "rasterized_content_url": self.designs[int(design.group(1))]}
            }
        if rest == "credentials" and method == "POST":
            return self._issue(api_key, body)
        if (credential := re.fullmatch(r"credentials/(\d+)", rest)) and method == "PATCH":
            return self._expire(api_key, int(credential.group(1)), body)
        raise Refused(404, f"no route {method} {path}")

    def _issue(self, api_key, body):
        require_keys(body, ("credential",), "the request")
        credential = body["credential"]
        require_keys(credential, ("recipient", "group_id", "name", "issued_on", "complete"), "the credential")
        require_keys(credential["recipient"], ("name", "email"), "the recipient")
        if not all(credential["recipient"].values()):
            raise Refused(422, "recipient name and email are required")
        if credential["group_id"] not in {g["id"] for g in self.issuers[api_key]["groups"]}:
            raise Refused(422, f"no group {credential['group_id']!r} for this issuer")
        if not ISSUED_ON.match(str(credential["issued_on"])) or credential["complete"] is not True:
            raise Refused(422, f"bad issued_on or complete: {credential!r}")
        self._next_id += 1
        self.credentials[self._next_id] = {"api_key": api_key, "request": body, "expired_on": None}
        return 200, {"credential": {"id": self._next_id, "group_id": credential["group_id"], "complete": True}}

    def _expire(self, api_key, credential_id, body):
        require_keys(body, ("credential",), "the request")
        require_keys(body["credential"], ("expired_on",), "the credential")
        if not EXPIRED_ON.match(str(body["credential"]["expired_on"])):
            raise Refused(422, f"expired_on {body['credential']['expired_on']!r} is not aware UTC")
        stored = self.credentials.get(credential_id)
        if not stored or stored["api_key"] != api_key:
            raise Refused(404, "unknown credential")
        stored["expired_on"] = body["credential"]["expired_on"]
        return 200, {"credential": {"id": credential_id, "expired_on": stored["expired_on"]}}
