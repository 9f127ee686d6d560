"""errdict.scan, scan_stream and summarize_file: codes found in real payloads, log lines and labels,
nothing found in look-alikes, and the hardening of issue 11 (one test per defect class).

Every test scans with a small catalog compiled from hand-written entries (CATALOG below), never the
package's development build, so that the codes and labels a test relies on are fixed."""
from __future__ import annotations

import atexit
import functools
import io
import json
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
import urllib.parse
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from thorough import examples

import errdict
from entries import compiled_catalog, entry_text, reference_text
from errdict import _rules, _stream
from errdict._finding import Finding
from errdict._rules import Rules
from errdict._scan import StreamStats, rules_for, scan, scan_stream, summarize, summarize_file
from errdict._stream import split_at_lines

ROOT = Path(__file__).resolve().parent.parent

# --- the fixture catalog ------------------------------------------------------------------------------
# Full entries carry the workflow labels the tests look for; reference entries (no labels) the other codes.
LABELS = {
    21610: ["User replied STOP (opt-out)"],
    30007: ["Carrier Violation"],
    21211: ['Invalid "To" phone number'],
    30023: ["Daily message cap reached (US A2P)", "Daily message cap reached"],
    30003: ["Number unreachable or out of service"],
}
REFERENCE_CODES = [404, 503, 11200, 20404, 21606, 21614, 30004, 30005, 30006, 30008, 30032, 30034, 63016, 93101]


@functools.cache
def fixture_catalog() -> errdict.Catalog:
    """The catalog every scan test uses (compiled once per process into a temporary folder)."""
    folder = Path(tempfile.mkdtemp(prefix="errdict-scan-tests-"))
    atexit.register(shutil.rmtree, folder, True)
    texts = {}
    for code, labels in LABELS.items():
        aliases = "aliases: [" + ", ".join(json.dumps(label) for label in labels) + "]"
        texts[code] = entry_text(code, related=21610 if code != 21610 else 30007,
                                 **{f'aliases: ["Alias label of {code}"]': aliases})
    for code in REFERENCE_CODES:
        texts[code] = reference_text(code)
    return compiled_catalog(folder, texts)


CATALOG = fixture_catalog()
KNOWN = CATALOG.codes()


def find(source, **options) -> list[Finding]:
    return scan(source, catalog=CATALOG, **options)


def stream(data: bytes, **options) -> list[Finding]:
    return list(scan_stream(io.BytesIO(data), catalog=CATALOG, **options))


def codes(found: list[Finding]) -> list[int]:
    return [f.code for f in found]


def distinct(found: list[Finding]) -> list[int]:
    """The codes in the order they first appear."""
    return list(dict.fromkeys(f.code for f in found))


# --- what support tools hold ----------------------------------------------------------------------
API_ERROR = {"code": 21610, "message": "Attempt to send to unsubscribed recipient",
             "more_info": "https://www.twilio.com/docs/errors/21610", "status": 400}

STATUS_CALLBACK = ("ApiVersion=2010-04-01&AccountSid=AC0123456789abcdef0123456789abcdef&SmsSid=SM5b1c"
                   "&SmsStatus=undelivered&MessageStatus=undelivered&To=%2B14155550123&From=%2B14155550100"
                   "&MessageSid=SM5b1c&ErrorCode=30007&ErrorMessage=Message+filtered")

WEBHOOK = {
    "type": "OutboundMessageStatus",
    "locationId": "loc_94107",
    "messageId": "msg_30005",
    "contact": {"phone": "+14155550123", "zip": 94107, "postalCode": "30007"},
    "message": "Your code is 30007",
    "amount": 300.10,
    "status": "failed",
    "error": {"errorCode": "30003", "message": "Unreachable destination handset"},
    "history": [{"at": "2024-05-01T12:00:03Z", "status": "queued"},
                {"at": "2024-05-01T12:00:05Z", "status": "undelivered", "ErrorCode": 30005}],
}


def test_api_error_body_gives_one_finding_at_its_code():
    found = find(API_ERROR)
    assert found == [Finding(21610, "api-error-body", None, None, None, "/code", "21610", True)]
    assert found[0].where == "/code"


def test_api_error_body_as_json_text_and_inside_an_errors_list():
    assert codes(find(json.dumps(API_ERROR, indent=2))) == [21610]
    nested = {"errors": [{"code": 21211, "detail": "bad To"}, {"code": 21606}], "request_id": 30007}
    assert codes(find({"code": 21610, "more_info": "x"})) == [21610]
    found = find(nested)
    assert [(f.code, f.path) for f in found] == [(21211, "/errors/0/code"), (21606, "/errors/1/code")]


def test_status_callback_form_body():
    found = find(STATUS_CALLBACK)
    assert len(found) == 1
    f = found[0]
    assert (f.code, f.kind, f.line) == (30007, "form-field", 1)
    assert STATUS_CALLBACK[f.span[0]:f.span[1]] == "ErrorCode=30007" == f.text
    assert f.column == f.span[0] + 1


def test_parsed_form_body_as_a_mapping_of_lists():
    parsed = urllib.parse.parse_qs(STATUS_CALLBACK)
    found = find(parsed)
    assert [(f.code, f.path) for f in found] == [(30007, "/ErrorCode/0")]


def test_nested_webhook_payload_codes_as_numbers_and_strings_in_order():
    found = find(WEBHOOK)
    assert [(f.code, f.path, f.kind) for f in found] == [
        (30003, "/error/errorCode", "json-field"),
        (30005, "/history/1/ErrorCode", "json-field"),
    ]


def test_json_pointer_escapes_slash_and_tilde():
    found = find({"a/b": {"c~d": {"error_code": 30003}}})
    assert found[0].path == "/a~1b/c~0d/error_code"


