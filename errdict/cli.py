"""The command line: `errdict 21610`, `errdict search WORDS`, `errdict scan FILE`.

Exit status, for every command:

* 0: done (every code asked for was found; a scan ran, whatever it found);
* 1: a code asked for is not in the catalog (the nearest known codes are suggested), or a search
  matched nothing;
* 2: a usage error: no arguments, an argument that holds no code, an unknown option, a file that
  cannot be read, a bad ``ERRDICT_SITE_URL``;
* 3: the compiled catalog inside the package is missing or damaged (reinstall errdict);
* 130: interrupted (Ctrl-C).

Whatever the catalog or a scanned log holds, nothing here writes a control character (an escape
sequence, a bell, a bidirectional override) to the terminal: such characters are shown as visible
escapes such as ``\\x1b``.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import sys
import textwrap
from collections.abc import Sequence
from typing import IO, Any, BinaryIO, NoReturn, TextIO

from . import __version__
from ._catalog import Catalog
from ._model import CatalogDataError, ErrorCode, UnknownCodeError

EXIT_OK, EXIT_NOT_FOUND, EXIT_USAGE, EXIT_DATA, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
SUBCOMMANDS = ("search", "scan")


class UsageError(Exception):
    """A usage error: the message is printed after the program's name and the exit status is 2."""


# --- safe output ------------------------------------------------------------------------------------
# C0 and C1 controls, DEL, and the invisible format characters that reorder or hide text.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]")


def _escape(match: re.Match[str]) -> str:
    point = ord(match.group(0))
    return f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}"


def safe(text: str) -> str:
    """Text with every control or invisible format character shown as a visible escape."""
    return _UNSAFE.sub(_escape, text)


_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]")


