"""Building the help site: the build tree, the real catalog's site, failures that leave the previous
site in place, ProperDocs giving the same pages, and an edited entry showing up while serving."""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import errdict
from entries import entry_text, reference_text, site_config, write_entries
from generator import build, pages, schema, tree

REPO = Path(__file__).resolve().parent.parent
CODES = sorted(errdict.default_catalog().codes())


def read(path: Path) -> str:
    return path.read_text("utf-8")


# --- the real site --------------------------------------------------------------------------------

@pytest.mark.slow
def test_every_code_has_a_page_with_its_title_description_and_link_preview(built_site):
    site, _ = built_site
    assert sorted(int(p.name) for p in (site / "codes").iterdir() if p.is_dir()) == CODES
    for code in (21610, 30007, 30882, CODES[0], CODES[-1]):
        page = read(site / "codes" / str(code) / "index.html")
        err = errdict.lookup(code)
        assert f"<title>{code}: " in page and "</h1>" in page
        assert '<meta property="og:title"' in page and '<meta name="twitter:card" content="summary">' in page
        assert f'<meta property="og:url" content="https://errdict.github.io/errdict/codes/{code}/">' in page
        assert ((err.explained and "What to tell the customer" in page)
                or (not err.explained and "Not explained yet" in page))


@pytest.mark.slow
def test_code_pages_are_not_in_the_navigation_and_stay_small(built_site):
    site, _ = built_site
    page = read(site / "codes" / "21610" / "index.html")
    nav = page[page.find('<nav class="md-nav md-nav--primary"'):page.find("</nav>", page.find('md-nav--primary'))]
    assert "codes/30007/" not in nav and "All codes" in page
    sizes = [(site / "codes" / str(code) / "index.html").stat().st_size for code in CODES]
    assert max(sizes) < 60_000


@pytest.mark.slow
def test_no_built_page_holds_markup_an_entry_could_have_smuggled(built_site):
    site, _ = built_site
    for code in CODES:
        page = read(site / "codes" / str(code) / "index.html")
        body = page[page.find('<article'):page.find("</article>")]
        assert not re.search(r"<(?:iframe|object|embed|base|form|img|svg|math)\b", body, re.I), code
        assert not re.search(r"\son[a-z]+\s*=", body[body.find("errdict-crumbs"):], re.I), code
        assert "javascript:" not in body.lower(), code


@pytest.mark.slow
def test_the_json_and_csv_api(built_site):
    site, _ = built_site
    everything = json.loads(read(site / "api" / "codes.json"))
    assert everything["schema_version"] == schema.version() and everything["count"] == len(CODES)
    assert [entry["code"] for entry in everything["codes"]] == CODES
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", everything["built"])
    one = json.loads(read(site / "api" / "codes" / "21610.json"))
    assert one["title"] == errdict.lookup(21610).title and "retry" in one
    assert json.loads(read(site / "api" / "entry.schema.json")) == schema.load()
    listed = json.loads(read(site / "api" / "code-list.json"))
    assert listed["codes"] == CODES
    csv_text = (site / "api" / "codes.csv").read_bytes().decode("utf-8")
    assert csv_text.startswith("code,title,level,product,explained,retry,action,who_acts,url\r\n")
    assert csv_text.count("\r\n") == len(CODES) + 1


@pytest.mark.slow
def test_short_links_redirect_to_the_code_page(built_site):
    site, _ = built_site
    redirect = read(site / "21610" / "index.html")
    assert ('url=../codes/21610/"' in redirect
            and 'rel="canonical" href="https://errdict.github.io/errdict/codes/21610/"' in redirect)


@pytest.mark.slow
def test_index_product_home_search_schema_and_404_pages(built_site):
    site, _ = built_site
    index = read(site / "codes" / "index.html")
    assert index.count('<tr data-level="') == len(CODES) and 'name="kind"' in index
    home = read(site / "index.html")
    explained = sum(1 for err in errdict.iter_codes() if err.explained)
    assert (f"<strong>{explained}</strong> codes explained in full" in home
            and f"<strong>{len(CODES)}</strong> codes" in home)
    for product in schema.vocabulary("product").values:
        page = site / "products" / product / "index.html"
        assert page.exists(), product
        assert 'class="errdict-filter"' in read(page) and 'class="errdict-crumbs"' in read(page)
    assert "data-errdict-search-page" in read(site / "search" / "index.html")
    assert "Entry format" in read(site / "contributing" / "entry-format" / "index.html")
    assert "data-errdict-goto-from-address" in read(site / "404.html")


