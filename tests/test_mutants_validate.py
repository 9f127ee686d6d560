"""The validator's messages, pinned where mutation testing (issue 12) found them unpinned: list and
length limits (with the singular "1 item"), vocabulary hints, the reference entry's missing field
(no full-entry wording), and the files in codes/ that are not entries. Each is the exact line a
contributor reads: file:line:column: field: message."""
from __future__ import annotations

from pathlib import Path

import pytest

from entries import entry_text, reference_text, write_entries, write_pair
from generator.catalog import load_catalog

F = "codes/21610.yaml"


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def problems(folder: Path = Path("codes")) -> list[str]:
    return [str(p) for p in load_catalog(folder).problems]


CASES = {
    "too many who_acts": (
        {"who_acts: [sender]": "who_acts: [sender, recipient, developer, carrier]"},
        f"{F}:21:11: who_acts: must list at most 3 items"),
    "no who_acts": (
        {"who_acts: [sender]": "who_acts: []"},
        f"{F}:21:11: who_acts: must list at least 1 item"),
    "who_acts twice": (
        {"who_acts: [sender]": "who_acts: [sender, sender]"},
        f"{F}:21:11: who_acts: lists the same item more than once"),
    "advice too long": (
        {"advice: Do not retry this message.": "advice: " + "Do not retry. " * 43},
        f"{F}:20:9: advice: must be at most 600 characters long (it has 601)"),
    "title too long": (
        {"title: Test title for 21610": "title: " + "T" * 201},
        f"{F}:4:8: title: must be at most 200 characters long (it has 201)"),
    "retry misspelt": (
        {"retry: never": "retry: nevr"},
        f"{F}:18:8: retry: 'nevr' is not one of: never, later, after-fix; did you mean 'never'?"),
    "retry unknown in a full entry": (
        {"retry: never": "retry: unknown"},
        f"{F}:18:8: retry: 'unknown' is only for reference entries; a full entry says what to do"),
    "level as a number": (
        {"level: error": "level: 5"},
        f"{F}:5:8: level: 5 is not one of: error, warning"),
    "code too large": (
        {"code: 21610": "code: 1000000"},
        f"{F}:2:7: code: must be a positive integer of 3 to 6 digits"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_schema_limits_have_exact_messages(in_tmp, name):
    swap, expected = CASES[name]
    write_pair(in_tmp / "codes", entry_text(**swap))
    assert problems() == [expected]


def test_causes_as_a_number_say_what_was_found(in_tmp):
    text = entry_text(**{"causes:\n  - The first cause.\n  - The second cause.": "causes: 5"})
    write_pair(in_tmp / "codes", text)
    assert problems() == [f"{F}:12:9: causes: must be a list, not an integer"]


def test_a_reference_entry_missing_its_title_is_not_told_about_full_entries(in_tmp):
    write_pair(in_tmp / "codes", entry_text())
    write_entries(in_tmp / "codes", {40001: reference_text(40001, **{'title: "Reference title for 40001"\n': ""})})
    assert problems() == ["codes/40001.yaml:2:1: title: required field is missing"]


def test_files_in_codes_that_are_not_entries_say_what_to_do(in_tmp):
    write_pair(in_tmp / "codes", entry_text())
    (in_tmp / "codes" / "40001.yml").write_text(reference_text(40001), "utf-8")
    (in_tmp / "codes" / "notes.txt").write_text("x", "utf-8")
    (in_tmp / "codes" / "sub").mkdir()
    assert problems() == [
        "codes/40001.yml:1:1: wrong extension; rename it to 40001.yaml",
        "codes/notes.txt:1:1: not an entry: files in codes/ must be named <code>.yaml, the code a number of "
        "3 to 6 digits without leading zeros",
        "codes/sub:1:1: a folder in codes/; entries are files codes/<code>.yaml, directly in codes/",
    ]
