"""The entry reader: its quick tag resolver gives PyYAML's answers, it never raises, every problem it
reports is at a real place in the file, and deep nesting, huge numbers, alias bombs and hostile
names give one clear problem each."""
from __future__ import annotations

import inspect
import sys

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from thorough import examples

from entries import entry_text
from generator.yamlsource import MAX_DEPTH, Problem, _EntryLoader, parse_entry_text, printable

F = "codes/21610.yaml"
WORDS = ["yes", "No", "TRUE", "off", "On", "null", "NULL", "~", "", "y", "n", "Yes please", "0123", "1:20",
         "2024-01-01", "1e3", ".inf", "-.5", "0x1F", "+12", "<<", "=", "Message filtered", "12:30:15"]


def _original_tag(value: str, implicit=(True, False)) -> str:
    return yaml.resolver.Resolver().resolve(yaml.ScalarNode, value, implicit)


def _quick_tag(value: str, implicit=(True, False)) -> str:
    loader = _EntryLoader("")
    try:
        return loader.resolve(yaml.ScalarNode, value, implicit)
    finally:
        loader.dispose()


def test_known_tricky_scalars_resolve_as_pyyaml_does():
    for value in WORDS:
        assert _quick_tag(value) == _original_tag(value), value
        assert _quick_tag(value, (False, True)) == _original_tag(value, (False, True)), value


@settings(max_examples=examples(1000))
@given(st.text(max_size=12) | st.sampled_from(WORDS))
def test_any_plain_scalar_resolves_as_pyyaml_does(value):
    assert _quick_tag(value) == _original_tag(value)


@pytest.mark.parametrize("kind", [yaml.SequenceNode, yaml.MappingNode])
def test_collections_resolve_as_pyyaml_does(kind):
    loader = _EntryLoader("")
    try:
        for implicit in (True, False):
            assert loader.resolve(kind, None, implicit) == yaml.resolver.Resolver().resolve(kind, None, implicit)
    finally:
        loader.dispose()


def _check_positions(raw: bytes, parsed) -> None:
    """Every problem names the file and a line and column that exist in it."""
    text = raw.decode("utf-8", "replace")
    lines = text.split("\n")
    for problem in parsed.problems:
        assert problem.file == F
        assert 1 <= problem.line <= len(lines) + 1, (problem, len(lines))
        assert 1 <= problem.column <= max(len(line) for line in lines) + 2, problem
        assert problem.message and str(problem).isprintable()


