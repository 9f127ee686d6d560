"""The command line: `errdict CODE ...`, `errdict search`, `errdict scan`, their exit statuses and
their hardening (issue 11's "Command line" and terminal-escape items, issue 12's one convention).

Most tests run ``cli.main`` in the process against a small catalog compiled from the hand-written
entries of tests/entries.py (or a copy of it rewritten or damaged on purpose); the pipe, signal and
encoding tests run ``python -m errdict`` in a subprocess.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
import tracemalloc
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from thorough import examples

import errdict
from entries import compiled_catalog, entry_text, reference_text
from errdict import Catalog, cli, default_catalog, lookup
from errdict.cli import main

REPO = Path(__file__).resolve().parent.parent
UNSAFE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs"}

FIXTURE_TITLE = "Recipient\u2019s number \u201copted out\u201d"  # non-ASCII, as real titles are
FIXTURE_ENTRIES = {
    21610: entry_text(21610, related=30004, **{
        "title: Test title for 21610": f"title: \"{FIXTURE_TITLE}\"",
        "tell_customer: The message to this contact was not sent, and sending it again will not help.":
            "tell_customer: This contact asked not to get your texts, so the message was not sent.",
        "who_acts: [sender]": "who_acts: [sender, recipient]",
    }),
    30004: entry_text(30004, related=21610),
    30882: reference_text(30882),
}
UNKNOWN = 21630  # well formed, not in the fixture catalog


# --- helpers ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def catalog_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The compiled fixture catalog (never the package's data)."""
    folder = tmp_path_factory.mktemp("catalog")
    return Path(compiled_catalog(folder, FIXTURE_ENTRIES).path)


@pytest.fixture()
def catalog(catalog_file: Path) -> Catalog:
    return Catalog(catalog_file)  # a fresh one: ERRDICT_SITE_URL is read when a catalog is first used


@pytest.fixture(autouse=True)
def _no_site_url_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ERRDICT_SITE_URL", raising=False)


def run(*argv: str, catalog: Catalog | None = None, stdin: bytes | Any = b"") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    source = io.BytesIO(stdin) if isinstance(stdin, bytes) else stdin
    status = main(list(argv), out, err, stdin=source, catalog=catalog)
    return status, out.getvalue(), err.getvalue()


def rebuild(data: bytes, entry: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
            header: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> bytes:
    """A compiled catalog with its entries (and header) rewritten, the offsets made right again:
    content the validator would refuse, for the CLI to show safely."""
    lines = data.split(b"\n")[:-1]
    head, meta = json.loads(lines[0]), lines[-1]
    entries = [json.loads(line) for line in lines[1:-1]]
    if entry is not None:
        entries = [entry(item) for item in entries]
    body = [json.dumps(item).encode("ascii") + b"\n" for item in entries]
    offsets, position = [], 0
    for line in body:
        offsets.append(position)
        position += len(line)
    head["offsets"], head["meta_offset"] = offsets, position
    if header is not None:
        head = header(head)
    return json.dumps(head).encode("ascii") + b"\n" + b"".join(body) + meta + b"\n"


def assert_clean(text: str) -> None:
    """No control or invisible format character but the newline the CLI writes itself."""
    bad = sorted({f"U+{ord(c):04X}" for c in text if c != "\n" and unicodedata.category(c) in UNSAFE_CATEGORIES})
    assert not bad, (bad, text[:2000])


def subprocess_env(**extra: str) -> dict[str, str]:
    # As a user runs it: with the buffering Python chooses for a pipe (not PYTHONUNBUFFERED).
    drop = ("ERRDICT_SITE_URL", "PYTHONIOENCODING", "PYTHONUNBUFFERED", "COLUMNS")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(PYTHONPATH=str(REPO), **extra)
    return env


def errdict_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "errdict", *args]


def package_copy(root: Path, data: bytes) -> dict[str, str]:
    """A copy of the errdict package whose compiled catalog is `data`; the environment that runs it."""
    shutil.copytree(REPO / "errdict", root / "errdict", ignore=shutil.ignore_patterns("__pycache__", "data"))
    (root / "errdict" / "data").mkdir()
    (root / "errdict" / "data" / "catalog.jsonl").write_bytes(data)
    env = subprocess_env()
    env["PYTHONPATH"] = str(root)
    return env


def wait_until_reading_a_pipe(proc: subprocess.Popen[bytes], timeout: float = 30) -> None:
    """Until the process sleeps in a read of a pipe (its standard input): it has started up and
    handled everything written so far."""
    wchan = Path(f"/proc/{proc.pid}/wchan")
    if not wchan.exists():  # not Linux: give it time
        time.sleep(3)
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else proc.returncode
        if "pipe" in wchan.read_text():
            return
        time.sleep(0.02)
    pytest.fail("the process never waited on its input pipe")


class LineReader:
    """Reads a subprocess's output lines in a thread, so that a test can wait for one with a timeout."""

    def __init__(self, stream: Any) -> None:
        self.lines: queue.Queue[bytes] = queue.Queue()
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream: Any) -> None:
        for line in iter(stream.readline, b""):
            self.lines.put(line)
        self.lines.put(b"")

    def next(self, timeout: float = 30) -> bytes:
        return self.lines.get(timeout=timeout)


# --- explaining codes -----------------------------------------------------------------------------------

def test_explains_a_code_readably():
    status, out, err = run("21610")
    entry = lookup(21610)
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == f"21610: {entry.title}"
    assert lines[1] == f"  {entry.level_title} \u00b7 {entry.product_title}"
    for expected in (f"  Retry:     {entry.retry_title}", f"  Action:    {entry.action_title}",
                     "  Possible causes", "  Possible solutions", f"  More:     {entry.url}",
                     f"  Upstream: {entry.upstream_url}"):
        assert expected in lines
    flowed = " ".join(out.split())
    assert " ".join(entry.causes[0].split()) in flowed
    assert " ".join(entry.solutions[0].split()) in flowed


def test_prose_line_breaks_are_reflowed_not_escaped():
    """The entry's own line breaks (YAML block text) become spaces; they are not shown as \\x0a."""
    entry = lookup(21610)
    assert any("\n" in (text or "") for text in (entry.lc_app, entry.own_integration, entry.description,
                                                 entry.summary, entry.advice)), "no multi-line text to test"
    status, out, _ = run("21610")
    assert status == 0
    assert "\\x0a" not in out and "\\n" not in out
    assert " ".join((entry.lc_app or entry.own_integration or "").split()) in " ".join(out.split())


def test_full_entry_shows_who_acts_and_what_to_tell_the_customer(catalog):
    status, out, _ = run("21610", catalog=catalog)
    assert status == 0
    assert "  Who acts:  The sender (in the LC app); The recipient" in out.splitlines()
    lines = out.splitlines()
    at = lines.index("  What to tell the customer")
    assert lines[at + 1] == "    This contact asked not to get your texts, so the message was not sent."
    status, out, _ = run("21610", "--json", catalog=catalog)
    data = json.loads(out)[0]
    assert data["explained"] is True and data["who_acts"] == ["sender", "recipient"]
    assert data["tell_customer"] == "This contact asked not to get your texts, so the message was not sent."


