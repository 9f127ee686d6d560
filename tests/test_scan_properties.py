"""Properties of errdict.scan: look-alike numbers and near misses never count, a code in an error context
always does, message text never does, a document gives the codes of its object whatever its layout, the
stream's pre-filter never drops what the rules find, the result does not depend on how the stream is
cut into reads, and nothing raises."""
from __future__ import annotations

import io
import json
import urllib.parse

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from test_scan import CATALOG, KNOWN, MESSAGE_KEYS, distinct, find, stream
from thorough import examples

from errdict import _stream
from errdict._lines import LineScanner
from errdict._scan import rules_for
from errdict._stream import split_at_lines

SETTINGS = settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
FULL = [code for code in KNOWN if code >= 1000]  # the word rules never take a three-digit number

phone = st.builds(lambda a, b, c: f"+1{a}{b}{c:04d}", st.integers(201, 989), st.integers(200, 999),
                  st.integers(0, 9999)) | st.builds(lambda a, b, c: f"({a}) {b}-{c:04d}", st.integers(201, 989),
                                                    st.integers(200, 999), st.integers(0, 9999))
timestamp = st.builds(lambda y, mo, d, h, mi, s, ms: f"{y}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}.{ms:03d}Z",
                      st.integers(1990, 2099), st.integers(1, 12), st.integers(1, 28), st.integers(0, 23),
                      st.integers(0, 59), st.integers(0, 59), st.integers(0, 999))
amount = st.builds(lambda whole, cents, cur: f"{cur}{whole}.{cents:02d}", st.integers(0, 999_999),
                   st.integers(0, 99), st.sampled_from(["$", "USD ", "€", ""]))
number = st.sampled_from(KNOWN) | st.integers(100, 999_999)  # also exactly the catalog's codes
zip_code = st.builds(lambda n: f"{n:05d}", st.integers(501, 99950))
look_alike = st.one_of(
    phone, timestamp, amount, zip_code,
    st.builds("order #{}".format, number), st.builds("port {}".format, number),
    st.builds("host=10.0.0.1:{}".format, number), st.builds("Your code is {}".format, number),
    st.builds("zip code {} invalid".format, number), st.builds("verification code {} failed".format, number),
    st.builds("Body=Error+{}".format, number), st.builds("Body=Error {} happened".format, number),
    st.builds('"body": "ERROR: {}"'.format, number), st.builds("invoice INV-{}".format, number),
    st.builds("took {}ms".format, number), st.builds("ERROR: {}.5".format, number),
    st.builds("ERROR {}-{}".format, number, number), st.builds("Error {}0".format, number),
)
# Words that carry no error context of their own.
filler = st.lists(st.sampled_from(["INFO", "sent", "to", "queued", "message", "from", "contact", "at", "the",
                                   "price", "segments=1", "status=delivered", "info:", "-", "|", "user", "id"]),
                  max_size=6).map(" ".join)


@SETTINGS
@given(st.lists(st.tuples(filler, look_alike, filler).map(" ".join), min_size=1, max_size=8))
def test_look_alike_numbers_never_yield_findings(lines):
    text = "\n".join(lines)
    assert find(text) == []
    assert find(text, include_unknown=True) == []


@SETTINGS
@given(st.fixed_dictionaries({"to": phone, "zip": zip_code | number, "amount": amount, "sent_at": timestamp,
                              "code": number, "body": st.builds("Error {}".format, number),
                              "message": st.builds("Your code is {}".format, number)}))
def test_look_alike_numbers_in_a_webhook_object_never_yield_findings(payload):
    assert find(payload) == []
    assert find(json.dumps(payload)) == []
    assert find(json.dumps(payload, indent=2)) == []


ERROR_CONTEXTS = [
    "Error {}", "ERROR: {}", "err {}", "error_code={}", "ErrorCode={}", "errorCode: {}", '"error_code": "{}"',
    "Error Code: {}", "error-code={}", "https://www.twilio.com/docs/errors/{}", "failed with code {}",
    "MessageStatus=undelivered&ErrorCode={}&To=%2B14155550123", "Error #{}", "Error-{}", "lastErrorCode={}",
    "error code is {}", "Error {}: Message filtered", "Payload=%7B%22error_code%22%3A%22{}%22%7D",
]


@SETTINGS
@given(before=st.lists(st.tuples(filler, look_alike, filler).map(" ".join), max_size=5),
       after=st.lists(st.tuples(filler, look_alike, filler).map(" ".join), max_size=5),
       context=st.sampled_from(ERROR_CONTEXTS), code=st.sampled_from(FULL), prefix=filler, suffix=filler)
def test_a_known_code_in_an_error_context_is_always_found(before, after, context, code, prefix, suffix):
    line = f"{prefix} {context.format(code)} {suffix}".strip()
    text = "\n".join([*before, line, *after])
    found = find(text)
    assert [(f.code, f.line) for f in found] == [(code, len(before) + 1)]
    if found[0].path is None:
        assert line[found[0].span[0]:found[0].span[1]] == found[0].text