@pytest.mark.slow
def test_the_search_index_ships_with_the_site(built_site):
    site, _ = built_site
    import gzip

    manifest = json.loads(gzip.decompress((site / "search" / "manifest.json.gz").read_bytes()))
    assert manifest["codes"] == CODES and len(manifest["ranks"]) == 2 * len(CODES)
    for prefix in manifest["shards"]:
        assert (site / "search" / f"s-{prefix}.json.gz").exists()
    assert not (site / "search" / "search_index.json").exists()  # the theme's whole-site index is gone


@pytest.mark.slow
def test_the_build_tree_is_plain_files_and_the_config_uses_no_plugin_or_hook(built_site):
    _, tree_dir = built_site
    import yaml

    config = yaml.safe_load(read(tree_dir / "mkdocs.yml"))
    assert "hooks" not in config and config["plugins"] == []
    assert (tree_dir / "docs" / "codes" / "21610.md").read_text("utf-8").startswith("---\n")
    assert ((tree_dir / "static" / "api" / "codes" / "21610.json").exists()
            and (tree_dir / "static" / "21610" / "index.html").exists())


@pytest.mark.slow
def test_properdocs_renders_the_same_tree_into_the_same_pages(built_site, tmp_path):
    site, tree_dir = built_site
    other = tmp_path / "properdocs-site"
    build.render(tree_dir, other, engine="properdocs")
    generator_tag = re.compile(r'<meta name="generator" content="[^"]*">')
    pages = sorted(p.relative_to(site) for p in site.rglob("*.html"))
    assert sorted(p.relative_to(other) for p in other.rglob("*.html")) == pages
    differing = [str(rel) for rel in pages
                 if generator_tag.sub("", read(site / rel)) != generator_tag.sub("", read(other / rel))]
    assert differing == []


# --- failures leave the previous site in place ----------------------------------------------------

def small_catalog(folder: Path, broken: str | None = None) -> Path:
    texts = {21610: entry_text(21610, related=30004), 30004: entry_text(30004, related=21610),
             13999: reference_text(13999)}
    if broken is not None:
        texts[21610] = broken
    return write_entries(folder, texts)


def small_build(tmp_path: Path, codes: Path, **config_changes: object) -> Path:
    config = site_config(tmp_path / "config", [21610], **config_changes)
    return build.build_site(tmp_path / "site", codes_dir=codes, tree_dir=tmp_path / "tree", config_file=config)


@pytest.mark.slow
def test_a_small_catalog_builds(tmp_path):
    small_build(tmp_path, small_catalog(tmp_path / "codes"))
    assert (tmp_path / "site" / "codes" / "13999" / "index.html").exists()


@pytest.mark.slow
def test_an_invalid_entry_stops_the_build_with_the_validator_messages_and_keeps_the_previous_site(tmp_path):
    codes = small_catalog(tmp_path / "codes")
    small_build(tmp_path, codes)
    marker = tmp_path / "site" / "index.html"
    before = marker.read_bytes()
    (codes / "21610.yaml").write_text(entry_text(21610, related=30004, **{"level: error": "level: fatal"}), "utf-8")
    with pytest.raises(build.BuildFailed) as caught:
        small_build(tmp_path, codes)
    assert "21610.yaml:5:8: level: 'fatal' is not one of: error, warning" in str(caught.value)
    assert marker.read_bytes() == before
    assert not list(tmp_path.glob(".site-*"))


@pytest.mark.slow
def test_a_warning_fails_the_strict_build(tmp_path, monkeypatch):
    import shutil

    docs = tmp_path / "docs"
    shutil.copytree(tree.DOCS_SRC, docs)
    (docs / "machine-access.md").write_text("# Machine access\n\nSee [the missing page](missing.md).\n", "utf-8")
    monkeypatch.setattr(tree, "DOCS_SRC", docs)
    with pytest.raises(build.BuildFailed, match=re.escape("missing.md")):
        small_build(tmp_path, small_catalog(tmp_path / "codes"))
    assert not (tmp_path / "site").exists()