def test_full_entry_of_the_real_catalog_shows_who_acts_and_what_to_tell_the_customer():
    entry = lookup(21610)
    assert entry.explained and entry.who_acts and entry.tell_customer
    status, out, _ = run("21610")
    assert status == 0
    who = next(line for line in out.splitlines() if line.startswith("  Who acts:  "))
    assert who.removeprefix("  Who acts:  ").startswith(entry.who_acts_titles[0])
    assert "What to tell the customer" in out
    assert " ".join(entry.tell_customer.split()) in " ".join(out.split())


def _rewritten(catalog_file: Path, folder: Path, **fields: Any) -> Catalog:
    """The fixture catalog with fields of 21610 replaced."""
    path = folder / "rewritten.jsonl"
    path.write_bytes(rebuild(catalog_file.read_bytes(),
                             entry=lambda item: {**item, **fields} if item["code"] == 21610 else item))
    return Catalog(path)


def test_full_entry_shows_its_lc_help_articles(catalog_file, tmp_path):
    articles = [{"title": "How to prevent filtering", "article": 48001237726, "portal": "highlevel"}]
    status, out, _ = run("21610", catalog=_rewritten(catalog_file, tmp_path, lc_help=articles))
    assert status == 0
    lines = out.splitlines()
    at = lines.index("  LC help:  How to prevent filtering")
    assert lines[at + 1] == "            https://help.gohighlevel.com/en/support/solutions/articles/48001237726"
    assert lines[at + 2].startswith("  More:     ")


def test_damaged_catalog_an_unknown_help_portal_exits_3(catalog_file, tmp_path):
    articles = [{"title": "Somewhere", "article": 1, "portal": "\x1b]8;;https://evil.example/\x07"}]
    for argv in (["21610"], ["21610", "--json"]):
        status, out, err = run(*argv, catalog=_rewritten(catalog_file, tmp_path, lc_help=articles))
        assert (status, out) == (3, ""), err
        assert err.startswith("errdict: the catalog errdict reads is damaged or missing:") and "21610" in err
        assert_clean(err)


def test_removed_code_points_at_its_replacement(catalog_file, tmp_path):
    status, out, _ = run("21610", catalog=_rewritten(catalog_file, tmp_path, status="removed", replaced_by=30004))
    assert status == 0
    assert out.splitlines()[1:3] == ["  Error \u00b7 Messaging \u00b7 removed", "  Removed: use 30004 instead."]


def test_reference_entry_says_plainly_it_is_not_explained(catalog):
    status, out, err = run("30882", catalog=catalog)
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "30882: Reference title for 30882"
    assert lines[1] == "  Warning \u00b7 Voice \u00b7 not explained yet"
    flowed = " ".join(out.split())
    assert "errdict has not explained this code yet" in flowed
    assert "gives no retry advice, no recommended action and nothing to tell the customer" in flowed
    assert "  https://www.twilio.com/docs/api/errors/30882" in lines
    assert "  Upstream product: Programmable Voice" in lines
    assert "  Retry:   No retry advice yet" in lines and "  Action:  No recommended action yet" in lines
    for absent in ("Possible causes", "Possible solutions", "Who acts", "What to tell the customer"):
        assert absent not in out


def test_reference_entry_in_json_says_explained_false_and_unknown_advice(catalog):
    status, out, _ = run("30882", "21610", "--json", catalog=catalog)
    assert status == 0
    reference, full = json.loads(out)
    assert reference["code"] == 30882 and reference["explained"] is False
    assert reference["retry"] == "unknown" and reference["action"] == "unknown"
    assert reference["upstream_url"] == "https://www.twilio.com/docs/api/errors/30882"
    assert reference["summary"] is None and reference["causes"] == [] and reference["tell_customer"] is None
    assert full["explained"] is True and full["retry"] == "never"


def test_reference_entry_of_the_real_catalog_says_plainly_it_is_not_explained():
    reference = next((e for e in errdict.iter_codes() if not e.explained), None)
    assert reference is not None, "the real catalog has no reference entry left"
    status, out, _ = run(str(reference.code))
    assert status == 0
    assert out.splitlines()[0] == f"{reference.code}: {reference.title}"
    assert "errdict has not explained this code yet" in " ".join(out.split())
    assert reference.upstream_url in out and "Possible causes" not in out
    data = json.loads(run(str(reference.code), "--json")[1])[0]
    assert data["explained"] is False and data["retry"] == data["action"] == "unknown"


def test_several_codes_and_free_form_spellings(catalog):
    status, out, _ = run("21610", "ERROR: 30004", "Error 30882", catalog=catalog)
    assert status == 0
    heads = [line for line in out.splitlines() if line[:1].isdigit()]
    assert heads == [f"21610: {FIXTURE_TITLE}", "30004: Test title for 30004", "30882: Reference title for 30882"]


def test_json_keeps_the_order_of_the_arguments(catalog):
    status, out, err = run("30882", str(UNKNOWN), "21610", "30004", "21610", "--json", catalog=catalog)
    assert status == 1
    data = json.loads(out)
    assert [item["code"] for item in data] == [30882, UNKNOWN, 21610, 30004, 21610]
    assert data[1] == {"code": UNKNOWN, "error": "unknown code", "suggestions": list(catalog.suggestions(UNKNOWN))}
    assert "explained" not in data[1] and data[0]["explained"] is False
    assert err == f"errdict: {UNKNOWN} is not in the errdict catalog; nearest known codes: " \
                  f"{', '.join(map(str, catalog.suggestions(UNKNOWN)))}\n"


def test_unknown_code_exits_1_with_a_suggestion():
    codes = default_catalog().codes()
    unknown = next(code for code in range(21600, 21700) if code not in codes)
    status, out, err = run("21610", str(unknown))
    assert status == 1
    assert out.startswith("21610: ")  # the known one is still explained
    nearest = default_catalog().suggestions(unknown)
    assert nearest and err.startswith(f"errdict: {unknown} is not in the errdict catalog; nearest known codes: "
                                      f"{nearest[0]}")


def test_search_command(catalog):
    status, out, err = run("search", "Reference", "title", catalog=catalog)
    assert status == 0 and err == ""
    assert out.splitlines()[:2] == [" 30882  Reference title for 30882", "        (not explained yet)"]
    status, out, _ = run("search", "--json", "30882", catalog=catalog)
    assert status == 0
    found = json.loads(out)
    assert found[0]["code"] == 30882 and found[0]["explained"] is False and found[0]["retry"] == "unknown"
    status, out, err = run("search", "qqqqzzzz", catalog=catalog)
    assert status == 1 and out == "" and err == "errdict: search: nothing matches 'qqqqzzzz'\n"
    status, out, _ = run("search", "--json", "qqqqzzzz", catalog=catalog)
    assert status == 1 and json.loads(out) == []


def test_search_command_on_the_real_catalog():
    status, out, _ = run("search", "unsubscribed")
    assert status == 0 and out.lstrip().startswith("21610  " + lookup(21610).title)


