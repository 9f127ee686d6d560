"""The validator, tested the trove-classifiers way: one bad entry per failure kind, each with the exact
message a contributor will read (file:line:column: field: message), then one test per defect class
of issue 11 (named after it), with hypothesis properties where the class is wide.

Entries come from tests/entries.py: a valid full entry (code 21610, related to 30004) and a valid
reference entry; each case swaps whole lines of one of them."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from thorough import examples

from entries import entry_text, reference_text, write_entries, write_pair
from generator import schema, validate
from generator.catalog import load_catalog
from generator.yamlsource import ParsedEntry

REPO = Path(__file__).resolve().parent.parent
SUMMARY = "summary: Something went wrong with the message in a way a person can understand."
TELL = "tell_customer: The message to this contact was not sent, and sending it again will not help."
ALIAS = 'aliases: ["Alias label of 21610"]'
CAUSE = "  - The first cause."
SOLUTION = "  - The first solution."
TITLE = "title: Test title for 21610"
URL = "url: https://example.org/page"
F = "codes/21610.yaml"


def known_fields() -> str:
    return ", ".join(schema.properties())


def full_actions() -> str:
    return ", ".join(v for v in schema.vocabulary("action").values if v != "unknown")


# name -> (text of codes/21610.yaml, exact problems expected over the two-entry catalog)
CASES = {
    "empty string in a list": (
        entry_text(**{"  - The second cause.": '  - ""'}),
        [f"{F}:14:5: causes[1]: must be a non-empty string"]),
    "number in a list of text": (
        entry_text(**{"  - The second cause.": "  - 42"}),
        [f"{F}:14:5: causes[1]: must be a non-empty string"]),
    "misspelt field": (
        entry_text(**{"summary:": "sumary:"}),
        [f"{F}:2:1: summary: required field is missing (a full entry explains the code in full)",
         f"{F}:9:1: sumary: unknown field; did you mean 'summary'?"]),
    "unknown field": (
        entry_text(**{"advice: Do": "colour: red\nadvice: Do"}),
        [f"{F}:20:1: colour: unknown field; known fields: {known_fields()}"]),
    "missing field": (
        entry_text(**{"retry: never\n": ""}),
        [f"{F}:2:1: retry: required field is missing (a full entry explains the code in full)"]),
    "duplicate key": (
        entry_text(**{"level: error": "level: error\nlevel: warning"}),
        [f"{F}:6:1: level: duplicate key (first set at line 5); YAML would silently keep only the last one"]),
    "YAML 1.1 boolean": (
        entry_text(**{ALIAS: "aliases: [no]"}),
        [f"{F}:23:11: aliases[0]: YAML 1.1 reads the unquoted 'no' as the boolean False; quote it if it is text"]),
    "YAML 1.1 octal": (
        entry_text(**{"related: [30004]": "related: [030004]"}),
        [f"{F}:24:11: related[0]: YAML 1.1 reads the unquoted '030004' as the number 12292; "
         "write a plain decimal number, or quote it if it is text"]),
    "YAML 1.1 base 60": (
        entry_text(**{'updated: "2026-11-27"': "updated: 1:20"}),
        [f"{F}:28:10: updated: YAML 1.1 reads the unquoted '1:20' as the base-60 number 80; "
         "write a plain decimal number, or quote it if it is text"]),
    "unquoted date": (
        entry_text(**{'updated: "2026-11-27"': "updated: 2026-11-27"}),
        [f"{F}:28:10: updated: YAML reads the unquoted '2026-11-27' as a date; quote it: \"2026-11-27\""]),
    "impossible month": (
        entry_text(**{'updated: "2026-11-27"': 'updated: "2026-13-01"'}),
        [f"{F}:28:10: updated: '2026-13-01' is not a real date"]),
    "impossible day": (
        entry_text(**{'updated: "2026-11-27"': 'updated: "2026-02-31"'}),
        [f"{F}:28:10: updated: '2026-02-31' is not a real date"]),
    "date in another form": (
        entry_text(**{'updated: "2026-11-27"': 'updated: "27/11/2026"'}),
        [f'{F}:28:10: updated: must be a date written as "YYYY-MM-DD" (quoted)']),
    "date in the future": (
        entry_text(**{'updated: "2026-11-27"': 'updated: "2999-01-01"'}),
        [f"{F}:28:10: updated: 2999-01-01 is in the future"]),
    "value outside a vocabulary": (
        entry_text(**{"level: error": "level: eror"}),
        [f"{F}:5:8: level: 'eror' is not one of: error, warning; did you mean 'error'?"]),
    "action outside its vocabulary": (
        entry_text(**{"action: stop-messaging": "action: panic"}),
        [f"{F}:19:9: action: 'panic' is not one of: {full_actions()}"]),
    "file name differs from the code": (
        entry_text(**{"code: 21610": "code: 21611"}),
        [f"{F}:2:7: code: 21611 does not match the file name; the entry for 21611 belongs in 21611.yaml"]),
    "code too short": (
        entry_text(**{"code: 21610": "code: 42"}),
        [f"{F}:2:7: code: must be a positive integer of 3 to 6 digits"]),
    "code with a fraction": (
        entry_text(**{"code: 21610": "code: 21610.0"}),
        [f"{F}:2:7: code: must be an integer, not a number with a fraction"]),
    "related code with a fraction": (
        entry_text(**{"related: [30004]": "related: [30004.0]"}),
        [f"{F}:24:11: related[0]: must be an integer, not a number with a fraction"]),
    "code as a boolean": (
        entry_text(**{"code: 21610": "code: true"}),
        [f"{F}:2:7: code: must be an integer, not a boolean"]),
    "code of 5,000 digits": (
        entry_text(**{"code: 21610": "code: " + "9" * 5000}),
        [f"{F}:2:7: code: a number of 5,000 characters; no field holds a number that long "
         "(a code has 3 to 6 digits)"]),
    "related code without an entry": (
        entry_text(related=99999),
        [f"{F}:24:11: related[0]: 99999 has no entry in codes/; add codes/99999.yaml or remove the reference"]),
    "related to itself": (
        entry_text(related=21610),
        [f"{F}:24:11: related[0]: a code cannot be related to itself"]),
    "replaced by a missing code": (
        entry_text(**{"status: active": "status: removed\nreplaced_by: 77777"}),
        [f"{F}:9:14: replaced_by: 77777 has no entry in codes/; add codes/77777.yaml or remove the reference"]),
    "replaced by itself": (
        entry_text(**{"status: active": "status: deprecated\nreplaced_by: 21610"}),
        [f"{F}:9:14: replaced_by: a code cannot be replaced by itself"]),
    "replacement on an active code": (
        entry_text(**{"status: active": "status: active\nreplaced_by: 30004"}),
        [f"{F}:8:9: status: must be 'deprecated' or 'removed' when replaced_by is set"]),
    "alias of another code": (
        entry_text(**{ALIAS: 'aliases: ["alias  LABEL of 30004"]'}),
        [f"{F}:23:11: aliases[0]: 'alias  LABEL of 30004' is also an alias of 30004 (codes/30004.yaml); "
         "an alias names one code only",
         "codes/30004.yaml:23:11: aliases[0]: 'Alias label of 30004' is also an alias of 21610 (codes/21610.yaml); "
         "an alias names one code only"]),
    "script in a cause": (
        entry_text(**{CAUSE: "  - Click <script>alert(1)</script> here."}),
        [f"{F}:13:5: causes[0]: raw HTML is not allowed (the rendered HTML holds <script>); "
         "describe it in words, or put literal code in `backticks`"]),
    "HTML in the title": (
        entry_text(**{TITLE: 'title: "Bold <b>title</b>"'}),
        [f"{F}:4:8: title: raw HTML is not allowed (found '<b'); this field is plain text: describe it in words"]),
    "HTML comment in the description": (
        entry_text(**{"  A description of": "  Hidden <!-- note --> A description of"}),
        [f"{F}:10:14: description: raw HTML is not allowed (the rendered HTML holds an HTML comment); "
         "describe it in words, or put literal code in `backticks`"]),
    "plain http link in Markdown": (
        entry_text(**{CAUSE: "  - See [this](http://x.org) page."}),
        [f"{F}:13:5: causes[0]: links must be https:// URLs with a host name (found 'http://x.org')"]),
    "javascript link in Markdown": (
        entry_text(**{SOLUTION: "  - See [this](javascript:alert(1)) page."}),
        [f"{F}:16:5: solutions[0]: links must be https:// URLs with a host name (found 'javascript:alert(1)')"]),
    "plain http link as a reference definition": (
        entry_text(**{"  A description of": "  See [the guide][1].\n\n  [1]: http://example.org/guide\n\n"
                                            "  A description of"}),
        [f"{F}:10:14: description: links must be https:// URLs with a host name (found 'http://example.org/guide')"]),
    "image in a solution": (
        entry_text(**{SOLUTION: "  - Look at ![this](https://example.org/pixel.png) first."}),
        [f"{F}:16:5: solutions[0]: images are not allowed in an entry; link to the picture instead"]),
    "http URL in links": (
        entry_text(**{URL: "url: http://example.org/page"}),
        [f"{F}:27:10: links[0].url: must be an https:// URL without spaces or quotes"]),
    "summary that is not a sentence": (
        entry_text(**{SUMMARY: "summary: no full stop at the end"}),
        [f"{F}:9:10: summary: must be one sentence on a single line, ending with '.', '!' or '?'"]),
    "summary over two lines": (
        entry_text(**{SUMMARY: "summary: |\n  First line.\n  Second line."}),
        [f"{F}:9:10: summary: must be one sentence on a single line, ending with '.', '!' or '?'"]),
    "no causes": (
        entry_text(**{"  - The first cause.\n  - The second cause.\n": "", "causes:": "causes: []"}),
        [f"{F}:12:9: causes: must list at least 1 item"]),
    "causes as text": (
        entry_text(**{"  - The first cause.\n  - The second cause.\n": "", "causes:": "causes: just one"}),
        [f"{F}:12:9: causes: must be a list, not a string"]),
    "same related code twice": (
        entry_text(**{"related: [30004]": "related: [30004, 30004]"}),
        [f"{F}:24:10: related: lists the same item more than once"]),
    "tab indentation": (
        entry_text(**{"level: error": "level:\terror"}),
        [f"{F}:5:7: tab character; YAML entries are indented with spaces only"]),
    "a next-line character (YAML reads it as a line break)": (
        entry_text(**{"level: error": "level: err\x85or"}),
        [f"{F}:5:11: a next-line character (U+0085); YAML reads it as a line break, editors and this report do "
         "not: end lines with \\n only"]),
    "a line separator": (
        entry_text(**{"level: error": "level: error\u2028"}),
        [f"{F}:5:13: a line separator (U+2028); YAML reads it as a line break, editors and this report do not: "
         "end lines with \\n only"]),
    "a paragraph separator": (
        entry_text(**{"level: error": "\u2029level: error"}),
        [f"{F}:5:1: a paragraph separator (U+2029); YAML reads it as a line break, editors and this report do "
         "not: end lines with \\n only"]),
    "a carriage return alone": (
        entry_text(**{"level: error": "level: error\rproduct: x"}),
        [f"{F}:5:13: a carriage return not followed by a newline (a classic Mac line ending); YAML reads it as a "
         "line break, editors and this report do not: end lines with \\n only"]),
    "invalid YAML": (
        entry_text(**{"level: error": "level: [error"}),
        [f"{F}:6:8: invalid YAML: did not find expected ',' or ']'"]),
    "a list instead of a mapping": (
        "- code: 21610\n- title: x\n",
        [f"{F}:1:1: the file holds a list; an entry is a mapping of fields"]),
    "a single value": (
        "21610\n",
        [f"{F}:1:1: the file holds a single value; an entry is a mapping of fields"]),
    "empty file": (
        "",
        [f"{F}:1:1: empty file; an entry is a mapping of fields (see generator/entry.schema.json)"]),
    "only comments": (
        "# to do\n",
        [f"{F}:1:1: empty file; an entry is a mapping of fields (see generator/entry.schema.json)"]),
    "not UTF-8": (
        b"code: 21610\ntitle: caf\xe9\n",
        [f"{F}:2:11: not valid UTF-8 (byte 0xe9); save the file as UTF-8"]),
    "byte-order mark": (
        "\ufeff" + entry_text(),
        [f"{F}:1:1: starts with a byte-order mark; save the file as UTF-8 without BOM"]),
    "oversized file": (
        entry_text(**{"  A description of": "  " + "word " * 14000 + "\n  A description of"}),
        [f"{F}:1:1: file is 70,800 bytes; an entry may be at most 65,536 bytes"]),
    "merge key": (
        entry_text(**{"level: error": "<<: {level: error}"}),
        [f"{F}:2:1: level: required field is missing",
         f"{F}:5:1: <<: YAML merge keys (<<) are not allowed in an entry; write the fields out"]),
    "custom tag": (
        entry_text(**{"level: error": "level: !shout error"}),
        [f"{F}:5:8: level: YAML tag '!shout' is not allowed in an entry"]),
    "v1 stub marker": (
        entry_text(**{"status: active": "status: active\nstub: true"}),
        [f"{F}:9:1: stub: unknown field; did you mean 'status'?"]),
    "kind missing": (
        entry_text(**{"kind: full\n": ""}),
        [f"{F}:2:1: kind: required field is missing"]),
    "kind misspelt": (
        entry_text(**{"kind: full": "kind: fulll"}),
        [f"{F}:3:7: kind: 'fulll' is not one of: full, reference; did you mean 'full'?"]),
}


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def problems_of(folder: Path) -> list[str]:
    return [str(p) for p in load_catalog(folder).problems]


def check_21610(in_tmp: Path, text: str | bytes, **others: str) -> list[str]:
    write_pair(in_tmp / "codes", text)
    if others:
        write_entries(in_tmp / "codes", {int(code): other for code, other in others.items()})
    return problems_of(Path("codes"))


@pytest.mark.parametrize("name", list(CASES))
def test_each_failure_kind_has_its_exact_message(in_tmp, name):
    text, expected = CASES[name]
    write_pair(in_tmp / "codes", text)
    catalog = load_catalog(Path("codes"))
    assert [str(p) for p in catalog.problems] == expected
    flagged = {int(Path(p.file).stem) for p in catalog.problems}
    assert flagged and not flagged & set(catalog.by_code())  # a bad entry never reaches the catalog


def test_the_valid_pair_and_a_reference_entry_have_no_problems(in_tmp):
    write_pair(in_tmp / "codes", entry_text())
    write_entries(in_tmp / "codes", {40001: reference_text(40001)})
    catalog = load_catalog(Path("codes"))
    assert catalog.problems == []
    assert sorted(catalog.by_code()) == [21610, 30004, 40001]
    assert catalog.by_code()[40001]["kind"] == "reference"


def test_alias_bomb_is_rejected_at_once_without_expanding(in_tmp):
    bomb = ('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
            + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n"
                      for i in range(8)))
    write_pair(in_tmp / "codes", bomb)
    started = time.perf_counter()
    catalog = load_catalog(Path("codes"))
    assert time.perf_counter() - started < 2
    alias_reports = [str(p) for p in catalog.problems if "aliases (*name)" in p.message]
    assert alias_reports == [f"{F}:2:4: b[0]: YAML aliases (*name) are not allowed in an entry; write the value out"]


def test_a_reference_to_a_broken_entry_is_not_reported_twice(in_tmp):
    assert check_21610(in_tmp, "") == [f"{F}:1:1: empty file; an entry is a mapping of fields "
                                       "(see generator/entry.schema.json)"]


def test_two_files_with_the_same_code(in_tmp):
    codes = in_tmp / "codes"
    write_pair(codes, entry_text())
    (codes / "21611.yaml").write_text(entry_text(**{"Alias label of 21610": "Another alias label"}), "utf-8")
    assert problems_of(Path("codes")) == [
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
    not_entry = "not an entry: files in codes/ must be named <code>.yaml, the code a number of 3 to 6 digits " \
                "without leading zeros"
    assert problems_of(Path("codes")) == [
        f"codes/.draft.yaml:1:1: {not_entry}",
        f"codes/030006.yaml:1:1: {not_entry}",
        "codes/30005.yml:1:1: wrong extension; rename it to 30005.yaml",
        f"codes/README.md:1:1: {not_entry}",
        "codes/archive:1:1: a folder in codes/; entries are files codes/<code>.yaml, directly in codes/",
    ]


def test_every_problem_is_reported_in_one_run(in_tmp):
    text = entry_text(**{"level: error": "level: eror", "retry: never": "retry: sometimes",
                         "  - The second cause.": '  - ""', TITLE: 'title: "  "'})
    write_pair(in_tmp / "codes", text)
    fields = [p.field for p in load_catalog(Path("codes")).problems]
    assert fields == ["title", "level", "causes[1]", "retry"]


# --- reference entries and full entries -------------------------------------------------------------

REFERENCE_ONLY_FACTS = "a reference entry holds the upstream facts only; remove this field, or write the " \
                       "whole entry and set kind: full"
EXPLAINED = {
    "summary": "summary: A made-up summary of the code.",
    "description": "description: Made up.",
    "causes": "causes: [A guess.]",
    "solutions": "solutions: [A guess.]",
    "retry": "retry: never",
    "action": "action: contact-support",
    "advice": "advice: Do not retry.",
    "who_acts": "who_acts: [sender]",
    "lc_app": "lc_app: Made up.",
    "own_integration": "own_integration: Made up.",
    "escalation": "escalation: Made up.",
    "tell_customer": "tell_customer: Something to tell the customer about it.",
    "related": "related: [30004]",
    "links": "links: []",
    "lc_help": "lc_help: [{title: An article, article: 12345}]",
}


def test_reference_entry_rules_cover_every_explained_field():
    assert set(EXPLAINED) == set(schema.explained_fields())


@pytest.mark.parametrize("field", sorted(EXPLAINED))
def test_reference_entry_holds_only_the_facts(in_tmp, field):
    text = reference_text(21610, **{"status: active": f"status: active\n{EXPLAINED[field]}"})
    assert check_21610(in_tmp, text) == [f"{F}:11:1: {field}: {REFERENCE_ONLY_FACTS}"]


def test_reference_entry_retry_unknown_written_out_is_still_an_explained_field(in_tmp):
    text = reference_text(21610, **{"status: active": "status: active\nretry: unknown"})
    assert check_21610(in_tmp, text) == [f"{F}:11:1: retry: {REFERENCE_ONLY_FACTS}"]


REQUIRED_LINES = {
    "summary": SUMMARY + "\n",
    "description": "description: |\n  A description of what the code means, where it arises and what it implies.\n",
    "causes": "causes:\n  - The first cause.\n  - The second cause.\n",
    "solutions": "solutions:\n  - The first solution.\n  - The second solution.\n",
    "retry": "retry: never\n",
    "action": "action: stop-messaging\n",
    "who_acts": "who_acts: [sender]\n",
    "tell_customer": TELL + "\n",
    "updated": 'updated: "2026-11-27"\n',
}


def test_full_entry_rules_cover_every_required_field():
    assert set(REQUIRED_LINES) == set(schema.full_entry_fields())


@pytest.mark.parametrize("field", sorted(REQUIRED_LINES))
def test_full_entry_has_every_field(in_tmp, field):
    text = entry_text(**{REQUIRED_LINES[field]: ""})
    assert check_21610(in_tmp, text) == [
        f"{F}:2:1: {field}: required field is missing (a full entry explains the code in full)"]


@pytest.mark.parametrize(("field", "line", "column"), [("retry", 18, 8), ("action", 19, 9)])
def test_full_entry_says_what_to_do(in_tmp, field, line, column):
    old = {"retry": "retry: never", "action": "action: stop-messaging"}[field]
    text = entry_text(**{old: f"{field}: unknown"})
    assert check_21610(in_tmp, text) == [
        f"{F}:{line}:{column}: {field}: 'unknown' is only for reference entries; a full entry says what to do"]


TELL_CASES = {
    "71 words": (TELL.replace("The message", " ".join(["word"] * 71) + " The message"),
                 f"{F}:22:16: tell_customer: has 86 words; keep it to at most 70"),
    "Markdown emphasis": (TELL.replace("The message", "The *message*"),
                          f"{F}:22:16: tell_customer: must be one plain paragraph on a single line, without "
                          "Markdown or markup characters (* _ ` # < > [ ])"),
    "a link": (TELL.replace("The message", "See [this](https://example.org). The message"),
               f"{F}:22:16: tell_customer: must be one plain paragraph on a single line, without "
               "Markdown or markup characters (* _ ` # < > [ ])"),
    "too short": ("tell_customer: Not sent.", f"{F}:22:16: tell_customer: must be at least 20 characters long"),
    "blank": ('tell_customer: "' + " " * 25 + '"', f"{F}:22:16: tell_customer: must not be blank"),
}


@pytest.mark.parametrize("name", list(TELL_CASES))
def test_tell_customer_is_short_plain_text(in_tmp, name):
    line, expected = TELL_CASES[name]
    assert check_21610(in_tmp, entry_text(**{TELL: line})) == [expected]


def test_tell_customer_of_exactly_70_words_passes(in_tmp):
    words = ("The message to this contact was not sent. " * 10).split()[:70]
    line = "tell_customer: " + " ".join(words)
    assert len(line.split()) - 1 == 70 and len(line) - 15 <= 480
    assert check_21610(in_tmp, entry_text(**{TELL: line})) == []


@pytest.mark.parametrize(("value", "expected"), [
    ("[]", f"{F}:21:11: who_acts: must list at least 1 item"),
    ("[nobody]", f"{F}:21:12: who_acts[0]: 'nobody' is not one of: recipient, sender, developer, lc-support, carrier"),
    ("[sender, sender]", f"{F}:21:11: who_acts: lists the same item more than once"),
    ("[sender, developer, carrier, recipient]", f"{F}:21:11: who_acts: must list at most 3 items"),
])
def test_who_acts_comes_from_its_vocabulary(in_tmp, value, expected):
    assert check_21610(in_tmp, entry_text(**{"who_acts: [sender]": f"who_acts: {value}"})) == [expected]


# --- markup reaching a page -------------------------------------------------------------------------

RAW = "raw HTML is not allowed (the rendered HTML holds {}); describe it in words, or put literal code in `backticks`"
LINK = "links must be https:// URLs with a host name (found {!r})"
# A cause (line 13, column 5) as a contributor would try to sneak markup in: each is judged on the HTML
# Python-Markdown renders, so a pattern that reads the source differently cannot be fooled.
MARKUP_CASES = {
    "script": ("<script>alert(1)</script>", RAW.format("<script>")),
    "script after an escaped backtick": (r"\`<script>alert(1)</script>\`", RAW.format("<script>")),
    "script in a code span broken by a blank line": ("`a\n\n  <script>alert(1)</script>`", RAW.format("<script>")),
    "script after a double-backtick code span": ("``a`` <script>x</script>", RAW.format("<script>")),
    "iframe srcdoc": ('<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>', RAW.format("<iframe>")),
    "base href": ('<base href="https://evil.example/">', RAW.format("<base>")),
    "event handler on an allowed tag": ("<em onmouseover=alert(1)>x</em>",
                                         "raw HTML is not allowed (the rendered HTML holds the attribute 'onmouseover' "
                                         "on <em>); describe it in words, or put literal code in `backticks`"),
    "style element": ("<style>body{display:none}</style>", RAW.format("<style>")),
    "style attribute": ('<strong style="position:fixed">x</strong>',
                        "raw HTML is not allowed (the rendered HTML holds the attribute 'style' on <strong>); "
                        "describe it in words, or put literal code in `backticks`"),
    "svg onload": ("<svg/onload=alert(1)>", RAW.format("<svg>")),
    "math": ("<math><mi>x</mi></math>", RAW.format("<math>")),
    "form": ('<form action="https://evil.example/"><input name=x></form>', RAW.format("<form>")),
    "img onerror": ("<img src=x onerror=alert(1)>", "images are not allowed in an entry; link to the picture instead"),
    "HTML comment": ("<!-- hidden -->", RAW.format("an HTML comment")),
    "declaration": ("<!DOCTYPE html>", RAW.format("<!DOCTYPE html>")),
    "unclosed allowed tag": ("<em>x", "raw HTML is not allowed (the sanitiser would change the tags of the rendered "
                                      "HTML); describe it in words, or put literal code in `backticks`"),
    "javascript link": ("[x](javascript:alert(1))", LINK.format("javascript:alert(1)")),
    "javascript link with an entity": ("[x](jav&#x61;script:alert(1))", LINK.format("javascript:alert(1)")),
    "data link": ("[x](data:text/html;base64,PHNjcmlwdD4=)", LINK.format("data:text/html;base64,PHNjcmlwdD4=")),
    "vbscript link": ("[x](vbscript:msgbox(1))", LINK.format("vbscript:msgbox(1)")),
    "https with no host": ("[x](https:///example.org/page)", LINK.format("https:///example.org/page")),
    "https with a user name": ("[x](https://user@example.org/)", LINK.format("https://user@example.org/")),
    "relative link": ("[x](/admin)", LINK.format("/admin")),
    "reference-style link": ("[x][evil]\n\n  [evil]: javascript:alert(1)", LINK.format("javascript:alert(1)")),
    "shortcut reference link": ("[evil]\n\n  [evil]: http://example.org/", LINK.format("http://example.org/")),
    "autolink": ("<http://example.org/>", LINK.format("http://example.org/")),
    "mail autolink": ("<someone@example.org>", LINK.format("mailto:someone@example.org")),
    "nested brackets": ("[a [b] c](javascript:alert(1))", LINK.format("javascript:alert(1)")),
    "raw anchor with an entity-encoded scheme": ('<a href="&#106;avascript:alert(1)">x</a>',
                                                 LINK.format("javascript:alert(1)")),
    "image": ("![x](https://example.org/pixel.png)", "images are not allowed in an entry; link to the picture instead"),
    "image by reference": ("![x][p]\n\n  [p]: https://example.org/p.png",
                           "images are not allowed in an entry; link to the picture instead"),
    "ATX heading": ("# Big", "headings are not allowed in an entry field (the rendered HTML holds <h1>: a line "
                             "starting with #, or a line of = or - under text, makes one)"),
    "setext heading": ("Big\n  ===", "headings are not allowed in an entry field (the rendered HTML holds <h1>: a line "
                                     "starting with #, or a line of = or - under text, makes one)"),
    "horizontal rule in a list": ("text\n\n  - ---", "horizontal rules are not allowed in an entry field "
                                                    "(a line of ---, *** or ___ makes one)"),
    "nothing visible": ("&nbsp;", "must not be blank (it renders to nothing visible)"),
}


@pytest.mark.parametrize("name", list(MARKUP_CASES))
def test_markup_reaching_a_page_is_rejected_on_the_rendered_html(in_tmp, name):
    cause, message = MARKUP_CASES[name]
    text = entry_text(**{CAUSE: "  - |-\n    " + cause.replace("\n  ", "\n    ")})
    assert check_21610(in_tmp, text) == [f"{F}:13:5: causes[0]: {message}"]


SAFE_MARKDOWN = [
    "Use the `<Say>` element only inside `<Response>`.",
    "Send `&lt;` as text; `<script>` in a code span is literal.",
    "See [the guide](https://www.example.org/guide) and <https://example.org/page>.",
    "Escaped \\<b\\> is text, and so is 3 < 4 > 2.",
    "AT&T and T-Mobile &amp; others; &copy; 2026.",
    "*Emphasis*, **strong**, a list:\n\n- one\n- two\n\n> a quote",
    "[Link with a title](https://example.org/ \"The title\")",
]


@pytest.mark.parametrize("text", SAFE_MARKDOWN)
def test_markdown_the_sanitiser_keeps_whole_passes(in_tmp, text):
    cause = entry_text(**{CAUSE: "  - |-\n    " + text.replace("\n", "\n    ")})
    assert check_21610(in_tmp, cause) == []


PLAIN_MARKUP = {
    "bold tag": ('"Bold <b>x</b>"', "'<b'"),
    "script": ('"<script>alert(1)</script>"', "'<script'"),
    "unterminated image tag": ('"x <img src=x onerror=alert(1)"', "'<img src=x onerror=alert(1)'"),
    "attribute on a TwiML-looking tag": ('"<Dial onclick=alert(1)>"', "'<Dial onclick=alert(1)'"),
    "comment": ('"x <!-- y -->"', "'<!-- y --'"),
    "processing instruction": ('"<?php echo 1 ?>"', "'<?php echo 1 ?'"),
    "closing tag": ('"x </textarea>"', "'</textarea'"),
}


@pytest.mark.parametrize("name", list(PLAIN_MARKUP))
@pytest.mark.parametrize("where", [
    (TITLE, "title", 4, 8), (ALIAS, "aliases", 23, 11), ("advice: Do not retry this message.", "advice", 20, 9)],
    ids=["title", "aliases", "advice"])
def test_markup_in_a_plain_text_field_is_rejected(in_tmp, name, where):
    old, key, line, column = where
    value, found = PLAIN_MARKUP[name]
    new = f"aliases: [{value}]" if key == "aliases" else f"{key}: {value}"
    field = "aliases[0]" if key == "aliases" else key
    assert check_21610(in_tmp, entry_text(**{old: new})) == [
        f"{F}:{line}:{column}: {field}: raw HTML is not allowed (found {found}); this field is plain text: "
        "describe it in words"]


def test_twiml_element_names_in_an_official_title_are_not_markup(in_tmp):
    text = entry_text(**{TITLE: 'title: "SIP: Invalid <Dial><Sip>, 3 < 4"'})
    assert check_21610(in_tmp, text) == []


# --- control and bidirectional characters -----------------------------------------------------------

REFUSED = {
    "\x1b": "a control character (U+001B ESC (escape))",
    "\x07": "a control character (U+0007 BEL (bell))",
    "\x00": "a control character (U+0000 NUL)",
    "\x08": "a control character (U+0008 BACKSPACE)",
    "\r": "a control character (U+000D CARRIAGE RETURN)",
    "\x7f": "a control character (U+007F DELETE)",
    "\x9b": "a control character (U+009B a C1 control)",
    "\x85": "a control character (U+0085 a C1 control)",
    "\u202e": "a bidirectional control (U+202E RIGHT-TO-LEFT OVERRIDE)",
    "\u202a": "a bidirectional control (U+202A LEFT-TO-RIGHT EMBEDDING)",
    "\u2066": "a bidirectional control (U+2066 LEFT-TO-RIGHT ISOLATE)",
    "\u2067": "a bidirectional control (U+2067 RIGHT-TO-LEFT ISOLATE)",
    "\u2068": "a bidirectional control (U+2068 FIRST STRONG ISOLATE)",
    "\u2069": "a bidirectional control (U+2069 POP DIRECTIONAL ISOLATE)",
    "\u200e": "a bidirectional control (U+200E LEFT-TO-RIGHT MARK)",
    "\u200f": "a bidirectional control (U+200F RIGHT-TO-LEFT MARK)",
    "\u061c": "a bidirectional control (U+061C ARABIC LETTER MARK)",
    "\u200b": "an invisible character (U+200B ZERO WIDTH SPACE)",
    "\u200d": "an invisible character (U+200D ZERO WIDTH JOINER)",
    "\u2060": "an invisible character (U+2060 WORD JOINER)",
    "\ufeff": "an invisible character (U+FEFF ZERO WIDTH NO-BREAK SPACE)",
    "\u3164": "an invisible character (U+3164 HANGUL FILLER)",
    "\u2028": "a line or paragraph separator (U+2028 LINE SEPARATOR)",
    "\u2029": "a line or paragraph separator (U+2029 PARAGRAPH SEPARATOR)",
    "\u2009": "a space other than the plain space (U+2009 THIN SPACE)",
    "\ue000": "an unassigned or private-use character (U+E000)",
}

# Every kind of text an entry holds: (line it replaces, new line with {} for the text, field, line, column)
TEXT_FIELDS = [
    (TITLE, 'title: "Test {} title"', "title", 4, 8),
    (SUMMARY, 'summary: "Something {} went wrong."', "summary", 9, 10),
    (CAUSE, '  - "The {} first cause."', "causes[0]", 13, 5),
    (SOLUTION, '  - "The {} first solution."', "solutions[0]", 16, 5),
    ("advice: Do not retry this message.", 'advice: "Do not {} retry."', "advice", 20, 9),
    (TELL, 'tell_customer: "The message to this {} contact was not sent."', "tell_customer", 22, 16),
    (ALIAS, 'aliases: ["Alias {} label"]', "aliases[0]", 23, 11),
    ("  - title: A page", '  - title: "A {} page"', "links[0].title", 26, 12),
    (URL, 'url: "https://example.org/{}"', "links[0].url", 27, 10),
    ('upstream_products: ["Branded Comms"]', 'upstream_products: ["Branded {} Comms"]', "upstream_products[0]", 7, 21),
    ("  A description of", '  A {} description of', "description", 10, 14),
]


def _yaml_escape(char: str) -> str:
    """The character as a YAML double-quoted escape (a file may not hold most of them raw)."""
    return f"\\u{ord(char):04x}" if ord(char) > 0xFF else f"\\x{ord(char):02x}"


@pytest.mark.parametrize("char", list(REFUSED), ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_control_and_bidi_characters_are_rejected_naming_the_character(in_tmp, char):
    """The character in every kind of text an entry holds at once: each field is reported, at its
    own line and column, naming the character (the one-line description moves what follows it up
    a line)."""
    escaped = _yaml_escape(char)
    replace = {old: new.format(escaped) for old, new, _, _, _ in TEXT_FIELDS if old != "  A description of"}
    # a block scalar cannot hold escapes: write the description quoted, on one line
    replace["description: |\n  A description of what the code means, where it arises and what it implies."] = \
        f'description: "A {escaped} description."'
    moved = [(line - 1 if line > 10 else line, column, field) for _, _, field, line, column in TEXT_FIELDS]
    expected = sorted((line, f"{F}:{line}:{column}: {field}: holds {REFUSED[char]}; remove it")
                      for line, column, field in moved)
    assert check_21610(in_tmp, entry_text(**replace)) == [message for _, message in expected]


def test_a_newline_is_allowed_in_markdown_only(in_tmp):
    assert check_21610(in_tmp, entry_text(**{CAUSE: '  - "The first\\ncause."'})) == []
    assert check_21610(in_tmp, entry_text(**{TITLE: 'title: "Test\\ntitle"'})) == [
        f"{F}:4:8: title: holds a line break (U+000A LINE FEED); this field is a single line"]


INVISIBLE_LETTERS = "\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0"  # printable by Python's measure, refused
_refused_chars = st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Co"], exclude_characters="\n")


@settings(max_examples=examples(300), deadline=None)
@given(st.text(st.characters(categories=["L", "N", "P", "Zs"], exclude_characters="\u00a0"), max_size=20),
       _refused_chars, st.text(max_size=20), st.booleans())
def test_refused_character_property_names_the_first_refused_character(before, char, after, markdown):
    before = "".join(c for c in before if c == " " or c.isprintable())
    text = before + char + after
    message = validate.refused_character(text, allow_newline=markdown)
    assert message is not None and f"U+{ord(char):04X}" in message


@settings(max_examples=examples(300), deadline=None)
@given(st.text(st.characters(categories=["L", "M", "N", "P", "S"], exclude_characters=INVISIBLE_LETTERS)
               | st.sampled_from(" \u00a0"), max_size=60))
def test_printable_text_has_no_refused_character(text):
    assert validate.refused_character(text, allow_newline=False) is None
    assert validate.refused_character(text + "\n" + text, allow_newline=True) is None


def test_problem_lines_never_carry_control_characters(in_tmp):
    codes = in_tmp / "codes"
    write_pair(codes, entry_text(**{"advice: Do": '"colo\\x1b[31mur\\u202e": red\nadvice: Do'}))
    (codes / "2\x1b]0;pwned\x07.yaml").write_text("x", "utf-8")
    lines = problems_of(Path("codes"))
    assert lines and all(line.isprintable() for line in lines)
    assert any("\\x1b]0;pwned\\x07" in line for line in lines)
    assert any(": colo\\x1b[31mur\\u202e: unknown field" in line for line in lines)


# --- blank text ---------------------------------------------------------------------------------

BLANK = [
    (TITLE, 'title: "   "', f"{F}:4:8: title: must not be blank"),
    (SUMMARY, 'summary: "         ."', f"{F}:9:10: summary: must hold words, not only spaces and punctuation"),
    (CAUSE, '  - "   "', f"{F}:13:5: causes[0]: must not be blank"),
    (SOLUTION, '  - "\u00a0\u00a0"', f"{F}:16:5: solutions[0]: must not be blank"),
    (ALIAS, 'aliases: ["  "]', f"{F}:23:11: aliases[0]: must not be blank"),
    (TELL, 'tell_customer: "' + " " * 25 + '"', f"{F}:22:16: tell_customer: must not be blank"),
    ("advice: Do not retry this message.", 'advice: " "', f"{F}:20:9: advice: must not be blank"),
    ("  - title: A page", '  - title: " "', f"{F}:26:12: links[0].title: must not be blank"),
    (CAUSE, '  - "--- ..."', f"{F}:13:5: causes[0]: must hold words, not only spaces and punctuation"),
]


@pytest.mark.parametrize(("old", "new", "expected"), BLANK, ids=[e.split(": ")[1] for _, _, e in BLANK])
def test_blank_text_is_rejected(in_tmp, old, new, expected):
    assert check_21610(in_tmp, entry_text(**{old: new})) == [expected]


# --- URLs -----------------------------------------------------------------------------------------

BAD_URL = ("must be an https:// URL with a host name (such as https://example.org/page; no user name, IP address, "
           "spaces, quotes or backslashes)")


@pytest.mark.parametrize("url", [
    "https:///example.org/page", "https://example.org@evil.example/", "https://user:pw@example.org/",
    "https://127.0.0.1/page", "https://localhost/page", "https://example.org:99999/", "https://example.org:0/",
    "https://example.org:/", "https://exa_mple.org/", "https://-example.org/", "https://example..org/",
    "https://example.org./", "https://%65xample.org/", "https://b\u00fccher.example/", "https://[::1]/",
    "https://example.org\\\\@evil.example/", "https://example.org/a`b",
])
def test_malformed_urls_are_rejected(in_tmp, url):
    text = entry_text(**{URL: f'url: "{url}"'})
    assert check_21610(in_tmp, text) == [f"{F}:27:10: links[0].url: {BAD_URL}"]


@pytest.mark.parametrize("url", ["https://example.org", "https://www.example.org:8443/a/b?c=d#e",
                                 "https://xn--bcher-kva.example/", "https://a-b.example.co.uk/x_y"])
def test_good_urls_pass(in_tmp, url):
    assert check_21610(in_tmp, entry_text(**{URL: f'url: "{url}"'})) == []


# --- replacement cycles -----------------------------------------------------------------------------

def _replaced(code: int, by: int, alias: str) -> str:
    return entry_text(code, related=30004 if code != 30004 else 21610, **{
        "status: active": f"status: removed\nreplaced_by: {by}", f"Alias label of {code}": alias})


CIRCLE = "replacements run in a circle ({}); the last code of a chain must not be replaced"


def test_replacement_cycle_of_two(in_tmp):
    codes = in_tmp / "codes"
    write_entries(codes, {21610: _replaced(21610, 30004, "Label one"), 30004: _replaced(30004, 21610, "Label two")})
    assert problems_of(Path("codes")) == [
        f"{F}:9:14: replaced_by: {CIRCLE.format('21610 -> 30004 -> 21610')}",
        f"codes/30004.yaml:9:14: replaced_by: {CIRCLE.format('30004 -> 21610 -> 30004')}",
    ]


def test_replacement_cycle_of_three_and_a_chain_into_it(in_tmp):
    codes = in_tmp / "codes"
    write_entries(codes, {
        21610: _replaced(21610, 30004, "Label one"), 30004: _replaced(30004, 30005, "Label two"),
        30005: _replaced(30005, 21610, "Label three"),
        30006: _replaced(30006, 21610, "Label four"),   # leads into the circle: not itself on it
        30007: entry_text(30007, related=21610, **{"Alias label of 30007": "Label five"}),
        30008: _replaced(30008, 30007, "Label six"),    # a chain that ends: fine
    })
    assert problems_of(Path("codes")) == [
        f"{F}:9:14: replaced_by: {CIRCLE.format('21610 -> 30004 -> 30005 -> 21610')}",
        f"codes/30004.yaml:9:14: replaced_by: {CIRCLE.format('30004 -> 30005 -> 21610 -> 30004')}",
        f"codes/30005.yaml:9:14: replaced_by: {CIRCLE.format('30005 -> 21610 -> 30004 -> 30005')}",
    ]


def test_replacement_of_itself_is_one_problem_not_two(in_tmp):
    write_entries(in_tmp / "codes", {21610: _replaced(21610, 21610, "Label one"),
                                     30004: entry_text(30004, related=21610)})
    assert problems_of(Path("codes")) == [f"{F}:9:14: replaced_by: a code cannot be replaced by itself"]


def _bare(code: int, replaced_by: int | None) -> ParsedEntry:
    parsed = ParsedEntry(f"codes/{code}.yaml", data={"code": code})
    if replaced_by is not None:
        parsed.data["replaced_by"] = replaced_by
    return parsed


@pytest.mark.slow
def test_replacement_cycle_check_is_linear_in_the_catalog():
    """A chain of 100,000 replacements ending in a circle: each code is visited once (a check that
    walked the chain from every code would take hours)."""
    size = 100_000
    last = 100 + size - 1
    by_code = {code: _bare(code, code + 1 if code < last else last - 2) for code in range(100, last + 1)}
    for parsed in by_code.values():
        parsed.where = lambda path, at_key=False: (1, 1)  # no YAML behind these entries
    started = time.perf_counter()
    validate.check_replacement_cycles(by_code)
    assert time.perf_counter() - started < 5
    flagged = sorted(code for code, parsed in by_code.items() if parsed.problems)
    assert flagged == [100 + size - 3, 100 + size - 2, 100 + size - 1]


# --- aliases --------------------------------------------------------------------------------------

ALIAS_CASES = {
    "generic words only": ('"Message failed"', "'Message failed' is too generic to name one code "
                                               "(every word in it is a generic word or a number)"),
    "generic word and a number": ('"Error 21610"', "'Error 21610' is too generic to name one code "
                                                   "(every word in it is a generic word or a number)"),
    "a number": ('"21610"', "'21610' is too generic to name one code (it holds no word)"),
    "a spaced number": ('"216 10"', "'216 10' is too generic to name one code (it holds no word)"),
    "punctuation": ('"--"', "must hold words, not only spaces and punctuation"),
    "one word": ('"Undeliverable"', "'Undeliverable' is too generic to name one code (a single word matches too many "
                                    "log lines; use the whole label)"),
    "one generic word": ('"error"', "'error' is too generic to name one code (a single word matches too many log "
                                    "lines; use the whole label)"),
    "own title": ('"TEST  title for 21610"', "is the entry's own title; remove it"),
    "own title in full-width letters": ('"Ｔｅｓｔ ｔｉｔｌｅ ｆｏｒ ２１６１０"',
                                        "is the entry's own title; remove it"),
    "another code's title": ('"Test title for 30004"', "'Test title for 30004' is the title of 30004; "
                                                       "an alias names one code only"),
    "another code's title, case folded": ('"TEST TITLE FOR 30004"', "'TEST TITLE FOR 30004' is the title of 30004; "
                                                                    "an alias names one code only"),
    "another code's title with a no-break space": ('"Test\u00a0title for 30004"',
                                                    "'Test\\xa0title for 30004' is the title of 30004; "
                                                    "an alias names one code only"),
}


@pytest.mark.parametrize("name", list(ALIAS_CASES))
def test_aliases_must_be_specific(in_tmp, name):
    value, message = ALIAS_CASES[name]
    assert check_21610(in_tmp, entry_text(**{ALIAS: f"aliases: [{value}]"})) == [f"{F}:23:11: aliases[0]: {message}"]


@pytest.mark.parametrize("spelling", [
    "ＡＬＩＡＳ ＬＡＢＥＬ ＯＦ ３０００４", "alias label of 30004", "Alias\u00a0label  of 30004",
    "Alias label of ３０００４", "ALIAS LABEL OF 30004"])
def test_an_alias_of_another_code_after_normalisation(in_tmp, spelling):
    problems = check_21610(in_tmp, entry_text(**{ALIAS: f'aliases: ["{spelling}"]'}))
    assert problems == [
        f"{F}:23:11: aliases[0]: {validate.shown(spelling)} is also an alias of 30004 (codes/30004.yaml); "
        "an alias names one code only",
        "codes/30004.yaml:23:11: aliases[0]: 'Alias label of 30004' is also an alias of 21610 (codes/21610.yaml); "
        "an alias names one code only"]


def test_an_alias_hidden_by_an_invisible_character_is_rejected(in_tmp):
    """"Carrier\u200bViolation" looks like "CarrierViolation": the character itself is refused (and the
    name is the same as "CarrierViolation" to the alias index: see the normalisation tests below)."""
    other = entry_text(30004, related=21610, **{"Alias label of 30004": "CarrierViolation label"})
    text = entry_text(**{ALIAS: 'aliases: ["Carrier\\u200bViolation label"]'})
    problems = check_21610(in_tmp, text, **{"30004": other})
    assert problems == [f"{F}:23:11: aliases[0]: holds an invisible character (U+200B ZERO WIDTH SPACE); remove it"]


def test_an_alias_that_is_another_codes_former_title(in_tmp):
    other = entry_text(30004, related=21610, **{"level: error": 'former_titles:\n  - title: "The old name of it"\n'
                                                                "level: error"})
    problems = check_21610(in_tmp, entry_text(**{ALIAS: 'aliases: ["The OLD name of it"]'}), **{"30004": other})
    assert problems == [
        f"{F}:23:11: aliases[0]: 'The OLD name of it' is the title of 30004; an alias names one code only"]


def test_an_alias_that_is_a_reference_entrys_title(in_tmp):
    problems = check_21610(in_tmp, entry_text(**{ALIAS: 'aliases: ["Reference title for 40001"]'}),
                           **{"40001": reference_text(40001)})
    assert problems == [f"{F}:23:11: aliases[0]: 'Reference title for 40001' is the title of 40001; "
                        "an alias names one code only"]


def test_the_same_alias_twice_in_one_entry(in_tmp):
    problems = check_21610(in_tmp, entry_text(**{ALIAS: 'aliases: ["Alias label of 21610", "ALIAS LABEL OF 21610"]'}))
    assert problems == [f"{F}:23:35: aliases[1]: is the same name as aliases[0] once case, width and invisible "
                        "characters are set aside; remove one"]


def test_a_former_title_equal_to_the_title(in_tmp):
    text = entry_text(**{"level: error": 'former_titles:\n  - title: "TEST TITLE FOR 21610"\nlevel: error'})
    assert check_21610(in_tmp, text) == [
        f"{F}:6:12: former_titles[0].title: is the current title; a former title differs from it"]


# --- one normalisation of names (errdict._names, shared by the compiler and the scanner) -----------------

@pytest.mark.parametrize(("name", "key"), [
    ("Carrier Violation", "carrier violation"), ("  CARRIER   violation ", "carrier violation"),
    ("Ｃａｒｒｉｅｒ Ｖｉｏｌａｔｉｏｎ", "carrier violation"), ("Carrier\u00a0Violation", "carrier violation"),
    ("Carrier\u3000Violation", "carrier violation"), ("Carrier\u200bViolation", "carrierviolation"),
    ("Car\u00adrier Vio\u2060lation", "carrier violation"), ("\ufb01ltered message", "filtered message"),
    ("STRASSE stra\u00dfe", "strasse strasse"), ("Cafe\u0301", "caf\u00e9"),
    ("\u2066Carrier\u2069 Violation", "carrier violation"),
    ("Carrier\u3164Violation", "carrierviolation"), ("\uff76\uff9e", "\u30ac"),
])
def test_names_are_normalised_nfkc_case_folded_without_invisible_characters(name, key):
    from errdict._names import normalize

    assert normalize(name) == key


_NAME_CHARS = st.characters(codec="utf-8") | st.sampled_from(list(
    "aAzZ \u00a0\u3000\t\nßİΣσςﬁＣａ\u0301\u0308\u0327\u0345\u200b\u200d\u00ad\u2066"
    "ｶﾞ가\u1161\u11a8\u3131\u314f\uffa0ᾈ\ufe0f"))


@settings(max_examples=examples(1500), deadline=None)
@given(st.text(_NAME_CHARS, max_size=16))
def test_normalisation_is_idempotent_and_the_scanners_folding_agrees(text):
    from errdict._names import fold, fold_with_offsets, normalize

    key = normalize(text)
    assert normalize(key) == key
    folded, starts, ends = fold_with_offsets(text)
    assert " ".join(folded.split()) == key
    assert len(starts) == len(ends) == len(folded)
    assert all(0 <= a < b <= len(text) for a, b in zip(starts, ends, strict=True))
    assert starts == sorted(starts)
    assert fold(text)[0] == folded


def test_folding_maps_a_label_back_to_its_place_in_the_text():
    from errdict._names import fold_with_offsets, normalize

    text = "ERROR: ｃａｒｒｉｅｒ\u200b ｖｉｏｌａｔｉｏｎ at 12:00"
    folded, starts, ends = fold_with_offsets(text)
    label = normalize("Carrier violation")
    at = folded.index(label)
    assert text[starts[at]:ends[at + len(label) - 1]] == "ｃａｒｒｉｅｒ\u200b ｖｉｏｌａｔｉｏｎ"


@pytest.mark.parametrize(("alias", "why"), [
    ("30007", "it holds no word"), ("--", "it holds no word"), ("", "it holds no word"),
    ("Undelivered", "a single word matches too many log lines; use the whole label"),
    ("Message failed", "every word in it is a generic word or a number"),
    ("ERROR 30007", "every word in it is a generic word or a number"),
    ("Ｅｒｒｏｒ　ｍｅｓｓａｇｅ", "every word in it is a generic word or a number"),
    ("Carrier Violation", None), ("Invalid 'To' number", None), ("Unknown destination handset", None),
])
def test_too_generic(alias, why):
    from errdict._names import too_generic

    assert too_generic(alias) == why


# --- deep nesting --------------------------------------------------------------------------------------

DEEP = "nested more than 8 levels deep; an entry is at most 3 levels deep (links[0].url)"


NESTED_FIELD = {"flow": "related[0][0][0][0][0][0][0]: ", "block": "related[0][0][0][0][0][0][0]: ",
                "mapping": "related.a.a.a.a.a.a.a: "}


@pytest.mark.parametrize(("depth", "style", "where"), [
    (9, "flow", "24:17"), (300, "flow", "24:17"), (999, "flow", "24:17"), (5000, "flow", "24:17"),
    (300, "mapping", "24:38"), (300, "block", "25:15"), (2000, "block", "25:15")])
def test_deep_nesting_is_a_problem_at_its_line(in_tmp, depth, style, where):
    """A value nested hundreds or thousands of levels deep is one problem, where it passes eight
    levels (the eighth bracket or dash), with no RecursionError. Past libyaml's own limit of 1,000
    levels the parser stops before any value is built, so the field path is not known."""
    nested = {"flow": "related: " + "[" * depth + "]" * depth,
              "mapping": "related: " + "{a: " * depth + "1" + "}" * depth,
              "block": "related:\n" + "- " * depth + "1"}[style]
    field = NESTED_FIELD[style] if depth < 1000 else ""
    assert check_21610(in_tmp, entry_text(**{"related: [30004]": nested})) == [f"{F}:{where}: {field}{DEEP}"]


# --- files and folders ------------------------------------------------------------------------------

def _run_check(*args, cwd):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "generator", "check", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)


@pytest.mark.slow
def test_check_command_exit_status_and_output(in_tmp):
    write_pair(in_tmp / "codes", entry_text(**{"level: error": "level: eror"}))
    bad = _run_check("codes", cwd=in_tmp)
    assert bad.returncode == 1
    assert bad.stdout == f"{F}:5:8: level: 'eror' is not one of: error, warning; did you mean 'error'?\n"
    assert "1 problem in 1 file (2 checked)" in bad.stderr

    only_good = _run_check("codes/30004.yaml", cwd=in_tmp)
    assert (only_good.returncode, only_good.stdout) == (0, "")

    (in_tmp / "codes" / "21610.yaml").write_text(entry_text(), "utf-8")
    good = _run_check("codes", cwd=in_tmp)
    assert (good.returncode, good.stdout) == (0, "")
    assert "2 files checked, no problems" in good.stderr

    missing = _run_check("nowhere.yaml", cwd=in_tmp)
    assert missing.returncode == 2
    assert "nowhere.yaml: no such file or folder" in missing.stderr
    assert "Traceback" not in bad.stderr + good.stderr + missing.stderr


@pytest.mark.slow
def test_the_real_catalog_is_valid():
    catalog = load_catalog(REPO / "codes")
    assert [str(p) for p in catalog.problems] == []
    assert len(catalog.entries) == catalog.files >= 2809


@pytest.mark.slow
def test_many_files_checked_on_several_cores_report_as_on_one(in_tmp, monkeypatch):
    """Above PARALLEL_FROM files the catalog is split across processes; the verdict must not change."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    import synth
    from generator import catalog as catalog_mod

    codes = in_tmp / "codes"
    numbers = synth.write_catalog(codes, catalog_mod.PARALLEL_FROM + 50)
    broken = codes / f"{numbers[7]}.yaml"
    broken.write_text(broken.read_text("utf-8").replace("level: ", "level: x"), "utf-8")
    (codes / f"{numbers[300]}.yaml").write_text("related: [1, 2\n", "utf-8")
    shared = codes / f"{numbers[20]}.yaml"  # a catalog-wide problem: its position is found after the workers ran
    shared.write_text(shared.read_text("utf-8").replace(f"Synthetic alias {numbers[20]}",
                                                        f"Synthetic alias {numbers[21]}"), "utf-8")
    monkeypatch.setattr(catalog_mod.os, "cpu_count", lambda: 2)
    parallel = load_catalog(Path("codes"))
    parallel_check = load_catalog(Path("codes"), keep_entries=False)
    monkeypatch.setattr(catalog_mod.os, "cpu_count", lambda: 1)
    serial = load_catalog(Path("codes"))
    assert [str(p) for p in parallel.problems] == [str(p) for p in serial.problems]
    assert [str(p) for p in parallel_check.problems] == [str(p) for p in serial.problems]
    assert parallel.entries == serial.entries and parallel_check.entries == []
    assert len(serial.entries) == catalog_mod.PARALLEL_FROM + 46
    assert sorted((p.file, p.field) for p in serial.problems) == sorted([
        (f"codes/{numbers[7]}.yaml", "level"), (f"codes/{numbers[300]}.yaml", ""),
        (f"codes/{numbers[20]}.yaml", "aliases[0]"), (f"codes/{numbers[21]}.yaml", "aliases[0]")])
    assert all(p.line > 1 for p in parallel_check.problems if p.field == "aliases[0]")


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(sorted(schema.properties())), st.text(max_size=30) | st.integers() | st.none())
def test_any_single_field_value_gives_problems_never_a_traceback(in_tmp, field, value):
    line = yaml.safe_dump({field: value}, width=10**6)
    text = entry_text() + line
    problems = check_21610(in_tmp, text)
    assert all(p.startswith(F + ":") or p.startswith("codes/30004.yaml:") for p in problems)
    # the field is set twice (once by the valid entry, unless it is optional): the duplicate is reported
    if f"\n{field}:" in "\n" + entry_text():
        assert any(f": {field}: duplicate key" in p for p in problems)
    assert all(unicodedata.category(c)[0] != "C" for p in problems for c in p)
