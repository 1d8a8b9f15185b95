"""/api/v2/course_certificates/ as Studio and the LMS push them (spec/api.md §8)."""

import pytest

from credentials.apps.credentials.models import CourseCertificate
from tests.factories import CourseCertificateFactory, CourseRunFactory

pytestmark = pytest.mark.django_db

URL = "/api/v2/course_certificates/"


def configuration_body(course_run, **overrides):
    return {
        "course_id": course_run.key,
        "certificate_type": "verified",
        "certificate_available_date": "2024-05-11T00:00:00Z",
        "is_active": True,
        **overrides,
    }


def test_lms_pushes_a_configuration(api_client, lms, course_run, site):
    response = api_client.post(URL, configuration_body(course_run), format="json", **lms)

    assert response.status_code == 201
    configuration = CourseCertificate.objects.get()
    assert response.json() == {
        "id": configuration.pk,
        "site": site.pk,
        "course_id": course_run.key,
        "course_run": course_run.key,
        "certificate_type": "verified",
        "certificate_available_date": "2024-05-11T00:00:00Z",
        "is_active": True,
    }


def test_posting_again_updates_it_and_still_answers_201(api_client, lms, course_run):
    api_client.post(URL, configuration_body(course_run), format="json", **lms)

    response = api_client.post(
        URL, configuration_body(course_run, certificate_available_date=None, is_active=False), format="json", **lms
    )

    assert response.status_code == 201
    configuration = CourseCertificate.objects.get()
    assert (configuration.certificate_available_date, configuration.is_active) == (None, False)


def test_omitted_fields_default_instead_of_500(api_client, lms, course_run):
    response = api_client.post(URL, {"course_id": course_run.key, "certificate_type": "honor"}, format="json", **lms)

    assert response.status_code == 201
    assert (response.json()["is_active"], response.json()["certificate_available_date"]) == (False, None)


def test_unknown_run_is_stored_without_a_catalog_link(api_client, lms, site):
    response = api_client.post(
        URL, {"course_id": "course-v1:A+B+C", "certificate_type": "verified"}, format="json", **lms
    )

    assert response.status_code == 201
    assert response.json()["course_run"] is None


def test_invalid_course_key_is_400(api_client, lms, site):
    response = api_client.post(URL, {"course_id": "not a key", "certificate_type": "verified"}, format="json", **lms)

    assert response.json() == {"course_id": ["Invalid course key."]}


def test_invalid_type_is_400(api_client, lms, course_run):
    response = api_client.post(URL, configuration_body(course_run, certificate_type="gold"), format="json", **lms)

    assert response.json() == {"certificate_type": ['"gold" is not a valid choice.']}


def test_a_second_type_for_a_catalog_run_is_400_not_500(api_client, lms, course_run):
    api_client.post(URL, configuration_body(course_run), format="json", **lms)

    response = api_client.post(URL, configuration_body(course_run, certificate_type="honor"), format="json", **lms)

    assert response.status_code == 400
    assert CourseCertificate.objects.count() == 1


def test_non_staff_are_refused(api_client, learner, course_run):
    assert api_client.post(URL, configuration_body(course_run), format="json", **learner).status_code == 403
    assert api_client.post(URL, configuration_body(course_run), format="json").status_code == 401


def test_get_put_and_patch_by_course_id(api_client, lms, course_run, site):
    CourseCertificateFactory(site=site, course_run=course_run, certificate_type="verified")

    assert api_client.get(f"{URL}{course_run.key}/", **lms).json()["certificate_type"] == "verified"
    patched = api_client.patch(f"{URL}{course_run.key}/", {"is_active": False}, format="json", **lms)
    assert (patched.status_code, patched.json()["is_active"]) == (200, False)
    put = api_client.put(
        f"{URL}{course_run.key}/",
        {"course_id": course_run.key, "certificate_type": "verified", "is_active": True},
        format="json",
        **lms,
    )
    assert (put.status_code, put.json()["is_active"]) == (200, True)


def test_unknown_course_id_is_404(api_client, lms, site):
    assert api_client.get(f"{URL}course-v1:No+Such+Run/", **lms).status_code == 404


def test_the_configuration_in_use_is_the_active_one_linked_to_the_catalog_run(api_client, lms, site):
    # Stored while the run was missing from the catalog; a second type was pushed once the run was synced.
    key = "course-v1:Late+Run+2024"
    unlinked = CourseCertificateFactory(site=site, course_id=key, course_run=None, certificate_type="honor")
    run = CourseRunFactory(course__site=site, key=key)
    linked = CourseCertificateFactory(site=site, course_id=key, course_run=run, certificate_type="verified")
    assert unlinked.pk < linked.pk

    response = api_client.get(f"{URL}{key}/", **lms)

    assert (response.status_code, response.json()["id"], response.json()["course_run"]) == (200, linked.pk, key)


def test_a_patch_onto_another_configurations_type_is_400_and_changes_nothing(api_client, lms, site):
    key = "course-v1:Not+In+Catalog"
    verified = CourseCertificateFactory(site=site, course_id=key, course_run=None, certificate_type="verified")
    CourseCertificateFactory(site=site, course_id=key, course_run=None, certificate_type="honor", is_active=False)

    response = api_client.patch(f"{URL}{key}/", {"certificate_type": "honor"}, format="json", **lms)

    assert response.status_code == 400
    assert "certificate_type" in response.json()
    verified.refresh_from_db()
    assert verified.certificate_type == "verified"
    assert CourseCertificate.objects.filter(course_id=key).count() == 2


def test_a_patch_of_course_id_onto_an_already_configured_run_is_400_and_changes_nothing(api_client, lms, site):
    taken = CourseRunFactory(course__site=site)
    other = CourseRunFactory(course__site=site)
    CourseCertificateFactory(site=site, course_run=taken, certificate_type="verified")
    moving = CourseCertificateFactory(site=site, course_run=other, certificate_type="verified")

    response = api_client.patch(f"{URL}{other.key}/", {"course_id": taken.key}, format="json", **lms)

    assert response.status_code == 400
    assert response.json() == {
        "certificate_type": [
            f"Another certificate configuration already has course {taken.key} with this type, or its course run."
        ]
    }
    moving.refresh_from_db()
    assert (moving.course_id, moving.course_run_id) == (other.key, other.pk)
    assert api_client.get(f"{URL}{other.key}/", **lms).json()["id"] == moving.pk


def test_a_patch_of_type_onto_an_existing_course_type_and_site_row_is_400_with_the_message(api_client, lms, site):
    key = "course-v1:Not+In+Catalog+2"
    CourseCertificateFactory(site=site, course_id=key, course_run=None, certificate_type="verified")
    CourseCertificateFactory(site=site, course_id=key, course_run=None, certificate_type="honor", is_active=False)

    response = api_client.patch(f"{URL}{key}/", {"certificate_type": "honor"}, format="json", **lms)

    assert response.json() == {
        "certificate_type": [
            f"Another certificate configuration already has course {key} with this type, or its course run."
        ]
    }
