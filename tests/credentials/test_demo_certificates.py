"""`make run` shows real certificates: the demo data awards Alice the program and its three courses."""

import pytest
from django.core.management import call_command

from credentials.apps.records import demo

pytestmark = pytest.mark.django_db


def test_demo_program_certificate_renders_for_alice(client):
    call_command("load_demo_data")

    response = client.get(f"/credentials/{demo.certificate_uuid('alice', 'program').hex}/", HTTP_HOST=demo.DEMO_DOMAIN)

    page = response.content.decode()
    assert response.status_code == 200
    assert '<strong class="accomplishment-recipient">Alice Learner</strong>' in page
    assert '<p class="accomplishment-program-name">Data Science Foundations</p>' in page
    assert "Dr. Maya Chen" in page and "Academic Director<br>Data Science Programs" in page
    assert 'class="signatory-signature-img" src="/media/signatories/' in page
    assert "Issued July 2026" in page and "120 hours" in page


def test_demo_course_certificates_render_for_alice(client):
    call_command("load_demo_data")

    for course_key, title in demo.COURSES:
        run_key = f"course-v1:{course_key}+2026"
        response = client.get(
            f"/credentials/{demo.certificate_uuid('alice', run_key).hex}/", HTTP_HOST=demo.DEMO_DOMAIN
        )

        assert response.status_code == 200
        assert f'<p class="accomplishment-program-name">{title}</p>' in response.content.decode()


def test_demo_command_prints_the_certificate_urls(capsys):
    call_command("load_demo_data")

    assert f"/credentials/{demo.certificate_uuid('alice', 'program').hex}/" in capsys.readouterr().out
