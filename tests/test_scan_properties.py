"""Properties of errdict.scan: look-alike numbers never count, a code in an error context always
does, the stream agrees with the text scan, and nothing raises."""
from __future__ import annotations

import io
import json

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from errdict import _scan
from errdict._catalog import CATALOG
from errdict._scan import scan, scan_stream

KNOWN = CATALOG.codes()
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

digits = st.integers(min_value=0, max_value=9)
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
                                   "price", "segments=1", "status=delivered", "note:", "-", "|", "user", "id"]),
                  max_size=6).map(" ".join)


@SETTINGS
@given(st.lists(st.tuples(filler, look_alike, filler).map(" ".join), min_size=1, max_size=8))
def test_look_alike_numbers_never_yield_findings(lines):
    text = "\n".join(lines)
    assert scan(text) == []
    assert scan(text, include_unknown=True) == []


@SETTINGS
@given(st.fixed_dictionaries({"to": phone, "zip": zip_code | number, "amount": amount, "sent_at": timestamp,
                              "code": number, "body": st.builds("Error {}".format, number),
                              "message": st.builds("Your code is {}".format, number)}))
def test_look_alike_numbers_in_a_webhook_object_never_yield_findings(payload):
    assert scan(payload) == []
    assert scan(json.dumps(payload)) == []


ERROR_CONTEXTS = [
    "Error {}", "ERROR: {}", "err {}", "error_code={}", "ErrorCode={}", "errorCode: {}", '"error_code": "{}"',
    "Error Code: {}", "error-code={}", "https://www.twilio.com/docs/errors/{}", "failed with code {}",
    "MessageStatus=undelivered&ErrorCode={}&To=%2B14155550123",
]


@SETTINGS
@given(before=st.lists(st.tuples(filler, look_alike, filler).map(" ".join), max_size=5),
       after=st.lists(st.tuples(filler, look_alike, filler).map(" ".join), max_size=5),
       context=st.sampled_from(ERROR_CONTEXTS), code=st.sampled_from(KNOWN), prefix=filler, suffix=filler)
def test_a_known_code_in_an_error_context_is_always_found(before, after, context, code, prefix, suffix):
    line = f"{prefix} {context.format(code)} {suffix}".strip()
    text = "\n".join([*before, line, *after])
    found = scan(text)
    assert [(f.code, f.line) for f in found] == [(code, len(before) + 1)]
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
    assert [(f.code, f.path) for f in scan(payload)] == [(code, path)]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30)
    | st.sampled_from(KNOWN) | st.sampled_from(["Error 30007", "Carrier Violation", "ErrorCode=21610"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.text(max_size=8) | st.sampled_from(["code", "error", "ErrorCode", "body", "message", "errors"]),
        children, max_size=4),
    max_leaves=30)


@SETTINGS
@given(json_values)
def test_scan_never_raises_on_nested_objects(value):
    if isinstance(value, (dict, list)):
        found = scan(value)
        assert all(f.known and f.code in CATALOG.codes() for f in found)
        assert scan(json.loads(json.dumps(value))) is not None


@SETTINGS
@given(st.binary(max_size=400))
def test_scan_never_raises_on_any_bytes(data):
    found = scan(data)
    assert all(f.known for f in found)
    assert list(scan_stream(io.BytesIO(data))) == scan(data.decode("utf-8", "replace"))


text_pieces = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=20),
    st.sampled_from(["\n", "\r\n", " ", "&", "=", ":", '"', "Error ", "ERROR: ", "err ", "ErrorCode=", "code ",
                     "failed ", "Body=", '"body": ', "/errors/", "zip code ", "Carrier Violation",
                     "User replied STOP (opt-out)", "{", "}", "[", "]", "Your code is ", '"note": "code is ',
                     "\\n", "\\u0066ailed", "daily MESSAGE cap\treached"]),
    st.sampled_from(KNOWN).map(str), st.integers(0, 10**7).map(str),
)


@SETTINGS
@given(st.lists(text_pieces, max_size=40).map("".join), st.integers(1, 64))
def test_stream_agrees_with_text_scan_whatever_the_chunk_size(text, chunk):
    assume(not (_scan._looks_like_json(text) and "\n" in text.strip()))  # a whole JSON document
    expected = scan(text)
    original = _scan.CHUNK_BYTES
    _scan.CHUNK_BYTES = chunk
    try:
        streamed = list(scan_stream(io.BytesIO(text.encode("utf-8"))))
    finally:
        _scan.CHUNK_BYTES = original
    assert streamed == expected
    assert scan(text, include_unknown=True)[: len(expected)] is not None


@SETTINGS
@given(st.lists(st.binary(max_size=30), max_size=12).map(b"\n".join), st.integers(1, 6), st.integers(1, 16))
def test_split_at_lines_gives_ranges_of_whole_lines(data, parts, chunk):
    original = _scan.CHUNK_BYTES
    _scan.CHUNK_BYTES = chunk
    try:
        cuts = _scan.split_at_lines(io.BytesIO(data), len(data), parts)
    finally:
        _scan.CHUNK_BYTES = original
    line_starts = [at + 1 for at, byte in enumerate(data) if byte == ord("\n") and at + 1 < len(data)]
    expected = [0]  # the naive way: for each share of the size, the first line start past it
    for part in range(1, parts):
        target = max(len(data) * part // parts, expected[-1] + 1)
        expected += [start for start in line_starts if start >= target][:1]
    assert cuts == expected + [len(data)]
    assert all(data[cut - 1:cut] == b"\n" for cut in cuts[1:-1])  # every range holds whole lines
