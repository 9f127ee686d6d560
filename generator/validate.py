"""Validate entries: each one against the JSON Schema and the text rules, then the catalog as a whole.

Pure functions over :class:`~generator.yamlsource.ParsedEntry` objects; reading files is
:mod:`generator.catalog`'s job. Every problem is a :class:`~generator.yamlsource.Problem` with
the file, line, column and field path, worded for the person who has to fix the entry.

The schema is checked in two steps: fastjsonschema's compiled validator answers "valid or not" in
microseconds, and only an entry it rejects goes through jsonschema, whose errors say what and where.
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


def schema_errors(data: Any) -> list[Any]:
    """jsonschema's errors for data, skipped when the compiled check already says valid."""
    if fast_check()(data):
        return []
    return list(_explainer().iter_errors(data))


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


def _kind_of(error: Any) -> str:
    root = error
    while root.parent is not None:
        root = root.parent
    kind = root.instance.get("kind") if isinstance(root.instance, dict) else None
    return kind if isinstance(kind, str) else "?"


def _schema_message(error: Any) -> tuple[tuple[Any, ...], str, bool]:
    """Turn one jsonschema error into (path, message, at_key) in the project's own words."""
    path = tuple(error.absolute_path)
    spec, keyword, value = error.schema, error.validator, error.instance
    custom = spec.get("x-message") if isinstance(spec, dict) else None
    if spec is False:  # a field the entry's kind may not hold
        name = error.schema_path[-1]
        return path + (name,) if path[-1:] != (name,) else path, (
            "a reference entry holds the upstream facts only; remove this field, "
            "or write the whole entry and set kind: full"), True
    if keyword == "required":
        missing = re.match(r"'([^']+)'", error.message)
        name = missing.group(1) if missing else "?"
        if name in schema.full_entry_fields() and _kind_of(error) == "full":
            return path + (name,), "required field is missing (a full entry explains the code in full)", False
        return path + (name,), "required field is missing", False
    if keyword == "additionalProperties":
        known = list(spec.get("properties", {}))
        extras = [k for k in value if k not in known]
        name = extras[0] if extras else "?"
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else f"; known fields: {', '.join(known)}"
        return path + (name,), f"unknown field{hint}", True
    if keyword == "not" and path and path[-1] in ("retry", "action"):
        return path, f"'{value}' is only for reference entries; a full entry says what to do", False
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
        close = difflib.get_close_matches(str(value), allowed, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return path, f"{value!r} is not one of: {', '.join(allowed)}{hint}", False
    if keyword == "const":
        return path, f"must be {json.dumps(error.validator_value)} when present", False
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


def check_schema(parsed: ParsedEntry) -> None:
    """Add the schema's verdict on one parsed entry to its problems, then the text rules'."""
    data = parsed.data
    if not isinstance(data, dict):
        return
    for error in schema_errors(data):
        if error.validator in ("if", "allOf"):
            continue
        path, message, at_key = _schema_message(error)
        if any(path[: i + 1] in parsed.reported_paths for i in range(len(path))):
            continue  # already explained more precisely (a YAML 1.1 surprise, a duplicate key)
        if error.validator == "enum" and path == ("status",) and "replaced_by" in data:
            message = "must be 'deprecated' or 'removed' when replaced_by is set"
        parsed.problem(path, message, at_key=at_key)
    check_text(parsed)
    check_date(parsed)


# --- text -----------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _text_rules() -> tuple[dict[str, bool], frozenset[str]]:
    """Each text field (or list of texts) and whether it is Markdown; the fields holding URLs."""
    texts: dict[str, bool] = {}
    for name, spec in schema.properties().items():
        item = spec.get("items", {}) if spec.get("type") == "array" else spec
        if item.get("type") == "string":
            texts[name] = bool(item.get("x-markdown"))
    return texts, frozenset({"links"})


def _texts(data: dict[str, Any]) -> Iterator[tuple[tuple[Any, ...], str, bool]]:
    """(path, text, is Markdown) of every string an entry holds where the schema expects one."""
    texts, _ = _text_rules()
    for name, is_markdown in texts.items():
        value = data.get(name)
        if isinstance(value, str):
            yield (name,), value, is_markdown
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, str):
                    yield (name, i), item, is_markdown
    links = data.get("links")
    if isinstance(links, list):
        for i, link in enumerate(links):
            if isinstance(link, dict):
                for key in ("title", "url"):
                    if isinstance(link.get(key), str):
                        yield ("links", i, key), link[key], False


# Characters no entry text may hold: they reach terminals and pages invisibly or as commands.
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def refused_character(text: str, allow_newline: bool) -> str | None:
    """The first control, format, bidirectional-override or unassigned character in text, named."""
    for char in text:
        if char.isprintable() and char not in _BIDI_CONTROLS:
            continue  # printable covers letters, marks, punctuation, symbols and the space
        if char == "\n" and allow_newline:
            continue
        category = unicodedata.category(char)
        if category in _REFUSED_CATEGORIES or char in _BIDI_CONTROLS:
            name = unicodedata.name(char, "")
            label = f"U+{ord(char):04X}" + (f" {name}" if name else "")
            kind = "a bidirectional control" if char in _BIDI_CONTROLS else \
                "a line or paragraph separator" if category in ("Zl", "Zp") else \
                "a control character" if category == "Cc" else \
                "an invisible format character" if category == "Cf" else "an unassigned or private character"
            return f"holds {kind} ({label}); remove it"
        if not char.isprintable() and char not in " \u00a0":
            return f"holds an unprintable character (U+{ord(char):04X}); remove it"
    return None


