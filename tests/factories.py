"""factory-boy factories for every model; tests arrange data with these."""

import uuid

import factory
from django.conf import settings
from django.contrib.sites.models import Site

from credentials.apps.catalog import models as catalog
from credentials.apps.core.models import SiteConfiguration, User
from credentials.apps.credentials import models as credentials_models
from credentials.apps.records import models as records_models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"learner{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    full_name = factory.Faker("name")
    password = factory.django.Password("password")
    linked_to_lms = True  # a learner the LMS signed in; local accounts pass linked_to_lms=False


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ("domain",)

    domain = factory.Sequence(lambda n: f"site{n}.example.com")
    name = factory.LazyAttribute(lambda site: site.domain)


class SiteConfigurationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiteConfiguration
        django_get_or_create = ("site",)

    site = factory.SubFactory(SiteFactory)
    platform_name = "Test Platform"
    lms_url_root = "https://lms.example.com"
    catalog_api_url = "https://discovery.example.com/api/v1/"
    tos_url = "https://example.com/tos"
    privacy_policy_url = "https://example.com/privacy"
    homepage_url = "https://example.com"
    company_name = "Test Company"
    certificate_help_url = "https://example.com/help"
    records_help_url = "https://example.com/records-help"
    twitter_username = "testplatform"


def default_site():
    return Site.objects.get(pk=settings.SITE_ID)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = catalog.Organization

    site = factory.LazyFunction(default_site)
    uuid = factory.LazyFunction(uuid.uuid4)
    key = factory.Sequence(lambda n: f"Org{n}X")
    name = factory.Sequence(lambda n: f"Organization {n}")
    certificate_logo_image_url = factory.LazyAttribute(lambda org: f"https://example.com/{org.key}.png")


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = catalog.Course

    site = factory.LazyFunction(default_site)
    uuid = factory.LazyFunction(uuid.uuid4)
    key = factory.Sequence(lambda n: f"Org+C{n}")
    title = factory.Sequence(lambda n: f"Course {n}")


class CourseRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = catalog.CourseRun

    course = factory.SubFactory(CourseFactory)
    uuid = factory.LazyFunction(uuid.uuid4)
    key = factory.LazyAttributeSequence(lambda run, n: f"course-v1:{run.course.key}+R{n}")


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = catalog.Program

    site = factory.LazyFunction(default_site)
    uuid = factory.LazyFunction(uuid.uuid4)
    title = factory.Sequence(lambda n: f"Program {n}")
    type = "Professional Certificate"
    type_slug = "professional-certificate"


class PathwayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = catalog.Pathway

    site = factory.LazyFunction(default_site)
    uuid = factory.LazyFunction(uuid.uuid4)
    name = factory.Sequence(lambda n: f"Pathway {n}")
    org_name = "Partner University"
    email = factory.Sequence(lambda n: f"pathway{n}@example.com")


class SignatoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = credentials_models.Signatory

    name = factory.Faker("name")
    title = "Dean of Learning"
    image = factory.django.ImageField(filename="signature.png", width=120, height=120, format="PNG")


class CourseCertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = credentials_models.CourseCertificate

    site = factory.LazyFunction(default_site)
    course_run = factory.SubFactory(CourseRunFactory, course__site=factory.SelfAttribute("...site"))
    course_id = factory.LazyAttribute(lambda certificate: certificate.course_run.key)
    certificate_type = "verified"
    is_active = True


class ProgramCertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = credentials_models.ProgramCertificate

    site = factory.LazyFunction(default_site)
    program = factory.SubFactory(ProgramFactory, site=factory.SelfAttribute("..site"))
    program_uuid = factory.LazyAttribute(lambda certificate: certificate.program.uuid)
    is_active = True


class UserCredentialFactory(factory.django.DjangoModelFactory):
    """A course-run credential by default; pass ``credential=ProgramCertificateFactory()`` for a program."""

    class Meta:
        model = credentials_models.UserCredential

    username = factory.Sequence(lambda n: f"learner{n}")
    credential = factory.SubFactory(CourseCertificateFactory)
    status = credentials_models.UserCredential.AWARDED


class UserCredentialAttributeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = credentials_models.UserCredentialAttribute

    user_credential = factory.SubFactory(UserCredentialFactory)
    name = factory.Sequence(lambda n: f"attribute{n}")
    value = "value"


class UserGradeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = records_models.UserGrade

    username = factory.Sequence(lambda n: f"learner{n}")
    course_run = factory.SubFactory(CourseRunFactory)
    letter_grade = "A"
    percent_grade = "0.9000"
    verified = True


class ProgramCertRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = records_models.ProgramCertRecord

    user = factory.SubFactory(UserFactory)
    program = factory.SubFactory(ProgramFactory)


class UserCreditPathwayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = records_models.UserCreditPathway

    user = factory.SubFactory(UserFactory)
    pathway = factory.SubFactory(PathwayFactory)
    program = factory.SubFactory(ProgramFactory)
    status = records_models.UserCreditPathway.SENT
