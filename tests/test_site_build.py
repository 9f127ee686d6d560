"""Building the help site with MkDocs (strict): the real catalog, and catalogs made bad on purpose."""
from __future__ import annotations

import html
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from generator import catalog, site, sitepages, validate

REPO = catalog.REPO
MAX_PAGE_BYTES = 15 * 1024
MAX_INDEX_BYTES_PER_CODE = 1536


def docs_listing() -> list[str]:
    return sorted(str(p.relative_to(REPO / "docs")) for p in (REPO / "docs").rglob("*"))


@pytest.fixture(scope="module")
def real_catalog() -> catalog.Catalog:
    loaded = catalog.load_catalog()
    assert loaded.ok
    return loaded


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The real catalog's site, built once (strict) through generator.site.build_site."""
    before = docs_listing()
    target = tmp_path_factory.mktemp("real") / "site"
    site.build_site(target)
    assert docs_listing() == before, "the build wrote into docs/"
    return target


def make_project(tmp_path: Path, **config_overrides) -> tuple[Path, Path]:
    """A copy of the real codes/ and a mkdocs.yml that builds from it; returns (config, codes)."""
    codes = tmp_path / "codes"
    shutil.copytree(catalog.CODES_DIR, codes)
    return site.config_copy(tmp_path, **config_overrides), codes


def read(path: Path) -> str:
    return path.read_text("utf-8")


# --- the real catalog -----------------------------------------------------------------------------

def test_every_code_has_a_page_with_heading_title_and_description(built, real_catalog):
    for entry in real_catalog.entries:
        page = read(built / "codes" / str(entry["code"]) / "index.html")
        heading = html.escape(f"{entry['code']}: {entry['title']}", quote=False)
        assert re.search(r"<h1[^>]*>" + re.escape(heading) + "</h1>", page), entry["code"]
        assert f'<meta name="description" content="{html.escape(entry["summary"], quote=True)}">' in page
        assert f"<title>{html.escape(entry['code'].__str__() + ': ' + entry['title'], quote=True)} - errdict</title>" in page
        assert f'href="https://github.com/errdict/errdict/edit/main/codes/{entry["code"]}.yaml"' in page
        assert not sitepages.unsafe_urls(page.split("<article", 1)[1].split("</article>", 1)[0])


def test_code_page_shows_the_parts_at_a_glance(built, real_catalog):
    page = read(built / "codes" / "21610" / "index.html")
    for text in ("Possible causes", "Possible solutions", "What an automated sender should do", "Never retry",
                 "Stop messaging the recipient", "Also known as", "User replied STOP (opt-out)", "Last updated"):
        assert text in page
    assert 'href="../30004/"' in page and 'href="../../products/messaging/"' in page
    assert 'href="https://www.fcc.gov/consumers/guides/stop-unwanted-robocalls-and-texts"' in page


def test_code_pages_are_small_and_not_in_the_navigation(built, real_catalog):
    sizes = [len((built / "codes" / str(e["code"]) / "index.html").read_bytes()) for e in real_catalog.entries]
    assert max(sizes) <= MAX_PAGE_BYTES, max(sizes)
    home = read(built / "index.html")
    nav = home.split('data-md-type="navigation"', 1)[1].split('data-md-type="toc"', 1)[0]
    assert "All codes" in nav and "Messaging" in nav
    assert not re.search(r'href="[^"]*codes/\d+/"', nav)
    assert 'data-md-type="navigation"' not in read(built / "codes" / "21610" / "index.html")


def test_search_index_is_small_and_leaves_out_the_index_table(built, real_catalog):
    raw = (built / "search" / "search_index.json").read_bytes()
    docs = json.loads(raw)["docs"]
    per_code = {}
    for doc in docs:
        match = re.fullmatch(r"codes/(\d+)/(#.*)?", doc["location"])
        if match:
            per_code.setdefault(int(match.group(1)), []).append(doc)
    assert set(per_code) == {e["code"] for e in real_catalog.entries}
    assert not [d for d in docs if d["location"].startswith("codes/") and not re.match(r"codes/\d", d["location"])]
    for code, found in per_code.items():
        size = len(json.dumps(found, separators=(",", ":")).encode())
        assert size <= MAX_INDEX_BYTES_PER_CODE, (code, size)
        assert found[0]["title"].startswith(f"{code}: ")
    entry = real_catalog.by_code()[21610]
    text = per_code[21610][0]["text"]
    assert entry["summary"] in text and entry["aliases"][0] in text
    assert "Possible causes" not in raw.decode()
    # product pages are indexed by their introduction, not by their tables of codes
    messaging = [d for d in docs if d["location"] == "products/messaging/"]
    assert messaging and "21610" not in json.dumps(messaging)


