"""Demo data for `make run` (`manage.py load_demo_data`). Idempotent: a second run changes nothing.

Every row has a fixed natural key (uuid5 of a name, or a username), so re-running updates in place.
"""

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.core.files import File
from django.db import transaction

from credentials.apps.catalog import api as catalog_api
from credentials.apps.catalog.models import Course, CourseRun, Organization, Pathway, Program
from credentials.apps.core.models import SiteConfiguration, User
from credentials.apps.credentials.models import CourseCertificate, ProgramCertificate, Signatory, UserCredential
from credentials.apps.records.models import UserGrade

DEMO_NAMESPACE = uuid.UUID("6c1d3f3e-8f0a-4a47-9d7e-2d3c6b9a0e11")
DEMO_DOMAIN = "127.0.0.1:8150"  # `make run` passes its HOST:PORT instead
STAFF_USERNAME = "demo_staff"
LEARNERS = [("alice", "Alice Learner"), ("bob", "Bob Learner")]
COURSES = [
    ("DemoX+DS101", "Foundations of Data Science"),
    ("DemoX+DS102", "Statistics for Data Science"),
    ("DemoX+DS103", "Machine Learning in Practice"),
]


def demo_uuid(name):
    return uuid.uuid5(DEMO_NAMESPACE, name)


