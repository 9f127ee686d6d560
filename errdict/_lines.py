"""Finding codes in one line of a log (or in one JSON document the log holds).

A line is read as what it is:

* a **JSON document** (an object or a list), possibly after a prefix such as a timestamp and a level
  (``2026-12-01T10:00:00Z ERROR response={...}``): the document is walked as an object
  (:mod:`errdict._walk`), so its message texts are skipped and its error objects understood; the
  prefix is read as text;
* **text**, read with the rules of :mod:`errdict._rules`; and where it holds URL-encoded form fields
  (a status callback, the upstream Debugger webhook's ``Payload=%7B%22error_code%22...``, an encoded
  ``more_info`` URL, a query string), each encoded value is decoded and read too, a JSON value
  walked as an object. A message-text field (``Body=``) is never decoded.

One finding per code per line.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote_plus

from ._finding import Finding, new_finding
from ._rules import Rules, is_body_key
from ._walk import _Place, loads_document, snippet, walk

# A form field: key=value, the key after the start, white space or a separator of fields.
_FORM_FIELD = re.compile(r"(?<![^\s&?;,\"'(\[{])([A-Za-z0-9_.\-\[\]]++)=([^&\s\"'<>]*+)")
# An encoded character a rule could need decoded: an opening bracket, a quote, a space, a slash, a colon.
_ENCODED = re.compile(r"%(?:7b|5b|2[02f]|3a)", re.IGNORECASE)
# What makes an encoded value worth decoding: an encoded character, and a word a rule starts at.
_WORTH_DECODING = re.compile(r"err|code|%7b|%5b|\{|\[", re.IGNORECASE)


_CLOSERS = ("}", "]")


def parse_json_document(text: str) -> Any:
    """The object or list text holds as a whole JSON document, or None (see _walk.loads_document)."""
    return loads_document(text)


def json_at_end(line: str) -> tuple[int, Any] | None:
    """(where it starts, its value) of a JSON document that ends the line: the first '{' or '[' from
    which the rest of the line parses; None when there is none."""
    end = line.rstrip()
    if not end or end[-1] not in "}]":
        return None
    start = 0
    for _ in range(8):  # a few candidate starts: a prefix rarely holds many braces
        brace, bracket = line.find("{", start), line.find("[", start)
        at = brace if bracket < 0 or 0 <= brace < bracket else bracket
        if at < 0:
            return None
        value = loads_document(end if at == 0 else end[at:])
        if value is not None:
            return at, value
        start = at + 1
    return None


class LineScanner:
    """Reads lines with one catalog's rules."""

    def __init__(self, rules: Rules, include_unknown: bool) -> None:
        self.rules = rules
        self.include_unknown = include_unknown

    def text(self, text: str, lineno: int | None, seen: set[int], out: list[Finding], numeric: bool = True,
             labels: bool = True, offset: int = 0, strict: bool = False, path: str | _Place | None = None,
             label_trigger: bool = False) -> None:
        """The text rules over one line (or one string value at path), columns shifted by offset."""
        hits = self.rules.hits(text, self.include_unknown, numeric, labels, strict, label_trigger)
        if not hits:
            return
        for start, end, code, kind, known in hits:
            if code in seen:
                continue
            seen.add(code)
            if isinstance(path, _Place):
                path = path.pointer()  # built only for a finding
            span = (start + offset, end + offset)
            matched = text[start:end]
            out.append(new_finding(Finding, (code, kind, lineno, None if path is not None else span[0] + 1, span, path,
                                             matched if len(matched) <= 80 else snippet(matched), known)))

    def document(self, value: Any, lineno: int | None, out: list[Finding], field_kind: str = "json-field",
                 seen: set[int] | None = None, path: str = "", numeric: bool = True, labels: bool = True) -> None:
        """A decoded JSON document found at line lineno (at path within the line, for a form field's).
        ``numeric``/``labels`` False: its text holds no anchor of those rules (see _walk.walk)."""
        found: list[Finding] = []
        walk(value, self.rules, self.include_unknown, lineno, found, field_kind,
             self._value_text(lineno, numeric, labels), numeric, labels)
        if seen is None and not path:
            out.extend(found)
            return
        for finding in found:  # one finding per code per line
            if seen is None or finding.code not in seen:
                if seen is not None:
                    seen.add(finding.code)
                out.append(finding._replace(path=path + (finding.path or "")) if path else finding)

    def _value_text(self, lineno: int | None, numeric: bool = True, labels: bool = True):  # type: ignore[no-untyped-def]
        """The scanner of a document's string values: the text rules, and its encoded form fields."""
        def scan_value(text: str, place: _Place, seen: set[int], out: list[Finding]) -> None:
            self.text(text, lineno, seen, out, path=place, numeric=numeric, labels=labels)
            if "%" in text and "=" in text:
                self._encoded_fields(text, lineno, out, seen, numeric, labels, place.pointer())
        return scan_value

    def line(self, text: str, lineno: int | None, out: list[Finding], numeric: bool = True,
             labels: bool = True, label_trigger: bool = False, *, seen: set[int] | None = None, offset: int = 0,
             strict: bool = False) -> None:
        """Every code in one line of a log (``label_trigger``: the stream saw a word of a label in it)."""
        seen = set() if seen is None else seen
        if not strict and (text[-1:] in _CLOSERS or text.rstrip()[-1:] in _CLOSERS):
            found = json_at_end(text)
            if found is not None:
                at, value = found
                if at:
                    self.text(text[:at], lineno, seen, out, numeric=numeric, labels=labels, offset=offset)
                self.document(value, lineno, out, seen=seen, numeric=numeric, labels=labels)
                return
        self.text(text, lineno, seen, out, numeric, labels, offset, strict, None, label_trigger)
        if not strict and "=" in text and ("+" in text or _ENCODED.search(text) is not None):
            self._encoded_fields(text, lineno, out, seen, numeric, labels, "")

    def _encoded_fields(self, text: str, lineno: int | None, out: list[Finding], seen: set[int], numeric: bool,
                        labels: bool, path: str) -> None:
        """Each URL-encoded field value of a text decoded and read: as a JSON document when it holds
        one (the Debugger webhook's Payload), else as text (found at path /Key)."""
        rules = self.rules
        for field in _FORM_FIELD.finditer(text):
            key, raw = field.group(1), field.group(2)
            if ("%" not in raw and "+" not in raw) or is_body_key(key):
                continue  # nothing encoded, or the message text, encoded or not
            if _WORTH_DECODING.search(raw) is None and not (labels and rules.may_hold_label(raw.lower())):
                continue
            value = unquote_plus(raw)
            where = path + "/" + key.replace("~", "~0").replace("/", "~1")
            stripped = value.strip()
            document = loads_document(stripped) if stripped[:1] in ("{", "[") else None
            if document is not None:
                self.document(document, lineno, out, "form-field", seen, where)
            else:
                self.text(value, lineno, seen, out, path=where, numeric=numeric, labels=labels)
