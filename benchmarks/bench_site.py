"""Help-site benchmark: errdict's full build against a plain mkdocs-material build of the same pages,
the page and search-index sizes, and how fast an edited entry is served.

    python benchmarks/bench_site.py [--sizes real 10000] [--no-serve]

For each catalog (the real one, and synthetic ones written into a temporary folder by
benchmarks/synth.py), side by side in the same run:

* errdict: the full build as `python -m generator build` does it: load and validate codes/, generate
  the build tree (every page, the JSON and CSV API, the short links, errdict's search index), render it
  with MkDocs and mkdocs-material (strict), swap it in;
* plain: stock mkdocs-material (same theme options and extensions, its built-in search plugin, no
  theme overrides) building the same Markdown pages, taken from errdict's tree beforehand, with the
  same navigation. It builds less than errdict (no validation, no data files, no redirects), but it
  indexes every page for search, as the theme does by default.

Each build runs in a child process; the figures are its wall time and peak RSS. Then, for the real
catalog, the time from editing one entry while `generator build --serve` serves the site to the
changed page being served. Targets (issues 8 and 10): errdict/plain <= 1.25; an edited page served
within 2 s.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO / "tests"))

import yaml  # noqa: E402

import synth  # noqa: E402
from entries import site_config  # noqa: E402
from generator import pages  # noqa: E402

TARGET_RATIO = 1.25
TARGET_SERVE_S = 2.0
EDITED_CODES = (30007, 21610, 30003, 11200, 63016)

ERRDICT_BUILD = """
import sys
from pathlib import Path
sys.path.insert(0, {repo!r})
from generator import build
build.build_site(Path(sys.argv[1]), codes_dir=Path(sys.argv[2]), tree_dir=Path(sys.argv[3]),
                 config_file=Path(sys.argv[4]))
"""
PLAIN_BUILD = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
build(load_config(sys.argv[1], strict=False, site_dir=sys.argv[2]))
"""


def timed(argv: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB of the child and its children) of a command."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"{argv[:3]} failed: {process.stderr.read().decode()[-2000:] if process.stderr else ''}")
    return wall, usage.ru_maxrss / 1024


def plain_config(tree_dir: Path, work: Path) -> Path:
    """Stock mkdocs-material over a copy of errdict's pages: same pages, same nav, theme search on."""
    docs = work / "plain-docs"
    shutil.rmtree(docs, ignore_errors=True)
    top = tree_dir / "docs"

    def data_files(folder: str, names: list[str]) -> list[str]:
        # the JSON API, errdict's search index and the short-link folders: not pages
        return [n for n in names if Path(folder) == top and (n in ("api", "search") or n.isdigit())]

    shutil.copytree(top, docs, ignore=data_files)
    # errdict puts its code tables into the rendered pages (the tree's fragments/); the plain build
    # renders the same tables the theme's way, through Markdown
    fragments = tree_dir / "fragments"
    source_of = {pages.built_page(path.relative_to(docs).as_posix()): path for path in docs.rglob("*.md")}
    for fragment in fragments.rglob("*.html"):
        page = source_of[fragment.relative_to(fragments).as_posix()]
        page.write_text(page.read_text("utf-8").replace(pages.FRAGMENT_SLOT, fragment.read_text("utf-8")), "utf-8")
    config = yaml.safe_load((tree_dir / "mkdocs.yml").read_text("utf-8"))
    config["docs_dir"] = str(docs)
    config["theme"].pop("custom_dir", None)
    config["plugins"] = ["search"]
    config["validation"] = {"nav": {"omitted_files": "ignore"}, "links": {"not_found": "ignore", "anchors": "ignore"}}
    target = work / "plain.yml"
    target.write_text(yaml.safe_dump(config, sort_keys=False), "utf-8")
    return target


def sizes_of(site: Path, codes: list[int]) -> dict[str, float]:
    pages = [(site / "codes" / str(code) / "index.html").stat().st_size for code in codes]
    index = sum(path.stat().st_size for path in (site / "search").iterdir())
    return {"page_kb_avg": sum(pages) / len(pages) / 1024, "page_kb_max": max(pages) / 1024,
            "index_bytes_per_code": index / len(codes), "index_mb_total": index / 1e6}


