"""Validate entries: each one against the JSON Schema, then the catalog as a whole.

Pure functions over :class:`~generator.yamlsource.ParsedEntry` objects; reading files is
:mod:`generator.catalog`'s job. Every problem is a :class:`~generator.yamlsource.Problem` with
the file, line, column and field path, worded for the person who has to fix the entry.
"""
from __future__ import annotations

import difflib
import functools
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from . import fastcheck
from .yamlsource import ParsedEntry, Problem, format_path

if TYPE_CHECKING:
    import jsonschema

SCHEMA_PATH = Path(__file__).with_name("entry.schema.json")
ENTRY_NAME = re.compile(r"[1-9][0-9]{2,5}\.yaml\Z")

# Text fields whose content ends up on the site; none may carry markup.
_CODE_SPAN = re.compile(r"``.+?``|`[^`]+`", re.S)
_RAW_HTML = re.compile(r"<\s*[A-Za-z/!?]")
_MD_LINK = re.compile(r"\]\(\s*<?([^)\s>]*)")
_MD_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*<?([^\s>]*)", re.M)
_BAD_SCHEME = re.compile(r"\b(?:javascript|vbscript|data|file):", re.I)


@functools.lru_cache(maxsize=1)
def load_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text("utf-8"))


@functools.lru_cache(maxsize=1)
def _validator() -> "jsonschema.Draft202012Validator":
    """jsonschema's validator for the entry schema, imported only when an entry needs explaining
    (the import alone costs 0.1 s; a clean catalog never pays it)."""
    import jsonschema

    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    # In an entry an integer is written as one: 21610.0 is not a code, whatever JSON says.
    type_checker = jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda checker, value: type(value) is int)
    entry_validator = jsonschema.validators.extend(jsonschema.Draft202012Validator, type_checker=type_checker)
    return entry_validator(schema)


@functools.lru_cache(maxsize=1)
def fast_check():
    """The schema compiled to a quick yes/no check (see generator.fastcheck)."""
    return fastcheck.compile_schema(load_schema())


def schema_errors(data) -> list:
    """jsonschema's errors for data, skipped when the compiled check already says valid."""
    if fast_check()(data):
        return []
    return list(_validator().iter_errors(data))


def vocabulary(field: str) -> dict[str, str]:
    """The allowed values of an enum field with their display titles (the value itself if none)."""
    spec = load_schema()["properties"][field]
    titles = spec.get("x-enumTitles") or spec["enum"]
    return dict(zip(spec["enum"], titles))


def vocabulary_descriptions(field: str) -> dict[str, str]:
    spec = load_schema()["properties"][field]
    return dict(zip(spec["enum"], spec.get("enumDescriptions") or [""] * len(spec["enum"])))


_TYPE_NAMES = {"string": "a string", "integer": "an integer", "array": "a list", "object": "a mapping",
               "boolean": "true or false", "null": "empty", "number": "a number"}


