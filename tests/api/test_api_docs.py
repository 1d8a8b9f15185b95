"""What API users read: the OpenAPI schema, the browsable API and /api-docs/ (Swagger UI served from our own
static files, so the page works without internet, and without inline code, so a strict CSP allows it)."""

import json
import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_the_schema_states_rules_instead_of_citing_a_file_users_do_not_have(client, site):
    schema = json.dumps(client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json())
    schema = " ".join(schema.replace("\\n", " ").split())  # descriptions keep the docstrings' line breaks

    assert "spec/" not in schema and "\\u00a7" not in schema  # §, escaped by json.dumps
    assert "an upsert: posting the same learner and credential again updates it and still answers 201" in schema
    assert "is ignored and answers 200 with the stored grade" in schema


@pytest.mark.parametrize(
    "path",
    [
        "/api/v2/credentials/",
        "/api/v2/grades/",
        "/api/v2/course_certificates/",
        "/api/v2/replace_usernames/",
        "/api/credentials/v1/learner_cert_status/",
        "/api/credentials/v1/bulk_learner_cert_status/",
        "/records/api/v1/program_records/",
    ],
)
def test_browsable_api_pages_cite_no_spec_file(admin_client, site, path):
    response = admin_client.get(path, HTTP_ACCEPT="text/html")

    page = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert "spec/" not in page and "§" not in page


def test_api_docs_load_swagger_ui_from_our_static_files(client, site):
    response = client.get("/api-docs/")

    page = response.content.decode()
    assert response.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in assets
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css" in assets
    assert all(asset.startswith("/") for asset in assets), assets  # nothing from another host
    for asset in assets:
        if asset.startswith("/static/"):
            assert finders.find(asset.removeprefix("/static/")), asset


def test_api_docs_page_has_no_inline_script_or_style(client, site):
    page = client.get("/api-docs/").content.decode()

    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []
    assert "<style" not in page and " style=" not in page


def test_api_docs_init_script_points_swagger_ui_at_our_schema(client, site):
    response = client.get("/api-docs/?script=")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in response.content.decode()
