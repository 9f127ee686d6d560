"""Finding codes in one line of a log (or in one JSON document the log holds).

A line is read as what it is:

* a **JSON document** (an object or a list), possibly after a prefix such as a timestamp and a level
  (``2026-12-01T10:00:00Z ERROR response={...}``): the document is walked as an object
  (:mod:`errdict._walk`), so its message texts are skipped and its error objects understood; the
  prefix is read as text;
* a **form body** (``MessageStatus=undelivered&ErrorCode=30007&...``, possibly after a prefix): its
  fields are read as text, and a URL-encoded field value (the ``Payload`` of the upstream Debugger
  webhook, an encoded ``more_info`` URL) is decoded and read too, a JSON value walked as an object;
* otherwise **text**: the rules of :mod:`errdict._rules`.

One finding per code per line.
"""
from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote_plus

from ._finding import Finding
from ._rules import Rules, is_body_key, norm_key
from ._walk import _Place, snippet, walk

_FORM_FIELD = re.compile(r"[A-Za-z0-9_.\-\[\]]++=[^&\s]*+")
_FORM_BODY = re.compile(r"(?:^|(?<=\s))[A-Za-z0-9_.\-\[\]]++=[^&\s]*+(?:&[A-Za-z0-9_.\-\[\]]++=[^&\s]*+)++(?=\s|$)")


def parse_json_document(text: str) -> Any:
    """The object or list text holds as a whole JSON document, or None (not one, or nested too deeply)."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, (dict, list)) else None


def json_at_end(line: str) -> tuple[int, Any] | None:
    """(where it starts, its value) of a JSON document that ends the line: the first '{' or '[' from
    which the rest of the line parses; None when there is none."""
    end = line.rstrip()
    if not end or end[-1] not in "}]":
        return None
    start = 0
    for _ in range(8):  # a few candidate starts: a prefix rarely holds many braces
        brace, bracket = line.find("{", start), line.find("[", start)
        at = min(p for p in (brace, bracket) if p >= 0) if max(brace, bracket) >= 0 else -1
        if at < 0:
            return None
        value = parse_json_document(line[at:])
        if value is not None:
            return at, value
        start = at + 1
    return None


class LineScanner:
    """Reads lines with one catalog's rules."""

    def __init__(self, rules: Rules, include_unknown: bool) -> None:
        self.rules = rules
        self.include_unknown = include_unknown

    def text(self, text: str, lineno: int | None, seen: set[int], out: list[Finding], *, numeric: bool = True,
             labels: bool = True, offset: int = 0, strict: bool = False, path: str | None = None) -> None:
        """The text rules over one line (or one string value at path), columns shifted by offset."""
        for start, end, code, kind, known in self.rules.hits(text, self.include_unknown, numeric, labels, strict):
            if code in seen:
                continue
            seen.add(code)
            span = (start + offset, end + offset)
            out.append(Finding(code, kind, lineno, None if path is not None else span[0] + 1, span, path,
                               snippet(text[start:end]), known))

    def document(self, value: Any, lineno: int | None, out: list[Finding], field_kind: str = "json-field",
                 seen: set[int] | None = None) -> None:
        """A decoded JSON document found at line lineno."""
        found: list[Finding] = []
        walk(value, self.rules, self.include_unknown, lineno, found, field_kind, self._value_text(lineno))
        if seen is None:
            out.extend(found)
            return
        for finding in found:  # one finding per code per line
            if finding.code not in seen:
                seen.add(finding.code)
                out.append(finding)

    def _value_text(self, lineno: int | None):  # type: ignore[no-untyped-def]
        def scan_value(text: str, place: _Place, seen: set[int], out: list[Finding]) -> None:
            self.text(text, lineno, seen, out, path=place.pointer())
        return scan_value

    def line(self, text: str, lineno: int | None, out: list[Finding], *, numeric: bool = True, labels: bool = True,
             seen: set[int] | None = None, offset: int = 0, strict: bool = False) -> None:
        """Every code in one line of a log."""
        seen = set() if seen is None else seen
        if not strict and (text.rstrip().endswith(("}", "]"))):
            found = json_at_end(text)
            if found is not None:
                at, value = found
                if at:
                    self.text(text[:at], lineno, seen, out, numeric=numeric, labels=labels, offset=offset)
                self.document(value, lineno, out, seen=seen)
                return
        if not strict and "&" in text and "=" in text:
            bodies = list(_FORM_BODY.finditer(text))
            if bodies:
                self._form_line(text, lineno, out, bodies, seen, numeric, labels, offset)
                return
        self.text(text, lineno, seen, out, numeric=numeric, labels=labels, offset=offset, strict=strict)

    def _form_line(self, text: str, lineno: int | None, out: list[Finding], bodies: list[re.Match[str]],
                   seen: set[int], numeric: bool, labels: bool, offset: int) -> None:
        """A line holding form bodies: the raw text first, then each URL-encoded field decoded."""
        self.text(text, lineno, seen, out, numeric=numeric, labels=labels, offset=offset)
        for body in bodies:
            for field in _FORM_FIELD.finditer(body.group(0)):
                key, _, raw = field.group(0).partition("=")
                if "%" not in raw and "+" not in raw:
                    continue
                if is_body_key(norm_key(key)):
                    continue  # the message text, encoded or not
                value = unquote_plus(raw)
                document = parse_json_document(value.strip()) if value.strip()[:1] in ("{", "[") else None
                if document is not None:
                    found: list[Finding] = []
                    walk(document, self.rules, self.include_unknown, lineno, found, "form-field",
                         self._value_text(lineno))
                    for finding in found:
                        if finding.code not in seen:
                            seen.add(finding.code)
                            path = "/" + key.replace("~", "~0").replace("/", "~1") + (finding.path or "")
                            out.append(finding._replace(path=path))
                else:
                    self.text(value, lineno, seen, out, path="/" + key, numeric=numeric, labels=labels)
