"""Scanning a stream (a log file, standard input) in constant memory, and a large file in parallel.

The stream is read in blocks of whole lines. A few passes of the regex engine over each block find the
lines that may hold a code (an "err" or "code" with a number after it, a word of a workflow label, a
character outside ASCII that may spell one) and the lines that open a JSON document spread over
several lines; every other line is skipped without being decoded. A document spread over lines
(pretty-printed JSON: the whole input, one entry of a log after its prefix, several in a row, a list
of them) is put together and read as one document, so a file and the same text given to
:func:`errdict.scan` give the same findings, and the same codes as the decoded object does. A
document that never closes is read line by line, as text.

Limits, so that memory stays bounded whatever the input:

* a line of up to :data:`MAX_LINE_BYTES` (4 MiB) is read whole: a JSON line that long is parsed as
  JSON; a longer line is scanned in pieces of that size that overlap by :data:`PIECE_OVERLAP` bytes,
  and a piece of a JSON line (one that opens with ``{`` or ``[``, or holds ``{"`` early on) only with
  the explicit error-code-key and URL rules, since its message texts can no longer be told apart;
* a document spread over lines is put together only when it closes within :data:`MAX_LINE_BYTES`
  of where it opened; otherwise its lines are read as text.

What is found does not depend on how the stream is cut into reads. A stream that starts with a
byte-order mark is read in its encoding (UTF-8, UTF-16 LE or BE); otherwise as UTF-8, undecodable
bytes replaced.

Every pattern here runs in linear time, and so does the bracket matching of documents: one pass
over the lines of a block, whatever the number of documents open at once.
"""
from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from typing import BinaryIO, Protocol

from ._finding import Finding
from ._lines import LineScanner
from ._walk import loads_document_prefix

CHUNK_BYTES = 1 << 20  # read the stream a mebibyte at a time
MAX_LINE_BYTES = 4 << 20  # a longer line (or document) is scanned in pieces of this size
PIECE_OVERLAP = 512  # bytes a piece shares with the next, so that no match is cut in two

# The pre-filters, on a lowered block: loose patterns that every numeric context (text rules and JSON
# keys alike) satisfies, starting at its "err" or "code". They may accept more than the rules do,
# never less (tests/test_scan_properties.py checks that against the rules applied to every line).
# Each starts with a literal word, which the regex engine skips to quickly; every quantifier is
# bounded or possessive, so a block is read in linear time.
# Each also takes, after its word, what a URL-encoded field or document holds ("error_code%22%3A",
# "errors%2F30007", "code%22%3A21211") and JSON escapes near the word (a PHP "errors\/30007",
# "Error\t30007"): such a line is read too, and its encoded values decoded.
# "Error 30007", "error: #30007", "error_number=1045", '"error": 30007', ".../errors/30007".
_PRE_ERR = re.compile(rb"err(?:(?:or(?:s/|[_\-]?+num(?:ber)?+)?+)?+(?:\\?+[\"'])?+[ \t]*+(?:(?:[:=#\-]|is)[ \t]*+)?+"
                      rb"(?:\\?+[\[(\"'])?+#?+[ \t]*+[1-9][0-9]{2}|[a-z_]{0,12}+%[0-9a-f]{2}|[^\n\\]{0,24}+\\)")
# "code 30007", "ErrorCode=30007", '"code": 21211', "code is 30007". Group 1 matched: "code is 30007"
# (a verification message says "Your code is 30007"), which names an error code only on a line that
# holds "err": such a line is parsed only then.
_PRE_CODE = re.compile(rb"code(?:(?:\\?+[\"'])?+[ \t]*+(?:(?:[:=#]|(is))[ \t]*+)?+(?:\\?+[\[(\"'])?+[ \t]*+"
                       rb"[1-9][0-9]{2}|%[0-9a-f]{2}|[^\n\\]{0,24}+\\)")
