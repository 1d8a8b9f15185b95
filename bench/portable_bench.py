"""Certificate PDFs: rendered per second cold (headless Chromium, nothing cached) and served per second warm
(from the cache), through the whole Django stack in one process.

    make bench-portable            # or: .venv/bin/python bench/portable_bench.py [--cold 3] [--seconds 5]

A throwaway SQLite database with one program certificate (tests/credentials/builders.py) and the local-memory
cache. Cold: the cache is cleared before each request, so each one renders (Chromium started, page printed,
PDF read back). Warm: the same request again and again, answered from the cache (the credential's freshness,
the learner's name and the cache entry are still read on every request). Prints only what it measured here.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "credentials.settings.test")
os.environ["DATABASE_URL"] = "sqlite://:memory:"
os.environ["CACHE_URL"] = "locmem://"
os.environ.setdefault("LOG_LEVEL", "ERROR")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold", type=int, default=3, help="renders to time (each takes seconds)")
    parser.add_argument("--seconds", type=float, default=5.0, help="how long to serve warm")
    options = parser.parse_args()

    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)

    from tests.credentials import builders
    from tests.factories import SiteConfigurationFactory, UserFactory, default_site

    site = default_site()
    site.domain = site.name = "testserver"
    site.save()
    SiteConfigurationFactory(site=site, lms_url_root="")
    UserFactory(username="alice", full_name="Alice Lovelace")
    awarded = builders.program_credential(title="Data Science Foundations")
    url = f"/credentials/{awarded.credential.uuid.hex}/certificate.pdf"
    client = Client()

    def get():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    timings = []
    for _ in range(options.cold):
        cache.clear()
        started = time.perf_counter()
        size = len(get().content)
        timings.append(time.perf_counter() - started)
    cold = len(timings) / sum(timings)
    print(f"cold: {len(timings)} PDFs rendered in {sum(timings):.1f} s = {cold:.2f} PDFs/s")
    print(f"      per PDF: fastest {min(timings):.2f} s, slowest {max(timings):.2f} s; {size} bytes")

    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < options.seconds:
        get()
        count += 1
    elapsed = time.perf_counter() - started
    print(f"warm: {count} PDFs served from the cache in {elapsed:.1f} s = {count / elapsed:.0f} PDFs/s (one process)")
    print(f"machine: {os.cpu_count()} CPUs (shared with whatever else runs now)")


if __name__ == "__main__":
    main()
