"""Help-site build benchmark: errdict's full build against a plain mkdocs-material build.

    python benchmarks/bench_site.py [--sizes 2000 10000] [--quick] [--runs 1]

For each size a synthetic catalog (benchmarks/synth.py) is written into a temporary folder, then,
side by side in the same run:

* errdict: the full build (`generator.site.build_into`, strict): load and validate codes/, generate
  every page, the JSON API, the short-link redirects and the tables, render, index for search;
* plain: stock mkdocs-material (same theme options, extensions, extra CSS/JS and search plugin, no
  hooks, no theme overrides) building the same pages written out as Markdown files beforehand: each
  code page, the home, index, product and entry-format pages (the code tables as HTML inside the
  Markdown), with the navigation trimmed the same way. It builds less than errdict (no JSON, no
  redirects, no validation), so the ratio is an upper bound on errdict's overhead.

Each build runs in a child process; the figures are its wall time, its CPU time and peak RSS
(os.wait4's rusage, which covers the child and the workers it waited for: errdict parses entries
on every core and writes the per-code JSON and redirect files from a forked process while the pages
render, so its CPU time is shown beside the wall time). Targets (issue 3): errdict/plain time
<= 1.25; <= 15 KB of HTML per code page; <= 1.5 KB of search index per code; 10,000-entry time
<= 5.5 x the 2,000-entry time. `--quick` runs the 2,000 size only.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import yaml  # noqa: E402

import synth  # noqa: E402
from generator import site, sitepages  # noqa: E402

TARGET_RATIO = 1.25
TARGET_PAGE_KB = 15.0
TARGET_INDEX_BYTES = 1536
TARGET_GROWTH = 5.5

_BUILD = """
import sys
from pathlib import Path
sys.path.insert(0, {repo!r})
from generator.site import build_into
build_into(Path(sys.argv[1]), Path(sys.argv[2]))
"""


def errdict_config(work: Path, codes: list[int]) -> Path:
    return site.config_copy(work, extra={"errdict": {"common_codes": codes[:10], "branch": "main"}})


def write_plain_project(work: Path, errdict_yml: Path) -> Path:
    """The same pages as plain Markdown files and a plain mkdocs.yml (no hooks, stock theme)."""
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    from mkdocs.config import load_config

    import importlib.util

    spec = importlib.util.spec_from_file_location("errdict_bench_hooks", REPO / "generator" / "mkdocs_hooks.py")
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)

    config = load_config(str(errdict_yml))
    config = hooks.on_config(config)
    config.plugins._current_plugin = "bench"  # File.generated expects to run inside an event
    docs = work / "plain-docs"
    shutil.copytree(REPO / "docs", docs)
    tables = hooks._state["tables"]
    for file in hooks.generated_files(config):
        text = file.content_string
        if file.src_uri in tables:
            text = text.replace(sitepages.TABLE_MARKER, tables[file.src_uri])
        target = docs / file.src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")

    plain = yaml.safe_load(errdict_yml.read_text("utf-8"))
    plain.pop("hooks", None)
    plain.pop("watch", None)
    plain["theme"].pop("custom_dir", None)
    plain["docs_dir"] = str(docs)
    plain["nav"] = config.nav
    plain["not_in_nav"] = "/codes/*.md"  # the same pages left out of the navigation
    target = work / "plain.yml"
    target.write_text(yaml.safe_dump(plain, sort_keys=False), "utf-8")
    return target


def run_build(config_file: Path, out: Path) -> tuple[float, float, float]:
    """Build in a child process; (wall seconds, peak RSS in MB, CPU seconds of it and its workers)."""
    if out.exists():
        shutil.rmtree(out)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", _BUILD.format(repo=str(REPO)), str(out), str(config_file)],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"build of {config_file} failed:\n{stderr.decode(errors='replace')[-3000:]}")
    return elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def page_sizes(site_dir: Path, codes: list[int]) -> tuple[float, float]:
    sizes = [(site_dir / "codes" / str(code) / "index.html").stat().st_size for code in codes]
    return sum(sizes) / len(sizes) / 1024, max(sizes) / 1024


def index_bytes_per_code(site_dir: Path, count: int) -> float:
    docs = json.loads((site_dir / "search" / "search_index.json").read_bytes())["docs"]
    code_docs = [d for d in docs if re.match(r"codes/\d+/", d["location"])]
    return len(json.dumps(code_docs, separators=(",", ":")).encode()) / count


def bench_size(count: int, runs: int) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"errdict-bench-site-{count}-") as tmp:
        work = Path(tmp)
        codes = synth.write_catalog(work / "codes", count)
        errdict_yml = errdict_config(work, codes)
        plain_yml = write_plain_project(work, errdict_yml)
        results = {"errdict": [], "plain": []}
        for run in range(runs):  # alternate, so drift in the machine's speed hits both alike
            order = ["errdict", "plain"] if run % 2 == 0 else ["plain", "errdict"]
            for name in order:
                config_file = errdict_yml if name == "errdict" else plain_yml
                results[name].append(run_build(config_file, work / f"site-{name}"))
        best = {name: (min(r[0] for r in rows), max(r[1] for r in rows), min(r[2] for r in rows))
                for name, rows in results.items()}
        avg_kb, max_kb = page_sizes(work / "site-errdict", codes)
        plain_avg_kb, _ = page_sizes(work / "site-plain", codes)
        return {
            "count": count,
            "errdict_s": best["errdict"][0], "errdict_mb": best["errdict"][1],
            "plain_s": best["plain"][0], "plain_mb": best["plain"][1],
            "errdict_cpu": best["errdict"][2], "plain_cpu": best["plain"][2],
            "page_kb": avg_kb, "page_kb_max": max_kb, "plain_page_kb": plain_avg_kb,
            "index_b": index_bytes_per_code(work / "site-errdict", count),
            "plain_index_b": index_bytes_per_code(work / "site-plain", count),
        }


def verdict(ok: bool) -> str:
    return "ok" if ok else "OVER"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--quick", action="store_true", help="the 2,000-entry catalog only")
    parser.add_argument("--runs", type=int, default=1, help="builds of each kind per size (best time kept)")
    args = parser.parse_args(argv)
    sizes = [2000] if args.quick else args.sizes

    rows = []
    for count in sizes:
        print(f"building {count:,} entries ...", file=sys.stderr, flush=True)
        rows.append(bench_size(count, args.runs))

    print(f"\n{'entries':>8} | {'errdict s':>9} {'plain s':>8} {'ratio':>6} | {'CPU s':>6} {'plain':>6} | "
          f"{'errdict MB':>10} {'plain MB':>9} | "
          f"{'KB/page':>8} {'max':>6} {'plain':>6} | {'index B/code':>12} {'plain':>6}")
    failures = 0
    for r in rows:
        ratio = r["errdict_s"] / r["plain_s"]
        print(f"{r['count']:>8,} | {r['errdict_s']:>9.1f} {r['plain_s']:>8.1f} {ratio:>6.2f} | "
              f"{r['errdict_cpu']:>6.1f} {r['plain_cpu']:>6.1f} | "
              f"{r['errdict_mb']:>10.0f} {r['plain_mb']:>9.0f} | {r['page_kb']:>8.1f} {r['page_kb_max']:>6.1f} "
              f"{r['plain_page_kb']:>6.1f} | {r['index_b']:>12.0f} {r['plain_index_b']:>6.0f}")
    print()
    for r in rows:
        ratio = r["errdict_s"] / r["plain_s"]
        checks = [(f"{r['count']:,}: time errdict/plain {ratio:.2f} (target <= {TARGET_RATIO})", ratio <= TARGET_RATIO),
                  (f"{r['count']:,}: HTML per code page {r['page_kb']:.1f} KB, max {r['page_kb_max']:.1f} KB "
                   f"(target <= {TARGET_PAGE_KB:.0f} KB)", r["page_kb_max"] <= TARGET_PAGE_KB),
                  (f"{r['count']:,}: search index per code {r['index_b']:.0f} B (target <= {TARGET_INDEX_BYTES} B)",
                   r["index_b"] <= TARGET_INDEX_BYTES)]
        for text, ok in checks:
            failures += not ok
            print(f"  [{verdict(ok)}] {text}")
    by_count = {r["count"]: r for r in rows}
    if 2000 in by_count and 10000 in by_count:
        growth = by_count[10000]["errdict_s"] / by_count[2000]["errdict_s"]
        plain_growth = by_count[10000]["plain_s"] / by_count[2000]["plain_s"]
        ok = growth <= TARGET_GROWTH
        failures += not ok
        print(f"  [{verdict(ok)}] 10,000/2,000 time: errdict {growth:.2f}, plain {plain_growth:.2f} "
              f"(target <= {TARGET_GROWTH})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
