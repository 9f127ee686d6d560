"""Find the catalog's codes in what support tools actually hold: API error bodies, status-callback
form bodies, JSON webhook payloads, log lines and the platform's workflow error labels.

    >>> from errdict import scan
    >>> [f.code for f in scan("MessageStatus=undelivered&ErrorCode=30007&To=%2B14155550123")]
    [30007]

A number counts only where its context makes it an error code:

* an error-code key: ``ErrorCode=30007``, ``"error_code": "21614"``, ``errorCode: 30003``,
  ``Error Code: 30007`` (form fields, JSON fields, key=value log fields);
* an error word directly before it: ``Error 30007``, ``ERROR: 21610``, ``err 30003``, ``Error #30007``;
* a ``code`` key or the word *code* directly before it, on a line that also holds an error word
  (error, failed, undelivered, rejected, more_info, ...), unless a qualifier says it is another
  kind of code (zip, postal, area, country, verification, order, promo, status, ...);
* an error page URL: ``https://.../docs/errors/21610``;
* in a JSON object: the value of an error-code key (``ErrorCode``, ``error_code``, ``errorCode``,
  ``error``, ...) as a number or a numeric string, or of a ``code`` key in an error object: one
  below an ``error``/``errors`` key, or holding ``more_info``, ``error_message``, ``errors``, or a
  ``status`` that failed (400-599, "failed", "undelivered", ...). ``{"code": "30007", "message":
  "Your code is 30007"}`` is a verification code, not an error.

The workflow error labels (``User replied STOP (opt-out)``, ``Carrier Violation``, ...) are
aliases of their codes in the catalog and are found as whole phrases, in any letter case.

Message bodies never count: the value of ``Body``/``body``/``text``/``content`` (and ``message``
outside an error object) is skipped, so ``Body=Your code is 30007`` yields nothing. Phone numbers,
timestamps, amounts, zip codes, ports and order numbers are never codes: a number must stand alone
(not part of a longer number, a date, a time, a decimal or a word) right where the context puts it.

Only catalog codes are reported by default. ``scan(..., include_unknown=True)`` also reports a
well-formed number under an explicit error-code key (not a bare ``error``) or in an error page URL
that the catalog does not hold (``Finding.known`` is False): the command line lists those separately, so that a support
team sees codes the dictionary still lacks. A bare "Error 404" is never reported as unknown.

One finding per code per line (text) or per object (JSON): an API error body that names its code
in ``code`` and again in ``more_info`` gives one finding. Findings come in order of appearance.
"""
from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import BinaryIO, NamedTuple, Sequence, TextIO

from ._catalog import CATALOG
from ._model import ErrorCode

__all__ = ["Finding", "scan", "scan_stream", "summarize", "scan_main", "KINDS"]

KINDS = ("api-error-body", "json-field", "form-field", "log-line", "more-info-url", "workflow-label")
EXIT_OK, EXIT_USAGE = 0, 2

CHUNK_BYTES = 1 << 20  # read the stream a mebibyte at a time
MAX_LINE_BYTES = 1 << 20  # a longer line is scanned in pieces of this size
_PIECE_OVERLAP = 512  # bytes a piece shares with the next, so that no match is cut in two
_SNIPPET = 80  # at most this many characters of matched text are kept in a finding


class Finding(NamedTuple):
    """One code found in a text or an object, and where.

    ``code`` the number; ``kind`` one of :data:`KINDS`; ``line`` (1-based) and ``column``
    (1-based, in characters) for text; ``span`` the character offsets ``(start, end)`` of the match
    within that line, or within the string value at ``path`` for objects, None when the code is
    the value itself; ``path`` a JSON pointer such as ``/errors/0/code`` for objects (and for JSON
    lines of a log); ``text`` the matched text (``line_text[span[0]:span[1]]``, shortened past 80
    characters); ``known`` False only for codes the catalog lacks (``include_unknown=True``).
    ``error_code`` gives the catalog's :class:`ErrorCode`. Immutable (a named tuple).
    """

    code: int
    kind: str
    line: int | None = None
    column: int | None = None
    span: tuple[int, int] | None = None
    path: str | None = None
    text: str = ""
    known: bool = True

    @property
    def where(self) -> str:
        """``line 3, column 12``, ``/errors/0/code`` or ``line 3 /ErrorCode``."""
        parts = []
        if self.line is not None:
            parts.append(f"line {self.line}" + (f", column {self.column}" if self.column else ""))
        if self.path is not None:
            parts.append(self.path or "/")
        return " ".join(parts) or "?"

    @property
    def error_code(self) -> ErrorCode:
        """The catalog entry (raises UnknownCodeError for a finding with ``known`` False)."""
        from . import lookup

        return lookup(self.code)

    def to_dict(self) -> dict:
        return {"code": self.code, "kind": self.kind, "line": self.line, "column": self.column,
                "span": list(self.span) if self.span else None, "path": self.path, "text": self.text,
                "known": self.known}

    def __repr__(self) -> str:
        return f"<Finding {self.code} ({self.kind}) at {self.where}>"


# --- the patterns -----------------------------------------------------------------------------
# A code: 3 to 6 ASCII digits, not part of a longer number, a decimal, a date, a time, a range or
# a word ("30007" yes; "300.10", "2024-05-01", "12:30", "415-555", "30007abc" no).
_NUM = r"([1-9][0-9]{2,5})(?![0-9]|[.,:/\-][0-9]|[A-Za-z_])"
_FLAGS = re.ASCII | re.IGNORECASE

