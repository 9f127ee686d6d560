"""The site's search (docs/assets/errdict-search.js, run in Node) ranks exactly as `errdict search`.

The index the site loads is written from the compiled catalog (generator/sitedata.py); these tests
write it into a temporary folder and run the JavaScript over it with Node, query by query, against the
Python ranking of the same catalog: the same codes in the same order, not only the same first one.
"""
from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_lookup import SEARCH_TABLE
from thorough import examples

import errdict
from errdict import _search
from generator import sitedata

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "docs" / "assets" / "errdict-search.js"
NODE = shutil.which("node")
# Node.js runs the site's script here (.ci/setup installs it, with npm for axe-core); slow: a Node
# process per test
pytestmark = pytest.mark.slow

RUNNER = """
const fs = require("fs"), path = require("path"), zlib = require("zlib");
const search = require(process.argv[2]);
const folder = process.argv[3];
const queries = JSON.parse(fs.readFileSync(0, "utf8"));
const index = new search.Index(
  p => JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(folder, p))).toString("utf8")));
(async () => {
  const out = [];
  for (const q of queries) {
    if (q.suggest) { out.push(search.suggest(q.codes, q.code, 3)); continue; }
    if (q.words !== undefined) { out.push(search.words(q.words)); continue; }
    const ranked = await index.ranked(q.query);
    out.push(ranked.map(i => index.manifest.codes[i]));
  }
  process.stdout.write(JSON.stringify(out));
})().catch(e => { console.error(e); process.exit(1); });
"""


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    assert NODE is not None, "these tests need Node.js (node on PATH) to run the site's search script"
    folder = tmp_path_factory.mktemp("search")
    for rel, data in sitedata.search_files(errdict.default_catalog()):
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    (folder / "run.js").write_text(RUNNER, "utf-8")
    return folder / "search"


def run_js(index_dir: Path, items: list[dict]) -> list:
    done = subprocess.run([NODE, str(index_dir.parent / "run.js"), str(SCRIPT), str(index_dir)],
                          input=json.dumps(items), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def python_ranking(query: str) -> list[int]:
    return [err.code for err in errdict.search(query, limit=None)]


def _vocabulary() -> list[str]:
    words: set[str] = set()
    for err in errdict.iter_codes():
        for _, found in _search.fields_of(err):
            words.update(found)
    return sorted(words)


def test_the_query_table_ranks_the_same_on_the_site(index_dir):
    queries = [query for query, _ in SEARCH_TABLE]
    got = run_js(index_dir, [{"query": q} for q in queries])
    for query, (_, first), ranking in zip(queries, SEARCH_TABLE, got, strict=True):
        assert ranking[:1] == [first], query
        assert ranking == python_ranking(query), query


def test_many_real_queries_rank_identically(index_dir):
    rng = random.Random(20261201)
    vocabulary = _vocabulary()
    titles = [err.title for err in errdict.iter_codes()]
    queries = []
    for _ in range(150):
        words = rng.sample(vocabulary, rng.randint(1, 3))
        queries.append(" ".join(words))
    queries += [word[: rng.randint(3, max(3, len(word)))] for word in rng.sample(vocabulary, 80)]  # word starts
    queries += [" ".join(title.split()[: rng.randint(1, 5)]) for title in rng.sample(titles, 80)]  # title phrases
    queries += [str(code)[: rng.randint(1, 6)] for code in rng.sample(errdict.default_catalog().codes(), 40)]
    queries += ["", "   ", "the", "a an the", "30 007 9", "error", "error code", "err 21610 30007", "21610 opt",
                "x" * 5000, "opt out " * 200, "Ｃａｒｒｉｅｒ　Ｖｉｏｌａｔｉｏｎ", "STRASSE straße", "don't", "don’t"]
    got = run_js(index_dir, [{"query": q} for q in queries])
    mismatches = [(q, g[:5], python_ranking(q)[:5])
                  for q, g in zip(queries, got, strict=True) if g != python_ranking(q)]
    assert mismatches == []


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12), max_size=4))
def test_words_are_split_the_same_way(index_dir, texts):
    got = run_js(index_dir, [{"words": text} for text in texts])
    assert got == [_search.words(text) for text in texts]


def test_nearest_codes_are_the_same_on_the_site(index_dir):
    codes = list(errdict.default_catalog().codes())
    asked = [21630, 21061, 3007, 216100, 99999, 100, 999999, 30008, 45123]
    got = run_js(index_dir, [{"suggest": True, "codes": codes, "code": code} for code in asked])
    assert got == [list(errdict.default_catalog().suggestions(code)) for code in asked]


def test_a_first_query_downloads_little(index_dir):
    """The manifest, the shards of the query's words and a results chunk: far less than the whole index."""
    manifest = index_dir / "manifest.json.gz"
    shards = sorted(index_dir.glob("s-*.json.gz"))
    total = sum(path.stat().st_size for path in index_dir.iterdir())
    biggest = max(path.stat().st_size for path in shards)
    assert manifest.stat().st_size + 3 * biggest + 2 * 20_000 < 300_000
    assert total > 4 * (manifest.stat().st_size + biggest)
