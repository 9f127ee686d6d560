"""Finding codes in a decoded object (a parsed webhook or API body): an iterative walk.

The walk is depth first and in order, keeps no recursion (any depth), skips cycles, and builds a
JSON pointer only for a finding: a container's place is a link to its parent's, so memory and time
grow with the size of the object, not with its depth squared.

In an object, a code is the value of an error-code key (``ErrorCode``, ``error_code``, ``errorCode``,
``error``, ...) as a number or a numeric string, or of a ``code`` key in an error object: one below an
``error``/``errors`` key, or holding ``more_info``, ``error_message``, ``errors``, or a ``status``
that failed (400-599, "failed", "undelivered", ...). ``{"code": "30007", "message": "Your code is
30007"}`` is a verification code, not an error. Message text (``body``, ``text``, ``message`` outside an
error object, ...) is skipped. A string that itself holds a JSON document (the ``Payload`` field of
the upstream Debugger webhook) is parsed and walked in place.
"""
from __future__ import annotations

import json
import operator
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from . import _rules
from ._finding import Finding
from ._rules import Rules

_SNIPPET = 80
MAX_EMBEDDED_JSON = 1 << 20  # a string value is parsed as JSON up to this many characters

TextScanner = Callable[[str, "_Place", set[int], list[Finding]], None]


def snippet(text: str) -> str:
    return text if len(text) <= _SNIPPET else text[:_SNIPPET - 1] + "\u2026"


class _Place:
    """Where a value sits: its parent's place and its key (or index). The pointer is built on demand."""

    __slots__ = ("parent", "key")

    def __init__(self, parent: _Place | None, key: object) -> None:
        self.parent = parent
        self.key = key

    def pointer(self) -> str:
        parts = []
        place: _Place | None = self
        while place is not None and place.parent is not None:
            parts.append(str(place.key).replace("~", "~0").replace("/", "~1"))
            place = place.parent
        return "".join("/" + part for part in reversed(parts))


ROOT = _Place(None, None)


def _as_int(value: object) -> int | None:
    """The integer a value is (an int, or an object with __index__ such as a numpy integer), never a bool."""
    if isinstance(value, bool):
        return None
    if type(value) is int:
        return value
    if isinstance(value, (str, bytes, float)) or not hasattr(type(value), "__index__"):
        return None
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _failed_status(items: list[tuple[str, object, object]]) -> bool:
    """Whether an object's (normalized key, key, value) items hold a status that failed."""
    for nk, _, value in items:
        if nk == "status":
            number = _as_int(value)
            if number is not None and 400 <= number <= 599:
                return True
            if isinstance(value, str):
                stripped = value.strip().lower()
                if stripped in _rules.FAILED_STATUSES or (stripped.isdigit() and len(stripped) == 3
                                                          and 400 <= int(stripped) <= 599):
                    return True
    return False


class _Frame:
    """One container being walked: its items (normalized key, key, value), where it is, and what its
    context says. A list's items have an empty normalized key."""

    __slots__ = ("container", "items", "place", "error_ctx", "error_object", "api_body", "seen")

    def __init__(self, container: object, place: _Place, error_ctx: bool) -> None:
        self.container = container
        self.place = place
        self.error_ctx = error_ctx
        self.seen: set[int] = set()  # codes already found directly in this container
        if isinstance(container, Mapping):
            items = [(_rules.norm_key(key), key, value) for key, value in container.items()]
            keys = {item[0] for item in items}
            self.error_object = error_ctx or not _rules.ERROR_MARKERS.isdisjoint(keys) or _failed_status(items)
            self.api_body = "code" in keys and self.error_object
        else:
            items = [("", index, value) for index, value in enumerate(container)]  # type: ignore[call-overload]
            self.error_object = self.api_body = False
        self.items: Iterator[tuple[str, object, object]] = iter(items)


def _is_container(value: object) -> bool:
    return isinstance(value, (Mapping, list, tuple))


def walk(root: object, rules: Rules, include_unknown: bool, line: int | None, out: list[Finding],
         field_kind: str = "json-field", text_scanner: TextScanner | None = None) -> None:
    """Append the findings of an object to out, in order. ``line`` is the line of a document within a
    log (None for an object); ``text_scanner`` scans a string value (the text rules)."""
    stack: list[_Frame] = []
    on_path: set[int] = set()

    def scan_text(text: str, place: _Place, seen: set[int]) -> None:
        if text_scanner is not None:
            text_scanner(text, place, seen, out)
        else:
            for start, end, code, kind, known in rules.hits(text, include_unknown):
                if code not in seen:
                    seen.add(code)
                    out.append(Finding(code, kind, line, None, (start, end), place.pointer(), snippet(text[start:end]),
                                       known))

    def push(container: object, place: _Place, error_ctx: bool) -> None:
        if id(container) in on_path:
            return  # a cycle: already being walked
        on_path.add(id(container))
        stack.append(_Frame(container, place, error_ctx))

    def report(code: int, kind: str, place: _Place, text: str, explicit: bool, seen: set[int]) -> None:
        known = code in rules.known
        if (known or (explicit and _rules.code_in_range(code))) and code not in seen:
            seen.add(code)
            out.append(Finding(code, kind, line, None, None, place.pointer(), snippet(text), known))

    def code_value(value: object, place: _Place, kind: str, explicit: bool, seen: set[int]) -> None:
        """The value of an error-code key: a number, a numeric string, a list of them, or text."""
        number = _as_int(value)
        if number is not None:
            if _rules.code_in_range(number):  # a huge integer is never turned into text
                report(number, kind, place, str(number), explicit, seen)
        elif isinstance(value, str):
            match = _rules.LEADING_NUMBER.match(value)
            if match:
                report(int(match.group(1)), kind, place, value.strip(), explicit, seen)
            elif value.strip():
                scan_text(value, place, seen)
        elif isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                if _is_container(item):
                    push(item, _Place(place, index), True)
                else:
                    code_value(item, _Place(place, index), kind, explicit, seen)
        elif isinstance(value, Mapping):
            push(value, place, True)

    push(root, ROOT, False)
    while stack:
        frame = stack[-1]
        depth = len(stack)
        for nk, key, value in frame.items:
            if _rules.is_body_key(nk) or (nk in _rules.MESSAGE_KEYS and not frame.error_object):
                continue  # message text: whatever it holds is not a code
            place = _Place(frame.place, key)
            if nk in _rules.CODE_KEYS or (nk == "code" and frame.error_object):
                kind = "api-error-body" if (nk == "code" and frame.api_body) else field_kind
                code_value(value, place, kind, include_unknown and nk in _rules.EXPLICIT_CODE_KEYS, frame.seen)
            elif isinstance(value, str):
                document = _embedded_json(value)
                if document is not None:
                    push(document, place, frame.error_ctx or nk in _rules.ERROR_PARENTS)
                elif len(value) >= 3:
                    scan_text(value, place, frame.seen)
            elif _is_container(value):
                push(value, place, frame.error_ctx or nk in _rules.ERROR_PARENTS)
            if len(stack) > depth:
                break  # walk what was just pushed first, then come back for the rest of the items
        else:
            stack.pop()
            on_path.discard(id(frame.container))


def _embedded_json(value: str) -> Any:
    """The object or list a string value holds as a JSON document, or None."""
    stripped = value.strip()
    if len(stripped) < 2 or len(stripped) > MAX_EMBEDDED_JSON or stripped[0] not in "{[" \
            or stripped[-1] not in "}]":
        return None
    try:
        document = json.loads(stripped)
    except (ValueError, RecursionError):
        return None
    return document if isinstance(document, (dict, list)) else None