LOG = """\
2024-05-01T12:00:03.123Z INFO  sender queued SM5b1c to +14155550123 (415) 555-0123 price=$300.10 zip=94107
2024-05-01T12:00:04.001Z ERROR sender Error 30007 on SM5b1c
2024-05-01T12:00:04.002Z WARN  ERROR: 21610 to=+14155550123
2024-05-01T12:00:04.003Z WARN  delivery failed error_code=21614 to=+14155550123
2024-05-01T12:00:04.004Z INFO  retry after err 30003 (attempt 2/5)
2024-05-01T12:00:04.005Z INFO  callback MessageStatus=undelivered&ErrorCode=30005&To=%2B14155550123
API_LINE
2024-05-01T12:00:04.007Z INFO  workflow wf_18 action "Send SMS" failed: User replied STOP (opt-out)
2024-05-01T12:00:04.008Z INFO  workflow wf_19 failed: Carrier Violation
2024-05-01T12:00:04.009Z INFO  workflow wf_20 failed: Invalid "To" phone number
{"event": "message.status", "data": {"status": "failed", "error_code": 30034, "body": "Error 30006 lol"}}
2024-05-01T12:00:04.010Z INFO  see https://www.twilio.com/docs/errors/30032 for details
2024-05-01T12:00:04.011Z ERROR Error Code: 30008 while sending
2024-05-01T12:00:04.012Z ERROR message failed with code 30004
"""


LOG = LOG.replace("API_LINE", '2024-05-01T12:00:04.006Z ERROR twilio response={"code": 21211, "message": '
                  '"Invalid \'To\' Phone Number", "more_info": "https://www.twilio.com/docs/errors/21211", '
                  '"status": 400}')


def test_log_excerpt_every_context_in_order_with_lines_and_columns():
    found = find(LOG)
    assert [(f.code, f.line, f.kind) for f in found] == [
        (30007, 2, "log-line"),
        (21610, 3, "log-line"),
        (21614, 4, "log-line"),
        (30003, 5, "log-line"),
        (30005, 6, "form-field"),
        (21211, 7, "api-error-body"),  # the JSON document after the log prefix is read as a document
        (21610, 8, "workflow-label"),
        (30007, 9, "workflow-label"),
        (21211, 10, "workflow-label"),
        (30034, 11, "json-field"),
        (30032, 12, "more-info-url"),
        (30008, 13, "log-line"),
        (30004, 14, "log-line"),
    ]
    lines = LOG.split("\n")
    for f in found:
        if f.span is not None and f.path is None:
            assert lines[f.line - 1][f.span[0]:f.span[1]] == f.text
            assert f.column == f.span[0] + 1
    assert (found[5].path, found[5].column) == ("/code", None)
    assert (found[9].path, found[9].column) == ("/data/error_code", None)


@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 20])
def test_stream_gives_the_same_findings_whatever_the_chunk_size(monkeypatch, chunk):
    expected = find(LOG)
    monkeypatch.setattr(_stream, "CHUNK_BYTES", chunk)
    assert stream(LOG.encode()) == expected


@pytest.mark.parametrize("label, code", [
    ("User replied STOP (opt-out)", 21610),
    ("Carrier Violation", 30007),
    ('Invalid "To" phone number', 21211),
    ("carrier   VIOLATION", 30007),
    ("Daily message cap reached (US A2P)", 30023),
    ("Daily message cap reached", 30023),
])
def test_workflow_labels_alone_and_in_any_case(label, code):
    found = find(label)
    assert [(f.code, f.kind) for f in found] == [(code, "workflow-label")]
    assert found[0].span == (0, len(label))


def test_label_under_an_error_key_of_an_object():
    assert codes(find({"trigger": "Messaging Error - SMS", "error": "Carrier Violation"})) == [30007]
    assert find({"body": "Carrier Violation"}) == []


def test_label_inside_a_longer_word_does_not_count():
    assert find("xCarrier Violationy") == []
    assert find("Carrier Violations") == []


# --- adversarial: what merely looks like a code -----------------------------------------------------
NOT_CODES = [
    "+14155550123",
    "(415) 555-0123",
    "Call me at 415-555-0123 or +1 (415) 555-0123",
    "2024-05-01T12:00:03.123Z",
    "Total: $300.10, refund $21610.00",
    "San Francisco, CA 94107",
    "Order #30007 shipped",
    "order 30007 failed to ship",  # a failure, but the number is an order's
    "Your code is 30007",
    "Your verification code is 30007. It failed? Try again.",
    "zip code 30007 invalid",
    "postal_code=30007&error=none",
    "Body=Your code is 30007",
    "Body=Error 30007 happened&To=%2B14155550123",
    'Body="ERROR: 21610 lol" From=+14155550123',
    "MessageStatus=delivered&ErrorCode=&To=%2B14155550123",
    "listening on port 30007",
    "db host=10.0.0.1:30007 latency=21610ms",
    "ERROR 2024-05-01 12:00:03 worker crashed",
    "ERROR: 21610.5 units",
    "ERROR: 21610-21614 range",
    "Error 300071 overflow",
    "ERROR: +21610",
    "ERROR 30007abc",
    "terror code 30007",
    "Terry: your code is 30007",
    "error_code=99999",
    "HTTP/1.1 404 Not Found error",
    "code 30007",  # no error word on the line
    "status=30007 failed",
]


@pytest.mark.parametrize("text", NOT_CODES)
def test_look_alikes_yield_nothing(text):
    assert find(text) == []


NOT_CODES_IN_OBJECTS = [
    {"to": "+14155550123", "code": "30007", "channel": "sms"},  # a verification code, not an error
    {"zip_code": 94107, "postalCode": "30007", "area_code": 415},
    {"Body": "Error 30007", "text": "ERROR: 21610", "content": {"error_code": 30003}},
    {"message": "Your code is 30007", "status": "delivered"},
    {"amount": 30007, "order": 21610, "port": 30003, "timestamp": 1714564803},
    {"price": "300.10", "sid": "SM30007", "date": "2024-05-01"},
    [30007, 21610, "30007"],
    {"error": False, "code": True},
]


@pytest.mark.parametrize("payload", NOT_CODES_IN_OBJECTS)
def test_look_alikes_in_objects_yield_nothing(payload):
    assert find(payload) == []
    assert find(json.dumps(payload)) == []
    assert find(json.dumps(payload, indent=2)) == []