def test_a_page_in_docs_cannot_hide_a_generated_one(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    (docs / "codes").mkdir(parents=True)
    (docs / "codes" / "21610.md").write_text("# hijacked\n", "utf-8")
    monkeypatch.setattr(tree, "DOCS_SRC", docs)
    with pytest.raises(build.BuildFailed, match=re.escape("docs/codes/21610.md would hide the generated")):
        small_build(tmp_path, small_catalog(tmp_path / "codes"))


@pytest.mark.slow
def test_the_code_tables_fill_the_slots_of_their_rendered_pages(built_site):
    site, _tree = built_site
    index = (site / "codes" / "index.html").read_text("utf-8")
    assert index.count("<!--fragment-->") == 1 and index.count("<!--/fragment-->") == 1
    assert len(re.findall(r'<tr data-level="', index)) == len(list(errdict.iter_codes()))
    sms = (site / "products" / "messaging" / "index.html").read_text("utf-8")
    rows = re.findall(r'<tr data-level="\w+" data-product="(\w+)"', sms)
    assert rows and set(rows) == {"messaging"}
    assert rows == [e.product for e in errdict.iter_codes() if e.product == "messaging"]


def test_filling_fragments_is_repeatable_and_follows_a_changed_fragment(tmp_path):
    site, fragments = tmp_path / "site", tmp_path / "tree" / tree.FRAGMENTS
    (site / "codes").mkdir(parents=True)
    (fragments / "codes").mkdir(parents=True)
    page = site / "codes" / "index.html"
    page.write_text(f"<main><p>before</p>{pages.FRAGMENT_SLOT}<p>after</p></main>", "utf-8")
    (fragments / "codes" / "index.html").write_text("<table><tr><td>one</td></tr></table>", "utf-8")
    build.fill_fragments(tmp_path / "tree", site)
    once = page.read_text("utf-8")
    assert "<p>before</p><div data-errdict-fragment><!--fragment--><table><tr><td>one</td></tr></table>" in once
    build.fill_fragments(tmp_path / "tree", site)
    assert page.read_text("utf-8") == once  # a second fill (a dirty rebuild that kept the page) changes nothing
    (fragments / "codes" / "index.html").write_text("<table><tr><td>two</td></tr></table>", "utf-8")
    build.fill_fragments(tmp_path / "tree", site)
    again = page.read_text("utf-8")
    assert "two" in again and "one" not in again and again.endswith("<p>after</p></main>")


@pytest.mark.parametrize("page_text, message", [
    (None, "fragments/codes/index.html: the site has no page codes/index.html to put it in"),
    ("<main>no slot</main>", "codes/index.html: 0 slots for fragments/codes/index.html, expected one"),
    (f"{pages.FRAGMENT_SLOT}{pages.FRAGMENT_SLOT}", "codes/index.html: 2 slots for fragments/codes/index.html"),
])
def test_a_fragment_without_exactly_one_slot_fails_the_build(tmp_path, page_text, message):
    site, fragments = tmp_path / "site", tmp_path / "tree" / tree.FRAGMENTS
    (site / "codes").mkdir(parents=True)
    (fragments / "codes").mkdir(parents=True)
    (fragments / "codes" / "index.html").write_text("<table></table>", "utf-8")
    if page_text is not None:
        (site / "codes" / "index.html").write_text(page_text, "utf-8")
    with pytest.raises(build.BuildFailed, match=re.escape(message)):
        build.fill_fragments(tmp_path / "tree", site)
    if page_text is not None:
        assert (site / "codes" / "index.html").read_text("utf-8") == page_text  # nothing half-written


def test_a_missing_codes_folder_is_a_clear_failure(tmp_path):
    with pytest.raises(build.BuildFailed, match="no such folder of entries"):
        small_build(tmp_path, tmp_path / "nothing")


def test_the_build_command_says_what_happened(tmp_path, monkeypatch, capsys):
    def failing(**_):
        raise build.BuildFailed("codes/21610.yaml:1:1: bad")

    monkeypatch.setattr(build, "build_site", failing)
    assert build.build_command() == 1
    err = capsys.readouterr().err
    assert "codes/21610.yaml:1:1: bad" in err and "site/ left as it was" in err


@pytest.mark.slow
def test_deprecated_code_keeps_its_page_with_a_banner_and_its_short_link_leads_to_the_replacement(tmp_path):
    codes = small_catalog(tmp_path / "codes",
                          broken=entry_text(21610, related=30004,
                                            **{"status: active": "status: deprecated\nreplaced_by: 30004"}))
    small_build(tmp_path, codes)
    page = read(tmp_path / "site" / "codes" / "21610" / "index.html")
    assert "Deprecated code" in page and 'href="../30004/"' in page
    assert "url=../codes/30004/" in read(tmp_path / "site" / "21610" / "index.html")


# --- serving --------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def _wait_for(url: str, predicate, timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if predicate(_get(url)):
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} did not change within {timeout} s")


