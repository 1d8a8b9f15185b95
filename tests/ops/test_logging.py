"""Structured logging: the JSON line written for each request and for each error."""

import io
import json
import logging

import pytest
from django.urls import path

from credentials.apps.core.logging import JsonFormatter, RequestIdFilter, logging_config
from tests.jwt_helpers import auth_header, make_token


def broken_view(request):
    raise RuntimeError("boom in the view")


urlpatterns = [path("broken/", broken_view)]


@pytest.fixture
def json_lines():
    """What the production console handler writes, parsed back: one dict per line."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)


@pytest.mark.django_db
def test_a_request_is_logged_once_with_method_path_status_duration_user_and_id(api_client, site, json_lines):
    response = api_client.get(
        "/api/v2/credentials/?username=alice",
        HTTP_X_REQUEST_ID="trace-1",
        **auth_header(make_token("alice")),
    )

    assert response.status_code == 200
    assert response["X-Request-ID"] == "trace-1"
    [line] = [line for line in json_lines() if line["logger"] == "credentials.request"]
    assert line["message"] == "GET /api/v2/credentials/ 200"
    assert (line["method"], line["path"], line["status"], line["user"]) == ("GET", "/api/v2/credentials/", 200, "alice")
    assert line["request_id"] == "trace-1"
    assert isinstance(line["duration_ms"], float)
    assert line["level"] == "INFO"


@pytest.mark.django_db
def test_lines_written_while_serving_a_request_carry_its_id(api_client, site, json_lines):
    api_client.get("/api/v2/credentials/", HTTP_X_REQUEST_ID="trace-2", **auth_header(make_token("alice")))

    lines = json_lines()
    assert {line["logger"] for line in lines} >= {"credentials.request", "django.request"}  # 403 warning
    assert {line["request_id"] for line in lines} == {"trace-2"}


@pytest.mark.parametrize("incoming", ["", "has spaces", "x" * 201, "semi;colon", "\u00e9t\u00e9"])
def test_an_implausible_request_id_is_replaced_by_a_new_one(client, db, incoming, json_lines):
    response = client.get("/health/", HTTP_X_REQUEST_ID=incoming)

    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32
    assert json_lines()[-1]["request_id"] == response["X-Request-ID"]


def test_each_request_gets_its_own_id(client, db):
    assert client.get("/health/")["X-Request-ID"] != client.get("/health/")["X-Request-ID"]


def test_an_anonymous_request_logs_no_user(client, db, json_lines):
    client.get("/health/")

    assert json_lines()[-1]["user"] is None


@pytest.mark.urls("tests.ops.test_logging")
def test_an_unhandled_error_is_one_json_line_with_the_traceback_and_the_request_id(client, json_lines):
    client.raise_request_exception = False

    response = client.get("/broken/", HTTP_X_REQUEST_ID="trace-500")

    assert response.status_code == 500
    [error] = [line for line in json_lines() if line["level"] == "ERROR" and line["logger"] == "django.request"]
    assert error["request_id"] == "trace-500"
    assert error["message"] == "Internal Server Error: /broken/"
    assert error["exception_type"] == "RuntimeError"
    assert error["exception"].endswith("RuntimeError: boom in the view")
    assert error["status_code"] == 500
    assert "request" not in error  # the HttpRequest object is not dumped into the line


def test_text_format_and_levels_are_configurable():
    config = logging_config(level="warning", fmt="text", format_string="%(levelname)s %(message)s")

    assert config["root"]["level"] == "WARNING"
    assert config["handlers"]["console"]["formatter"] == "text"
    assert config["formatters"]["text"]["format"] == "%(levelname)s %(message)s"


@pytest.mark.parametrize(("level", "fmt"), [("LOUD", "json"), ("INFO", "xml")])
def test_an_unknown_level_or_format_is_refused(level, fmt):
    with pytest.raises(ValueError):
        logging_config(level=level, fmt=fmt)
