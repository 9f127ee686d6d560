"""The detection rules: where a number in a text is an error code, and which object keys hold one.

A number counts only where its context makes it an error code:

* an error-code key: ``ErrorCode=30007``, ``"error_code": "21614"``, ``errorCode: 30003``,
  ``Error Code: 30007`` (form fields, JSON fields, key=value log fields);
* an error word directly before it: ``Error 30007``, ``ERROR: 21610``, ``err 30003``, ``Error #30007``
  (not "errors: 30007", a count; not a three-digit number, which after "error" is an HTTP status;
  not an amount or a duration such as "error: 30007 USD");
* a ``code`` key or the word *code* directly before it, on a line that also holds an error word
  (error, failed, undelivered, rejected, ...), outside quoted text, unless a qualifier says it is
  another kind of code (zip, postal, verification, order, status, ...);
* an error page URL of the upstream provider's documentation: ``.../docs/errors/21610``;
* a workflow label (an alias of the code, such as "Carrier Violation"), compared after the same
  normalisation the catalog's alias index uses (:func:`errdict._names.normalize`).

The value of a message-text field (``Body``, ``text``, ``lastMessageBody``, ``SpeechResult``,
``subject``, ``comment``, ...) is blanked before any rule runs: what people type is never a code.

Every pattern here runs in time linear in the text: quantifiers that could share characters are
possessive, and each rule is tried only where its anchor word occurs.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from ._codes import CODE_DIGITS, is_code

# A code: not part of a longer number, a decimal, a date, a time, a range or a word, and not an
# amount or a duration ("30007" yes; "300.10", "2024-05-01", "12:30", "415-555", "30007abc",
# "30007 USD", "30007ms" no).
_UNITS = r"(?:usd|eur|gbp|cad|aud|inr|jpy|ms|msec|secs?|seconds?|minutes?|hours?|bytes?|kb|mb|gb|%|percent|" \
         r"cents?|dollars?|credits?|items?|rows?|records?|times)"
_NUM = (r"(" + CODE_DIGITS + r")(?![0-9]|[.,:/\-][0-9]|[A-Za-z_])(?![ \t]*+" + _UNITS + r"(?![A-Za-z]))")
_FLAGS = re.ASCII | re.IGNORECASE

# An error-code key: ErrorCode=30007, "error_code": "21614", Error Code: 30007, err_code=30003.
_KEY_AT = re.compile(r"(?:error[ _.\-]?+code|err[_\-]?+code|error[_\-]?+num(?:ber)?+)[\"']?+"
                     r"[ \t]*+(?:(?:[:=#]|\bis\b)[ \t]*+)?+[\"']?+[ \t]*+" + _NUM, _FLAGS)
# An error word directly before the number: Error 30007, ERROR: 21610, err 30003, Error #30007.
_WORD_AT = re.compile(r"(?<![A-Za-z0-9])err(?:or)?+(?![A-Za-z0-9])[ \t]*+(?:[:#=\-][ \t]*+)?+" + _NUM, _FLAGS)
# "code" (a key or the word) directly before the number; counts only on a line with an error word.
_CODE_AT = re.compile(r"(?<![A-Za-z0-9_\-])code[\"']?+[ \t]*+(?:(?:[:=#]|\bis\b)[ \t]*+)?+[\"']?+[ \t]*+" + _NUM,
                      _FLAGS)
# An error page URL of the upstream documentation: .../docs/errors/21610, .../docs/api/errors/21610.
_URL_AT = re.compile(r"/docs/(?:api/)?+errors/" + _NUM, _FLAGS)
# Error words that make "code 30007" an error code, each tried where its start occurs in the line.
_ERROR_WORD_STARTS = ("err", "fail", "undeliver", "reject", "exception", "more_info", "warn", "invalid",
                      "blocked", "denied")
_ERROR_WORD = re.compile(r"(?<![a-z])(?:errors?|err|fail(?:ed|ure|ures|s)?|undelivered|undeliverable|"
                         r"rejected|exception|more_info|warn(?:ing)?|invalid|blocked|denied)(?![a-z])")
# Words that make a following "code" some other kind of code.
OTHER_CODES = frozenset(
    "zip postal post area country dial verification verify otp one-time onetime passcode pin promo "
    "promotion discount coupon voucher gift access auth authorization confirmation order tracking "
    "reference ref booking reservation invite invitation referral product item sku login security "
    "2fa mfa short status http response exit return sip reason qr bar barcode source "
    "activation redeem redemption".split())

# --- object keys ---------------------------------------------------------------------------------
_KEY_CHARS = re.compile(r"[^0-9a-z]+")
# Keys whose value is an error code (compared by their letters and digits only).
CODE_KEYS = frozenset({"errorcode", "errcode", "errorcodes", "errornumber", "errornum", "error", "err",
                       "smserrorcode", "lasterrorcode", "twilioerrorcode", "deliveryerrorcode"})
# Of those, the ones that name an upstream error code explicitly (a bare "error": 404 is as likely an
# HTTP status): only these report a code the catalog lacks.
EXPLICIT_CODE_KEYS = CODE_KEYS - {"error", "err"}
# Message text: what people write (bodies, subjects, notes, speech, button labels).
_BODY_KEYS = frozenset({"body", "text", "content", "html", "subject", "comment", "comments", "note", "notes",
                        "caption", "transcript", "transcription", "speechresult", "unstablespeechresult",
                        "buttontext", "digits", "snippet", "preview", "sms", "msg"})
_BODY_SUFFIXES = ("body", "text", "content", "html", "subject", "comment", "comments", "note", "notes", "caption",
                  "transcript", "transcription", "speechresult", "snippet", "preview")
MESSAGE_KEYS = frozenset({"message"})  # a body unless it sits in an error object
# An object is an error object (its "code" is an error code, its "message" an error message) when it
# sits below an error key, holds one of these keys, or has a "status" that says it failed.
ERROR_MARKERS = frozenset({"moreinfo", "errormessage", "errortype", "errorcode", "errcode", "errors", "error",
                           "exception"})
FAILED_STATUSES = frozenset({"failed", "undelivered", "error", "rejected", "canceled", "busy", "no-answer"})
ERROR_PARENTS = frozenset({"error", "errors", "err", "lasterror", "errorinfo", "errordetails", "exception",
                           "failure", "failures", "problem", "problems", "fault"})
LEADING_NUMBER = re.compile(r"[ \t]*+[\"']?+[ \t]*+" + _NUM, _FLAGS)

_KEY_CACHE: dict[str, str] = {}


def norm_key(key: object) -> str:
    """A key compared by its letters and digits only: ErrorCode, error_code, error-code -> errorcode."""
    if isinstance(key, str):
        found = _KEY_CACHE.get(key)
        if found is None:
            found = _KEY_CHARS.sub("", key.casefold())
            if len(_KEY_CACHE) < 4096:  # bounded: keys repeat, values do not
                _KEY_CACHE[key] = found
        return found
    return _KEY_CHARS.sub("", str(key).casefold()) if isinstance(key, int) else ""


def is_body_key(key: str) -> bool:
    """Whether a (normalised) key holds message text: body, Body, lastMessageBody, ButtonText, ..."""
    if key in _BODY_KEYS:
        return True
    return key.endswith(_BODY_SUFFIXES) and "err" not in key and "code" not in key


# --- text -------------------------------------------------------------------------------------
def lower(text: str) -> str:
    """The text in lower case character for character, so that its offsets are the text's."""
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


def has_error_word(low: str) -> bool:
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


def _inside_quotes(text: str, at: int) -> bool:
    """Whether position at lies inside a double-quoted stretch of the line (quoted text)."""
    count, i = 0, text.find('"', 0, at)
    while i >= 0:
        if i == 0 or text[i - 1] != "\\":
            count += 1
        i = text.find('"', i + 1, at)
    return count % 2 == 1


# Message bodies in a text line: key=value, key: value, "key": "value"; the key found by its last
# word, its value running to the closing quote or, unquoted, to the next '&' or the end of the line.
_BODY_WORDS = ("body", "text", "content", "html", "subject", "comment", "note", "caption", "transcript",
               "speechresult")
_BODY_VALUE = re.compile(r"[\"']?+[ \t]*+[:=][ \t]*+(?:\"(?:[^\"\\\n]|\\.)*+\"?+|'(?:[^'\\\n]|\\.)*+'?+|[^&\r\n]*+)")
_KEY_CHAR = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-")


def mask_bodies(line: str, low: str) -> str:
    """The line with the value of every message-text field blanked out (same length)."""
    spans = []
    for word in _BODY_WORDS:
        at = low.find(word)
        while at >= 0:
            start, end = at, at + len(word)
            while start and low[start - 1] in _KEY_CHAR:
                start -= 1
            while end < len(low) and low[end] in _KEY_CHAR:
                end += 1
            if is_body_key(norm_key(low[start:end])):
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


Hit = tuple[int, int, int, str, bool]  # start, end, code, kind, known


def _key_kind(line: str, start: int, match: re.Match[str]) -> str:
    """form-field for `ErrorCode=30007` between '&'s or alone; log-line for key=value in a log."""
    before = line[start - 1] if start else ""
    matched = line[start:match.end()]
    end = match.end()
    after = line[end] if end < len(line) else ""
    if "=" in matched and ":" not in matched and " " not in matched and after in ("", "&", " ", "\t", "\r"):
        if before in ("", "&", "?") or (before in (" ", "\t") and "&" in line):
            return "form-field"
    return "log-line"


class Rules:
    """The rules bound to one catalog's data: which codes it knows and its workflow labels."""

    def __init__(self, known: Iterable[int], aliases: Mapping[str, int]) -> None:
        self.known = frozenset(known)
        labels = sorted((label for label in aliases if label.strip()), key=lambda label: (-len(label), label))
        self.label_codes = {label: aliases[label] for label in labels}
        parts = []
        for label in labels:
            words = label.split()
            head = r"(?<![a-z0-9])" if label[:1].isalnum() else ""
            tail = r"(?![a-z0-9])" if label[-1:].isalnum() else ""
            parts.append(head + r"\s++".join(re.escape(word) for word in words) + tail)
        # The longest label wins where two overlap: alternatives are tried longest first.
        self.label_pattern = re.compile("|".join(f"({part})" for part in parts)) if parts else None
        # A word of each label, to find the lines that may hold one (see label_trigger).
        trigger_words = sorted({max(label.split(), key=len) for label in labels}, key=len, reverse=True)
        self.label_trigger = re.compile("|".join(re.escape(word) for word in trigger_words)) if trigger_words else None
        self.label_trigger_bytes = (re.compile(b"|".join(re.escape(word.encode()) for word in trigger_words))
                                    if trigger_words else None)

    def may_hold_label(self, low: str) -> bool:
        return self.label_trigger is not None and self.label_trigger.search(low) is not None

    # --- one text ---------------------------------------------------------------------------------
    def hits(self, text: str, include_unknown: bool, numeric: bool = True, labels: bool = True,
             strict: bool = False) -> list[Hit]:
        """Every code the rules find in one line (or one string value), in order of appearance.

        ``strict`` (a piece of a JSON line too long to parse) keeps only the explicit-key rules: the
        word rules could be reading a message body whose quotes lie outside the piece."""
        low = lower(text)
        masked = mask_bodies(text, low)
        if masked is not text:
            low = lower(masked)
        hits: list[Hit] = []
        if numeric:
            self._numeric_hits(masked, low, include_unknown, strict, hits)
        if labels and not strict:
            self._label_hits(masked, low, hits)
        if len(hits) > 1:
            hits.sort()
        return hits

    def _numeric_hits(self, masked: str, low: str, include_unknown: bool, strict: bool, hits: list[Hit]) -> None:
        anchors = []
        for word in ("err", "code"):
            at = low.find(word)
            while at >= 0:
                anchors.append(at)
                at = low.find(word, at + len(word))
        if not anchors:
            return
        anchors.sort()
        consumed = 0
        error_line: bool | None = None
        known = self.known
        for at in anchors:
            if at < consumed:
                continue
            if low.startswith("code", at):
                if strict:
                    continue
                start = at - 1 if at and masked[at - 1] in "\"'" else at
                match = _CODE_AT.match(masked, at)
                if match is None:
                    continue
                code = int(match.group(1))
                if code not in known:
                    continue
                if error_line is None:
                    error_line = has_error_word(low)
                if not error_line or _word_before(low, start) in OTHER_CODES \
                        or _inside_quotes(masked, match.start(1)):
                    continue
                hits.append((start, match.end(), code, "json-field" if start != at else "log-line", True))
                consumed = match.end()
                continue
            if at >= 6 and low.startswith("errors/", at):
                url_start = low.rfind("/docs/", max(0, at - 10), at + 1)
                match = _URL_AT.match(masked, url_start) if url_start >= 0 else None
                if match is not None:
                    code = int(match.group(1))
                    is_known = code in known
                    if is_known or include_unknown:
                        hits.append((url_start, match.end(), code, "more-info-url", is_known))
                    consumed = match.end()
                    continue
            match = _KEY_AT.match(masked, at) if _starts_word(masked, at) else None
            if match is not None:
                code = int(match.group(1))
                is_known = code in known
                if is_known or include_unknown:
                    quoted = at > 0 and masked[at - 1] in "\"'"
                    start = at - 1 if quoted else at
                    hits.append((start, match.end(), code, "json-field" if quoted else _key_kind(masked, start, match),
                                 is_known))
                consumed = match.end()
                continue
            if strict:
                continue
            match = _WORD_AT.match(masked, at)
            if match is not None:
                code = int(match.group(1))
                # never unknown, never three digits: "Error 404" is HTTP, not a code
                if code in known and code >= 1000:
                    hits.append((at, match.end(), code, "log-line", True))
                consumed = match.end()

    def _label_hits(self, text: str, low: str, hits: list[Hit]) -> None:
        pattern = self.label_pattern
        if pattern is None or not self.may_hold_label(low):
            return
        if text.isascii():
            folded, where = low, None
        else:
            folded, where = _fold_with_offsets(text)
        for match in pattern.finditer(folded):
            label = _LABEL_SPACES.sub(" ", match.group(0))
            code = self.label_codes.get(label)
            if code is None:
                continue
            start, end = match.span()
            if where is not None:
                start, end = where[start], where[end - 1] + 1
            hits.append((start, end, code, "workflow-label", True))


_LABEL_SPACES = re.compile(r"\s+")


def _fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """The text as the alias index compares names (NFKC, case folded, invisible characters dropped),
    character by character, with the offset in text of each character of the result."""
    out: list[str] = []
    where: list[int] = []
    for i, char in enumerate(text):
        if char.isascii():
            folded = char.lower()
        else:
            if unicodedata.category(char) == "Cf":
                continue
            folded = unicodedata.normalize("NFKC", char).casefold()
        out.append(folded)
        where.extend([i] * len(folded))
    return "".join(out), where


def code_in_range(value: int) -> bool:
    """Whether an integer value could be a code (checked before it is ever turned into text)."""
    return is_code(value)
