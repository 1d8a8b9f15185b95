"""Property test of every API operation against the OpenAPI schema the service publishes (/api/schema/).

For each operation, hypothesis draws requests: path and query parameters and bodies built from the schema
(valid ones, near-valid ones with over-long strings and out-of-enum values, and arbitrary JSON), sent with a
valid JWT of each kind of caller, an invalid JWT of several kinds, or none. Every response must:
* not be a 5xx;
* if 2xx, have a status the operation documents, and a body that validates against the documented schema;
* if 4xx, be JSON (``{"detail": ...}`` or field errors) or empty where the spec says so, never an HTML page;
  a 401 carries the ``WWW-Authenticate: JWT`` challenge.

The number of examples per operation is bounded: FUZZ_EXAMPLES (default 12, deterministic, so ``make test``
stays quick and repeatable); ``.ci/run`` runs it again with FUZZ_EXAMPLES=150 and a random seed. No new
dependency: hypothesis draws the data and jsonschema (already installed with drf-spectacular) validates it.
"""

import copy
import json
import os
import string
from collections import Counter
from datetime import datetime
from urllib.parse import quote

import jsonschema
import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credentials.apps.catalog import api as catalog_api
from credentials.apps.core.models import User
from tests.factories import (
    CourseCertificateFactory,
    CourseRunFactory,
    ProgramCertificateFactory,
    ProgramCertRecordFactory,
    UserCredentialFactory,
    UserFactory,
    UserGradeFactory,
)
from tests.jwt_helpers import make_token

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
DERANDOMIZE = os.environ.get("FUZZ_RANDOM", "") == ""
METHODS = ("get", "post", "put", "patch", "delete")


# --- The schema ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def openapi(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def operations():
    """(method, path) of every operation, read from the URLconf's schema without a request (collection time)."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted((method, path) for path, item in schema["paths"].items() for method in item if method in METHODS)


OPERATIONS = operations()


def resolve(schema, openapi):
    """The schema with every $ref replaced by its component (the API's schemas are not recursive)."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            return resolve(openapi["components"]["schemas"][name], openapi)
        return {key: resolve(value, openapi) for key, value in schema.items()}
    if isinstance(schema, list):
        return [resolve(item, openapi) for item in schema]
    return schema


def response_json_schema(schema):
    """OpenAPI 3.0 → JSON Schema for a response: ``nullable`` allows null, write-only fields are absent."""
    schema = copy.deepcopy(schema)

    def convert(node):
        if isinstance(node, list):
            return [convert(item) for item in node]
        if not isinstance(node, dict):
            return node
        node = {key: convert(value) for key, value in node.items()}
        properties = node.get("properties", {})
        write_only = {name for name, prop in properties.items() if isinstance(prop, dict) and prop.get("writeOnly")}
        if write_only:
            node["properties"] = {name: prop for name, prop in properties.items() if name not in write_only}
            node["required"] = [name for name in node.get("required", []) if name not in write_only]
        if node.pop("nullable", False):
            node = {"anyOf": [node, {"type": "null"}]}
        return node

    return convert(schema)


# --- Data the requests may name -------------------------------------------------------------------------------


@pytest.fixture
def world(site, settings):
    settings.LEARNER_RECORD_MFE_RECORDS_PAGE_URL = ""
    for username in ("fuzz_learner", "fuzz_other"):
        UserFactory(username=username)
    UserFactory(username="fuzz_root", is_staff=True, is_superuser=True)
    runs = [CourseRunFactory(course__site=site) for _ in range(2)]
    program_certificate = ProgramCertificateFactory(site=site)
    catalog_api.set_ordered(program_certificate.program, "course_runs", runs)
    course_certificate = CourseCertificateFactory(site=site, course_run=runs[0])
    credentials = [
        UserCredentialFactory(username="fuzz_learner", credential=course_certificate),
        UserCredentialFactory(username="fuzz_learner", credential=program_certificate),
    ]
    grade = UserGradeFactory(username="fuzz_learner", course_run=runs[0])
    shared = ProgramCertRecordFactory(
        user=User.objects.get(username="fuzz_learner"), program=program_certificate.program
    )
    return {
        "usernames": ["fuzz_learner", "fuzz_other", "nobody_here"],
        "course_run_keys": [run.key for run in runs],
        "course_ids": [course_certificate.course_id],
        "program_uuids": [str(program_certificate.program_uuid), program_certificate.program_uuid.hex],
        "credential_uuids": [str(credential.uuid) for credential in credentials],
        "grade_ids": [grade.pk],
        "record_uuids": [shared.uuid.hex],
    }


def known_values(world, name):
    """Values of the world a parameter or field of this name can take, so requests reach the deep paths."""
    return {
        "username": world["usernames"],
        "course_run_key": world["course_run_keys"],
        "course_run": world["course_run_keys"],
        "course_id": world["course_ids"] + world["course_run_keys"],
        "program_uuid": world["program_uuids"],
        "uuid": world["credential_uuids"] + world["program_uuids"] + world["record_uuids"],
        "id": world["grade_ids"],
        "course_runs": world["course_run_keys"],
        "percent_grade": ["0.9000", "0.5", "1", "0"],
        "mode": ["verified", "honor", "professional"],
    }.get(name, [])


# --- Strategies from schemas ----------------------------------------------------------------------------------

TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
JSON_LEAVES = st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | TEXT
ANY_JSON = st.recursive(
    JSON_LEAVES, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4), max_leaves=12
)


