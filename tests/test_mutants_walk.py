"""What makes an object an error object, pinned where mutation testing (issue 12) found the bounds
unpinned: a "code" key names an error code only in an object that says it reports an error, by an
HTTP status of 400 to 599 (number or text), a failed delivery status (also as a parsed form body's
one-item list), or a log level of warning or worse (text, or pino/bunyan's 40, 50, 60)."""
from __future__ import annotations

import pytest

from errdict import scan

ERROR_CONTEXT = [
    ("status", 400), ("status", 401), ("status", 503), ("status", 598), ("status", 599),
    ("status", "400"), ("status", " 599 "), ("status", "failed"), ("status", "Undelivered"),
    ("MessageStatus", ["failed"]), ("status", ["503"]),
    ("level", 40), ("level", 50), ("level", 60), ("level", "error"), ("level", "WARN"),
]
NO_ERROR_CONTEXT = [
    ("status", 200), ("status", 399), ("status", 600), ("status", 4000), ("status", "399"), ("status", "600"),
    ("status", "4000"), ("status", "abc"), ("status", "40a"), ("status", "delivered"), ("status", None),
    ("status", {"state": "failed"}), ("status", ["failed", "sent"]), ("status", []),
    ("level", 30), ("level", 41), ("level", 51), ("level", 61), ("level", "info"), ("level", None),
]


@pytest.mark.parametrize(("key", "value"), ERROR_CONTEXT)
def test_a_code_key_in_an_error_object_is_an_api_error_body(key, value):
    found = scan({"code": 30007, key: value})
    assert [(f.code, f.kind, f.path) for f in found] == [(30007, "api-error-body", "/code")]


@pytest.mark.parametrize(("key", "value"), NO_ERROR_CONTEXT)
def test_a_code_key_outside_an_error_object_is_no_finding(key, value):
    assert scan({"code": 30007, key: value}) == []  # a verification code, an order code, ...


def test_the_status_may_come_after_the_code():
    assert [f.code for f in scan({"code": 21610, "message": "Attempt to send to unsubscribed recipient",
                                  "status": 400})] == [21610]
    assert scan({"code": 21610, "message": "Your code is 21610", "status": 200}) == []
