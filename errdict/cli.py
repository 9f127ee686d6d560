"""The command line: ``errdict CODE ...``, ``errdict search WORDS``, ``errdict scan FILE|-``.

Exit status, the same set for every command:

* 0 (:data:`EXIT_OK`): done. Every code asked for was found; a search matched; a scan ran, whatever
  it found. Also when the reader of the output went away (``errdict scan app.log | head -1``).
* 1 (:data:`EXIT_NOT_FOUND`): a code asked for is not in the catalog (the nearest known codes are
  suggested on standard error), or a search matched nothing.
* 2 (:data:`EXIT_USAGE`): a usage error: no arguments, an unknown option, an argument that holds no
  code, a file that cannot be read, a ``--site-url`` or ``ERRDICT_SITE_URL`` that is not an http(s)
  URL. The message starts with ``errdict:`` and is followed by the command's usage line.
* 3 (:data:`EXIT_DATA`): the compiled catalog errdict reads is missing or damaged (reinstall errdict,
  or in a checkout run ``python -m generator compile``). Never reported as a usage error.
* 130 (:data:`EXIT_INTERRUPTED`): interrupted (Ctrl-C). A scan prints what it read before stopping.

Messages go to standard error, results to standard output. ``--json`` output keeps the order of
the arguments (an unknown code in its place, as ``{"code", "error", "suggestions"}``); a code errdict
has not explained has ``"explained": false`` and ``"retry"``/``"action"`` ``"unknown"``.
``errdict scan --findings`` writes each finding as soon as its line is read (``tail -f app.log |
errdict scan - --findings``); with ``--json`` it streams a JSON array, one finding per line, in
constant memory, closed properly on Ctrl-C too.

Whatever the catalog, the arguments, the file names or a scanned log hold, the command line never
writes a control character it did not put there itself: C0 and C1 controls (escape sequences, bell,
NUL, carriage return), bidirectional overrides and isolates, zero-width and other invisible format
characters, line and paragraph separators and lone surrogates are shown as visible escapes such as
``\\x1b`` or ``\\u202e`` in text, and as ``\\u`` escapes in JSON (which decodes to the same value).
Output that the terminal's encoding cannot hold (``PYTHONIOENCODING=ascii``) is written with
escapes too, never a crash.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import signal
import sys
import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import IO, Any, BinaryIO, NoReturn, TextIO

from . import __version__
from ._catalog import SITE_URL_VARIABLE, Catalog, check_site_url
from ._codes import parse_code
from ._model import CatalogDataError, ErrorCode, UnknownCodeError

EXIT_OK, EXIT_NOT_FOUND, EXIT_USAGE, EXIT_DATA, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
SUBCOMMANDS = ("search", "scan")
EXIT_STATUS_HELP = ("Exit status: 0 done, 1 a code is not in the catalog or nothing matched, 2 usage error "
                    "(or a file that cannot be read), 3 errdict's catalog is damaged, 130 interrupted.")


class UsageError(Exception):
    """A usage error: printed as ``errdict: MESSAGE`` followed by the command's usage line; the exit
    status is 2."""


@contextmanager
def _entry_data(what: str) -> Iterator[None]:
    """Reading the fields of entries the catalog returned: a field of the wrong type (a damaged
    entry line the catalog let through) is reported as damaged data, never as a traceback."""
    try:
        yield
    except (TypeError, AttributeError, KeyError) as exc:
        raise CatalogDataError(f"{what} is damaged ({type(exc).__name__}: {exc})") from None


# --- safe output ------------------------------------------------------------------------------------
# Every character of Unicode's categories Cc (C0, DEL, C1), Cf (format: bidi controls, zero-width
# characters, tags, ...), Zl, Zp and Cs (lone surrogates, from undecodable arguments or file names).
_UNSAFE_CLASS = ("\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
                 "\u200b-\u200f\u2028-\u202e\u2060-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb"
                 "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
                 "\U000e0001\U000e0020-\U000e007f")
_UNSAFE = re.compile(f"[{_UNSAFE_CLASS}]")
_UNSAFE_BUT_NEWLINE = re.compile(f"(?!\n)[{_UNSAFE_CLASS}]")


def _escape(match: re.Match[str]) -> str:
    point = ord(match.group(0))
    return f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}" if point < 0x10000 else f"\\U{point:08x}"


def safe(text: object) -> str:
    """Text with every control or invisible format character (a newline included) shown as a
    visible escape such as ``\\x1b``."""
    return _UNSAFE.sub(_escape, str(text))


def _json_escape(match: re.Match[str]) -> str:
    point = ord(match.group(0))
    if point < 0x10000:
        return f"\\u{point:04x}"
    point -= 0x10000
    return f"\\u{0xd800 + (point >> 10):04x}\\u{0xdc00 + (point & 0x3ff):04x}"


def safe_json(value: Any, indent: int | None = 2, ascii_only: bool = False) -> str:
    """JSON of value in which no character could act on a terminal. json.dumps escapes the C0
    controls inside strings; the others (DEL, C1, format characters, separators, lone surrogates)
    are escaped here the JSON way, so the document decodes to the same value. The only control
    character left is the newline of the indentation."""
    text = json.dumps(value, ensure_ascii=ascii_only, indent=indent)
    return _UNSAFE_BUT_NEWLINE.sub(_json_escape, text)


# Typographic characters of the catalog's prose, written as ASCII when the output cannot hold them.
_ASCII_FALLBACK = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
                                 "\u2014": "-", "\u2026": "...", "\u00b7": "-", "\u00d7": "x", "\u00a0": " "})


class _Output:
    """A text stream that writes only what is safe: every unsafe character but the newline is
    escaped (whatever a caller forgot), and a character the stream's encoding lacks is written as
    an escape instead of raising UnicodeEncodeError."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        encoding = getattr(stream, "encoding", None) or "utf-8"
        try:
            "\u00b7\u2019\u2026\u00d7\U0001f600".encode(encoding)
            self.encoding: str | None = None  # holds every character
        except (UnicodeEncodeError, LookupError):
            self.encoding = encoding
        self.unicode = self.encoding is None

    def write(self, text: str) -> None:
        text = _UNSAFE_BUT_NEWLINE.sub(_escape, text)
        if self.encoding is not None:
            with suppress(LookupError):
                text = text.translate(_ASCII_FALLBACK).encode(self.encoding, "backslashreplace").decode(self.encoding)
        self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        try:
            return bool(self.stream.isatty())
        except (AttributeError, ValueError, OSError):
            return False

    def json(self, value: Any, indent: int | None = 2) -> str:
        return safe_json(value, indent, ascii_only=not self.unicode)


def _width(stream: _Output) -> int:
    columns = 88
    if stream.isatty():
        with suppress(ValueError, OSError):
            columns = shutil.get_terminal_size((88, 24)).columns
    return max(40, min(columns, 100))


def _wrap(text: str, width: int, indent: str, first: str | None = None) -> str:
    """Paragraphs (split at blank lines) re-flowed to width; the text's own line breaks and other
    white space become single spaces before anything unsafe is escaped."""
    paragraphs = [safe(" ".join(p.split())) for p in re.split(r"\n[ \t]*\n", text) if p.strip()]
    out = []
    for i, para in enumerate(paragraphs):
        lead = first if (first is not None and i == 0) else indent
        out.append(textwrap.fill(para, width=width, initial_indent=lead, subsequent_indent=indent,
                                 break_long_words=False, break_on_hyphens=False))
    return "\n\n".join(out)


# --- explaining a code --------------------------------------------------------------------------------

def render_text(err: ErrorCode, width: int = 88, dot: str = "\u00b7") -> str:
    """A readable explanation of one code, for a terminal. A code errdict has not explained shows
    its official facts and says plainly that it gives no advice."""
    facts = [safe(err.level_title), safe(err.product_title)]
    if err.status != "active":
        facts.append(safe(err.status))
    if not err.explained:
        facts.append("not explained yet")
    lines = [safe(str(err)), "  " + f" {dot} ".join(facts)]
    if err.status != "active" and err.replaced_by:
        lines.append(f"  {safe(err.status).capitalize()}: use {err.replaced_by} instead.")
    if err.former_titles:
        lines.append(_wrap("Formerly: " + "; ".join(f.title for f in err.former_titles), width, "    ", "  "))
    if not err.explained:
        lines += ["", _wrap("errdict has not explained this code yet. It lists the upstream provider's official "
                            "facts only, and gives no retry advice, no recommended action and nothing to tell "
                            "the customer. Read the provider's page for the code:", width, "  "),
                  f"  {safe(err.upstream_url)}"]
        if err.upstream_products:
            label = "Upstream products: " if len(err.upstream_products) > 1 else "Upstream product: "
            lines.append(_wrap(label + ", ".join(err.upstream_products), width, "    ", "  "))
        lines += ["", f"  Retry:   {safe(err.retry_title)}", f"  Action:  {safe(err.action_title)}",
                  "", f"  More:     {safe(err.url)}"]
        return "\n".join(lines)
    if err.summary:
        lines += ["", _wrap(err.summary, width, "  ")]
    lines += ["", "  Retry:     " + safe(err.retry_title), "  Action:    " + safe(err.action_title)]
    if err.advice:
        lines.append(_wrap(err.advice, width, "             "))
    if err.who_acts_titles:
        lines.append(_wrap("; ".join(err.who_acts_titles), width, "             ", "  Who acts:  "))
    if err.tell_customer:
        lines += ["", "  What to tell the customer", _wrap(err.tell_customer, width, "    ")]
    if err.causes:
        lines += ["", "  Possible causes"]
        lines += [_wrap(cause, width, "      ", "    - ") for cause in err.causes]
    if err.solutions:
        lines += ["", "  Possible solutions"]
        lines += [_wrap(solution, width, "       ", f"    {i}. ") for i, solution in enumerate(err.solutions, 1)]
    for heading, text in (("Sent from the LC app", err.lc_app), ("Sent from your own integration", err.own_integration),
                          ("When to contact LC Support", err.escalation)):
        if text:
            lines += ["", f"  {heading}", _wrap(text, width, "    ")]
    if err.aliases:
        lines += ["", _wrap("Also known as: " + "; ".join(err.aliases), width, "    ", "  ")]
    if err.related:
        lines += ["", "  Related: " + ", ".join(str(code) for code in err.related)]
    lines.append("")
    for article in err.lc_help:
        lines += [_wrap(article.title, width, " " * 12, "  LC help:  "), " " * 12 + safe(article.url)]
    lines += [f"  More:     {safe(err.url)}", f"  Upstream: {safe(err.upstream_url)}"]
    return "\n".join(lines)


