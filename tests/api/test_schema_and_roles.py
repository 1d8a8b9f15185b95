import pytest
from django.contrib.auth.models import Group

from credentials.apps.core.constants import ADMINS_GROUP

pytestmark = pytest.mark.django_db


def test_admins_hold_the_credential_and_grade_permissions():
    codenames = set(Group.objects.get(name=ADMINS_GROUP).permissions.values_list("codename", flat=True))

    assert codenames == {
        "add_usercredential",
        "change_usercredential",
        "view_usercredential",
        "delete_usercredential",
        "add_usergrade",
        "change_usergrade",
    }


def test_api_root_lists_the_resources(api_client, lms, site):
    response = api_client.get("/api/v2/", **lms)

    assert response.json() == {
        "credentials": "http://testserver/api/v2/credentials/",
        "grades": "http://testserver/api/v2/grades/",
        "course_certificates": "http://testserver/api/v2/course_certificates/",
    }


def test_openapi_schema_describes_every_endpoint(client, site):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    paths = response.json()["paths"]
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
    ):
        assert path in paths
    credential = response.json()["components"]["schemas"]["UserCredential"]["properties"]
    assert {"username", "credential", "status", "uuid", "attributes", "date_override", "certificate_url"} <= set(
        credential
    )


def test_api_docs_page_renders(client, site):
    response = client.get("/api-docs/")

    assert response.status_code == 200
    assert b"swagger" in response.content.lower()
