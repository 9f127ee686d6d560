"""Find the catalog's codes in what support tools actually hold: API error bodies, status-callback
form bodies, JSON webhook payloads (the upstream Debugger webhook and Event Streams error-log events
included), log lines and the platform's workflow error labels.

    >>> from errdict import scan
    >>> [f.code for f in scan("MessageStatus=undelivered&ErrorCode=30007&To=%2B14155550123")]
    [30007]

What counts as a code is decided by the rules of :mod:`errdict._rules`; a line is read as a JSON
document, a form body or text by :mod:`errdict._lines`; an object is walked by :mod:`errdict._walk`;
a text, bytes or a stream goes through the same reader, :mod:`errdict._stream`, so ``scan(text)``
and ``errdict scan FILE`` always agree.

Only catalog codes are reported by default; every code of the upstream list is in the catalog,
explained or not. ``include_unknown=True`` also reports a well-formed number the catalog lacks in an
upstream code context only (``Finding.known`` is False): under a key that spells out "error code"
(``ErrorCode``, ``error_code``, ``Error Code``, ``lastErrorCode``, ...) on a line that names no other
system's errors, or in an upstream error-page URL; never one merely after the word "error" or under
a bare ``error`` key (an HTTP status), ``errno`` or ``err_code`` (an OS's), nor beside ``SQLSTATE``,
``MySQL`` or ``ORA-`` (a database's).

Whatever the input (its size, its depth, a huge integer, a broken ``__index__``, a damaged alias
index), ``scan()`` returns findings or raises TypeError for a type it does not take; it never raises
anything else, and it runs in time linear in the size of the input.
"""
from __future__ import annotations

import itertools
import weakref
from collections.abc import Iterator, Mapping
from typing import Any

from ._catalog import Catalog, default_catalog
from ._finding import KINDS, Finding
from ._lines import LineScanner
from ._rules import Rules
from ._stream import StreamStats, _Range, _Readable, split_at_lines
from ._stream import scan_stream as _scan_stream
from ._summary import Summary, summarize

__all__ = [
    "KINDS",
    "Finding",
    "StreamStats",
    "Summary",
    "rules_for",
    "scan",
    "scan_stream",
    "summarize",
    "summarize_file",
]

_RULES: weakref.WeakKeyDictionary[Catalog, Rules] = weakref.WeakKeyDictionary()


def rules_for(catalog: Catalog) -> Rules:
    """The detection rules bound to a catalog's codes and labels (built once per catalog)."""
    rules = _RULES.get(catalog)
    if rules is None:
        rules = _RULES.setdefault(catalog, Rules(catalog.codes(), catalog.aliases()))
    return rules


def scan(source: str | bytes | bytearray | memoryview | Mapping[Any, Any] | list[Any] | tuple[Any, ...] | None,
         *, include_unknown: bool = False, catalog: Catalog | None = None) -> list[Finding]:
    """Every code found in a text or a JSON-like object, in order of appearance.

    ``source``: a str (a log, a form body, a JSON document, a label), bytes (decoded as UTF-8 or by
    their byte-order mark, undecodable bytes replaced), or a mapping/list such as a parsed webhook
    payload. A scalar (int, float, None, bool) holds no context and gives no findings. Never raises
    on any such input, whatever its size or depth; another type raises TypeError.
    """
    rules = rules_for(catalog or default_catalog())
    if isinstance(source, str):
        source = source.encode("utf-8", "surrogatepass")
    if isinstance(source, (bytes, bytearray, memoryview)):
        import io

        return list(_scan_stream(io.BytesIO(bytes(source)), LineScanner(rules, include_unknown)))
    if isinstance(source, (Mapping, list, tuple)):
        out: list[Finding] = []
        scanner = LineScanner(rules, include_unknown)
        scanner.document(source, None, out)
        return out
    other: object = source  # whatever a caller passed despite the annotation
    if other is None or isinstance(other, (int, float)) or hasattr(type(other), "__index__"):
        return []
    raise TypeError(f"scan takes a str, bytes, a mapping or a list, not {type(other).__name__}")


def scan_stream(stream: _Readable, *, include_unknown: bool = False, stats: StreamStats | None = None,
                catalog: Catalog | None = None) -> Iterator[Finding]:
    """The findings of a binary stream (a log file, standard input), line by line, in constant memory."""
    rules = rules_for(catalog or default_catalog())
    return _scan_stream(stream, LineScanner(rules, include_unknown), stats)


# --- a large file: ranges of lines in parallel ---------------------------------------------------------

# The catalog the forked workers scan with: set before they are forked, inherited by them (a Catalog
# holds a lock and cannot be pickled; the rules built from it are inherited too).
_WORKER: dict[str, Catalog] = {}


def _summarize_range(path: str, start: int, end: int, catalog: Catalog | None = None) -> tuple[Summary, StreamStats]:
    """The summary of the lines in bytes start..end of a file, numbered from 1."""
    catalog = catalog or _WORKER.get("catalog") or default_catalog()
    stats = StreamStats()
    with open(path, "rb") as handle:
        handle.seek(start)
        summary = summarize(scan_stream(_Range(handle, end - start), include_unknown=True, stats=stats,
                                        catalog=catalog))
    return summary, stats


def summarize_file(path: str, jobs: int, catalog: Catalog | None = None) -> tuple[Summary, StreamStats]:
    """The summary of a file scanned by `jobs` processes, each over a range of whole lines: the same
    as one process gives, in the memory of one process each. One process where the system cannot
    fork."""
    import multiprocessing
    import os

    catalog = catalog or default_catalog()
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        head = handle.read(4)
    # A file with a byte-order mark, or one that is a single document, is read in one stream.
    cuts = [0, size] if head[:2] in (b"\xff\xfe", b"\xfe\xff") or head.lstrip()[:1] in (b"{", b"[") else None
    if cuts is None:
        with open(path, "rb") as handle:
            cuts = split_at_lines(handle, size, jobs)
    ranges = list(itertools.pairwise(cuts))
    if len(ranges) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return _summarize_range(path, 0, size, catalog)
    from concurrent.futures import ProcessPoolExecutor

    rules_for(catalog)  # once, before the workers are forked
    _WORKER["catalog"] = catalog
    try:
        with ProcessPoolExecutor(len(ranges) - 1, mp_context=multiprocessing.get_context("fork")) as pool:
            later = [pool.submit(_summarize_range, path, start, end) for start, end in ranges[1:]]
            parts = [_summarize_range(path, *ranges[0], catalog)] + [future.result() for future in later]
    finally:
        _WORKER.clear()
    summary, stats = parts[0]
    for part, part_stats in parts[1:]:
        summary.merge(part, stats.lines)
        stats.lines += part_stats.lines
        stats.bytes += part_stats.bytes
    return summary, stats

