"""How fast the scanner reads a large log, and in how much memory, against `grep -c`.

    python3 benchmarks/bench_scan.py              # 100 MB and 1 GB logs (the issue's size)
    python3 benchmarks/bench_scan.py --sizes 50M  # a quick run
    python3 benchmarks/bench_scan.py --baseline none   # without the scanner of the last commit
    python3 benchmarks/bench_scan.py --baseline /tmp/before   # a folder holding an errdict package

For each size it writes a synthetic log of a messaging platform into a temporary folder (access
log lines, status callbacks with and without ErrorCode, API error bodies, retry warnings,
workflow failures with their labels, inbound message bodies full of numbers, billing lines with
amounts and zip codes, JSON webhook lines, debug noise), then in the same run measures:

* `errdict._scan.summarize_file(FILE, jobs)` (what `errdict scan FILE` runs) in a fresh process:
  wall time, MB/s and peak RSS (ru_maxrss), with one process (`jobs=1`: the stream) and with two
  (`jobs=2`: two ranges of lines, one process each);
* the same with the errdict package of a git revision (--baseline, default HEAD: `errdict/` as
  last committed, extracted into a temporary folder with `git archive`) or of a folder, for a
  before/after comparison;
* `grep -c` over the same file, with the scanner's own pre-filter (`-i -E 'err|code'`) and with
  a fixed string (`ErrorCode`), and the time ratio of each scan to each.

The variants of the working tree must give the same summary (one process or two); the run fails
if they differ. Where the baseline's summary differs (a scanner fix changes what counts), the
difference is printed.

Constant memory shows as the same peak RSS at every size. The log is built from a pool of
distinct random lines (16 MiB) written over and over up to the size; the scan's work per byte is
that of the pool. Everything is deleted at the end unless --keep.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
POOL_BYTES = 16 << 20

# Codes weighted roughly as a messaging platform sees them.
CODES = [(30007, 20), (30003, 14), (30005, 10), (30006, 8), (21610, 12), (30034, 6), (21211, 5), (30008, 5),
         (21614, 4), (30004, 4), (30032, 3), (11200, 3), (63016, 2), (30022, 2), (31005, 1), (39999, 1)]
LABELS = ["User replied STOP (opt-out)", "Carrier Violation", 'Invalid "To" phone number',
          "Number unreachable or out of service", "Daily message cap reached", "Sub-account suspended"]
BODIES = ["Your+code+is+{n}", "Order+{n}+shipped", "Call+me+at+(415)+555-{p4}", "Total+due+%24{amt}",
          "Error+{n}+on+my+bill%3F", "STOP", "See+you+at+{h}%3A{m}"]


def _sid(rng: random.Random, prefix: str) -> str:
    return prefix + f"{rng.getrandbits(128):032x}"


def _phone(rng: random.Random) -> str:
    return f"+1{rng.randint(201, 989)}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"


def _code(rng: random.Random) -> int:
    return rng.choices([c for c, _ in CODES], weights=[w for _, w in CODES])[0]


def log_line(rng: random.Random) -> str:
    """One line of a synthetic platform log."""
    ts = (f"2024-05-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:"
          f"{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d}Z")
    kind = rng.random()
    acct = _sid(rng, "AC")
    if kind < 0.24:
        return (f'203.0.113.{rng.randint(1, 254)} - - [01/May/2024:12:{rng.randint(0, 59):02d}:03 +0000] "POST '
                f'/2010-04-01/Accounts/{acct}/Messages.json HTTP/1.1" {rng.choice([201, 201, 201, 400, 429])} '
                f'{rng.randint(300, 2000)} "-" "lcphone-sdk/4.2.{rng.randint(0, 9)}" 0.{rng.randint(10, 999)}')
    if kind < 0.50:
        return (f"{ts} INFO  webhook.status MessageSid={_sid(rng, 'SM')}&MessageStatus=delivered&"
                f"To=%2B{_phone(rng)[1:]}&From=%2B{_phone(rng)[1:]}&ErrorCode=&AccountSid={acct}&ApiVersion=2010-04-01")
    if kind < 0.54:
        return (f"{ts} WARN  webhook.status MessageSid={_sid(rng, 'SM')}&MessageStatus=undelivered&"
                f"To=%2B{_phone(rng)[1:]}&From=%2B{_phone(rng)[1:]}&ErrorCode={_code(rng)}&AccountSid={acct}")
    if kind < 0.56:
        code = _code(rng)
        return (f'{ts} ERROR api.send to={_phone(rng)} response={{"code": {code}, "message": "Request failed", '
                f'"more_info": "https://www.twilio.com/docs/errors/{code}", "status": 400}}')
    if kind < 0.58:
        return (f"{ts} WARN  sender retry in {rng.randint(5, 300)}s after Error {_code(rng)} "
                f"(attempt {rng.randint(1, 5)}/5) to {_phone(rng)}")
    if kind < 0.59:
        return (f'{ts} INFO  workflow wf_{rng.randint(1000, 99999)} action "Send SMS" failed: '
                f"{rng.choice(LABELS)} contact={rng.getrandbits(48):x}")
    if kind < 0.69:
        body = rng.choice(BODIES).format(n=rng.randint(10000, 99999), p4=f"{rng.randint(0, 9999):04d}",
                                         amt=f"{rng.randint(1, 999)}.{rng.randint(0, 99):02d}",
                                         h=rng.randint(1, 12), m=f"{rng.randint(0, 59):02d}")
        return (f"{ts} INFO  inbound MessageSid={_sid(rng, 'SM')}&Body={body}&From=%2B{_phone(rng)[1:]}"
                f"&To=%2B{_phone(rng)[1:]}&NumSegments=1")
    if kind < 0.76:
        return (f"{ts} INFO  billing charged ${rng.randint(1, 999)}.{rng.randint(0, 99):02d} invoice "
                f"INV-{rng.randint(10000, 99999)} zip={rng.randint(10000, 99999)} order {rng.randint(10000, 99999)}")
    if kind < 0.82:
        status = rng.choice(["failed", "undelivered"] + ["sent", "delivered"] * 4)
        error = f', "error_code": {_code(rng)}' if status in ("failed", "undelivered") else ""
        return (f'{{"event": "message.status", "ts": "{ts}", "data": {{"sid": "{_sid(rng, "SM")}", '
                f'"status": "{status}", "to": "{_phone(rng)}"{error}, '
                f'"body": "Your code is {rng.randint(10000, 99999)}"}}}}')
    return (f"{ts} DEBUG db.pool size={rng.randint(5, 50)} host=10.0.{rng.randint(0, 9)}.{rng.randint(1, 254)}:"
            f"{rng.choice([5432, 6379, 8080, 30007])} latency={rng.randint(1, 900)}ms req={rng.getrandbits(64):x}")


def write_log(path: Path, size: int, seed: int = 7) -> int:
    """Write about `size` bytes of log lines to path; the exact byte count is returned."""
    rng = random.Random(seed)
    pool_lines, pool_size = [], 0
    while pool_size < min(size, POOL_BYTES):
        line = log_line(rng) + "\n"
        pool_lines.append(line)
        pool_size += len(line)
    pool = "".join(pool_lines).encode()
    written = 0
    with open(path, "wb") as handle:
        while written + len(pool) <= size:
            handle.write(pool)
            written += len(pool)
        rest = size - written
        if rest > 0:
            tail = pool[:rest]
            tail = tail[:tail.rfind(b"\n") + 1]
            handle.write(tail)
            written += len(tail)
    return written


_MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[2:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
elapsed = time.perf_counter() - start
if str(done.returncode) not in sys.argv[1].split(","):
    sys.exit(done.stderr.decode()[-2000:] or f"exit {done.returncode}")
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(elapsed, usage.ru_maxrss, usage.ru_utime + usage.ru_stime)
sys.stdout.write(done.stdout.decode())
"""