# A line that opens a document spread over lines: it ends with '{' or '['.
_DOC_OPENS = (re.compile(rb"\{[ \t]*+\r?\n"), re.compile(rb"\[[ \t]*+\r?\n"))  # one literal each: quick
_NON_ASCII = re.compile(rb"[\x80-\xff]++")
# The brackets of a line outside its strings (an unterminated string runs to the end of the line).
_BRACKET_OR_STRING = re.compile(rb'"(?:[^"\\\n]|\\.)*+"?+|[\[\]{}]')
_STRING = re.compile(rb'"(?:[^"\\\n]|\\.)*+"?+')
# A long line that holds JSON: it opens with a bracket, or holds a key early on.
_JSONISH = re.compile(rb'[ \t]*+[\[{]|[^\n]{0,256}?[\[{][ \t]*+"')


class _Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


class StreamStats:
    """What a stream scan read: lines and bytes (filled in as the scan goes)."""

    __slots__ = ("bytes", "lines")

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
    stats.bytes += len(head)
    if head.startswith(codecs.BOM_UTF8):
        return stream, head[3:]
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            transcoder = _Transcoder(stream, encoding, stats)
            return transcoder, transcoder.decoder.decode(head[2:]).encode("utf-8", "surrogatepass")
    return stream, head


class _State:
    """Where the scan is: complete lines before the unread part, and whether only white space came yet."""

    __slots__ = ("at_start", "lines_before")

    def __init__(self) -> None:
        self.lines_before = 0
        self.at_start = True  # nothing but white space so far: the input may be one document


def scan_stream(stream: _Readable, scanner: LineScanner, stats: StreamStats | None = None) -> Iterator[Finding]:
    """The findings of a binary stream, line by line, in constant memory (see the module's text)."""
    stats = stats if stats is not None else StreamStats()
    reader, pending = _opening_stream(stream, stats)
    transcoded = isinstance(reader, _Transcoder)
    state = _State()
    carry = b""  # bytes not scanned yet: they start at the start of a line
    long_line: _LongLine | None = None  # a line longer than MAX_LINE_BYTES, being scanned in pieces
    final = False
    while not final:
        if pending:
            data, pending = pending, b""
        else:
            data = _read_some(reader, CHUNK_BYTES)
            if not transcoded:
                stats.bytes += len(data)
        final = not data
        buffer = carry + data if carry else data
        if long_line is not None:
            newline = buffer.find(b"\n")
            if newline < 0 and not final:
                carry = yield from long_line.feed(buffer, scanner)
                continue
            end = newline if newline >= 0 else len(buffer)
            yield from long_line.finish(buffer[:end], scanner)
            long_line = None
            state.lines_before += 1
            state.at_start = False
            buffer = buffer[end + 1:]
        cut = len(buffer) if final else buffer.rfind(b"\n") + 1
        if cut == 0:
            if len(buffer) > MAX_LINE_BYTES:
                long_line = _LongLine(state.lines_before + 1, _JSONISH.match(buffer) is not None)
                carry = yield from long_line.feed(buffer, scanner)
                state.at_start = False
            else:
                carry = buffer
            continue
        block, rest = buffer[:cut], buffer[cut:]
        if final and not block.endswith(b"\n"):
            block += b"\n"  # the last line, without a newline
        done = yield from _scan_block(block, state, scanner, final)
        state.lines_before += block.count(b"\n", 0, done)
        carry = block[done:] + rest
        stats.lines = state.lines_before
    stats.lines = state.lines_before


