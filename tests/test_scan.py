"""errdict.scan: codes found in real payloads, log lines and labels; nothing found in look-alikes."""
from __future__ import annotations

import io
import json
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

import errdict
from errdict import _scan
from errdict._catalog import CATALOG
from errdict._scan import Finding, scan, scan_main, scan_stream

ROOT = Path(__file__).resolve().parent.parent


def codes(found: list[Finding]) -> list[int]:
    return [f.code for f in found]


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
    found = scan(API_ERROR)
    assert found == [Finding(21610, "api-error-body", None, None, None, "/code", "21610", True)]
    assert found[0].error_code is errdict.lookup(21610)
    assert found[0].where == "/code"


def test_api_error_body_as_json_text_and_inside_an_errors_list():
    assert codes(scan(json.dumps(API_ERROR, indent=2))) == [21610]
    nested = {"errors": [{"code": 21211, "detail": "bad To"}, {"code": 21606}], "request_id": 30007}
    assert codes(scan({"code": 21610, "more_info": "x"})) == [21610]
    found = scan(nested)
    assert [(f.code, f.path) for f in found] == [(21211, "/errors/0/code"), (21606, "/errors/1/code")]


def test_status_callback_form_body():
    found = scan(STATUS_CALLBACK)
    assert len(found) == 1
    f = found[0]
    assert (f.code, f.kind, f.line) == (30007, "form-field", 1)
    assert STATUS_CALLBACK[f.span[0]:f.span[1]] == "ErrorCode=30007" == f.text
    assert f.column == f.span[0] + 1


def test_parsed_form_body_as_a_mapping_of_lists():
    parsed = urllib.parse.parse_qs(STATUS_CALLBACK)
    found = scan(parsed)
    assert [(f.code, f.path) for f in found] == [(30007, "/ErrorCode/0")]


def test_nested_webhook_payload_codes_as_numbers_and_strings_in_order():
    found = scan(WEBHOOK)
    assert [(f.code, f.path, f.kind) for f in found] == [
        (30003, "/error/errorCode", "json-field"),
        (30005, "/history/1/ErrorCode", "json-field"),
    ]


def test_json_pointer_escapes_slash_and_tilde():
    found = scan({"a/b": {"c~d": {"error_code": 30003}}})
    assert found[0].path == "/a~1b/c~0d/error_code"


LOG = """\
2024-05-01T12:00:03.123Z INFO  sender queued SM5b1c to +14155550123 (415) 555-0123 price=$300.10 zip=94107
2024-05-01T12:00:04.001Z ERROR sender Error 30007 on SM5b1c
2024-05-01T12:00:04.002Z WARN  ERROR: 21610 to=+14155550123
2024-05-01T12:00:04.003Z WARN  delivery failed error_code=21614 to=+14155550123
2024-05-01T12:00:04.004Z INFO  retry after err 30003 (attempt 2/5)
2024-05-01T12:00:04.005Z INFO  callback MessageStatus=undelivered&ErrorCode=30005&To=%2B14155550123
2024-05-01T12:00:04.006Z ERROR twilio response={"code": 21211, "message": "Invalid 'To' Phone Number", "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}
2024-05-01T12:00:04.007Z INFO  workflow wf_18 action "Send SMS" failed: User replied STOP (opt-out)
2024-05-01T12:00:04.008Z INFO  workflow wf_19 failed: Carrier Violation
2024-05-01T12:00:04.009Z INFO  workflow wf_20 failed: Invalid "To" phone number
{"event": "message.status", "data": {"status": "failed", "error_code": 30034, "body": "Error 30006 lol"}}
2024-05-01T12:00:04.010Z INFO  see https://www.twilio.com/docs/errors/30032 for details
2024-05-01T12:00:04.011Z ERROR Error Code: 30008 while sending
2024-05-01T12:00:04.012Z ERROR message failed with code 30004
"""