def _explain(args: argparse.Namespace, catalog: Catalog, out: _Output, err_out: _Output) -> int:
    numbers = []
    for raw in args.codes:  # every argument is read before anything is looked up or printed
        try:
            numbers.append(parse_code(raw))
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    results: list[ErrorCode | UnknownCodeError] = []
    for number in numbers:
        try:
            found = catalog.lookup(number)
        except UnknownCodeError as exc:
            results.append(exc)
            err_out.write(f"errdict: {safe(exc)}\n")
            continue
        results.append(found if args.site_url is None else found.with_site_url(args.site_url))
    if args.json:
        with _entry_data("an entry of the catalog"):
            payload = [item.to_dict() if isinstance(item, ErrorCode) else
                       {"code": item.code, "error": "unknown code", "suggestions": list(item.suggestions)}
                       for item in results]  # in the order of the arguments, unknown codes in place
        out.write(out.json(payload) + "\n")
    else:
        width, dot = _width(out), "\u00b7" if out.unicode else "-"
        with _entry_data("an entry of the catalog"):
            texts = [render_text(item, width, dot) for item in results if isinstance(item, ErrorCode)]
        if texts:
            out.write("\n\n".join(texts) + "\n")
    missing = any(isinstance(item, UnknownCodeError) for item in results)
    return EXIT_NOT_FOUND if missing else EXIT_OK


def _with_site(err: ErrorCode, site_url: str | None) -> ErrorCode:
    return err if site_url is None else err.with_site_url(site_url)