@pytest.mark.slow
def test_python_dash_m_errdict_works_from_anywhere(tmp_path):
    result = subprocess.run(errdict_cmd("21614"), cwd=tmp_path, env=subprocess_env(), capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith(f"21614: {lookup(21614).title}\n")
    usage = subprocess.run(errdict_cmd(), cwd=tmp_path, env=subprocess_env(), capture_output=True, text=True)
    assert usage.returncode == 2 and usage.stdout == ""
    assert usage.stderr.splitlines()[0].startswith("errdict: ")
    assert usage.stderr.splitlines()[1].startswith("usage: errdict ")


SCAN_LOG = b"""\
2026-12-01T10:00:03Z INFO  queued SM5b1c to +14155550123 (415) 555-0123 price=$300.10 zip=94107
2026-12-01T10:00:04Z ERROR sender ERROR 30004 on SM5b1c
2026-12-01T10:00:05Z INFO  callback MessageStatus=undelivered&ErrorCode=30004&To=%2B14155550123
2026-12-01T10:00:06Z WARN  ERROR: 21610 to=+14155550123
2026-12-01T10:00:07Z WARN  delivery failed error_code=39999
2026-12-01T10:00:08Z INFO  see https://www.twilio.com/docs/errors/30882 for details
"""


def test_scan_summary_most_frequent_first_with_title_and_action(catalog):
    status, out, err = run("scan", "-", catalog=catalog, stdin=SCAN_LOG)
    assert status == 0 and err == ""
    rows = out.splitlines()
    assert rows[0].split() == ["count", "code", "title", "action"]
    assert rows[1].split()[:2] == ["2", "30004"] and rows[1].endswith("  Stop messaging the recipient")
    assert "Test title for 30004" in rows[1]
    assert rows[2].split()[:2] == ["1", "21610"] and FIXTURE_TITLE in rows[2]
    assert rows[3].split()[:2] == ["1", "30882"]
    assert rows[3].endswith("  not explained yet: https://www.twilio.com/docs/api/errors/30882")
    assert rows[4:] == ["", "not in the upstream list: 39999 (\u00d71)", "",
                        "4 occurrences of 3 codes in 6 lines of standard input"]


def test_scan_json_for_programs_and_unknown_codes_listed_apart(catalog):
    status, out, _ = run("scan", "-", "--json", catalog=catalog, stdin=SCAN_LOG)
    assert status == 0
    report = json.loads(out)
    assert (report["source"], report["lines"], report["bytes"], report["occurrences"]) == \
        ("standard input", 6, len(SCAN_LOG), 4)
    assert [(c["code"], c["count"], c["first_line"], c["explained"], c["retry"]) for c in report["codes"]] == [
        (30004, 2, 2, True, "never"), (21610, 1, 4, True, "never"), (30882, 1, 6, False, "unknown")]
    assert report["codes"][0]["url"] == "https://errdict.example/codes/30004/"
    assert report["unknown"] == [{"code": 39999, "count": 1, "first_line": 5}]
    assert report["interrupted"] is False


@pytest.mark.slow
def test_scan_output_is_the_same_with_one_process_or_two(catalog, tmp_path, monkeypatch):
    import errdict._scan as scan_module

    monkeypatch.setattr(cli, "PARALLEL_MIN_BYTES", 0)  # the parallel path for a small file
    parallel_jobs: list[int] = []
    summarize_file = scan_module.summarize_file

    def counted(path: str, jobs: int, catalog: Catalog | None = None) -> Any:
        parallel_jobs.append(jobs)
        return summarize_file(path, jobs, catalog)

    monkeypatch.setattr(scan_module, "summarize_file", counted)
    log = tmp_path / "big.log"
    log.write_bytes(SCAN_LOG * 300 + b'{"error_code": 21610,\n "more": [1, 2]}\n' + SCAN_LOG * 300)
    runs = [run("scan", str(log), *jobs, catalog=catalog) for jobs in (["--jobs", "1"], ["--jobs", "2"], [])]
    assert runs[0] == runs[1] == runs[2] and runs[0][0] == 0
    assert parallel_jobs[0] == 2  # --jobs 1 reads the file itself; --jobs 2 shares it
    assert runs[0][1].splitlines()[1].split()[:2] == ["1200", "30004"]
    json_runs = [run("scan", str(log), "--json", "--jobs", jobs, catalog=catalog) for jobs in ("1", "2")]
    assert json_runs[0] == json_runs[1]
    assert json.loads(json_runs[1][1])["lines"] == log.read_bytes().count(b"\n")


# --- one convention for usage errors, one set of exit statuses -------------------------------------------

USAGE_ERRORS = {
    "no arguments": ([], "errdict"),
    "no code in the argument": (["hello"], "errdict"),
    "a bad code among good ones": (["21610", "hello"], "errdict"),
    "a signed code": (["-21610"], "errdict"),
    "two numbers in one argument": (["21610 30004"], "errdict"),
    "unknown option": (["--no-such-flag", "21610"], "errdict"),
    "abbreviated option": (["--js", "21610"], "errdict"),
    "site url not http": (["--site-url", "ftp://example.org/", "21610"], "errdict"),
    "search without words": (["search"], "errdict search"),
    "search with blank words": (["search", "  "], "errdict search"),
    "search limit 0": (["search", "--limit", "0", "opt"], "errdict search"),
    "search limit not a number": (["search", "--limit", "ten", "opt"], "errdict search"),
    "search unknown option": (["search", "--nope", "opt"], "errdict search"),
    "scan without a file": (["scan"], "errdict scan"),
    "scan two files": (["scan", "a.log", "b.log"], "errdict scan"),
    "scan a missing file": (["scan", "/no/such/dir/app.log"], "errdict scan"),
    "scan jobs 0": (["scan", "--jobs", "0", "-"], "errdict scan"),
    "scan site url not http": (["scan", "--site-url", "javascript:alert(1)", "-"], "errdict scan"),
}


@pytest.mark.parametrize("argv,prog", USAGE_ERRORS.values(), ids=USAGE_ERRORS.keys())
def test_usage_errors_one_convention(argv, prog, catalog):
    status, out, err = run(*argv, catalog=catalog)
    assert status == 2
    assert out == ""  # nothing is explained when one argument is wrong
    lines = err.splitlines()
    assert len(lines) == 2, err
    assert lines[0].startswith("errdict: ") and len(lines[0]) > len("errdict: ")
    assert lines[1].startswith(f"usage: {prog} [-h]")
    if prog != "errdict":
        assert lines[0].startswith(f"errdict: {prog.split()[1]}: ")


def test_usage_errors_one_convention_for_unreadable_files(tmp_path, catalog):
    folder = tmp_path / "logs"
    folder.mkdir()
    status, out, err = run("scan", str(folder), catalog=catalog)
    assert (status, out) == (2, "") and err.splitlines() == [
        f"errdict: scan: {folder}: is a folder, not a file", err.splitlines()[1]]
    assert err.splitlines()[1].startswith("usage: errdict scan ")
    if os.geteuid() != 0:  # root reads anything
        locked = tmp_path / "locked.log"
        locked.write_text("x")
        locked.chmod(0)
        status, _, err = run("scan", str(locked), catalog=catalog)
        assert status == 2 and err.startswith(f"errdict: scan: {locked}: cannot be read: ")


class _FailingInput(io.RawIOBase):
    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        raise OSError(5, "Input/output error")


def test_usage_errors_one_convention_for_a_read_error_midway(catalog):
    status, out, err = run("scan", "-", catalog=catalog, stdin=io.BufferedReader(_FailingInput()))
    assert status == 2 and out == ""
    assert err.splitlines()[0] == "errdict: scan: standard input: cannot be read: Input/output error"
    assert err.splitlines()[1].startswith("usage: errdict scan ")


EXIT_STATUSES = {
    "explain found": (["21610"], 0),
    "explain several found": (["21610", "30882", "--json"], 0),
    "explain unknown": ([str(UNKNOWN)], 1),
    "explain unknown json": ([str(UNKNOWN), "--json"], 1),
    "explain usage": (["nothing"], 2),
    "explain help": (["--help"], 0),
    "explain version": (["--version"], 0),
    "search matched": (["search", "opted"], 0),
    "search matched json": (["search", "--json", "opted"], 0),
    "search nothing": (["search", "zzqqzzqq"], 1),
    "search usage": (["search", "--limit", "-1", "x"], 2),
    "search help": (["search", "--help"], 0),
    "scan found": (["scan", "-"], 0),
    "scan findings": (["scan", "-", "--findings", "--json"], 0),
    "scan usage": (["scan", "--findings"], 2),
    "scan help": (["scan", "-h"], 0),
}


@pytest.mark.parametrize("argv,expected", EXIT_STATUSES.values(), ids=EXIT_STATUSES.keys())
def test_exit_statuses_for_every_command(argv, expected, catalog):
    status, out, err = run(*argv, catalog=catalog, stdin=b"2026-12-01 ERROR 21610 send failed\n")
    assert status == expected, err
    if expected == 0:
        assert err == "" and out
    if "--help" in argv or "-h" in argv:
        assert out.startswith("usage: errdict") and "Exit status: 0 done" in " ".join(out.split())
    if "--version" in argv:
        assert out == f"errdict {errdict.__version__}\n"


@pytest.mark.parametrize("log", [b"", b"nothing to see here\n", b"phone 555-0123, total 30007 USD\n"],
                         ids=["empty", "no codes", "numbers that are not codes"])
def test_exit_statuses_scan_that_finds_nothing_still_exits_0(log, catalog):
    status, out, err = run("scan", "-", catalog=catalog, stdin=log)
    assert status == 0 and err == ""
    assert out.startswith("no error codes found in ")
    status, out, _ = run("scan", "-", "--json", catalog=catalog, stdin=log)
    assert status == 0 and json.loads(out)["codes"] == []


def test_exit_statuses_documented_in_the_module_docstring():
    doc = " ".join(cli.__doc__.split())
    for status, name, words in ((0, "EXIT_OK", "done"), (1, "EXIT_NOT_FOUND", "not in the catalog"),
                                (2, "EXIT_USAGE", "usage error"), (3, "EXIT_DATA", "damaged"),
                                (130, "EXIT_INTERRUPTED", "interrupted")):
        assert getattr(cli, name) == status
        assert f"* {status} (:data:`{name}`):" in doc
        section = doc.split(f"* {status} (:data:`{name}`):")[1][:400]
        assert words in section


# --- ERRDICT_SITE_URL and --site-url ---------------------------------------------------------------------

BAD_SITE_URLS = ["ftp://example.org/errdict/", "javascript:alert(1)", "file:///etc/passwd", "https://",
                 "//example.org/", "example.org", "data:text/html,<script>x</script>", "http://exa mple.org/",
                 "https://example.org/\x1b[2J", "https://example.org/\u202eevil", "mailto:a@example.org"]


@pytest.mark.parametrize("url", BAD_SITE_URLS)
@pytest.mark.parametrize("command", [["21610"], ["search", "opted"], ["scan", "-"]], ids=["explain", "search", "scan"])
def test_site_url_accepts_http_and_https_only(url, command, catalog_file, monkeypatch):
    status, out, err = run(*command, "--site-url", url, catalog=Catalog(catalog_file))
    assert (status, out) == (2, "")
    lines = err.splitlines()
    assert lines[0].startswith("errdict: ") and "--site-url must be an http:// or https:// URL" in lines[0]
    assert lines[1].startswith("usage: errdict") and len(lines) == 2
    assert_clean(err)
    monkeypatch.setenv("ERRDICT_SITE_URL", url)
    status, out, err = run(*command, catalog=Catalog(catalog_file))
    assert (status, out) == (2, "")
    lines = err.splitlines()
    assert lines[0].startswith("errdict: ERRDICT_SITE_URL must be an http:// or https:// URL")
    assert lines[1].startswith("usage: errdict") and len(lines) == 2
    assert_clean(err)


def test_site_url_variable_is_checked_even_when_the_option_is_given(catalog_file, monkeypatch):
    monkeypatch.setenv("ERRDICT_SITE_URL", "gopher://example.org/")
    status, _, err = run("21610", "--site-url", "https://ok.example/", catalog=Catalog(catalog_file))
    assert status == 2 and err.startswith("errdict: ERRDICT_SITE_URL must be")


@pytest.mark.parametrize("how", ["option", "variable"])
def test_site_url_http_and_https_are_used_everywhere(how, catalog_file, monkeypatch):
    url = "http://localhost:8000/errdict"
    extra = ["--site-url", url] if how == "option" else []
    if how == "variable":
        monkeypatch.setenv("ERRDICT_SITE_URL", url)
    page = "http://localhost:8000/errdict/codes/21610/"
    status, out, _ = run("21610", *extra, catalog=Catalog(catalog_file))
    assert status == 0 and f"  More:     {page}" in out.splitlines()
    status, out, _ = run("21610", "--json", *extra, catalog=Catalog(catalog_file))
    assert json.loads(out)[0]["url"] == page
    status, out, _ = run("search", "--json", "21610", *extra, catalog=Catalog(catalog_file))
    assert json.loads(out)[0]["url"] == page
    status, out, _ = run("scan", "-", "--json", *extra, catalog=Catalog(catalog_file), stdin=b"ERROR 21610 x\n")
    assert json.loads(out)["codes"][0]["url"] == page
    monkeypatch.setenv("ERRDICT_SITE_URL", "")  # empty: the catalog's own
    status, out, _ = run("21610", "--json", catalog=Catalog(catalog_file))
    assert json.loads(out)[0]["url"] == "https://errdict.example/codes/21610/"


# --- a damaged compiled catalog --------------------------------------------------------------------------

def _swap_offsets(head: dict[str, Any]) -> dict[str, Any]:
    head["offsets"][0], head["offsets"][1] = head["offsets"][1], head["offsets"][0]
    head["offsets"] = head["offsets"]  # no longer sorted: caught by the header check, or not
    return head


def _damage_entry_bytes(data: bytes) -> bytes:
    start = data.index(b'{"code":21610') + 40
    return data[:start] + b"\x00\xff}{garbage" + data[start + 11:]


def _shift_offsets(head: dict[str, Any]) -> dict[str, Any]:
    head["offsets"] = [offset + 7 for offset in head["offsets"]]
    return head


DAMAGE: dict[str, Callable[[bytes], bytes | None]] = {
    "missing": lambda data: None,
    "empty": lambda data: b"",
    "truncated in the header": lambda data: data[:200],
    "truncated in the entries": lambda data: data[:data.index(b'{"code":30004') + 30],
    "not JSON": lambda data: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
    "not a header": lambda data: b"[1, 2, 3]\n" + data,
    "wrong format number": lambda data: rebuild(data, header=lambda h: {**h, "format": 99}),
    "header lacks the codes": lambda data: rebuild(data, header=lambda h: {k: v for k, v in h.items() if k != "codes"}),
    "offsets pointing at another entry": lambda data: rebuild(
        data, header=lambda h: {**h, "offsets": [h["offsets"][1], h["offsets"][0], h["offsets"][2]]}),
    "offsets pointing inside a line": lambda data: rebuild(data, header=_shift_offsets),
    "an entry line damaged": _damage_entry_bytes,
    "an entry with a field of the wrong type": lambda data: rebuild(
        data, entry=lambda e: {**e, "title": 5, "causes": 7} if e["code"] == 21610 else e),
    "an entry with an unknown vocabulary value": lambda data: rebuild(
        data, entry=lambda e: {**e, "level": "catastrophic"} if e["code"] == 21610 else e),
    "the alias index damaged": lambda data: data[:data.rindex(b"\n", 0, len(data) - 1) + 1] + b'{"aliases": [1,\n',
}
DAMAGE_COMMANDS = {
    "explain": ["21610"],
    "explain json": ["21610", "--json"],
    "search": ["search", "title"],
    "scan": ["scan", "-"],
    "scan findings": ["scan", "-", "--findings", "--json"],
}
# What a damage does not touch: --findings lists codes without reading their entries, and
# explaining or searching reads no alias index.
UNTOUCHED = {("an entry line damaged", "scan findings"), ("offsets pointing inside a line", "scan findings"),
             ("an entry with a field of the wrong type", "scan findings"),
             ("an entry with an unknown vocabulary value", "scan findings"),
             ("the alias index damaged", "explain"), ("the alias index damaged", "explain json"),
             ("the alias index damaged", "search")}
# Damage only errdict/_catalog.py can see (the CLI does not reach into the catalog's header): a file
# cut after the entry asked for (check the file's size against the header), and a field of the wrong
# type (check each field's type when an entry is built).
NEEDS_CATALOG_CHECK: set[tuple[str, str]] = set()  # errdict/_catalog.py now checks both
DAMAGE_CASES = [pytest.param(damage, command, id=f"{damage}-{command}", marks=[pytest.mark.xfail(
                    strict=True, reason="needs a check in errdict/_catalog.py")] if (damage, command) in
                    NEEDS_CATALOG_CHECK else []) for damage in DAMAGE for command in DAMAGE_COMMANDS]


@pytest.mark.parametrize("damage,command", DAMAGE_CASES)
def test_damaged_catalog_exits_3(damage, command, catalog_file, tmp_path):
    data = DAMAGE[damage](catalog_file.read_bytes())
    path = tmp_path / "catalog.jsonl"
    if data is not None:
        path.write_bytes(data)
    status, out, err = run(*DAMAGE_COMMANDS[command], catalog=Catalog(path),
                           stdin=b"2026-12-01 ERROR 21610 failed\n")
    if (damage, command) in UNTOUCHED:
        assert status == 0, err
        return
    assert status == 3, (status, out, err)
    lines = err.splitlines()
    assert lines[0].startswith("errdict: the catalog errdict reads is damaged or missing: ")
    assert lines[-1] == "errdict: reinstall errdict (in a checkout: python -m generator compile)"
    assert "usage:" not in err and "Traceback" not in err
    assert "[" not in out  # nothing half-written: the damage is found before the output starts
    assert_clean(err)


def test_damaged_catalog_never_gives_another_codes_entry(catalog_file, tmp_path):
    path = tmp_path / "catalog.jsonl"
    path.write_bytes(DAMAGE["offsets pointing at another entry"](catalog_file.read_bytes()))
    status, out, _ = run("30004", catalog=Catalog(path))
    assert status == 3 and "21610" not in out


def test_damaged_catalog_crlf_copy_still_reads(catalog_file, tmp_path, catalog):
    path = tmp_path / "catalog.jsonl"
    path.write_bytes(catalog_file.read_bytes().replace(b"\n", b"\r\n"))
    for argv in (["21610"], ["30882", "21610", "--json"], ["search", "title"], ["scan", "-"]):
        expected = run(*argv, catalog=catalog, stdin=b"ERROR 21610 failed\n")
        assert run(*argv, catalog=Catalog(path), stdin=b"ERROR 21610 failed\n") == expected
        assert expected[0] == 0


@pytest.mark.slow
def test_damaged_catalog_in_the_installed_package_exits_3(tmp_path, catalog_file):
    env = package_copy(tmp_path, catalog_file.read_bytes()[:300])
    for argv in (["21610"], ["search", "opted"], ["scan", "-"]):
        result = subprocess.run(errdict_cmd(*argv), env=env, cwd=tmp_path, input=b"ERROR 21610\n", capture_output=True)
        assert result.returncode == 3, result.stderr
        assert result.stderr.startswith(b"errdict: the catalog errdict reads is damaged or missing: ")
        assert b"Traceback" not in result.stderr and b"usage:" not in result.stderr


# --- no control character reaches the terminal -----------------------------------------------------------

HOSTILE_PIECES = ["\x1b", "\x1b[31m", "\x1b[2J\x1b[H", "\x1b]8;;https://evil.example/\x07link\x1b]8;;\x07", "\x07",
                  "\x00", "\r", "\x08", "\x7f", "\x85", "\x9b", "\x9d", "\u202e", "\u202a", "\u202d", "\u2066",
                  "\u2067", "\u2069", "\u200b", "\u200d", "\u200e", "\u2060", "\ufeff", "\u2028", "\u2029", "\u061c",
                  "\u00ad", "\U000e0041", "\U000e007f", "\udc80", "\ud800", "\t", "\n", "\n  Retry:     Retry later",
                  "\u2019", "\u00e9", "\U0001f600", "a", " ", "30007", "\\x1b"]
hostile_text = st.lists(st.sampled_from(HOSTILE_PIECES) | st.characters(), min_size=1, max_size=12).map("".join)


@pytest.mark.slow
def test_terminal_escape_injection_safe_covers_every_control_and_format_character():
    """Every character of the categories Cc, Cf, Zl, Zp and Cs (this Python's Unicode) is escaped,
    into printable ASCII; every other character is left alone."""
    for point in range(0x110000):
        char = chr(point)
        shown = cli.safe(char)
        if unicodedata.category(char) in UNSAFE_CATEGORIES:
            assert shown != char and shown.isascii() and shown.isprintable(), f"U+{point:04X}"
        elif point > 0x20 and unicodedata.category(char) != "Cn":  # unassigned ones may be escaped
            assert shown == char, f"U+{point:04X}"


def _hostile_catalog(folder: Path, base: bytes, text: str, title_only: bool = False) -> Catalog:
    def entry(item: dict[str, Any]) -> dict[str, Any]:
        if item["code"] == 21610 and title_only:
            return {**item, "title": text}
        if item["code"] == 21610:
            return {**item, "title": text, "summary": text + " summary", "advice": text, "tell_customer": text,
                    "causes": [text, "plain"], "solutions": [text], "aliases": [text], "lc_app": text,
                    "own_integration": text, "escalation": text, "former_titles": [{"title": text}]}
        if item["code"] == 30882:
            return {**item, "title": "Ref " + text, "upstream_products": [text]}
        return item

    def header(head: dict[str, Any]) -> dict[str, Any]:
        vocabulary = head["vocabulary"]
        vocabulary["product"] = {key: text + title for key, title in vocabulary["product"].items()}
        vocabulary["who_acts"] = {key: title + text for key, title in vocabulary["who_acts"].items()}
        vocabulary["action"] = {key: title + text for key, title in vocabulary["action"].items()}
        return head

    path = folder / f"hostile-{abs(hash(text))}.jsonl"
    path.write_bytes(rebuild(base, entry=entry, header=None if title_only else header))
    return Catalog(path)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=hostile_text)
@example(text="\ud800\udc80")  # two lone surrogates that JSON reads back as one character
def test_terminal_escape_injection_hostile_entry_property(text, catalog_file, tmp_path):
    hostile = _hostile_catalog(tmp_path, catalog_file.read_bytes(), text)
    log = b"2026-12-01 ERROR 21610 failed\nError 30882 seen\n"
    status, out, err = run("21610", "30882", catalog=hostile)
    assert status == 0
    assert_clean(out + err)
    lines = out.splitlines()
    assert lines[0].startswith("21610: ")
    assert all(line == "" or line.startswith(("  ", "21610: ", "30882: ")) for line in lines)
    status, out, err = run("21610", "30882", "--json", catalog=hostile)
    assert status == 0
    assert_clean(out + err)
    data = json.loads(out)
    # as the catalog holds it: JSON reads a pair of escaped surrogates (\ud800\udc80) as one character
    held = json.loads(json.dumps(text))
    assert data[0]["title"] == held and data[0]["causes"] == [held, "plain"] and data[1]["title"] == "Ref " + held
    for argv in (["search", "21610"], ["search", "--json", "30882"], ["scan", "-"], ["scan", "-", "--json"],
                 ["scan", "-", "--findings"]):
        status, out, err = run(*argv, catalog=hostile, stdin=log)
        assert status == 0, (argv, err)
        assert_clean(out + err)
    assert json.loads(run("scan", "-", "--json", catalog=hostile, stdin=log)[1])["codes"][0]["title"] == held