@settings(max_examples=examples(500), deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_reading_never_raises_on_arbitrary_bytes(raw):
    parsed = parse_entry_text(F, raw)
    _check_positions(raw, parsed)
    # either it read a mapping, or it said why not
    assert isinstance(parsed.data, dict) or parsed.problems


_YAMLISH = st.lists(st.sampled_from([
    "code: 21610\n", "title: x\n", "a:", " ", "  ", "- ", "[", "]", "{", "}", ", ", ": ", "\n", "&a ", "*a", "<<: ",
    "!!str ", "!x ", "'", '"', "#", "? ", "|", ">", "---\n", "...\n", "9" * 50, "0o7", "1:2", "2026-01-01", "no",
    "\\x1b", "\u202e", "\t",
]), max_size=30).map("".join)


@settings(max_examples=examples(800), deadline=None)
@given(_YAMLISH)
def test_reading_never_raises_on_yaml_shaped_input(text):
    raw = text.encode("utf-8")
    parsed = parse_entry_text(F, raw)
    _check_positions(raw, parsed)


def test_the_valid_entry_reads_cleanly():
    parsed = parse_entry_text(F, entry_text().encode())
    assert parsed.problems == []
    assert parsed.data["code"] == 21610 and parsed.data["causes"] == ["The first cause.", "The second cause."]
    assert parsed.data["links"] == [{"title": "A page", "url": "https://example.org/page"}]
    assert parsed.where(("links", 0, "url")) == (27, 10)
    assert parsed.where(("causes", 1)) == (14, 5)
    assert parsed.where(("related",), at_key=True) == (24, 1)
    assert parsed.where(("nowhere", 3)) == (2, 1)  # absent: the nearest enclosing value, here the entry


def test_where_still_works_after_release():
    parsed = parse_entry_text(F, entry_text().encode()).release()
    assert parsed.root is None
    assert parsed.where(("causes", 1)) == (14, 5)


# --- deep nesting -------------------------------------------------------------------------------------

DEEP = f"nested more than {MAX_DEPTH} levels deep; an entry is at most 3 levels deep (links[0].url)"


@pytest.mark.parametrize(("text", "expected"), [
    ("x: " + "[" * 9 + "]" * 9, f"{F}:1:11: x[0][0][0][0][0][0][0]: {DEEP}"),
    ("x: " + "[" * 300 + "]" * 300, f"{F}:1:11: x[0][0][0][0][0][0][0]: {DEEP}"),
    ("x: " + "[" * 1000 + "]" * 1000, f"{F}:1:11: {DEEP}"),         # past libyaml's own limit
    ("x: " + "[" * 20000, f"{F}:1:11: {DEEP}"),                      # and never closed
    ("x: " + '["[[[[", ' * 3 + "[" * 5000, f"{F}:1:35: {DEEP}"),      # brackets in quotes do not count
    ("x: " + "{a: " * 1000 + "1" + "}" * 1000, f"{F}:1:32: {DEEP}"),
    ("x:\n" + "- " * 300 + "1", f"{F}:2:15: x[0][0][0][0][0][0][0]: {DEEP}"),
    ("x:\n" + "- " * 3000 + "1", f"{F}:2:15: {DEEP}"),
    ("x:\n" + "".join(" " * i + "a:\n" for i in range(1, 200)) + " " * 200 + "b: 1\n",
     f"{F}:9:9: x.a.a.a.a.a.a.a: {DEEP}"),
])
def test_deep_nesting_is_one_problem_at_its_line(text, expected):
    parsed = parse_entry_text(F, text.encode())
    assert [str(p) for p in parsed.problems] == [expected]


def test_deep_nesting_needs_no_deep_stack():
    """Reading runs on an iterative walk: even with a small recursion limit a deep entry is a
    problem, not a RecursionError."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 60)  # 60 frames to spare, wherever the test runs
    try:
        for depth in (50, 500, 5000):
            parsed = parse_entry_text(F, ("x: " + "[" * depth + "]" * depth).encode())
            assert parsed.problems and parsed.problems[0].message == DEEP
    finally:
        sys.setrecursionlimit(limit)


# --- numbers, aliases, size ------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "message"), [
    ("9" * 5000, "a number of 5,000 characters; no field holds a number that long (a code has 3 to 6 digits)"),
    ("-" + "1" * 4400, "a number of 4,401 characters; no field holds a number that long (a code has 3 to 6 digits)"),
    ("0x" + "f" * 100, "a number of 102 characters; no field holds a number that long (a code has 3 to 6 digits)"),
])
def test_huge_numbers_are_a_problem_not_a_traceback(value, message):
    parsed = parse_entry_text(F, f"code: 21610\nx: {value}\n".encode())
    assert [str(p) for p in parsed.problems] == [f"{F}:2:4: x: {message}"]
    assert parsed.data["x"] == value


def test_a_float_is_remembered_for_the_schema_check():
    assert parse_entry_text(F, b"code: 21610.0\n").has_float
    assert not parse_entry_text(F, b"code: 21610\n").has_float


def test_alias_bomb_is_one_problem_and_no_expansion():
    bomb = ('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
            + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)))
    parsed = parse_entry_text(F, bomb.encode())
    assert [str(p) for p in parsed.problems] == [
        f"{F}:2:4: b[0]: YAML aliases (*name) are not allowed in an entry; write the value out"]


def test_too_many_nodes():
    text = "x: [" + ", ".join(["1"] * 6000) + "]\n"
    assert [str(p) for p in parse_entry_text(F, text.encode()).problems] == [
        f"{F}:1:1: more than 5,000 YAML nodes; an entry is never that large"]


def test_an_oversized_file_is_refused_before_parsing():
    raw = b"x: " + b"[" * 70_000
    assert [str(p) for p in parse_entry_text(F, raw).problems] == [
        f"{F}:1:1: file is 70,003 bytes; an entry may be at most 65,536 bytes"]


# --- problems never carry control characters ---------------------------------------------------------------

@settings(max_examples=examples(300))
@given(st.text(max_size=30), st.text(max_size=30), st.text(max_size=30))
def test_a_problem_line_is_always_printable(file, field, message):
    line = str(Problem(file, 1, 1, field, message))
    assert line.isprintable()
    if (file + field + message).isprintable():
        assert line == (f"{file}:1:1: {field}: {message}" if field else f"{file}:1:1: {message}")


def test_printable_escapes_what_a_terminal_would_act_on():
    assert printable("a\x1b[31mb\x07\u202ec\U000e0041") == "a\\x1b[31mb\\x07\\u202ec\\U000e0041"


def test_hostile_keys_reach_the_problem_line_escaped():
    parsed = parse_entry_text(F, b'code: 21610\n"\\e]0;owned\\a": 1\n"k": 1\n"k": 2\n')
    assert [str(p) for p in parsed.problems] == [
        f"{F}:4:1: k: duplicate key (first set at line 3); YAML would silently keep only the last one"]
    assert "\x1b]0;owned\x07" in parsed.data


def test_windows_line_endings_read_like_newlines():
    """\r\n is an ordinary line end (only a \r alone, U+0085, U+2028 and U+2029 are refused)."""
    parsed = parse_entry_text(F, entry_text().replace("\n", "\r\n").encode())
    assert parsed.problems == []
    assert parsed.data["code"] == 21610 and parsed.data["causes"] == ["The first cause.", "The second cause."]