def from_schema(schema, world, name=""):
    """Request data for a (resolved) schema: mostly valid (so requests get past validation to the services),
    sometimes valid but for one hostile field, sometimes any JSON at all."""
    return st.one_of(valid(schema, world, name), valid(schema, world, name), hostile(schema, world, name), ANY_JSON)


def merged(schema):
    """allOf parts folded into one schema (drf-spectacular wraps enums and nullable references in allOf)."""
    if "allOf" not in schema:
        return schema
    result = {}
    for part in schema["allOf"]:
        result.update(merged(part))
    result.update({key: value for key, value in schema.items() if key != "allOf"})
    return result


def valid(schema, world, name=""):
    schema = merged(schema)
    known = known_values(world, name)
    if known:
        return st.sampled_from(known)
    if "oneOf" in schema or "anyOf" in schema:
        return st.one_of(*(valid(option, world) for option in schema.get("oneOf", schema.get("anyOf"))))
    base = _valid_type(schema, world)
    return (st.none() | base) if schema.get("nullable") else base


def _valid_type(schema, world):
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "string":
        if schema.get("format") == "date-time":
            return st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)).map(
                lambda value: value.isoformat() + "Z"
            )
        if schema.get("format") == "uuid":
            return st.uuids().map(str)
        return st.text(alphabet=string.ascii_letters + string.digits + "-_.", min_size=1, max_size=20)
    if kind == "integer":
        return st.integers(0, 10**6)
    if kind == "number":
        return st.decimals(min_value=0, max_value=1, places=4).map(str)
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        return st.lists(valid(schema.get("items", {}), world), max_size=3)
    if kind == "object" or "properties" in schema:
        properties = writable(schema)
        required = [name for name in schema.get("required", []) if name in properties]
        return st.fixed_dictionaries(
            {name: valid(properties[name], world, name) for name in required},
            optional={name: valid(prop, world, name) for name, prop in properties.items() if name not in required},
        )
    return ANY_JSON


def writable(schema):
    return {name: prop for name, prop in schema.get("properties", {}).items() if not prop.get("readOnly", False)}


def hostile(schema, world, name=""):
    """Like ``valid``, but one value is off: too long, out of its enum, of another type, or anything."""
    schema = merged(schema)
    if schema.get("type") == "object" or "properties" in schema:
        properties = writable(schema)
        if not properties:
            return ANY_JSON

        @st.composite
        def one_field_off(draw):
            body = draw(valid(schema, world, name))
            if not isinstance(body, dict):  # a nullable object drawn as null
                return body
            field = draw(st.sampled_from(sorted(properties)))
            body[field] = draw(hostile(properties[field], world, field))
            return body

        return one_field_off()
    if schema.get("type") == "array":
        return st.lists(hostile(schema.get("items", {}), world), min_size=1, max_size=3) | st.just([None] * 1001)
    limit = schema.get("maxLength", 255)
    return st.one_of(
        st.just("x" * (limit + 1)),
        st.just('"><script>alert(1)</script>'),
        st.just("\x00"),
        st.just(""),
        st.integers(-(2**70), 2**70),
        st.floats(),
        st.booleans(),
        st.lists(TEXT, max_size=2),
        st.dictionaries(TEXT, TEXT, max_size=2),
        TEXT,
    )


# --- Callers ---------------------------------------------------------------------------------------------------

CALLERS = {
    "anonymous": lambda: None,
    "learner": lambda: make_token("fuzz_learner"),
    "other learner": lambda: make_token("fuzz_other"),
    "lms worker": lambda: make_token("fuzz_worker", administrator=True),
    "superuser": lambda: make_token("fuzz_root", administrator=True),
    "replacement worker": lambda: make_token("username_replacement_worker"),
    "expired": lambda: make_token("fuzz_root", iat=1, exp=2, administrator=True),
    "wrong secret": lambda: make_token("fuzz_root", key="wrong-secret-that-is-32-bytes-long-x", administrator=True),
    "wrong audience": lambda: make_token("fuzz_root", aud="elsewhere", administrator=True),
    "restricted": lambda: make_token("fuzz_root", is_restricted=True, administrator=True),
    "garbage": lambda: "not.a.token",
}


# Mostly callers who may use the operation, so that most requests reach the services behind it.
CALLER_WEIGHTS = ["lms worker"] * 4 + ["superuser"] * 4 + ["learner", "replacement worker"] * 2 + sorted(CALLERS)


