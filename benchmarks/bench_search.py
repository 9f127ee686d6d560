"""Site search and index filter benchmark, in Chromium: what a first query downloads and how long it
takes, for the real catalog and a synthetic one, and how long a keystroke in the index filter takes.

    python benchmarks/bench_search.py [--sizes real 10000] [--queries ...]

For each catalog the real site's search page is served over http on 127.0.0.1 with that catalog's
search index (written by generator/sitedata.py from the compiled catalog, exactly as the build does),
and Chromium opens /search/?q=QUERY in a fresh context (empty cache). Figures per query: the bytes of
the search index files it downloaded, the bytes of everything the page downloaded (HTML, theme, our
scripts), and the time from navigation start to the first result on screen. Beside them, the theme's
own search index (search_index.json) for the same pages, which its search downloads whole on every
page. Then, for the real catalog's index page (2,809 rows), the time each keystroke of a typed filter
takes until the table is updated and laid out.

Targets (issue 10): at most 300 KB and 1 s per query at 10,000 codes; at most 50 ms per keystroke.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import json
import shutil
import statistics
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import synth  # noqa: E402
from errdict import Catalog  # noqa: E402
from generator import build, sitedata  # noqa: E402
from generator import compile as compile_mod  # noqa: E402
from generator.catalog import load_catalog  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]
QUERIES = ["carrier violation", "opt out", "30007", "2161", "undelivered", "campaign vetting rejection"]
TARGET_BYTES, TARGET_SECONDS, TARGET_KEYSTROKE_MS = 300_000, 1.0, 50.0


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass

    def translate_path(self, path: str) -> str:
        path = path.split("?", 1)[0]
        return super().translate_path(path[len("/errdict"):] if path.startswith("/errdict/") else path)


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/errdict/"


def write_index(site: Path, catalog: Catalog) -> int:
    """Replace the site's search index with the catalog's; its total size in bytes."""
    shutil.rmtree(site / "search" / "s", ignore_errors=True)
    for old in (site / "search").glob("*.json*"):
        old.unlink()
    total = 0
    for rel, data in sitedata.search_files(catalog):
        (site / rel).write_bytes(data)
        total += len(data)
    return total


def measure_queries(browser, url: str, queries: list[str]) -> list[dict[str, float]]:
    rows = []
    for query in queries:
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        page = context.new_page()
        sizes = {"index": 0, "all": 0}

        def on_finished(request, sizes=sizes):
            size = request.sizes()["responseBodySize"] + request.sizes()["responseHeadersSize"]
            sizes["all"] += size
            if "/search/" in request.url and request.url.endswith(".json.gz"):
                sizes["index"] += size

        page.on("requestfinished", on_finished)
        page.goto(f"{url}search/?q={query}")
        page.wait_for_function("document.querySelector('.errdict-search-status').textContent !== ''",
                               timeout=30_000)  # results, or "Nothing matches"
        first = page.evaluate("""() => {
            const entry = performance.getEntriesByType('navigation')[0];
            return performance.now() - entry.startTime; }""")
        page.wait_for_load_state("networkidle")
        found = page.locator(".errdict-search-result").count()
        rows.append({"query": query, "index_kb": sizes["index"] / 1024, "all_kb": sizes["all"] / 1024,
                     "first_result_s": first / 1000, "results": found})
        context.close()
    return rows


KEYSTROKES = """async (text) => {
  const input = document.querySelector('form.errdict-filter input[name=q]');
  const times = [];
  for (let i = 1; i <= text.length; i++) {
    const started = performance.now();
    input.value = text.slice(0, i);
    input.dispatchEvent(new Event('input', {bubbles: true}));
    document.querySelector('table.errdict-codes').getBoundingClientRect();  // style and layout done
    document.body.offsetHeight;
    await new Promise(resolve => requestAnimationFrame(() => resolve()));
    times.push(performance.now() - started);
  }
  return times;
}"""


def measure_keystrokes(browser, url: str) -> list[float]:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{url}codes/")
    page.wait_for_load_state("networkidle")
    times = page.evaluate(KEYSTROKES, "campaign vetting")
    times += page.evaluate("""() => { const i = document.querySelector('form.errdict-filter input[name=q]');
                              i.value=''; i.dispatchEvent(new Event('input', {bubbles:true})); return []; }""")
    times += page.evaluate(KEYSTROKES, "30007")
    page.close()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", default=["real", "10000"])
    parser.add_argument("--queries", nargs="*", default=QUERIES)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="errdict-bench-search-") as tmp:
        site = Path(tmp) / "site"
        build.build_site(site, tree_dir=Path(tmp) / "tree")
        server, url = serve(site)
        results = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for size in args.sizes:
                if size == "real":
                    catalog = Catalog(Path(tmp) / "tree" / "catalog.jsonl")
                else:
                    codes = Path(tmp) / f"codes-{size}"
                    synth.write_catalog(codes, int(size))
                    loaded = load_catalog(codes)
                    data = Path(tmp) / f"catalog-{size}.jsonl"
                    data.write_bytes(compile_mod.render_catalog(loaded.entries, "https://errdict.github.io/errdict/"))
                    catalog = Catalog(data)
                total = write_index(site, catalog)
                rows = measure_queries(browser, url, args.queries)
                results.append((size, len(catalog), total, rows))
            keystrokes = measure_keystrokes(browser, url) if "real" in args.sizes else []
            browser.close()
        server.shutdown()
    print(f"{'catalog':>8} {'codes':>6} {'index MB':>9}  {'query':<28} {'shown':>5} {'index KB':>9} {'page KB':>8} "
          f"{'first result':>13}")
    worst_kb = worst_s = 0.0
    for size, count, total, rows in results:
        for row in rows:
            print(f"{size:>8} {count:>6} {total / 1e6:>9.2f}  {row['query']:<28} {row['results']:>5} "
                  f"{row['index_kb']:>9.1f} {row['all_kb']:>8.1f} {row['first_result_s']:>12.3f}s")
            if size != "real" or len(results) == 1:
                worst_kb, worst_s = max(worst_kb, row["index_kb"]), max(worst_s, row["first_result_s"])
    if keystrokes:
        print(f"\nindex filter, {len(keystrokes)} keystrokes at 2,809 rows: "
              f"median {statistics.median(keystrokes):.1f} ms, "
              f"max {max(keystrokes):.1f} ms (target {TARGET_KEYSTROKE_MS:.0f} ms)")
    print(f"targets: <= {TARGET_BYTES // 1000} KB and <= {TARGET_SECONDS:.0f} s per query at 10,000 codes "
          f"(worst here {worst_kb:.0f} KB, {worst_s:.3f} s)")
    print(json.dumps({"results": [(s, c, t, r) for s, c, t, r in results], "keystrokes_ms": keystrokes}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
