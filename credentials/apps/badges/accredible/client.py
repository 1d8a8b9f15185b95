"""Accredible's REST API for one API key (spec/badges.md §8): the calls upstream makes, byte for byte.

Paths are joined onto the API base (the sandbox one when ``BADGES_CONFIG["accredible"]["USE_SANDBOX"]``
is truthy); authentication is ``Authorization: Bearer <api key>``.
"""

from dataclasses import dataclass
from urllib.parse import urljoin

from credentials.apps.badges import conf
from credentials.apps.badges.provider_client import BadgeProviderError, ProviderClient

# Accredible's own date format for issued_on / expired_on (spec/badges.md §8.2).
DATE_FORMAT = "%Y-%m-%d %H:%M:%S %z"


class AccredibleError(BadgeProviderError):
    """Accredible answered something unusable, or the API configuration is missing."""


def accredible_api_base_url():
    """From BADGES_CONFIG["accredible"] (the sandbox one when USE_SANDBOX), defaults for keys left out."""
    config = {**conf.default_badges_config()["accredible"], **conf.accredible_settings()}
    return config["ACCREDIBLE_SANDBOX_API_BASE_URL" if config.get("USE_SANDBOX") else "ACCREDIBLE_API_BASE_URL"]


@dataclass(frozen=True)
class AccredibleGroupData:
    id: int
    course_name: str
    course_description: str
    primary_design_id: int | None
    created_at: str | None


def _group(item):
    try:
        return AccredibleGroupData(
            id=int(item["id"]),
            course_name=item.get("course_name") or item.get("name") or "",
            course_description=item.get("course_description") or "",
            primary_design_id=item.get("primary_design_id"),
            created_at=item.get("created_at"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise AccredibleError(f"Accredible answered a group without a usable id: {item!r}") from exc


class AccredibleAPIClient(ProviderClient):
    """Accredible's API with one key (an ``AccredibleAPIConfig``'s)."""

    provider = "Accredible"

    def __init__(self, api_key):
        self.api_key = api_key or ""
        super().__init__(accredible_api_base_url())

    def authorization(self):
        return f"Bearer {self.api_key}"

    def url(self, path):
        return urljoin(self.base_url, path)

    def fetch_all_groups(self):
        """``GET issuer/all_groups``: every group of the issuer behind this key."""
        body = self.get_with_retries(self.url("issuer/all_groups"))
        groups = body.get("groups") if isinstance(body, dict) else None
        if not isinstance(groups, list):
            raise AccredibleError("Accredible answered issuer/all_groups without groups")
        return [_group(item) for item in groups]

    def fetch_design_image_url(self, design_id):
        """``GET designs/<id>``: the rasterized image of a group's design, or "" when it has none."""
        body = self.get_with_retries(self.url(f"designs/{design_id}"))
        design = body.get("design") if isinstance(body, dict) else None
        return (design or {}).get("rasterized_content_url") or ""

    def issue_credential(self, *, name, email, group_id, group_name, issued_on):
        """``POST credentials``: a completed credential for the recipient; answers Accredible's id."""
        body = {
            "credential": {
                "recipient": {"name": name, "email": email},
                "group_id": group_id,
                "name": group_name,
                "issued_on": issued_on.strftime(DATE_FORMAT),
                "complete": True,
            }
        }
        answer = self.request("POST", self.url("credentials"), body)
        credential = answer.get("credential") if isinstance(answer, dict) else None
        if not isinstance(credential, dict) or credential.get("id") is None:
            raise AccredibleError("Accredible answered the issued credential without an id")
        return int(credential["id"])

    def expire_credential(self, external_id, *, expired_on):
        """``PATCH credentials/<id>`` with ``expired_on``: Accredible's way of revoking."""
        body = {"credential": {"expired_on": expired_on.strftime(DATE_FORMAT)}}
        self.request("PATCH", self.url(f"credentials/{external_id}"), body)