def safe_json(value: Any, indent: int | None = 2) -> str:
    """JSON of value in which no character could act on a terminal: json.dumps escapes the C0
    controls inside strings; the others (DEL, C1, invisible format characters) are escaped here the
    JSON way, so the document decodes to the same value."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def _width(stream: TextIO) -> int:
    try:
        columns = shutil.get_terminal_size((88, 24)).columns if stream.isatty() else 88
    except (AttributeError, ValueError, OSError):
        columns = 88
    return max(40, min(columns, 100))


def _wrap(text: str, width: int, indent: str, first: str | None = None) -> str:
    paragraphs = [" ".join(safe(p).split()) for p in text.split("\n\n") if p.strip()]
    out = []
    for i, para in enumerate(paragraphs):
        lead = first if (first is not None and i == 0) else indent
        out.append(textwrap.fill(para, width=width, initial_indent=lead, subsequent_indent=indent))
    return "\n\n".join(out)


# --- explaining a code --------------------------------------------------------------------------------

def render_text(err: ErrorCode, width: int = 88) -> str:
    """A readable explanation of one code, for a terminal."""
    lines = [safe(str(err)), f"  {err.level_title} · {safe(err.product_title)}"
             + (f" · {err.status}" if err.status != "active" else "")
             + ("" if err.explained else " · not explained yet")]
    if err.status != "active" and err.replaced_by:
        lines.append(f"  {err.status.capitalize()}: use {err.replaced_by} instead.")
    if err.former_titles:
        lines.append(_wrap("Formerly: " + "; ".join(f.title for f in err.former_titles), width, "    ", "  "))
    if not err.explained:
        lines += ["", _wrap("errdict has not explained this code yet: it lists the upstream provider's official "
                            "facts only, and gives no retry advice or action. Read the provider's page for it:",
                            width, "  "), f"  {err.upstream_url}"]
        if err.upstream_products:
            lines.append(_wrap("Upstream product: " + ", ".join(err.upstream_products), width, "    ", "  "))
        lines += ["", f"  Retry:  {err.retry_title}", f"  Action: {err.action_title}", "", f"  More: {err.url}"]
        return "\n".join(lines)
    assert err.summary is not None
    lines += ["", _wrap(err.summary, width, "  "), ""]
    lines.append("  Retry:     " + safe(err.retry_title))
    lines.append("  Action:    " + safe(err.action_title))
    lines.append("  Who acts:  " + safe(", ".join(err.who_acts_titles)))
    if err.advice:
        lines.append(_wrap(err.advice, width, "             ", "             "))
    if err.tell_customer:
        lines += ["", "  What to tell the customer", _wrap(err.tell_customer, width, "    ")]
    lines += ["", "  Possible causes"]
    lines += [_wrap(cause, width, "      ", "    - ") for cause in err.causes]
    lines += ["", "  Possible solutions"]
    lines += [_wrap(solution, width, "      ", f"    {i}. ") for i, solution in enumerate(err.solutions, 1)]
    for heading, text in (("Sent from the LC app", err.lc_app), ("Sent from your own integration", err.own_integration),
                          ("When to contact LC Support", err.escalation)):
        if text:
            lines += ["", f"  {heading}", _wrap(text, width, "    ")]
    if err.aliases:
        lines += ["", _wrap("Also known as: " + "; ".join(err.aliases), width, "    ", "  ")]
    if err.related:
        lines += ["", "  Related: " + ", ".join(str(code) for code in err.related)]
    lines += ["", f"  More: {safe(err.url)}", f"  Upstream: {err.upstream_url}"]
    return "\n".join(lines)


def _explain(args: argparse.Namespace, catalog: Catalog, out: TextIO, err_out: TextIO) -> int:
    results: list[ErrorCode | UnknownCodeError] = []
    for raw in args.codes:
        try:
            found = catalog.lookup(raw)
        except UnknownCodeError as exc:
            results.append(exc)
            print(f"errdict: {safe(str(exc))}", file=err_out)
            continue
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        results.append(found if args.site_url is None else found.with_site_url(args.site_url))
    missing = any(isinstance(item, UnknownCodeError) for item in results)
    if args.json:
        payload = [item.to_dict() if isinstance(item, ErrorCode) else
                   {"code": item.code, "error": "unknown code", "suggestions": list(item.suggestions)}
                   for item in results]  # in the order of the arguments
        out.write(safe_json(payload) + "\n")
    else:
        width = _width(out)
        texts = [render_text(item, width) for item in results if isinstance(item, ErrorCode)]
        if texts:
            out.write("\n\n".join(texts) + "\n")
    return EXIT_NOT_FOUND if missing else EXIT_OK


def _search(args: argparse.Namespace, catalog: Catalog, out: TextIO, err_out: TextIO) -> int:
    text = " ".join(args.words)
    if not text.strip():
        raise UsageError("search: give one or more words to search for")
    results = catalog.search(text, limit=args.limit)
    if args.json:
        out.write(safe_json([{"code": e.code, "title": e.title, "summary": e.summary, "explained": e.explained,
                              "level": e.level, "product": e.product, "retry": e.retry, "action": e.action,
                              "who_acts": list(e.who_acts), "url": e.url} for e in results]) + "\n")
    else:
        if not results:
            print(f"errdict search: nothing matches {safe(repr(text))}", file=err_out)
        width = _width(out)
        for e in results:
            out.write(f"{e.code:>6}  {safe(e.title)}\n")
            out.write(_wrap(e.summary or "(not explained yet)", width, "        ") + "\n")
    return EXIT_OK if results else EXIT_NOT_FOUND


# --- scanning a log ---------------------------------------------------------------------------------------

def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[:max(0, width - 1)] + "\u2026"


def render_summary(summary: Any, catalog: Catalog, source: str, lines: int, width: int = 100,
                   interrupted: bool = False) -> str:
    """The summary table for a terminal: count, code, title and recommended action."""
    out = []
    ranked = summary.ranked()
    if ranked:
        count_width = max(5, len(str(ranked[0][1])))
        title_width = max(20, (width - count_width - 10) * 11 // 20)
        out.append(f"{'count':>{count_width}}  {'code':>6}  {'title':<{title_width}}  action")
        for code, count in ranked:
            err = catalog.lookup(code)
            action = err.action_title if err.explained else "not explained yet: " + err.upstream_url
            out.append(f"{count:>{count_width}}  {code:>6}  {_fit(safe(err.title), title_width):<{title_width}}  "
                       f"{safe(action)}")
    unknown = summary.ranked_unknown()
    if unknown:
        out.append("")
        out.append("not in the upstream list: " + ", ".join(f"{code} (\u00d7{count})" for code, count in unknown))
    known_total = sum(summary.counts.values())
    plural = "s" if len(ranked) != 1 else ""
    where = f"{lines} line{'s' if lines != 1 else ''} of {safe(source)}"
    out.append("")
    out.append(f"{known_total} occurrence{'s' if known_total != 1 else ''} of {len(ranked)} code{plural} in {where}"
               if ranked else f"no error codes found in {where}")
    if interrupted:
        out.append("(interrupted: this is what was read before Ctrl-C)")
    return "\n".join(out).lstrip("\n") + "\n"


def summary_json(summary: Any, catalog: Catalog, source: str, lines: int, size: int) -> dict[str, Any]:
    codes = []
    for code, count in summary.ranked():
        err = catalog.lookup(code)
        codes.append({"code": code, "count": count, "first_line": summary.first_line[code], "title": err.title,
                      "explained": err.explained, "level": err.level, "product": err.product, "retry": err.retry,
                      "action": err.action, "action_title": err.action_title, "who_acts": list(err.who_acts),
                      "advice": err.advice, "url": err.url, "upstream_url": err.upstream_url})
    unknown = [{"code": code, "count": count, "first_line": summary.unknown_first_line[code]}
               for code, count in summary.ranked_unknown()]
    return {"source": source, "lines": lines, "bytes": size, "occurrences": sum(summary.counts.values()),
            "codes": codes, "unknown": unknown}


PARALLEL_MIN_BYTES = 32 << 20  # a smaller file is scanned in one process: starting another costs more


def _default_jobs() -> int:
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return min(2, cpus)


def _is_large_file(path: str) -> bool:
    """A regular file (not a pipe or a device, which only stream) of at least PARALLEL_MIN_BYTES."""
    import stat

    status = os.stat(path)
    return stat.S_ISREG(status.st_mode) and status.st_size >= PARALLEL_MIN_BYTES


class _ReadError(Exception):
    """The input could not be read (as opposed to the output not being writable)."""


class _Guarded:
    """A binary stream whose read errors are told apart from write errors."""

    def __init__(self, stream: BinaryIO | IO[bytes]) -> None:
        self.stream = stream

    def read(self, size: int = -1) -> bytes:
        try:
            return self.stream.read(size)
        except OSError as exc:
            raise _ReadError(exc.strerror or str(exc)) from None

    def read1(self, size: int = -1) -> bytes:
        read1 = getattr(self.stream, "read1", None)
        try:
            return read1(size) if read1 is not None else self.stream.read(size)
        except OSError as exc:
            raise _ReadError(exc.strerror or str(exc)) from None


def _scan(args: argparse.Namespace, catalog: Catalog, out: TextIO, err_out: TextIO, stdin: BinaryIO | None) -> int:
    from ._scan import StreamStats, scan_stream, summarize_file
    from ._summary import Summary

    source = "standard input" if args.file == "-" else args.file
    stats = StreamStats()
    summary = Summary()
    interrupted = False
    if args.file != "-":
        if os.path.isdir(args.file):
            raise UsageError(f"scan: {args.file}: is a folder, not a file")
        if not os.path.exists(args.file):
            raise UsageError(f"scan: {args.file}: no such file")
    writer = _FindingsWriter(out, args.json) if args.findings else None
    try:
        if args.file == "-":
            stream: Any = _Guarded(stdin if stdin is not None else sys.stdin.buffer)
            handle = None
        else:
            jobs = args.jobs or _default_jobs()
            if jobs > 1 and writer is None and _is_large_file(args.file):
                summary, stats = summarize_file(args.file, jobs, catalog)
                stream = handle = None
            else:
                try:
                    handle = open(args.file, "rb")  # noqa: SIM115 - closed below
                except OSError as exc:
                    raise UsageError(f"scan: {args.file}: cannot be read: {exc.strerror or exc}") from None
                stream = _Guarded(handle)
        try:
            if stream is not None:
                for finding in scan_stream(stream, include_unknown=True, stats=stats, catalog=catalog):
                    summary.add(finding)
                    if writer is not None:
                        writer.write(finding)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            if handle is not None:
                handle.close()
    except _ReadError as exc:
        raise UsageError(f"scan: {source}: cannot be read: {exc}") from None
    if writer is not None:
        writer.close()
    elif args.json:
        out.write(safe_json(summary_json(summary, catalog, source, stats.lines, stats.bytes)) + "\n")
    else:
        out.write(render_summary(summary, catalog, source, stats.lines, interrupted=interrupted))
    return EXIT_INTERRUPTED if interrupted else EXIT_OK


class _FindingsWriter:
    """Writes each finding as it is found (a JSON array streamed item by item with --json), flushing
    so that `tail -f app.log | errdict scan - --findings` shows findings as lines arrive."""

    def __init__(self, out: TextIO, as_json: bool) -> None:
        self.out, self.as_json, self.count = out, as_json, 0
        if as_json:
            out.write("[")

    def write(self, finding: Any) -> None:
        if self.as_json:
            self.out.write(("," if self.count else "") + "\n  " + safe_json(finding.to_dict(), indent=None))
        else:
            status = "" if finding.known else " (not in the upstream list)"
            self.out.write(f"{finding.where}: {finding.code} {finding.kind}{status}\n")
        self.count += 1
        self.out.flush()

    def close(self) -> None:
        if self.as_json:
            self.out.write("\n]\n" if self.count else "]\n")
        self.out.flush()


# --- arguments ------------------------------------------------------------------------------------------

class _Parser(argparse.ArgumentParser):
    """argparse with help to `out`, usage errors raised as UsageError (one convention for all)."""

    def __init__(self, out: TextIO, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._out = out

    def _print_message(self, message: str, file: IO[str] | None = None) -> None:
        if message:
            self._out.write(message)

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog.removeprefix('errdict').strip() + ': ' if ' ' in self.prog else ''}{message}"
                         f"\n{self.format_usage().strip()}")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            self._out.write(message)
        raise _Exit(status)


class _Exit(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return int(text)


def _limit(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"not a whole number of 0 or more: {text!r}")
    return int(text)


def _site_url(text: str) -> str:
    from ._catalog import check_site_url

    try:
        return check_site_url(text, "--site-url")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser(mode: str, out: TextIO) -> argparse.ArgumentParser:
    if mode == "search":
        parser = _Parser(out, prog="errdict search",
                         description="Find codes by a code or its first digits, or by words of their title, "
                                     "former titles, aliases or summary, best match first.")
        parser.add_argument("words", nargs="*", help="what to look for")
        parser.add_argument("--limit", type=_limit, default=10, help="at most this many results (default 10)")
    elif mode == "scan":
        parser = _Parser(out, prog="errdict scan",
                         description="Count the error codes in a log file or a stream (- for standard input): API "
                                     "error bodies, status-callback form bodies, JSON payloads, log lines and "
                                     "workflow labels. Prints how often each code occurred, with its title and "
                                     "recommended action, most frequent first.",
                         epilog="Exit status: 0 when the scan ran (whether or not it found codes), 2 on a usage error "
                                "or an unreadable file, 3 when errdict's catalog is damaged, 130 on Ctrl-C (the "
                                "summary of what was read is printed first).")
        parser.add_argument("file", metavar="FILE", help="a log file, or - for standard input")
        parser.add_argument("--findings", action="store_true",
                            help="list every finding (line, column, code, kind) as it is found, instead of the summary")
        parser.add_argument("--jobs", type=_positive_int, default=None, metavar="N",
                            help="processes that share a large file, a range of lines each (default: 2 when two "
                                 "CPUs are available); standard input and --findings use one")
    else:
        parser = _Parser(out, prog="errdict", description="Explain LC Phone error and warning codes.",
                         epilog="other commands: `errdict search WORDS` finds codes by words; `errdict scan FILE|-` "
                                "counts the codes in a log. Exit status: 0 all found, 1 a code is not in the "
                                "catalog, 2 usage error, 3 damaged catalog.")
        parser.add_argument("codes", nargs="+", metavar="CODE",
                            help="a code such as 21610 (or text holding one, such as 'ERROR: 21610')")
        parser.add_argument("--site-url", type=_site_url, default=None, help="the help site to link to")
        parser.add_argument("--version", action="version", version=f"errdict {__version__}")
    parser.add_argument("--json", action="store_true", help="machine-readable JSON output")
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err_out: TextIO | None = None,
         stdin: BinaryIO | None = None, catalog: Catalog | None = None) -> int:
    """Run the command line; return the exit status (see the module's text)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    out = out or sys.stdout
    err_out = err_out or sys.stderr
    mode = argv[0] if argv and argv[0] in SUBCOMMANDS else "explain"
    rest = argv[1:] if mode != "explain" else argv
    try:
        if catalog is None:
            from . import default_catalog

            catalog = default_catalog()
        args = _parser(mode, out).parse_args(rest)
        if mode == "scan":
            return _scan(args, catalog, out, err_out, stdin)
        if mode == "search":
            return _search(args, catalog, out, err_out)
        return _explain(args, catalog, out, err_out)
    except _Exit as done:
        return EXIT_OK if done.status == 0 else EXIT_USAGE
    except UsageError as exc:
        print("errdict: " + "\n".join(safe(line) for line in str(exc).splitlines()), file=err_out)
        return EXIT_USAGE
    except CatalogDataError as exc:
        print(f"errdict: {safe(str(exc))} (reinstall errdict)", file=err_out)
        return EXIT_DATA
    except ValueError as exc:  # a bad ERRDICT_SITE_URL
        print(f"errdict: {safe(str(exc))}", file=err_out)
        return EXIT_USAGE


def _safe_streams() -> None:
    """Output that never fails on a character the terminal's encoding lacks (PYTHONIOENCODING=ascii)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def run() -> None:
    """The console script: exit quietly on a closed pipe (`errdict scan big.log | head`) or Ctrl-C."""
    _safe_streams()
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        code = EXIT_OK
        _silence_stdout()
    except KeyboardInterrupt:
        code = EXIT_INTERRUPTED
    sys.exit(code)


def _silence_stdout() -> None:
    """After the reader of stdout went away, point it at /dev/null so the exit flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass

