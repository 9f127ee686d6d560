"""MkDocs hooks: the help site's pages come from codes/ at build time (``hooks:`` in mkdocs.yml).

* ``on_config`` loads and validates the catalog (the ``codes/`` folder next to mkdocs.yml) and stops
  the build with the validator's messages before anything is written; it also sets the navigation.
* ``on_files`` adds the generated pages and data as virtual files: nothing is written into docs/,
  so nothing can go stale. ``mkdocs serve`` watches codes/ (``watch:`` in mkdocs.yml), so an edited
  entry shows up on reload.
* ``on_page_content`` puts the code tables into the index and product pages and checks every code
  page for links that are not https.

MkDocs imports this file by path, so it puts the repository on sys.path to reach the generator.
"""
from __future__ import annotations

import datetime as _dt
import gc
import logging
import os
import sys
from pathlib import Path

_REPO = Path(__file__).resolve().parent.parent
if str(_REPO) not in sys.path:
    sys.path.insert(0, str(_REPO))

from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.structure.files import File, InclusionLevel  # noqa: E402

from generator import catalog as catalog_mod  # noqa: E402
from generator import site  # noqa: E402
from generator import sitepages  # noqa: E402
from generator import validate  # noqa: E402

log = logging.getLogger("mkdocs.errdict")

# State of the current build, set by on_config and read by the later events.
_state: dict = {}


def codes_dir_for(config) -> Path:
    """The entries to build from: ERRDICT_CODES_DIR, else the codes/ folder beside mkdocs.yml."""
    override = os.environ.get("ERRDICT_CODES_DIR")
    if override:
        return Path(override).resolve()
    return Path(config.config_file_path).resolve().parent / "codes"


