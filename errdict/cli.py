"""The command line: `errdict 21610`, `errdict search WORDS`, `errdict scan FILE`.

Exit status: 0 when every code asked for was found, 1 when one was not (the nearest known
codes are suggested), 2 on a usage error (no arguments, an argument that is not a code).
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import textwrap
from typing import Sequence, TextIO

from . import UnknownCodeError, __version__, lookup, search
from ._model import ErrorCode

EXIT_OK, EXIT_NOT_FOUND, EXIT_USAGE = 0, 1, 2
SUBCOMMANDS = ("search", "scan")


def _width(stream: TextIO) -> int:
    columns = shutil.get_terminal_size((88, 24)).columns if stream.isatty() else 88
    return max(40, min(columns, 100))


def _wrap(text: str, width: int, indent: str, first: str | None = None) -> str:
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]
    out = []
    for i, para in enumerate(paragraphs):
        lead = first if (first is not None and i == 0) else indent
        out.append(textwrap.fill(para, width=width, initial_indent=lead, subsequent_indent=indent))
    return "\n\n".join(out)


def render_text(err: ErrorCode, width: int = 88) -> str:
    """A readable explanation of one code, for a terminal."""
    lines = [str(err), f"  {err.level} · {err.product_title}"
             + (f" · {err.status}" if err.status != "active" else "")]
    if err.status != "active" and err.replaced_by:
        lines.append(f"  {err.status.capitalize()}: use {err.replaced_by} instead.")
    lines += ["", _wrap(err.summary, width, "  "), ""]
    lines.append("  Retry:  " + err.retry_title)
    lines.append("  Action: " + err.action_title)
    if err.advice:
        lines.append(_wrap(err.advice, width, "          "))
    lines += ["", "  Possible causes"]
    lines += [_wrap(cause, width, "      ", "    - ") for cause in err.causes]
    lines += ["", "  Possible solutions"]
    lines += [_wrap(solution, width, "      ", "    - ") for solution in err.solutions]
    if err.aliases:
        lines += ["", _wrap("Also known as: " + "; ".join(err.aliases), width, "    ", "  ")]
    if err.related:
        lines += ["", "  Related: " + ", ".join(str(code) for code in err.related)]
    lines += ["", f"  More: {err.url}"]
    return "\n".join(lines)


def _explain(args: argparse.Namespace, out: TextIO, err_out: TextIO) -> int:
    found: list[ErrorCode] = []
    missing: list[UnknownCodeError] = []
    for raw in args.codes:
        try:
            found.append(lookup(raw, site_url=args.site_url))
        except UnknownCodeError as exc:
            missing.append(exc)
            print(f"errdict: {exc}", file=err_out)
        except ValueError as exc:
            print(f"errdict: {exc}", file=err_out)
            return EXIT_USAGE
    if args.json:
        payload = [dict(e.to_dict(), product_title=e.product_title, retry_title=e.retry_title,
                        action_title=e.action_title) for e in found]
        payload += [{"code": exc.code, "error": "unknown code", "suggestions": list(exc.suggestions)}
                    for exc in missing]
        json.dump(payload, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        width = _width(out)
        out.write("\n\n".join(render_text(e, width) for e in found))
        if found:
            out.write("\n")
    return EXIT_NOT_FOUND if missing else EXIT_OK


def _search(args: argparse.Namespace, out: TextIO, err_out: TextIO) -> int:
    text = " ".join(args.words)
    if not text.strip():
        print("errdict search: give one or more words to search for", file=err_out)
        return EXIT_USAGE
    results = search(text, limit=args.limit)
    if args.json:
        json.dump([{"code": e.code, "title": e.title, "summary": e.summary, "level": e.level,
                    "product": e.product, "retry": e.retry, "action": e.action, "url": e.url}
                   for e in results], out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        if not results:
            print(f"errdict search: nothing matches {text!r}", file=err_out)
        for e in results:
            out.write(f"{e.code:>6}  {e.title}\n")
            out.write(_wrap(e.summary, _width(out), "        ") + "\n")
    return EXIT_OK if results else EXIT_NOT_FOUND


def _parser(mode: str) -> argparse.ArgumentParser:
    if mode == "search":
        parser = argparse.ArgumentParser(prog="errdict search", description="Find codes by words from "
                                         "their title, aliases or summary, best match first.")
        parser.add_argument("words", nargs="*", help="words to look for")
        parser.add_argument("--limit", type=int, default=10, help="at most this many results (default 10)")
    else:
        parser = argparse.ArgumentParser(
            prog="errdict",
            description="Explain LC Phone error and warning codes.",
            epilog="other commands: `errdict search WORDS` finds codes by words; "
                   "`errdict scan FILE|-` counts the codes in a log. Exit status: 0 all found, "
                   "1 a code is unknown, 2 usage error.")
        parser.add_argument("codes", nargs="+", metavar="CODE",
                            help="a code such as 21610 (or text holding one, such as 'ERROR: 21610')")
        parser.add_argument("--site-url", default=None, help="the help site to link to")
        parser.add_argument("--version", action="version", version=f"errdict {__version__}")
    parser.add_argument("--json", action="store_true", help="machine-readable JSON output")
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err_out: TextIO | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    out = out or sys.stdout
    err_out = err_out or sys.stderr
    mode = argv[0] if argv and argv[0] in SUBCOMMANDS else "explain"
    if mode == "scan":
        from ._scan import scan_main

        return scan_main(argv[1:], out, err_out)
    rest = argv[1:] if mode != "explain" else argv
    parser = _parser(mode)
    try:
        args = parser.parse_args(rest)
    except SystemExit as exc:  # argparse: --help, --version (0) or a usage error (2)
        return EXIT_USAGE if exc.code not in (0, None) else EXIT_OK
    return _search(args, out, err_out) if mode == "search" else _explain(args, out, err_out)


def run() -> None:
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:  # `errdict scan big.log | head`
        code = EXIT_OK
    sys.exit(code)
