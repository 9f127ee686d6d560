"""Finding codes in a decoded object (a parsed webhook or API body): an iterative walk.

The walk is depth first and in order, keeps no recursion (any depth), skips cycles, and builds a
JSON pointer only for a finding: a container's place is a link to its parent's, so memory and time
grow with the size of the object, not with its depth squared.

In an object, a code is the value of an error-code key (``ErrorCode``, ``error_code``, ``errorCode``,
``error``, ...) as a number or a numeric string, or of a ``code`` key in an error object: one below an
``error``/``errors`` key, or holding ``more_info``, ``error_message``, ``errors``, a ``status`` that
failed (400-599, "failed", "undelivered", ...) or a log ``level`` of error or warning.
``{"code": "30007", "message": "Your code is 30007"}`` is a verification code, not an error. Under the
generic keys (``code``, ``error``, ``err``) a three-digit number is an HTTP status
(``{"error": {"code": 403, "status": "PERMISSION_DENIED"}}``), never a code.

A value counts as an integer when it is an int or has ``__index__`` (numpy integers), never when it
is a bool; an integer too large to be a code is never turned into text (Python refuses ``str()`` of
one of more than 4,300 digits). Message text (``body``, ``text``, ``lastMessageBody``, ``ButtonText``,
``SpeechResult``, ``subject``, ``message`` outside an error object, ...) is skipped. A string that
itself holds a JSON document (the ``Payload`` field of the upstream Debugger webhook, the
``publisher_metadata`` of an Event Streams error-log event) is parsed and walked in place.

:func:`loads_document` parses JSON text as the scanner needs it: any depth (a document nested deeper
than the json module's recursion allows is parsed again without recursion) and integers of any size.
"""
from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from . import _rules
from ._finding import Finding, new_finding
from ._rules import Rules

_SNIPPET = 80
MAX_EMBEDDED_JSON = 4 << 20  # a string value is parsed as JSON up to this many characters
_INT_DIGITS = 4000  # a longer integer in JSON text is read as None (never a code, never turned into text)

TextScanner = Callable[[str, "_Place", set[int], list[Finding]], None]


def snippet(text: str) -> str:
    return text if len(text) <= _SNIPPET else text[:_SNIPPET - 1] + "\u2026"


def key_text(key: object) -> str:
    """A key as a JSON pointer writes it: a string as it is, an int in decimal, anything else by str();
    never raises (an int too large to write, an object whose __str__ fails)."""
    if isinstance(key, str):
        return key
    try:
        return str(key)
    except Exception:
        if isinstance(key, int):
            return f"<integer of about {int(key.bit_length() * 0.30103) + 1} digits>"
        return f"<{type(key).__name__}>"


class _Place:
    """Where a value sits: its parent's place and its key (or index). The pointer is built on demand."""

    __slots__ = ("key", "parent")

    def __init__(self, parent: _Place | None, key: object) -> None:
        self.parent = parent
        self.key = key

    def pointer(self) -> str:
        parent = self.parent
        if parent is ROOT and type(self.key) is str and "/" not in self.key and "~" not in self.key:
            return "/" + self.key  # a key of the top level: the common case
        parts = []
        place: _Place | None = self
        while place is not None and place.parent is not None:
            parts.append(key_text(place.key).replace("~", "~0").replace("/", "~1"))
            place = place.parent
        return "".join("/" + part for part in reversed(parts))


ROOT = _Place(None, None)


def as_int(value: object) -> int | None:
    """The integer a value is (an int, or an object with __index__ such as a numpy integer), never a bool."""
    if type(value) is int:
        return value
    if isinstance(value, (bool, str, bytes, bytearray, float)) or not hasattr(type(value), "__index__"):
        return None
    try:
        number = operator.index(value)  # type: ignore[arg-type]
    except Exception:
        return None
    return None if isinstance(number, bool) else int.__index__(number)


_STATUS_KEYS = frozenset({"status", "messagestatus", "smsstatus", "callstatus", "deliverystatus"})
_ERROR_KEYS = _rules.ERROR_MARKERS | _STATUS_KEYS | _rules.LEVEL_KEYS  # what the error test looks at


def _says_error(nk: str, value: object) -> bool:
    """Whether one item of an object says the object reports an error: an error marker key, a status
    that failed, or a log level of error or warning."""
    if nk in _rules.ERROR_MARKERS:
        return True
    if isinstance(value, (list, tuple)) and len(value) == 1:  # a parsed form body: {"MessageStatus": ["failed"]}
        value = value[0]
    if nk in _STATUS_KEYS:
        number = as_int(value)
        if number is not None:
            return 400 <= number <= 599
        if isinstance(value, str):
            stripped = value.strip().lower()
            return stripped in _rules.FAILED_STATUSES or (stripped.isdigit() and len(stripped) == 3
                                                          and 400 <= int(stripped) <= 599)
        return False
    if isinstance(value, str):
        return value.strip().lower() in _rules.ERROR_LEVELS
    return as_int(value) in (40, 50, 60)  # pino and bunyan: warn, error, fatal