# Each rule is tried only where its anchor word occurs in the lowered line ("err", "code"), with
# a match anchored there: far quicker than one pattern tried at every position.
# An error-code key: ErrorCode=30007, "error_code": "21614", Error Code: 30007, errno=30003.
_KEY_AT = re.compile(r"(?:error[ _.\-]?code|err[_\-]?code|error[_\-]?num(?:ber)?|errno)[\"']?"
                     r"\s*(?:[:=#]|\bis\b)?\s*[\"']?\s*" + _NUM, _FLAGS)
# An error word directly before the number: Error 30007, ERROR: 21610, err 30003, Error #30007.
_WORD_AT = re.compile(r"(?<![A-Za-z0-9])err(?:or)?s?(?![A-Za-z0-9])\s*(?:[:#=\-]\s*)?" + _NUM, _FLAGS)
# "code" (a key or the word) directly before the number; counts only on a line with an error word.
_CODE_AT = re.compile(r"(?<![A-Za-z0-9_\-])code[\"']?\s*(?:[:=#]|\bis\b)?\s*[\"']?\s*" + _NUM, _FLAGS)
# An error page URL: .../docs/errors/21610.
_URL_AT = re.compile(r"/errors/" + _NUM, _FLAGS)
# Error words that make "code 30007" an error code, each tried where its start occurs in the line.
_ERROR_WORD_STARTS = ("err", "fail", "undeliver", "reject", "exception", "more_info", "warn", "invalid",
                      "blocked", "denied")
_ERROR_WORD = re.compile(r"(?<![a-z])(?:errors?|err|fail(?:ed|ure|ures|s)?|undelivered|undeliverable|"
                         r"rejected|exception|more_info|warn(?:ing)?|invalid|blocked|denied)(?![a-z])")
# Words that make a following "code" some other kind of code.
_OTHER_CODES = frozenset(
    "zip postal post area country dial verification verify otp one-time onetime passcode pin promo "
    "promotion discount coupon voucher gift access auth authorization confirmation order tracking "
    "reference ref booking reservation invite invitation referral product item sku login security "
    "2fa mfa short status http response exit return sip reason qr bar barcode source "
    "activation redeem redemption".split())


def _lower(text: str) -> str:
    """The text in lower case character for character, so that its offsets are the text's (a
    character whose lower case is longer, such as "\u0130", stays as it is)."""
    low = text.lower()
    return low if len(low) == len(text) else "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)


def _starts_word(text: str, at: int) -> bool:
    """Whether a word starts at `at`: after a non-letter, or at a camel-case hump
    (lastErrorCode, SMSErrorCode), but not inside a word (terror, TERROR)."""
    if at == 0 or not text[at - 1].isalnum():
        return True
    if text[at] != "E":
        return False
    before = text[at - 1]
    return before.islower() or before.isdigit() or (at + 1 < len(text) and text[at + 1].islower())


def _has_error_word(low: str) -> bool:
    """Whether a lowered line holds an error word (as a whole word: not the "err" of "Terry")."""
    for start in _ERROR_WORD_STARTS:
        at = low.find(start)
        while at >= 0:
            if _ERROR_WORD.match(low, at):
                return True
            at = low.find(start, at + 1)
    return False


def _word_before(low: str, end: int) -> str:
    """The word just before position end, skipping separators: "zip_code" -> "zip"."""
    head = low[max(0, end - 40):end].rstrip(" \t_-\"'")
    start = len(head)
    while start and head[start - 1].isascii() and head[start - 1].isalnum():
        start -= 1
    return head[start:]

# Message bodies: masked out before any rule runs. The key is found by its last word (body, text,
# content); its value runs to the closing quote, or when unquoted to the next '&' (form bodies)
# or the end of the line.
_BODY_WORDS = ("body", "text", "content")
_BODY_VALUE = re.compile(r"[\"']?[ \t]*[:=][ \t]*(?:\"(?:[^\"\\\n]|\\.)*\"?|'(?:[^'\\\n]|\\.)*'?|[^&\r\n]*)")
_KEY_CHAR = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-")

# Object keys, compared after dropping everything but letters and digits and casefolding.
_CODE_KEYS = frozenset({"errorcode", "errcode", "errorcodes", "errno", "errornumber", "errornum", "error",
                        "err", "smserrorcode", "lasterrorcode", "twilioerrorcode", "deliveryerrorcode"})
_BODY_KEYS = frozenset({"body", "messagebody", "smsbody", "msgbody", "text", "messagetext", "smstext",
                        "content", "mediabody", "bodytext", "messagecontent", "smscontent"})
_GENERIC_ERROR_KEYS = frozenset({"error", "err"})
_MESSAGE_KEYS = frozenset({"message", "msg", "sms"})  # a body unless it sits in an error object
# An object is an error object (its "code" is an error code, its "message" an error message) when
# it sits below an error key, holds one of these keys, or has a "status" that says it failed (an
# HTTP error status or a failure word). "code" beside a mere "message" is not enough: a
# verification webhook holds {"code": "30007", "message": "Your code is 30007"}.
_ERROR_MARKERS = frozenset({"moreinfo", "errormessage", "errortype", "errorcode", "errcode", "errors", "error",
                            "exception"})
_FAILED_STATUSES = frozenset({"failed", "undelivered", "error", "rejected", "canceled", "busy", "no-answer"})
_ERROR_PARENTS = frozenset({"error", "errors", "err", "lasterror", "errorinfo", "errordetails", "exception",
                            "failure", "failures", "problem", "problems", "fault"})
_LEADING_NUMBER = re.compile(r"\s*[\"']?\s*" + _NUM, _FLAGS)
_KEY_CHARS = re.compile(r"[^0-9a-z]+")

