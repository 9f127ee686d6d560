"""Scanning a stream (a log file, standard input) in constant memory, and a large file in parallel.

The stream is read in blocks of whole lines. A few passes of the regex engine over each block find the
lines that may hold a code (an "err" or "code" with a number after it, a word of a workflow label)
and the lines that open a JSON document spread over several lines; every other line is skipped
without being decoded. A document spread over lines (pretty-printed JSON, whether the whole input or
one entry of a log) is put together and read as one document, so a file and the same text given to
:func:`errdict.scan` give the same findings.

Limits, so that memory stays bounded whatever the input: a line or a document of more than
:data:`MAX_LINE_BYTES` is not parsed as a whole; a longer line is scanned in overlapping pieces (a
piece of a JSON line with the explicit error-code-key rules only, since its message texts can no
longer be told apart).

A stream that starts with a byte-order mark is read in its encoding (UTF-8, UTF-16 LE or BE);
otherwise as UTF-8, undecodable bytes replaced.
"""
from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from typing import BinaryIO, Protocol

from ._finding import Finding
from ._lines import LineScanner, parse_json_document
from ._rules import has_error_word, lower

CHUNK_BYTES = 1 << 20  # read the stream a mebibyte at a time
MAX_LINE_BYTES = 4 << 20  # a longer line (or document) is scanned in pieces of this size
PIECE_OVERLAP = 512  # bytes a piece shares with the next, so that no match is cut in two

# The pre-filters, on a lowered block: loose patterns that every numeric context (text rules and JSON
# keys alike) satisfies, starting at its "err" or "code". They may accept more than the rules do,
# never less. Each starts with a literal word, which the regex engine skips to as fast as bytes.find;
# every quantifier is bounded or possessive, so a block is read in linear time.
_PRE_ERR = re.compile(rb"err[a-z_.\-/ ]{0,14}+[\"']?+[ \t]*+(?:(?:[:=#\-]|is)[ \t]*+)?+[\[(\"']?+[ \t]*+[1-9][0-9]{2}")
# "code is 30007" (group 1 matched: a verification message says "Your code is 30007") names an error
# code only on a line with an error word: a line where only that matches is parsed only then.
_PRE_CODE = re.compile(rb"code[\"']?+[ \t]*+(?:(?:[:=#]|(is))[ \t]*+)?+[\[(\"']?+[ \t]*+[1-9][0-9]{2}")
# URL-encoded form fields and documents ("%22error_code%22%3A%2230007%22", "errors%2F30007").
_PRE_ENCODED = re.compile(rb"err[a-z_]{0,10}+%2[2f]", re.I)
# A line that opens a document spread over lines: it ends with '{' or '['.
_DOC_OPEN = re.compile(rb"[\[{][ \t]*+\r?\n")
_JSON_STRING = re.compile(rb'"(?:[^"\\\n]|\\.)*+"')


class _Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


class StreamStats:
    """What a stream scan read: lines and bytes (filled in as the scan goes)."""

    __slots__ = ("lines", "bytes")

    def __init__(self) -> None:
        self.lines = 0
        self.bytes = 0


class _Transcoder:
    """A binary stream in UTF-16 (by its byte-order mark) read as UTF-8 bytes."""

    def __init__(self, stream: _Readable, encoding: str, stats: StreamStats) -> None:
        self.stream, self.stats = stream, stats
        self.decoder = codecs.getincrementaldecoder(encoding)("replace")

    def read(self, size: int = -1) -> bytes:
        while True:
            data = _read_some(self.stream, size)
            self.stats.bytes += len(data)
            text = self.decoder.decode(data, final=not data)
            if text or not data:  # a read may end inside a character: read on until one is whole
                return text.encode("utf-8", "surrogatepass")

    read1 = read


def _read_some(stream: _Readable, size: int) -> bytes:
    """Up to size bytes, as soon as some are there (a pipe from `tail -f` is read as it arrives)."""
    read1 = getattr(stream, "read1", None)
    return read1(size) if read1 is not None else stream.read(size)


def _opening_stream(stream: _Readable, stats: StreamStats) -> tuple[_Readable, bytes]:
    """The stream to read as UTF-8, and what was already read of it."""
    head = b""
    while len(head) < 3:
        more = _read_some(stream, CHUNK_BYTES)
        if not more:
            break
        head += more
    if head.startswith(codecs.BOM_UTF8):
        stats.bytes += len(head)
        return stream, head[3:]
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            transcoder = _Transcoder(stream, encoding, stats)
            stats.bytes += len(head)
            return transcoder, transcoder.decoder.decode(head[2:]).encode("utf-8", "surrogatepass")
    stats.bytes += len(head)
    return stream, head


