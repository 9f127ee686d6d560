"""ErrorCode.as_problem: an RFC 9457 problem-details object for every code."""
from __future__ import annotations

import dataclasses
import json
import re
from urllib.parse import urlsplit

import pytest

import errdict
from errdict import ErrorCode, lookup

STANDARD = {"type", "title", "detail", "instance", "status"}
# RFC 9457 section 3.2: extension member names should start with a letter, hold only letters,
# digits and underscores, and be at least three characters long.
EXTENSION_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{2,}\Z")


@pytest.mark.parametrize("err", list(errdict.iter_codes()), ids=lambda e: str(e.code))
def test_every_code_gives_a_valid_problem_object(err: ErrorCode):
    problem = err.as_problem()
    parts = urlsplit(problem["type"])
    assert parts.scheme == "https" and parts.netloc and problem["type"] == err.url
    assert problem["title"] == err.title
    if err.explained:
        assert problem["detail"] == err.summary
    else:  # a reference entry has no summary: the detail says so and points upstream
        assert problem["detail"] == f"errdict has not explained {err.code} yet; see {err.upstream_url}"
        assert problem["explained"] is False
    assert "instance" not in problem
    assert "status" not in problem  # the HTTP status is the caller's to set, not a code's
    for name in set(problem) - STANDARD:
        assert EXTENSION_NAME.match(name), name
    assert problem["code"] == err.code and problem["level"] == err.level
    assert problem["retry"] == err.retry and problem["action"] == err.action
    assert problem["action_title"] == err.action_title
    assert problem.get("advice") == err.advice
    assert json.loads(json.dumps(problem)) == problem  # ready for application/problem+json


def test_title_is_the_same_for_every_occurrence_and_instance_is_per_occurrence():
    err = lookup(21610)
    first, second = err.as_problem("/messages/SM1"), err.as_problem("/messages/SM2")
    assert first["type"] == second["type"] and first["title"] == second["title"]
    assert (first["instance"], second["instance"]) == ("/messages/SM1", "/messages/SM2")
    assert list(first)[:4] == ["type", "title", "detail", "instance"]


@pytest.mark.parametrize("bad", [42, b"/x", ["/x"], {"uri": "/x"}])
def test_instance_must_be_a_string(bad):
    with pytest.raises(TypeError, match="instance must be a URI string"):
        lookup(21610).as_problem(bad)


def test_deprecated_code_names_its_replacement_without_clashing_with_status():
    problem = dataclasses.replace(lookup(30005), status="deprecated", replaced_by=30003).as_problem()
    assert problem["status_of_code"] == "deprecated" and problem["replaced_by"] == 30003
    assert "status" not in problem  # "status" is reserved for the HTTP status code
    active = lookup(30005).as_problem()
    assert "status_of_code" not in active and "replaced_by" not in active


def test_type_follows_another_copy_of_the_site():
    problem = lookup(30007, site_url="https://help.example.com/errors").as_problem()
    assert problem["type"] == "https://help.example.com/errors/codes/30007/"


def test_no_advice_member_when_the_entry_has_none():
    assert lookup(30007).advice  # the real entry has advice; without it the member goes
    assert "advice" not in dataclasses.replace(lookup(30007), advice=None).as_problem()