def _found(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number with a fraction"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _schema_message(error: "jsonschema.ValidationError") -> tuple[tuple, str, bool]:
    """Turn one jsonschema error into (path, message, at_key) in the project's own words."""
    path = tuple(error.absolute_path)
    schema, keyword, value = error.schema, error.validator, error.instance
    custom = schema.get("x-message") if isinstance(schema, dict) else None
    if keyword == "required":
        missing = re.match(r"'([^']+)'", error.message)
        name = missing.group(1) if missing else "?"
        return path + (name,), "required field is missing", False
    if keyword == "additionalProperties":
        known = list(schema.get("properties", {}))
        extras = [k for k in value if k not in known]
        name = extras[0] if extras else "?"
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else f"; known fields: {', '.join(known)}"
        return path + (name,), f"unknown field{hint}", True
    if keyword == "type":
        wanted = error.validator_value
        if wanted == "string" and schema.get("minLength", 0) >= 1:
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
    if keyword == "uniqueItems":
        return path, "lists the same item more than once", False
    return path, error.message, False


def check_schema(parsed: ParsedEntry) -> None:
    """Add the schema's verdict on one parsed entry to its problems."""
    data = parsed.data
    if not isinstance(data, dict):
        return
    if data.get("stub") is True:
        missing = [k for k in load_schema()["required"] if k not in data]
        if missing:
            parsed.problem(("stub",), "incomplete: a stub from the upstream importer; write "
                           + ", ".join(missing) + ", then remove 'stub'", at_key=True)
            return
    for error in schema_errors(data):
        if error.validator == "if":
            continue
        path, message, at_key = _schema_message(error)
        if any(path[: i + 1] in parsed.reported_paths for i in range(len(path))):
            continue  # already explained more precisely (a YAML 1.1 surprise, a duplicate key)
        if error.validator == "enum" and path == ("status",) and "replaced_by" in data:
            message = "must be 'deprecated' or 'removed' when replaced_by is set"
        parsed.problem(path, message, at_key=at_key)
    check_text(parsed)


def _text_fields(data: dict) -> Iterable[tuple[tuple, str]]:
    for key in ("title", "summary", "description", "advice"):
        if isinstance(data.get(key), str):
            yield (key,), data[key]
    for key in ("causes", "solutions", "aliases"):
        items = data.get(key)
        if isinstance(items, list):
            for i, item in enumerate(items):
                if isinstance(item, str):
                    yield (key, i), item
    links = data.get("links")
    if isinstance(links, list):
        for i, link in enumerate(links):
            if isinstance(link, dict) and isinstance(link.get("title"), str):
                yield ("links", i, "title"), link["title"]


_SINGLE_LINE = frozenset({"title", "summary", "advice", "aliases", "links"})


def check_text(parsed: ParsedEntry) -> None:
    """No field may smuggle markup or a non-https link onto the site."""
    for path, text in _text_fields(parsed.data):
        if path in parsed.reported_paths:
            continue
        if path[0] in _SINGLE_LINE and "\n" in text:
            parsed.problem(path, "must be on a single line")
            continue
        message = markup_problem(text)
        if message:
            parsed.problem(path, message)


def markup_problem(text: str) -> str | None:
    """Why text could put markup, an image or a non-https link on a page; None when it cannot."""
    if "<" not in text and "](" not in text and ":" not in text and "![" not in text:
        return None  # nothing that could be markup or a link
    outside_code = _CODE_SPAN.sub("``", text)
    tag = _RAW_HTML.search(outside_code)
    if tag:
        snippet = outside_code[tag.start(): tag.start() + 12].split(">")[0]
        return (f"raw HTML is not allowed (found {snippet!r}); "
                "describe it in words or put literal code in `backticks`")
    if "![" in outside_code:
        return "images are not allowed in an entry"
    for target in _MD_LINK.findall(outside_code) + _MD_LINK_DEFINITION.findall(outside_code):
        if not target.startswith("https://"):
            return f"links must be https:// URLs (found {target!r})"
    if _BAD_SCHEME.search(outside_code):
        return "script or data URLs are not allowed"
    return None


def check_file_name(parsed: ParsedEntry) -> None:
    data = parsed.data
    if not isinstance(data, dict) or type(data.get("code")) is not int or ("code",) in parsed.reported_paths:
        return
    stem = Path(parsed.file).name[: -len(".yaml")]
    if stem != str(data["code"]):
        parsed.problem(("code",), f"{data['code']} does not match the file name; "
                                  f"the entry for {data['code']} belongs in {data['code']}.yaml")


def check_catalog(entries: list[ParsedEntry]) -> None:
    """Checks across entries: duplicate codes and aliases, references that lead nowhere.

    A reference to a code whose file exists but is broken is not reported again: that
    file's own problems say what to fix.
    """
    by_code: dict[int, ParsedEntry] = {}
    names = (os.path.basename(p.file) for p in entries)
    files_present = {int(name[:-5]) for name in names if ENTRY_NAME.match(name)}
    for parsed in entries:
        code = _code_of(parsed)
        if code is None:
            continue
        if code in by_code:
            parsed.problem(("code",), f"{code} is also defined in {by_code[code].file}")
        else:
            by_code[code] = parsed

    alias_owner: dict[str, tuple[int, str]] = {}
    for parsed in entries:
        code = _code_of(parsed)
        aliases = parsed.data.get("aliases") if isinstance(parsed.data, dict) else None
        if code is None or not isinstance(aliases, list):
            continue
        for i, alias in enumerate(aliases):
            if not isinstance(alias, str):
                continue
            key = normalize_alias(alias)
            owner = alias_owner.get(key)
            if owner and owner[0] != code:
                parsed.problem(("aliases", i), f"{alias!r} is already an alias of {owner[0]} ({owner[1]})")
            else:
                alias_owner[key] = (code, parsed.file)

    known = files_present | set(by_code)
    for parsed in entries:
        code = _code_of(parsed)
        data = parsed.data
        if code is None:
            continue
        related = data.get("related")
        if isinstance(related, list):
            for i, other in enumerate(related):
                _check_reference(parsed, ("related", i), code, other, known, "related to")
        if "replaced_by" in data:
            _check_reference(parsed, ("replaced_by",), code, data["replaced_by"], known, "replaced by")


def _check_reference(parsed, path, code, other, known, verb) -> None:
    if not isinstance(other, int) or isinstance(other, bool) or path in parsed.reported_paths:
        return
    if other == code:
        parsed.problem(path, f"a code cannot be {verb} itself")
    elif other not in known:
        parsed.problem(path, f"{other} has no entry in codes/; add codes/{other}.yaml or remove the reference")


def _code_of(parsed: ParsedEntry) -> int | None:
    data = parsed.data
    if not isinstance(data, dict):
        return None
    code = data.get("code")
    # a code that merely sits in the wrong file still counts: that is how duplicates show
    if type(code) is int and 100 <= code <= 999_999:
        return code
    return None


def normalize_alias(alias: str) -> str:
    return " ".join(alias.casefold().split())


def stray_file_problem(file: str, name: str, is_dir: bool) -> Problem:
    """What to say about something in codes/ that is not an entry file."""
    if is_dir:
        message = "a folder in codes/; entries are files codes/<code>.yaml, directly in codes/"
    elif name.endswith((".yml", ".YAML", ".Yaml", ".YML")) and ENTRY_NAME.match(name.rsplit(".", 1)[0] + ".yaml"):
        message = f"wrong extension; rename it to {name.rsplit('.', 1)[0]}.yaml"
    else:
        message = ("not an entry: files in codes/ must be named <code>.yaml, "
                   "the code a number of 3 to 6 digits without leading zeros")
    return Problem(file, 1, 1, "", message)


def sorted_problems(entries: list[ParsedEntry], extra: Iterable[Problem] = ()) -> list[Problem]:
    problems = [p for parsed in entries for p in parsed.problems]
    problems.extend(extra)
    return sorted(problems, key=lambda p: (p.file, p.line, p.column, p.field, p.message))


__all__ = ["Problem", "check_schema", "check_catalog", "check_file_name", "check_text", "format_path",
           "load_schema", "vocabulary", "vocabulary_descriptions", "normalize_alias", "stray_file_problem",
           "sorted_problems", "ENTRY_NAME"]
