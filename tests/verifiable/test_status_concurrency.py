"""Status list indexes stay unique when many credentials are signed at once. Needs MySQL/MariaDB: SQLite
serialises writers, so the race cannot happen there."""

import random
import threading

import pytest
from django.db import connection, connections
from django.test import Client

from credentials.apps.verifiable import status
from credentials.apps.verifiable.models import StatusListEntry
from tests.credentials import builders
from tests.factories import SiteConfigurationFactory, UserFactory, default_site

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.mysql]

CLIENTS = 12


@pytest.fixture(autouse=True)
def _needs_mysql():
    if connection.vendor != "mysql":
        pytest.skip("the race needs MySQL/MariaDB")


def test_concurrent_first_signings_get_distinct_indexes_even_when_the_random_picks_collide(monkeypatch):
    site = default_site()
    site.domain = "testserver"
    site.save()
    SiteConfigurationFactory(site=site)
    awarded = []
    for number in range(CLIENTS):
        UserFactory(username=f"learner{number}")
        awarded.append(builders.course_credential(username=f"learner{number}", site=site))
    Client().get(f"/credentials/{awarded[0].credential.uuid.hex}/credential.json")  # the issuer key exists
    # Few indexes to pick from: the threads must collide on the unique constraint and retry.
    monkeypatch.setattr(status.secrets, "randbelow", lambda n: random.randrange(CLIENTS + 4))
    statuses, barrier = [None] * CLIENTS, threading.Barrier(CLIENTS)

    def fetch(index):
        try:
            barrier.wait()
            statuses[index] = Client().get(f"/credentials/{awarded[index].credential.uuid.hex}/credential.json")
            statuses[index] = statuses[index].status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=fetch, args=(index,)) for index in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200] * CLIENTS
    indexes = list(StatusListEntry.objects.values_list("status_list_id", "index"))
    assert len(indexes) == len(set(indexes)) == CLIENTS