@SETTINGS
@given(code=st.sampled_from(KNOWN), key=st.sampled_from(["ErrorCode", "error_code", "errorCode", "error-code"]),
       as_text=st.booleans(), depth=st.integers(0, 5), noise=st.dictionaries(
           st.sampled_from(["to", "from", "zip", "amount", "sid", "ts"]), phone | amount | timestamp, max_size=4))
def test_a_known_code_under_an_error_key_is_found_at_any_depth(code, key, as_text, depth, noise):
    payload: dict = {**noise, key: str(code) if as_text else code}
    path = f"/{key}"
    for level in range(depth):
        payload = {"level": level, "data": payload}
        path = "/data" + path
    assert [(f.code, f.path) for f in find(payload)] == [(code, path)]
    assert [(f.code, f.path) for f in find(json.dumps(payload, indent=2))] == [(code, path)]


# --- near misses ------------------------------------------------------------------------------------------
CONTEXTS = ["error: {}", "Error {}", "ERROR: {}", "err {}", "ErrorCode={}", "error_code: {}", "Error #{}",
            "failed with code {}", '"error_code": "{}"']
AFTER = [" USD", " usd", "\tEUR", " (USD)", "€", " €", "$", " dollars", " cents", "ms", " ms", " msec", " seconds",
         " secs", " minutes", " hours", " days", " items", " rows", " records", " times", " bytes", " KB", "kb", " MB",
         "%", " %", " percent", " attempts", " retries", " requests", " segments", ".5", ",5", "-1", "/2", ":30",
         "abc", "_x", "th"]


@SETTINGS
@given(context=st.sampled_from(CONTEXTS), code=st.sampled_from(KNOWN), after=st.sampled_from(AFTER),
       prefix=filler, suffix=filler)
def test_near_misses_never_match(context, code, after, prefix, suffix):
    text = f"{prefix} {context.format(f'{code}{after}')} {suffix}"
    assert find(text) == [] and find(text, include_unknown=True) == []


@SETTINGS
@given(word=st.sampled_from(["error", "Error", "ERROR", "err", "errors", "Errors"]),
       separator=st.sampled_from([": ", " ", "=", ":", " - ", "-", " #", ": #"]), code=st.sampled_from(FULL),
       sign=st.sampled_from(["-", "+", "−"]))
def test_signed_numbers_and_counts_are_not_codes(word, separator, code, sign):
    assert find(f"{word}{separator}{sign}{code}") == []
    if word.lower() == "errors":  # a count
        assert find(f"{word}{separator}{code}") == []


# --- message text ----------------------------------------------------------------------------------------
typed = st.sampled_from(["Error {}", "ERROR: {}", "error_code={}", "ErrorCode={}", "code {} failed",
                         "https://www.twilio.com/docs/errors/{}", "Error Code: {}", "err {} lol"])


@SETTINGS
@given(key=st.sampled_from(MESSAGE_KEYS), template=typed, code=st.sampled_from(FULL),
       form=st.sampled_from(["object", "json", "pretty", "prefixed json", "key=value", "key: quoted", "form",
                             "encoded form"]))
def test_message_text_never_yields_codes(key, template, code, form):
    text = template.format(code)
    payload = {"status": "received", "from": "+14155550123", key: text}
    source = {
        "object": payload, "json": json.dumps(payload), "pretty": json.dumps(payload, indent=2),
        "prefixed json": "2026-12-01T10:00:00Z INFO inbound " + json.dumps(payload),
        "key=value": f"2026-12-01T10:00:00Z INFO inbound from=+14155550123 {key}={text}",
        "key: quoted": f'2026-12-01T10:00:00Z INFO inbound {key}: "{text}" from=+14155550123',
        "form": f"MessageSid=SM1&{key}={urllib.parse.quote_plus(text)}&From=%2B14155550123",
        "encoded form": f"MessageSid=SM1&{key}={urllib.parse.quote(text, safe='')}&From=%2B14155550123",
    }[form]
    assert find(source) == []


# --- documents ----------------------------------------------------------------------------------------------
error_object = st.fixed_dictionaries(
    {"code": st.sampled_from(KNOWN)},
    optional={"message": st.sampled_from(["Error 30007 as well", "failed", "Carrier Violation", "x"]),
              "more_info": st.builds("https://www.twilio.com/docs/errors/{}".format, st.sampled_from(KNOWN)),
              "status": st.sampled_from([400, 404, 500, "failed", "undelivered"])})
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False) | st.text(max_size=30)
    | st.sampled_from(KNOWN) | st.sampled_from(["Error 30007", "Carrier Violation", "ErrorCode=21610", "{", "[",
                                                "}", "a\nb", "Body=Error 30006"]) | error_object,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.text(max_size=8) | st.sampled_from(["code", "error", "ErrorCode", "body", "message", "errors", "status",
                                               "lastMessageBody", "error_code", "data"]),
        children, max_size=4),
    max_leaves=30)