def test_terminal_escape_injection_newline_in_a_title_cannot_forge_a_line(catalog_file, tmp_path):
    forged = "Fine title\n\n  Retry:     Retry later\n  Action:    Wait and retry"
    hostile = _hostile_catalog(tmp_path, catalog_file.read_bytes(), forged, title_only=True)
    status, out, _ = run("21610", catalog=hostile)
    assert status == 0
    assert out.splitlines()[0] == "21610: Fine title\\x0a\\x0a  Retry:     Retry later\\x0a  Action:    Wait and retry"
    assert [line for line in out.splitlines() if line.startswith("  Retry:")] == ["  Retry:     Never retry"]


@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=hostile_text)
def test_terminal_escape_injection_arguments_property(text, catalog):
    for argv in ([text], ["21610", text], [f"ERROR {text}"], ["search", text], ["search", "--json", text],
                 ["scan", text], ["scan", "--findings", text], [f"--{text}", "21610"], ["--site-url", text, "21610"],
                 ["search", "--limit", text, "x"], ["scan", "--jobs", text, "-"]):
        status, out, err = run(*argv, catalog=catalog)
        assert status in (0, 1, 2), (argv, err)
        assert_clean(out + err)
        if status == 2:
            assert err.startswith("errdict: ") and err.splitlines()[-1].startswith("usage: errdict")


