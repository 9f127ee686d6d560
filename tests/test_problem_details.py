"""ErrorCode.as_problem: an RFC 9457 problem-details object for every code."""
from __future__ import annotations

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


def problem_object_faults(err: ErrorCode) -> list[str]:
    """What is wrong with the problem object of one code (nothing, for a good one)."""
    problem = err.as_problem()
    faults = []
    parts = urlsplit(problem["type"])
    if not (parts.scheme == "https" and parts.netloc and problem["type"] == err.url):
        faults.append(f"type {problem['type']!r} is not the https page {err.url!r}")
    if problem["title"] != err.title:
        faults.append("title is not the official title")
    expected_detail = (err.summary if err.explained else
                       f"errdict has not explained {err.code} yet; see {err.upstream_url}")
    if problem["detail"] != expected_detail:
        faults.append(f"detail {problem['detail']!r} is not {expected_detail!r}")
    # no instance without an occurrence; the HTTP status is the caller's to set, not a code's
    faults += [f"{name} is set" for name in ("instance", "status") if name in problem]
    faults += [f"extension {name!r} is not an RFC 9457 name" for name in set(problem) - STANDARD
               if not EXTENSION_NAME.match(name)]
    expected = {"code": err.code, "level": err.level, "retry": err.retry, "action": err.action,
                "action_title": err.action_title, "explained": err.explained, "advice": err.advice}
    faults += [f"{name} is {problem.get(name)!r}, not {value!r}" for name, value in expected.items()
               if problem.get(name) != value]
    if json.loads(json.dumps(problem)) != problem:
        faults.append("does not survive JSON")  # ready for application/problem+json
    return faults


def test_every_code_gives_a_valid_problem_object():
    faults = {err.code: found for err in errdict.iter_codes() if (found := problem_object_faults(err))}
    assert faults == {}


def test_the_problem_check_sees_a_wrong_object(monkeypatch):
    err = lookup(21610)
    original = ErrorCode.as_problem

    def damaged(self, instance=None):
        problem = original(self, instance)
        problem.update(detail="other", status=400, retry="always", **{"x-y": 1})
        return problem

    monkeypatch.setattr(ErrorCode, "as_problem", damaged)
    assert problem_object_faults(err) == [
        f"detail 'other' is not {err.summary!r}", "status is set", "extension 'x-y' is not an RFC 9457 name",
        f"retry is 'always', not {err.retry!r}"]


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
    problem = lookup(30005)._replace(status="deprecated", replaced_by=30003).as_problem()
    assert problem["status_of_code"] == "deprecated" and problem["replaced_by"] == 30003
    assert "status" not in problem  # "status" is reserved for the HTTP status code
    active = lookup(30005).as_problem()
    assert "status_of_code" not in active and "replaced_by" not in active


def test_type_follows_another_copy_of_the_site():
    problem = lookup(30007, site_url="https://help.example.com/errors").as_problem()
    assert problem["type"] == "https://help.example.com/errors/codes/30007/"


def test_no_advice_member_when_the_entry_has_none():
    assert lookup(30007).advice  # the real entry has advice; without it the member goes
    assert "advice" not in lookup(30007)._replace(advice=None).as_problem()