class _Frame:
    """One container being walked: its items (normalized key, whether the key holds message text,
    key, value), where it is, and what its context says. A list's items stand where the list does:
    they have its key's normalized key ({"ErrorCode": [30007, 30008]} holds two codes) and its
    object's error context."""

    __slots__ = ("api_body", "container", "error_ctx", "error_object", "items", "place", "seen")

    def __init__(self, container: object, place: _Place, error_ctx: bool, list_key: str = "",
                 in_error_object: bool = False) -> None:
        self.container = container
        self.place = place
        self.error_ctx = error_ctx
        self.seen: set[int] = set()  # codes already found directly in this container
        if type(container) is dict or isinstance(container, Mapping):
            items = []
            error = error_ctx
            has_code = False
            cache, key_info, error_keys = _rules.KEY_INFO_CACHE, _rules.key_info, _ERROR_KEYS
            for key, value in container.items():
                nk, body = cache.get(key) or key_info(key) if type(key) is str else key_info(key)
                items.append((nk, body, key, value))
                if nk == "code":
                    has_code = True
                elif not error and nk in error_keys:
                    error = _says_error(nk, value)
            self.error_object = error
            self.api_body = has_code and error
        else:
            values: Iterable[object] = container  # type: ignore[assignment]  # a list or a tuple
            items = [(list_key, False, index, value) for index, value in enumerate(values)]
            self.error_object = in_error_object or error_ctx
            self.api_body = False
        self.items: Iterator[tuple[str, bool, object, object]] = iter(items)


_SCALARS = frozenset({int, float, bool, type(None)})
# An upstream error page's address and nothing else (an API error body's more_info): only the URL rule
# can find anything in it, the code of the page.
_PAGE_URL = re.compile(r"https?://[A-Za-z0-9.\-]++(?::[0-9]++)?+/docs/(?:api/)?+errors/([1-9][0-9]{2,5}+)/?+")


def _is_container(value: object) -> bool:
    return isinstance(value, (Mapping, list, tuple))


def walk(root: object, rules: Rules, include_unknown: bool, line: int | None, out: list[Finding],
         field_kind: str = "json-field", text_scanner: TextScanner | None = None, numeric: bool = True,
         labels: bool = True) -> None:
    """Append the findings of an object to out, in order. ``line`` is the line of a document within a
    log (None for an object); ``text_scanner`` scans a string value (the text rules); ``numeric`` or
    ``labels`` False: the text the document was read from holds no anchor of those text rules, so its
    string values need not be read for them."""
    _Walker(rules, include_unknown, line, out, field_kind, text_scanner, numeric, labels).run(root)