# The stream's pre-filter: in a lowered block, a loose pattern that every numeric context (text
# rules and JSON keys alike) satisfies, starting at its "err" or "code". Lines where none matches
# are skipped without being decoded. It may accept more than the rules do, never less. Each starts
# with a literal word, which the regex engine skips to as fast as bytes.find.
_PRE_ERR = re.compile(rb"err[a-z_.\-/ ]{0,14}[\"']?\s*(?:[:=#\-]\s*|is\s+)?[\[(\"']?\s*[1-9][0-9]{2}")
# "code is 30007" (group 1 matched: a verification message says "Your code is 30007") names an
# error code only on a line with an error word: a line where only that matches is parsed only then.
_PRE_CODE = re.compile(rb"code[\"']?\s*(?:[:=#]\s*|(is)\s+)?[\[(\"']?\s*[1-9][0-9]{2}")


_KEY_CACHE: dict[object, str] = {}


def _norm_key(key: object) -> str:
    """A key compared by its letters and digits only: ErrorCode, error_code, error-code -> errorcode."""
    found = _KEY_CACHE.get(key) if isinstance(key, str) else None
    if found is None:
        found = _KEY_CHARS.sub("", str(key).casefold())
        if isinstance(key, str) and len(_KEY_CACHE) < 4096:  # bounded: keys repeat, values do not
            _KEY_CACHE[key] = found
    return found


# Words too common in logs to serve as a label's trigger.
_COMMON_WORDS = frozenset("message messages messaging number numbers account phone sms mms the not from this "
                          "for with and are has have does your user send sent valid status service".split())


class _Tables:
    """What the scanner needs from the catalog, built on first use."""

    def __init__(self) -> None:
        self.known = frozenset(CATALOG.codes())
        aliases = CATALOG.alias_index()  # normalized alias -> code
        # Each label: its first word (where a match can start), its pattern on a lowered line, its code.
        self.labels: list[tuple[str, re.Pattern, int]] = []
        for label in sorted(aliases, key=len, reverse=True):  # the longest label wins
            words = label.split()
            head = r"(?<![a-z0-9])" if label[:1].isalnum() else ""
            tail = r"(?![a-z0-9])" if label[-1:].isalnum() else ""
            pattern = re.compile(head + r"\s+".join(re.escape(word) for word in words) + tail)
            self.labels.append((words[0], pattern, aliases[label]))
        groups = _label_token_groups(list(aliases))
        # One pattern per group: each is one pass over a block, whatever the number of its words.
        self.label_scans = tuple(re.compile(b"|".join(re.escape(word.encode()) for word in words))
                                 for words in groups)
        self.label_token_re = re.compile("|".join(re.escape(word) for words in groups for word in words) or "(?!)")


def _label_token_groups(labels: list[str]) -> list[list[str]]:
    """Long, uncommon words such that every label holds one, in groups sharing their first two
    letters: a line holds a label only if it holds one of these words, so the stream looks for
    them alone. A group is found in one pass over a block (its patterns share a literal prefix,
    which the regex engine skips to), so the greedy cover minimizes groups rather than words."""
    words_of = {label: {w for w in re.findall(r"[a-z0-9]+", label) if len(w) >= 4 and w not in _COMMON_WORDS}
                for label in labels}
    groups: dict[str, set[str]] = {}
    uncovered = set(labels)
    while uncovered:
        labels_by_prefix: dict[str, set[str]] = {}
        words_by_prefix: dict[str, set[str]] = {}
        for label in uncovered:
            for word in words_of[label]:
                labels_by_prefix.setdefault(word[:2], set()).add(label)
                words_by_prefix.setdefault(word[:2], set()).add(word)
        if not labels_by_prefix:  # labels of short or common words only: their longest word
            for label in uncovered:
                word = max(sorted(re.findall(r"[a-z0-9]+", label)), key=len, default="")
                word = word or label.encode("ascii", "ignore").decode()
                if word:
                    groups.setdefault(word[:2], set()).add(word)
            break
        prefix = max(sorted(labels_by_prefix), key=lambda p: (  # most labels, then the longest word
            len(labels_by_prefix[p]), max(len(w) for w in words_by_prefix[p])))
        for label in labels_by_prefix[prefix]:
            groups.setdefault(prefix, set()).add(max(sorted(w for w in words_of[label] if w[:2] == prefix), key=len))
        uncovered -= labels_by_prefix[prefix]
    return [sorted(words) for _, words in sorted(groups.items())]


_tables: _Tables | None = None


def _get_tables() -> _Tables:
    global _tables
    if _tables is None:
        _tables = _Tables()
    return _tables


# --- text -------------------------------------------------------------------------------------
def _mask_bodies(line: str, low: str) -> str:
    """The line with the value of every message-body field blanked out (same length)."""
    spans = []
    for word in _BODY_WORDS:
        at = low.find(word)
        while at >= 0:
            start, end = at, at + len(word)
            while start and low[start - 1] in _KEY_CHAR:
                start -= 1
            while end < len(low) and low[end] in _KEY_CHAR:
                end += 1
            if _norm_key(low[start:end]) in _BODY_KEYS:
                value = _BODY_VALUE.match(line, end)
                if value:
                    spans.append((start, value.end()))
                    end = max(end, value.end())
            at = low.find(word, end)
    if not spans:
        return line
    spans.sort()
    parts, position = [], 0
    for start, end in spans:
        if end <= position:
            continue
        start = max(start, position)
        parts.append(line[position:start])
        parts.append(" " * (end - start))
        position = end
    parts.append(line[position:])
    return "".join(parts)


def _snippet(text: str) -> str:
    return text if len(text) <= _SNIPPET else text[:_SNIPPET - 1] + "\u2026"