def test_message_is_text_only_inside_an_error_object():
    assert codes(find({"code": 30007, "status": 400, "message": "Error 21610 as well"})) == [30007, 21610]
    assert codes(find({"code": 30007, "status": "undelivered"})) == [30007]
    assert find({"code": 30007, "message": "Your code is 30007"}) == []  # a verification code
    assert find({"message": "Error 21610 as well", "to": "+14155550123"}) == []
    assert find({"message": "Error 21610 as well", "status": "delivered"}) == []
    assert codes(find({"error": {"message": "Error 21610"}})) == [21610]
    assert codes(find({"level": "error", "msg": "send failed: Error 30007"})) == [30007]  # a log record
    assert find({"level": "info", "msg": "inbound: Error 30007 lol"}) == []


def test_unknown_codes_only_when_asked_and_only_in_explicit_contexts():
    text = "ErrorCode=39999 Error 38888 .../docs/errors/37777 code 36666 failed"
    assert find(text) == []
    found = find(text, include_unknown=True)
    assert [(f.code, f.known) for f in found] == [(39999, False), (37777, False)]
    assert [(f.code, f.known) for f in find({"error_code": 39999}, include_unknown=True)] == [(39999, False)]
    assert find({"error": 404, "err": "500"}, include_unknown=True) == []  # HTTP statuses, not codes


def test_one_finding_per_code_per_line_but_every_line_counts():
    assert codes(find("Error 30007 ... error_code=30007 ... /docs/errors/30007")) == [30007]
    assert codes(find("Error 30007\nError 30007\n")) == [30007, 30007]
    assert codes(find("Error 30007, then Error 21610")) == [30007, 21610]


def test_inputs_of_every_type():
    assert codes(find(b"ErrorCode=30007")) == [30007]
    assert codes(find(bytearray(b"\xff Error 30007"))) == [30007]  # undecodable bytes replaced
    assert codes(find(bytearray("\ufeffError 30007".encode("utf-16-le")))) == [30007]  # read by its BOM
    assert codes(find(memoryview(b"\xef\xbb\xbfError 30007"))) == [30007]
    assert codes(find(("x", {"ErrorCode": 30007}))) == [30007]
    assert find(30007) == [] and find(None) == [] and find(3.5) == [] and find(True) == []
    with pytest.raises(TypeError, match="scan takes a str, bytes, a mapping or a list, not set"):
        find({30007})


def test_finding_is_immutable_and_serializable():
    f = find(STATUS_CALLBACK)[0]
    with pytest.raises(AttributeError):
        f.code = 1  # type: ignore[misc]
    assert json.loads(json.dumps(f.to_dict()))["code"] == 30007
    assert repr(f).startswith("<Finding 30007 (form-field) at line 1, column")


def test_scan_is_exposed_from_errdict():
    assert errdict.Finding is Finding
    assert errdict.scan(STATUS_CALLBACK, catalog=CATALOG) == find(STATUS_CALLBACK)


def test_import_errdict_does_not_load_the_scanner():
    code = "import sys, errdict; print('errdict._scan' in sys.modules, 'errdict._rules' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "False False"


# --- streams: chunks, long lines, bad bytes ---------------------------------------------------------
def test_stream_chunk_boundaries_do_not_lose_or_shift_findings(monkeypatch):
    expected = find(LOG)
    monkeypatch.setattr(_stream, "CHUNK_BYTES", 7)
    assert stream(LOG.encode()) == expected
    monkeypatch.setattr(_stream, "CHUNK_BYTES", 1)
    assert stream(LOG.encode()) == expected


def test_very_long_line_is_scanned_in_bounded_pieces(monkeypatch):
    monkeypatch.setattr(_stream, "CHUNK_BYTES", 64)
    monkeypatch.setattr(_stream, "MAX_LINE_BYTES", 256)
    filler = "x" * 1000
    line = f"{filler} Error 30007 {filler} ErrorCode=21610 {filler} Error 30007 {filler}"
    data = f"first\n{line}\nError 30003 after\n".encode()
    stats = StreamStats()
    found = list(scan_stream(io.BytesIO(data), stats=stats, catalog=CATALOG))
    assert [(f.code, f.line) for f in found] == [(30007, 2), (21610, 2), (30003, 3)]
    assert found[0].column == line.index("Error 30007") + 1
    assert found[1].column == line.index("ErrorCode=21610") + 1
    assert stats.lines == 3 and stats.bytes == len(data)
    monkeypatch.setattr(_stream, "CHUNK_BYTES", 1 << 20)  # the whole line in one read: the same pieces
    assert stream(data) == found


def test_code_is_counts_only_beside_an_error_word_even_behind_json_escapes():
    lines = [
        '{"event": "message.status", "status": "delivered", "body": "Your code is 30007"}',  # a verification text
        "INFO inbound Your code is 30007",
        "ERROR send failed: code is 30007",
        '{"note": "code is 21610\\nfailed"}',  # the error word follows an escaped line break
        '{"log": "code is 30003 \\u0066ailed"}',  # the error word spelled with an escape
    ]
    text = "\n".join(lines) + "\n"
    assert [(f.code, f.line) for f in find(text)] == [(30007, 3), (30003, 5)]  # "note" is message text


@pytest.mark.parametrize("alias", sorted(CATALOG.aliases()))
def test_every_label_is_found_in_a_stream_in_any_case(alias):
    code = CATALOG.aliases()[alias]
    for label in (alias.upper(), alias.title(), alias):
        line = f"2024-05-01 INFO workflow wf_7 failed:  {label}  contact=ab12"
        data = f"noise 30007\n{line}\nmore noise\n".encode()
        found = stream(data)
        assert (code, 2, "workflow-label") in [(f.code, f.line, f.kind) for f in found]


def test_label_words_cover_every_label_in_few_passes():
    rules = rules_for(CATALOG)
    for alias in CATALOG.aliases():
        assert any(pattern.search(alias.encode()) for pattern in rules.label_triggers_bytes), alias
        assert rules.may_hold_label(alias), alias
    assert len(rules.label_triggers_bytes) < len(CATALOG.aliases())


def test_label_cover_takes_a_prefix_already_searched_before_a_new_one():
    """A label of common words only is found by its longest word ("invalid"); a label that could be
    found by "inactive" or by "exist" then shares that pass instead of opening one for "exist"."""
    groups = _rules._trigger_groups(['invalid "to" phone number', "user inactive/number does not exist"])
    assert groups == [["inactive", "invalid"]]
    groups = _rules._trigger_groups(["the number does not exist", "user inactive/number does not exist"])
    assert groups == [["exist"]]  # one word covers both: one pass


