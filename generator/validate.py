"""Validate entries: each one against the JSON Schema and the text rules, then the catalog as a whole.

Pure functions over :class:`~generator.yamlsource.ParsedEntry` objects; reading files is
:mod:`generator.catalog`'s job. Every problem is a :class:`~generator.yamlsource.Problem` with
the file, line, column and field path, worded for the person who has to fix the entry.

The schema is checked in two steps: fastjsonschema's compiled validator answers "valid or not" in
microseconds, and only an entry it rejects (or one holding a float, which it would take for an
integer) goes through jsonschema, whose errors say what and where. Then every text: control,
bidirectional and invisible characters, blanks, URLs, markup (judged on the rendered HTML, see
:mod:`generator.markup`), word limits. Then the catalog: duplicate codes, names that are not
specific or belong to another code (compared as :func:`errdict._names.normalize` compares them),
references that lead nowhere, replacement circles, and codes deleted from the compiled catalog.
"""
from __future__ import annotations

import datetime
import difflib
import functools
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from errdict import _names as names_mod
from errdict._codes import ENTRY_FILE_NAME, MAX_CODE, MIN_CODE

from . import markup, schema
from .yamlsource import ParsedEntry, Problem

if TYPE_CHECKING:
    import jsonschema

ENTRY_NAME = ENTRY_FILE_NAME


# --- the schema -----------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _explainer() -> jsonschema.protocols.Validator:
    """jsonschema's validator for the entry schema, imported only when an entry needs explaining
    (the import alone costs 0.1 s; a clean catalog never pays it)."""
    import jsonschema

    entry_schema = schema.load()
    jsonschema.Draft202012Validator.check_schema(entry_schema)
    # In an entry an integer is written as one: 21610.0 is not a code, whatever JSON says.
    type_checker = jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda checker, value: type(value) is int)
    entry_validator = jsonschema.validators.extend(jsonschema.Draft202012Validator, type_checker=type_checker)
    return entry_validator(entry_schema)  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=1)
def fast_check() -> Callable[[Any], bool]:
    """The schema compiled by fastjsonschema into a yes/no check (no defaults filled in)."""
    import fastjsonschema

    validate = fastjsonschema.compile(schema.load(), use_default=False)

    def is_valid(data: Any) -> bool:
        try:
            validate(data)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    return is_valid


def schema_errors(data: Any, *, has_float: bool = True) -> list[Any]:
    """jsonschema's errors for data, skipped when the compiled check already says valid. The
    compiled check takes a float with no fraction (21610.0) for an integer, as JSON does; an entry
    writes integers as integers, so data holding a float (has_float) always goes to jsonschema."""
    if not has_float and fast_check()(data):
        return []
    return list(_explainer().iter_errors(data))


_DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def shown(value: Any, limit: int = 60) -> str:
    """A value as a message quotes it: its repr (control characters escaped), cut to limit."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "...'"


_TYPE_NAMES = {"string": "a string", "integer": "an integer", "array": "a list", "object": "a mapping",
               "boolean": "true or false", "null": "empty", "number": "a number"}


def _found(value: Any) -> str:
    if value is None:
        return "nothing"
    for kind, name in ((bool, "a boolean"), (int, "an integer"), (float, "a number with a fraction"),
                       (str, "a string"), (list, "a list"), (dict, "a mapping")):
        if isinstance(value, kind):
            return name
    return type(value).__name__


def _schema_message(error: Any, kind: Any) -> tuple[tuple[Any, ...], str, bool]:
    """Turn one jsonschema error into (path, message, at_key) in the project's own words."""
    path = tuple(error.absolute_path)
    spec, keyword, value = error.schema, error.validator, error.instance
    custom = spec.get("x-message") if isinstance(spec, dict) else None
    if keyword == "required":
        missing = re.match(r"'([^']+)'", error.message)
        name = missing.group(1) if missing else "?"
        if name in schema.full_entry_fields() and kind == "full":
            return (*path, name), "required field is missing (a full entry explains the code in full)", False
        return (*path, name), "required field is missing", False
    if keyword == "additionalProperties":
        known = list(spec.get("properties", {}))
        extras = [k for k in value if k not in known]
        name = extras[0] if extras else "?"
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else f"; known fields: {', '.join(known)}"
        return (*path, name), f"unknown field{hint}", True
    if keyword == "not" and path and path[-1] in ("retry", "action"):
        return path, f"{shown(value)} is only for reference entries; a full entry says what to do", False
    if keyword == "type":
        wanted = error.validator_value
        if wanted == "string" and spec.get("minLength", 0) >= 1:
            return path, "must be a non-empty string", False
        return path, f"must be {_TYPE_NAMES.get(wanted, wanted)}, not {_found(value)}", False
    if keyword == "minLength":
        if error.validator_value <= 1:
            return path, "must be a non-empty string", False
        return path, f"must be at least {error.validator_value} characters long", False
    if keyword == "maxLength":
        return path, f"must be at most {error.validator_value} characters long (it has {len(value)})", False
    if keyword == "enum":
        allowed = [str(v) for v in error.validator_value]
        if path in (("retry",), ("action",)) and kind == "full":
            allowed = [v for v in allowed if v != "unknown"]  # only for reference entries
        close = difflib.get_close_matches(str(value)[:100], allowed, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return path, f"{shown(value)} is not one of: {', '.join(allowed)}{hint}", False
    if keyword == "const":
        return path, f"must be {json.dumps(error.validator_value)} when present", False
    if keyword == "pattern" and path == ("updated",) and isinstance(value, str) and _DATE_SHAPE.match(value):
        return path, f"{shown(value)} is not a real date", False
    if keyword in ("pattern", "minimum", "maximum") and custom:
        return path, custom, False
    if keyword == "pattern":
        return path, f"does not match the pattern {error.validator_value}", False
    if keyword == "minItems":
        n = error.validator_value
        return path, f"must list at least {n} item{'s' if n != 1 else ''}", False
    if keyword == "maxItems":
        n = error.validator_value
        return path, f"must list at most {n} item{'s' if n != 1 else ''}", False
    if keyword == "uniqueItems":
        return path, "lists the same item more than once", False
    return path, error.message, False


_REFERENCE_HOLDS_FACTS = ("a reference entry holds the upstream facts only; remove this field, "
                          "or write the whole entry and set kind: full")


def check_schema(parsed: ParsedEntry) -> None:
    """Add the schema's verdict on one parsed entry to its problems, then the text rules'."""
    data = parsed.data
    if not isinstance(data, dict):
        return
    if data.get("kind") == "reference":
        for name in schema.explained_fields():  # the schema's `false` for them names no field
            if name in data and (name,) not in parsed.reported_paths:
                parsed.problem((name,), _REFERENCE_HOLDS_FACTS, at_key=True)
    for error in schema_errors(data, has_float=parsed.has_float):
        if error.validator in ("if", "allOf") or error.schema is False:
            continue
        path, message, at_key = _schema_message(error, data.get("kind"))
        if error.validator == "pattern" and isinstance(error.instance, str):
            message = refused_character(error.instance, allow_newline=True) or message  # name the character
        if any(path[: i + 1] in parsed.reported_paths for i in range(len(path))):
            continue  # already explained more precisely (a YAML 1.1 surprise, a duplicate key)
        if error.validator == "enum" and path == ("status",) and "replaced_by" in data:
            message = "must be 'deprecated' or 'removed' when replaced_by is set"
        parsed.problem(path, message, at_key=at_key)
    check_text(parsed)
    check_date(parsed)


# --- text -----------------------------------------------------------------------------------------

class _TextField:
    """How one kind of text in an entry is checked: Markdown or plain, URL or not, word limit."""

    __slots__ = ("markdown", "max_words", "url")

    def __init__(self, spec: dict[str, Any], max_words: int | None) -> None:
        self.markdown = bool(spec.get("x-markdown"))
        self.url = str(spec.get("pattern", "")).startswith("^https://")
        self.max_words = max_words


@functools.lru_cache(maxsize=1)
def _text_plan() -> tuple[tuple[str, str, Any], ...]:
    """Where an entry holds text, from the schema: (field, shape, how) with shape "str" (a string),
    "strs" (a list of strings) or "objs" (a list of mappings; how lists (key, _TextField))."""
    plan: list[tuple[str, str, Any]] = []
    for name, spec in schema.properties().items():
        limit = schema.max_words(name)
        if spec.get("type") == "string":
            plan.append((name, "str", _TextField(spec, limit)))
        elif spec.get("type") == "array":
            items = spec.get("items", {})
            if items.get("type") == "string":
                plan.append((name, "strs", _TextField(items, limit)))
            elif items.get("type") == "object":
                keys = tuple((key, _TextField(sub, None)) for key, sub in items.get("properties", {}).items()
                             if sub.get("type") == "string")
                if keys:
                    plan.append((name, "objs", keys))
    return tuple(plan)


def texts(data: dict[str, Any]) -> Iterator[tuple[tuple[Any, ...], str, _TextField]]:
    """(path, text, how it is checked) of every string an entry holds where the schema expects one."""
    for name, shape, how in _text_plan():
        value = data.get(name)
        if value is None:
            continue
        if shape == "str":
            if isinstance(value, str):
                yield (name,), value, how
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if shape == "strs":
                    if isinstance(item, str):
                        yield (name, i), item, how
                elif isinstance(item, dict):
                    for key, sub in how:
                        text = item.get(key)
                        if isinstance(text, str):
                            yield (name, i, key), text, sub


# Characters no entry text may hold: they reach terminals and pages invisibly or as commands.
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Printable by Python's measure, yet shown as nothing: Hangul fillers, the combining grapheme joiner
# and two Khmer vowels that Unicode deprecates as invisible.
_INVISIBLE_PRINTABLE = re.compile("[\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0]")
_ASCII_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ASCII_CONTROL_BUT_NEWLINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def refused_character(text: str, allow_newline: bool) -> str | None:
    """The first control, format, bidirectional-override, invisible or unassigned character in
    text, named (None when there is none). A newline is allowed where allow_newline says so; the
    space and the no-break space are the only spaces besides it."""
    if text.isascii():
        control = (_ASCII_CONTROL_BUT_NEWLINE if allow_newline else _ASCII_CONTROL).search(text)
        return None if control is None else _name_refused(control.group(0))
    probe = text.replace("\n", "") if allow_newline else text
    if probe.isprintable() and not _INVISIBLE_PRINTABLE.search(probe):
        return None
    for char in probe:
        if char.isprintable() and not _INVISIBLE_PRINTABLE.match(char):
            continue
        if char == "\u00a0":
            continue
        return _name_refused(char)
    return None  # pragma: no cover - isprintable() said one character is not


def _name_refused(char: str) -> str:
    category = unicodedata.category(char)
    name = unicodedata.name(char, "")
    if not name and char in "\x00\x07\x08\x09\x0a\x0b\x0c\x0d\x1b\x7f":
        name = {"\x00": "NUL", "\x07": "BEL (bell)", "\x08": "BACKSPACE", "\x09": "TAB", "\x0a": "LINE FEED",
                "\x0b": "LINE TABULATION", "\x0c": "FORM FEED", "\x0d": "CARRIAGE RETURN", "\x1b": "ESC (escape)",
                "\x7f": "DELETE"}[char]
    if not name and 0x80 <= ord(char) <= 0x9F:
        name = "a C1 control"
    label = f"U+{ord(char):04X}" + (f" {name}" if name else "")
    if char == "\n":
        return f"holds a line break ({label}); this field is a single line"
    if char in _BIDI_CONTROLS:
        kind = "a bidirectional control"
    elif category in ("Zl", "Zp"):
        kind = "a line or paragraph separator"
    elif category == "Cc":
        kind = "a control character"
    elif category == "Cf" or _INVISIBLE_PRINTABLE.match(char):
        kind = "an invisible character"
    elif category == "Zs":
        kind = "a space other than the plain space"
    else:
        kind = "an unassigned or private-use character"
    return f"holds {kind} ({label}); remove it"


def check_text(parsed: ParsedEntry) -> None:
    """Every text: no control or invisible characters, not blank, on one line unless it is
    Markdown, a real https URL where one is expected, no markup in plain text, Markdown that renders
    to HTML the sanitiser keeps whole, and within its word limit."""
    reported = parsed.reported_paths
    found = [(path, text, how) for path, text, how in texts(parsed.data)
             if path not in reported and path[:1] not in reported]
    # The characters and the markup are judged on all texts at once first: a clean entry (nearly
    # every one) then skips those checks field by field. Joined by newlines, the texts give each
    # check the same answer they give one by one (no check looks across a line break).
    every = "\n".join(text for _, text, _ in found)
    clean_characters = every.isascii() and not _ASCII_CONTROL_BUT_NEWLINE.search(every)
    markdown = [text for _, text, how in found if how.markdown]
    clean_markdown = markup.none_may_hold_markup(markdown)
    clean_plain = "<" not in every
    for path, text, how in found:
        message = _text_problem(text, how, characters=not clean_characters or (not how.markdown and "\n" in text),
                                markup_rules=not (clean_markdown if how.markdown else clean_plain))
        if message:
            parsed.problem(path, message)


def _text_problem(text: str, how: _TextField, *, characters: bool = True, markup_rules: bool = True) -> str | None:
    """Why one text is refused (None when it is fine). characters=False and markup_rules=False skip
    the checks the caller has already made for it."""
    bad = refused_character(text, allow_newline=how.markdown) if characters else None
    if bad:
        return bad
    if not text.strip():
        return "must not be blank"
    if how.url:
        if not markup.is_https_url(text):
            return ("must be an https:// URL with a host name (such as https://example.org/page; "
                    "no user name, IP address, spaces, quotes or backslashes)")
        return None
    if not any(char.isalnum() for char in text):
        return "must hold words, not only spaces and punctuation"
    if markup_rules:
        message = markup.problem(text) if how.markdown else markup.plain_text_problem(text)
        if message:
            return message
    if how.max_words is not None:
        words = len(text.split())
        if words > how.max_words:
            return f"has {words} words; keep it to at most {how.max_words}"
    return None


def check_date(parsed: ParsedEntry) -> None:
    value = parsed.data.get("updated")
    if not isinstance(value, str) or ("updated",) in parsed.reported_paths:
        return
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        parsed.problem(("updated",), f"{shown(value)} is not a real date")
        return
    if day > datetime.date.today() + datetime.timedelta(days=1):
        parsed.problem(("updated",), f"{value} is in the future")


def check_file_name(parsed: ParsedEntry) -> None:
    data = parsed.data
    if not isinstance(data, dict) or type(data.get("code")) is not int or ("code",) in parsed.reported_paths:
        return
    stem = Path(parsed.file).name[: -len(".yaml")]
    if stem != str(data["code"]):
        parsed.problem(("code",), f"{data['code']} does not match the file name; "
                                  f"the entry for {data['code']} belongs in {data['code']}.yaml")


# --- the catalog as a whole -----------------------------------------------------------------------

def check_catalog(entries: list[ParsedEntry], files_present: set[int] | None = None) -> None:
    """Checks across entries: duplicate codes and names, references that lead nowhere, cycles.

    A reference to a code whose file exists but is broken is not reported again: that
    file's own problems say what to fix.
    """
    by_code: dict[int, ParsedEntry] = {}
    for parsed in entries:
        code = _code_of(parsed)
        if code is None:
            continue
        if code in by_code:
            parsed.problem(("code",), f"{code} is also defined in {by_code[code].file}")
        else:
            by_code[code] = parsed
    check_names(entries)
    known = (files_present or set()) | set(by_code)
    for parsed in entries:
        code = _code_of(parsed)
        if code is None:
            continue
        related = parsed.data.get("related")
        if isinstance(related, list):
            for i, other in enumerate(related):
                _check_reference(parsed, ("related", i), code, other, known, verb="related to")
        if "replaced_by" in parsed.data:
            _check_reference(parsed, ("replaced_by",), code, parsed.data["replaced_by"], known, verb="replaced by")
    check_replacement_cycles(by_code)


def check_names(entries: list[ParsedEntry]) -> None:
    """Aliases are specific: not generic words or numbers, not the entry's own title, not the
    title, former title or alias of another code. Names are compared as the alias index and the
    scanner compare them (:func:`errdict._names.normalize`: NFKC, case folded, invisible characters
    removed, white space collapsed)."""
    normalize = names_mod.normalize
    titles: dict[str, list[int]] = {}  # a title or former title -> the codes it names
    for parsed in entries:
        code = _code_of(parsed)
        if code is None:
            continue
        title = parsed.data.get("title")
        if isinstance(title, str):
            titles.setdefault(normalize(title), []).append(code)
        former = parsed.data.get("former_titles")
        if isinstance(former, list):
            for item in former:
                if isinstance(item, dict) and isinstance(item.get("title"), str):
                    titles.setdefault(normalize(item["title"]), []).append(code)
    holders: dict[str, list[tuple[int, ParsedEntry, int]]] = {}  # alias -> (code, entry, index)
    for parsed in entries:
        code = _code_of(parsed)
        if code is None:
            continue
        own_title = parsed.data.get("title")
        own_key = normalize(own_title) if isinstance(own_title, str) else None
        former = parsed.data.get("former_titles")
        if isinstance(former, list) and own_key is not None:
            for i, item in enumerate(former):
                if isinstance(item, dict) and isinstance(item.get("title"), str) \
                        and ("former_titles", i, "title") not in parsed.reported_paths \
                        and normalize(item["title"]) == own_key:
                    parsed.problem(("former_titles", i, "title"),
                                   "is the current title; a former title differs from it")
        aliases = parsed.data.get("aliases")
        if not isinstance(aliases, list):
            continue
        seen_here: dict[str, int] = {}
        for i, alias in enumerate(aliases):
            if not isinstance(alias, str) or ("aliases", i) in parsed.reported_paths:
                continue
            key = normalize(alias)
            why_generic = names_mod.too_generic(alias)
            if why_generic:
                parsed.problem(("aliases", i), f"{shown(alias)} is too generic to name one code ({why_generic})")
            elif key == own_key:
                parsed.problem(("aliases", i), "is the entry's own title; remove it")
            elif key in seen_here:
                parsed.problem(("aliases", i), f"is the same name as aliases[{seen_here[key]}] once case, width "
                                               "and invisible characters are set aside; remove one")
            elif any(other != code for other in titles.get(key, ())):
                others = sorted({other for other in titles[key] if other != code})
                parsed.problem(("aliases", i), f"{shown(alias)} is the title of {_list_codes(others)}; "
                                               "an alias names one code only")
            else:
                seen_here[key] = i
                holders.setdefault(key, []).append((code, parsed, i))
    for holding in holders.values():
        if len({code for code, _, _ in holding}) < 2:
            continue
        for code, parsed, i in holding:
            others = [(other, entry.file) for other, entry, _ in holding if other != code]
            named = ", ".join(f"{other} ({file})" for other, file in others)
            parsed.problem(("aliases", i), f"{shown(parsed.data['aliases'][i])} is also an alias of {named}; "
                                           "an alias names one code only")


def _list_codes(codes: list[int]) -> str:
    return ", ".join(str(code) for code in codes)


def _check_reference(parsed: ParsedEntry, path: tuple[Any, ...], code: int, other: Any, known: set[int], *,
                     verb: str) -> None:
    if not isinstance(other, int) or isinstance(other, bool) or path in parsed.reported_paths \
            or path[:1] in parsed.reported_paths:
        return
    if other == code:
        parsed.problem(path, f"a code cannot be {verb} itself")
    elif other not in known:
        parsed.problem(path, f"{other} has no entry in codes/; add codes/{other}.yaml or remove the reference")


def check_replacement_cycles(by_code: dict[int, ParsedEntry]) -> None:
    """replaced_by must lead to a code that is still in use, never back round to where it started.
    Each code on a circle is told the whole circle; codes that only lead into one are not (the
    circle's own problems say what to fix). Linear in the number of entries."""
    def target(code: int) -> int | None:
        parsed = by_code.get(code)
        value = parsed.data.get("replaced_by") if parsed is not None else None
        return value if type(value) is int and value != code else None  # a self-reference is reported apart

    done: set[int] = set()
    for start in by_code:
        if start in done:
            continue
        position: dict[int, int] = {}
        path: list[int] = []
        step: int | None = start
        while step is not None and step not in done and step not in position:
            position[step] = len(path)
            path.append(step)
            step = target(step)
        if step is not None and step in position:
            circle = path[position[step]:]
            for i, code in enumerate(circle):
                parsed = by_code[code]
                if ("replaced_by",) in parsed.reported_paths:
                    continue
                loop = " -> ".join(str(c) for c in circle[i:] + circle[:i] + [code])
                parsed.problem(("replaced_by",), f"replacements run in a circle ({loop}); "
                                                 "the last code of a chain must not be replaced")
        done.update(path)


def deleted_code_problems(committed: Iterable[int], present: set[int], codes_shown: str,
                          data_shown: str) -> list[Problem]:
    """A code the committed compiled catalog holds must keep its file: a code is never deleted."""
    problems = []
    folder = codes_shown.rstrip("/")
    for code in sorted(set(committed) - present):
        file = f"{folder}/{code}.yaml"
        problems.append(Problem(file, 1, 1, "code", (
            f"{code} is in the compiled catalog ({data_shown}) but has no file in {folder}/; a code is never "
            f"deleted: restore {file} (git checkout -- {file}) and set status: removed "
            "(with replaced_by: <code> where another code replaces it)")))
    return problems


def _code_of(parsed: ParsedEntry) -> int | None:
    data = parsed.data
    if not isinstance(data, dict):
        return None
    code = data.get("code")
    # a code that merely sits in the wrong file still counts: that is how duplicates show
    if type(code) is int and MIN_CODE <= code <= MAX_CODE:
        return code
    return None


def stray_file_problem(file: str, name: str, is_dir: bool) -> Problem:
    """What to say about something in codes/ that is not an entry file."""
    if is_dir:
        message = "a folder in codes/; entries are files codes/<code>.yaml, directly in codes/"
    elif name.lower().endswith((".yml", ".yaml")) and ENTRY_NAME.match(name.rsplit(".", 1)[0] + ".yaml"):
        message = f"wrong extension; rename it to {name.rsplit('.', 1)[0]}.yaml"
    else:
        message = ("not an entry: files in codes/ must be named <code>.yaml, "
                   "the code a number of 3 to 6 digits without leading zeros")
    return Problem(file, 1, 1, "", message)


def sorted_problems(entries: Iterable[ParsedEntry], extra: Iterable[Problem] = ()) -> list[Problem]:
    problems = [p for parsed in entries for p in parsed.problems]
    problems.extend(extra)
    return sorted(problems, key=lambda p: (p.file, p.line, p.column, p.field, p.message))