def _numeric_hits(masked: str, low: str, tables: _Tables, include_unknown: bool, hits: list) -> None:
    """(start, end, code, kind, known) of every number an error context names, in a masked line."""
    anchors = []
    for word in ("err", "code"):
        at = low.find(word)
        while at >= 0:
            anchors.append(at)
            at = low.find(word, at + len(word))
    anchors.sort()
    consumed = 0
    error_line: bool | None = None
    for at in anchors:
        if at < consumed:
            continue
        if low.startswith("code", at):
            start = at - 1 if at and masked[at - 1] in "\"'" else at
            match = _CODE_AT.match(masked, at)
            if match is None:
                continue
            code = int(match.group(1))
            if code not in tables.known:
                continue
            if error_line is None:
                error_line = _has_error_word(low)
            if not error_line or _word_before(low, start) in _OTHER_CODES:
                continue
            kind = "json-field" if start != at else "log-line"
            hits.append((start, match.end(), code, kind, True))
            consumed = match.end()
            continue
        if at and masked[at - 1] == "/" and low.startswith("errors/", at):
            match = _URL_AT.match(masked, at - 1)
            if match is not None:
                code = int(match.group(1))
                known = code in tables.known
                if known or include_unknown:
                    hits.append((at - 1, match.end(), code, "more-info-url", known))
                consumed = match.end()
                continue
        match = _KEY_AT.match(masked, at) if _starts_word(masked, at) else None
        if match is not None:
            code = int(match.group(1))
            known = code in tables.known
            if known or include_unknown:
                quoted = at > 0 and masked[at - 1] in "\"'"
                start = at - 1 if quoted else at
                hits.append((start, match.end(), code, "json-field" if quoted else _key_kind(masked, start, match),
                             known))
            consumed = match.end()
            continue
        match = _WORD_AT.match(masked, at)
        if match is not None:
            code = int(match.group(1))
            if code in tables.known:  # never unknown: "Error 404" is HTTP, not a code
                hits.append((at, match.end(), code, "log-line", True))
            consumed = match.end()


def _label_hits(low: str, tables: _Tables, hits: list) -> None:
    taken: list[tuple[int, int]] = []
    for first, pattern, code in tables.labels:
        at = low.find(first)
        while at >= 0:
            match = pattern.match(low, at)
            if match is not None:
                start, end = match.span()
                if not any(s < end and start < e for s, e in taken):  # a longer label already took it
                    taken.append((start, end))
                    hits.append((start, end, code, "workflow-label", True))
                at = low.find(first, end)
            else:
                at = low.find(first, at + 1)


def _scan_text_value(text: str, line: int | None, path: str | None, tables: _Tables, include_unknown: bool,
                     seen: set, out: list, numeric: bool = True, labels: bool = True, offset: int = 0) -> None:
    """Apply the text rules to one line (or one string value of an object)."""
    low = _lower(text)
    masked = _mask_bodies(text, low)
    if masked is not text:
        low = _lower(masked)
    hits: list[tuple[int, int, int, str, bool]] = []  # start, end, code, kind, known
    if numeric:
        _numeric_hits(masked, low, tables, include_unknown, hits)
    if labels:
        _label_hits(low, tables, hits)
    if not hits:
        return
    if len(hits) > 1:
        hits.sort()
    for start, end, code, kind, known in hits:
        if code in seen:
            continue
        seen.add(code)
        span = (start + offset, end + offset)
        out.append(Finding(code, kind, line, None if path else span[0] + 1, span, path,
                           _snippet(text[start:end]), known))


def _key_kind(line: str, start: int, match: re.Match) -> str:
    """form-field for `ErrorCode=30007` between '&'s or alone; log-line for key=value in a log."""
    before = line[start - 1] if start else ""
    matched = line[start:match.end()]
    end = match.end()
    after = line[end] if end < len(line) else ""
    if "=" in matched and ":" not in matched and " " not in matched and after in ("", "&", " ", "\t", "\r"):
        if before in ("", "&", "?") or (before in (" ", "\t") and "&" in line):
            return "form-field"
    return "log-line"


def _looks_like_json(text: str) -> bool:
    stripped = text.strip()
    return len(stripped) >= 2 and stripped[0] in "{[" and stripped[-1] in "}]"


def _scan_as_json(text: str, lineno: int | None, tables: _Tables, include_unknown: bool, out: list) -> bool:
    """Scan text as a JSON document when it is one (an object or a list); False when it is not."""
    if not _looks_like_json(text):
        return False
    try:
        value = json.loads(text)
    except ValueError:
        return False
    if not isinstance(value, (dict, list)):
        return False
    _scan_object(value, lineno, tables, include_unknown, out)
    return True


def _scan_line(line: str, lineno: int | None, tables: _Tables, include_unknown: bool, out: list,
               numeric: bool = True, labels: bool = True, seen: set | None = None, offset: int = 0) -> None:
    if seen is None and _scan_as_json(line, lineno, tables, include_unknown, out):
        return
    _scan_text_value(line, lineno, None, tables, include_unknown, set() if seen is None else seen, out,
                     numeric, labels, offset)


def _line_triggers(line: str, tables: _Tables) -> tuple[bool, bool]:
    low = line.lower()
    numeric = "err" in low or "code" in low
    return numeric, tables.label_token_re.search(low) is not None


def _scan_text(text: str, tables: _Tables, include_unknown: bool) -> list:
    out: list[Finding] = []
    if "\n" in text.strip() and _scan_as_json(text, None, tables, include_unknown, out):
        return out
    for lineno, line in enumerate(text.split("\n"), 1):
        if line.endswith("\r"):
            line = line[:-1]
        numeric, labels = _line_triggers(line, tables)
        if numeric or labels:
            _scan_line(line, lineno, tables, include_unknown, out, numeric, labels)
    return out