def test_label_cover_prefers_a_word_whose_first_letter_is_rare():
    """A pass stops at every occurrence of its first letter: "want" and "verified" are quicker to look
    for than "enabled" and "free" (e and f are hex digits, in every ID of a log)."""
    assert _rules._trigger_groups(["do not want sms/dnd enabled"]) == [["want"]]
    assert _rules._trigger_groups(["toll free number not verified"]) == [["verified"]]


_LABEL_WORDS = ["invalid", "number", "phone", "inactive", "exist", "carrier", "campaign", "suspended", "stop",
                "to", "a2p", "region", "receive", "free", "toll", "not", "the", "sms"]


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.lists(st.sampled_from(_LABEL_WORDS), min_size=1, max_size=5).map(" ".join),
                min_size=1, max_size=12, unique=True))
def test_label_cover_finds_every_label_property(labels):
    groups = _rules._trigger_groups(labels)
    words = [word for group in groups for word in group]
    assert all(any(word in label for word in words) for label in labels)
    assert all(len({word[:2] for word in group}) == 1 for group in groups)  # one literal prefix per pass
    assert len(groups) <= len(labels)


# --- a large file: ranges of lines in parallel ---------------------------------------------------------
PRETTY = json.dumps([API_ERROR, {"errors": [{"code": 30034, "more_info": "x"}]}], indent=2)


def _awkward_log(path: Path) -> bytes:
    """A log that cuts badly: long lines, CRLF, bad bytes, JSON lines and pretty-printed documents,
    labels, no final newline."""
    long_line = b"x" * 700 + b" Error 30007 " + b"y" * 700 + b" ErrorCode=39999\n"
    parts = [LOG.encode(), b"a\r\n\xff\xfe ERROR: 21610\r\n", long_line, STATUS_CALLBACK.encode() + b"\n",
             b"2024-05-01 ERROR body=" + PRETTY.encode() + b"\n"] * 40
    data = b"".join(parts) + b"last ErrorCode=38888 Error 30006"  # codes found nowhere else
    path.write_bytes(data)
    return data


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 2, 3, 7])
def test_file_in_parallel_ranges_gives_the_summary_of_one_stream(tmp_path, monkeypatch, jobs):
    monkeypatch.setattr(_stream, "CHUNK_BYTES", 97)
    monkeypatch.setattr(_stream, "MAX_LINE_BYTES", 256)
    log = tmp_path / "big.log"
    data = _awkward_log(log)
    stats = StreamStats()
    expected = summarize(scan_stream(io.BytesIO(data), include_unknown=True, stats=stats, catalog=CATALOG))
    summary, parallel_stats = summarize_file(str(log), jobs, CATALOG)
    assert vars(summary) == vars(expected)
    assert (parallel_stats.lines, parallel_stats.bytes) == (stats.lines, stats.bytes) == (data.count(b"\n") + 1,
                                                                                         len(data))
    assert expected.unknown == {39999: 40, 38888: 1} and expected.counts[30006] == 1
    assert expected.first_line[30006] == expected.unknown_first_line[38888] == stats.lines


def test_split_at_lines_cuts_just_after_a_newline_or_not_at_all():
    even = b"".join(b"line %02d\n" % i for i in range(10))  # 8 bytes a line
    assert split_at_lines(io.BytesIO(even), len(even), 4) == [0, 24, 40, 64, 80]
    assert split_at_lines(io.BytesIO(even), len(even), 1) == [0, 80]
    uneven = b"aaaa\nbbbbbbbbbbbbbbbbbbbb\nc\nd\n" + b"e" * 50
    assert split_at_lines(io.BytesIO(uneven), len(uneven), 4) == [0, 26, 80]  # no line starts past 40
    assert split_at_lines(io.BytesIO(b"no newline at all"), 17, 2) == [0, 17]


def test_split_at_lines_never_cuts_inside_a_document_spread_over_lines():
    doc = b'{\n  "a":\n1,\n  "b": [\n2\n,3]\n}\n'  # lines that start with a value, a comma, a bracket
    data = b"log line one\n" + doc * 20 + b"log line two\n"
    starts = {i + 1 for i, byte in enumerate(data) if byte == 10}
    inside = {s for s in starts if data[s:s + 1] in (b" ", b"1", b",", b"2", b"}") or data[s - 2:s - 1] in b"{[,:"}
    for parts in range(2, 9):
        cuts = split_at_lines(io.BytesIO(data), len(data), parts)
        assert not set(cuts[1:-1]) & inside, cuts


def test_stream_without_final_newline_and_with_crlf_and_bad_bytes():
    data = b"a\r\n\xff\xfe\x80 ERROR: 21610\r\nlast Error 30007"
    stats = StreamStats()
    found = list(scan_stream(io.BytesIO(data), stats=stats, catalog=CATALOG))
    assert [(f.code, f.line) for f in found] == [(21610, 2), (30007, 3)]
    assert stats.lines == 3


def test_utf16_stream_with_a_byte_order_mark_is_read():
    for encoding in ("utf-16-le", "utf-16-be"):
        data = ("\ufeff" + LOG).encode(encoding)
        stats = StreamStats()
        found = list(scan_stream(io.BytesIO(data), stats=stats, catalog=CATALOG))
        assert found == find(LOG) and stats.bytes == len(data) and stats.lines == LOG.count("\n")


# === issue 11, class by class ===========================================================================

# --- regular expressions that go super-linear -------------------------------------------------------------
def _seconds(function, *args) -> float:
    best = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        function(*args)
        best = min(best, time.perf_counter() - started)
    return best