@pytest.mark.slow
def test_serving_shows_an_edited_entry_quickly_and_keeps_the_last_valid_one(tmp_path):
    codes = small_catalog(tmp_path / "codes")
    config = site_config(tmp_path / "config", [21610])
    port = _free_port()
    script = ("import sys; from pathlib import Path; from generator import build, tree; "
              f"entries = build.load_valid(Path({str(codes)!r})); "
              f"tree.generate(entries, Path({str(tmp_path / 'tree')!r}), Path({str(config)!r})); "
              f"build.setup_logging(); build.serve_site('127.0.0.1:{port}', codes_dir=Path({str(codes)!r}), "
              f"tree_dir=Path({str(tmp_path / 'tree')!r}), config_file=Path({str(config)!r}))")
    server = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/errdict/codes/21610/"
    try:
        _wait_for(url, lambda page: "Test title for 21610" in page, 120)
        (codes / "21610.yaml").write_text(entry_text(21610, related=30004, **{
            "title: Test title for 21610": "title: A title edited while serving"}), "utf-8")
        elapsed = _wait_for(url, lambda page: "A title edited while serving" in page, 30)
        assert elapsed < 10
        (codes / "21610.yaml").write_text("code: 21610\ntitle: [broken\n", "utf-8")
        time.sleep(2)
        assert "A title edited while serving" in _get(url)  # the last valid version stays served
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "still serving the last valid version" in output


def test_serving_reloads_only_changed_files_and_agrees_with_a_full_load(tmp_path):
    codes = small_catalog(tmp_path / "codes")
    loader = build._Loader(codes)
    assert loader.load() == build.load_valid(codes)
    (codes / "21610.yaml").write_text(entry_text(21610, related=30004, **{
        "title: Test title for 21610": "title: Changed title"}), "utf-8")
    assert [e["title"] for e in loader.load() if e["code"] == 21610] == ["Changed title"]
    assert loader.load() == build.load_valid(codes)
    (codes / "30004.yaml").write_text(entry_text(30004, related=99999), "utf-8")  # a reference to nothing
    with pytest.raises(build.BuildFailed) as incremental:
        loader.load()
    with pytest.raises(build.BuildFailed) as full:
        build.load_valid(codes)
    assert str(incremental.value) == str(full.value) and "99999 has no entry" in str(full.value)
    (codes / "30004.yaml").write_text(entry_text(30004, related=21610), "utf-8")
    assert loader.load() == build.load_valid(codes)  # the cross-entry problem is gone again


def test_serving_keeps_the_configuration_and_theme_environment_until_their_files_change(tmp_path):
    class Theme:
        def __init__(self) -> None:
            self.custom_dir, self.made = str(tmp_path / "overrides"), 0

        def get_env(self) -> object:
            self.made += 1
            return object()

    class Config:
        def __init__(self) -> None:
            self.theme = Theme()

    loads: list[Config] = []

    def load() -> Config:
        loads.append(Config())
        return loads[-1]

    def later(path: Path, text: str) -> None:  # a change the next stat sees, however coarse the clock
        path.write_text(text, "utf-8")
        os.utime(path, ns=(time.time_ns() + 10**9 * len(loads) * 7, time.time_ns() + 10**9 * len(loads) * 7))

    (tmp_path / "overrides").mkdir()
    override, config_file = tmp_path / "overrides" / "main.html", tmp_path / "mkdocs.yml"
    override.write_text("{% extends 'base.html' %}", "utf-8")
    config_file.write_text("site_name: x\n", "utf-8")
    rebuilds = build._Rebuilds(config_file, load)
    first = rebuilds.current()
    env = first.theme.get_env()
    assert rebuilds.current() is first and first.theme.get_env() is env and first.theme.made == 1 and len(loads) == 1
    later(override, "{% extends 'base.html' %}{# edited #}")
    assert rebuilds.current() is first and first.theme.get_env() is not env and first.theme.made == 2
    later(config_file, "site_name: y\n")
    second = rebuilds.current()
    assert second is not first and len(loads) == 2 and second.theme.made == 1
