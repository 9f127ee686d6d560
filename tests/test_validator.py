"""The validator, tested the trove-classifiers way: one bad entry per failure kind, each with
the exact message a contributor will read."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from entries import entry_text, write_pair
from generator.catalog import load_catalog
from generator.validate import markup_problem

REPO = Path(__file__).resolve().parent.parent
SUMMARY = "summary: Something went wrong with the message in a way a person can understand."

# name -> (text of codes/21610.yaml, exact problems expected over the two-entry catalog)
CASES = {
    "empty string in a list": (
        entry_text(**{"  - The second cause.": '  - ""'}),
        ["codes/21610.yaml:12:5: causes[1]: must be a non-empty string"]),
    "number in a list of text": (
        entry_text(**{"  - The second cause.": "  - 42"}),
        ["codes/21610.yaml:12:5: causes[1]: must be a non-empty string"]),
    "misspelt field": (
        entry_text(**{"summary:": "sumary:"}),
        ["codes/21610.yaml:2:1: summary: required field is missing",
         "codes/21610.yaml:7:1: sumary: unknown field; did you mean 'summary'?"]),
    "unknown field": (
        entry_text(**{"advice: Do": "colour: red\nadvice: Do"}),
        ["codes/21610.yaml:18:1: colour: unknown field; known fields: code, title, level, product, status, "
         "replaced_by, summary, description, causes, solutions, retry, action, advice, aliases, related, "
         "links, updated, stub"]),
    "missing field": (
        entry_text(**{"retry: never\n": ""}),
        ["codes/21610.yaml:2:1: retry: required field is missing"]),
    "duplicate key": (
        entry_text(**{"level: error": "level: error\nlevel: warning"}),
        ["codes/21610.yaml:5:1: level: duplicate key (first set at line 4); "
         "YAML would silently keep only the last one"]),
    "YAML 1.1 boolean": (
        entry_text(**{'aliases: ["Alias of 21610"]': "aliases: [no]"}),
        ["codes/21610.yaml:19:11: aliases[0]: YAML 1.1 reads the unquoted 'no' as the boolean False; "
         "quote it if it is text"]),
    "YAML 1.1 octal": (
        entry_text(**{"related: [30004]": "related: [030004]"}),
        ["codes/21610.yaml:20:11: related[0]: YAML 1.1 reads the unquoted '030004' as the number 12292; "
         "write a plain decimal number, or quote it if it is text"]),
    "YAML 1.1 base 60": (
        entry_text(**{'updated: "2026-11-27"': "updated: 1:20"}),
        ["codes/21610.yaml:24:10: updated: YAML 1.1 reads the unquoted '1:20' as the base-60 number 80; "
         "write a plain decimal number, or quote it if it is text"]),
    "unquoted date": (
        entry_text(**{'updated: "2026-11-27"': "updated: 2026-11-27"}),
        ["codes/21610.yaml:24:10: updated: YAML reads the unquoted '2026-11-27' as a date; "
         'quote it: "2026-11-27"']),
    "impossible date": (
        entry_text(**{'updated: "2026-11-27"': 'updated: "2026-13-01"'}),
        ['codes/21610.yaml:24:10: updated: must be a date written as "YYYY-MM-DD" (quoted)']),
    "value outside a vocabulary": (
        entry_text(**{"level: error": "level: eror"}),
        ["codes/21610.yaml:4:8: level: 'eror' is not one of: error, warning; did you mean 'error'?"]),
    "action outside its vocabulary": (
        entry_text(**{"action: stop-messaging": "action: panic"}),
        ["codes/21610.yaml:17:9: action: 'panic' is not one of: stop-messaging, correct-number, "
         "register-sender, wait-and-retry, fix-request, fix-content, fix-webhook, fix-configuration, "
         "contact-support"]),
    "file name differs from the code": (
        entry_text(**{"code: 21610": "code: 21611"}),
        ["codes/21610.yaml:2:7: code: 21611 does not match the file name; "
         "the entry for 21611 belongs in 21611.yaml"]),
    "code too short": (
        entry_text(**{"code: 21610": "code: 42"}),
        ["codes/21610.yaml:2:7: code: must be a positive integer of 3 to 6 digits"]),
    "code with a fraction": (
        entry_text(**{"code: 21610": "code: 21610.0"}),
        ["codes/21610.yaml:2:7: code: must be an integer, not a number with a fraction"]),
    "code as a boolean": (
        entry_text(**{"code: 21610": "code: true"}),
        ["codes/21610.yaml:2:7: code: must be an integer, not a boolean"]),
    "related code without an entry": (
        entry_text(related=99999),
        ["codes/21610.yaml:20:11: related[0]: 99999 has no entry in codes/; "
         "add codes/99999.yaml or remove the reference"]),
    "related to itself": (
        entry_text(related=21610),
        ["codes/21610.yaml:20:11: related[0]: a code cannot be related to itself"]),
    "replaced by a missing code": (
        entry_text(**{"status: active": "status: removed\nreplaced_by: 77777"}),
        ["codes/21610.yaml:7:14: replaced_by: 77777 has no entry in codes/; "
         "add codes/77777.yaml or remove the reference"]),
    "replaced by itself": (
        entry_text(**{"status: active": "status: deprecated\nreplaced_by: 21610"}),
        ["codes/21610.yaml:7:14: replaced_by: a code cannot be replaced by itself"]),
    "replacement on an active code": (
        entry_text(**{"status: active": "status: active\nreplaced_by: 30004"}),
        ["codes/21610.yaml:6:9: status: must be 'deprecated' or 'removed' when replaced_by is set"]),
    "alias of another code": (
        entry_text(**{'aliases: ["Alias of 21610"]': 'aliases: ["alias  OF 30004"]'}),
        ["codes/30004.yaml:19:11: aliases[0]: 'Alias of 30004' is already an alias of 21610 "
         "(codes/21610.yaml)"]),
    "script in a cause": (
        entry_text(**{"  - The first cause.": "  - Click <script>alert(1)</script> here."}),
        ["codes/21610.yaml:11:5: causes[0]: raw HTML is not allowed (found '<script'); "
         "describe it in words or put literal code in `backticks`"]),
    "HTML in the title": (
        entry_text(**{"title: Test title for 21610": 'title: "Bold <b>title</b>"'}),
        ["codes/21610.yaml:3:8: title: raw HTML is not allowed (found '<b'); "
         "describe it in words or put literal code in `backticks`"]),
    "HTML comment in the description": (
        entry_text(**{"  A description of": "  Hidden <!-- note --> A description of"}),
        ["codes/21610.yaml:8:14: description: raw HTML is not allowed (found '<!-- note --'); "
         "describe it in words or put literal code in `backticks`"]),
    "plain http link in Markdown": (
        entry_text(**{"  - The first cause.": "  - See [this](http://x.org) page."}),
        ["codes/21610.yaml:11:5: causes[0]: links must be https:// URLs (found 'http://x.org')"]),
    "javascript link in Markdown": (
        entry_text(**{"  - The first solution.": "  - See [this](javascript:alert(1)) page."}),
        ["codes/21610.yaml:14:5: solutions[0]: links must be https:// URLs (found 'javascript:alert(1')"]),
    "plain http link as a reference definition": (
        entry_text(**{"  A description of": "  See [the guide][1].\n\n  [1]: http://example.org/guide\n\n  A description of"}),
        ["codes/21610.yaml:8:14: description: links must be https:// URLs (found 'http://example.org/guide')"]),
    "image in a solution": (
        entry_text(**{"  - The first solution.": "  - Look at ![this](https://example.org/pixel.png) first."}),
        ["codes/21610.yaml:14:5: solutions[0]: images are not allowed in an entry"]),
    "http URL in links": (
        entry_text(**{"url: https://example.org/page": "url: http://example.org/page"}),
        ["codes/21610.yaml:23:10: links[0].url: must be an https:// URL without spaces or quotes"]),
    "summary that is not a sentence": (
        entry_text(**{SUMMARY: "summary: no full stop at the end"}),
        ["codes/21610.yaml:7:10: summary: must be one sentence on a single line, ending with '.', '!' or '?'"]),
    "summary over two lines": (
        entry_text(**{SUMMARY: "summary: |\n  First line.\n  Second line."}),
        ["codes/21610.yaml:7:10: summary: must be one sentence on a single line, ending with '.', '!' or '?'"]),
    "no causes": (
        entry_text(**{"  - The first cause.\n  - The second cause.\n": "", "causes:": "causes: []"}),
        ["codes/21610.yaml:10:9: causes: must list at least 1 item"]),
    "causes as text": (
        entry_text(**{"  - The first cause.\n  - The second cause.\n": "", "causes:": "causes: just one"}),
        ["codes/21610.yaml:10:9: causes: must be a list, not a string"]),
    "same related code twice": (
        entry_text(**{"related: [30004]": "related: [30004, 30004]"}),
        ["codes/21610.yaml:20:10: related: lists the same item more than once"]),
    "tab indentation": (
        entry_text(**{"level: error": "level:\terror"}),
        ["codes/21610.yaml:4:7: tab character; YAML entries are indented with spaces only"]),
    "invalid YAML": (
        entry_text(**{"level: error": "level: [error"}),
        ["codes/21610.yaml:5:8: invalid YAML: did not find expected ',' or ']'"]),
    "a list instead of a mapping": (
        "- code: 21610\n- title: x\n",
        ["codes/21610.yaml:1:1: the file holds a list; an entry is a mapping of fields"]),
    "a single value": (
        "21610\n",
        ["codes/21610.yaml:1:1: the file holds a single value; an entry is a mapping of fields"]),
    "empty file": (
        "",
        ["codes/21610.yaml:1:1: empty file; an entry is a mapping of fields (see generator/entry.schema.json)"]),
    "only comments": (
        "# to do\n",
        ["codes/21610.yaml:1:1: empty file; an entry is a mapping of fields (see generator/entry.schema.json)"]),
    "not UTF-8": (
        b"code: 21610\ntitle: caf\xe9\n",
        ["codes/21610.yaml:2:11: not valid UTF-8 (byte 0xe9); save the file as UTF-8"]),
    "byte-order mark": (
        "\ufeff" + entry_text(),
        ["codes/21610.yaml:1:1: starts with a byte-order mark; save the file as UTF-8 without BOM"]),
    "oversized file": (
        entry_text(**{"  A description of": "  " + "word " * 14000 + "\n  A description of"}),
        ["codes/21610.yaml:1:1: file is 70,634 bytes; an entry may be at most 65,536 bytes"]),
    "alias bomb": (
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n"
                  for i in range(8)),
        None),  # checked separately below: quick, one alias report, no expansion
    "merge key": (
        entry_text(**{"level: error": "<<: {level: error}"}),
        ["codes/21610.yaml:2:1: level: required field is missing",
         "codes/21610.yaml:4:1: <<: YAML merge keys (<<) are not allowed in an entry; write the fields out"]),
    "custom tag": (
        entry_text(**{"level: error": "level: !shout error"}),
        ["codes/21610.yaml:4:8: level: YAML tag '!shout' is not allowed in an entry"]),
    "stub from the importer": (
        "code: 21610\ntitle: T\nlevel: error\nproduct: messaging\nstatus: active\nstub: true\n",
        ["codes/21610.yaml:6:1: stub: incomplete: a stub from the upstream importer; write summary, "
         "description, causes, solutions, retry, action, updated, then remove 'stub'"]),
}


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("name", [n for n, (_, expected) in CASES.items() if expected is not None])
def test_each_failure_kind_has_its_exact_message(in_tmp, name):
    text, expected = CASES[name]
    write_pair(in_tmp / "codes", text)
    catalog = load_catalog(Path("codes"))
    assert [str(p) for p in catalog.problems] == expected
    flagged = {int(Path(p.file).stem) for p in catalog.problems}
    assert flagged and not flagged & set(catalog.by_code())  # a bad entry never reaches the catalog


def test_the_valid_pair_has_no_problems(in_tmp):
    write_pair(in_tmp / "codes", entry_text())
    catalog = load_catalog(Path("codes"))
    assert catalog.problems == []
    assert sorted(catalog.by_code()) == [21610, 30004]


def test_alias_bomb_is_rejected_at_once_without_expanding(in_tmp):
    import time

    write_pair(in_tmp / "codes", CASES["alias bomb"][0])
    started = time.perf_counter()
    catalog = load_catalog(Path("codes"))
    assert time.perf_counter() - started < 2
    alias_reports = [str(p) for p in catalog.problems if "aliases (*name)" in p.message]
    assert alias_reports == ["codes/21610.yaml:2:4: b[0]: YAML aliases (*name) are not allowed in an entry; "
                             "write the value out"]


def test_a_reference_to_a_broken_entry_is_not_reported_twice(in_tmp):
    write_pair(in_tmp / "codes", "")
    problems = [str(p) for p in load_catalog(Path("codes")).problems]
    assert problems == ["codes/21610.yaml:1:1: empty file; an entry is a mapping of fields "
                        "(see generator/entry.schema.json)"]


def test_two_files_with_the_same_code(in_tmp):
    codes = in_tmp / "codes"
    write_pair(codes, entry_text())
    (codes / "21611.yaml").write_text(entry_text(**{"Alias of 21610": "Another alias"}), "utf-8")
    problems = [str(p) for p in load_catalog(Path("codes")).problems]
    assert problems == [
        "codes/21611.yaml:2:7: code: 21610 does not match the file name; the entry for 21610 belongs in 21610.yaml",
        "codes/21611.yaml:2:7: code: 21610 is also defined in codes/21610.yaml",
    ]


def test_stray_files_are_reported_never_skipped(in_tmp):
    codes = in_tmp / "codes"
    write_pair(codes, entry_text())
    (codes / "README.md").write_text("notes", "utf-8")
    (codes / "30005.yml").write_text(entry_text(30005), "utf-8")
    (codes / "030006.yaml").write_text(entry_text(30006), "utf-8")
    (codes / ".draft.yaml").write_text("", "utf-8")
    (codes / "archive").mkdir()
    problems = [str(p) for p in load_catalog(Path("codes")).problems]
    assert problems == [
        "codes/.draft.yaml:1:1: not an entry: files in codes/ must be named <code>.yaml, "
        "the code a number of 3 to 6 digits without leading zeros",
        "codes/030006.yaml:1:1: not an entry: files in codes/ must be named <code>.yaml, "
        "the code a number of 3 to 6 digits without leading zeros",
        "codes/30005.yml:1:1: wrong extension; rename it to 30005.yaml",
        "codes/README.md:1:1: not an entry: files in codes/ must be named <code>.yaml, "
        "the code a number of 3 to 6 digits without leading zeros",
        "codes/archive:1:1: a folder in codes/; entries are files codes/<code>.yaml, directly in codes/",
    ]


def test_every_problem_is_reported_in_one_run(in_tmp):
    text = entry_text(**{"level: error": "level: eror", "retry: never": "retry: sometimes",
                         "  - The second cause.": '  - ""'})
    write_pair(in_tmp / "codes", text)
    fields = [p.field for p in load_catalog(Path("codes")).problems]
    assert fields == ["level", "causes[1]", "retry"]


def _run_check(*args, cwd):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "generator", "check", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)


def test_check_command_exit_status_and_output(in_tmp):
    write_pair(in_tmp / "codes", entry_text(**{"level: error": "level: eror"}))
    bad = _run_check("codes", cwd=in_tmp)
    assert bad.returncode == 1
    assert bad.stdout == "codes/21610.yaml:4:8: level: 'eror' is not one of: error, warning; did you mean 'error'?\n"
    assert "1 problem in 1 file (2 checked)" in bad.stderr

    only_good = _run_check("codes/30004.yaml", cwd=in_tmp)
    assert only_good.returncode == 0, only_good.stdout
    assert only_good.stdout == ""

    (in_tmp / "codes" / "21610.yaml").write_text(entry_text(), "utf-8")
    good = _run_check("codes", cwd=in_tmp)
    assert (good.returncode, good.stdout) == (0, "")
    assert "2 files checked, no problems" in good.stderr

    missing = _run_check("nowhere.yaml", cwd=in_tmp)
    assert missing.returncode == 2
    assert "nowhere.yaml: no such file or folder" in missing.stderr


def test_the_real_catalog_is_valid():
    catalog = load_catalog(REPO / "codes")
    assert [str(p) for p in catalog.problems] == []
    assert len(catalog.entries) == catalog.files >= 111


_TAGS = ["<script>", "<img src=x onerror=alert(1)>", "</p>", "<!--", "<?php", "<a href=x>", "< iframe>",
         "<svg/onload=alert(1)>"]


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_characters="`"), max_size=40), st.sampled_from(_TAGS),
       st.text(st.characters(blacklist_characters="`"), max_size=40))
def test_markup_check_finds_every_tag_outside_code_spans(before, tag, after):
    assert markup_problem(before + tag + after) is not None


@pytest.mark.parametrize("tag", _TAGS)
def test_a_tag_inside_backticks_is_literal_text(tag):
    assert markup_problem(f"Use the `{tag}` element only in TwiML.") is None


def test_many_files_checked_on_several_cores_report_as_on_one(in_tmp, monkeypatch):
    """Above PARALLEL_FROM files the catalog is split across processes; the verdict must not change."""
    import sys as _sys

    from generator import catalog as catalog_mod

    _sys.path.insert(0, str(REPO / "benchmarks"))
    import synth

    codes = in_tmp / "codes"
    numbers = synth.write_catalog(codes, catalog_mod.PARALLEL_FROM + 50)
    broken = codes / f"{numbers[7]}.yaml"
    broken.write_text(broken.read_text("utf-8").replace("level: ", "level: x"), "utf-8")
    (codes / f"{numbers[300]}.yaml").write_text("related: [1, 2\n", "utf-8")
    monkeypatch.setattr(catalog_mod.os, "cpu_count", lambda: 2)
    parallel = load_catalog(Path("codes"))
    parallel_check = load_catalog(Path("codes"), keep_entries=False)
    monkeypatch.setattr(catalog_mod.os, "cpu_count", lambda: 1)
    serial = load_catalog(Path("codes"))
    assert [str(p) for p in parallel.problems] == [str(p) for p in serial.problems]
    assert [str(p) for p in parallel_check.problems] == [str(p) for p in serial.problems]
    assert parallel.entries == serial.entries and parallel_check.entries == []
    assert len(serial.problems) == 2  # the two broken files (references to them are not repeated)