# --- objects ----------------------------------------------------------------------------------
def _pointer(parts: tuple) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def _scan_object(root: object, lineno: int | None, tables: _Tables, include_unknown: bool, out: list) -> None:
    """Walk a JSON-like object depth first, in order, without recursion (any depth) or cycles."""
    stack: list[_Frame] = []
    on_path: set[int] = set()

    def push(container: object, path: tuple, error_ctx: bool) -> None:
        if id(container) in on_path:
            return  # a cycle: already being walked
        on_path.add(id(container))
        stack.append(_Frame(container, path, error_ctx))

    push(root, (), False)
    while stack:
        frame = stack[-1]
        depth = len(stack)
        for nk, key, value in frame.items:
            if nk in _BODY_KEYS or (nk in _MESSAGE_KEYS and not frame.error_object):
                continue  # a message body: whatever it holds is not a code
            if nk in _CODE_KEYS or (nk == "code" and frame.error_object):
                kind = "api-error-body" if (nk == "code" and frame.api_body) else "json-field"
                # a bare "error": 404 is as likely an HTTP status as a code: never reported as unknown
                explicit = include_unknown and nk not in _GENERIC_ERROR_KEYS
                _code_value(value, frame.path + (key,), kind, lineno, tables, explicit, frame.seen, out, push)
            elif isinstance(value, str):
                if _has_trigger(value, tables):
                    _scan_text_value(value, lineno, _pointer(frame.path + (key,)), tables, include_unknown,
                                     frame.seen, out)
            elif type(value) not in _SCALAR_TYPES and isinstance(value, (Mapping, list, tuple)):
                push(value, frame.path + (key,), frame.error_ctx or nk in _ERROR_PARENTS)
            if len(stack) > depth:
                break  # walk what was just pushed first, then come back for the rest of the items
        else:
            stack.pop()
            on_path.discard(id(frame.container))


_SCALAR_TYPES = frozenset({int, float, bool, type(None)})  # what a JSON object holds besides str and containers


def _failed_status(items: list[tuple[str, object, object]]) -> bool:
    """Whether an object's normalized (key, original key, value) items hold a status that failed."""
    for nk, _, value in items:
        if nk == "status":
            if type(value) is int and 400 <= value <= 599:
                return True
            if isinstance(value, str) and (value.strip().lower() in _FAILED_STATUSES
                                           or value.strip().isdigit() and 400 <= int(value.strip()) <= 599):
                return True
    return False


class _Frame:
    """One container being walked: its items (normalized key, key, value), where it is, and what its
    context says. A list's items have an empty normalized key."""

    __slots__ = ("container", "items", "path", "error_ctx", "error_object", "api_body", "seen")

    def __init__(self, container: object, path: tuple, error_ctx: bool) -> None:
        self.container = container
        self.path = path
        self.error_ctx = error_ctx
        self.seen: set[int] = set()  # codes already found directly in this container
        if isinstance(container, Mapping):
            items = [(_norm_key(key), key, value) for key, value in container.items()]
            keys = {item[0] for item in items}
            self.error_object = error_ctx or not _ERROR_MARKERS.isdisjoint(keys) or _failed_status(items)
            self.api_body = "code" in keys and self.error_object
        else:
            items = [("", index, value) for index, value in enumerate(container)]  # type: ignore[arg-type]
            self.error_object = self.api_body = False
        self.items: Iterator[tuple[str, object, object]] = iter(items)


def _has_trigger(text: str, tables: _Tables) -> bool:
    if len(text) < 3:
        return False
    low = text.lower()
    return "err" in low or "code" in low or tables.label_token_re.search(low) is not None


def _code_value(value: object, path: tuple, kind: str, lineno: int | None, tables: _Tables,
                include_unknown: bool, seen: set, out: list, push) -> None:
    """The value of an error-code key: a number, a numeric string, a list of them, or text."""
    pointer = _pointer(path)
    if type(value) is int or (isinstance(value, int) and not isinstance(value, bool)):
        code = int(value)
        _report(code, kind, lineno, pointer, str(code), tables, include_unknown, seen, out)
    elif isinstance(value, str):
        match = _LEADING_NUMBER.match(value)
        if match:
            code = int(match.group(1))
            _report(code, kind, lineno, pointer, value.strip(), tables, include_unknown, seen, out)
        elif value.strip():
            _scan_text_value(value, lineno, pointer, tables, include_unknown, seen, out)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            if isinstance(item, (int, str)) and not isinstance(item, bool):
                _code_value(item, path + (index,), kind, lineno, tables, include_unknown, seen, out, push)
            elif isinstance(item, (Mapping, list, tuple)):
                push(item, path + (index,), True)
    elif isinstance(value, Mapping):
        push(value, path, True)


def _report(code: int, kind: str, lineno: int | None, pointer: str, text: str, tables: _Tables,
            include_unknown: bool, seen: set, out: list) -> None:
    known = code in tables.known
    if not known and not (include_unknown and 100 <= code <= 999_999):
        return
    if code in seen:
        return
    seen.add(code)
    out.append(Finding(code, kind, lineno, None, None, pointer, _snippet(text), known))