class _Walker:
    """One walk: its stack of containers and what it reports to."""

    __slots__ = (
        "field_kind",
        "include_unknown",
        "labels",
        "line",
        "numeric",
        "on_path",
        "out",
        "rules",
        "stack",
        "text_scanner",
    )

    def __init__(self, rules: Rules, include_unknown: bool, line: int | None, out: list[Finding], field_kind: str,
                 text_scanner: TextScanner | None, numeric: bool, labels: bool) -> None:
        self.rules, self.include_unknown, self.line, self.out = rules, include_unknown, line, out
        self.field_kind, self.text_scanner, self.numeric, self.labels = field_kind, text_scanner, numeric, labels
        self.stack: list[_Frame] = []
        self.on_path: set[int] = set()

    def scan_text(self, text: str, place: _Place, seen: set[int]) -> None:
        if self.text_scanner is not None:
            self.text_scanner(text, place, seen, self.out)
            return
        for start, end, code, kind, known in self.rules.hits(text, self.include_unknown, self.numeric, self.labels):
            if code not in seen:
                seen.add(code)
                self.out.append(new_finding(Finding, (code, kind, self.line, None, (start, end), place.pointer(),
                                                      snippet(text[start:end]), known)))

    def push(self, container: object, place: _Place, error_ctx: bool, list_key: str = "",
             in_error_object: bool = False) -> None:
        if id(container) in self.on_path:
            return  # a cycle: already being walked
        self.on_path.add(id(container))
        self.stack.append(_Frame(container, place, error_ctx, list_key, in_error_object))

    def code_value(self, value: object, place: _Place, kind: str, explicit: bool, generic: bool,
                   seen: set[int]) -> None:
        """The value of an error-code key: a number, a numeric string, or text (or an error object)."""
        number = value if type(value) is int else as_int(value)
        text = None
        if number is None:
            if isinstance(value, str):
                match = _rules.LEADING_NUMBER.match(value)
                if match is None:
                    if value.strip():
                        self.scan_text(value, place, seen)
                    return
                if _rules.amount_follows(value, match.end()):
                    return  # "30007 USD": an amount
                number, text = int(match.group(1)), value.strip()
            elif isinstance(value, Mapping):
                self.push(value, place, True)
                return
            else:
                return
        elif not _rules.code_in_range(number):
            return  # a huge integer is never turned into text
        if generic and number < 1000:
            return  # "error": 404, {"code": 403}: an HTTP status
        known = number in self.rules.known
        if (known or explicit) and number not in seen:
            seen.add(number)
            self.out.append(new_finding(Finding, (number, kind, self.line, None, None, place.pointer(),
                                                  snippet(text or str(number)), known)))

    def run(self, root: object) -> None:
        message_keys, code_keys, error_parents = _rules.MESSAGE_KEYS, _rules.CODE_KEYS, _rules.ERROR_PARENTS
        explicit_keys, generic_keys, scalars = _rules.EXPLICIT_CODE_KEYS, _rules.GENERIC_CODE_KEYS, _SCALARS
        may_hit, numeric, labels = self.rules.may_hit, self.numeric, self.labels
        include_unknown, field_kind, stack, push = self.include_unknown, self.field_kind, self.stack, self.push
        push(root, ROOT, False)
        while stack:
            frame = stack[-1]
            depth = len(stack)
            for nk, body, key, value in frame.items:
                kind_of_value = type(value)
                if body:
                    continue  # message text (or rich content), whatever it holds
                if nk in message_keys and not frame.error_object and (kind_of_value is str or
                                                                     kind_of_value in scalars):
                    continue  # a message's text: whatever it holds is not a code
                if nk in code_keys or (nk == "code" and frame.error_object):
                    if kind_of_value is list or kind_of_value is tuple or \
                            (kind_of_value not in scalars and isinstance(value, (list, tuple))):
                        push(value, _Place(frame.place, key), True, nk, frame.error_object)  # codes, or error objects
                        break
                    kind = "api-error-body" if (nk == "code" and frame.api_body) else field_kind
                    self.code_value(value, _Place(frame.place, key), kind, include_unknown and nk in explicit_keys,
                                    nk in generic_keys, frame.seen)
                    if len(stack) > depth:
                        break
                elif kind_of_value is str or (kind_of_value not in scalars and isinstance(value, str)):
                    if value[:1] in _OPENERS or value[-1:] in _CLOSERS:  # type: ignore[index]
                        document = _embedded_json(value)  # type: ignore[arg-type]
                        if document is not None:
                            push(document, _Place(frame.place, key), frame.error_ctx or nk in error_parents)
                            break
                    if len(value) >= 3 and may_hit(value, numeric, labels):  # type: ignore[arg-type]
                        if frame.seen and value[:4] == "http":  # type: ignore[index]  # a more_info page URL?
                            page = _PAGE_URL.fullmatch(value)  # type: ignore[call-overload]
                            if page is not None and int(page.group(1)) in frame.seen:
                                continue  # the URL holds nothing else: no need to read it
                        self.scan_text(value, _Place(frame.place, key), frame.seen)  # type: ignore[arg-type]
                elif kind_of_value is dict or (kind_of_value not in scalars and isinstance(value, Mapping)):
                    push(value, _Place(frame.place, key), frame.error_ctx or nk in error_parents)
                    break  # walk what was just pushed first, then come back for the rest of the items
                elif kind_of_value is list or (kind_of_value not in scalars and isinstance(value, (list, tuple))):
                    push(value, _Place(frame.place, key), frame.error_ctx or nk in error_parents, nk,
                         frame.error_object)
                    break
            else:
                stack.pop()
                self.on_path.discard(id(frame.container))


_OPENERS, _CLOSERS = ("{", "[", " ", "\t", "\n", "\r"), ("}", "]", " ", "\t", "\n", "\r")


def _embedded_json(value: str) -> Any:
    """The object or list a string value holds as a JSON document, or None."""
    if len(value) < 2 or len(value) > MAX_EMBEDDED_JSON:
        return None
    stripped = value.strip()
    if len(stripped) < 2 or stripped[0] not in "{[" or stripped[-1] not in "}]":
        return None
    return loads_document(stripped)


# --- JSON text -------------------------------------------------------------------------------------

def _parse_int(digits: str) -> int | None:
    return int(digits) if len(digits) <= _INT_DIGITS else None


