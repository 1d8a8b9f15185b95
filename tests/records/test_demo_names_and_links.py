"""The demo of `make run`: one organisation name everywhere, and links on the port it is served on."""

import csv
import html
import io
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.management import call_command

from credentials.apps.records import demo

pytestmark = pytest.mark.django_db

HOST = demo.DEMO_DOMAIN


def test_the_demo_program_certificate_names_its_organisation_as_its_logo_does(client):
    call_command("load_demo_data")
    client.login(username="alice", password="alice")

    page = client.get(f"/credentials/{demo.certificate_uuid('alice', 'program').hex}/", HTTP_HOST=HOST)

    body = page.content.decode()
    assert "a program offered by Demo University, in collaboration with Demo Academy." in body
    assert 'alt="Demo University logo"' in body
    assert "DemoX" not in body.replace("course-v1:DemoX", "")
    linkedin = html.unescape(re.search(r'class="btn btn-share action-linkedin"[^>]*href="([^"]+)"', body).group(1))
    assert dict(parse_qsl(urlsplit(linkedin).query))["organizationName"] == "Demo University"


def test_the_demo_records_and_csv_use_the_same_organisation_name(client):
    call_command("load_demo_data")
    client.login(username="bob", password="bob")
    program = demo.demo_uuid("program").hex

    record = client.get(f"/records/programs/{program}/", HTTP_HOST=HOST).content.decode()
    rows = list(
        csv.reader(io.StringIO(client.get(f"/records/programs/{program}/csv", HTTP_HOST=HOST).content.decode()))
    )

    assert "Demo Academy | Demo University" in " ".join(re.sub(r"<[^>]+>", " ", record).split())
    assert ["Authoring Organization(s)", "Demo University"] in rows
    assert {row[1] for row in rows[9:]} == {"Demo University"}  # each course's school


def test_load_demo_data_prints_every_link_on_the_given_host_and_port(capsys):
    call_command("load_demo_data", domain="127.0.0.1:8170")

    out = capsys.readouterr().out
    urls = re.findall(r"https?://[^\s)]+", out)
    assert "http://127.0.0.1:8170/" in urls
    assert f"http://127.0.0.1:8170/credentials/{demo.certificate_uuid('alice', 'program').hex}/" in urls
    assert "http://127.0.0.1:8170/admin/" in urls and "http://127.0.0.1:8170/api-docs/" in urls
    assert "http://127.0.0.1:8170/health/" in urls
    assert "http://127.0.0.1:8170/auto_auth/?username=bob&staff=false&superuser=false&next=/records/" in urls
    assert all(url.startswith("http://127.0.0.1:8170/") for url in urls), urls
    assert "user demo_staff, password demo_staff" in out


def test_the_demo_site_follows_the_port_and_serves_the_demo_there(client):
    call_command("load_demo_data", domain="127.0.0.1:8170")

    response = client.get(f"/credentials/{demo.certificate_uuid('alice', 'program').hex}/", HTTP_HOST="127.0.0.1:8170")

    assert response.status_code == 200