def build_date() -> str:
    """UTC build time; SOURCE_DATE_EPOCH makes it reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (_dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc) if epoch
              else _dt.datetime.now(_dt.timezone.utc))
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def site_nav(products: dict[str, str]) -> list:
    """The sidebar: the few hand-made and summary pages. Code pages are not listed (see issue 3:
    listing thousands of pages makes the build quadratic); they are reached through the index,
    the product pages and search."""
    return [
        {"Home": sitepages.HOME_SRC},
        {"All codes": sitepages.CODES_INDEX_SRC},
        {"Products": [{title: sitepages.product_page_src(value)} for value, title in products.items()]},
        {"Machine access": "machine-access.md"},
        {"Contributing": [{"Entry format": sitepages.SCHEMA_PAGE_SRC}]},
    ]


# MkDocs loads this file afresh for every rebuild while serving, so what must outlive one build
# (are we serving, the last catalog that validated) lives in an ordinary module.
_SERVE = site.SERVE_STATE


def on_startup(command, dirty=False, **kwargs):
    _SERVE["serving"] = command == "serve"
    _SERVE["last_good"] = None


def on_config(config, **kwargs):
    codes_dir = codes_dir_for(config)
    try:
        loaded = catalog_mod.load_catalog(codes_dir)
    except FileNotFoundError as exc:
        raise PluginError(str(exc)) from None
    if loaded.problems:
        count = len(loaded.problems)
        messages = "\n".join(str(problem) for problem in loaded.problems)
        summary = f"errdict: {count} problem{'s' if count != 1 else ''} in the entries"
        previous = _SERVE.get("last_good")
        if not (_SERVE.get("serving") and previous is not None and previous[0] == codes_dir):
            raise PluginError(f"{messages}\n{summary}; the site was not built")
        # While serving, keep showing the last valid entries instead of stalling every request
        # (MkDocs holds requests until a build succeeds); the terminal says what to fix.
        log.error(f"{messages}\n{summary}; still serving the last valid version until they are fixed")
        loaded = previous[1]
    elif _SERVE.get("serving"):
        _SERVE["last_good"] = (codes_dir, loaded)
    if not config.use_directory_urls:
        raise PluginError("errdict: the site needs use_directory_urls: true (links are /codes/<code>/)")
    errdict_extra = config.extra.get("errdict") or {}
    _state.clear()
    _state.update(
        entries=loaded.entries,
        by_code=loaded.by_code(),
        codes_dir=codes_dir,
        built=build_date(),
        tables={},
        common_codes=list(errdict_extra.get("common_codes") or []),
        branch=str(errdict_extra.get("branch") or "main"),
    )
    config.nav = site_nav(sitepages.vocabularies()["product"])
    return config


def _generated(config, src_uri: str, content: str, inclusion=InclusionLevel.UNDEFINED) -> File:
    return File.generated(config, src_uri, content=content, inclusion=inclusion)


def generated_files(config) -> list[File]:
    """Every page and data file the catalog gives the site."""
    entries, by_code = _state["entries"], _state["by_code"]
    site_url = config.site_url or "/"
    env = sitepages.template_env()
    vocab = sitepages.vocabularies()
    repo_url = config.repo_url or "https://github.com/errdict/errdict"
    out: list[File] = []

    code_template = env.get_template("code.md.j2")
    for entry in entries:
        code = entry["code"]
        page = _generated(config, sitepages.code_page_src(code),
                          sitepages.code_page_markdown(code_template, entry, by_code,
                                                       sitepages.edit_url(repo_url, _state["branch"], code)),
                          InclusionLevel.NOT_IN_NAV)
        page.edit_uri = f"../codes/{code}.yaml"
        out.append(page)

    by_product: dict[str, list[dict]] = {product: [] for product in vocab["product"]}
    for entry in entries:
        by_product[entry["product"]].append(entry)
    counts = {product: len(items) for product, items in by_product.items()}
    tables = _state["tables"]

    tables[sitepages.CODES_INDEX_SRC] = (
        sitepages.filter_controls_html({p: t for p, t in vocab["product"].items() if counts[p]})
        + sitepages.code_table_html(entries, "../"))
    out.append(_generated(config, sitepages.CODES_INDEX_SRC,
                          env.get_template("index.md.j2").render(count=len(entries), counts=counts)))
    product_template = env.get_template("product.md.j2")
    for product, items in by_product.items():
        src = sitepages.product_page_src(product)
        tables[src] = sitepages.code_table_html(items, "../../", show_product=False) if items else ""
        out.append(_generated(config, src, product_template.render(product=product, count=len(items))))

    common = []
    for code in _state["common_codes"]:
        if code in by_code:
            common.append(by_code[code])
        else:
            log.warning(f"errdict: extra.errdict.common_codes lists {code}, which has no entry in codes/")
    out.append(_generated(config, sitepages.HOME_SRC,
                          env.get_template("home.md.j2").render(common=common, counts=counts,
                                                                count=len(entries))))
    schema = validate.load_schema()
    out.append(_generated(config, sitepages.SCHEMA_PAGE_SRC,
                          env.get_template("schema.md.j2").render(schema=schema,
                                                                  fields=sitepages.schema_fields(schema))))

    out.append(_generated(config, sitepages.SCHEMA_FILE, validate.SCHEMA_PATH.read_text("utf-8")))
    out.append(_generated(config, sitepages.CODE_LIST_FILE, sitepages.code_list_json(entries)))
    out.append(_generated(config, f"{sitepages.API_DIR}/codes.json",
                          sitepages.codes_json(entries, int(schema["x-schemaVersion"]), _state["built"],
                                               site_url)))
    return out


def per_code_files(entries: list[dict], site_url: str):
    """(path in the site, text) of the small per-code files: the JSON entry and the short link."""
    for entry in entries:
        code = entry["code"]
        yield sitepages.code_json_path(code), sitepages.dumps(sitepages.api_entry(entry))
        target = sitepages.short_link_target(entry)
        yield f"{code}/index.html", sitepages.redirect_html(f"../codes/{target}/", f"{site_url}codes/{target}/")


def write_files(site_dir: str, items) -> None:
    """Write (path in the site, text) pairs under site_dir."""
    made = set()
    for rel, text in items:
        path = os.path.join(site_dir, rel)
        folder = os.path.dirname(path)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)


class _Writer:
    """Writes the per-code files (two per code: thousands of tiny files, whose cost is the file
    system's) in a forked process while MkDocs renders the pages; inline at the end of the build
    where the system cannot fork."""

    def __init__(self, site_dir: str, entries: list[dict], site_url: str) -> None:
        self.args = (site_dir, entries, site_url)
        self.process = None

    def _write(self) -> None:
        site_dir, entries, site_url = self.args
        write_files(site_dir, per_code_files(entries, site_url))

    def start(self) -> None:
        import multiprocessing

        if "fork" not in multiprocessing.get_all_start_methods():
            return
        self.process = multiprocessing.get_context("fork").Process(target=self._write, name="errdict-writer",
                                                                   daemon=True)
        self.process.start()

    def finish(self) -> str | None:
        """Wait for the files; an error message if they could not be written."""
        if self.process is None:
            try:
                self._write()
            except OSError as exc:
                return str(exc)
            return None
        self.process.join()
        return None if self.process.exitcode == 0 else f"the writer process exited with {self.process.exitcode}"

    def abandon(self) -> None:
        if self.process is not None:
            self.process.join()


def on_files(files, config, **kwargs):
    for file in generated_files(config):
        existing = files.get_file_from_path(file.src_uri)
        if existing is not None:
            raise PluginError(f"errdict: docs/{file.src_uri} would hide the generated {file.src_uri}; "
                              "remove it from docs/ (the page is generated from codes/)")
        files.append(file)
    clashes = []
    for entry in _state["entries"]:
        for rel in (sitepages.code_json_path(entry["code"]), f"{entry['code']}/index.html"):
            if files.get_file_from_path(rel) is not None:
                clashes.append(rel)
    if clashes:
        raise PluginError(f"errdict: docs/{clashes[0]} would hide a generated file; remove it from docs/")
    writer = _Writer(config.site_dir, _state["entries"], config.site_url or "/")
    _state["writer"] = writer
    writer.start()
    # The catalog and the generated pages live until the end of the build: keep the garbage
    # collector from walking them again at every collection while thousands of pages render.
    gc.freeze()
    _state["frozen"] = True
    return files


def _unfreeze() -> None:
    if _state.pop("frozen", False):
        gc.unfreeze()


def on_post_build(config, **kwargs):
    _unfreeze()
    writer = _state.pop("writer", None)
    error = writer.finish() if writer is not None else None
    if error:
        raise PluginError(f"errdict: could not write the JSON and short-link files: {error}")


def on_build_error(error, **kwargs):
    _unfreeze()
    writer = _state.pop("writer", None)
    if writer is not None:
        writer.abandon()


def on_page_content(html, page, config, files, **kwargs):
    src = page.file.src_uri
    table = _state.get("tables", {}).get(src)
    if table is not None:
        return html.replace(sitepages.TABLE_MARKER, table, 1)
    if "errdict_code" in page.meta:
        bad = sitepages.unsafe_urls(html)
        if bad:
            code = page.meta["errdict_code"]
            raise PluginError(f"codes/{code}.yaml: the page would contain unsafe markup or links "
                              f"({', '.join(bad[:3])}); links must be https:// URLs")
    return html


def on_post_page(output, page, config, **kwargs):
    return sitepages.collapse_whitespace(output)
