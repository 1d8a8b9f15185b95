import pytest

from tests.factories import CourseRunFactory, ProgramCertificateFactory, SiteConfigurationFactory, SiteFactory
from tests.jwt_helpers import auth_header, make_token, service_worker_header


@pytest.fixture
def lms():
    """Headers of the LMS's service worker: staff, hence in Admins."""
    return service_worker_header()


@pytest.fixture
def learner():
    """alice's own JWT headers (a plain learner)."""
    return auth_header(make_token("alice"))


@pytest.fixture
def course_run(site):
    return CourseRunFactory(course__site=site)


@pytest.fixture
def program_certificate(site):
    return ProgramCertificateFactory(site=site)


@pytest.fixture
def other_site(db):
    return SiteConfigurationFactory(site=SiteFactory(domain="other.example.com")).site