def bench_build(label: str, codes_dir: Path, work: Path, runs: int) -> dict[str, object]:
    config = site_config(work / "config", [])
    errdict_site, tree_dir = work / "site", work / "tree"
    script = ERRDICT_BUILD.format(repo=str(REPO))
    rows = []
    for _ in range(runs):  # interleaved: errdict, plain, errdict, plain ...
        wall, rss = timed([sys.executable, "-c", script, str(errdict_site), str(codes_dir), str(tree_dir), str(config)])
        plain = plain_config(tree_dir, work)
        plain_wall, plain_rss = timed([sys.executable, "-c", PLAIN_BUILD, str(plain), str(work / "plain-site")])
        rows.append((wall, rss, plain_wall, plain_rss))
    wall, rss, plain_wall, plain_rss = min(rows)
    codes = sorted(int(path.stem) for path in codes_dir.glob("*.yaml"))
    plain_index = (work / "plain-site" / "search" / "search_index.json").stat().st_size
    result = {"catalog": label, "codes": len(codes), "errdict_s": wall, "plain_s": plain_wall,
              "ratio": wall / plain_wall, "errdict_rss_mb": rss, "plain_rss_mb": plain_rss,
              "plain_search_index_mb": plain_index / 1e6, **sizes_of(errdict_site, codes)}
    return result


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _page(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def bench_serve(codes_dir: Path, work: Path, codes: tuple[int, ...]) -> list[float]:
    """Seconds from saving an edited entry to the edited page being served, for each code in turn,
    while one server keeps serving (the first edit after start included)."""
    config = site_config(work / "serve-config", [])
    port = _free_port()
    tree_dir = work / "serve-tree"
    script = (f"import sys; from pathlib import Path; sys.path.insert(0, {str(REPO)!r}); "
              "from generator import build, tree; "
              f"entries = build.load_valid(Path({str(codes_dir)!r})); "
              f"tree.generate(entries, Path({str(tree_dir)!r}), Path({str(config)!r})); "
              f"build.serve_site('127.0.0.1:{port}', codes_dir=Path({str(codes_dir)!r}), "
              f"tree_dir=Path({str(tree_dir)!r}), config_file=Path({str(config)!r}))")
    server = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 600
        while True:
            try:
                _page(f"http://127.0.0.1:{port}/errdict/codes/{codes[0]}/")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.5)
        return [_edit_and_wait(codes_dir / f"{code}.yaml", f"http://127.0.0.1:{port}/errdict/codes/{code}/")
                for code in codes]
    finally:
        server.terminate()
        server.wait(timeout=30)


def _edit_and_wait(path: Path, url: str) -> float:
    """Change the entry's title, wait until its page shows it, put the entry back."""
    text = path.read_text("utf-8")
    marker = f"Edited while serving {time.time_ns()}"
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("title:"))
    lines[at] = f'title: "{marker}"'
    started = time.monotonic()
    path.write_text("\n".join(lines), "utf-8")
    while marker not in _page(url):
        if time.monotonic() - started > 120:
            raise SystemExit("the edited page was not served within 120 s")
        time.sleep(0.05)
    elapsed = time.monotonic() - started
    path.write_text(text, "utf-8")
    time.sleep(3)  # let the server serve the restored entry before the next edit
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", default=["real", "10000"],
                        help="'real' for the real catalog, or numbers of synthetic entries")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--no-serve", action="store_true")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="errdict-bench-site-") as tmp:
        for size in args.sizes:
            work = Path(tmp) / size
            work.mkdir()
            if size == "real":
                codes_dir = work / "codes"
                shutil.copytree(REPO / "codes", codes_dir)
            else:
                codes_dir = work / "codes"
                synth.write_catalog(codes_dir, int(size))
            result = bench_build(size, codes_dir, work, args.runs)
            if size == "real" and not args.no_serve:
                times = bench_serve(codes_dir, work, EDITED_CODES)
                result["serve_edit_s"] = max(times)
                result["serve_edit_each_s"] = times
            results.append(result)
            print(json.dumps(result), flush=True)
    print()
    print(f"{'catalog':>8} {'codes':>6} {'errdict':>9} {'plain':>9} {'ratio':>6} {'RSS MB':>13} "
          f"{'page KB avg/max':>16} {'index B/code':>13} {'index MB':>9} {'theme index MB':>15} {'edit served':>12}")
    for r in results:
        serve = f"{r['serve_edit_s']:.2f} s" if "serve_edit_s" in r else "-"
        print(f"{r['catalog']:>8} {r['codes']:>6} {r['errdict_s']:>8.1f}s {r['plain_s']:>8.1f}s {r['ratio']:>6.2f} "
              f"{r['errdict_rss_mb']:>6.0f}/{r['plain_rss_mb']:<6.0f} "
              f"{r['page_kb_avg']:>7.1f}/{r['page_kb_max']:<8.1f} {r['index_bytes_per_code']:>13.0f} "
              f"{r['index_mb_total']:>9.2f} {r['plain_search_index_mb']:>15.2f} {serve:>12}")
        if "serve_edit_each_s" in r:
            each = ", ".join(f"{code}: {s:.2f} s" for code, s in zip(EDITED_CODES, r["serve_edit_each_s"], strict=True))
            print(f"{'':>8} edits served (slowest above): {each}")
    worst = max(r["ratio"] for r in results)
    print(f"\ntarget: errdict/plain <= {TARGET_RATIO} (worst here {worst:.2f}); edited page served within "
          f"{TARGET_SERVE_S} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