def measure(command: list[str], pythonpath: Path | None = None, ok: str = "0") -> tuple[float, int, float, str]:
    """Wall seconds, peak RSS (KiB), CPU seconds (all its processes) and output of one command, run
    from a fresh measuring process (so that ru_maxrss of its children is the command's own: that of
    its largest process). CPU time is what to compare on a machine busy with other work. `ok`: the
    exit statuses that mean success (grep -c exits 1 when it counts nothing)."""
    env = dict(os.environ, PYTHONPATH=str(pythonpath)) if pythonpath else None
    done = subprocess.run([sys.executable, "-c", _MEASURE, ok, *command], capture_output=True, text=True, check=False,
                          cwd=pythonpath or REPO, env=env)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    first, _, output = done.stdout.partition("\n")
    elapsed, rss, cpu = first.split()
    return float(elapsed), int(rss), float(cpu), output


def baseline_package(revision: str, folder: Path) -> Path | None:
    """A folder holding the errdict package of a git revision (extracted with `git archive`, which
    changes nothing in the checkout), or the given folder when it holds an `errdict` package; None
    when neither can be had."""
    given = Path(revision)
    if (given / "errdict" / "__init__.py").is_file():
        return given
    done = subprocess.run(["git", "archive", "--format=tar", revision, "errdict"], capture_output=True, cwd=REPO,
                          check=False)
    if done.returncode != 0:
        print(f"no baseline: git archive {revision} errdict failed: {done.stderr.decode().strip()}", file=sys.stderr)
        return None
    root = folder / "baseline"
    root.mkdir()
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
        archive.extractall(root, filter="data")
    return root


# The measured program: the scanner's summary of a file, as `errdict scan FILE` computes it, in the
# package found first on sys.path (the working tree or a baseline). Works with every revision that
# has errdict._scan.summarize_file(path, jobs) (the single-module scanner of 3c39a0d included).
_DRIVER = """
import json, sys
from errdict._scan import summarize_file
summary, stats = summarize_file(sys.argv[1], int(sys.argv[2]))
print(json.dumps({"lines": stats.lines, "bytes": stats.bytes, "occurrences": sum(summary.counts.values()),
                  "codes": sorted(summary.counts.items()), "first_line": sorted(summary.first_line.items()),
                  "unknown": sorted(summary.unknown.items())}))
"""