class _LongLine:
    """A line longer than MAX_LINE_BYTES, scanned in overlapping pieces (the same pieces whether the
    line comes in one read or in many)."""

    def __init__(self, lineno: int, is_json: bool) -> None:
        self.lineno, self.strict = lineno, is_json
        self.seen: set[int] = set()
        self.offset = 0  # characters of the line before the current piece

    def _scan(self, data: bytes, scanner: LineScanner) -> list[Finding]:
        found: list[Finding] = []
        text = data.decode("utf-8", "replace")
        if text.endswith("\r"):
            text = text[:-1]
        scanner.text(text, self.lineno, self.seen, found, offset=self.offset, strict=self.strict)
        return found

    def feed(self, buffer: bytes, scanner: LineScanner):  # type: ignore[no-untyped-def]
        """Scan the whole pieces of buffer (a part of the line); return what is left to carry."""
        keep = MAX_LINE_BYTES - min(PIECE_OVERLAP, MAX_LINE_BYTES // 4)  # where the next piece starts
        while len(buffer) > MAX_LINE_BYTES:
            yield from self._scan(buffer[:MAX_LINE_BYTES], scanner)
            self.offset += len(buffer[:keep].decode("utf-8", "replace"))
            buffer = buffer[keep:]
        return buffer

    def finish(self, tail: bytes, scanner: LineScanner) -> Iterator[Finding]:
        """The rest of the line (without its newline): its whole pieces, then the last one."""
        tail = yield from self.feed(tail, scanner)
        yield from self._scan(tail, scanner)


def _line_starts(block: bytes, matches: Iterable[re.Match[bytes]]) -> set[int]:
    """Where the line holding the start of each match starts."""
    return {block.rfind(b"\n", 0, match.start()) + 1 for match in matches}


def _line_text(block: bytes, start: int, end: int | None = None) -> str:
    """The line (or lines) of a block from start to its newline, decoded, without the line break."""
    raw = block[start:block.find(b"\n", start) if end is None else end]
    if raw.endswith(b"\r"):
        raw = raw[:-1]
    return raw.decode("utf-8", "replace")


_LONG_RUNS: dict[int, re.Pattern[bytes]] = {}


def _long_lines(block: bytes) -> list[tuple[int, int]]:
    """(start, end without the newline) of each line of the block longer than MAX_LINE_BYTES."""
    if len(block) <= MAX_LINE_BYTES:
        return []
    pattern = _LONG_RUNS.get(MAX_LINE_BYTES)
    if pattern is None:
        pattern = _LONG_RUNS[MAX_LINE_BYTES] = re.compile(rb"(?:^|(?<=\n))[^\n]{%d,}+" % (MAX_LINE_BYTES + 1))
    return [match.span() for match in pattern.finditer(block)]


def _scan_block(block: bytes, state: _State, scanner: LineScanner, final: bool):  # type: ignore[no-untyped-def]
    """Yield the findings of whole lines (block ends with a newline); return how many bytes were
    read: all of them, unless a document opens that the block does not close (and more may come)."""
    lowered = block.lower()
    numeric = _line_starts(lowered, _PRE_ERR.finditer(lowered))
    code_is: set[int] = set()
    for match in _PRE_CODE.finditer(lowered):
        (code_is if match.lastindex else numeric).add(block.rfind(b"\n", 0, match.start()) + 1)
    rules = scanner.rules
    triggered: set[int] = set()  # lines that hold a word of a label
    for label_re in rules.label_triggers_bytes:
        triggered |= _line_starts(lowered, label_re.finditer(lowered))
    labels = triggered
    if not lowered.isascii():  # a label may be written in other characters (full-width letters, ...)
        labels = triggered | _line_starts(block, _NON_ASCII.finditer(block))
    openers = _line_starts(block, _DOC_OPENS[0].finditer(block)) | _line_starts(block, _DOC_OPENS[1].finditer(block))
    first_content = -1  # where the first line that is not white space starts, while at the start
    if state.at_start:  # the input may be one document as a whole, its first line not ending in '{'
        content = len(block) - len(block.lstrip())
        if content < len(block):
            first_content = block.rfind(b"\n", 0, content) + 1
            if block[content:content + 1] in (b"{", b"["):
                openers.add(first_content)
    long_lines = dict(_long_lines(block))
    closes = _close_documents(block, sorted(openers), long_lines) if openers else {}
    skip_to = 0
    counted_to, lineno = 0, state.lines_before + 1
    found: list[Finding] = []
    failed_until = 0  # documents opening before this point failed to parse where the outer one did
    for line_start in sorted(numeric | code_is | labels | openers | long_lines.keys()):
        if line_start < skip_to:
            continue
        lineno += block.count(b"\n", counted_to, line_start)
        counted_to = line_start
        long_end = long_lines.get(line_start) if long_lines else None
        if long_end is not None:
            piece = _LongLine(lineno, _JSONISH.match(block, line_start) is not None)
            yield from piece.finish(block[line_start:long_end], scanner)
            skip_to = long_end
            continue
        if openers and line_start in openers:
            end = closes.get(line_start, -1)
            if end is None and not final and len(block) - line_start <= MAX_LINE_BYTES:
                if 0 <= first_content < line_start:  # the first line is read: not at the start any more
                    state.at_start = False
                return line_start  # the document may close in what is still to come
            if end is not None and end > 0 and not (line_start < failed_until < end):
                value, failed_at, prefix = _document(block, line_start, end)
                if value is not None:
                    seen: set[int] = set()
                    if prefix:
                        scanner.text(prefix, lineno, seen, found)
                    scanner.document(value, lineno, found, seen=seen)
                    skip_to = end
                    yield from found
                    found.clear()
                    continue
                if failed_at is not None:
                    failed_until = max(failed_until, failed_at)
        is_numeric = line_start in numeric
        if not is_numeric and line_start in code_is:
            # "code is 30007" names an error code only beside "err" (an error word or an error-code key),
            # which a JSON line may spell with escapes ("\u0066ailed", "\nfailed") or URL-encoded
            line_end = block.find(b"\n", line_start)
            is_numeric = lowered.find(b"err", line_start, line_end) >= 0 or \
                block.find(b"\\", line_start, line_end) >= 0 or block.find(b"%", line_start, line_end) >= 0
        has_label = line_start in labels
        if not is_numeric and not has_label:
            continue
        text = _line_text(block, line_start)
        scanner.line(text, lineno, found, is_numeric, has_label, line_start in triggered)
        if found:
            yield from found
            found.clear()
    if first_content >= 0:
        state.at_start = False
    return len(block)


def _document(block: bytes, start: int, end: int) -> tuple[object, int | None, str]:
    """The document that opens on the line at start and closes on the line ending at end: (its value
    or None, where in the block parsing failed or None, the text of the first line before it)."""
    first_end = block.find(b"\n", start)
    at = _document_start(block[start:first_end])
    if at < 0:
        return None, None, ""
    raw = block[start + at:end]
    text = raw.decode("utf-8", "replace")
    value, failed = loads_document_prefix(text)
    if value is None:
        if failed is None or not raw.isascii():
            return None, None, ""
        return None, start + at + failed, ""
    prefix = block[start:start + at].decode("utf-8", "replace") if at else ""
    return value, None, prefix


def _document_start(line: bytes) -> int:
    """Where in the first line of a document it opens: the last '{' or '[' at which the brackets of
    the line (outside strings) rise from zero and stay above it to the end of the line; -1 if none.
    A line that is not such a line but starts with a bracket (the first line of the input) opens
    at its first bracket."""
    depth, start = 0, -1
    for token in _BRACKET_OR_STRING.finditer(line):
        char = line[token.start()]
        if char == 0x22:  # a string
            continue
        if char in (0x7B, 0x5B):
            if depth == 0:
                start = token.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                start = -1
    if depth > 0:
        return start
    stripped = line.lstrip()
    return len(line) - len(stripped) if stripped[:1] in (b"{", b"[") else -1


_UNCLOSED = None  # the block ended before the document closed
_GAVE_UP = -1  # the document did not close within MAX_LINE_BYTES (or holds a line longer than that)


def _close_documents(block: bytes, openers: list[int], long_lines: dict[int, int]) -> dict[int, int | None]:
    """For each opener (the start of a line that opens a document), the offset just past the line where
    its document closes (its brackets, outside strings, come back to where they were before it opened),
    _UNCLOSED or _GAVE_UP. One pass over the lines from the first opener, with a stack of the documents
    open at once: linear in the block whatever their number or nesting."""
    closes: dict[int, int | None] = {}
    stack: list[tuple[int, int]] = []  # (opener, the depth before its document), innermost last
    bottom = 0  # stack[bottom:] are the documents still open (earlier ones gave up)
    depth = 0
    next_opener = 0
    position = openers[0]
    size = len(block)
    while position < size:
        if bottom == len(stack):  # nothing open: go to the next opener
            stack.clear()
            bottom = 0
            while next_opener < len(openers) and openers[next_opener] < position:
                next_opener += 1
            if next_opener == len(openers):
                break
            position = openers[next_opener]
            depth = 0
        newline = block.find(b"\n", position)
        line_end = newline + 1
        if position in long_lines:  # a line too long to be part of a document
            for opener, _ in stack[bottom:]:
                closes[opener] = _GAVE_UP
            bottom = len(stack)
            if next_opener < len(openers) and openers[next_opener] == position:
                closes[position] = _GAVE_UP
                next_opener += 1
            position = line_end
            continue
        line = block[position:newline]
        low_point = depth
        if next_opener < len(openers) and openers[next_opener] == position:
            next_opener += 1
            at = _document_start(line)
            if at < 0:
                closes[position] = _GAVE_UP
            else:
                if bottom < len(stack):
                    depth, low_point = _brackets(line[:at], depth)
                    low_point = _pop_closed(stack, bottom, low_point, line_end, closes)
                    bottom = min(bottom, len(stack))
                else:
                    depth = 0
                stack.append((position, depth))
                # the document's part of the line, after its opening bracket: it may close there too
                depth, low_point = _brackets(line[at + 1:], depth + 1)
                _pop_closed(stack, bottom, low_point, line_end, closes)
                position = line_end
                continue
        if bottom < len(stack):
            depth, low_point = _brackets(line, depth)
            _pop_closed(stack, bottom, low_point, line_end, closes)
            bottom = min(bottom, len(stack))
            while bottom < len(stack) and line_end - stack[bottom][0] > MAX_LINE_BYTES:
                closes[stack[bottom][0]] = _GAVE_UP
                bottom += 1
        position = line_end
    for opener, _ in stack[bottom:]:
        closes[opener] = _UNCLOSED
    return closes


def _pop_closed(stack: list[tuple[int, int]], bottom: int, low_point: int, line_end: int,
                closes: dict[int, int | None]) -> int:
    """Close the open documents whose depth the line came back to: they end at line_end."""
    while len(stack) > bottom and stack[-1][1] >= low_point:
        closes[stack.pop()[0]] = line_end
    return low_point


def _brackets(line: bytes, depth: int) -> tuple[int, int]:
    """The depth after a line's brackets (outside strings), and the lowest depth reached on it."""
    if b'"' in line:
        line = _STRING.sub(b"", line)
    opened = line.count(b"{") + line.count(b"[")
    closed = line.count(b"}") + line.count(b"]")
    if not closed:
        return depth + opened, depth
    if not opened:
        return depth - closed, depth - closed
    low = depth
    for char in line:
        if char in (0x7B, 0x5B):
            depth += 1
        elif char in (0x7D, 0x5D):
            depth -= 1
            low = min(low, depth)
    return depth, low


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
    return [*cuts, size]


# A line inside a JSON document starts (after white space) with the token that follows a line break:
# a bracket, a quote, a comma or a colon, or a value after a line that ended with '{', '[', ',' or ':'.
_UNSAFE_START = frozenset(b"\t \"{}[],:\r\n")
_UNSAFE_END = (b"{", b"[", b",", b":")


def _safe_line_start_from(handle: BinaryIO, offset: int, size: int) -> int:
    """The first line start at or after offset that begins a line no document can be inside: it starts
    with a character no line of a document starts with, and the line before it does not end with an
    opening bracket, a comma or a colon, nor is blank (size if there is none within MAX_LINE_BYTES)."""
    start = max(0, offset - 1 - _LOOK_BACK)  # read a little before: the end of the line before counts
    handle.seek(start)
    position = start  # the file offset of data[0]
    data = b""
    search_from = offset - 1 - start
    limit = offset + MAX_LINE_BYTES
    while position + len(data) < min(size, limit):
        chunk = handle.read(CHUNK_BYTES)
        if not chunk:
            break
        data += chunk
        while True:
            newline = data.find(b"\n", search_from)
            if newline < 0 or newline + 1 >= len(data):
                break
            candidate = newline + 1
            before = data[max(0, newline - _LOOK_BACK):newline].rstrip(b"\r \t")
            if data[candidate] not in _UNSAFE_START and before and not before.endswith(_UNSAFE_END):
                return position + candidate
            search_from = candidate
        keep = max(0, len(data) - _LOOK_BACK - 1)  # drop what is behind, keep the look-back
        data, position, search_from = data[keep:], position + keep, max(0, search_from - keep)
    return size


_LOOK_BACK = 64


class _Range:
    """A binary stream over `length` bytes of a file from its current position."""

    def __init__(self, handle: BinaryIO, length: int) -> None:
        self._handle, self._left = handle, length

    def read(self, size: int = -1) -> bytes:
        size = self._left if size < 0 else min(size, self._left)
        data = self._handle.read(size) if size > 0 else b""
        self._left -= len(data)
        return data