# Inputs a hostile user sends: long runs of what a pattern repeats, after each word a rule starts at.
PATHOLOGICAL = {
    "spaces after ErrorCode": lambda n: "ErrorCode" + " " * n + "x",
    "spaces and tabs after error code": lambda n: "error code" + " \t" * (n // 2) + "is x",
    "spaces after code": lambda n: "failed code" + " " * n + "x",
    "spaces after err": lambda n: "err" + " " * n + ":",
    "spaces after Error:": lambda n: "Error:" + " " * n + "#x",
    "error words": lambda n: "error " * (n // 6),
    "ErrorCode without digits": lambda n: "ErrorCode=" * (n // 10),
    "code and error": lambda n: "code: error " * (n // 12),
    "spaces after a label word": lambda n: "carrier" + " " * n + "violatio",
    "label words": lambda n: "daily message cap " * (n // 18),
    "body key": lambda n: "Body" + " " * n + "=",
    "body keys": lambda n: "body=text:" * (n // 10),
    "long key": lambda n: "a" * n + "Body=x Error 30007",
    "quotes": lambda n: '"' * n,
    "escaped quotes": lambda n: '"' + '\\"' * (n // 2),
    "apostrophes": lambda n: "delivered 'x' it's " * (n // 19) + "Error 30007",
    "form body": lambda n: "a=b&" * (n // 4),
    "form body with encoded values": lambda n: "Payload=%7B%22error_code%22" + "%20" * (n // 3),
    "open braces": lambda n: "{" * n,
    "open brackets": lambda n: "[" * n,
    "JSON fragments": lambda n: '{"a":' * (n // 5),
    "JSON keys": lambda n: '{"error_code": ' * (n // 15),
    "unterminated JSON string": lambda n: '{"a": "' + "x" * n,
    "digits": lambda n: "Error " + "3" * n,
    "URL path": lambda n: "/docs/errors/" * (n // 13),
    "amount words": lambda n: "Error 30007" + " " * n + "(",
    "non-ASCII letters": lambda n: "Ｃａｒｒｉｅｒ\u200b" * (n // 9),
    "lines that open documents": lambda n: "x {\n" * (n // 4),
    "nested lines": lambda n: "{\n" * (n // 2),
    "documents that never close": lambda n: '{\n"code": 21211,\n' * (n // 17),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_regular_expressions_run_in_linear_time(name):
    make = PATHOLOGICAL[name]
    small, large = make(25_000), make(200_000)  # 8x the size: ~8x the time when linear, ~64x when not
    for run in (find, lambda text: stream(text.encode())):
        run(small)  # warm up
        t_small, t_large = _seconds(run, small), _seconds(run, large)
        assert t_large < 5.0, (name, t_large)
        assert t_large < 24 * t_small + 0.05, (name, t_small, t_large)


# --- deep nesting -----------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_json_does_not_break_the_scan_or_the_stream(depth):
    text = '{"a":' * depth + '{"ErrorCode": 30007, "body": "Error 21610"}' + "}" * depth
    for found in (find(text), stream(text.encode() + b"\n"), find(text + "\nError 30003\n")[:1]):
        assert [(f.code, f.kind) for f in found] == [(30007, "json-field")]
        assert found[0].path == "/a" * depth + "/ErrorCode"
    pretty = "".join("{\n" + ' "a":' for _ in range(depth)) + '{"error_code": 30003}' + "\n}" * depth
    assert codes(find(pretty)) == [30003]
    lists = "[" * depth + '{"code": 21211, "more_info": "x"}' + "]" * depth
    assert codes(find(lists)) == [21211]


@pytest.mark.slow
def test_deeply_nested_objects_cost_linear_time_and_memory():
    def nested(depth: int) -> dict:
        value: dict = {"ErrorCode": 30007}
        for _ in range(depth):
            value = {"next": [value]}
        return value

    def cost(depth: int) -> tuple[float, int]:
        payload = nested(depth)
        tracemalloc.start()
        started = time.perf_counter()
        found = find(payload)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert codes(found) == [30007] and found[0].path.count("/next/0") == depth
        return elapsed, peak

    cost(1000)
    (t1, m1), (t8, m8) = cost(20_000), cost(160_000)
    assert m8 < 12 * m1, (m1, m8)  # path tuples per level would grow with the square of the depth
    assert t8 < 24 * t1 + 0.05, (t1, t8)


def test_cyclic_objects_do_not_break_the_scan():
    cyclic: dict = {"error_code": 21610}
    cyclic["self"] = cyclic
    cyclic["list"] = [cyclic, {"ErrorCode": 30007}]
    assert codes(find(cyclic)) == [21610, 30007]


# --- very large integers, __index__, bools ----------------------------------------------------------------
class Index:
    """An integer of another library (a numpy integer): it has __index__, it is not an int."""

    def __init__(self, value: object) -> None:
        self.value = value

    def __index__(self) -> int:
        if isinstance(self.value, BaseException):
            raise self.value
        return self.value  # type: ignore[return-value]


def test_very_large_integers_never_make_the_scan_raise():
    huge = 10 ** 5000  # str() of it raises ValueError in Python 3.11
    payloads = [
        {"ErrorCode": huge}, {"error": -huge}, {"code": huge, "status": 400}, {huge: {"ErrorCode": 30007}},
        {"status": huge, "code": 21211}, [huge, {"error_code": 30003}], {"ErrorCode": [huge, 30007]},
        {"level": huge, "msg": "Error 30007"}, {"ErrorCode": Index(huge)},
    ]
    assert [codes(find(payload)) for payload in payloads] == [[], [], [], [30007], [], [30003], [30007], [], []]
    assert find({huge: {"ErrorCode": 30007}})[0].path.startswith("/<integer of about 5001 digits>")
    digits = "9" * 5000
    for text in (f'{{"ErrorCode": {digits}, "error_code": 30003}}', f'{{"a": [{digits}], "ErrorCode": 30007}}',
                 f"2024 INFO body={{\"n\": {digits}, \"code\": 21211, \"status\": 400}}", f"ErrorCode={digits}"):
        found = find(text, include_unknown=True)
        assert all(f.code in KNOWN for f in found), text
    assert codes(find(f'{{"ErrorCode": {digits}, "error_code": 30003}}')) == [30003]


def test_integers_with_index_are_read_as_integers_and_bools_are_not_codes():
    assert [(f.code, f.path) for f in find({"ErrorCode": Index(30007)})] == [(30007, "/ErrorCode")]
    assert codes(find({"code": Index(21211), "status": Index(400)})) == [21211]
    assert codes(find({"errors": [{"code": Index(30003), "more_info": "x"}]})) == [30003]
    assert find({"ErrorCode": True}) == [] and find({"ErrorCode": [False, True]}) == []
    with pytest.warns(DeprecationWarning):  # Python's own warning about such an __index__
        assert find({"ErrorCode": Index(True)}) == []  # __index__ giving a bool: not a code either
    assert find({"ErrorCode": Index(TypeError("no"))}) == []  # a broken __index__ is no code, no crash
    assert find({"ErrorCode": Index(RuntimeError("boom"))}) == []
    assert find({"ErrorCode": 30007.0}) == []  # a float is not an integer
    assert find(Index(30007)) == []  # a scalar alone holds no context


# --- the stream and scan() on pretty-printed (multi-line) JSON ----------------------------------------------
DEBUGGER_PAYLOAD = {
    "resource_sid": "SM0123456789abcdef0123456789abcdef",
    "service_sid": None,
    "error_code": "11200",
    "more_info": {"Msg": "An attempt to retrieve content from https://example.com/sms returned the HTTP "
                         "status code 502", "sourceComponent": "14100", "ErrorCode": "11200",
                  "httpResponse": "502", "url": "https://example.com/sms", "LogLevel": "ERROR"},
    "webhook": {"type": "application/json",
                "request": {"url": "https://example.com/sms", "method": "POST",
                            "parameters": {"Body": "Error 30007 on my bill?", "From": "+14155550123"}},
                "response": {"status_code": 502, "headers": {}, "body": "<html>502 Bad Gateway</html>"}},
}
EVENT_STREAMS_EVENT = {
    "specversion": "1.0",
    "type": "com.twilio.error-logs.error.logged",
    "source": "/v1/Monitor/Alerts/NO0123456789abcdef0123456789abcdef",
    "id": "EZ0123456789abcdef0123456789abcdef",
    "dataschema": "https://events-schemas.twilio.com/ErrorLogs.Error/2",
    "datacontenttype": "application/json",
    "time": "2026-12-01T10:00:00.000Z",
    "data": {
        "sid": "NO0123456789abcdef0123456789abcdef",
        "account_sid": "AC0123456789abcdef0123456789abcdef",
        "date_created": "2026-12-01T10:00:00.000Z",
        "level": "ERROR",
        "request_sid": "RQ0123456789abcdef0123456789abcdef",
        "correlation_sid": "SM0123456789abcdef0123456789abcdef",
        "product_name": "Programmable Messaging",
        "error_code": "30007",
        "publisher": "sms",
        "publisher_metadata": json.dumps({"message_sid": "SM0123456789abcdef0123456789abcdef",
                                          "body": "Your code is 21610", "to": "+14155550123"}),
    },
}
DOCUMENTS = {
    "API error body": API_ERROR,
    "webhook payload": WEBHOOK,
    "list of API error bodies": [API_ERROR, {"code": 21211, "more_info": "https://www.twilio.com/docs/errors/21211"}],
    "errors list": {"errors": [{"code": 21211, "detail": "bad To"}, {"code": 21606, "detail": "bad From"}]},
    "Debugger payload": DEBUGGER_PAYLOAD,
    "Event Streams error-log event": EVENT_STREAMS_EVENT,
    "Event Streams batch": [EVENT_STREAMS_EVENT, dict(EVENT_STREAMS_EVENT, data={"error_code": "63016"})],
    "conversation": {"lastMessageBody": "Error 30007?", "unreadCount": 1, "lastMessageType": "TYPE_SMS",
                     "error": {"code": 30003, "message": "Unreachable destination handset"}},
}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
@pytest.mark.parametrize("chunk", [pytest.param(3, marks=pytest.mark.slow), 1 << 20])  # 3: reads of 3 bytes
def test_stream_and_scan_find_the_codes_of_the_object_in_pretty_printed_json(monkeypatch, name, chunk):
    document = DOCUMENTS[name]
    expected = distinct(find(document))
    assert expected, name
    monkeypatch.setattr(_stream, "CHUNK_BYTES", chunk)
    texts = {
        "one line": json.dumps(document),
        "indent 2": json.dumps(document, indent=2),
        "indent 4, CRLF": json.dumps(document, indent=4).replace("\n", "\r\n"),
        "after a log prefix": "2026-12-01T10:00:00Z ERROR response=" + json.dumps(document, indent=2),
        "between log lines": "INFO started\n" + json.dumps(document, indent=2) + "\nINFO done\n",
    }
    for layout, text in texts.items():
        assert distinct(find(text)) == expected, layout
        assert distinct(stream(text.encode())) == expected, layout
    several = "\n".join(["INFO a", json.dumps(document, indent=2), "Error 30008 between",
                         json.dumps(document, indent=2), "INFO b"])
    assert distinct(find(several)) == list(dict.fromkeys([*expected, 30008]))
    assert codes(find(several)).count(expected[0]) == 2  # one document, one line: counted once each


def test_a_document_that_never_closes_is_read_as_lines():
    text = "INFO before\n" + json.dumps(API_ERROR, indent=2)[:-2] + "\nError 30008 after\n"
    for found in (find(text), stream(text.encode())):
        assert [(f.code, f.kind) for f in found] == [(21610, "more-info-url"), (30008, "log-line")]


def test_pretty_printed_json_findings_are_placed_at_the_document():
    text = "INFO before\n2026 ERROR body=" + json.dumps(API_ERROR, indent=2) + "\nError 30008 after\n"
    found = find(text)
    assert [(f.code, f.line, f.path, f.kind) for f in found] == [
        (21610, 2, "/code", "api-error-body"), (30008, 8, None, "log-line")]


# --- message text fields ------------------------------------------------------------------------------------
MESSAGE_KEYS = ["Body", "body", "lastMessageBody", "ButtonText", "ButtonPayload", "SpeechResult",
                "UnstableSpeechResult", "subject", "html", "comment", "comments", "notes", "note", "text", "Digits",
                "message_text", "TranscriptionText", "caption", "snippet", "reply", "emailSubject", "textBody"]
TYPED = ["Error 30007 lol", "ERROR: 21610", "error_code=30003", "ErrorCode=30003", "code 30007 failed",
         "see https://www.twilio.com/docs/errors/30007", "Carrier Violation", "Error Code: 21211"]


@pytest.mark.parametrize("key", MESSAGE_KEYS)
def test_message_text_fields_never_yield_codes(key):
    for typed in TYPED:
        payload = {"status": "failed", "to": "+14155550123", key: typed}
        assert find(payload) == [], (key, typed)
        assert find({"conversation": {"unread": 2, key: typed}}) == [], (key, typed)
        for text in (json.dumps(payload), json.dumps(payload, indent=2),
                     "2026-12-01T10:00:00Z INFO inbound " + json.dumps({key: typed, "from": "+1415"}),
                     f"2026-12-01T10:00:00Z INFO inbound from=+14155550123 {key}={typed}",
                     f'2026-12-01T10:00:00Z INFO inbound {key}: "{typed}" from=+14155550123',
                     f"MessageSid=SM1&{key}={urllib.parse.quote_plus(typed)}&From=%2B14155550123",
                     f"MessageSid=SM1&{key}={urllib.parse.quote(typed)}&From=%2B14155550123",
                     f"{key}={typed}"):
            assert find(text) == [], (key, typed, text)
    # the rest of the line still counts
    assert codes(find(f"MessageStatus=failed&{key}=Error+30007&ErrorCode=21610")) == [21610]


def test_a_delivery_line_quoting_the_message_text_does_not_count_it():
    for line in ['2026-12-01 INFO delivered SM123 to +14155550123: "Error 30007 lol"',
                 "2026-12-01 INFO inbound from +14155550123: 'ERROR: 21610'",
                 '2026-12-01 INFO message received "my code is 30007, error?"',
                 '2026-12-01 INFO contact replied "Carrier Violation haha"',
                 '2026-12-01 INFO sent "Error Code: 21211" to +14155550123']:
        assert find(line) == [], line
    # an error outside the quotes: they quote an error message
    assert codes(find('2026-12-01 ERROR delivery failed: "Error 30007: Message filtered"')) == [30007]
    assert codes(find('2026-12-01 INFO delivered "hi" ErrorCode=30007')) == [30007]


# --- long JSON lines -------------------------------------------------------------------------------------
def test_json_lines_up_to_the_limit_are_read_as_json_longer_ones_with_explicit_keys_only(monkeypatch):
    monkeypatch.setattr(_stream, "MAX_LINE_BYTES", 2000)
    monkeypatch.setattr(_stream, "CHUNK_BYTES", 300)
    messages = [{"body": "Error 30007 lol " + "x" * 40, "status": "delivered"} for _ in range(12)]
    short = json.dumps({"messages": messages[:4], "error": {"code": 21211, "more_info": "x"}})
    long = json.dumps({"messages": messages * 4, "error_code": 30003, "note": "Error 21610",
                       "more_info": "https://www.twilio.com/docs/errors/30008", "errors": [{"code": 21211}]})
    assert len(short) < 2000 < len(long)
    assert [(f.code, f.kind) for f in stream(short.encode() + b"\n")] == [(21211, "api-error-body")]
    found = stream(long.encode() + b"\nError 30006\n")
    # the long line: its explicit error-code key and its URL, never the bodies' "Error 30007", nor the
    # word rules ("Error 21610", a "code" key: their quotes may lie outside the piece)
    assert [(f.code, f.line) for f in found] == [(30003, 1), (30008, 1), (30006, 2)]
    assert find(long + "\nError 30006\n") == found  # scan() reads through the same limits
    # a long line of text keeps every rule
    text = "x " * 1500 + "Error 30007 and Carrier Violation " + "y " * 1500
    assert codes(stream(text.encode())) == [30007]
    assert _stream.__doc__ and "4 MiB" in _stream.__doc__ and "explicit error-code-key" in _stream.__doc__


# --- form bodies: URL-decoded ---------------------------------------------------------------------------
DEBUGGER_WEBHOOK = urllib.parse.urlencode({
    "AccountSid": "AC0123456789abcdef0123456789abcdef",
    "Level": "ERROR",
    "Payload": json.dumps(DEBUGGER_PAYLOAD),
    "PayloadType": "application/json",
    "Sid": "NO0123456789abcdef0123456789abcdef",
    "Timestamp": "2026-12-01T10:00:00Z",
})


def test_debugger_webhook_form_body_is_decoded():
    for text in (DEBUGGER_WEBHOOK, "2026-12-01T10:00:01Z INFO debugger webhook " + DEBUGGER_WEBHOOK):
        found = find(text)
        assert [(f.code, f.kind, f.path) for f in found] == [(11200, "form-field", "/Payload/error_code")]
        assert stream(text.encode()) == found
    parsed = dict(urllib.parse.parse_qsl(DEBUGGER_WEBHOOK))  # the same body as a web framework hands it
    assert [(f.code, f.path) for f in find(parsed)] == [  # an object: one finding per code per container
        (11200, "/Payload/error_code"), (11200, "/Payload/more_info/ErrorCode")]
    # encoded with %20 instead of '+', and as the only field of a line
    single = "Payload=" + urllib.parse.quote(json.dumps({"error_code": "63016", "more_info": {}}))
    assert [(f.code, f.path) for f in find(single)] == [(63016, "/Payload/error_code")]


def test_encoded_error_page_urls_and_fields_are_decoded():
    url = urllib.parse.quote("https://www.twilio.com/docs/errors/30034", safe="")
    assert [(f.code, f.kind, f.path) for f in find(f"ErrorMessage=x&more_info={url}")] == \
        [(30034, "more-info-url", "/more_info")]
    assert codes(find(f"GET /status?more_info={url} HTTP/1.1")) == [30034]
    assert codes(find("callback ErrorMessage=Carrier+Violation&To=%2B14155550123")) == [30007]
    assert codes(find("data=%7B%22ErrorCode%22%3A%2030007%7D&x=1")) == [30007]
    assert find(f"Body={url}&To=%2B14155550123") == []  # the message text, decoded or not


def test_event_streams_error_log_event_is_a_first_class_payload():
    found = find(EVENT_STREAMS_EVENT)
    assert [(f.code, f.path) for f in found] == [(30007, "/data/error_code")]
    assert [(f.code, f.path) for f in find(json.dumps([EVENT_STREAMS_EVENT]))] == [(30007, "/0/data/error_code")]
    assert codes(find(json.dumps(EVENT_STREAMS_EVENT, indent=2))) == [30007]
    unknown = dict(EVENT_STREAMS_EVENT, data=dict(EVENT_STREAMS_EVENT["data"], error_code="39999"))
    assert [(f.code, f.known) for f in find(unknown, include_unknown=True)] == [(39999, False)]


# --- aliases: one normalisation ---------------------------------------------------------------------------
@pytest.mark.parametrize("written", [
    "Carrier Violation", "CARRIER VIOLATION", "carrier\tviolation", "Carrier\u00a0Violation",
    "Ｃａｒｒｉｅｒ Ｖｉｏｌａｔｉｏｎ", "Car\u200brier Vio\u200dlation", "Carrier\u3000Violation",
    "\ufeffCarrier  \u2003 Violation", "CARRİER VIOLATION".replace("İ", "I"),
])
def test_labels_match_with_the_normalisation_of_the_alias_index(written):
    line = f"2026-12-01 INFO workflow wf_9 failed: {written} contact=ab12"
    found = find(line)
    assert [(f.code, f.kind) for f in found] == [(30007, "workflow-label")]
    assert line[found[0].span[0]:found[0].span[1]].replace("\u200b", "").replace("\u200d", "").replace(
        "\ufeff", "").strip() != ""
    assert stream(line.encode()) == found
    assert codes(find({"error": written})) == [30007]


class _Catalog:
    """A stand-in for a damaged catalog: only what the rules read of one."""

    def __init__(self, aliases: dict) -> None:
        self._aliases = aliases

    def codes(self) -> tuple[int, ...]:
        return (30007, 21610)

    def aliases(self) -> dict:
        return self._aliases


def test_a_label_that_is_only_spaces_never_makes_the_scan_raise():
    damaged = _Catalog({"   ": 30007, "": 21610, "\u200b": 30007, "\t\n": 21610, "...": 30007, "30007": 21610,
                        "carrier violation": 30007})
    for text in ("", " ", "   ", "a b", "Carrier Violation", "x ... 30007 y", "\u200b"):
        found = scan(text, catalog=damaged)
        assert [f.code for f in found] == ([30007] if "Carrier" in text else []), text
    assert scan({"error": "   "}, catalog=damaged) == []
    Rules((1,), {" ": 1, "x  y": 2})  # and building the rules themselves does not raise


# --- the "not in the catalog" list -----------------------------------------------------------------------
NOT_UPSTREAM = [
    "OSError: [Errno 111] Connection refused", "socket error errno=111", "errno: 10061",
    "[WinError 10061] No connection could be made", "Error 404 Not Found", "HTTP 500 error", "status 503",
    "request failed with code 503", "HTTP/1.1 503 Service Unavailable error", "error=500",
    "ERROR 1045 (28000): Access denied for user 'root'@'localhost'", "ORA-00942: table or view does not exist",
    "SQLSTATE[HY000] [2002] Connection refused", "PDOException: SQLSTATE[23000]: error code 1062",
    "MySQL error code: 1146", "mysql error_code=1146", "pq: SQLSTATE 23505 error_code=23505",
    "ERROR: duplicate key (SQLSTATE 23505)", "exit code 137 error", "Error Code: 1062. Duplicate entry (SQLSTATE)",
    "curl error 60", "socket error 10054", "err_code=12345", "error_number=1045",
]


@pytest.mark.parametrize("text", NOT_UPSTREAM)
def test_unknown_codes_only_in_an_upstream_code_context(text):
    assert find(text, include_unknown=True) == []
    assert find({"log": text}, include_unknown=True) == []


def test_unknown_codes_in_upstream_contexts_are_listed():
    for text, code in [("ErrorCode=39999", 39999), ('"error_code": "39998"', 39998), ("Error Code: 39997", 39997),
                       ("see https://www.twilio.com/docs/api/errors/39996", 39996), ("lastErrorCode=39995", 39995)]:
        assert [(f.code, f.known) for f in find(text, include_unknown=True)] == [(code, False)], text


# --- near misses -----------------------------------------------------------------------------------------
NEAR_MISSES = [
    "error: 30007 USD", "error: 30007 usd", "Error 30007 EUR", "error: 30007\tUSD", "error: 30007 (USD)",
    "Error 30007 €", "Error 30007$", "error: 30007 dollars", "Error: 30007 cents", "errors: 30007",
    "Errors 30007", "error(s): 30007", "error 30007ms", "error 30007 ms", "Error 30007 seconds", "Error 30007 sec",
    "ERROR 30007 items", "error: 30007 times", "Error 30007 %", "Error 30007%", "error 30007 records",
    "error count: 30007", "error_count=30007", "error rate 30007", "ERR_30007", "error -30007", "Error: -30007",
    "error 30007.5", "error 30,007", "error 30007,5", "error 30007/2", "error 30007-1", "error 0x30007",
    "error 030007", "error ３０００７", "error 30007th", "Error 30007x", "error: 30007 KB", "error 30007 bytes",
    "ErrorCode=30007 USD", "error_code: 30007 requests", "code: 30007 attempts failed", "30007 items",
    "30007 errors", "failed 30007 times", "error_code=30007ms",
]


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses_never_match(text):
    assert find(text) == [] and find(text, include_unknown=True) == []
    assert find({"log": text}) == []


@pytest.mark.parametrize("value", ["30007 USD", "30007 (USD)", "30007€", " 30007 ms", "30007.5", "-30007",
                                   "30007 items", "30,007", "0x30007", "30007th"])
def test_near_misses_under_an_error_code_key_never_match(value):
    assert find({"ErrorCode": value}) == [] and find({"error": {"code": value}}) == []


def test_the_same_numbers_in_an_error_context_do_count():
    for text in ["error: 30007", "Error 30007: Message filtered", "ERROR #30007", "Error-30007", "Error - 30007",
                 "error 30007 on SM123", "error: 30007 (Message filtered)", "ErrorCode=30007&To=x"]:
        assert codes(find(text)) == [30007], text


# --- the fixtures are themselves sound ----------------------------------------------------------------------
def test_fixture_catalog_holds_the_codes_and_labels_the_tests_rely_on():
    assert set(LABELS) | set(REFERENCE_CODES) == set(KNOWN)
    assert CATALOG.aliases()["carrier violation"] == 30007
    assert rules_for(CATALOG) is rules_for(CATALOG)  # built once per catalog
