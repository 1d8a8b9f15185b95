"""A fake course-discovery for tests: the four catalog resources with DRF page-number paging, on `responses`."""

import json
import re
import uuid
from urllib.parse import parse_qs, urlsplit

import responses

TOKEN_URL = "https://test-provider/oauth2/access_token"
TOKEN = "test-service-token"
DEFAULT_PAGE_SIZE = 20


def add_token_endpoint(rsps, token=TOKEN, expires_in=3600):
    rsps.add(responses.POST, TOKEN_URL, json={"access_token": token, "expires_in": expires_in, "token_type": "JWT"})


class FakeDiscovery:
    """Discovery's catalog API under ``api_url``, serving whatever is in ``data``.

    ``fail[resource]`` is a list of HTTP statuses answered (in turn) before the real pages.
    """

    def __init__(self, rsps, api_url="https://discovery.example.com/api/v1/"):
        self.api_url = api_url
        self.data = {"organizations": [], "courses": [], "programs": [], "pathways": []}
        self.fail = {}
        self.requests = []
        for resource in self.data:
            pattern = re.compile(re.escape(f"{api_url}{resource}/") + r"(\?.*)?$")
            rsps.add_callback(responses.GET, pattern, callback=self._serve(resource))

    def _serve(self, resource):
        def callback(request):
            query = {name: values[0] for name, values in parse_qs(urlsplit(request.url).query).items()}
            self.requests.append((resource, query, request.headers.get("Authorization")))
            if self.fail.get(resource):
                return (self.fail[resource].pop(0), {}, json.dumps({"detail": "failure"}))
            number = int(query["page"])
            size = int(query.get("page_size", DEFAULT_PAGE_SIZE))
            items = self.data[resource]
            chunk = items[(number - 1) * size : number * size]
            has_next = number * size < len(items)
            body = {
                "count": len(items),
                "next": f"{self.api_url}{resource}/?page={number + 1}" if has_next else None,
                "previous": None,
                "results": chunk,
            }
            return (200, {"Content-Type": "application/json"}, json.dumps(body))

        return callback

    def pages_requested(self, resource):
        return [int(query["page"]) for name, query, _ in self.requests if name == resource]

    # --- Builders: items shaped like discovery's JSON; each adds itself to the data and returns itself ----

    def organization(self, key, name=None, **extra):
        item = {
            "uuid": str(uuid.uuid4()),
            "key": key,
            "name": name or f"{key} University",
            "certificate_logo_image_url": f"https://example.com/{key}.png",
            **extra,
        }
        self.data["organizations"].append(item)
        return item

    def course(self, key, *, owners=(), runs=1, title=None, **extra):
        title = title or f"Course {key}"
        item = {
            "uuid": str(uuid.uuid4()),
            "key": key,
            "title": title,
            "owners": [{"uuid": owner["uuid"], "key": owner["key"]} for owner in owners],
            "course_runs": [
                {
                    "uuid": str(uuid.uuid4()),
                    "key": f"course-v1:{key}+R{number}",
                    "title": title,
                    "start": f"2024-0{number + 1}-01T00:00:00Z",
                    "end": f"2024-1{number}-01T00:00:00Z",
                }
                for number in range(runs)
            ],
            **extra,
        }
        self.data["courses"].append(item)
        return item

    def program(self, title, *, runs=(), authors=(), status="active", **extra):
        courses = {}
        for course, run in runs:
            courses.setdefault(course["uuid"], {"uuid": course["uuid"], "course_runs": []})
            courses[course["uuid"]]["course_runs"].append({"uuid": run["uuid"], "key": run["key"]})
        item = {
            "uuid": str(uuid.uuid4()),
            "title": title,
            "type": "Professional Certificate",
            "type_attrs": {"slug": "professional-certificate"},
            "status": status,
            "total_hours_of_effort": 40,
            "authoring_organizations": [{"uuid": org["uuid"], "key": org["key"]} for org in authors],
            "courses": list(courses.values()),
            **extra,
        }
        self.data["programs"].append(item)
        return item

    def pathway(self, name, *, programs=(), status="published", **extra):
        item = {
            "uuid": str(uuid.uuid4()),
            "name": name,
            "email": "partner@example.com",
            "org_name": "Partner University",
            "status": status,
            "pathway_type": "credit",
            "programs": [{"uuid": program["uuid"]} for program in programs],
            **extra,
        }
        self.data["pathways"].append(item)
        return item

    def remove(self, resource, item):
        self.data[resource] = [other for other in self.data[resource] if other["uuid"] != item["uuid"]]