def _hostile_log(text: str) -> bytes:
    encoded = json.dumps(text)
    lines = [
        f"2026-12-01T10:00:00Z ERROR 30004 {text} delivery failed",
        json.dumps({text: {"error_code": 21610, "message": text}}, ensure_ascii=False),
        "{" + encoded + ': {"code": 30004, "more_info": "https://www.twilio.com/docs/errors/30004"}}',
        '{"ErrorCode": 30882, "Body": ' + encoded + "}",
        "Payload=" + "".join(f"%{b:02X}" for b in json.dumps({text: {"error_code": 30882}}).encode()) + "&Level=ERROR",
        f"{text}: error_code={UNKNOWN} {text}",
        f"2026-12-01 ERROR{text}30004 failed",  # the hostile text inside what a rule matches
        json.dumps({"error_code": f"21610{text}"}, ensure_ascii=False),
        f"workflow failed: Alias{text}label of 21610",
        text,
    ]
    return "\n".join(lines).encode("utf-8", "surrogatepass") + b"\n"


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=hostile_text)
def test_terminal_escape_injection_scanned_log_property(text, catalog):
    log = _hostile_log(text)
    for argv in (["scan", "-"], ["scan", "-", "--json"], ["scan", "-", "--findings"],
                 ["scan", "-", "--findings", "--json"]):
        status, out, err = run(*argv, catalog=catalog, stdin=log)
        assert status == 0, err
        assert_clean(out + err)
        if "--findings" in argv and "--json" in argv:
            findings = json.loads(out)
            assert {f["code"] for f in findings} >= {30004, 21610}
        elif "--findings" in argv:
            assert all(line.startswith("line ") for line in out.splitlines())
        elif "--json" in argv:
            assert {c["code"] for c in json.loads(out)["codes"]} >= {30004, 21610}


def test_terminal_escape_injection_in_findings_paths_and_texts(catalog):
    log = b'{"\\u001b[31mred\\u202e": {"error_code": 21610}}\nERROR 30004 \x1b]0;pwned\x07 x\n' \
          b"Payload=%7B%22%1B%5B2J%22%3A%7B%22error_code%22%3A30882%7D%7D&Level=ERROR\n" \
          b"2026-12-01 ERROR\t30004 failed\n" + '{"error_code": "30004\u202e"}\n'.encode()
    status, out, _ = run("scan", "-", "--findings", catalog=catalog, stdin=log)
    assert status == 0
    assert_clean(out)
    assert "line 1 /\\x1b[31mred\\u202e/error_code: 21610 json-field" in out
    status, as_json, _ = run("scan", "-", "--findings", "--json", catalog=catalog, stdin=log)
    assert_clean(as_json)
    findings = json.loads(as_json)
    assert findings[0]["path"] == "/\x1b[31mred\u202e/error_code"
    lines = out.splitlines()
    assert len(lines) == len(findings)
    hostile = 0
    for finding, line in zip(findings, lines, strict=True):  # the same finding, its texts escaped
        raw = finding["text"] + (finding["path"] or "")
        hostile += any(unicodedata.category(c) in UNSAFE_CATEGORIES for c in raw)
        assert line.startswith(f"line {finding['line']}") and f": {finding['code']} {finding['kind']}" in line
        assert f'"{cli.safe(finding["text"])}"' in line
        assert finding["path"] is None or cli.safe(finding["path"]) in line
    assert hostile >= 2, findings  # the key of line 1, and the tab inside "ERROR\t30004"


@pytest.mark.parametrize("name", ["app\x1b[31m.log", "app\u202egol.txt", "app\x07\r.log", "app\udcff.log"],
                         ids=["escape", "bidi", "bell", "undecodable byte"])
def test_terminal_escape_injection_file_names(name, tmp_path, catalog):
    try:
        path = tmp_path / name
        path.write_bytes(b"ERROR 21610 failed\n")
    except (UnicodeEncodeError, OSError):
        pytest.skip("the file system cannot hold this name")
    for argv in (["scan", str(path)], ["scan", str(path), "--json"], ["scan", str(tmp_path / ("missing" + name))]):
        status, out, err = run(*argv, catalog=catalog)
        assert_clean(out + err)
        assert status == (2 if "missing" in argv[1] else 0)
    status, out, _ = run("scan", str(path), "--json", catalog=catalog)
    assert json.loads(out)["source"] == str(path)


# --- pipes, signals, streaming, encodings ----------------------------------------------------------------