@SETTINGS
@given(json_values)
def test_scan_never_raises_on_nested_objects_and_their_text_gives_their_codes(value):
    if not isinstance(value, (dict, list, str)):
        assert find(value) == []  # a scalar holds no context
        return
    if isinstance(value, str):
        assert find(value) == find(value.encode())  # text: the same as its bytes
        return
    found = find(value)
    assert all(f.known and f.code in KNOWN for f in found)
    expected = distinct(found)
    for text in (json.dumps(value), json.dumps(value, indent=2), "2026 INFO got " + json.dumps(value, indent=1),
                 json.dumps(value, indent=2).replace("\n", "\r\n")):
        assert distinct(find(text)) == expected, text


@SETTINGS
@given(st.binary(max_size=400))
def test_scan_never_raises_on_any_bytes(data):
    found = find(data)
    assert all(f.known for f in found)
    assume(not data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")))  # a byte-order mark: its encoding
    assert found == find(data.decode("utf-8", "replace"))


text_pieces = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=20),
    st.sampled_from(["\n", "\r\n", " ", "&", "=", ":", '"', "'", "Error ", "ERROR: ", "err ", "ErrorCode=", "code ",
                     "failed ", "Body=", '"body": ', "/docs/errors/", "zip code ", "Carrier Violation",
                     "User replied STOP (opt-out)", "{", "}", "[", "]", "Your code is ", '"note": "code is ',
                     "\\n", "\\u0066ailed", "daily MESSAGE cap\treached", "%22error_code%22%3A%22", "%7B", "+",
                     "delivered ", "errno=", "mysql ", " USD", "ms", "lastMessageBody=", "Ｃａｒｒｉｅｒ", "\u200b",
                     "\\\"", "Payload=", "errors%2F", "code%22%3A"]),
    st.sampled_from(KNOWN).map(str), st.integers(0, 10**7).map(str),
)


@SETTINGS
@given(st.lists(text_pieces, max_size=40).map("".join), st.integers(1, 64), st.booleans())
def test_stream_gives_the_same_findings_whatever_the_chunk_size(text, chunk, include_unknown):
    expected = find(text, include_unknown=include_unknown)
    original = _stream.CHUNK_BYTES
    _stream.CHUNK_BYTES = chunk
    try:
        streamed = stream(text.encode("utf-8"), include_unknown=include_unknown)
    finally:
        _stream.CHUNK_BYTES = original
    assert streamed == expected
    assert [f for f in find(text, include_unknown=True) if f.known] == find(text)  # asking more adds only unknowns


@SETTINGS
@given(st.lists(text_pieces, max_size=40).map("".join), st.booleans())
def test_the_stream_prefilter_never_drops_what_the_rules_find(text, include_unknown):
    lines = text.split("\n")
    # documents spread over lines are read whole by the stream: leave them out here
    assume(not any(line.rstrip(" \t\r").endswith(("{", "[")) for line in lines))
    assume(text.lstrip()[:1] not in ("{", "["))
    reference: list = []
    scanner = LineScanner(rules_for(CATALOG), include_unknown)
    for lineno, line in enumerate(lines, 1):
        scanner.line(line[:-1] if line.endswith("\r") else line, lineno, reference)  # every rule, every line
    assert find(text, include_unknown=include_unknown) == reference


@SETTINGS
@given(st.lists(st.binary(max_size=30), max_size=12).map(b"\n".join), st.integers(1, 6), st.integers(1, 16))
def test_split_at_lines_gives_ranges_of_whole_lines_that_no_document_spans(data, parts, chunk):
    original = _stream.CHUNK_BYTES
    _stream.CHUNK_BYTES = chunk
    try:
        cuts = split_at_lines(io.BytesIO(data), len(data), parts)
    finally:
        _stream.CHUNK_BYTES = original

    def safe(start: int) -> bool:  # a line that cannot be inside a document spread over lines
        before = data[max(0, start - 1 - 64):start - 1].rstrip(b"\r \t")
        return data[start] not in b"\t \"{}[],:\r\n" and bool(before) and not before.endswith((b"{", b"[", b",", b":"))

    line_starts = [at + 1 for at, byte in enumerate(data) if byte == ord("\n") and at + 1 < len(data)]
    expected = [0]  # the naive way: for each share of the size, the first safe line start past it
    for part in range(1, parts):
        target = max(len(data) * part // parts, expected[-1] + 1)
        expected += [start for start in line_starts if start >= target and safe(start)][:1]
    assert cuts == [*expected, len(data)]
    assert all(data[cut - 1:cut] == b"\n" for cut in cuts[1:-1])  # every range holds whole lines