# --- the public function ----------------------------------------------------------------------
def scan(text_or_object: object, *, include_unknown: bool = False) -> list[Finding]:
    """Every catalog code found in a text or a JSON-like object, in order of appearance.

    ``text_or_object``: a str (a log, a form body, a JSON document, a label), bytes (decoded as
    UTF-8, undecodable bytes replaced), or a mapping/list such as a parsed webhook payload.
    Scalars (int, float, None, bool) hold no context and give no findings. Never raises on any
    such input; another type raises TypeError.
    """
    tables = _get_tables()
    if isinstance(text_or_object, (bytes, bytearray, memoryview)):
        text_or_object = bytes(text_or_object).decode("utf-8", "replace")
    if isinstance(text_or_object, str):
        return _scan_text(text_or_object, tables, include_unknown)
    if isinstance(text_or_object, (Mapping, list, tuple)):
        out: list[Finding] = []
        _scan_object(text_or_object, None, tables, include_unknown, out)
        return out
    if text_or_object is None or isinstance(text_or_object, (int, float)):
        return []
    raise TypeError(f"scan takes a str, bytes, a mapping or a list, not {type(text_or_object).__name__}")


# --- streams ----------------------------------------------------------------------------------
class StreamStats:
    """What a stream scan read: lines and bytes (filled in as the scan goes)."""

    __slots__ = ("lines", "bytes")

    def __init__(self) -> None:
        self.lines = 0
        self.bytes = 0


def scan_stream(stream: BinaryIO, *, include_unknown: bool = False,
                stats: StreamStats | None = None) -> Iterator[Finding]:
    """The findings of a binary stream (a log file, stdin), line by line, in constant memory.

    The stream is read a mebibyte at a time; only lines holding a trigger word (``err``,
    ``code`` or a word of a workflow label) are decoded and parsed. Undecodable bytes are
    replaced. A line longer than 1 MiB is scanned in overlapping pieces, so memory stays bounded
    whatever the input; its columns then count characters piece by piece.
    """
    tables = _get_tables()
    stats = stats if stats is not None else StreamStats()
    carry = b""
    lines_before = 0  # complete lines before the start of carry
    cont_seen: set | None = None  # the codes of a long line scanned in pieces so far
    cont_offset = 0  # characters of that line already scanned
    while True:
        data = stream.read(CHUNK_BYTES)
        if not data:
            break
        stats.bytes += len(data)
        buffer = carry + data if carry else data
        cut = buffer.rfind(b"\n") + 1
        if cut == 0:
            carry = buffer
            while len(carry) > MAX_LINE_BYTES:  # a line longer than the limit: scan a piece of it
                if cont_seen is None:
                    cont_seen = set()
                piece = carry[:MAX_LINE_BYTES]
                found: list[Finding] = []
                text = piece.decode("utf-8", "replace")
                numeric, labels = _line_triggers(text, tables)
                if numeric or labels:
                    _scan_line(text, lines_before + 1, tables, include_unknown, found, numeric, labels,
                               cont_seen, cont_offset)
                yield from found
                keep = MAX_LINE_BYTES - _PIECE_OVERLAP
                cont_offset += len(carry[:keep].decode("utf-8", "replace"))
                carry = carry[keep:]
            continue
        block, carry = buffer[:cut], buffer[cut:]
        yield from _scan_block(block, lines_before, tables, include_unknown, cont_seen, cont_offset)
        cont_seen, cont_offset = None, 0
        lines_before += block.count(b"\n")
        stats.lines = lines_before
    if carry:  # the last line, without a newline
        yield from _scan_block(carry + b"\n", lines_before, tables, include_unknown, cont_seen, cont_offset)
        lines_before += 1
    stats.lines = lines_before


def _line_start(block: bytes, match: re.Match) -> int:
    """Where the line of a block holding the start of a match starts (the line a match belongs to:
    the pre-filters match no letter after a newline)."""
    return block.rfind(b"\n", 0, match.start()) + 1


def _line_starts(block: bytes, matches: Iterable[re.Match]) -> set[int]:
    return {_line_start(block, match) for match in matches}


def _scan_block(block: bytes, lines_before: int, tables: _Tables, include_unknown: bool,
                first_seen: set | None, first_offset: int) -> Iterator[Finding]:
    """The findings of whole lines (block ends with a newline). The first line may continue a
    long line whose earlier pieces were already scanned (first_seen, first_offset)."""
    numeric_starts, code_is_starts, label_starts = _candidate_lines(block.lower(), tables)
    counted_to, lineno = 0, lines_before + 1
    found: list[Finding] = []
    for line_start in sorted(numeric_starts | code_is_starts | label_starts):
        lineno += block.count(b"\n", counted_to, line_start)
        counted_to = line_start
        text = _line_text(block, line_start)
        numeric = line_start in numeric_starts or (line_start in code_is_starts and _may_say_code_is(text))
        labels = line_start in label_starts
        if not numeric and not labels:
            continue
        first = line_start == 0 and first_seen is not None
        _scan_line(text, lineno, tables, include_unknown, found, numeric, labels,
                   first_seen if first else None, first_offset if first else 0)
        if found:
            yield from found
            found.clear()


def _candidate_lines(lowered: bytes, tables: _Tables) -> tuple[set[int], set[int], set[int]]:
    """Where the lines of a lowered block start that may hold a numeric code, that may hold one only
    beside an error word (only "code is 30007" matched), and that may hold a label. A few passes of
    the regex engine over the whole block: no Python work for a line that holds none of these."""
    numeric = _line_starts(lowered, _PRE_ERR.finditer(lowered))
    code_is: set[int] = set()
    for match in _PRE_CODE.finditer(lowered):
        (code_is if match.lastindex else numeric).add(_line_start(lowered, match))
    labels = _line_starts(lowered, (match for scan in tables.label_scans for match in scan.finditer(lowered)))
    return numeric, code_is - numeric, labels


def _line_text(block: bytes, line_start: int) -> str:
    """The line of a block that starts at line_start, decoded, without its line break."""
    raw = block[line_start:block.find(b"\n", line_start)]
    if raw.endswith(b"\r"):
        raw = raw[:-1]
    return raw.decode("utf-8", "replace")