def _pipe_to_head(command: list[str], env: dict[str, str], stdin: Any = subprocess.DEVNULL) -> tuple[bytes, int, bytes]:
    """Run command | head -1 through real pipes: (head's output, command's status, its stderr)."""
    producer = subprocess.Popen(command, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    head = subprocess.Popen(["head", "-1"], stdin=producer.stdout, stdout=subprocess.PIPE)
    assert producer.stdout is not None and producer.stderr is not None
    producer.stdout.close()  # head holds the only read end: when it exits, the pipe is broken
    first, _ = head.communicate(timeout=120)
    error = producer.stderr.read()
    return first, producer.wait(timeout=120), error


@pytest.fixture(scope="module")
def big_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("logs") / "app.log"
    path.write_text("".join(f"2026-12-01T10:00:{i % 60:02d}Z ERROR 30007 delivery failed id={i}\n"
                            for i in range(100_000)))
    return path


@pytest.mark.slow
@pytest.mark.parametrize("extra", [["--findings"], ["--findings", "--json"]], ids=["findings", "findings json"])
def test_broken_pipe_scan_piped_to_head_ends_quietly(extra, big_log):
    first, status, error = _pipe_to_head(errdict_cmd("scan", str(big_log), *extra), subprocess_env())
    assert status == 0 and error == b""
    assert first == b"line 1, column 22: 30007 log-line \"ERROR 30007\"\n" if extra == ["--findings"] else b"[\n"


@pytest.mark.slow
def test_broken_pipe_scan_of_standard_input_piped_to_head_ends_quietly(big_log):
    """`cat app.log | errdict scan - --findings | head -1`: the closed output is not reported as an
    input that "cannot be read"."""
    with open(big_log, "rb") as log:
        first, status, error = _pipe_to_head(errdict_cmd("scan", "-", "--findings"), subprocess_env(), stdin=log)
    assert status == 0 and error == b"", error
    assert first.startswith(b"line 1, column 22: 30007 ")


@pytest.mark.slow
def test_broken_pipe_explain_piped_to_head_ends_quietly():
    first, status, error = _pipe_to_head(errdict_cmd(*["21610", "30007"] * 200), subprocess_env())
    assert status == 0 and error == b""
    assert first == f"21610: {lookup(21610).title}\n".encode()


def _interrupt(extra: list[str]) -> tuple[int, bytes, bytes, list[bytes]]:
    proc = subprocess.Popen(errdict_cmd("scan", "-", *extra), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=subprocess_env())
    assert proc.stdin is not None
    proc.stdin.write(b"2026-12-01T10:00:00Z ERROR 30007 delivery failed\n")
    proc.stdin.flush()
    wait_until_reading_a_pipe(proc)  # the line is read; the input stays open, like a slow `tail -f`
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    return proc.returncode, out, err, out.splitlines()


@pytest.mark.slow
def test_interrupt_scan_of_a_slow_pipe_exits_130_without_traceback():
    status, _, err, lines = _interrupt([])
    assert status == 130
    assert b"Traceback" not in err and b"KeyboardInterrupt" not in err
    assert lines[1].split()[:2] == [b"1", b"30007"]  # the summary of what was read
    assert lines[-1] == b"(interrupted: this is what was read before Ctrl-C)"


@pytest.mark.slow
def test_interrupt_scan_json_exits_130_with_a_valid_document():
    status, out, err, _ = _interrupt(["--json"])
    assert status == 130 and b"Traceback" not in err
    data = json.loads(out)
    assert data["interrupted"] is True and data["codes"][0]["code"] == 30007


@pytest.mark.slow
def test_interrupt_scan_findings_json_exits_130_with_a_valid_array():
    status, out, err, _ = _interrupt(["--findings", "--json"])
    assert status == 130 and b"Traceback" not in err
    assert err == b"errdict: interrupted\n"
    assert [finding["code"] for finding in json.loads(out)] == [30007]


@pytest.mark.slow
def test_interrupt_scan_of_a_large_file_in_parallel_exits_130_without_traceback(tmp_path):
    path = tmp_path / "huge.log"
    line = b"2026-12-01T10:00:00Z ERROR 30007 delivery failed to +14155550123 after 3 attempts, retrying\n"
    with open(path, "wb") as handle:
        for _ in range((cli.PARALLEL_MIN_BYTES * 3) // (len(line) * 1000) + 1):
            handle.write(line * 1000)
    proc = subprocess.Popen(errdict_cmd("scan", str(path), "--jobs", "2"), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=subprocess_env())
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # until the worker process is forked and busy
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
        if children.exists() and children.read_text().split():
            break
        time.sleep(0.02)
    time.sleep(0.2)
    if proc.poll() is not None:
        pytest.skip("the scan ended before it could be interrupted")
    proc.send_signal(signal.SIGINT)
    for child in Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split():
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(child), signal.SIGINT)  # the terminal sends Ctrl-C to the whole group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert b"Traceback" not in err and b"KeyboardInterrupt" not in err
    assert err == b"errdict: interrupted\n"


@pytest.mark.slow
@pytest.mark.parametrize("extra", [["--findings"], ["--findings", "--json"]], ids=["text", "json"])
def test_streaming_findings_appear_as_lines_arrive(extra):
    """`tail -f app.log | errdict scan - --findings`: each finding is on standard output while the
    input is still open."""
    proc = subprocess.Popen(errdict_cmd("scan", "-", *extra), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=subprocess_env())
    assert proc.stdin is not None
    reader = LineReader(proc.stdout)
    try:
        if "--json" in extra:
            assert reader.next() == b"[\n"
        for i, (line, code) in enumerate(((b"2026-12-01T10:00:00Z ERROR 30007 delivery failed\n", 30007),
                                          (b"MessageStatus=failed&ErrorCode=21610&To=%2B14155550123\n", 21610),
                                          (b'{"code": 30003, "message": "Unreachable destination handset", '
                                           b'"more_info": "https://www.twilio.com/docs/errors/30003", "status": 400}\n',
                                           30003))):
            proc.stdin.write(line)
            proc.stdin.flush()
            shown = reader.next(timeout=30)  # read before stdin is closed
            if "--json" in extra:
                item = json.loads(shown[2:] if i else shown)
                assert item["code"] == code and item["line"] == i + 1
                assert shown.startswith(b", " if i else b"  ")
            else:
                assert shown.startswith(f"line {i + 1}".encode()) and f": {code} ".encode() in shown
        proc.stdin.close()
        rest = b"".join(iter(lambda: reader.next(timeout=30), b""))
        assert proc.wait(timeout=30) == 0
        assert rest == (b"]\n" if "--json" in extra else b"")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


class Trickle(io.RawIOBase):
    """Standard input that gives one line per read and notes what the output held at each read."""

    def __init__(self, lines: list[bytes], out: io.StringIO, interrupt_at: int | None = None) -> None:
        self.lines, self.out, self.interrupt_at = iter(lines), out, interrupt_at
        self.seen: list[str] = []

    def readable(self) -> bool:
        return True

    def read1(self, size: int = -1) -> bytes:
        self.seen.append(self.out.getvalue())
        if self.interrupt_at is not None and len(self.seen) > self.interrupt_at:
            raise KeyboardInterrupt
        return next(self.lines, b"")

    read = read1


def _findings_lines(count: int) -> list[bytes]:
    return [f"2026-12-01T10:00:00Z ERROR {21610 if i % 2 else 30004} failed id={i}\n".encode() for i in range(count)]


def test_streaming_findings_json_is_written_incrementally(catalog):
    out, err = io.StringIO(), io.StringIO()
    trickle = Trickle(_findings_lines(50), out)
    status = main(["scan", "-", "--findings", "--json"], out, err, stdin=trickle, catalog=catalog)
    assert status == 0 and err.getvalue() == ""
    for read, before in enumerate(trickle.seen):
        assert before.count('"code"') == read, read  # every finding of the lines read so far is already out
        assert before.startswith("[\n") if read else before in ("", "[\n")
    findings = json.loads(out.getvalue())
    assert [f["line"] for f in findings] == list(range(1, 51))
    assert [f["code"] for f in findings] == [21610 if i % 2 else 30004 for i in range(50)]


@pytest.mark.parametrize("count", [0, 1, 2, 1000])
def test_streaming_findings_json_is_a_valid_array_whatever_the_number(count, catalog):
    status, out, _ = run("scan", "-", "--findings", "--json", catalog=catalog, stdin=b"".join(_findings_lines(count)))
    assert status == 0
    assert len(json.loads(out)) == count


def test_streaming_findings_json_stays_valid_when_interrupted(catalog):
    out, err = io.StringIO(), io.StringIO()
    trickle = Trickle(_findings_lines(10), out, interrupt_at=4)
    status = main(["scan", "-", "--findings", "--json"], out, err, stdin=trickle, catalog=catalog)
    assert status == 130 and err.getvalue() == "errdict: interrupted\n"
    assert len(json.loads(out.getvalue())) == 4  # 4 reads gave a line each; the 5th was interrupted


class _Discard(io.TextIOBase):
    def write(self, text: str) -> int:
        return len(text)


class _Blocks(io.RawIOBase):
    """A long log made on the fly, 500 lines a read: the input costs no memory of its own."""

    def __init__(self, count: int) -> None:
        self.left, self.made = count, 0

    def readable(self) -> bool:
        return True

    def read1(self, size: int = -1) -> bytes:
        lines = min(500, self.left)
        self.left -= lines
        self.made += lines
        return b"".join(_findings_lines(lines))

    read = read1


@pytest.mark.slow
def test_streaming_findings_json_memory_does_not_grow_with_the_findings(catalog):
    run("scan", "-", "--findings", "--json", catalog=catalog, stdin=b"".join(_findings_lines(100)))  # warm up

    def peak(count: int) -> int:
        tracemalloc.start()
        try:
            status = main(["scan", "-", "--findings", "--json"], _Discard(), io.StringIO(), stdin=_Blocks(count),
                          catalog=catalog)
            assert status == 0
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(1_000), peak(10_000)
    # Ten times the findings: a writer that kept them, or their JSON (about 150 bytes each), would
    # need 1.3 MB more; a streaming one needs the same (about 170 kB here).
    assert large < small + (512 << 10), (small, large)


@pytest.mark.slow
def test_ascii_output_encoding_does_not_crash(tmp_path, catalog_file):
    env = package_copy(tmp_path, catalog_file.read_bytes())
    env["PYTHONIOENCODING"] = "ascii"
    log = tmp_path / "app.log"
    log.write_bytes("2026-12-01 ERROR 21610 \u2019quoted\u2019 \U0001f600\n".encode())
    for argv in (["21610"], ["21610", "--json"], ["search", "opted"], ["search", "--json", "opted"],
                 ["scan", str(log)], ["scan", str(log), "--json"], ["scan", str(log), "--findings"],
                 ["scan", str(log), "--findings", "--json"], ["\u2019nope"]):
        result = subprocess.run(errdict_cmd(*argv), env=env, cwd=tmp_path, capture_output=True)
        assert result.returncode == (2 if argv == ["\u2019nope"] else 0), result.stderr
        assert b"Traceback" not in result.stderr and b"UnicodeEncodeError" not in result.stderr
        result.stdout.decode("ascii")
        result.stderr.decode("ascii")
        if "--json" in argv:
            data = json.loads(result.stdout)  # \u escapes: the same value as in UTF-8
            if argv[0] == "21610":
                assert data[0]["title"] == FIXTURE_TITLE
            if argv[-1] == "--json" and argv[0] == "scan" and "--findings" not in argv:
                assert data["codes"][0]["title"] == FIXTURE_TITLE
    result = subprocess.run(errdict_cmd("21610"), env=env, cwd=tmp_path, capture_output=True)
    assert result.stdout.startswith(b"21610: Recipient's number \"opted out\"\n  Error - Messaging\n")


def test_ascii_output_encoding_of_a_strict_stream_does_not_crash(catalog):
    raw = io.BytesIO()
    strict = io.TextIOWrapper(raw, encoding="ascii", errors="strict")
    assert main(["21610"], strict, io.StringIO(), catalog=catalog) == 0
    strict.flush()
    assert raw.getvalue().startswith(b"21610: Recipient's number \"opted out\"\n")
    raw = io.BytesIO()
    latin = io.TextIOWrapper(raw, encoding="latin-1", errors="strict")
    assert main(["21610", "--json"], latin, io.StringIO(), catalog=catalog) == 0
    latin.flush()
    assert json.loads(raw.getvalue().decode("latin-1"))[0]["title"] == FIXTURE_TITLE


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class _TerminalInput(io.BytesIO):
    def isatty(self) -> bool:
        return True


def test_scan_of_a_terminal_says_how_to_end_the_input(catalog):
    err = _Terminal()
    status = main(["scan", "-"], io.StringIO(), err, stdin=_TerminalInput(b"ERROR 21610 x\n"), catalog=catalog)
    assert status == 0 and err.getvalue() == "errdict: reading standard input (Ctrl-D ends it)\n"
    assert run("scan", "-", catalog=catalog, stdin=b"ERROR 21610 x\n")[2] == ""  # not said to a pipe


UTF16_LOG = "2026-12-01 caf\u00e9 ERROR 30004 failed\n{\"error_code\": 21610}\nno code here\n"


@pytest.mark.parametrize("encoding,bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
                                          ("utf-8", b"\xef\xbb\xbf")])
