"""Scale-out: two app processes on one MariaDB and one memcached behave as one service. Nothing that matters
lives in a process: credentials and sessions are in the database, throttle counters in the shared cache."""

import pytest

from tests.jwt_helpers import make_token
from tests.ops.conftest import requires_mysql
from tests.ops.servers import manage

pytestmark = [requires_mysql, pytest.mark.filterwarnings("ignore::ResourceWarning")]

HOST = "credentials.example.com"  # the name of the load balancer both processes sit behind
ARRANGE = """
from tests.factories import ProgramCertificateFactory, SiteConfigurationFactory, default_site
site = default_site()
SiteConfigurationFactory(site=site)
print(ProgramCertificateFactory(site=site).program_uuid)
"""


@pytest.fixture
def two_servers(start_server, server_env, memcached):
    env = {
        **server_env,
        "CACHE_URL": memcached.url,
        "ENABLE_AUTO_AUTH": "true",
        "ALLOWED_HOSTS": f"{HOST},127.0.0.1",
    }
    return start_server(env), start_server(env), env


def jwt(username, **claims):
    return {"Authorization": f"JWT {make_token(username, **claims)}", "Host": HOST}


def test_a_credential_issued_through_one_process_is_served_by_the_other(two_servers):
    first, second, env = two_servers
    program_uuid = manage({**env, "LOG_LEVEL": "WARNING"}, "shell", "-c", ARRANGE).split()[-1]
    lms = jwt("lms_worker", administrator=True)

    issued = first.post(
        "/api/v2/credentials/",
        json={"username": "scaled_learner", "credential": {"type": "program", "program_uuid": program_uuid}},
        headers=lms,
    )
    assert issued.status_code == 201, issued.text
    uuid = issued.json()["uuid"]

    read = second.get(f"/api/v2/credentials/{uuid}/", headers=lms)
    listed = second.get("/api/v2/credentials/?username=scaled_learner", headers=jwt("scaled_learner"))

    assert read.status_code == 200
    assert read.json() == issued.json()
    assert [item["uuid"] for item in listed.json()["results"]] == [uuid]


def test_the_throttle_counts_requests_to_both_processes_together(two_servers):
    first, second, _ = two_servers
    learner = jwt("throttled_learner")
    url = "/api/v2/credentials/?username=throttled_learner"

    allowed = [(first if n % 2 else second).get(url, headers=learner).status_code for n in range(15)]
    over_limit = [first.get(url, headers=learner), second.get(url, headers=learner)]

    assert allowed == [200] * 15  # 15/minute for learners (spec/api.md §3), split 7 + 8 between the processes
    assert [response.status_code for response in over_limit] == [429, 429]
    assert all("Retry-After" in response.headers for response in over_limit)
    assert second.get(url, headers=jwt("another_learner")).status_code != 429  # per user, not global


def test_a_session_opened_on_one_process_is_valid_on_the_other(two_servers):
    first, second, _ = two_servers

    signed_in = first.get("/auto_auth/?username=session_learner&staff=false&superuser=false", headers={"Host": HOST})
    assert signed_in.status_code == 302
    session = signed_in.cookies["credentials_sessionid"]
    listed = second.get(
        "/api/v2/credentials/?username=session_learner",
        headers={"Cookie": f"credentials_sessionid={session}", "Host": HOST},
    )

    assert listed.status_code == 200
    assert listed.json()["results"] == []