def _may_say_code_is(line: str) -> bool:
    """Whether "code is 30007" may name an error code on this line: only beside an error word,
    which a JSON line may spell with backslash escapes ("\\u0066ailed", "\\nfailed")."""
    return "\\" in line or _has_error_word(_lower(line))


# --- the command line: errdict scan FILE|- ----------------------------------------------------
class Summary:
    """How often each code occurred in a scan, most frequent first."""

    def __init__(self) -> None:
        self.counts: dict[int, int] = {}
        self.first_line: dict[int, int | None] = {}
        self.unknown: dict[int, int] = {}
        self.unknown_first_line: dict[int, int | None] = {}
        self.findings = 0

    def add(self, finding: Finding) -> None:
        self.findings += 1
        counts, first = (self.counts, self.first_line) if finding.known else \
            (self.unknown, self.unknown_first_line)
        counts[finding.code] = counts.get(finding.code, 0) + 1
        first.setdefault(finding.code, finding.line)

    @staticmethod
    def _ranked(counts: dict[int, int]) -> list[tuple[int, int]]:
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    def ranked(self) -> list[tuple[int, int]]:
        """(code, count) of known codes, most frequent first, ties by code."""
        return self._ranked(self.counts)

    def ranked_unknown(self) -> list[tuple[int, int]]:
        return self._ranked(self.unknown)

    def merge(self, later: Summary, lines_before: int) -> None:
        """Add the summary of what follows (its line numbers count from 1 after lines_before)."""
        self.findings += later.findings
        for counts, first, later_counts, later_first in (
                (self.counts, self.first_line, later.counts, later.first_line),
                (self.unknown, self.unknown_first_line, later.unknown, later.unknown_first_line)):
            for code, count in later_counts.items():
                counts[code] = counts.get(code, 0) + count
                line = later_first[code]
                first.setdefault(code, None if line is None else line + lines_before)


def summarize(findings) -> Summary:
    summary = Summary()
    for finding in findings:
        summary.add(finding)
    return summary


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[:max(0, width - 1)] + "\u2026"