def _update_or_create(model, lookup, values):
    """update_or_create that saves only when something differs, so a re-run changes no row."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        return model.objects.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    if changed:
        instance.save(update_fields=changed)
    return instance


def _user(username, *, full_name, staff=False, superuser=False):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, email=f"{username}@example.com", full_name=full_name)
        user.is_staff, user.is_superuser = staff, superuser
        user.linked_to_lms = not (staff or superuser)  # learners stand for LMS users; demo_staff is a local admin
        user.set_password(username)  # demo only: the password is the username
        user.save()
    return user


def _site(domain):
    site = Site.objects.get(pk=settings.SITE_ID)
    if (site.domain, site.name) != (domain, "Credentials demo"):
        site.domain, site.name = domain, "Credentials demo"
        site.save()
    _update_or_create(
        SiteConfiguration,
        {"site": site},
        {
            "platform_name": "Demo Academy",
            "lms_url_root": "http://127.0.0.1:8000",
            "catalog_api_url": "http://127.0.0.1:8381/api/v1/",
            "tos_url": "https://example.com/tos",
            "privacy_policy_url": "https://example.com/privacy",
            "homepage_url": "https://example.com",
            "company_name": "Demo Academy",
            "certificate_help_url": "https://example.com/help/certificates",
            "records_help_url": "https://example.com/help/records",
            "partner_from_address": "no-reply@example.com",
        },
    )
    return site


def _catalog(site):
    organization = _update_or_create(
        Organization,
        {"site": site, "uuid": demo_uuid("organization")},
        {"key": "DemoX", "name": "Demo University", "certificate_logo_image_url": "/static/images/demo-logo.svg"},
    )
    runs = []
    for course_key, title in COURSES:
        course = _update_or_create(
            Course, {"site": site, "uuid": demo_uuid(course_key)}, {"key": course_key, "title": title}
        )
        if catalog_api.get_ordered(course, "owners") != [organization]:
            catalog_api.set_ordered(course, "owners", [organization])
        runs.append(
            _update_or_create(
                CourseRun,
                {"course": course, "uuid": demo_uuid(f"{course_key}+2026")},
                {
                    "key": f"course-v1:{course_key}+2026",
                    "start_date": datetime(2026, 1, 12, tzinfo=UTC),
                    "end_date": datetime(2026, 6, 30, tzinfo=UTC),
                },
            )
        )
    program = _update_or_create(
        Program,
        {"site": site, "uuid": demo_uuid("program")},
        {
            "title": "Data Science Foundations",
            "type": "Professional Certificate",
            "type_slug": "professional-certificate",
            "total_hours_of_effort": 120,
            "status": Program.ACTIVE,
        },
    )
    if catalog_api.get_ordered(program, "course_runs") != runs:
        catalog_api.set_ordered(program, "course_runs", runs)
    if catalog_api.get_ordered(program, "authoring_organizations") != [organization]:
        catalog_api.set_ordered(program, "authoring_organizations", [organization])
    return program


# Alice has completed the program: her certificates have fixed ids, so the README can link to them.
CERTIFICATE_OWNER = "alice"
SIGNATURE_IMAGE = Path(settings.BASE_DIR) / "static" / "images" / "demo-signature.png"


def certificate_uuid(username, configuration_name):
    return demo_uuid(f"certificate:{username}:{configuration_name}")


def _signatory():
    signatory = _update_or_create(
        Signatory,
        {"name": "Dr. Maya Chen"},
        {"title": "Academic Director<br>Data Science Programs", "organization_name_override": None},
    )
    # The upload is attached once; a re-run finds it in storage and leaves the row alone.
    if not signatory.image or not signatory.image.storage.exists(signatory.image.name):
        with SIGNATURE_IMAGE.open("rb") as image:
            signatory.image.save(SIGNATURE_IMAGE.name, File(image), save=False)
        signatory.save(update_fields=["image", "modified"])
    return signatory


def _award(username, configuration, configuration_name):
    return _update_or_create(
        UserCredential,
        {
            "username": username,
            "credential_content_type": ContentType.objects.get_for_model(configuration),
            "credential_id": configuration.pk,
        },
        {"uuid": certificate_uuid(username, configuration_name), "status": UserCredential.AWARDED},
    )


def _certificates(site, program):
    """Certificate configurations for the program and its runs, one signatory, and Alice's awards."""
    signatory = _signatory()
    runs = catalog_api.get_ordered(program, "course_runs")
    course_configurations = []
    for week, run in enumerate(runs):
        configuration = _update_or_create(
            CourseCertificate,
            {"site": site, "course_run": run},
            {
                "course_id": run.key,
                "certificate_type": "verified",
                "certificate_available_date": datetime(2026, 7, 6 + 7 * week, tzinfo=UTC),
                "is_active": True,
            },
        )
        if list(configuration.signatories.all()) != [signatory]:
            configuration.signatories.set([signatory])
        course_configurations.append(configuration)
    program_configuration = _update_or_create(
        ProgramCertificate,
        {"site": site, "program_uuid": program.uuid},
        # The organization's full name, as its logo, the records and the CSV print it (spec/pages.md §3.3:
        # the key "DemoX" otherwise).
        {"program": program, "is_active": True, "include_hours_of_effort": True, "use_org_name": True},
    )
    if list(program_configuration.signatories.all()) != [signatory]:
        program_configuration.signatories.set([signatory])

    awards = [
        _award(CERTIFICATE_OWNER, configuration, configuration.course_id) for configuration in course_configurations
    ]
    awards.append(_award(CERTIFICATE_OWNER, program_configuration, "program"))
    return awards


# Learner records (issue 5): grades for the program's courses, and Bob half-way through the program, so
# `make run` shows a real record at /records/ (sign in as bob / bob). Built on the certificate
# configurations above when they exist; created here when they do not.
RECORD_LEARNER = "bob"
RECORD_GRADES = {  # username → one (percent, letter) per program course, None for not taken yet
    "alice": [("0.9500", "A"), ("0.8800", "B+"), ("0.9100", "A-")],
    "bob": [("0.9200", "A"), ("0.7800", "C+"), None],
}
PATHWAYS = [  # (name, e-mail): the second is not ready to receive records yet
    ("Northbridge State University", "credit@northbridge.example.edu"),
    ("Lakeside Community College", ""),
]


def _course_configuration(site, run):
    configuration = CourseCertificate.objects.filter(site=site, course_run=run).first()
    if configuration is None:
        configuration = CourseCertificate.objects.create(
            site=site, course_run=run, course_id=run.key, certificate_type="verified", is_active=True
        )
    return configuration