def test_utf16_log_with_a_bom_is_read(encoding, bom, tmp_path, catalog):
    data = bom + UTF16_LOG.encode(encoding)
    path = tmp_path / "app.log"
    path.write_bytes(data)
    for argv, stdin in ((["scan", str(path), "--json"], b""), (["scan", "-", "--json"], data)):
        status, out, err = run(*argv, catalog=catalog, stdin=stdin)
        assert status == 0 and err == ""
        summary = json.loads(out)
        assert {c["code"]: c["count"] for c in summary["codes"]} == {30004: 1, 21610: 1}
        assert summary["lines"] == 3
    status, out, _ = run("scan", "-", "--findings", catalog=catalog, stdin=data)
    assert out.splitlines() == ['line 1, column 17: 30004 log-line "ERROR 30004"',
                                "line 2 /error_code: 21610 json-field \"21610\""]


@pytest.mark.parametrize("encoding", ["UTF-16LE", "UTF-16BE"])
def test_utf16_log_without_a_bom_is_not_silently_empty(encoding, tmp_path, catalog):
    path = tmp_path / "app.log"
    path.write_bytes(UTF16_LOG.encode(encoding))
    status, out, err = run("scan", str(path), catalog=catalog)
    assert status == 0 and out.startswith("no error codes found")
    assert err == f"errdict: {path} looks like {encoding} text without a byte-order mark; convert it to UTF-8 " \
                  f"(iconv -f {encoding} -t UTF-8) and scan it again\n"
    assert run("scan", "-", catalog=catalog, stdin=b"ERROR 30004 x\n" + b"\x00" * 8)[2] == ""  # it found a code