def render_summary(summary: Summary, source: str, lines: int, width: int = 100) -> str:
    """The summary table for a terminal: count, code, title and recommended action."""
    from . import lookup

    out = []
    ranked = summary.ranked()
    if ranked:
        count_width = max(5, len(str(ranked[0][1])))
        title_width = max(20, (width - count_width - 10) * 11 // 20)
        out.append(f"{'count':>{count_width}}  {'code':>6}  {'title':<{title_width}}  action")
        for code, count in ranked:
            err = lookup(code)
            out.append(f"{count:>{count_width}}  {code:>6}  {_fit(err.title, title_width):<{title_width}}  "
                       f"{err.action_title}")
    unknown = summary.ranked_unknown()
    if unknown:
        out.append("")
        out.append("not in the errdict catalog: " + ", ".join(f"{code} (\u00d7{count})" for code, count in unknown))
    known_total = sum(summary.counts.values())
    plural = "s" if len(ranked) != 1 else ""
    out.append("")
    out.append(f"{known_total} occurrence{'s' if known_total != 1 else ''} of {len(ranked)} code{plural} "
               f"in {lines} line{'s' if lines != 1 else ''} of {source}" if ranked
               else f"no error codes found in {lines} line{'s' if lines != 1 else ''} of {source}")
    return "\n".join(out).lstrip("\n") + "\n"


def summary_json(summary: Summary, source: str, lines: int, size: int) -> dict:
    from . import lookup

    codes = []
    for code, count in summary.ranked():
        err = lookup(code)
        codes.append({"code": code, "count": count, "first_line": summary.first_line[code], "title": err.title,
                      "level": err.level, "product": err.product, "retry": err.retry, "action": err.action,
                      "action_title": err.action_title, "advice": err.advice, "url": err.url})
    unknown = [{"code": code, "count": count, "first_line": summary.unknown_first_line[code]}
               for code, count in summary.ranked_unknown()]
    return {"source": source, "lines": lines, "bytes": size, "occurrences": sum(summary.counts.values()),
            "codes": codes, "unknown": unknown}


class _Parser(argparse.ArgumentParser):
    """argparse writing its help to `out` and its usage errors to `err_out`."""

    def __init__(self, out: TextIO, err_out: TextIO, **kwargs) -> None:
        super().__init__(**kwargs)
        self._out, self._err_out = out, err_out

    def _print_message(self, message: str, file=None) -> None:  # noqa: ANN001 - argparse's signature
        import sys

        if message:
            (self._err_out if file is sys.stderr else self._out).write(message)


def _scan_parser(out: TextIO, err_out: TextIO) -> argparse.ArgumentParser:
    parser = _Parser(out, err_out,
        prog="errdict scan",
        description="Count the error codes in a log file or a stream (- for standard input): API error "
                    "bodies, status-callback form bodies, JSON payloads, log lines and workflow labels. "
                    "Prints how often each code occurred, with its title and recommended action, most "
                    "frequent first.",
        epilog="Exit status: 0 when the scan ran (whether or not it found codes), 2 on a usage error "
               "or an unreadable file.")
    parser.add_argument("file", metavar="FILE", help="a log file, or - for standard input")
    parser.add_argument("--json", action="store_true", help="machine-readable JSON output")
    parser.add_argument("--findings", action="store_true",
                        help="list every finding (line, column, code, kind) instead of the summary")
    parser.add_argument("--jobs", type=_positive_int, default=None, metavar="N",
                        help="processes that share a large file, a range of lines each (default: 2 when two "
                             "CPUs are available); standard input and --findings use one")
    return parser


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return int(text)


def scan_main(argv: Sequence[str], out: TextIO, err_out: TextIO, stdin: BinaryIO | None = None) -> int:
    """`errdict scan FILE|-`. Exit 0 when the scan ran, 2 on a usage error or unreadable input."""
    import sys

    parser = _scan_parser(out, err_out)
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as exc:  # --help (0) or a usage error (2)
        return EXIT_OK if exc.code in (0, None) else EXIT_USAGE
    source = "standard input" if args.file == "-" else args.file
    stats = StreamStats()
    summary = Summary()
    try:
        if args.file == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            findings = _consume(stream, summary, stats, args, out)
        else:
            import os

            if os.path.isdir(args.file):
                print(f"errdict scan: {args.file}: is a folder, not a file", file=err_out)
                return EXIT_USAGE
            jobs = args.jobs or _default_jobs()
            if jobs > 1 and not args.findings and _is_large_file(args.file):
                summary, stats = summarize_file(args.file, jobs)
                findings = []
            else:
                with open(args.file, "rb") as stream:
                    findings = _consume(stream, summary, stats, args, out)
    except FileNotFoundError:
        print(f"errdict scan: {args.file}: no such file", file=err_out)
        return EXIT_USAGE
    except OSError as exc:
        print(f"errdict scan: {args.file}: cannot be read: {exc.strerror or exc}", file=err_out)
        return EXIT_USAGE
    if args.findings:
        if args.json:
            json.dump([f.to_dict() for f in findings], out, ensure_ascii=False, indent=2)
            out.write("\n")
        return EXIT_OK
    if args.json:
        json.dump(summary_json(summary, source, stats.lines, stats.bytes), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(render_summary(summary, source, stats.lines))
    return EXIT_OK


def _consume(stream: BinaryIO, summary: Summary, stats: StreamStats, args, out: TextIO) -> list[Finding]:
    """Feed the stream's findings into the summary; keep them only when --findings --json asks."""
    kept: list[Finding] = []
    for finding in scan_stream(stream, include_unknown=True, stats=stats):
        summary.add(finding)
        if args.findings:
            if args.json:
                kept.append(finding)
            else:
                status = "" if finding.known else " (not in the catalog)"
                out.write(f"{finding.where}: {finding.code} {finding.kind}{status}\n")
    return kept


# --- a large file: ranges of lines scanned in parallel -------------------------------------------
PARALLEL_MIN_BYTES = 32 << 20  # a smaller file is scanned in one process: starting another costs more


def _default_jobs() -> int:
    import os

    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return min(2, cpus)


def _is_large_file(path: str) -> bool:
    """A regular file (not a pipe or a device, which only stream) of at least PARALLEL_MIN_BYTES."""
    import os
    import stat

    status = os.stat(path)
    return stat.S_ISREG(status.st_mode) and status.st_size >= PARALLEL_MIN_BYTES


def summarize_file(path: str, jobs: int) -> tuple[Summary, StreamStats]:
    """The summary of a file scanned by `jobs` processes, each over a range of whole lines: the same
    as one process gives, in the memory of one process each. Falls back to one process where
    processes cannot be forked."""
    import multiprocessing
    import os

    with open(path, "rb") as handle:
        cuts = split_at_lines(handle, os.fstat(handle.fileno()).st_size, jobs)
    ranges = list(zip(cuts, cuts[1:]))
    if len(ranges) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return _summarize_range(path, 0, cuts[-1])
    from concurrent.futures import ProcessPoolExecutor

    _get_tables()  # once, before the workers are forked
    with ProcessPoolExecutor(len(ranges) - 1, mp_context=multiprocessing.get_context("fork")) as pool:
        later = [pool.submit(_summarize_range, path, start, end) for start, end in ranges[1:]]
        parts = [_summarize_range(path, *ranges[0])] + [future.result() for future in later]
    summary, stats = parts[0]
    for part, part_stats in parts[1:]:
        summary.merge(part, stats.lines)
        stats.lines += part_stats.lines
        stats.bytes += part_stats.bytes
    return summary, stats


def split_at_lines(handle: BinaryIO, size: int, parts: int) -> list[int]:
    """Offsets 0 < ... < size that cut a file into `parts` ranges of about equal size, each cut just
    after a newline (fewer ranges when lines are longer than a range)."""
    cuts = [0]
    for part in range(1, parts):
        cut = _line_start_from(handle, max(size * part // parts, cuts[-1] + 1), size)
        if cut < size:
            cuts.append(cut)
    return cuts + [size]


def _line_start_from(handle: BinaryIO, offset: int, size: int) -> int:
    """The first offset at or after `offset` where a line starts (size if none does)."""
    handle.seek(offset - 1)
    position = offset - 1
    while position < size:
        chunk = handle.read(CHUNK_BYTES)
        if not chunk:
            break
        newline = chunk.find(b"\n")
        if newline >= 0:
            return position + newline + 1
        position += len(chunk)
    return size


class _Range:
    """A binary stream over `length` bytes of a file from its current position."""

    def __init__(self, handle: BinaryIO, length: int) -> None:
        self._handle, self._left = handle, length

    def read(self, size: int = -1) -> bytes:
        size = self._left if size < 0 else min(size, self._left)
        data = self._handle.read(size) if size > 0 else b""
        self._left -= len(data)
        return data


def _summarize_range(path: str, start: int, end: int) -> tuple[Summary, StreamStats]:
    """The summary of the lines in bytes start..end of a file, numbered from 1."""
    stats = StreamStats()
    with open(path, "rb") as handle:
        handle.seek(start)
        summary = summarize(scan_stream(_Range(handle, end - start), include_unknown=True, stats=stats))
    return summary, stats
