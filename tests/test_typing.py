"""py.typed is honest: a user's mypy --strict sees every public name of errdict, typed."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import errdict

REPO = Path(__file__).resolve().parent.parent

USER_CODE = '''
import errdict
from errdict import Catalog, ErrorCode, Finding, UnknownCodeError, lookup, scan, search

err: ErrorCode = lookup(21610)
title: str = err.title
who: tuple[str, ...] = err.who_acts
problem: dict[str, object] = err.as_problem()
found: list[Finding] = scan("ErrorCode=30007")
code: int = found[0].code
hits: list[ErrorCode] = search("opt out")
catalog: Catalog = errdict.default_catalog()
suggestions: tuple[int, ...] = catalog.suggestions(21609)
try:
    lookup(21609)
except UnknownCodeError as exc:
    near: tuple[int, ...] = exc.suggestions
reveal_type(errdict.scan)
'''


@pytest.mark.slow
def test_a_users_strict_mypy_sees_every_public_name(tmp_path):
    user = tmp_path / "user.py"
    user.write_text(USER_CODE, "utf-8")
    done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(user)],
                          capture_output=True, text=True, cwd=tmp_path, env={"MYPYPATH": str(REPO), "PATH": ""})
    assert "error:" not in done.stdout, done.stdout
    assert 'Revealed type is "def (source:' in done.stdout, done.stdout


def test_every_name_in_all_is_importable():
    for name in errdict.__all__:
        assert getattr(errdict, name) is not None, name
