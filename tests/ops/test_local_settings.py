"""The settings of `make run` (credentials.settings.local): learner-facing pages unless DEBUG is asked for."""

import json
import os
import subprocess
import sys

import pytest

from tests.ops.servers import REPO

SHOW = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.DEBUG, s.SOCIAL_AUTH_EDX_OAUTH2_URL_ROOT, s.ENABLE_AUTO_AUTH, s.SERVE_MEDIA]))"
)


def local_settings(**env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG", "SOCIAL_AUTH_"))}
    environment.update(DJANGO_SETTINGS_MODULE="credentials.settings.local", **env)
    result = subprocess.run(
        [sys.executable, "-c", SHOW], cwd=REPO, env=environment, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_make_run_serves_learner_pages_without_an_lms_and_with_auto_auth():
    debug, lms_root, auto_auth, serve_media = local_settings()

    assert debug is False  # 404s are the styled page
    assert lms_root == ""  # sign-in offers the local learners
    assert auto_auth is True and serve_media is True


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("false", False)])
def test_debug_pages_only_when_asked_for(value, expected):
    assert local_settings(DEBUG=value)[0] is expected


def test_an_lms_can_still_be_configured_under_make_run():
    assert local_settings(SOCIAL_AUTH_EDX_OAUTH2_URL_ROOT="http://lms.local:18000")[1] == "http://lms.local:18000"
