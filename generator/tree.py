"""The build tree: every page and file of the help site, generated from codes/ as plain Markdown and
files, for MkDocs (or ProperDocs) to render. Nothing is generated at build time inside MkDocs: the
site does not depend on MkDocs' plugin or hook API, only on its command line and a theme.

    build/tree/mkdocs.yml        the site's configuration (mkdocs.yml) pointed at this tree
    build/tree/docs/...          what MkDocs renders or copies: the hand-written pages and assets of
        docs/, and the generated pages: index.md, codes/index.md, codes/<code>.md,
        products/<product>.md, search.md, contributing/entry-format.md; and api/codes.json,
        api/codes.csv, api/code-list.json, api/entry.schema.json
    build/tree/static/...        files copied into the site as they are, beside the pages:
        api/codes/<code>.json, <code>/index.html (short links), search/* (the search index)
    build/tree/fragments/...     the code tables, put into the rendered index and product pages in
        place of their slot (they would cost Markdown a second per build for nothing)
    build/tree/catalog.jsonl     the catalog compiled from codes/ as it is now

:func:`site_files` is pure: it maps a loaded catalog to {path: content}. :func:`write_tree` is the
file I/O edge: it writes only the files whose content changed and removes the ones no longer
generated, so that a server watching the tree rebuilds only what changed.
"""
from __future__ import annotations

import datetime
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from errdict._catalog import Catalog

from . import compile as compile_mod
from . import markup, pages, schema, sitedata
from .catalog import REPO

TREE_DIR = REPO / "build" / "tree"
DOCS_SRC = REPO / "docs"
GUIDANCE_FILE = REPO / "guidance" / "products.yaml"
MKDOCS_YML = REPO / "mkdocs.yml"


@dataclass(frozen=True)
class Settings:
    """What the build reads from mkdocs.yml beyond the theme: the site's URL, repository and extras."""

    config: dict[str, Any]
    site: pages.SiteInfo
    config_file: Path


def read_settings(config_file: Path = MKDOCS_YML) -> Settings:
    """mkdocs.yml as MkDocs' own YAML loader reads it, and the site information pages need."""
    from mkdocs.utils.yaml import yaml_load

    with open(config_file, encoding="utf-8") as handle:
        config = yaml_load(handle) or {}
    extra = (config.get("extra") or {}).get("errdict") or {}
    site = pages.SiteInfo(site_url=compile_mod.site_url(config_file),
                          repo_url=str(config.get("repo_url") or "https://github.com/errdict/errdict"),
                          branch=str(extra.get("branch") or "main"),
                          common_codes=tuple(int(code) for code in extra.get("common_codes") or ()))
    return Settings(config, site, Path(config_file).resolve())


def read_guidance(path: Path = GUIDANCE_FILE) -> dict[str, str]:
    """The general guidance per product area (Markdown), checked: every product has some, and each
    renders to HTML the sanitiser keeps whole."""
    data = yaml.safe_load(path.read_text("utf-8")) or {}
    products = schema.vocabulary("product").values
    problems = [f"{path}: {name}: not a product" for name in data if name not in products]
    problems += [f"{path}: {name}: no guidance" for name in products if not str(data.get(name) or "").strip()]
    problems += [f"{path}: {name}: {why}" for name, text in data.items() if (why := markup.problem(str(text)))]
    if problems:
        raise ValueError("\n".join(problems))
    return {name: str(text) for name, text in data.items()}


