"""The line scanner, pinned where mutation testing (issue 12) found it unpinned: a JSON document at the
end of a log line (after a prefix holding braces or brackets, before trailing blanks), one finding per
code per line across prefix and document, encoded form fields inside JSON strings, and a line longer
than the piece size: every position of a code across the overlapping pieces, undecodable bytes and a
CRLF ending."""
from __future__ import annotations

import pytest

import errdict
from errdict import _stream


def found(text: str | bytes) -> list[tuple[int, int | None, int | None, str | None, str]]:
    return [(f.code, f.line, f.column, f.path, f.kind) for f in errdict.scan(text)]


@pytest.mark.parametrize("line, expected", [
    # the prefix is read as text (with its line and column), the document walked as an object
    ('ERROR 21610 response={"error_code": 30007}', [(21610, 1, 1, None, "log-line"),
                                                    (30007, 1, None, "/error_code", "json-field")]),
    # blanks after the document
    ('ERROR 21610 response={"error_code": 30007}   ', [(21610, 1, 1, None, "log-line"),
                                                       (30007, 1, None, "/error_code", "json-field")]),
    # one finding per code per line: the document's 30007 is the prefix's
    ('Error 30007 response={"error_code": 30007}', [(30007, 1, 1, None, "log-line")]),
    # a brace or a bracket in the prefix that starts no document
    ('ERROR {retry} response={"error_code": 30007}', [(30007, 1, None, "/error_code", "json-field")]),
    ('ERROR [worker-1] resp={"error_code": 30007}', [(30007, 1, None, "/error_code", "json-field")]),
    ('ERROR [a] [b] {c} [d] {e} [f] {g} resp={"error_code": 30007}',
     [(30007, 1, None, "/error_code", "json-field")]),
    # an object holding a list
    ('{"errors":[{"code":30007,"status":"failed"}]}', [(30007, 1, None, "/errors/0/code", "api-error-body")]),
    # encoded form fields inside a JSON string: a JSON payload, and a plain field
    ('INFO {"request": "To=%2B15551234567&Payload=%7B%22error_code%22%3A%2230007%22%7D"}',
     [(30007, 1, None, "/request/Payload/error_code", "form-field")]),
    ('INFO {"request": "To=x&ErrorCode=30007&Extra=%20"}', [(30007, 1, None, "/request", "form-field")]),
])
def test_a_line_is_read_as_text_and_as_the_document_it_ends_with(line, expected):
    assert found(line + "\n") == expected


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> int:
    """Lines longer than 256 bytes are scanned in pieces (as lines over 4 MiB are)."""
    monkeypatch.setattr(_stream, "MAX_LINE_BYTES", 256)
    return 256


def test_a_code_anywhere_in_a_long_line_is_found_once_at_its_column(small_pieces):
    # every start from before the first piece's end to past the third piece's start, so that the code
    # straddles each piece boundary and each overlap
    for before in range(150, 720, 3):
        line = "x" * before + " Error 30007 " + "y" * 700
        assert found(f"{line}\nError 21610\n".encode()) == [(30007, 1, before + 2, None, "log-line"),
                                                             (21610, 2, 1, None, "log-line")], before


def test_undecodable_bytes_in_a_long_line_are_replaced_not_fatal(small_pieces):
    # (not at the start of the stream, where \xff\xfe would be a UTF-16 byte-order mark)
    data = b"first\n" + b"\xfe\xff" * 200 + b" Error 30007 " + b"\xc3" * 300 + b" Error 21610\n"
    assert [(f.code, f.line) for f in errdict.scan(data)] == [(30007, 2), (21610, 2)]


def test_a_long_line_with_a_crlf_ending_keeps_its_last_code(small_pieces):
    data = b"x" * 600 + b" Error 30007\r\n" + b"z" * 600 + b" Error 21610\r\nError 30003\r\n"
    assert [(f.code, f.line, f.text) for f in errdict.scan(data)] == [
        (30007, 1, "Error 30007"), (21610, 2, "Error 21610"), (30003, 3, "Error 30003")]
