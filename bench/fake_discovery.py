"""A fake course-discovery for benchmarking ``copy_catalog``: standard library only, generated data.

    python bench/fake_discovery.py [--port 0] [--programs 1000] [--courses-per-program 4] ...

Serves ``/api/v1/{organizations,courses,programs,pathways}/`` with DRF page-number paging (``page``,
``page_size``, default 20 like discovery; ``count``, ``next``, ``previous``, ``results``) and
``POST /oauth2/access_token`` (any client id gets a token). The data is a pure function of the options,
so two runs serve identical catalogs. Prints ``listening on http://HOST:PORT`` once ready.
"""

import argparse
import json
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

DEFAULT_PAGE_SIZE = 20
NAMESPACE = uuid.UUID("0b2c7c5e-4a8e-4d41-9a53-5a1c0e6f1d10")


def _uuid(kind, number):
    return str(uuid.uuid5(NAMESPACE, f"{kind}-{number}"))


def generate_catalog(*, organizations, programs, courses_per_program, runs_per_course, pathways, programs_per_pathway):
    """Discovery-shaped items: every course in one program, owned by one or two organizations."""
    orgs = [
        {
            "uuid": _uuid("org", number),
            "key": f"Org{number}X",
            "name": f"Organization {number}",
            "certificate_logo_image_url": f"https://example.com/logos/org{number}.png",
        }
        for number in range(organizations)
    ]
    courses, program_items = [], []
    for program_number in range(programs):
        program_courses = []
        for offset in range(courses_per_program):
            number = program_number * courses_per_program + offset
            key = f"Org{number % organizations}X+C{number}"
            title = f"Course {number}"
            owners = [orgs[number % organizations]]
            if number % 3 == 0 and organizations > 1:
                owners.append(orgs[(number + 1) % organizations])
            runs = [
                {
                    "uuid": _uuid("run", f"{number}-{run}"),
                    "key": f"course-v1:{key}+{2020 + run}",
                    "title": title if run == 0 else f"{title} ({2020 + run})",
                    "start": f"{2020 + run}-01-15T00:00:00Z",
                    "end": f"{2020 + run}-06-15T00:00:00Z",
                    "status": "published",
                }
                for run in range(runs_per_course)
            ]
            course = {
                "uuid": _uuid("course", number),
                "key": key,
                "title": title,
                "owners": [{"uuid": org["uuid"], "key": org["key"], "name": org["name"]} for org in owners],
                "course_runs": runs,
            }
            courses.append(course)
            program_courses.append(
                {
                    "uuid": course["uuid"],
                    "key": key,
                    "course_runs": [{"uuid": run["uuid"], "key": run["key"]} for run in runs],
                }
            )
        author = orgs[program_number % organizations]
        program_items.append(
            {
                "uuid": _uuid("program", program_number),
                "title": f"Program {program_number}",
                "type": "Professional Certificate",
                "type_attrs": {"uuid": _uuid("type", 0), "slug": "professional-certificate"},
                "status": "active" if program_number % 10 else "retired",
                "total_hours_of_effort": 40 + program_number % 20,
                "authoring_organizations": [{"uuid": author["uuid"], "key": author["key"]}],
                "courses": program_courses,
            }
        )
    pathway_items = [
        {
            "uuid": _uuid("pathway", number),
            "name": f"Pathway {number}",
            "email": f"pathway{number}@example.com",
            "org_name": f"Partner {number}",
            "status": "published" if number % 5 else "unpublished",
            "pathway_type": "credit" if number % 2 else "industry",
            "programs": [
                {"uuid": program_items[(number * programs_per_pathway + offset) % programs]["uuid"]}
                for offset in range(programs_per_pathway)
            ]
            if programs
            else [],
        }
        for number in range(pathways)
    ]
    return {"organizations": orgs, "courses": courses, "programs": program_items, "pathways": pathway_items}


class DiscoveryHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real server behind a proxy would allow
    disable_nagle_algorithm = True  # headers and body are separate writes; do not wait 40 ms between them
    catalog = {}

    def log_message(self, format, *args):  # noqa: A002 (BaseHTTPRequestHandler's signature)
        pass

    def _send_json(self, status, body):
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if urlsplit(self.path).path.rstrip("/") == "/oauth2/access_token":
            self._send_json(200, {"access_token": "bench-token", "expires_in": 3600, "token_type": "JWT"})
        else:
            self._send_json(404, {"detail": "Not found."})

    def do_GET(self):
        parts = urlsplit(self.path)
        resource = parts.path.removeprefix("/api/v1/").strip("/")
        if resource not in self.catalog:
            self._send_json(404, {"detail": "Not found."})
            return
        if not self.headers.get("Authorization", "").startswith("JWT "):
            self._send_json(401, {"detail": "Authentication credentials were not provided."})
            return
        query = {name: values[0] for name, values in parse_qs(parts.query).items()}
        try:
            number = int(query.get("page", 1))
            size = int(query.get("page_size", DEFAULT_PAGE_SIZE))
        except ValueError:
            self._send_json(404, {"detail": "Invalid page."})
            return
        items = self.catalog[resource]
        start = (number - 1) * size
        if number < 1 or size < 1 or (start >= len(items) and number != 1):
            self._send_json(404, {"detail": "Invalid page."})
            return
        base = f"http://{self.headers.get('Host')}{parts.path}"

        def link(page):
            return f"{base}?{urlencode({**query, 'page': page})}"

        self._send_json(
            200,
            {
                "count": len(items),
                "next": link(number + 1) if start + size < len(items) else None,
                "previous": link(number - 1) if number > 1 else None,
                "results": items[start : start + size],
            },
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (printed on start)")
    parser.add_argument("--organizations", type=int, default=5)
    parser.add_argument("--programs", type=int, default=1000)
    parser.add_argument("--courses-per-program", type=int, default=4)
    parser.add_argument("--runs-per-course", type=int, default=2)
    parser.add_argument("--pathways", type=int, default=100)
    parser.add_argument("--programs-per-pathway", type=int, default=10)
    args = parser.parse_args()
    DiscoveryHandler.catalog = generate_catalog(
        organizations=args.organizations,
        programs=args.programs,
        courses_per_program=args.courses_per_program,
        runs_per_course=args.runs_per_course,
        pathways=args.pathways,
        programs_per_pathway=args.programs_per_pathway,
    )
    server = ThreadingHTTPServer((args.host, args.port), DiscoveryHandler)
    host, port = server.server_address[:2]
    print(f"listening on http://{host}:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