def scan_stream(stream: _Readable, scanner: LineScanner, stats: StreamStats | None = None) -> Iterator[Finding]:
    """The findings of a binary stream, line by line, in constant memory (see the module's text)."""
    stats = stats if stats is not None else StreamStats()
    reader, buffered = _opening_stream(stream, stats)
    transcoded = isinstance(reader, _Transcoder)
    carry = b""
    lines_before = 0  # complete lines before the start of carry
    first_block = True
    piece: _LongLine | None = None  # a line longer than MAX_LINE_BYTES being scanned in pieces
    pending = buffered
    while True:
        if pending:
            data, pending = pending, b""
        else:
            data = _read_some(reader, CHUNK_BYTES)
            if not data:
                break
            if not transcoded:
                stats.bytes += len(data)
        buffer = carry + data if carry else data
        cut = buffer.rfind(b"\n") + 1
        if piece is not None or (cut == 0 and len(buffer) > MAX_LINE_BYTES):
            if piece is None:
                piece = _LongLine(lines_before + 1, buffer.lstrip()[:1] in (b"{", b"["))
            if cut == 0:
                carry = yield from piece.feed(buffer, scanner)
                continue
            yield from piece.finish(buffer[:cut], scanner)  # the end of the long line
            piece = None
            lines_before += 1
            buffer = buffer[cut:]
            carry = b""
            cut = buffer.rfind(b"\n") + 1
            first_block = False
        if cut == 0:
            carry = buffer
            continue
        block, rest = buffer[:cut], buffer[cut:]
        done = yield from _scan_block(block, lines_before, scanner, first_block, final=False)
        first_block = False
        lines_before += block.count(b"\n", 0, done)
        carry = block[done:] + rest
        stats.lines = lines_before
    if piece is not None:
        yield from piece.finish(carry + b"\n", scanner)
        lines_before += 1
        carry = b""
    if carry:  # the last lines: a document that never closed, a line without a newline
        block = carry if carry.endswith(b"\n") else carry + b"\n"
        yield from _scan_block(block, lines_before, scanner, first_block, final=True)
        lines_before += block.count(b"\n")
    stats.lines = lines_before


class _LongLine:
    """A line longer than MAX_LINE_BYTES, scanned in overlapping pieces."""

    def __init__(self, lineno: int, is_json: bool) -> None:
        self.lineno, self.strict = lineno, is_json
        self.seen: set[int] = set()
        self.offset = 0  # characters of the line already scanned

    def _scan(self, data: bytes, scanner: LineScanner) -> list[Finding]:
        found: list[Finding] = []
        text = data.decode("utf-8", "replace")
        scanner.line(text, self.lineno, found, seen=self.seen, offset=self.offset, strict=True) if self.strict \
            else scanner.text(text, self.lineno, self.seen, found, offset=self.offset)
        return found

    def feed(self, buffer: bytes, scanner: LineScanner):  # type: ignore[no-untyped-def]
        """Scan whole pieces of buffer; what is left to carry."""
        while len(buffer) > MAX_LINE_BYTES:
            yield from self._scan(buffer[:MAX_LINE_BYTES], scanner)
            keep = MAX_LINE_BYTES - PIECE_OVERLAP
            self.offset += len(buffer[:keep].decode("utf-8", "replace"))
            buffer = buffer[keep:]
        return buffer

    def finish(self, tail: bytes, scanner: LineScanner) -> Iterator[Finding]:
        """The last piece: tail ends with the line's newline."""
        end = tail.rstrip(b"\r\n")
        yield from self._scan(end, scanner)


def _line_starts(block: bytes, matches: Iterable[re.Match[bytes]]) -> set[int]:
    """Where the line holding the start of each match starts."""
    return {block.rfind(b"\n", 0, match.start()) + 1 for match in matches}


def _line_text(block: bytes, start: int, end: int | None = None) -> str:
    """The line (or lines) of a block from start to its newline, decoded, without the line break."""
    raw = block[start:block.find(b"\n", start) if end is None else end]
    if raw.endswith(b"\r"):
        raw = raw[:-1]
    return raw.decode("utf-8", "replace")


def _may_say_code_is(line: str) -> bool:
    """Whether "code is 30007" may name an error code on this line: only beside an error word,
    which a JSON line may spell with backslash escapes ("\\u0066ailed", "\\nfailed")."""
    return "\\" in line or "%" in line or has_error_word(lower(line))


def _scan_block(block: bytes, lines_before: int, scanner: LineScanner, first_block: bool, final: bool):  # type: ignore[no-untyped-def]
    """Yield the findings of whole lines (block ends with a newline); return how many bytes were
    read: all of them, unless a document opens that the block does not close (and more may come)."""
    lowered = block.lower()
    numeric = _line_starts(lowered, _PRE_ERR.finditer(lowered)) | _line_starts(lowered, _PRE_ENCODED.finditer(lowered))
    code_is: set[int] = set()
    for match in _PRE_CODE.finditer(lowered):
        (code_is if match.lastindex else numeric).add(block.rfind(b"\n", 0, match.start()) + 1)
    rules = scanner.rules
    label_re = rules.label_trigger_bytes
    labels = _line_starts(lowered, label_re.finditer(lowered)) if label_re is not None else set()
    if not lowered.isascii():  # a label may be written in other characters (full-width letters, ...)
        labels |= {start for start in _non_ascii_line_starts(block)}
    openers = _line_starts(block, _DOC_OPEN.finditer(block))
    if first_block and block.lstrip()[:1] in (b"{", b"["):  # the input may be one document as a whole
        first_char = len(block) - len(block.lstrip())
        openers.add(block.rfind(b"\n", 0, first_char) + 1)
    skip_to = 0
    counted_to, lineno = 0, lines_before + 1
    found: list[Finding] = []
    for line_start in sorted(numeric | code_is | labels | openers):
        if line_start < skip_to:
            continue
        lineno += block.count(b"\n", counted_to, line_start)
        counted_to = line_start
        if line_start in openers:
            end = _document_end(block, line_start)
            if end is None and not final and len(block) - line_start <= MAX_LINE_BYTES:
                yield from found
                return line_start  # the document may close in what is still to come
            if end is not None and end > block.find(b"\n", line_start) + 1:
                text = _line_text(block, line_start, end - 1)
                start = _document_start(_line_text(block, line_start))
                value = parse_json_document(text[start:]) if start >= 0 else None
                if value is not None:
                    seen: set[int] = set()
                    if start:
                        scanner.text(text[:start], lineno, seen, found)
                    scanner.document(value, lineno, found, seen=seen)
                    skip_to = end
                    yield from found
                    found.clear()
                    continue
        text = _line_text(block, line_start)
        is_numeric = line_start in numeric or (line_start in code_is and _may_say_code_is(text))
        has_label = line_start in labels
        if not is_numeric and not has_label:
            continue
        scanner.line(text, lineno, found, numeric=is_numeric, labels=has_label)
        if found:
            yield from found
            found.clear()
    return len(block)


def _non_ascii_line_starts(block: bytes) -> set[int]:
    return {block.rfind(b"\n", 0, match.start()) + 1 for match in re.finditer(rb"[\x80-\xff]+", block)}


def _document_end(block: bytes, start: int) -> int | None:
    """The offset just past the line where a document opened at the line at start closes (its brackets
    outside strings balance again); None when the block ends first."""
    depth = 0
    position = start
    first = True
    while position < len(block):
        newline = block.find(b"\n", position)
        line = _JSON_STRING.sub(b"", block[position:newline])
        if first:
            text = line.decode("utf-8", "replace")
            at = _document_start(text)
            line = line[len(text[:at].encode("utf-8")):] if at >= 0 else line
            first = False
        depth += line.count(b"{") + line.count(b"[") - line.count(b"}") - line.count(b"]")
        position = newline + 1
        if depth <= 0:
            return position
        if position - start > MAX_LINE_BYTES:
            return None
    return None


def _document_start(text: str) -> int:
    """Where in the first line of a document it opens: the last '{' or '[' at which the brackets of
    the line (outside strings) rise from zero and stay above it to the end of the line; -1 if none."""
    depth, start = 0, -1
    in_string = escaped = False
    for i, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char in "{[":
            if depth == 0:
                start = i
            depth += 1
        elif char in "}]":
            depth = max(0, depth - 1)
            if depth == 0:
                start = -1
    return start if depth > 0 else (0 if text.lstrip()[:1] in ("{", "[") else -1)


# --- a large file: ranges of lines scanned in parallel ----------------------------------------------

def split_at_lines(handle: BinaryIO, size: int, parts: int) -> list[int]:
    """Offsets 0 < ... < size that cut a file into `parts` ranges of about equal size, each cut at
    the start of a line that cannot be inside a document spread over lines (fewer ranges when no
    such line is near)."""
    cuts = [0]
    for part in range(1, parts):
        cut = _safe_line_start_from(handle, max(size * part // parts, cuts[-1] + 1), size)
        if cut < size:
            cuts.append(cut)
    return cuts + [size]


_SAFE_START = frozenset(b"\t \"{}[]\r\n")


def _safe_line_start_from(handle: BinaryIO, offset: int, size: int) -> int:
    """The first line start at or after offset that begins a line no document can be inside: it starts
    with a character other than white space, a quote or a bracket, and the line before it does not
    end with an opening bracket or a comma (size if there is none within MAX_LINE_BYTES)."""
    handle.seek(max(0, offset - 1))
    position = max(0, offset - 1)
    window = b""
    limit = position + MAX_LINE_BYTES
    while position < min(size, limit):
        chunk = handle.read(CHUNK_BYTES)
        if not chunk:
            break
        data = window + chunk
        base = position - len(window)
        search_from = len(window)
        while True:
            newline = data.find(b"\n", search_from)
            if newline < 0 or newline + 1 >= len(data):
                break
            candidate = newline + 1
            before = data[max(0, newline - 2):newline].rstrip(b"\r \t")
            if data[candidate] not in _SAFE_START and not before.endswith((b"{", b"[", b",")):
                return base + candidate
            search_from = candidate
        window = data[-3:]
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