def describe_difference(before: dict, after: dict) -> str:
    """What the working tree counts differently from the baseline, code by code."""
    parts = []
    for field in ("codes", "unknown"):
        old, new = dict(map(tuple, before[field])), dict(map(tuple, after[field]))
        for code in sorted(set(old) | set(new)):
            if old.get(code) != new.get(code):
                parts.append(f"{field[:-1] if field == 'codes' else 'unknown'} {code}: "
                             f"{old.get(code, 0):,} -> {new.get(code, 0):,}")
    return "; ".join(parts) or "first lines differ"


def parse_size(text: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    text = text.strip().upper().rstrip("B")
    if text[-1:] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100M,1G", help="comma-separated log sizes (default 100M,1G)")
    parser.add_argument("--dir", default=None, help="where to write the logs (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the generated logs")
    parser.add_argument("--baseline", default="HEAD",
                        help="git revision whose scanner to compare with (default HEAD; 'none' to skip)")
    args = parser.parse_args(argv)
    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    grep = shutil.which("grep")
    folder = Path(tempfile.mkdtemp(prefix="errdict-bench-scan-", dir=args.dir))
    rows: list[tuple[int, str, float, float, int | None]] = []  # log bytes, what ran, seconds, CPU s, RSS KiB
    try:
        baseline = baseline_package(args.baseline, folder) if args.baseline != "none" else None
        variants = [("scan, 1 process", REPO, "1"), ("scan, 2 processes", REPO, "2")]
        if baseline:
            label = args.baseline if len(args.baseline) <= 12 else "..." + args.baseline[-9:]
            variants.insert(0, (f"before ({label})", baseline, "1"))
        for size in sizes:
            log = folder / f"synthetic-{size >> 20}M.log"
            started = time.perf_counter()
            real = write_log(log, size)
            print(f"wrote {real / 1e6:,.0f} MB to {log} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            summaries: dict[str, dict] = {}
            for name, package, jobs in variants:
                scan_s, scan_rss, scan_cpu, output = measure([sys.executable, "-c", _DRIVER, str(log), jobs], package)
                rows.append((real, name, scan_s, scan_cpu, scan_rss))
                summary = json.loads(output)
                summaries[name] = summary
                print(f"  {name}: {scan_s:.2f} s, {summary['occurrences']:,} occurrences of "
                      f"{len(summary['codes'])} codes in {summary['lines']:,} lines", file=sys.stderr)
            current = [summaries[name] for name, package, _ in variants if package == REPO]
            if any(summary != current[0] for summary in current):
                raise SystemExit(f"the scans of {log} with one process and with two disagree")
            if baseline and summaries[variants[0][0]] != current[0]:
                print(f"  the baseline counts differently: "
                      f"{describe_difference(summaries[variants[0][0]], current[0])}", file=sys.stderr)
            if grep:
                for name, command in (("grep -ciE 'err|code'", [grep, "-c", "-i", "-E", "err|code", str(log)]),
                                      ("grep -cF ErrorCode", [grep, "-c", "-F", "ErrorCode", str(log)])):
                    grep_s, _, grep_cpu, _ = measure(command, ok="0,1")
                    rows.append((real, name, grep_s, grep_cpu, None))
            if not args.keep:
                log.unlink()
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print_table(rows)
    return 0


def print_table(rows: list[tuple[int, str, float, float, int | None]]) -> None:
    """One line per log size and command: wall and CPU time, rate, peak RSS, ratio to each grep and
    speed-up over the first row (the baseline when there is one), by wall time and by CPU time."""
    print(f"\n{'log size':>9}  {'command':<26} {'wall s':>7} {'MB/s':>6} {'CPU s':>6} {'peak RSS':>9} "
          f"{'/ grep -ciE':>11} {'/ grep -cF':>10} {'speed-up':>8} {'CPU speed-up':>12}")
    for size in sorted({row[0] for row in rows}):
        group = [row for row in rows if row[0] == size]
        timed = {name: seconds for _, name, seconds, _, _ in group}
        grep_pre = timed.get("grep -ciE 'err|code'", float("nan"))
        grep_fixed = timed.get("grep -cF ErrorCode", float("nan"))
        first_wall, first_cpu = group[0][2], group[0][3]
        for _, name, seconds, cpu, rss in group:
            line = f"{size / 1e6:>7,.0f}MB  {name:<26} {seconds:>7.2f} {size / 1e6 / seconds:>6.1f} {cpu:>6.2f} "
            if rss is not None:
                line += (f"{rss / 1024:>7.1f}MB {seconds / grep_pre:>10.1f}x {seconds / grep_fixed:>9.1f}x "
                         f"{first_wall / seconds:>7.2f}x {first_cpu / cpu:>11.2f}x")
            print(line)
    print("\n/ grep = scan wall time / grep wall time over the same file (lower is better); speed-up = first "
          "row's time / this row's; peak RSS = ru_maxrss of the largest process (with 2 processes, each has "
          "about that much).")


if __name__ == "__main__":
    sys.exit(main())
