"""Whether scanning stays linear on pathological input: the inputs a hostile user sends, from 1 KB to 1 MB.

    python3 benchmarks/bench_pathological.py                 # every kind, 1 KB to 1 MB
    python3 benchmarks/bench_pathological.py --max-size 256K --kinds "spaces after ErrorCode,nested lines"

Each kind of input (a long run of what one of the scanner's patterns repeats, after each word a rule
starts at; or lines that open documents that never close; or deep nesting) is generated at sizes that
double from 1 KB, then scanned with ``errdict.scan(text)`` and with the stream (``scan_stream`` over the
UTF-8 bytes). The table shows the time per size and the growth ratio to the previous size: linear time
shows as about 2x per doubling (below 1 KB or so, fixed costs dominate and the ratio is lower);
quadratic as about 4x, cubic as 8x. The run ends with the worst ratio per kind over the larger sizes,
and exits 1 if any kind grew faster than --limit (default 3.0) per doubling there.
"""
from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from errdict import default_catalog
from errdict._scan import scan, scan_stream

# name -> a text of about n characters
KINDS: dict[str, Callable[[int], str]] = {
    "spaces after ErrorCode": lambda n: "ErrorCode" + " " * n + "x",
    "spaces and tabs after error code": lambda n: "error code" + " \t" * (n // 2) + "is x",
    "spaces after code": lambda n: "failed code" + " " * n + "x",
    "spaces after err": lambda n: "err" + " " * n + ":",
    "error words": lambda n: "error " * (n // 6),
    "ErrorCode without digits": lambda n: "ErrorCode=" * (n // 10),
    "spaces after a label word": lambda n: "carrier" + " " * n + "violatio",
    "label words": lambda n: "daily message cap " * (n // 18),
    "body keys": lambda n: "body=text:" * (n // 10),
    "quotes": lambda n: '"' * n,
    "escaped quotes": lambda n: '"' + '\\"' * (n // 2),
    "form body": lambda n: "a=b&" * (n // 4),
    "form body with encoded values": lambda n: "Payload=%7B%22error_code%22" + "%20" * (n // 3),
    "JSON fragments": lambda n: '{"a":' * (n // 5),
    "JSON keys": lambda n: '{"error_code": ' * (n // 15),
    "deeply nested JSON": lambda n: '{"a":' * (n // 10) + '{"ErrorCode": 30007}' + "}" * (n // 10),
    "digits": lambda n: "Error " + "3" * n,
    "full-width letters and zero-width spaces": lambda n: "\uff23\uff41\uff52\uff52\uff49\uff45\uff52\u200b" * (n // 8),
    "lines that open documents": lambda n: "x {\n" * (n // 4),
    "nested lines": lambda n: "{\n" * (n // 2),
    "documents that never close": lambda n: '{\n"code": 21211,\n' * (n // 17),
}


def parse_size(text: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20}
    text = text.strip().upper().rstrip("B")
    return int(float(text[:-1]) * units[text[-1]]) if text[-1:] in units else int(text)


def best_time(function: Callable[[], object], budget: float = 0.2) -> float:
    """The best of a few runs (more for quick ones), in seconds."""
    best, spent = float("inf"), 0.0
    for _ in range(7):
        started = time.perf_counter()
        function()
        elapsed = time.perf_counter() - started
        best, spent = min(best, elapsed), spent + elapsed
        if spent > budget:
            break
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-size", default="1M", help="the largest input (default 1M)")
    parser.add_argument("--kinds", default="", help="comma-separated kinds (default: all)")
    parser.add_argument("--limit", type=float, default=3.0, help="the worst growth per doubling allowed (3.0)")
    args = parser.parse_args(argv)
    kinds = [kind.strip() for kind in args.kinds.split(",") if kind.strip()] or list(KINDS)
    sizes = []
    size = 1 << 10
    while size <= parse_size(args.max_size):
        sizes.append(size)
        size *= 2
    catalog = default_catalog()
    worst: dict[str, float] = {}
    print(f"{'input':<42} {'size':>7} {'scan() s':>10} {'x':>5} {'stream s':>10} {'x':>5}")
    for kind in kinds:
        previous: tuple[float, float] | None = None
        for size in sizes:
            text = KINDS[kind](size)
            data = text.encode("utf-8")
            t_scan = best_time(lambda text=text: scan(text, catalog=catalog))
            t_stream = best_time(lambda data=data: list(scan_stream(io.BytesIO(data), catalog=catalog)))
            ratios = ("", "")
            if previous is not None:
                r_scan, r_stream = t_scan / max(previous[0], 1e-9), t_stream / max(previous[1], 1e-9)
                ratios = (f"{r_scan:.1f}", f"{r_stream:.1f}")
                if size >= 64 << 10:  # fixed costs no longer dominate
                    worst[kind] = max(worst.get(kind, 0.0), r_scan, r_stream)
            print(f"{kind:<42} {size >> 10:>6}K {t_scan:>10.4f} {ratios[0]:>5} {t_stream:>10.4f} {ratios[1]:>5}")
            previous = (t_scan, t_stream)
    print("\nworst growth per doubling from 64 KB on (linear: ~2.0):")
    failed = False
    for kind, ratio in worst.items():
        flag = "" if ratio <= args.limit else "   <-- super-linear"
        failed |= ratio > args.limit
        print(f"  {kind:<42} {ratio:.2f}{flag}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