def _search(args: argparse.Namespace, catalog: Catalog, out: _Output, err_out: _Output) -> int:
    text = " ".join(args.words)
    if not text.strip():
        raise UsageError("search: give one or more words to search for")
    with _entry_data("an entry of the catalog"):
        results = [_with_site(e, args.site_url) for e in catalog.search(text, limit=args.limit)]
        if args.json:
            shown = out.json([{"code": e.code, "title": e.title, "summary": e.summary, "explained": e.explained,
                               "level": e.level, "product": e.product, "retry": e.retry, "action": e.action,
                               "who_acts": list(e.who_acts), "url": e.url, "upstream_url": e.upstream_url}
                              for e in results]) + "\n"
        else:
            width = _width(out)
            shown = "".join(f"{e.code:>6}  {safe(e.title)}\n"
                            + _wrap(e.summary or "(not explained yet)", width, "        ") + "\n" for e in results)
    if not results and not args.json:
        err_out.write(f"errdict: search: nothing matches {safe(repr(text))}\n")
    out.write(shown)
    return EXIT_OK if results else EXIT_NOT_FOUND


# --- scanning a log ---------------------------------------------------------------------------------------

def _fit(text: str, width: int, ellipsis: str = "\u2026") -> str:
    return text if len(text) <= width else text[:max(0, width - len(ellipsis))] + ellipsis


