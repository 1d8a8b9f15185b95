from dataclasses import dataclass

import pytest
import responses

from tests.catalog.discovery import FakeDiscovery, add_token_endpoint


@pytest.fixture(autouse=True)
def _no_retry_waits(settings):
    settings.BACKEND_SERVICE_RETRY_BACKOFF = 0


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        add_token_endpoint(mock)
        yield mock


@pytest.fixture
def discovery(rsps, site):
    """The fake discovery behind the default site's catalog_api_url."""
    return FakeDiscovery(rsps, site.siteconfiguration.catalog_api_url)


@dataclass
class Sample:
    """A small catalog: 2 organizations, 3 courses (4 runs), 2 programs, 2 pathways."""

    harvard: dict
    mit: dict
    physics: dict
    chemistry: dict
    biology: dict
    science: dict
    retired: dict
    published: dict
    unpublished: dict


@pytest.fixture
def sample(discovery):
    harvard = discovery.organization("HarvardX")
    mit = discovery.organization("MITx")
    physics = discovery.course("HarvardX+Phys", owners=[harvard, mit], runs=2)
    chemistry = discovery.course("MITx+Chem", owners=[mit])
    biology = discovery.course("MITx+Bio", owners=[mit, harvard])
    science = discovery.program(
        "Science",
        authors=[mit, harvard],
        runs=[(chemistry, chemistry["course_runs"][0]), (physics, physics["course_runs"][1])],
    )
    retired = discovery.program(
        "Old science", authors=[harvard], status="retired", runs=[(biology, biology["course_runs"][0])]
    )
    published = discovery.pathway("Credit at State", programs=[retired, science])
    unpublished = discovery.pathway("Draft pathway", programs=[science], status="unpublished")
    return Sample(harvard, mit, physics, chemistry, biology, science, retired, published, unpublished)