def parameter_value(parameter, world):
    schema = parameter.get("schema", {"type": "string"})
    known = known_values(world, parameter["name"])
    raw = st.one_of(
        *([st.sampled_from([str(value) for value in known])] if known else []),
        _valid_type(schema, world).map(lambda value: json.dumps(value) if not isinstance(value, str) else value),
        st.text(alphabet=string.printable, max_size=30),
    )
    return raw


@st.composite
def requests_for(draw, operation, world):
    """(path, query, body, content_type, caller) for one operation."""
    path = operation["path"]
    query = {}
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path" or draw(st.booleans()):
            value = draw(parameter_value(parameter, world))
            if parameter["in"] == "path":
                path = path.replace("{" + parameter["name"] + "}", quote(str(value), safe="") or "x")
            elif parameter["in"] == "query":
                query[parameter["name"]] = value
    body, content_type = None, None
    content = operation.get("requestBody", {}).get("content", {})
    if content:
        schema = content.get("application/json", {}).get("schema", {})
        body = draw(from_schema(schema, world))
        content_type = "application/json"
        if isinstance(body, dict) and draw(st.integers(0, 4)) == 0:  # the LMS posts grades form-encoded
            content_type = "application/x-www-form-urlencoded"
    caller = draw(st.sampled_from(CALLER_WEIGHTS))
    return path, query, body, content_type, caller


def send(client, method, path, query, body, content_type, caller):
    token = CALLERS[caller]()
    headers = {"HTTP_AUTHORIZATION": f"JWT {token}"} if token else {}
    if query:
        path = path + "?" + "&".join(f"{quote(k)}={quote(str(v), safe='')}" for k, v in query.items())
    if body is None and content_type is None:
        return getattr(client, method)(path, **headers)
    if content_type == "application/x-www-form-urlencoded":
        from urllib.parse import urlencode

        data = urlencode({key: value if isinstance(value, str) else json.dumps(value) for key, value in body.items()})
    else:
        data = json.dumps(body)
    return getattr(client, method)(path, data, content_type=content_type, **headers)


def routes(path):
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def check(response, operation, openapi, description):
    status = response.status_code
    assert status < 500, f"{description} → {status}: {response.content[:500]!r}"
    documented = operation["responses"].get(str(status))
    body = response.content
    if 200 <= status < 300:
        assert documented is not None, f"{description} → undocumented {status}: {body[:300]!r}"
        schema = documented.get("content", {}).get("application/json", {}).get("schema")
        if schema is not None:
            jsonschema.validate(json.loads(body), response_json_schema(resolve(schema, openapi)))
        return
    if status in (301, 302):
        return
    if status == 404 and not routes(response.request["PATH_INFO"]):
        return  # a value the route's pattern refuses (a "/" in an id): the site's own 404 page, from routing
    if status == 401:
        assert response["WWW-Authenticate"] == 'JWT realm="api"', description
    if not body:
        return  # the spec's empty 400/404 bodies (replace_usernames, learner status, records)
    assert response["Content-Type"].startswith("application/json"), f"{description} → {status} {body[:300]!r}"
    parsed = json.loads(body)
    assert isinstance(parsed, dict | list), f"{description} → {status} {body[:300]!r}"


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m.upper()} {p}" for m, p in OPERATIONS])
def test_every_operation_answers_within_its_schema(client, world, openapi, method, path):
    operation = {**resolve(openapi["paths"][path][method], openapi), "path": path}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=DERANDOMIZE,
        database=None if DERANDOMIZE else settings.default.database,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(request=requests_for(operation, world))
    def property_holds(request):
        cache.clear()  # no throttling carried from one example to the next
        path_, query, body, content_type, caller = request
        description = f"{method.upper()} {path_} {query} as {caller} with {content_type}: {json.dumps(body)[:300]}"
        response = send(client, method, path_, query, body, content_type, caller)
        reached[response.status_code] += 1
        check(response, operation, openapi, description)

    reached = Counter()
    property_holds()
    if os.environ.get("FUZZ_REPORT"):  # which statuses the examples reached, e.g. to tune the strategies
        print(f"\n{method.upper()} {path}: {dict(sorted(reached.items()))}")


def test_the_schema_documents_every_api_route(openapi):
    """Every API route of the URLconf is in the schema, so the fuzzer reaches it."""
    documented = set(openapi["paths"])
    for path in (
        "/api/v2/credentials/",
        "/api/v2/credentials/{uuid}/",
        "/api/v2/grades/",
        "/api/v2/grades/{id}/",
        "/api/v2/course_certificates/",
        "/api/v2/course_certificates/{course_id}/",
        "/api/v2/replace_usernames/",
        "/api/credentials/v1/learner_cert_status/",
        "/api/credentials/v1/bulk_learner_cert_status/",
        "/records/api/v1/program_records/",
        "/records/api/v1/program_records/{uuid}/",
    ):
        assert path in documented, path
