import pytest

from credentials.apps.catalog import api as catalog_api
from tests.factories import PathwayFactory, UserFactory
from tests.records.helpers import at, award, grade, make_program


@pytest.fixture
def alice(site):
    return UserFactory(username="alice", full_name="Alice Learner", email="alice@example.com")


@pytest.fixture
def partial_program(site, alice):
    """ "Data Science": Course 1 earned by alice with 95% (A), Course 2 not earned; a credit pathway."""
    program, runs, configurations = make_program(2, title="Data Science")
    configurations[0].certificate_available_date = at(2024, 5, 11)
    configurations[0].save()
    award("alice", configurations[0])
    grade("alice", runs[0], "0.9500", "A")
    pathway = PathwayFactory(name="State University", email="credit@state.example.com")
    catalog_api.set_ordered(pathway, "programs", [program])
    program.runs, program.configurations, program.pathway = runs, configurations, pathway
    return program
