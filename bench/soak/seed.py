"""The soak's learners, configurations and tokens, written before the traffic starts."""

import time
import uuid
from dataclasses import dataclass

from bench.soak.config import ADMIN, JWT_ISSUER


@dataclass
class World:
    """What the clients know about the seeded data."""

    base_url: str
    course_configurations: list  # [(configuration id, course run key, course run id)]
    program_configuration_id: int
    program_uuid: str
    program_run_keys: set
    pathway_id: int
    hot_run_key: str
    learners: list
    full_names: dict


def seed(*, learners, lms_url):
    """Site, catalog (a program of 4 courses and 6 other runs), configurations, users. Returns a World."""
    from django.conf import settings
    from django.contrib.sites.models import Site

    from credentials.apps.catalog import api as catalog_api
    from credentials.apps.catalog.models import Course, CourseRun, Organization, Pathway, Program
    from credentials.apps.core.models import SiteConfiguration, User
    from credentials.apps.credentials.models import CourseCertificate, ProgramCertificate

    site = Site.objects.get(pk=settings.SITE_ID)
    site.domain = site.name = "127.0.0.1"
    site.save()
    SiteConfiguration.objects.update_or_create(
        site=site,
        defaults={
            "platform_name": "Soak Academy",
            "lms_url_root": lms_url,
            "catalog_api_url": lms_url + "/api/v1/",
            "tos_url": "https://example.com/tos",
            "privacy_policy_url": "https://example.com/privacy",
            "homepage_url": "https://example.com",
            "company_name": "Soak",
            "certificate_help_url": "https://example.com/help",
            "records_help_url": "https://example.com/records-help",
            "records_enabled": True,
        },
    )
    organization = Organization.objects.create(
        site=site, uuid=uuid.uuid4(), key="SoakX", name="Soak University", certificate_logo_image_url=""
    )
    runs = []
    for index in range(10):
        course = Course.objects.create(
            site=site, uuid=uuid.uuid4(), key=f"SoakX+C{index}", title=f"Soak course {index}"
        )
        catalog_api.set_ordered(course, "owners", [organization])
        runs.append(CourseRun.objects.create(course=course, uuid=uuid.uuid4(), key=f"course-v1:SoakX+C{index}+2026"))
    configurations = [
        CourseCertificate.objects.create(
            site=site, course_id=run.key, course_run=run, certificate_type="verified", is_active=True
        )
        for run in runs
    ]
    program = Program.objects.create(
        site=site,
        uuid=uuid.uuid4(),
        title="Soak Program",
        type="Professional Certificate",
        type_slug="professional-certificate",
    )
    catalog_api.set_ordered(program, "course_runs", runs[:4])
    catalog_api.set_ordered(program, "authoring_organizations", [organization])
    program_configuration = ProgramCertificate.objects.create(
        site=site, program=program, program_uuid=program.uuid, is_active=True
    )
    pathway = Pathway.objects.create(
        site=site, uuid=uuid.uuid4(), name="Soak State University", org_name="Soak State", email="credit@example.com"
    )
    catalog_api.set_ordered(pathway, "programs", [program])

    # Both call the API with LMS JWTs, so both are accounts the LMS may use (DESIGN.md §5.16).
    User.objects.create_superuser(ADMIN, f"{ADMIN}@example.com", ADMIN, linked_to_lms=True)
    full_names = {}
    for name in learners:
        full_names[name] = f"Soak Learner {name.rsplit('_', 1)[-1]}"
        User.objects.create_user(name, f"{name}@example.com", name, full_name=full_names[name], linked_to_lms=True)
    return World(
        base_url="",
        course_configurations=[(c.pk, c.course_id, c.course_run_id) for c in configurations],
        program_configuration_id=program_configuration.pk,
        program_uuid=str(program.uuid),
        program_run_keys={run.key for run in runs[:4]},
        pathway_id=pathway.pk,
        hot_run_key=runs[9].key,
        learners=learners,
        full_names=full_names,
    )


def mint_token(username, *, administrator=False):
    import jwt

    now = int(time.time())
    claims = {
        "iss": JWT_ISSUER["ISSUER"],
        "aud": JWT_ISSUER["AUDIENCE"],
        "iat": now,
        "exp": now + 24 * 3600,
        "preferred_username": username,
        "administrator": administrator,
        "version": "1.2.0",
    }
    return jwt.encode(claims, JWT_ISSUER["SECRET_KEY"], algorithm="HS256")