def render_summary(summary: Any, catalog: Catalog, source: str, lines: int, width: int = 100,
                   interrupted: bool = False, unicode: bool = True) -> str:
    """The summary table for a terminal: count, code, title and recommended action."""
    out = []
    ranked = summary.ranked()
    if ranked:
        count_width = max(5, len(str(ranked[0][1])))
        title_width = max(20, (width - count_width - 10) * 11 // 20)
        out.append(f"{'count':>{count_width}}  {'code':>6}  {'title':<{title_width}}  action")
        for code, count in ranked:
            err = catalog.lookup(code)
            action = safe(err.action_title) if err.explained else "not explained yet: " + safe(err.upstream_url)
            title = _fit(safe(err.title), title_width, "\u2026" if unicode else "...")
            out.append(f"{count:>{count_width}}  {code:>6}  {title:<{title_width}}  {action}")
    unknown = summary.ranked_unknown()
    if unknown:
        times = "\u00d7" if unicode else "x"
        out.append("")
        out.append("not in the upstream list: " + ", ".join(f"{code} ({times}{count})" for code, count in unknown))
    known_total = sum(summary.counts.values())
    plural = "s" if len(ranked) != 1 else ""
    where = f"{lines} line{'s' if lines != 1 else ''} of {safe(source)}"
    out.append("")
    out.append(f"{known_total} occurrence{'s' if known_total != 1 else ''} of {len(ranked)} code{plural} in {where}"
               if ranked else f"no error codes found in {where}")
    if interrupted:
        out.append("(interrupted: this is what was read before Ctrl-C)")
    return "\n".join(out).lstrip("\n") + "\n"


def summary_json(summary: Any, catalog: Catalog, source: str, lines: int, size: int,
                 site_url: str | None = None, interrupted: bool = False) -> dict[str, Any]:
    codes = []
    for code, count in summary.ranked():
        err = _with_site(catalog.lookup(code), site_url)
        codes.append({"code": code, "count": count, "first_line": summary.first_line[code], "title": err.title,
                      "explained": err.explained, "level": err.level, "product": err.product, "retry": err.retry,
                      "action": err.action, "action_title": err.action_title, "who_acts": list(err.who_acts),
                      "advice": err.advice, "url": err.url, "upstream_url": err.upstream_url})
    unknown = [{"code": code, "count": count, "first_line": summary.unknown_first_line[code]}
               for code, count in summary.ranked_unknown()]
    return {"source": source, "lines": lines, "bytes": size, "occurrences": sum(summary.counts.values()),
            "codes": codes, "unknown": unknown, "interrupted": interrupted}


PARALLEL_MIN_BYTES = 32 << 20  # a smaller file is scanned in one process: starting another costs more


def _default_jobs() -> int:
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return min(2, cpus)


class _ReadError(Exception):
    """The input could not be read (as opposed to the output not being writable)."""


class _Input:
    """The binary stream being scanned. Read errors are told apart from write errors; the output is
    flushed whenever the scanner asks for more input (so `tail -f app.log | errdict scan -
    --findings` shows each finding as soon as its line is read, without a write per finding); the
    first bytes are kept to recognise UTF-16 without a byte-order mark."""

    SAMPLE = 4096

    def __init__(self, stream: BinaryIO | IO[bytes], out: _Output | None) -> None:
        self.stream, self.out = stream, out
        self.sample = b""

    def _keep(self, data: bytes) -> bytes:
        if len(self.sample) < self.SAMPLE:
            self.sample += data[:self.SAMPLE - len(self.sample)]
        return data

    def read(self, size: int = -1) -> bytes:
        if self.out is not None:
            self.out.flush()  # outside the try: a closed output is not a read error
        try:
            return self._keep(self.stream.read(size))
        except OSError as exc:
            raise _ReadError(exc.strerror or str(exc)) from None

    def read1(self, size: int = -1) -> bytes:
        read1 = getattr(self.stream, "read1", None)
        if read1 is None:
            return self.read(size)
        if self.out is not None:
            self.out.flush()
        try:
            return self._keep(read1(size))
        except OSError as exc:
            raise _ReadError(exc.strerror or str(exc)) from None

    def utf16_without_bom(self) -> str | None:
        """"UTF-16LE" or "UTF-16BE" when the input began with many NUL bytes and no byte-order mark:
        UTF-16 text that the scanner could only read as UTF-8; otherwise None."""
        sample = self.sample
        if len(sample) < 8 or sample[:2] in (b"\xff\xfe", b"\xfe\xff") or sample.count(0) * 4 < len(sample):
            return None
        return "UTF-16LE" if sample[1::2].count(0) >= sample[0::2].count(0) else "UTF-16BE"


def _open_input(args: argparse.Namespace, stdin: BinaryIO | None) -> tuple[str, BinaryIO | IO[bytes], bool]:
    """(the source's name for messages, its binary stream, whether to close it)."""
    if args.file == "-":
        if stdin is None:
            if sys.stdin is None:
                raise UsageError("scan: standard input is closed")
            stdin = sys.stdin.buffer
        return "standard input", stdin, False
    try:
        handle = open(args.file, "rb")  # noqa: SIM115 - the caller closes it
    except FileNotFoundError:
        raise UsageError(f"scan: {args.file}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"scan: {args.file}: is a folder, not a file") from None
    except OSError as exc:
        raise UsageError(f"scan: {args.file}: cannot be read: {exc.strerror or exc}") from None
    except ValueError:  # a NUL or a character the file system cannot name (from main(), not a shell)
        raise UsageError(f"scan: {args.file}: not a possible file name") from None
    return args.file, handle, True


def _scan(args: argparse.Namespace, catalog: Catalog, out: _Output, err_out: _Output, stdin: BinaryIO | None) -> int:
    import stat

    from ._scan import StreamStats, rules_for, scan_stream, summarize_file
    from ._summary import Summary

    catalog.aliases()  # a damaged catalog stops here, before anything is written
    rules_for(catalog)
    source, handle, owned = _open_input(args, stdin)
    stats, summary = StreamStats(), Summary()
    interrupted = False
    writer = _FindingsWriter(out, args.json) if args.findings else None
    reader = _Input(handle, out if writer is not None else None)
    try:
        jobs = args.jobs or _default_jobs()
        parallel = False
        if owned and writer is None and jobs > 1:
            try:
                status = os.fstat(handle.fileno())
                parallel = stat.S_ISREG(status.st_mode) and status.st_size >= PARALLEL_MIN_BYTES
            except (OSError, ValueError):
                parallel = False
        if not owned and err_out.isatty() and _isatty(handle):
            err_out.write("errdict: reading standard input (Ctrl-D ends it)\n")
        try:
            if parallel:
                try:
                    summary, stats = summarize_file(args.file, jobs, catalog)
                except OSError as exc:
                    raise _ReadError(exc.strerror or str(exc)) from None
            else:
                for finding in scan_stream(reader, include_unknown=True, stats=stats, catalog=catalog):
                    if writer is not None:
                        writer.write(finding)
                    else:
                        summary.add(finding)
        except KeyboardInterrupt:
            interrupted = True
    except _ReadError as exc:
        raise UsageError(f"scan: {source}: cannot be read: {exc}") from None
    finally:
        if owned:
            handle.close()
    if writer is not None:
        writer.close()
        if interrupted:
            err_out.write("errdict: interrupted\n")
    elif parallel and interrupted:
        err_out.write("errdict: interrupted\n")
    else:
        with _entry_data("an entry of the catalog"):
            shown = out.json(summary_json(summary, catalog, source, stats.lines, stats.bytes, args.site_url,
                                          interrupted)) + "\n" if args.json else \
                render_summary(summary, catalog, source, stats.lines, interrupted=interrupted, unicode=out.unicode)
        out.write(shown)
    found_any = summary.findings if writer is None else writer.count
    encoding = None if found_any or parallel else reader.utf16_without_bom()
    if encoding is not None:  # not silently empty
        err_out.write(f"errdict: {safe(source)} looks like {encoding} text without a byte-order mark; "
                      f"convert it to UTF-8 (iconv -f {encoding} -t UTF-8) and scan it again\n")
    return EXIT_INTERRUPTED if interrupted else EXIT_OK


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


class _FindingsWriter:
    """Writes each finding as it is found, in constant memory: a line each, or with --json a JSON
    array streamed item by item, one complete line per finding (valid however many findings there
    are, and when interrupted). The output is flushed when the scanner waits for input (see
    :class:`_Input`)."""

    def __init__(self, out: _Output, as_json: bool) -> None:
        self.out, self.as_json, self.count = out, as_json, 0
        if as_json:
            out.write("[\n")

    def write(self, finding: Any) -> None:
        if self.as_json:  # the comma opens the next item's line, so that every line is complete at once
            self.out.write((", " if self.count else "  ") + self.out.json(finding.to_dict(), indent=None) + "\n")
        else:
            status = "" if finding.known else " (not in the upstream list)"
            text = f" \"{safe(finding.text)}\"" if finding.text else ""
            self.out.write(f"{safe(finding.where)}: {finding.code} {finding.kind}{status}{text}\n")
        self.count += 1

    def close(self) -> None:
        if self.as_json:
            self.out.write("]\n")
        self.out.flush()


# --- arguments ------------------------------------------------------------------------------------------

class _Parser(argparse.ArgumentParser):
    """argparse with help to `out`, and usage errors raised as UsageError (one convention for all)."""

    def __init__(self, out: _Output, command: str, **kwargs: Any) -> None:
        super().__init__(allow_abbrev=False, **kwargs)
        self._out, self._command = out, command

    def _print_message(self, message: str, file: Any = None) -> None:
        if message:
            self._out.write(message)

    def error(self, message: str) -> NoReturn:
        prefix = "" if self._command == "explain" else self._command + ": "
        raise UsageError(prefix + message)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            self._out.write(message)
        raise _Exit(status)


class _Exit(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


def _positive_int(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return int(text)


def _site_url(text: str) -> str:
    try:
        return check_site_url(text, "--site-url")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser(command: str, out: _Output) -> argparse.ArgumentParser:
    if command == "search":
        parser = _Parser(out, command, prog="errdict search", epilog=EXIT_STATUS_HELP,
                         description="Find codes by a code or its first digits, or by words of their title, "
                                     "former titles, aliases or summary, best match first.")
        parser.add_argument("words", nargs="*", metavar="WORD", help="what to look for")
        parser.add_argument("--limit", type=_positive_int, default=10, metavar="N",
                            help="at most this many results (default 10)")
    elif command == "scan":
        parser = _Parser(out, command, prog="errdict scan", epilog=EXIT_STATUS_HELP,
                         description="Count the error codes in a log file or a stream (- for standard input): API "
                                     "error bodies, status-callback form bodies, JSON payloads, log lines and "
                                     "workflow labels. Prints how often each code occurred, with its title and "
                                     "recommended action, most frequent first. On Ctrl-C the summary of what was "
                                     "read is printed first.")
        parser.add_argument("file", metavar="FILE", help="a log file, or - for standard input")
        parser.add_argument("--findings", action="store_true",
                            help="list every finding (line, column, code, kind) as it is found, instead of the "
                                 "summary (with --json: a JSON array, written as the findings come)")
        parser.add_argument("--jobs", type=_positive_int, default=None, metavar="N",
                            help="processes that share a large file, a range of lines each (default: 2 when two "
                                 "CPUs are available); standard input and --findings use one")
    else:
        parser = _Parser(out, command, prog="errdict", description="Explain LC Phone error and warning codes.",
                         epilog="Other commands: `errdict search WORDS` finds codes by words; `errdict scan FILE|-` "
                                "counts the codes in a log. " + EXIT_STATUS_HELP)
        parser.add_argument("codes", nargs="+", metavar="CODE",
                            help="a code such as 21610 (or text holding one, such as 'ERROR: 21610')")
        parser.add_argument("--version", action="version", version=f"errdict {__version__}")
    parser.add_argument("--json", action="store_true", help="machine-readable JSON output")
    parser.add_argument("--site-url", type=_site_url, default=None, metavar="URL",
                        help=f"the http(s) help site to link to (default: ${SITE_URL_VARIABLE}, or the one "
                             "errdict was built with)")
    return parser


def _check_environment() -> None:
    value = os.environ.get(SITE_URL_VARIABLE)
    if value:  # an empty variable is ignored, as the catalog ignores it
        try:
            check_site_url(value, SITE_URL_VARIABLE)
        except ValueError as exc:
            raise UsageError(str(exc)) from None


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err_out: TextIO | None = None,
         stdin: BinaryIO | None = None, catalog: Catalog | None = None) -> int:
    """Run the command line; return the exit status (see the module's text)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    output = _Output(out or sys.stdout or io.StringIO())
    errors = _Output(err_out or sys.stderr or io.StringIO())
    command = argv[0] if argv and argv[0] in SUBCOMMANDS else "explain"
    rest = argv[1:] if command != "explain" else argv
    parser = _parser(command, output)
    try:
        args = parser.parse_args(rest)
        _check_environment()
        if catalog is None:
            from . import default_catalog

            catalog = default_catalog()
        if command == "scan":
            return _scan(args, catalog, output, errors, stdin)
        if command == "search":
            return _search(args, catalog, output, errors)
        return _explain(args, catalog, output, errors)
    except _Exit as done:
        return EXIT_OK if done.status == 0 else EXIT_USAGE
    except UsageError as exc:
        usage = " ".join(parser.format_usage().split())  # one line, however narrow the terminal
        errors.write(f"errdict: {safe(exc)}\n{usage}\n")
        return EXIT_USAGE
    except CatalogDataError as exc:
        errors.write(f"errdict: the catalog errdict reads is damaged or missing: {safe(exc)}\n"
                     "errdict: reinstall errdict (in a checkout: python -m generator compile)\n")
        return EXIT_DATA


# --- the program ------------------------------------------------------------------------------------------

_MAIN_PROCESS = {"pid": os.getpid()}  # run() records its process; a forked worker's differs


def _on_sigint(signum: int, frame: Any) -> None:
    """Ctrl-C: KeyboardInterrupt in the program; a worker process of a parallel scan (forked, and
    sent the same signal by the terminal) leaves quietly instead of printing a traceback."""
    if os.getpid() != _MAIN_PROCESS["pid"]:
        os._exit(EXIT_INTERRUPTED)
    raise KeyboardInterrupt


def _reconfigure_streams() -> None:
    """Output that never fails on a character the terminal's encoding lacks (PYTHONIOENCODING=ascii)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if isinstance(stream, io.TextIOWrapper):
            with suppress(ValueError, OSError):
                stream.reconfigure(errors="backslashreplace")


def run() -> NoReturn:
    """The console script (and ``python -m errdict``): exit quietly with 0 when the reader of the
    output went away (``errdict scan big.log | head -1``), with 130 and no traceback on Ctrl-C."""
    _MAIN_PROCESS["pid"] = os.getpid()
    try:
        with suppress(ValueError, OSError, AttributeError):  # not the main thread, or no SIGINT here
            if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:  # `errdict ... &` keeps ignoring it
                signal.signal(signal.SIGINT, _on_sigint)
        _reconfigure_streams()
        code = main()
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        code = EXIT_OK
        _silence_stdout()
    except KeyboardInterrupt:
        code = EXIT_INTERRUPTED
        with suppress(OSError, ValueError, AttributeError):
            sys.stderr.write("errdict: interrupted\n")
    sys.exit(code)


def _silence_stdout() -> None:
    """After the reader of stdout went away, point it at /dev/null so the exit flush stays quiet."""
    with suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
