import pytest
import responses


@pytest.fixture(autouse=True)
def _no_network():
    """Outbound HTTP raises (an unreachable LMS): learner names come from the local user row."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock
