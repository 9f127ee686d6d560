"""The detection rules: where a number in a text is an error code, and which object keys hold one.

A number counts only where its context makes it an error code:

* an error-code key: ``ErrorCode=30007``, ``"error_code": "21614"``, ``errorCode: 30003``,
  ``Error Code: 30007``, ``err_code=30003`` (form fields, JSON fields, key=value log fields);
* an error word directly before it: ``Error 30007``, ``ERROR: 21610``, ``err 30003``, ``Error #30007``,
  ``Error-30007``;
* a ``code`` key or the word *code* directly before it, on a line that also holds an error word
  (error, failed, undelivered, rejected, ...), outside quoted text, unless a qualifier says it is
  another kind of code (zip, postal, verification, order, status, ...);
* an error page URL of the upstream provider's documentation: ``.../docs/errors/21610``;
* a workflow label (an alias of the code, such as "Carrier Violation"), compared after the same
  normalisation the catalog's alias index uses (:func:`errdict._names.normalize`: NFKC, case
  folded, invisible characters dropped, any run of white space one space).

Near misses never count: a code must stand alone, not be part of a longer number, a decimal, a
date, a time, a range, a signed number or a word (``30007abc``, ``30007ms``, ``-30007``), nor an
amount or a count (``error: 30007 USD``, ``Error 30007 items``); ``errors: 30007`` is a count, not a
code. The word rules (``Error N``, ``code N``) never take a three-digit number (after "error" it is
an HTTP status: ``Error 404``), nor a number another system's context claims: the word before the
anchor names one (``MySQL error 1045``, ``socket error 10061``, ``HTTP error 5030``), or a SQLSTATE
follows it (``ERROR 1045 (28000)``).

The value of a message-text field (``Body``, ``text``, ``lastMessageBody``, ``ButtonText``,
``SpeechResult``, ``subject``, ``html``, ``comment``, ``notes``, ...) is blanked before any rule runs:
what people type is never a code. A line that reports message traffic (delivered, received,
inbound, replied, ...) and names no error outside its quotes quotes the message: what its quotes
hold is not counted either.

A number the catalog does not hold (reported only with ``include_unknown``) counts only in an
upstream code context: under a key that spells out "error code" (``ErrorCode``, ``error_code``,
``Error Code``, ``lastErrorCode``, ...) on a line that names no other system's errors (``errno``,
``SQLSTATE``, ``MySQL``, ``ORA-``, ``HTTP/1.1``, ...), or in an upstream error page URL. Never after
the mere word "error", never under ``err_code``/``error_number`` (OS and database error numbers).

Every pattern here runs in time linear in the text: each rule is tried only where its anchor word
occurs, every quantifier that could give characters back is possessive, and the Python loops
around them move forward only (quotes are counted once per text, not once per anchor).
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Mapping

from ._codes import CODE_DIGITS, is_code
from ._names import normalize


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- the number ------------------------------------------------------------------------------------
# What may follow a number that makes it an amount, a duration, a size or a count, not a code
# (checked after a rule matched, by amount_follows(): a set is quicker than a pattern of them all).
UNIT_WORDS = _words(
    "usd eur gbp cad aud inr jpy chf mxn brl dollar dollars cent cents euro euros credit credits ms msec "
    "msecs millis millisecond milliseconds sec secs second seconds min mins minute minutes hr hrs hour "
    "hours day days byte bytes kb kib mb mib gb gib percent pct items rows records times users contacts "
    "attempts retries requests segments points units pieces pcs entries")
_MAY_START_AMOUNT = frozenset(" \t(%$\u20ac\u00a3\u00a5\u20b9\u00a2")
_AFTER_NUMBER = re.compile(r"[ \t]*+\(?+([A-Za-z]++(?![=:_])|[%$\u20ac\u00a3\u00a5\u20b9\u00a2])")  # a key= is no unit
# A code: 3 to 6 digits, not part of a longer number, a decimal, a date, a time, a range or a word
# ("30007" yes; "300.10", "2024-05-01", "12:30", "415-555", "30007abc", "30007ms" no); and not an
# amount ("30007 USD", "30007 (USD)", "30007 €", "30007 items": see amount_follows).
_NUM_AFTER = r"(?![0-9]|[.,:/\-][0-9]|[A-Za-z_])"


def _num(name: str) -> str:
    """The pattern of a code, its digits in the group of that name."""
    return "(?P<" + name + ">" + CODE_DIGITS + "+)" + _NUM_AFTER


def amount_follows(text: str, end: int) -> bool:
    """Whether a unit, a currency or a count noun follows the number that ends at end."""
    if end >= len(text) or text[end] not in _MAY_START_AMOUNT:
        return False
    match = _AFTER_NUMBER.match(text, end)
    if match is None:
        return False
    word = match.group(1)
    return not word.isalpha() or word.lower() in UNIT_WORDS


_FLAGS = re.ASCII | re.IGNORECASE
# A quote, possibly escaped (a JSON document logged inside a JSON string: \"error_code\": \"30007\").
_Q = r"(?:\\?+[\"'])?+"
# A SQLSTATE right after the number: MySQL's "ERROR 1045 (28000): Access denied".
_NO_SQLSTATE = r"(?![ \t]*+\([0-9A-Z]{5}\))"

# The rules that start at an "err", one pattern tried once at each (named groups: which rule matched,
# and its number):
# * an error page URL of the upstream documentation: .../docs/errors/21610, .../docs/api/errors/21610;
# * an error-code key: ErrorCode=30007, "error_code": "21614", Error Code: 30007, err_code=30003,
#   lastErrorCode=30007 (a word starts there: after a non-letter, or at a camel-case hump; group
#   "explicit": the key spells out "error code", the name the upstream provider uses);
# * an error word directly before the number: Error 30007, ERROR: 21610, err 30003, Error #30007,
#   Error-30007, Error - 30007 (not "Error -30007", a negative number; not "errors: 30007", a count).
_ERR_AT = re.compile(
    r"(?:(?<=/docs/)|(?<=/docs/api/))errors/" + _num("url") +
    r"|(?:(?<![A-Za-z0-9])|(?-i:(?<=[a-z0-9])(?=E)|(?<=[A-Z])(?=E[a-z])))"
    r"(?:(?P<explicit>error[ _.\-]?+code)|err[_\-]?+code|error[_\-]?+num(?:ber)?+)" + _Q +
    r"[ \t]*+(?:(?:[:=#]|\bis\b)[ \t]*+)?+" + _Q + r"[ \t]*+" + _num("key") +
    r"|(?<![A-Za-z0-9])err(?:or)?+(?![A-Za-z0-9])[ \t]*+(?:[:=][ \t]*+|-[ \t]++|(?<![ \t])-)?+(?:\#[ \t]*+)?+" +
    _num("word") + _NO_SQLSTATE, _FLAGS)
# "code" (a key or the word) directly before the number; counts only on a line with an error word.
_CODE_AT = re.compile(r"(?<![A-Za-z0-9_\-])code" + _Q + r"[ \t]*+(?:(?:[:=#]|\bis\b)[ \t]*+)?+" + _Q +
                      r"[ \t]*+" + _num("code") + _NO_SQLSTATE, _FLAGS)
# Error words that make "code 30007" an error code, each tried where its start occurs in the line.
_ERROR_WORD_STARTS = ("err", "fail", "undeliver", "reject", "exception", "more_info", "warn", "invalid",
                      "blocked", "denied")
_ERROR_WORD = re.compile(r"(?<![a-z])(?:errors?+|err|fail(?:ed|ure|ures|s)?+|undelivered|undeliverable|"
                         r"rejected|exception|more_info|warn(?:ing)?+|invalid|blocked|denied)(?![a-z])")
# Words that make a following "code" some other kind of code.
OTHER_CODES = _words(
    "zip postal post area country dial verification verify otp one-time onetime passcode pin promo "
    "promotion discount coupon voucher gift access auth authorization confirmation order tracking "
    "reference ref booking reservation invite invitation referral product item sku login security 2fa mfa "
    "short status http response exit return sip reason qr bar barcode source activation redeem redemption")
# Words that make a following "error" (or "code") another system's: an OS, a database, a protocol.
FOREIGN_SYSTEMS = _words(
    "mysql mariadb sql sqlite sqlite3 postgres postgresql pg psql pgsql ora oracle db database db2 mssql "
    "odbc jdbc mongo mongodb redis os system sys socket sockets winsock win win32 windows winhttp wininet "
    "http https curl ssl tls smtp imap pop3 ldap dns ftp ssh kernel exit npm git errno posix")
_FOREIGN_SUFFIXES = frozenset(word[-2:] for word in FOREIGN_SYSTEMS)
_NOT_ERROR_CODES = OTHER_CODES | FOREIGN_SYSTEMS
_NOT_ERROR_SUFFIXES = frozenset(word[-2:] for word in _NOT_ERROR_CODES)
# A line that names another system's error numbers: no number on it is an unknown upstream code.
_FOREIGN_LINE = re.compile(r"sqlstate|errno|winerror|wsae[a-z]|mysql|mariadb|postgres|psql|sqlite|oracle|"
                           r"(?<![a-z])ora-[0-9]|odbc|jdbc|mssql|http/[0-9]|econn[a-z]|etimedout|enoent|eacces")
# Words of a line that reports message traffic, whose quotes then hold the message's text.
_TRAFFIC_WORD = re.compile(r"(?<![a-z])(?:deliver(?:ed|y)|receiv(?:ed|e)|inbound|incoming|sent|repl(?:y|ied)|"
                           r"says|said|wrote|texted|quoted)(?![a-z])")
# --- object keys -----------------------------------------------------------------------------------
_KEY_CHARS = re.compile(r"[^0-9a-z]+")
# Keys whose value is an error code (compared by their letters and digits only).
CODE_KEYS = frozenset({"errorcode", "errcode", "errorcodes", "errornumber", "errornum", "error", "err",
                       "smserrorcode", "lasterrorcode", "twilioerrorcode", "deliveryerrorcode", "errorcodeid"})
# Of those, the ones that spell out the upstream provider's "error code": only these report a code
# the catalog lacks. A bare "error": 404 is an HTTP status; err_code, error_number and errno are as
# often an OS's or a database's numbers.
EXPLICIT_CODE_KEYS = frozenset({"errorcode", "errorcodes", "smserrorcode", "lasterrorcode", "twilioerrorcode",
                                "deliveryerrorcode"})
# Keys whose three-digit value is an HTTP status, never a code ("error": 404, {"code": 403} of an
# error object); a code of four digits or more under them counts.
GENERIC_CODE_KEYS = frozenset({"error", "err", "code"})
# Message text: what people write (bodies, subjects, notes, speech, button labels, replies).
_BODY_KEYS = frozenset({
    "body", "text", "content", "html", "subject", "comment", "comments", "note", "notes", "caption",
    "transcript", "transcription", "speechresult", "unstablespeechresult", "buttontext", "buttonpayload",
    "digits", "snippet", "preview", "reply", "replies", "question", "answer", "utterance", "listtitle",
    "listdescription", "messagebody", "smsbody", "msgbody", "mediabody", "bodytext", "messagetext", "smstext",
    "messagecontent", "smscontent", "lastmessagebody", "lastmessage", "plaintext", "htmlbody", "textbody",
    "emailbody", "emailsubject", "altbody", "alttext"})
# The last word of a key that makes it message text: lastMessageBody, message_text, ButtonText, SMSBody.
_BODY_LAST_WORDS = frozenset({"body", "text", "content", "html", "subject", "comment", "comments", "note", "notes",
                              "caption", "transcript", "transcription", "snippet", "preview", "reply"})
MESSAGE_KEYS = frozenset({"message", "msg", "sms"})  # message text unless they sit in an error object
# An object is an error object (its "code" is an error code, its "message" an error message) when it
# sits below an error key, holds one of these keys, has a "status" that says it failed, or is a log
# record whose level is an error or a warning.
ERROR_MARKERS = frozenset({"moreinfo", "errormessage", "errortype", "errorcode", "errcode", "errors", "error",
                           "exception"})
FAILED_STATUSES = frozenset({"failed", "undelivered", "error", "rejected", "canceled", "busy", "no-answer"})
LEVEL_KEYS = frozenset({"level", "loglevel", "severity", "levelname"})
ERROR_LEVELS = frozenset({"error", "err", "warn", "warning", "fatal", "critical", "crit", "alert", "emerg",
                          "emergency", "severe"})
ERROR_PARENTS = frozenset({"error", "errors", "err", "lasterror", "errorinfo", "errordetails", "exception",
                           "failure", "failures", "problem", "problems", "fault"})
LEADING_NUMBER = re.compile(r"[ \t]*+[\"']?+[ \t]*+" + _num("number"), _FLAGS)

_KEY_CACHE: dict[str, str] = {}
_BODY_CACHE: dict[str, bool] = {}
_CACHE_SIZE = 4096  # bounded: keys repeat, values do not
_WORDS_OF_KEY = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def norm_key(key: object) -> str:
    """A key compared by its letters and digits only: ErrorCode, error_code, error-code -> errorcode.
    A key that is not a string (an int, a tuple) names nothing: ""."""
    if not isinstance(key, str):
        return ""
    found = _KEY_CACHE.get(key)
    if found is None:
        found = _KEY_CHARS.sub("", key.casefold())
        if len(_KEY_CACHE) < _CACHE_SIZE and len(key) <= 64:
            _KEY_CACHE[key] = found
    return found


_INFO_CACHE: dict[str, tuple[str, bool]] = {}
KEY_INFO_CACHE = _INFO_CACHE  # what key_info() has seen: the walk looks here first


def key_info(key: object) -> tuple[str, bool]:
    """(norm_key(key), is_body_key(key)) in one look-up: what the walk asks of every key."""
    if type(key) is str:
        found = _INFO_CACHE.get(key)
        if found is not None:
            return found
        found = (norm_key(key), is_body_key(key))
        if len(_INFO_CACHE) < _CACHE_SIZE and len(key) <= 64:
            _INFO_CACHE[key] = found
        return found
    return (norm_key(key), is_body_key(key)) if isinstance(key, str) else ("", False)


def is_body_key(key: object) -> bool:
    """Whether a key (as written) holds message text: body, Body, lastMessageBody, ButtonText,
    SpeechResult, message_text, ... (not "context", "ErrorText" or "textColor")."""
    if not isinstance(key, str):
        return False
    found = _BODY_CACHE.get(key)
    if found is None:
        found = _is_body_key(key)
        if len(_BODY_CACHE) < _CACHE_SIZE and len(key) <= 64:
            _BODY_CACHE[key] = found
    return found


def _is_body_key(key: str) -> bool:
    if len(key) > 64:
        return False
    normal = norm_key(key)
    if normal in _BODY_KEYS:
        return True
    if "err" in normal or "code" in normal:
        return False
    words = _WORDS_OF_KEY.findall(key)
    return len(words) > 1 and words[-1].lower() in _BODY_LAST_WORDS


# --- text ------------------------------------------------------------------------------------------
def lower(text: str) -> str:
    """The text in lower case character for character, so that its offsets are the text's."""
    low = text.lower()
    return low if len(low) == len(text) else "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)


def has_error_word(low: str) -> bool:
    """Whether a lowered line holds an error word (as a whole word: not the "err" of "Terry")."""
    for start in _ERROR_WORD_STARTS:
        at = low.find(start)
        while at >= 0:
            if _ERROR_WORD.match(low, at):
                return True
            at = low.find(start, at + 1)
    return False


_SEPARATORS = " \t_-\"':[](){}/\\|.,"


def word_before_in(low: str, end: int, words: frozenset[str], tails: frozenset[str]) -> bool:
    """Whether the word just before position end (separators skipped: "zip_code", "MySQL: error") is one
    of words (tails: their last two characters, for a quick look first)."""
    i = end
    while i and low[i - 1] in _SEPARATORS and end - i < 8:
        i -= 1
    if i < 2 or low[i - 2:i] not in tails:
        return False
    start = i
    while start and end - start < 40 and low[start - 1].isascii() and low[start - 1].isalnum():
        start -= 1
    return low[start:i] in words


# Message-text keys in a text line: key=value, key: value, "key": "value"; the value runs to the
# closing quote or, unquoted, to the next '&' or the end of the line.
# Words a message-text key holds (the key is then read whole: lastMessageBody, ButtonText).
_BODY_WORDS = ("body", "text", "content", "html", "subject", "comment", "note", "caption", "transcript", "speech",
               "digits", "snippet", "preview", "repl", "question", "answer", "utterance", "payload", "list")
_BODY_VALUE = re.compile(r"(?:\\?+[\"'])?+[ \t]*+[:=][ \t]*+(?:\"(?:[^\"\\\n]|\\.)*+\"?+|'(?:[^'\\\n]|\\.)*+'?+|"
                         r"\\\"(?:[^\\\n]|\\[^\"\n])*+(?:\\\")?+|[^&\r\n]*+)")
_KEY_RUN = re.compile(r"[A-Za-z0-9_\-]*+")


_MASK = "\x00"  # what a message text is replaced with: no rule reads across it, or takes it as space


def mask_bodies(line: str, low: str) -> str:
    """The line with the value of every message-text field (and its key) blanked out, the same
    length. The blank is a NUL, which no rule matches or reads across: so masking can only take a
    finding away, never make one (the rules run on the line first, and again masked only when they
    found something and the line holds message text)."""
    if "=" not in low and ":" not in low:
        return line  # no key=value, no key: value
    found = [word for word in _BODY_WORDS if word in low]  # quick: most lines hold none of them
    if not found:
        return line
    starts = []
    for word in found:
        at = low.find(word)
        while at >= 0:
            starts.append((at, at + len(word)))
            at = low.find(word, at + len(word))
    starts.sort()
    spans = []
    position = 0
    for at, word_end in starts:
        if at < position:
            continue
        # the key around the word: letters, digits, '_' and '-' (backwards no further than the last
        # key or value looked at, so that the loop is linear)
        start = at
        while start > position and line[start - 1] in _KEY_CHARSET:
            start -= 1
        end = _KEY_RUN.match(line, word_end).end()  # type: ignore[union-attr]
        position = end
        if is_body_key(line[start:end]):
            value = _BODY_VALUE.match(line, end)
            if value:
                spans.append((start, value.end()))
                position = value.end()
    if not spans:
        return line
    parts, position = [], 0
    for start, end in spans:
        parts.append(line[position:start])
        parts.append(_MASK * (end - start))
        position = end
    parts.append(line[position:])
    return "".join(parts)


# How every message-text key ends, lowered (lastMessageBody, ButtonText, SpeechResult, ...).
_BODY_KEY_ENDINGS = ("body", "text", "content", "html", "subject", "comment", "comments", "note", "notes", "caption",
                     "transcript", "transcription", "speechresult", "digits", "snippet", "preview", "reply",
                     "replies", "question", "answer", "utterance", "payload", "title", "description",
                     "lastmessage")
_SHORTEST_ENDING = min(len(ending) for ending in _BODY_KEY_ENDINGS)
# A separator (= or :) right after such an ending, possibly after white space and a quote (escaped or not):
# `Body=`, `"text": `, `\"body\":`, `notes :`. Matched in the reversed text, so that the regex engine skips
# from separator to separator (the only places a key can end) and reads back from each: what follows a
# separator there is its white space, its quote, then the key's ending, backwards.
_BODY_KEY_BEFORE_SEPARATOR = re.compile(
    r"[=:][ \t]*+(?:[\"']\\?+)?+(?:" +
    "|".join(re.escape(ending[::-1]) for ending in sorted(_BODY_KEY_ENDINGS, key=lambda e: (-len(e), e))) + ")")


def _may_be_in_body(low: str, hits: list[Hit]) -> bool:
    """A quick look: whether a message-text key may come before a hit, in a value that reaches it.
    An unquoted value ends at the next '&', so in a line without quotes only the text since the last
    '&' before a hit can hold its key; a "code" hit needs the whole line (an error word inside a
    message text must not count for it). A key is followed by its separator (= or :), so a line
    without one holds none."""
    if "=" not in low and ":" not in low:
        return False
    backwards = low[::-1]
    if '"' in low or "'" in low:
        return _body_key_between(backwards, 0, len(low))
    for hit in hits:
        start = hit[0]
        if low.startswith("code", start) or low.startswith("code", start + 1):
            return _body_key_between(backwards, 0, len(low))
    for hit in hits:
        start = hit[0]
        begin = low.rfind("&", 0, start) + 1
        if start - begin > _SHORTEST_ENDING and _body_key_between(backwards, begin, start):
            return True
    return False


def _body_key_between(backwards: str, begin: int, end: int) -> bool:
    """Whether a separator between begin and end of a text follows a word a message-text key ends with
    (the key within begin..end too). ``backwards``: the text reversed, positions those of the text."""
    length = len(backwards)
    return _BODY_KEY_BEFORE_SEPARATOR.search(backwards, length - end, length - begin) is not None


_KEY_CHARSET = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """The quoted stretches of a text, in order: "..." (a quote escaped with a backslash does not
    close one) and '...' whose quotes are not apostrophes (not between letters). One pass forward."""
    spans: list[tuple[int, int]] = []
    at, length = 0, len(text)
    while True:
        double, single = text.find('"', at), text.find("'", at)
        while single >= 0 and single and text[single - 1].isalnum():  # an apostrophe: don't, it's
            single = text.find("'", single + 1)
        if double < 0 and single < 0:
            return spans
        if double >= 0 and (single < 0 or double < single):
            end = text.find('"', double + 1)
            while end >= 0 and _escaped(text, end):
                end = text.find('"', end + 1)
        else:
            double = single
            end = text.find("'", single + 1)
            while end >= 0 and end + 1 < length and text[end + 1].isalnum():
                end = text.find("'", end + 1)
        if end < 0:
            return spans
        spans.append((double, end + 1))
        at = end + 1


def _escaped(text: str, at: int) -> bool:
    """Whether the character at `at` follows an odd number of backslashes."""
    count = 0
    while at > count and text[at - count - 1] == "\\":
        count += 1
    return count % 2 == 1


_TRAFFIC_WORDS = ("deliver", "receiv", "inbound", "incoming", "sent", "repl", "says", "said", "wrote", "texted",
                  "quoted")


def _may_be_quoted(text: str, hits: list[Hit]) -> bool:
    """A quick look: whether a hit could lie inside quotes (a quote before it and one after it)."""
    for quote in ('"', "'"):
        first = text.find(quote)
        if first >= 0 and any(first <= start and text.find(quote, end) >= 0 for start, end, _, _, _ in hits):
            return True
    return False


def _quoted_message_spans(masked: str, low: str) -> list[tuple[int, int]]:
    """The quoted stretches of a line that quote a message's text: the line reports message traffic
    and names no error outside its quotes. Empty when the line is not such a line."""
    if not any(word in low for word in _TRAFFIC_WORDS):
        return []
    spans = quoted_spans(masked)
    if not spans:
        return []
    outside, position = [], 0
    for start, end in spans:
        outside.append(low[position:start])
        position = end
    outside.append(low[position:])
    rest = " ".join(outside)
    if _TRAFFIC_WORD.search(rest) is None or has_error_word(rest):
        return []
    return spans


Hit = tuple[int, int, int, str, bool]  # start, end, code, kind, known


def _key_kind(line: str, start: int, match: re.Match[str]) -> str:
    """form-field for `ErrorCode=30007` between '&'s or alone; log-line for key=value in a log."""
    before = line[start - 1] if start else ""
    matched = line[start:match.end()]
    end = match.end()
    after = line[end] if end < len(line) else ""
    if "=" in matched and ":" not in matched and " " not in matched and after in ("", "&", " ", "\t", "\r") \
            and (before in ("", "&", "?") or (before in (" ", "\t") and "&" in line)):
        return "form-field"
    return "log-line"


# Words too common in logs to tell that a line may hold a label (see _trigger_groups).
_COMMON_WORDS = _words(
    "message messages messaging number numbers account phone sms mms the not from this for with and are "
    "has have does your user send sent valid status service error failed invalid")


class Rules:
    """The rules bound to one catalog's data: which codes it knows and its workflow labels.

    ``aliases`` maps each label to its code; a label is normalised again here
    (:func:`errdict._names.normalize`), and one with no letter in it (empty, only spaces or
    punctuation, a bare number) is never matched, so a damaged alias index cannot make every line
    a finding, nor make a scan raise."""

    def __init__(self, known: Iterable[int], aliases: Mapping[str, int]) -> None:
        self.known = frozenset(known)
        label_codes: dict[str, int] = {}
        for raw, code in aliases.items():
            label = normalize(raw) if isinstance(raw, str) else ""
            if any(char.isalpha() for char in label) and type(code) is int:
                label_codes.setdefault(label, code)
        labels = sorted(label_codes, key=lambda label: (-len(label), label))
        self.label_codes = {label: label_codes[label] for label in labels}
        parts = []
        for label in labels:
            head = r"(?<!\w)" if label[:1].isalnum() else ""
            tail = r"(?!\w)" if label[-1:].isalnum() else ""
            parts.append(head + r"\s++".join(re.escape(word) for word in label.split()) + tail)
        # The longest label wins where two start at one place: alternatives are tried longest first.
        self.label_pattern = re.compile("|".join(parts)) if parts else None
        # Where a label can start: at its first word (the pattern is tried there only).
        self.label_first_words = tuple(sorted({label.split()[0] for label in labels}))
        # Uncommon words such that every label holds one: a line holds a label only if it holds one of
        # them. The stream looks for them in a few passes over a block (label_triggers_bytes), one per
        # group of words sharing their first two letters, which the regex engine skips to quickly.
        groups = _trigger_groups(labels)
        words = sorted({word for group in groups for word in group}, key=lambda word: (-len(word), word))
        # The same words in one pattern, for a text already folded (one search: quicker than a search per word).
        self._label_word_search = re.compile("|".join(re.escape(word) for word in words) or "(?!)").search
        self.label_triggers_bytes = tuple(
            re.compile(b"|".join(re.escape(word.encode()) for word in sorted(group, key=lambda w: (-len(w), w))))
            for group in groups if all(word.isascii() for word in group))

    def may_hit(self, text: str, numeric: bool = True, labels: bool = True) -> bool:
        """A quick look: whether any rule could find something in text (hits() may still find nothing).
        ``numeric``/``labels`` False: the line the text came from holds no anchor of those rules."""
        if not text.isascii():
            return True  # hits() folds it first
        low = text.lower()
        return (numeric and ("err" in low or "code" in low)) or (labels and self.may_hold_label(low))

    def may_hold_label(self, folded: str) -> bool:
        """Whether a folded text holds a word every label has one of (substring searches: quick)."""
        return self._label_word_search(folded) is not None

    # --- one text ---------------------------------------------------------------------------------
    def hits(self, text: str, include_unknown: bool, numeric: bool = True, labels: bool = True,
             strict: bool = False, label_trigger: bool = False) -> list[Hit]:
        """Every code the rules find in one line (or one string value), in order of appearance.

        ``strict`` (a piece of a JSON line too long to parse) keeps only the explicit-key and URL
        rules: the word rules could be reading a message body whose quotes lie outside the piece.
        ``label_trigger``: the caller saw a word of a label in this (ASCII) text already."""
        low = text.lower()
        if len(low) != len(text):
            low = lower(text)
        numeric = numeric and ("err" in low or "code" in low)
        folded: tuple[str, list[int] | None] | None = None
        if labels and not strict and self.label_pattern is not None:
            folded = fold(text, low)
            labels = (label_trigger and folded[1] is None) or self.may_hold_label(folded[0])
        else:
            labels = False
        if not numeric and not labels:
            return []  # no anchor of any rule: nothing to mask, nothing to find
        hits: list[Hit] = []
        if numeric:
            self._numeric_hits(text, low, include_unknown, strict, hits)
        if labels:
            self._label_hits(text, low, hits, folded)
        if not hits:
            return hits  # masking message text can only take findings away (see mask_bodies)
        masked = mask_bodies(text, low) if _may_be_in_body(low, hits) else text
        if masked is not text:  # read again without the message texts
            low = lower(masked)
            hits = []
            if numeric:
                self._numeric_hits(masked, low, include_unknown, strict, hits)
            if labels:
                self._label_hits(masked, low, hits)
            if not hits:
                return hits
        if len(hits) > 1:
            hits.sort()
        if not strict and ('"' in masked or "'" in masked) and _may_be_quoted(masked, hits):
            quoted = _quoted_message_spans(masked, low)
            if quoted:
                hits = [hit for hit in hits  # (a key's hit starts at its opening quote: look inside it)
                        if not _within(quoted, hit[0] + (masked[hit[0]] in "\"'"), hit[1])]
        return hits

    def _numeric_hits(self, masked: str, low: str, include_unknown: bool, strict: bool, hits: list[Hit]) -> None:
        err, code_at = low.find("err"), low.find("code")
        if code_at < 0:
            if err < 0:
                return
            anchors = [err]
            err = low.find("err", err + 3)
            while err >= 0:
                anchors.append(err)
                err = low.find("err", err + 3)
        else:
            anchors = []
            while err >= 0:
                anchors.append(err)
                err = low.find("err", err + 3)
            while code_at >= 0:
                anchors.append(code_at)
                code_at = low.find("code", code_at + 4)
            anchors.sort()
        consumed = 0
        error_line: bool | None = None
        quotes: list[tuple[int, int]] | None = None
        known = self.known
        for at in anchors:
            if at < consumed:
                continue
            if low[at] == "c":
                if strict:
                    continue
                match = _CODE_AT.match(masked, at)
                if match is None:
                    continue
                consumed = match.end()
                code = int(match.group("code"))
                if code not in known or code < 1000 or amount_follows(masked, consumed):
                    continue
                if error_line is None:
                    error_line = has_error_word(low)
                if not error_line:
                    continue
                start = at - 1 if at and masked[at - 1] in "\"'" else at
                if word_before_in(low, start, _NOT_ERROR_CODES, _NOT_ERROR_SUFFIXES):
                    continue
                if quotes is None:
                    quotes = quoted_spans(masked)
                if _inside(quotes, match.start("code")):
                    continue
                hits.append((start, match.end(), code, "json-field" if start != at else "log-line", True))
                continue
            match = _ERR_AT.match(masked, at)
            if match is None:
                continue
            consumed = match.end()
            rule = match.lastgroup
            code = int(match.group(rule))  # type: ignore[arg-type]
            is_known = code in known
            if rule == "key":
                if not is_known and not (include_unknown and match.group("explicit")):
                    continue
                if amount_follows(masked, consumed) or word_before_in(low, at, FOREIGN_SYSTEMS, _FOREIGN_SUFFIXES) \
                        or (not is_known and _FOREIGN_LINE.search(low)):
                    continue
                quoted = at > 0 and masked[at - 1] in "\"'"
                start = at - 1 if quoted else at
                hits.append((start, match.end(), code, "json-field" if quoted else _key_kind(masked, start, match),
                             is_known))
            elif rule == "word":
                # never unknown, never three digits: "Error 404" is HTTP, not a code
                if not strict and is_known and code >= 1000 and not amount_follows(masked, consumed) and \
                        not word_before_in(low, at, FOREIGN_SYSTEMS, _FOREIGN_SUFFIXES):
                    hits.append((at, match.end(), code, "log-line", True))
            elif is_known or include_unknown:
                url_start = at - 10 if low.startswith("/docs/api/", at - 10) else at - 6
                hits.append((url_start, match.end(), code, "more-info-url", is_known))

    def _label_hits(self, text: str, low: str, hits: list[Hit],
                    folded_text: tuple[str, list[int] | None] | None = None) -> None:
        pattern = self.label_pattern
        if pattern is None:
            return
        folded, where = folded_text if folded_text is not None else fold(text, low)
        if folded_text is None and not self.may_hold_label(folded):
            return
        label_codes = self.label_codes
        starts: set[int] = set()
        for word in self.label_first_words:  # where a label may start: quicker than trying everywhere
            at = folded.find(word)
            while at >= 0:
                starts.add(at)
                at = folded.find(word, at + 1)
        position = 0
        for at in sorted(starts):
            if at < position:
                continue
            match = pattern.match(folded, at)
            if match is None:
                continue
            position = match.end()
            label = match.group(0)
            code = label_codes.get(label)
            if code is None:
                code = label_codes.get(" ".join(label.split()))
                if code is None:
                    continue
            start, end = match.span()
            if where is not None:
                start, end = where[start], where[end - 1] + 1
            hits.append((start, end, code, "workflow-label", True))


def _inside(spans: list[tuple[int, int]], at: int) -> bool:
    """Whether position at lies inside one of the (sorted, disjoint) spans."""
    index = bisect.bisect_right(spans, (at, 1 << 62)) - 1
    return index >= 0 and spans[index][0] < at < spans[index][1]


def _within(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether start..end lies strictly inside one of the (sorted) spans (inside its quotes)."""
    index = bisect.bisect_right(spans, (start, 1 << 62)) - 1
    if index < 0:
        return False
    span_start, span_end = spans[index]
    return span_start < start and end < span_end


# Letters from the most common in logs to the rarest (English text, with the hex digits a-f of IDs pulled
# forward). A pass over a block stops at every occurrence of its prefix's first letter, so among prefixes
# that cover as many labels, the one starting with the rarer letter is the quicker pass ("want", not "enabled").
_FIRST_LETTER_RARITY = {letter: rank for rank, letter in enumerate("eatoinsrcdhlfbumpgwyvkxjqz")}


def _trigger_groups(labels: list[str]) -> list[list[str]]:
    """Long, uncommon words such that every label holds one, in groups sharing their first two
    letters (a label of common or short words only: its longest word). Each group is one pass over a
    block, so the cover keeps the groups few: a label of common words only opens its group first; then,
    greedily, a prefix already searched for is taken before a new one (it costs no pass), and among new
    ones the prefix that covers the most labels, then the one whose first letter is rarer."""
    words_of = {label: {word for word in re.findall(r"\w+", label) if len(word) >= 4 and word not in _COMMON_WORDS}
                for label in labels}
    groups: dict[str, set[str]] = {}
    uncovered = set(labels)
    for label in sorted(labels):
        if not words_of[label]:
            word = max(sorted(re.findall(r"\w+", label)), key=len, default="") or label
            groups.setdefault(word[:2], set()).add(word)
            uncovered.discard(label)
    while uncovered:
        labels_by_prefix: dict[str, set[str]] = {}
        for label in uncovered:
            for word in words_of[label]:
                labels_by_prefix.setdefault(word[:2], set()).add(label)
        prefix = max(sorted(labels_by_prefix),
                     key=lambda p: (p in groups, len(labels_by_prefix[p]), _FIRST_LETTER_RARITY.get(p[0], 0)))
        for label in labels_by_prefix[prefix]:
            groups.setdefault(prefix, set()).add(max(sorted(w for w in words_of[label] if w[:2] == prefix), key=len))
        uncovered -= labels_by_prefix[prefix]
    return [sorted(words) for _, words in sorted(groups.items())]


_INVISIBLE = re.compile(r"[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
                        r"\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U000e0000-\U000e0fff]")


def fold(text: str, low: str | None = None) -> tuple[str, list[int] | None]:
    """The text as the alias index compares names (NFKC, case folded, invisible characters dropped),
    and, when that changed its length or its characters' places, the offset in text of each
    character of the result (None: the offsets are the text's)."""
    if text.isascii():
        return (low if low is not None else text.lower()), None
    if unicodedata.is_normalized("NFKC", text) and _INVISIBLE.search(text) is None:
        folded = text.casefold()
        if len(folded) == len(text) and unicodedata.is_normalized("NFKC", folded):
            return folded, None
    return _fold_with_offsets(text)


def _fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """fold() character by character: each base character with the combining marks that follow it is
    normalised as one, so that a decomposed letter (e + U+0301) folds as the composed one does."""
    out: list[str] = []
    where: list[int] = []
    i, length = 0, len(text)
    while i < length:
        char = text[i]
        j = i + 1
        if char.isascii() and (j == length or text[j].isascii()):
            folded = char.lower()
        else:
            while j < length and unicodedata.combining(text[j]):
                j += 1
            piece = "".join(c for c in text[i:j] if unicodedata.category(c) != "Cf")
            folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", piece).casefold()) if piece else ""
        out.append(folded)
        where.extend([i] * len(folded))
        i = j
    return "".join(out), where


def code_in_range(value: int) -> bool:
    """Whether an integer value could be a code (checked before it is ever turned into text)."""
    return is_code(value)
