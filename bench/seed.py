"""Benchmark data, created idempotently in whatever database the settings point at."""

import uuid

from django.conf import settings
from django.contrib.sites.models import Site
from django.core.cache import cache

from credentials.apps.catalog import api as catalog_api
from credentials.apps.catalog.models import Course, CourseRun, Organization, Program
from credentials.apps.core.lms import user_data_cache_key
from credentials.apps.core.models import SiteConfiguration
from credentials.apps.credentials import api as credentials_api
from credentials.apps.credentials.models import CourseCertificate, ProgramCertificate, Signatory

NAMESPACE = uuid.UUID("0f3f6f7e-5a4e-4f0e-9d0c-6b1f0c0e0b01")


def bench_uuid(name):
    return uuid.uuid5(NAMESPACE, name)


def seed_site():
    site = Site.objects.get(pk=settings.SITE_ID)
    SiteConfiguration.objects.update_or_create(
        site=site,
        defaults={
            "platform_name": "Bench Academy",
            "lms_url_root": "http://127.0.0.1:9",  # nothing listens: the LMS is "unreachable"
            "catalog_api_url": "http://127.0.0.1:9/api/v1/",
            "tos_url": "https://example.com/tos",
            "privacy_policy_url": "https://example.com/privacy",
            "homepage_url": "https://example.com",
            "company_name": "Bench",
            "certificate_help_url": "https://example.com/help",
        },
    )
    return site


def seed_program(site, *, name="bench program", courses=4):
    """A program of ``courses`` courses, one run each, with active course and program configurations."""
    organization, _ = Organization.objects.update_or_create(
        site=site,
        uuid=bench_uuid("org"),
        defaults={
            "key": "BenchX",
            "name": "Bench University",
            "certificate_logo_image_url": "/static/images/demo-logo.svg",
        },
    )
    runs = []
    for index in range(courses):
        course, _ = Course.objects.update_or_create(
            site=site,
            uuid=bench_uuid(f"{name} course {index}"),
            defaults={"key": f"BenchX+{name.replace(' ', '')}{index}", "title": f"Bench course {index}"},
        )
        catalog_api.set_ordered(course, "owners", [organization])
        run, _ = CourseRun.objects.update_or_create(
            course=course, uuid=bench_uuid(f"{name} run {index}"), defaults={"key": f"course-v1:{course.key}+2026"}
        )
        CourseCertificate.objects.update_or_create(
            site=site, course_id=run.key, certificate_type="verified", defaults={"course_run": run, "is_active": True}
        )
        runs.append(run)
    program, _ = Program.objects.update_or_create(
        site=site,
        uuid=bench_uuid(name),
        defaults={"title": name.title(), "type": "Professional Certificate", "type_slug": "professional-certificate"},
    )
    catalog_api.set_ordered(program, "course_runs", runs)
    catalog_api.set_ordered(program, "authoring_organizations", [organization])
    configuration, _ = ProgramCertificate.objects.update_or_create(
        site=site, program_uuid=program.uuid, defaults={"program": program, "is_active": True}
    )
    if not configuration.signatories.exists():
        signatory = Signatory.objects.create(name="Bench Dean", title="Dean", image="signatories/bench.png")
        configuration.signatories.add(signatory)
    return program, runs, configuration


def seed_all(*, learner):
    """Everything the HTTP scenarios need; returns the values their placeholders name."""
    site = seed_site()
    program, runs, program_configuration = seed_program(site)
    # The learner's 20 credentials, one page: 4 course runs of the program and 15 other runs (3 attributes
    # each), and the program.
    _, other_runs, _ = seed_program(site, name="bench listing", courses=15)
    for run in [*runs, *other_runs]:
        configuration = CourseCertificate.objects.get(course_run=run)
        credentials_api.issue_credential(
            site=site,
            username=learner,
            configuration=configuration,
            attributes=[("visible_date", "2024-05-11T00:00:00Z"), ("a", "1"), ("b", "2")],
        )
    program_credential, _ = credentials_api.issue_credential(
        site=site, username=learner, configuration=program_configuration
    )
    # The certificate page scenario measures a warm cache: the LMS lookup of the learner already answered.
    cache.set(user_data_cache_key(learner), {"username": learner, "name": "Bench Learner"}, 24 * 3600)
    return {
        "course_run": runs[0].key,
        "program_uuid": program.uuid,
        "program_credential_uuid": program_credential.uuid.hex,
        "learner": learner,
    }
