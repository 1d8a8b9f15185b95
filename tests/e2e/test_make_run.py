"""The first five minutes of a new user: `make run` on a port of its own, then every link of the home page in
Chromium, the README's curl walk-through run exactly as written, the API docs with no internet.

`make run` runs as a user runs it (its own SQLite database and media folder in a temporary directory), so this
also proves that a fresh database migrates, loads the demo and serves.
"""

import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import expect

from credentials.apps.records import demo
from tests.ops.servers import REPO, STARTUP_ATTEMPTS, free_port, port_is_open


class MakeRun:
    """`PORT=<free port> make run` in its own process group, its output collected line by line."""

    def __init__(self, tmp_path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.lines = []
        env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST_"))}
        for name in ("DATABASE_URL", "CACHE_URL", "DEBUG", "SOCIAL_AUTH_EDX_OAUTH2_URL_ROOT"):
            env.pop(name, None)
        env.update(
            PORT=str(self.port),
            HOST="127.0.0.1",
            DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
            MEDIA_ROOT=str(tmp_path / "media"),
            PYTHONUNBUFFERED="1",
        )
        self.env = env
        self.process = subprocess.Popen(
            ["make", "run"],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group: runserver's reloader child stops with it
        )
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self):
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self):
        return "".join(self.lines)

    def wait_until_serving(self):
        for _ in range(STARTUP_ATTEMPTS * 5):  # a fresh database migrates first
            if self.process.poll() is not None:
                raise AssertionError(f"make run exited with {self.process.returncode}:\n{self.output}")
            if port_is_open(self.port) and "Quit the server" in self.output:
                return self
            time.sleep(0.1)
        raise AssertionError(f"make run did not serve on {self.url}:\n{self.output}")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture(scope="module")
def make_run(tmp_path_factory):
    server = MakeRun(tmp_path_factory.mktemp("make-run"))
    try:
        yield server.wait_until_serving()
    finally:
        server.stop()


def test_make_run_prints_every_link_on_its_port(make_run):
    urls = re.findall(r"https?://[^\s)]+", make_run.output)
    # Every link to this machine; runserver also prints a link to Django's deployment documentation.
    printed = [url for url in urls if urlsplit(url).hostname in ("127.0.0.1", "localhost")]

    assert f"{make_run.url}/" in printed
    assert f"{make_run.url}/admin/" in printed and f"{make_run.url}/api-docs/" in printed
    assert f"{make_run.url}/health/" in printed
    assert {urlsplit(url).netloc for url in printed} == {f"127.0.0.1:{make_run.port}"}, printed
    assert "8150" not in make_run.output


def test_every_404_under_make_run_is_the_styled_page(make_run):
    for path in ("/no-such-page/", f"/credentials/{'0' * 32}/", "/records/programs/shared/" + "0" * 32 + "/"):
        response = requests.get(make_run.url + path, timeout=30)

        assert response.status_code == 404, path
        assert "We can't find that page" in response.text, path
        assert "Using the URLconf" not in response.text and "Django tried these URL patterns" not in response.text


def visible_text(page):
    return " ".join(page.locator("body").inner_text().split())


def test_walk_every_link_on_the_home_page(make_run, new_page, screenshot):
    home = new_page()
    home.goto(make_run.url + "/")
    screenshot(home, "home")
    hrefs = home.locator("main a").evaluate_all("links => links.map(link => link.getAttribute('href'))")
    assert len(hrefs) >= 9, hrefs

    for number, href in enumerate(hrefs):
        page = new_page()  # a fresh browser each time: every link works for a newcomer
        response = page.goto(make_run.url + href)
        assert response.ok, f"{href}: {response.status}"
        text = visible_text(page)
        assert "We can't find that page" not in text, href

        if href.startswith("/credentials/") and "example" not in href:
            assert "valid certificate id" in text.lower() and "Alice Learner" in text
        elif href.startswith("/auto_auth/"):
            assert "Bob Learner" in text and "Data Science Foundations" in text
            assert page.get_by_role("link", name="Sign out").is_visible()
        elif href == "/admin/":
            page.fill("#id_username", demo.STAFF_USERNAME)
            page.fill("#id_password", demo.STAFF_USERNAME)  # the login the home page shows
            page.click("input[type=submit]")
            expect(page.locator("#content h1")).to_have_text("Site administration")
            screenshot(page, f"link-{number:02d}-signed-in")
            page.get_by_role("link", name="View site").click()
            expect(page).to_have_url(make_run.url + "/")
        elif href == "/api-docs/":
            expect(page.locator(".swagger-ui .info .title")).to_contain_text("Credentials API")
        elif href == "/health/":
            assert '"overall_status": "OK"' in page.content()
        screenshot(page, f"link-{number:02d}")


def test_signed_out_records_offer_the_demo_learners_and_sign_out_returns_home(make_run, new_page, screenshot):
    page = new_page()
    page.goto(make_run.url + "/records/")
    expect(page.locator("h2")).to_have_text("Sign in")
    screenshot(page, "sign-in")

    page.get_by_role("link", name="Continue as Bob Learner (bob)").click()

    expect(page).to_have_url(make_run.url + "/records/")
    expect(page.locator(".program-card")).to_contain_text("Data Science Foundations")
    page.get_by_role("link", name="Sign out").click()
    expect(page).to_have_url(make_run.url + "/")
    assert page.get_by_role("link", name="Sign out").count() == 0


def test_api_docs_work_with_no_internet(make_run, new_page):
    page = new_page()
    blocked = []

    def only_this_server(route):
        if route.request.url.startswith(make_run.url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.context.route("**/*", only_this_server)
    page.goto(make_run.url + "/api-docs/")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Credentials API")
    expect(page.locator(".opblock-summary-path", has_text="/api/v2/credentials/").first).to_be_visible()
    assert blocked == []


def test_the_readme_walk_through_ends_on_a_certificate_a_person_can_open(make_run, new_page, screenshot):
    readme = (Path(REPO) / "README.md").read_text()
    section = readme[readme.index("## Calling the API with a JWT") : readme.index("What the API offers")]
    script = "set -e\n" + "\n".join(re.findall(r"```bash\n(.*?)```", section, re.S))

    result = subprocess.run(
        ["bash", "-c", script], cwd=REPO, env=make_run.env, capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stdout + result.stderr
    opened = re.search(r"^Open (\S+)$", result.stdout, re.M)
    assert opened, result.stdout
    assert opened.group(1).startswith(f"{make_run.url}/credentials/")
    page = new_page()
    assert page.goto(opened.group(1)).ok
    text = visible_text(page)
    assert "This is to certify that carol" in text
    assert "Data Science Foundations" in text and "valid certificate id" in text.lower()
    screenshot(page, "carol")


def test_demo_logo_text_fits_its_box_with_this_machines_fonts(make_run, new_page):
    page = new_page()
    page.goto(make_run.url + "/static/images/demo-logo.svg")

    box = page.evaluate(
        "() => { const b = document.querySelector('text').getBBox(); return [b.x, b.y, b.width, b.height]; }"
    )

    x, y, width, height = box
    assert x >= 70 and x + width <= 240 - 6, box  # right of the seal, inside the rounded box
    assert y >= 4 and y + height <= 80 - 4, box