_DECODER = json.JSONDecoder()
_LONG_INT_DECODER = json.JSONDecoder(parse_int=_parse_int)


def loads_document(text: str) -> Any:
    """The object or list JSON text holds as a whole document, or None (not JSON, or a scalar).

    Never raises: a document nested deeper than the json module recurses is parsed without
    recursion, and an integer too long for int() is read as None."""
    try:
        value, end = _DECODER.raw_decode(text)
    except (ValueError, RecursionError):  # not JSON, or deeper than json recurses, or a long integer
        value, found_end = _loads(text)
        if value is None or found_end is None:
            return None
        end = found_end
    if end != len(text) and text[end:].strip(" \t\n\r"):
        return None
    return value if type(value) is dict or type(value) is list else None


def loads_document_prefix(text: str) -> tuple[Any, int | None]:
    """(the object or list at the start of text, None), what follows it ignored; or (None, the
    offset where the text stopped being JSON, or None when that is not known)."""
    value, end = _loads(text)
    if value is None:
        return None, end
    return value, None


def _loads(text: str) -> tuple[Any, int | None]:
    """(the object or list at the start of text, where it ends) or (None, where parsing failed)."""
    decoder = _DECODER
    for _ in range(2):
        try:
            value, end = decoder.raw_decode(text)
        except json.JSONDecodeError as exc:
            return None, exc.pos
        except RecursionError:
            value, end = _loads_without_recursion(text)
            if value is _MISSING:
                return None, end
        except ValueError as exc:  # an integer of more digits than int() takes
            if "integer string conversion" not in str(exc) or decoder is _LONG_INT_DECODER:
                return None, None
            decoder = _LONG_INT_DECODER
            continue
        return (value, end) if isinstance(value, (dict, list)) else (None, None)
    return None, None


_TOKEN = re.compile(r"[ \t\n\r]*+(?:([{}\[\],:])|(\")|(-?+(?:0|[1-9][0-9]*+))(\.[0-9]++)?+([eE][-+]?+[0-9]++)?+"
                    r"|(true|false|null|NaN|Infinity|-Infinity))")
_LITERALS: dict[str, Any] = {"true": True, "false": False, "null": None, "NaN": float("nan"),
                             "Infinity": float("inf"), "-Infinity": float("-inf")}
_VALUE, _KEY_OR_CLOSE, _KEY, _COLON, _VALUE_OR_CLOSE, _NEXT = range(6)
_MISSING = object()


def _loads_without_recursion(text: str) -> tuple[Any, int]:
    """JSONDecoder.raw_decode without recursion, for documents of any depth: (the value at the start
    of text, where it ends), or (_MISSING, where the text stopped being JSON)."""
    scanstring = json.decoder.scanstring  # type: ignore[attr-defined]
    stack: list[list[Any]] = []  # [container, key of the value being read]
    state = _VALUE
    position = 0
    while True:
        token = _TOKEN.match(text, position)
        if token is None:
            return _MISSING, position
        at = token.start(token.lastindex or 0)
        position = token.end()
        punct = token.group(1)
        value: Any = _MISSING
        if state == _COLON:
            if punct != ":":
                return _MISSING, at
            state = _VALUE
            continue
        if state in (_KEY_OR_CLOSE, _KEY):
            if punct == "}" and state == _KEY_OR_CLOSE:
                value = stack.pop()[0]
            elif token.group(2):
                try:
                    key, position = scanstring(text, position)
                except ValueError:
                    return _MISSING, at
                stack[-1][1] = key
                state = _COLON
                continue
            else:
                return _MISSING, at
        elif state == _NEXT:
            container = stack[-1][0]
            if punct == ",":
                state = _KEY if isinstance(container, dict) else _VALUE
                continue
            if punct != ("}" if isinstance(container, dict) else "]"):
                return _MISSING, at
            value = stack.pop()[0]
        elif punct == "]" and state == _VALUE_OR_CLOSE:
            value = stack.pop()[0]
        elif punct == "{":
            stack.append([{}, None])
            state = _KEY_OR_CLOSE
            continue
        elif punct == "[":
            stack.append([[], None])
            state = _VALUE_OR_CLOSE
            continue
        elif punct is not None:
            return _MISSING, at
        elif token.group(2):
            try:
                value, position = scanstring(text, position)
            except ValueError:
                return _MISSING, at
        elif token.group(3) is not None:
            value = float(token.group(0)) if token.group(4) or token.group(5) else _parse_int(token.group(3))
        else:
            value = _LITERALS[token.group(6)]
        if not stack:
            return value, position
        top = stack[-1]
        if isinstance(top[0], dict):
            top[0][top[1]] = value
        else:
            top[0].append(value)
        state = _NEXT
