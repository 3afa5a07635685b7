"""Request ids and structured logs: one JSON object per line on stderr, carrying the request id,
user, role and unit of the request."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from greenlist.ops.logs import RequestContextFilter

HEX_ID = re.compile(r"[0-9a-f]{32}")


def json_lines(text: str) -> list[dict[str, Any]]:
    lines = text.splitlines()
    assert all(line.startswith("{") for line in lines)
    return [json.loads(line) for line in lines]


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """The console handler configured by settings.LOGGING, writing into a buffer for the test (it
    holds the stderr of when logging was configured, which pytest had already replaced)."""
    (handler,) = [
        h for h in logging.getLogger().handlers if any(isinstance(f, RequestContextFilter) for f in h.filters)
    ]
    assert isinstance(handler, logging.StreamHandler)
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        yield buffer
    finally:
        handler.setStream(previous)


def test_a_safe_request_id_is_echoed():
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a9c21:0001")
    assert response["X-Request-ID"] == "lb-7f3a9c21:0001"


def test_an_unsafe_or_missing_request_id_is_replaced_by_a_fresh_one():
    unsafe = ["id with spaces", 'x"; drop', "short", "a" * 129]
    seen = set()
    for value in [*unsafe, None]:
        headers = {} if value is None else {"HTTP_X_REQUEST_ID": value}
        echoed = Client().get("/healthz", **headers)["X-Request-ID"]
        assert HEX_ID.fullmatch(echoed)
        assert echoed != value
        seen.add(echoed)
    assert len(seen) == len(unsafe) + 1


def test_log_lines_are_json_with_the_request_id_user_role_and_unit(personas, log_output):
    city = personas.city_a
    response = personas.client(city).get("/applications/999999999/", HTTP_X_REQUEST_ID="trace-0000beef")
    assert response.status_code == 404
    lines = json_lines(log_output.getvalue())
    logged = [line for line in lines if line.get("request_id") == "trace-0000beef"]
    assert [line["level"] for line in logged] == ["WARNING"]
    line = logged[0]
    assert line["logger"] == "django.request"
    assert "/applications/999999999/" in line["message"]
    assert (line["user"], line["role"], line["unit"]) == (city.username, city.role, str(city.unit_id))
    assert line["time"]


def test_log_lines_outside_a_request_carry_empty_request_fields(log_output):
    logging.getLogger("greenlist.test").warning("后台：队列为空")
    (line,) = [x for x in json_lines(log_output.getvalue()) if x.get("logger") == "greenlist.test"]
    assert line["message"] == "后台：队列为空"
    assert (line["request_id"], line["user"], line["role"], line["unit"]) == ("", "", "", "")


def test_the_console_handler_writes_to_stderr_by_default(settings):
    handler = settings.LOGGING["handlers"]["console"]
    assert handler["class"] == "logging.StreamHandler"
    assert "stream" not in handler
    assert handler["formatter"] == "json"
