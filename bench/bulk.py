"""The bulk shape of the end of a course run: many learners, one course run, posted by a few concurrent
clients (the LMS's grading workers). Prints wall time, throughput and the rows created."""

import http.client
import json
import threading
import time
import uuid
from urllib.parse import urlsplit


def run(base_url, seed, tokens, *, total, clients, retries):
    from credentials.apps.credentials.models import UserCredential

    prefix = f"bulk_{uuid.uuid4().hex[:8]}_"
    target = urlsplit(base_url)
    headers = {"Content-Type": "application/json", "Authorization": f"JWT {tokens['worker']}"}
    statuses, lock = {}, threading.Lock()

    def client(index):
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
        mine = {}
        for number in range(index, total, clients):
            body = json.dumps(
                {
                    "username": f"{prefix}{number}",
                    "credential": {"course_run_key": seed["course_run"], "mode": "verified"},
                    "attributes": [{"name": "visible_date", "value": "2024-05-11T00:00:00Z"}],
                }
            )
            connection.request("POST", "/api/v2/credentials/", body, headers)
            response = connection.getresponse()
            response.read()
            mine[response.status] = mine.get(response.status, 0) + 1
        connection.close()
        with lock:
            for status, count in mine.items():
                statuses[status] = statuses.get(status, 0) + count

    retries.since_last()
    threads = [threading.Thread(target=client, args=(index,)) for index in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    rows = UserCredential.objects.filter(username__startswith=prefix).count()
    print(
        f"\nbulk: {total} course credentials of one run to {total} new learners by {clients} concurrent clients: "
        f"{wall:.1f} s wall, {total / wall:.1f} req/s, statuses {dict(sorted(statuses.items()))}, "
        f"{retries.since_last()} retries, {rows} rows created ({'exactly' if rows == total else 'NOT'} {total})",
        flush=True,
    )