def build_date() -> str:
    """UTC build time; SOURCE_DATE_EPOCH makes it reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (datetime.datetime.fromtimestamp(int(epoch), datetime.UTC) if epoch
              else datetime.datetime.now(datetime.UTC))
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


class PageCache:
    """The code pages of the last generation, by the inputs they were made from, so that while
    serving an edit re-renders only the pages it changes (its own, and the ones showing its title)."""

    def __init__(self) -> None:
        self.pages: dict[int, tuple[tuple[Any, ...], str]] = {}
        self.data: dict[int, tuple[int, tuple[str, str]]] = {}  # each code JSON file, by entry version
        self.written: dict[str, bytes] = {}  # what the last generation wrote, to compare with
        self._versions: dict[int, tuple[dict[str, Any], int]] = {}

    def versions(self, entries: list[dict[str, Any]]) -> dict[int, int]:
        """{code: a hash of its entry}. An entry object seen last time (the loader keeps the entries
        of unchanged files) is not hashed again; the cache holds it, so its id stays its own."""
        known, fresh, out = self._versions, {}, {}
        for entry in entries:
            held = known.get(id(entry))
            if held is None or held[0] is not entry:
                held = (entry, hash(json.dumps(entry, sort_keys=True, ensure_ascii=False)))
            fresh[id(entry)] = held
            out[entry["code"]] = held[1]
        self._versions = fresh
        return out


def site_files(entries: list[dict[str, Any]], catalog: Catalog, settings: Settings, guidance: dict[str, str],
               built: str, cache: PageCache | None = None) -> dict[str, str | bytes]:
    """Every generated file of the site: {path in the site (see tree_path): text}."""
    return {**page_files(entries, settings, guidance, cache), **data_files(entries, catalog, settings, built, cache)}


def page_files(entries: list[dict[str, Any]], settings: Settings, guidance: dict[str, str],
               cache: PageCache | None = None) -> dict[str, str | bytes]:
    """The generated pages (and the code tables that fill them)."""
    site = settings.site
    env = pages.template_env()
    by_code = {entry["code"]: entry for entry in entries}
    vocab = pages.vocab()
    by_product: dict[str, list[dict[str, Any]]] = {product: [] for product in vocab["product"]}
    for entry in entries:
        by_product[entry["product"]].append(entry)
    counts = {product: len(items) for product, items in by_product.items()}
    explained_counts = {product: sum(1 for e in items if e["kind"] == "full") for product, items in by_product.items()}
    explained = sum(explained_counts.values())
    files: dict[str, str | bytes] = {}

    versions = cache.versions(entries) if cache is not None else {}
    for entry in entries:
        code = entry["code"]
        same_product = by_product[entry["product"]]
        if cache is not None:
            shown = [*entry["related"], *([entry["replaced_by"]] if entry["replaced_by"] else []),
                     *(e["code"] for e in pages.neighbours(entry, same_product))]
            key = (versions[code], tuple(versions.get(other) for other in shown), guidance.get(entry["product"]), site)
            cached = cache.pages.get(code)
            if cached is not None and cached[0] == key:
                files[pages.code_page_src(code)] = cached[1]
                continue
        text = pages.code_page(env, entry, by_code, same_product, guidance, site)
        files[pages.code_page_src(code)] = text
        if cache is not None:
            cache.pages[code] = (key, text)
    products_shown = {p: t for p, t in vocab["product"].items() if counts[p]}
    files[pages.CODES_INDEX_SRC] = env.get_template("index.md.j2").render(
        count=len(entries), explained=explained, controls=pages.filter_controls_html(products_shown),
        slot=pages.FRAGMENT_SLOT)
    files[FRAGMENTS + pages.built_page(pages.CODES_INDEX_SRC)] = pages.code_table_html(entries, "../")
    for product, items in by_product.items():
        files[pages.product_page_src(product)] = env.get_template("product.md.j2").render(
            product=product, count=len(items), explained=explained_counts[product],
            guidance=guidance.get(product, ""), controls=pages.filter_controls_html(None),
            slot=pages.FRAGMENT_SLOT if items else "")
        if items:
            files[FRAGMENTS + pages.built_page(pages.product_page_src(product))] = pages.code_table_html(
                items, "../../", show_product=False)
    common = [by_code[code] for code in site.common_codes if code in by_code]
    missing = [code for code in site.common_codes if code not in by_code]
    if missing:
        raise ValueError(f"mkdocs.yml: extra.errdict.common_codes lists {missing}, which have no entry in codes/")
    files[pages.HOME_SRC] = env.get_template("home.md.j2").render(
        common=common, counts=counts, explained_counts=explained_counts, count=len(entries), explained=explained)
    files[pages.SEARCH_SRC] = env.get_template("search.md.j2").render()
    entry_schema = schema.load()
    files[pages.SCHEMA_PAGE_SRC] = env.get_template("schema.md.j2").render(
        schema=entry_schema, fields=pages.schema_fields(entry_schema))
    return files


def data_files(entries: list[dict[str, Any]], catalog: Catalog, settings: Settings, built: str,
               cache: PageCache | None = None) -> dict[str, str | bytes]:
    """The data files: the JSON and CSV API, the short links, the search index."""
    site = settings.site
    files: dict[str, str | bytes] = {}
    versions = cache.versions(entries) if cache is not None else {}
    files["api/entry.schema.json"] = schema.SCHEMA_PATH.read_text("utf-8")
    moved = {entry["code"]: pages.short_link_target(entry) for entry in entries
             if pages.short_link_target(entry) != entry["code"]}
    files["api/code-list.json"] = sitedata.code_list_json(entries, moved)
    files["api/codes.json"] = sitedata.codes_json(entries, schema.version(), built, site.site_url)
    files["api/codes.csv"] = sitedata.codes_csv(catalog)
    for entry in entries:
        if cache is not None:
            made = cache.data.get(entry["code"])
            if made is None or made[0] != versions[entry["code"]]:
                made = (versions[entry["code"]], sitedata.code_json(entry))
                cache.data[entry["code"]] = made
            path, text = made[1]
        else:
            path, text = sitedata.code_json(entry)
        files[path] = text
        target = pages.short_link_target(entry)
        files[f"{entry['code']}/index.html"] = pages.redirect_html(f"../codes/{target}/",
                                                                    f"{site.site_url}codes/{target}/")
    for path, text in sitedata.search_files(catalog):
        files[path] = text
    return files


def tree_config(settings: Settings, tree_dir: Path, entries: list[dict[str, Any]]) -> dict[str, Any]:
    """The site's configuration for the tree: mkdocs.yml with the docs folder, navigation and theme
    paths set for the build tree. No plugins (search is errdict's own), no hooks."""
    config = dict(settings.config)
    config.pop("hooks", None)
    config.pop("watch", None)
    config["docs_dir"] = str(tree_dir / "docs")
    config["plugins"] = []
    config["edit_uri"] = ""  # pages carry their own "edit this entry" link to the YAML
    config["not_in_nav"] = "/codes/*.md"  # the code pages: reached through the index, products and search
    theme = dict(config.get("theme") or {})
    if theme.get("custom_dir"):
        theme["custom_dir"] = str((settings.config_file.parent / theme["custom_dir"]).resolve())
    theme["features"] = [f for f in theme.get("features", []) if not str(f).startswith("search")]
    config["theme"] = theme
    products = [p for p in pages.vocab()["product"] if any(e["product"] == p for e in entries)]
    hand_written = [(title, path) for title, path in pages.HAND_WRITTEN_NAV if (DOCS_SRC / path).exists()]
    config["nav"] = [
        {"Home": pages.HOME_SRC},
        {"All codes": pages.CODES_INDEX_SRC},
        {"Products": [{pages.vocab()["product"][p]: pages.product_page_src(p)} for p in products]},
        {"Search": pages.SEARCH_SRC},
        *[{title: path} for title, path in hand_written if not path.startswith("contributing/")],
        {"Contributing": [{"Entry format": pages.SCHEMA_PAGE_SRC},
                          *[{title: path} for title, path in hand_written if path.startswith("contributing/")]]},
    ]
    return config


def hand_written_files(docs_dir: Path | None = None) -> dict[str, bytes]:
    """The pages and assets written by hand (docs/), copied into the tree as they are."""
    docs_dir = docs_dir or DOCS_SRC
    out = {}
    for path in sorted(docs_dir.rglob("*")):
        if path.is_file():
            out[path.relative_to(docs_dir).as_posix()] = path.read_bytes()
    return out


# What fills a page's slot once rendered (pages.FRAGMENT_SLOT): fragments/<built page>, e.g.
# fragments/codes/index.html for the table of codes/index.html. Kept in the tree's fragments/ folder.
FRAGMENTS = "fragments/"

# Files the site serves as they are and MkDocs need not see: the per-code JSON, the short links and
# the search index (thousands of files MkDocs would otherwise list and copy on every build). They go
# into the tree's static/ folder and are copied into the rendered site beside the pages.
_STATIC = re.compile(r"search/.*|api/codes/[0-9]+\.json|[0-9]+/index\.html")


def tree_path(rel: str) -> str:
    """Where a site file lives in the tree: docs/<rel> for MkDocs, static/<rel> for the files copied as
    they are, fragments/<page> for what fills a rendered page's slot."""
    if rel.startswith(FRAGMENTS):
        return rel
    return ("static/" if _STATIC.fullmatch(rel) else "docs/") + rel


def _write_changed(tree_dir: Path, files: dict[str, str | bytes], before: dict[str, bytes] | None) -> list[str]:
    """Write the files whose content differs from `before` (what was written last), or, without it,
    from what the tree holds. Returns their tree paths."""
    written = []
    made: set[Path] = set()
    for rel, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        place = tree_path(rel)
        path = tree_dir / place
        if before is not None:
            if before.get(rel) == data:
                continue
        else:
            try:
                if path.read_bytes() == data:
                    continue
            except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
                pass
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(data)
        written.append(place)
    return written


def write_tree(tree_dir: Path, config: dict[str, Any], files: dict[str, str | bytes], compiled: bytes,
               cache: PageCache | None = None) -> list[str]:
    """Write the tree: only files whose content changed, removing generated files no longer wanted.
    Returns the paths written, relative to the tree (docs/... or static/...). With a cache of the last
    generation (while serving), a file is compared with what was written last instead of read back."""
    before = cache.written if cache is not None and cache.written else None
    written = _write_changed(tree_dir, files, before)
    if cache is not None:
        cache.written = {rel: content.encode("utf-8") if isinstance(content, str) else content
                         for rel, content in files.items()}
        if before is not None and set(before) == set(files):
            compile_mod.write_atomically(tree_dir / "catalog.jsonl", compiled)
            return written
    wanted = {tree_path(rel) for rel in files}
    for root in ("docs", "static", FRAGMENTS.rstrip("/")):
        for path in sorted((tree_dir / root).rglob("*"), reverse=True):
            place = path.relative_to(tree_dir).as_posix()
            if path.is_file() and place not in wanted:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    config_text = yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
    compile_mod.write_atomically(tree_dir / "mkdocs.yml", config_text.encode("utf-8"))
    compile_mod.write_atomically(tree_dir / "catalog.jsonl", compiled)
    return written


def generate_pages(entries: list[dict[str, Any]], tree_dir: Path, config_file: Path, cache: PageCache) -> list[str]:
    """While serving, before generate: write the pages an edit changed, so that they can be rendered
    while the data files (search index, API, CSV) are made. Needs a cache of a whole generation."""
    if not cache.written:
        raise ValueError("generate_pages needs the cache of a whole generation first")
    files = page_files(entries, read_settings(config_file), read_guidance(), cache)
    written = _write_changed(tree_dir, files, cache.written)
    for rel, content in files.items():
        if rel in cache.written:  # a new file stays unrecorded, so generate sees the set of files change
            cache.written[rel] = content.encode("utf-8") if isinstance(content, str) else content
    return written


def generate(entries: list[dict[str, Any]], tree_dir: Path = TREE_DIR, config_file: Path = MKDOCS_YML,
             built: str | None = None, cache: PageCache | None = None) -> list[str]:
    """Generate the whole tree for valid normalized entries; returns the paths written (see write_tree)."""
    settings = read_settings(config_file)
    compiled = compile_mod.render_catalog(entries, settings.site.site_url)
    tree_dir.mkdir(parents=True, exist_ok=True)
    compile_mod.write_atomically(tree_dir / "catalog.jsonl", compiled)
    catalog = Catalog(tree_dir / "catalog.jsonl")
    files: dict[str, str | bytes] = dict(hand_written_files())
    generated = site_files(entries, catalog, settings, read_guidance(), built or build_date(), cache)
    clashes = sorted(set(files) & set(generated) | {rel for rel in files if rel.startswith(FRAGMENTS)})
    if clashes:
        raise ValueError(f"docs/{clashes[0]} would hide the generated {clashes[0]}; remove it from docs/ "
                         "(the page is generated from codes/)")
    files.update(generated)
    return write_tree(tree_dir, tree_config(settings, tree_dir, entries), files, compiled, cache)


def remove_tree(tree_dir: Path = TREE_DIR) -> None:
    shutil.rmtree(tree_dir, ignore_errors=True)