def test_log_excerpt_every_context_in_order_with_lines_and_columns():
    found = scan(LOG)
    assert [(f.code, f.line, f.kind) for f in found] == [
        (30007, 2, "log-line"),
        (21610, 3, "log-line"),
        (21614, 4, "log-line"),
        (30003, 5, "log-line"),
        (30005, 6, "form-field"),
        (21211, 7, "json-field"),
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
    json_line = found[9]
    assert json_line.path == "/data/error_code" and json_line.column is None


def test_stream_gives_the_same_findings_as_text():
    assert list(scan_stream(io.BytesIO(LOG.encode()))) == scan(LOG)


@pytest.mark.parametrize("label, code", [
    ("User replied STOP (opt-out)", 21610),
    ("Carrier Violation", 30007),
    ('Invalid "To" phone number', 21211),
    ("carrier   VIOLATION", 30007),
    ("Daily message cap reached (US A2P)", 30023),
    ("Daily message cap reached", 30023),
])
def test_workflow_labels_alone_and_in_any_case(label, code):
    found = scan(label)
    assert [(f.code, f.kind) for f in found] == [(code, "workflow-label")]
    assert found[0].span == (0, len(label))


def test_label_under_an_error_key_of_an_object():
    assert codes(scan({"trigger": "Messaging Error - SMS", "error": "Carrier Violation"})) == [30007]
    assert scan({"body": "Carrier Violation"}) == []


def test_label_inside_a_longer_word_does_not_count():
    assert scan("xCarrier Violationy") == []


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
    assert scan(text) == []


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
    assert scan(payload) == []


def test_message_is_text_only_inside_an_error_object():
    assert codes(scan({"code": 30007, "status": 400, "message": "Error 21610 as well"})) == [30007, 21610]
    assert codes(scan({"code": 30007, "status": "undelivered"})) == [30007]
    assert scan({"code": 30007, "message": "Your code is 30007"}) == []  # a verification code
    assert scan({"message": "Error 21610 as well", "to": "+14155550123"}) == []
    assert scan({"message": "Error 21610 as well", "status": "delivered"}) == []
    assert codes(scan({"error": {"message": "Error 21610"}})) == [21610]


def test_unknown_codes_only_when_asked_and_only_in_explicit_contexts():
    text = "ErrorCode=39999 Error 38888 .../docs/errors/37777 code 36666 failed"
    assert scan(text) == []
    found = scan(text, include_unknown=True)
    assert [(f.code, f.known) for f in found] == [(39999, False), (37777, False)]
    with pytest.raises(errdict.UnknownCodeError):
        found[0].error_code
    assert [(f.code, f.known) for f in scan({"error_code": 39999}, include_unknown=True)] == [(39999, False)]
    assert scan({"error": 404, "err": "500"}, include_unknown=True) == []  # HTTP statuses, not codes


def test_one_finding_per_code_per_line_but_every_line_counts():
    assert codes(scan("Error 30007 ... error_code=30007 ... /errors/30007")) == [30007]
    assert codes(scan("Error 30007\nError 30007\n")) == [30007, 30007]
    assert codes(scan("Error 30007, then Error 21610")) == [30007, 21610]


def test_inputs_of_every_type():
    assert codes(scan(b"ErrorCode=30007")) == [30007]
    assert codes(scan(bytearray(b"\xff\xfeError 30007\x00"))) == [30007]
    assert codes(scan(("x", {"ErrorCode": 30007}))) == [30007]
    assert scan(30007) == [] and scan(None) == [] and scan(3.5) == [] and scan(True) == []
    with pytest.raises(TypeError, match="scan takes a str, bytes, a mapping or a list, not set"):
        scan({30007})


def test_deep_and_cyclic_objects_do_not_break_the_scan():
    deep: dict = {"ErrorCode": 30007}
    for _ in range(5000):
        deep = {"next": deep}
    assert [f.path.count("/next") for f in scan(deep)] == [5000]
    cyclic: dict = {"error_code": 21610}
    cyclic["self"] = cyclic
    cyclic["list"] = [cyclic]
    assert codes(scan(cyclic)) == [21610]


def test_finding_is_immutable_and_serializable():
    f = scan(STATUS_CALLBACK)[0]
    with pytest.raises(AttributeError):
        f.code = 1  # type: ignore[misc]
    assert json.loads(json.dumps(f.to_dict()))["code"] == 30007
    assert repr(f).startswith("<Finding 30007 (form-field) at line 1, column")


def test_scan_is_exposed_lazily_from_errdict():
    assert errdict.scan is scan and errdict.Finding is Finding


def test_import_errdict_does_not_load_the_scanner():
    code = "import sys, errdict; print('errdict._scan' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "False"


# --- streams: chunks, long lines, bad bytes ---------------------------------------------------------
def test_stream_chunk_boundaries_do_not_lose_or_shift_findings(monkeypatch):
    monkeypatch.setattr(_scan, "CHUNK_BYTES", 7)
    data = LOG.encode()
    assert list(scan_stream(io.BytesIO(data))) == scan(LOG)


def test_very_long_line_is_scanned_in_bounded_pieces(monkeypatch):
    monkeypatch.setattr(_scan, "CHUNK_BYTES", 64)
    monkeypatch.setattr(_scan, "MAX_LINE_BYTES", 256)
    filler = "x" * 1000
    line = f"{filler} Error 30007 {filler} ErrorCode=21610 {filler} Error 30007 {filler}"
    data = f"first\n{line}\nError 30003 after\n".encode()
    stats = _scan.StreamStats()
    found = list(scan_stream(io.BytesIO(data), stats=stats))
    assert [(f.code, f.line) for f in found] == [(30007, 2), (21610, 2), (30003, 3)]
    assert found[0].column == line.index("Error 30007") + 1
    assert found[1].column == line.index("ErrorCode=21610") + 1
    assert stats.lines == 3 and stats.bytes == len(data)


def test_code_is_counts_only_beside_an_error_word_even_behind_json_escapes():
    lines = [
        '{"event": "message.status", "status": "delivered", "body": "Your code is 30007"}',  # a verification text
        "INFO inbound Your code is 30007",
        "ERROR send failed: code is 30007",
        '{"note": "code is 21610\\nfailed"}',  # the error word follows an escaped line break
        '{"note": "code is 30003 \\u0066ailed"}',  # the error word spelled with an escape
    ]
    text = "\n".join(lines) + "\n"
    expected = [(30007, 3), (21610, 4), (30003, 5)]
    assert [(f.code, f.line) for f in scan(text)] == expected
    assert [(f.code, f.line) for f in scan_stream(io.BytesIO(text.encode()))] == expected


@pytest.mark.parametrize("alias", sorted(CATALOG.alias_index()))
def test_every_label_is_found_in_a_stream_in_any_case(alias):
    code = CATALOG.alias_index()[alias]
    for label in (alias.upper(), alias.title(), alias):
        line = f"2024-05-01 INFO workflow wf_7 failed:  {label}  contact=ab12"
        data = f"noise 30007\n{line}\nmore noise\n".encode()
        found = list(scan_stream(io.BytesIO(data)))
        assert (code, 2, "workflow-label") in [(f.code, f.line, f.kind) for f in found]
        assert found == scan(data.decode())


def test_label_words_cover_every_label_in_few_passes():
    tables = _scan._get_tables()
    for alias in CATALOG.alias_index():
        assert any(pattern.search(alias.encode()) for pattern in tables.label_scans), alias
        assert tables.label_token_re.search(alias), alias
    assert len(tables.label_scans) < len(CATALOG.alias_index()) / 2


# --- a large file: ranges of lines in parallel ---------------------------------------------------------
def _awkward_log(path: Path) -> bytes:
    """A log that cuts badly: long lines, CRLF, bad bytes, JSON lines, labels, no final newline."""
    long_line = b"x" * 700 + b" Error 30007 " + b"y" * 700 + b" ErrorCode=39999\n"
    parts = [LOG.encode(), b"a\r\n\xff\xfe ERROR: 21610\r\n", long_line, STATUS_CALLBACK.encode() + b"\n"] * 40
    data = b"".join(parts) + b"last ErrorCode=38888 Error 30006"  # codes found nowhere else
    path.write_bytes(data)
    return data


@pytest.mark.parametrize("jobs", [1, 2, 3, 7])
def test_file_in_parallel_ranges_gives_the_summary_of_one_stream(tmp_path, monkeypatch, jobs):
    monkeypatch.setattr(_scan, "CHUNK_BYTES", 97)
    monkeypatch.setattr(_scan, "MAX_LINE_BYTES", 256)
    log = tmp_path / "big.log"
    data = _awkward_log(log)
    stats = _scan.StreamStats()
    expected = _scan.summarize(scan_stream(io.BytesIO(data), include_unknown=True, stats=stats))
    summary, parallel_stats = _scan.summarize_file(str(log), jobs)
    assert vars(summary) == vars(expected)
    assert (parallel_stats.lines, parallel_stats.bytes) == (stats.lines, stats.bytes) == (data.count(b"\n") + 1,
                                                                                         len(data))
    assert expected.unknown == {39999: 40, 38888: 1} and expected.counts[30006] == 1
    assert expected.first_line[30006] == expected.unknown_first_line[38888] == stats.lines


def test_cli_output_is_the_same_with_one_process_or_two(tmp_path, monkeypatch):
    monkeypatch.setattr(_scan, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(_scan, "CHUNK_BYTES", 97)
    log = tmp_path / "big.log"
    _awkward_log(log)
    runs = [run_cli([str(log), *options]) for options in (["--jobs", "1"], ["--jobs", "2"], [])]
    assert runs[0] == runs[1] == runs[2] and runs[0][0] == 0
    json_runs = [run_cli([str(log), "--json", "--jobs", jobs]) for jobs in ("1", "2")]
    assert json_runs[0] == json_runs[1]
    assert json.loads(json_runs[1][1])["lines"] == log.read_bytes().count(b"\n") + 1


def test_split_at_lines_cuts_just_after_a_newline_or_not_at_all():
    even = b"".join(b"line %02d\n" % i for i in range(10))  # 8 bytes a line
    assert _scan.split_at_lines(io.BytesIO(even), len(even), 4) == [0, 24, 40, 64, 80]
    assert _scan.split_at_lines(io.BytesIO(even), len(even), 1) == [0, 80]
    uneven = b"aaaa\nbbbbbbbbbbbbbbbbbbbb\nc\nd\n" + b"e" * 50
    assert _scan.split_at_lines(io.BytesIO(uneven), len(uneven), 4) == [0, 26, 80]  # no line starts past 40
    assert _scan.split_at_lines(io.BytesIO(b"no newline at all"), 17, 2) == [0, 17]


def test_stream_without_final_newline_and_with_crlf_and_bad_bytes():
    data = b"a\r\n\xff\xfe\x80 ERROR: 21610\r\nlast Error 30007"
    stats = _scan.StreamStats()
    found = list(scan_stream(io.BytesIO(data), stats=stats))
    assert [(f.code, f.line) for f in found] == [(21610, 2), (30007, 3)]
    assert stats.lines == 3


# --- the command line ---------------------------------------------------------------------------------
def run_cli(argv, stdin: bytes | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = scan_main(argv, out, err, stdin=io.BytesIO(stdin) if stdin is not None else None)
    return status, out.getvalue(), err.getvalue()


def test_cli_summary_most_frequent_first_with_title_and_action(tmp_path):
    log = tmp_path / "app.log"
    log.write_text(LOG + "Error 30007 again\nError 30007 and again\n", "utf-8")
    status, out, err = run_cli([str(log)])
    assert status == 0 and err == ""
    rows = out.splitlines()
    assert rows[0].split() == ["count", "code", "title", "action"]
    assert rows[1].split()[:2] == ["4", "30007"]
    assert "Message filtered" in rows[1] and "Change the message content" in rows[1]
    assert rows[2].split()[:2] == ["2", "21211"] and rows[3].split()[:2] == ["2", "21610"]
    assert out.rstrip().endswith(f"15 occurrences of 10 codes in 16 lines of {log}")


def test_cli_json_for_programs_and_unknown_codes_listed_apart():
    status, out, _ = run_cli(["-", "--json"], stdin=b"ErrorCode=30007\nerror_code=39999\nError 30007\n")
    assert status == 0
    report = json.loads(out)
    assert report["lines"] == 3 and report["occurrences"] == 2
    assert [(c["code"], c["count"], c["first_line"]) for c in report["codes"]] == [(30007, 2, 1)]
    assert report["codes"][0]["action"] == "fix-content" and report["codes"][0]["url"].endswith("/codes/30007/")
    assert report["unknown"] == [{"code": 39999, "count": 1, "first_line": 2}]


def test_cli_findings_listing():
    status, out, _ = run_cli(["-", "--findings"], stdin=b"x\nERROR: 21610\n")
    assert status == 0 and out == "line 2, column 1: 21610 log-line\n"
    status, out, _ = run_cli(["-", "--findings", "--json"], stdin=b"ERROR: 21610\n")
    assert json.loads(out)[0]["code"] == 21610


def test_cli_no_codes_is_still_success():
    status, out, _ = run_cli(["-"], stdin=b"all quiet\n")
    assert status == 0 and out == "no error codes found in 1 line of standard input\n"


def test_cli_jobs_must_be_a_positive_number(tmp_path):
    for bad in ("0", "-1", "two", "1.5"):
        status, out, err = run_cli(["-", "--jobs", bad], stdin=b"Error 30007\n")
        assert status == 2 and out == "" and f"not a positive whole number: '{bad}'" in err
    status, out, _ = run_cli(["-", "--jobs", "2", "--findings"], stdin=b"x\nError 30007\n")
    assert status == 0 and out == "line 2, column 1: 30007 log-line\n"  # standard input streams in one


def test_cli_usage_errors(tmp_path):
    status, out, err = run_cli([str(tmp_path / "missing.log")])
    assert status == 2 and out == "" and f"errdict scan: {tmp_path / 'missing.log'}: no such file" in err
    status, _, err = run_cli([str(tmp_path)])
    assert status == 2 and "is a folder" in err
    status, _, err = run_cli([])
    assert status == 2 and "the following arguments are required: FILE" in err
    status, _, err = run_cli(["a.log", "--bogus"])
    assert status == 2 and "unrecognized arguments: --bogus" in err
    status, out, _ = run_cli(["--help"])
    assert status == 0 and "usage: errdict scan" in out


def test_cli_through_errdict_main_and_a_real_pipe(tmp_path):
    log = tmp_path / "a.log"
    log.write_bytes(b"\xff garbage\nstatus=undelivered&ErrorCode=30003\n")
    done = subprocess.run([sys.executable, "-m", "errdict", "scan", "-", "--json"], input=log.read_bytes(),
                          capture_output=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["codes"][0]["code"] == 30003