def check_text(parsed: ParsedEntry) -> None:
    """No text may hold control characters, be blank, break a single-line field or carry markup."""
    data = parsed.data
    for path, text, is_markdown in _texts(data):
        if path in parsed.reported_paths:
            continue
        bad = refused_character(text, allow_newline=is_markdown)
        if bad:
            parsed.problem(path, bad)
            continue
        if not text.strip():
            parsed.problem(path, "must not be blank")
            continue
        if not is_markdown and "\n" in text:
            parsed.problem(path, "must be on a single line")
            continue
        if path[-1] == "url":
            if not markup.is_https_url(text):
                parsed.problem(path, "must be an https:// URL with a host name (no user name, spaces or quotes)")
            continue
        if is_markdown:
            message = markup.problem(text)
            if message:
                parsed.problem(path, message)
        limit = schema.max_words(path[0])
        if limit is not None and len(text.split()) > limit:
            parsed.problem(path, f"has {len(text.split())} words; keep it to at most {limit}")


def check_date(parsed: ParsedEntry) -> None:
    value = parsed.data.get("updated")
    if not isinstance(value, str) or ("updated",) in parsed.reported_paths:
        return
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        parsed.problem(("updated",), f"{value!r} is not a real date")
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
    _check_names(entries)
    known = (files_present or set()) | set(by_code)
    for parsed in entries:
        code = _code_of(parsed)
        if code is None:
            continue
        related = parsed.data.get("related")
        if isinstance(related, list):
            for i, other in enumerate(related):
                _check_reference(parsed, ("related", i), code, other, known, "related to")
        if "replaced_by" in parsed.data:
            _check_reference(parsed, ("replaced_by",), code, parsed.data["replaced_by"], known, "replaced by")
    _check_replacement_cycles(by_code)


def _check_names(entries: list[ParsedEntry]) -> None:
    """Aliases are specific: not generic words or numbers, not the title or alias of another code."""
    titles: dict[str, int] = {}
    for parsed in entries:
        code = _code_of(parsed)
        title = parsed.data.get("title") if code is not None else None
        if isinstance(title, str):
            titles.setdefault(names_mod.normalize(title), code)  # type: ignore[arg-type]
    owner: dict[str, tuple[int, str]] = {}
    for parsed in entries:
        code = _code_of(parsed)
        aliases = parsed.data.get("aliases") if code is not None else None
        if code is None or not isinstance(aliases, list):
            continue
        own_title = parsed.data.get("title")
        former = parsed.data.get("former_titles")
        if isinstance(former, list) and isinstance(own_title, str):
            for i, item in enumerate(former):
                if isinstance(item, dict) and isinstance(item.get("title"), str) \
                        and names_mod.normalize(item["title"]) == names_mod.normalize(own_title):
                    parsed.problem(("former_titles", i, "title"), "is the current title; a former title differs from it")
        for i, alias in enumerate(aliases):
            if not isinstance(alias, str) or ("aliases", i) in parsed.reported_paths:
                continue
            key = names_mod.normalize(alias)
            why_generic = names_mod.too_generic(alias)
            if why_generic:
                parsed.problem(("aliases", i), f"{alias!r} is too generic to name one code ({why_generic})")
            elif isinstance(own_title, str) and key == names_mod.normalize(own_title):
                parsed.problem(("aliases", i), "is the entry's own title; remove it")
            elif key in titles and titles[key] != code:
                parsed.problem(("aliases", i), f"{alias!r} is the title of {titles[key]}")
            elif key in owner and owner[key][0] != code:
                parsed.problem(("aliases", i), f"{alias!r} is already an alias of {owner[key][0]} ({owner[key][1]})")
            else:
                owner.setdefault(key, (code, parsed.file))


def _check_reference(parsed: ParsedEntry, path: tuple[Any, ...], code: int, other: Any, known: set[int],
                     verb: str) -> None:
    if not isinstance(other, int) or isinstance(other, bool) or path in parsed.reported_paths:
        return
    if other == code:
        parsed.problem(path, f"a code cannot be {verb} itself")
    elif other not in known:
        parsed.problem(path, f"{other} has no entry in codes/; add codes/{other}.yaml or remove the reference")


def _check_replacement_cycles(by_code: dict[int, ParsedEntry]) -> None:
    """replaced_by must lead to a code that is still in use, never back round to where it started."""
    def target(code: int) -> int | None:
        parsed = by_code.get(code)
        value = parsed.data.get("replaced_by") if parsed is not None else None
        return value if type(value) is int else None

    for code, parsed in by_code.items():
        chain = [code]
        step = target(code)
        while step is not None and step not in chain and len(chain) <= len(by_code):
            chain.append(step)
            step = target(step)
        if step is not None and step in chain and ("replaced_by",) not in parsed.reported_paths:
            loop = " -> ".join(str(c) for c in chain[chain.index(step):] + [step])
            parsed.problem(("replaced_by",), f"replacements run in a circle ({loop}); "
                                             "the last code of a chain must not be replaced")


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