def test_json_api(built, real_catalog):
    everything = json.loads(read(built / "api" / "codes.json"))
    assert everything["schema_version"] == validate.load_schema()["x-schemaVersion"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", everything["built"])
    assert everything["count"] == len(real_catalog.entries)
    assert everything["codes"] == [sitepages.api_entry(e) for e in real_catalog.entries]
    for entry in real_catalog.entries:
        assert json.loads(read(built / "api" / "codes" / f"{entry['code']}.json")) == sitepages.api_entry(entry)
    assert json.loads(read(built / "api" / "entry.schema.json")) == validate.load_schema()
    listing = json.loads(read(built / "api" / "code-list.json"))
    assert listing["codes"] == [e["code"] for e in real_catalog.entries]


def test_short_links_redirect(built, real_catalog):
    for entry in real_catalog.entries:
        page = read(built / str(entry["code"]) / "index.html")
        assert f'content="0; url=../codes/{entry["code"]}/"' in page
        assert f'rel="canonical" href="https://errdict.github.io/errdict/codes/{entry["code"]}/"' in page


def test_index_product_home_schema_and_404_pages(built, real_catalog):
    index = read(built / "codes" / "index.html")
    assert index.count("<tr data-level=") == len(real_catalog.entries)
    assert 'class="errdict-filter"' in index
    messaging = read(built / "products" / "messaging" / "index.html")
    expected = [e["code"] for e in real_catalog.entries if e["product"] == "messaging"]
    assert re.findall(r'<tr data-level="\w+" data-product="(\S+)">', messaging) == ["messaging"] * len(expected)
    home = read(built / "index.html")
    assert 'id="errdict-home-search"' in home and "data-errdict-goto" in home
    assert 'href="codes/21610/"' in home and 'href="products/voice/"' in home
    schema_page = read(built / "contributing" / "entry-format" / "index.html")
    for name in validate.load_schema()["properties"]:
        assert f'id="field-{name}"' in schema_page
    not_found = read(built / "404.html")
    assert "data-errdict-goto" in not_found and 'name="q"' in not_found


# --- failures leave the previous site -------------------------------------------------------------

def test_invalid_entry_fails_with_the_validator_messages_and_keeps_the_previous_site(tmp_path):
    config, codes = make_project(tmp_path)
    target = tmp_path / "out" / "site"
    site.build_site(target, config)
    marker = target / "previous-build.txt"
    marker.write_text("still here")
    before = sorted(p.relative_to(target) for p in target.rglob("*"))

    text = read(codes / "21610.yaml")
    (codes / "21610.yaml").write_text(text.replace("level: error", "level: eror").replace("retry: never", "retry: soon"))
    problems = catalog.load_catalog(codes).problems
    assert len(problems) == 2
    with pytest.raises(site.BuildFailed) as failure:
        site.build_site(target, config)
    for problem in problems:
        assert str(problem) in str(failure.value)
    assert "level" in str(failure.value) and "21610.yaml" in str(failure.value)
    assert marker.read_text() == "still here"
    assert sorted(p.relative_to(target) for p in target.rglob("*")) == before
    assert [p.name for p in target.parent.iterdir()] == ["site"], "a staging folder was left behind"

    (codes / "21610.yaml").write_text(text.replace("Attempt to send", "Attempt to deliver"))
    site.build_site(target, config)
    assert not marker.exists()
    assert "21610: Attempt to deliver to unsubscribed recipient" in read(target / "codes" / "21610" / "index.html")


def test_build_command_reports_failure_and_success(tmp_path, monkeypatch, capsys):
    config, codes = make_project(tmp_path)
    monkeypatch.setattr(site, "MKDOCS_YML", config)
    monkeypatch.setattr(site, "SITE_DIR", tmp_path / "site")
    (codes / "30003.yaml").write_text(read(codes / "30003.yaml").replace("product: messaging", "product: fax"))
    assert site.build_command(serve=False) == 1
    err = capsys.readouterr().err
    assert "site not built, site/ left as it was" in err and "30003.yaml" in err and "fax" in err
    assert not (tmp_path / "site").exists()
    (codes / "30003.yaml").write_text(read(catalog.CODES_DIR / "30003.yaml"))
    assert site.build_command(serve=False) == 0
    assert (tmp_path / "site" / "codes" / "30003" / "index.html").exists()


def test_a_warning_fails_the_build_strict(tmp_path):
    config, _ = make_project(tmp_path, extra={"errdict": {"common_codes": [21610, 99999]}})
    with pytest.raises(site.BuildFailed, match="strict"):
        site.build_site(tmp_path / "site", config)
    assert not (tmp_path / "site").exists()


def test_non_https_link_the_validator_lets_through_fails_the_build(tmp_path):
    config, codes = make_project(tmp_path)
    text = read(codes / "21610.yaml")
    sneaky = text.replace("description: |\n", "description: |\n  See [the guide][g].\n\n  [g]: http://insecure.example/\n\n", 1)
    (codes / "21610.yaml").write_text(sneaky)
    with pytest.raises(site.BuildFailed) as failure:
        site.build_site(tmp_path / "site", config)
    assert "21610.yaml" in str(failure.value)


def test_deprecated_code_keeps_its_page_with_a_banner_and_its_short_link_leads_to_the_replacement(tmp_path):
    config, codes = make_project(tmp_path)
    text = read(codes / "21610.yaml")
    (codes / "21610.yaml").write_text(text.replace("status: active", "status: removed\nreplaced_by: 30007"))
    target = tmp_path / "site"
    site.build_site(target, config)
    page = read(target / "codes" / "21610" / "index.html")
    assert "Removed code" in page and 'href="../30007/"' in page
    assert 'content="0; url=../codes/30007/"' in read(target / "21610" / "index.html")
    assert json.loads(read(target / "api" / "code-list.json"))["moved"] == {"21610": 30007}
    assert "Removed" in read(target / "codes" / "index.html")


def test_generated_page_cannot_be_shadowed_from_docs(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(REPO / "docs", docs)
    (docs / "codes").mkdir()
    (docs / "codes" / "21610.md").write_text("# stale copy\n")
    config, _ = make_project(tmp_path / "p", docs_dir=str(docs))
    with pytest.raises(site.BuildFailed, match="docs/codes/21610.md"):
        site.build_site(tmp_path / "site", config)


def test_missing_codes_folder_is_a_clear_failure(tmp_path):
    config = site.config_copy(tmp_path)
    with pytest.raises(site.BuildFailed, match=r"codes.*(no such folder|isn't an existing)"):
        site.build_site(tmp_path / "site", config)
    assert not os.path.exists(tmp_path / "site")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fetch(url: str) -> tuple[int, str]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, ""


def _wait_for(url: str, predicate, seconds: float = 60) -> tuple[int, str]:
    import time

    deadline = time.monotonic() + seconds
    status, body = _fetch(url)
    while not predicate(status, body) and time.monotonic() < deadline:
        time.sleep(0.5)
        status, body = _fetch(url)
    return status, body


@pytest.mark.slow
def test_mkdocs_serve_shows_an_edited_entry_on_reload_and_no_stale_page(tmp_path):
    """While serving, an edited entry shows up, a removed one disappears, and a broken one leaves
    the last valid site served while the terminal shows the validator's messages."""
    import subprocess
    import sys

    port = _free_port()
    config, codes = make_project(tmp_path, site_url=f"http://127.0.0.1:{port}/")
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "-a", f"127.0.0.1:{port}"],
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              env=dict(os.environ, PYTHONPATH=str(REPO)), text=True)
    try:
        page = f"http://127.0.0.1:{port}/codes/21610/"
        status, body = _wait_for(page, lambda s, b: s == 200)
        assert status == 200 and "21610: Attempt to send to unsubscribed recipient" in body

        entry = codes / "21610.yaml"
        entry.write_text(read(entry).replace("Attempt to send to", "Attempt to text an"), "utf-8")
        status, body = _wait_for(page, lambda s, b: "Attempt to text an" in b)
        assert "21610: Attempt to text an unsubscribed recipient" in body

        # a code nobody refers to is removed: its page must go, not linger from the last build
        gone = next(p for p in sorted(codes.glob("*.yaml"))
                    if all(f"{p.stem}" not in read(q) for q in codes.glob("*.yaml") if q != p))
        gone.unlink()
        gone_page = f"http://127.0.0.1:{port}/codes/{gone.stem}/"
        status, _ = _wait_for(gone_page, lambda s, b: s == 404)
        assert status == 404

        # a broken entry: the terminal shows the validator's message and the last valid site stays up
        text = read(entry)
        entry.write_text(text.replace("level: error", "level: eror").replace("text an", "mail an"), "utf-8")
        import time

        time.sleep(6)
        status, body = _fetch(page)
        assert status == 200 and "Attempt to text an" in body and "mail an" not in body
        entry.write_text(text.replace("text an", "call an"), "utf-8")
        status, body = _wait_for(page, lambda s, b: "Attempt to call an" in b)
        assert "21610: Attempt to call an unsubscribed recipient" in body
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "Serving on" in output, output[-2000:]
    assert "21610.yaml:4:8: level: 'eror' is not one of: error, warning" in output, output[-2000:]