def _learner_records(site, program):
    """Grades for alice and bob, bob's first two course certificates, and two credit pathways."""
    runs = catalog_api.get_ordered(program, "course_runs")
    if not ProgramCertificate.objects.filter(site=site, program_uuid=program.uuid).exists():
        ProgramCertificate.objects.create(site=site, program=program, program_uuid=program.uuid, is_active=True)
    course_type = ContentType.objects.get_for_model(CourseCertificate)
    for username, grades in RECORD_GRADES.items():
        for run, result in zip(runs, grades, strict=True):
            if result is None:
                continue
            percent, letter = result
            _update_or_create(
                UserGrade,
                {"username": username, "course_run": run},
                {"percent_grade": Decimal(percent), "letter_grade": letter, "verified": True},
            )
            if username == RECORD_LEARNER:
                configuration = _course_configuration(site, run)
                _update_or_create(
                    UserCredential,
                    {"username": username, "credential_content_type": course_type, "credential_id": configuration.pk},
                    {"uuid": demo_uuid(f"certificate:{username}:{run.key}"), "status": UserCredential.AWARDED},
                )
    for name, email in PATHWAYS:
        pathway = _update_or_create(
            Pathway,
            {"site": site, "uuid": demo_uuid(f"pathway:{name}")},
            {
                "name": name,
                "org_name": name,
                "email": email,
                "pathway_type": Pathway.CREDIT,
                "status": Pathway.PUBLISHED,
            },
        )
        if catalog_api.get_ordered(pathway, "programs") != [program]:
            catalog_api.set_ordered(pathway, "programs", [program])


@transaction.atomic
def load_demo_data(*, domain=DEMO_DOMAIN):
    """Create or refresh the demo site (served at ``domain``, host:port), catalog and users; returns a short
    summary for the command."""
    site = _site(domain)
    program = _catalog(site)
    staff = _user(STAFF_USERNAME, full_name="Demo Staff", staff=True, superuser=True)
    learners = [_user(username, full_name=full_name) for username, full_name in LEARNERS]
    certificates = _certificates(site, program)
    _learner_records(site, program)
    return {"site": site, "program": program, "staff": staff, "learners": learners, "certificates": certificates}


# --- Where to look: the home page's demo links and what `load_demo_data` prints --------------------------


def _auto_auth(username, next_path):
    query = {"username": username, "staff": "false", "superuser": "false", "next": next_path}
    return f"/auto_auth/?{urlencode(query, safe='/')}"


def demo_links(site):
    """The demo's pages as (label, path, note) rows, or None when the demo data is not loaded on ``site``.

    Paths are site-relative, so they follow whatever host and port the service is reached on.
    """
    program_certificate = certificate_uuid(CERTIFICATE_OWNER, "program")
    loaded = UserCredential.objects.filter(
        uuid=program_certificate,
        status=UserCredential.AWARDED,
        program_credentials__site=site,
    ).exists()
    if not loaded:
        return None
    program = Program.objects.filter(site=site, uuid=demo_uuid("program")).first()
    program_path = f"/records/programs/{program.uuid.hex}/" if program else "/records/"
    first_course = f"course-v1:{COURSES[0][0]}+2026"
    return [
        ("Alice's program certificate", f"/credentials/{program_certificate.hex}/", "Data Science Foundations"),
        (
            "Alice's course certificate",
            f"/credentials/{certificate_uuid(CERTIFICATE_OWNER, first_course).hex}/",
            COURSES[0][1],
        ),
        ("Bob's learner records", _auto_auth(RECORD_LEARNER, "/records/"), "signs you in as bob"),
        ("Bob's program record", _auto_auth(RECORD_LEARNER, program_path), "share it, send it, download the CSV"),
        ("The admin", "/admin/", f"user {STAFF_USERNAME}, password {STAFF_USERNAME}"),
    ]
