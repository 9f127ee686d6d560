"""The command line: `errdict CODE ...`, `errdict search`, exit statuses."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from errdict import lookup
from errdict.cli import main

REPO = Path(__file__).resolve().parent.parent


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out, err)
    return status, out.getvalue(), err.getvalue()


def test_explains_a_code_readably():
    status, out, err = run("21610")
    entry = lookup(21610)
    assert status == 0 and err == ""
    assert out.startswith("21610: Attempt to send to unsubscribed recipient\n  error · Messaging\n")
    for expected in ("Retry:  Never retry", "Action: Stop messaging the recipient", "Possible causes",
                     "Possible solutions", f"More: {entry.url}", "Also known as: User replied STOP (opt-out)"):
        assert expected in out
    first_cause_words = " ".join(entry.causes[0].split()[:6])
    assert first_cause_words in " ".join(out.split())


def test_several_codes_and_free_form_spellings():
    status, out, _ = run("21610", "ERROR: 30007")
    assert status == 0
    assert "21610: Attempt to send" in out and "30007: Message filtered" in out


def test_json_output_for_programs():
    status, out, _ = run("30003", "--json")
    assert status == 0
    data = json.loads(out)
    assert isinstance(data, list) and len(data) == 1
    assert data[0]["code"] == 30003 and data[0]["retry"] == lookup(30003).retry
    assert data[0]["action_title"] == lookup(30003).action_title


def test_unknown_code_exits_1_with_a_suggestion():
    status, out, err = run("21610", "21630")
    assert status == 1
    assert "21610: Attempt" in out  # the known one is still explained
    assert "21630 is not in the errdict catalog; nearest known codes: 21631" in err


def test_unknown_code_in_json_lists_suggestions():
    status, out, _ = run("21630", "--json")
    assert status == 1
    assert json.loads(out) == [{"code": 21630, "error": "unknown code",
                                "suggestions": list(json.loads(out)[0]["suggestions"])}]
    assert json.loads(out)[0]["suggestions"][0] == 21631


def test_usage_errors_exit_2():
    assert run()[0] == 2
    status, _, err = run("hello")
    assert status == 2 and "no error code in 'hello'" in err
    assert run("--no-such-flag", "21610")[0] == 2
    assert run("search")[0] == 2


def test_search_command():
    status, out, _ = run("search", "unsubscribed")
    assert status == 0 and out.lstrip().startswith("21610  Attempt to send to unsubscribed recipient")
    status, out, _ = run("search", "--json", "Carrier", "Violation")
    assert status == 0 and json.loads(out)[0]["code"] == 30007
    status, _, err = run("search", "qqqqzzzz")
    assert status == 1 and "nothing matches" in err


def test_python_dash_m_errdict_works_from_anywhere(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    result = subprocess.run([sys.executable, "-m", "errdict", "21614"], cwd=tmp_path, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0
    assert result.stdout.startswith("21614: 'To' number is not a valid mobile number")
    usage = subprocess.run([sys.executable, "-m", "errdict"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert usage.returncode == 2 and "usage: errdict" in usage.stderr
