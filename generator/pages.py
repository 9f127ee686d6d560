"""The help site's pages, as pure functions of the catalog: Markdown text for MkDocs to render.

Everything here turns normalized entries (see :mod:`generator.catalog`) into the text of one page of
the build tree: a code page (a full entry, or a reference entry's honest page), the home, index,
product, search and entry-format pages. :mod:`generator.tree` writes them into the build tree;
nothing here reads or writes files except the Jinja template loader.

Safety: every string from an entry goes through :func:`md_text` (Markdown text), :func:`html_text` or
:func:`html_attr` (HTML), or, for the Markdown fields, through :func:`generator.markup.to_html`, which
renders and sanitises it. Pages put that HTML inside raw HTML blocks, which MkDocs passes through as
it is, so the page holds exactly what the sanitiser allowed.
"""
from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import jinja2

from errdict._codes import json_path, lc_help_url, upstream_url

from . import markup, schema, yamlwrite

TEMPLATES_DIR = Path(__file__).with_name("templates")

# Where the pages live in the build tree's docs folder (use_directory_urls: codes/21610.md is /codes/21610/).
HOME_SRC = "index.md"
CODES_INDEX_SRC = "codes/index.md"
SEARCH_SRC = "search.md"
SCHEMA_PAGE_SRC = "contributing/entry-format.md"
HAND_WRITTEN_NAV = (("Machine access", "machine-access.md"), ("Writing entries", "contributing/writing-entries.md"))


def code_page_src(code: int) -> str:
    return f"codes/{code}.md"


def product_page_src(product: str) -> str:
    return f"products/{product}.md"


def built_page(src: str) -> str:
    """Where MkDocs writes the page of a Markdown file (use_directory_urls): codes/index.md is
    codes/index.html, products/sms.md is products/sms/index.html."""
    stem = src.removesuffix(".md")
    return f"{stem}.html" if stem == "index" or stem.endswith("/index") else f"{stem}/index.html"


# The code tables (thousands of rows of HTML) do not go through Markdown: their page holds this
# slot, the table is written beside the tree, and the build fills the slot in the rendered page
# (build.fill_fragments). Markdown passes the empty block through as it is.
FRAGMENT_SLOT = "<div data-errdict-fragment></div>"


# --- escaping -------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>&])")


def html_text(text: object) -> str:
    """Text for an HTML element: &, < and > escaped."""
    return html.escape(str(text), quote=False)


def html_attr(text: object) -> str:
    """Text for a quoted HTML attribute."""
    return html.escape(str(text), quote=True)


def md_text(text: object) -> str:
    """Plain text that Markdown must print literally: no emphasis, no link, no HTML. HTML
    metacharacters become entities; other Markdown punctuation gets a backslash."""
    escaped = html.escape(" ".join(str(text).split()), quote=False)
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|])", r"\\\1", escaped)


def page_title(entry: dict[str, Any]) -> str:
    return f"{entry['code']}: {entry['title']}"


def front_matter(meta: dict[str, Any]) -> str:
    """YAML front matter written with the one scalar writer (every string quoted and escaped)."""
    return "---\n" + "\n".join(yamlwrite.mapping_lines(meta.items())) + "\n---\n"


# --- vocabularies -------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def vocab() -> dict[str, dict[str, str]]:
    return {name: schema.vocabulary(name).as_titles() for name in schema.vocabulary_fields()}


@functools.lru_cache(maxsize=1)
def notes() -> dict[str, dict[str, str]]:
    return {name: schema.vocabulary(name).as_descriptions() for name in schema.vocabulary_fields()}


# --- the site's settings ------------------------------------------------------------------------------

@dataclass(frozen=True)
class SiteInfo:
    """What pages need to know about the site: its URL, the repository, the branch entries live on."""

    site_url: str
    repo_url: str
    branch: str
    common_codes: tuple[int, ...]

    def edit_url(self, code: int) -> str:
        return f"{self.repo_url.rstrip('/')}/edit/{self.branch}/codes/{code}.yaml"

    def report_url(self, entry: dict[str, Any]) -> str:
        """A new issue on the repository, prefilled with the code and its page."""
        page = f"{self.site_url}codes/{entry['code']}/"
        body = (f"Code: {entry['code']} ({entry['title']})\nPage: {page}\n\nWhat is wrong or missing on this page?\n\n"
                "What should it say instead (and where does that come from)?\n")
        query = urlencode({"title": f"Entry {entry['code']}: ", "body": body, "labels": "content"}, quote_via=quote)
        return f"{self.repo_url.rstrip('/')}/issues/new?{query}"


def template_env(templates_dir: Path = TEMPLATES_DIR) -> jinja2.Environment:
    """The page templates' environment. Autoescape is off (the templates produce Markdown); every
    value from an entry goes through md, h, attr or the Markdown field renderer explicitly."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates_dir)), autoescape=False,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters.update(md=md_text, h=html_text, attr=html_attr, markdown=markup.to_html,
                       inline=lambda text: _strip_paragraph(markup.to_html(text)))
    env.globals.update(vocab=vocab(), notes=notes(), page_title=page_title, upstream_url=upstream_url,
                       lc_help_url=lc_help_url, json_path=json_path)
    return env


def _strip_paragraph(fragment: str) -> str:
    """A one-paragraph fragment without its <p> wrapper (for text inside a sentence or a list item)."""
    inner = fragment.strip()
    if inner.startswith("<p>") and inner.endswith("</p>") and inner.count("<p>") == 1:
        return inner[3:-4]
    return inner


# --- code pages ---------------------------------------------------------------------------------------

def neighbours(entry: dict[str, Any], same_product: list[dict[str, Any]], count: int = 4) -> list[dict[str, Any]]:
    """The codes around this one in its product area, in code order: the family a reader browses."""
    codes = [other["code"] for other in same_product]
    at = codes.index(entry["code"])
    start = max(0, min(at - count, len(codes) - 2 * count - 1))
    return [other for other in same_product[start:start + 2 * count + 1] if other["code"] != entry["code"]]


def code_page(env: jinja2.Environment, entry: dict[str, Any], by_code: dict[int, dict[str, Any]],
              same_product: list[dict[str, Any]], guidance: dict[str, str], site: SiteInfo) -> str:
    """The Markdown of one code's page (a full entry, or a reference entry's page)."""
    explained = entry["kind"] == "full"
    meta: dict[str, Any] = {
        "title": html_attr(page_title(entry)),
        "description": html_attr(entry["summary"] if explained else
                                 f"{entry['title']}: the official facts of LC Phone code {entry['code']}, "
                                 "and where to read more."),
        "hide": ["navigation", "toc"],
        "errdict_code": entry["code"],
    }
    template = env.get_template("code.md.j2" if explained else "reference.md.j2")
    body = template.render(
        e=entry,
        related=[by_code[code] for code in entry["related"] if code in by_code],
        replacement=by_code.get(entry["replaced_by"]) if entry["replaced_by"] else None,
        neighbours=neighbours(entry, same_product),
        guidance=guidance.get(entry["product"], ""),
        edit_url=site.edit_url(entry["code"]),
        report_url=site.report_url(entry),
        page_url=f"{site.site_url}codes/{entry['code']}/",
    )
    return front_matter(meta) + body


# --- tables -------------------------------------------------------------------------------------------

def code_table_html(entries: Iterable[dict[str, Any]], prefix: str, show_product: bool = True) -> str:
    """A code table as HTML; prefix leads from the page to the site root ('../')."""
    v = vocab()
    rows = []
    for e in entries:
        code, level, product, kind = e["code"], e["level"], e["product"], e["kind"]
        badges = ""
        if e["status"] != "active":
            badges += f' <span class="errdict-badge">{html_text(v["status"][e["status"]].capitalize())}</span>'
        summary = (f'<span class="errdict-row-summary" title="{html_attr(e["summary"])}">'
                   f'{html_text(e["summary"])}</span>'
                   if e["summary"] else "")
        product_cell = (f'<td><a href="{prefix}products/{product}/">{html_text(v["product"][product])}</a></td>'
                        if show_product else "")
        state = "Explained" if kind == "full" else "Not yet"
        rows.append(
            f'<tr data-level="{level}" data-product="{product}" data-kind="{kind}">'
            f'<td><a href="{prefix}codes/{code}/">{code}</a></td>'
            f'<td><a class="errdict-row-title" href="{prefix}codes/{code}/">{html_text(e["title"])}</a>'
            f'{badges}{summary}</td>'
            f'{product_cell}<td class="errdict-level-{level}">{html_text(v["level"][level])}</td>'
            f'<td class="errdict-kind-{kind}">{state}</td></tr>')
    head = ('<thead><tr><th scope="col" data-sort="num" aria-sort="ascending">Code</th>'
            '<th scope="col" data-sort="text">Title</th>'
            + ('<th scope="col" data-sort="text">Product</th>' if show_product else "")
            + '<th scope="col" data-sort="text">Level</th><th scope="col" data-sort="text">Explained</th></tr></thead>')
    kind_class = "errdict-codes" if show_product else "errdict-codes errdict-codes--product"
    return (f'<div class="errdict-table-wrap"><table class="{kind_class}">{head}<tbody>'
            + "".join(rows) + "</tbody></table></div>")


def filter_controls_html(products: dict[str, str] | None) -> str:
    """The text, level, product and explained filters above a code table (wired up by errdict.js);
    their state lives in the page URL (?q=&level=&product=&kind=), so a filtered view can be shared."""
    v = vocab()
    levels = "".join(f'<option value="{value}">{html_text(title)}</option>' for value, title in v["level"].items())
    kinds = "".join(f'<option value="{value}">{html_text(title)}</option>' for value, title in v["kind"].items())
    product_select = ""
    if products:
        options = "".join(f'<option value="{value}">{html_text(title)}</option>' for value, title in products.items())
        product_select = (f'<label>Product <select name="product"><option value="">All products</option>{options}'
                          '</select></label>')
    return (
        '<form class="errdict-filter" role="search" aria-label="Filter the codes">'
        '<label>Filter <input type="search" name="q" placeholder="Code, title or word" autocomplete="off"></label>'
        f'<label>Level <select name="level"><option value="">All levels</option>{levels}</select></label>'
        f'{product_select}'
        f'<label>Explained <select name="kind"><option value="">All codes</option>{kinds}</select></label>'
        '<output class="errdict-count" aria-live="polite"></output></form>')


# --- the other pages ----------------------------------------------------------------------------------

def schema_fields(entry_schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of the entry-format table, in the schema's order."""
    required = set(entry_schema.get("required", []))
    full = set(schema.full_entry_fields())
    explained = set(schema.explained_fields())
    rows = []
    for name, spec in entry_schema["properties"].items():
        needed = "every entry" if name in required else "full entries" if name in full else "no"
        rows.append({"name": name, "required": needed, "type": describe_type(spec),
                     "description": spec.get("description", ""),
                     "reference": "no" if name in explained else "yes",
                     "vocabulary": vocabulary_rows(name) if name in schema.vocabulary_fields() else []})
    return rows


def describe_type(spec: dict[str, Any]) -> str:
    if "enum" in spec:
        return "one of the values below"
    kind = spec.get("type")
    if kind == "array":
        item = spec.get("items", {})
        inner = "values from the list below" if "enum" in item else \
            "mappings" if item.get("type") == "object" else f"{item.get('type', 'value')}s"
        return f"list of {inner}"
    if kind == "string" and spec.get("x-markdown"):
        return "Markdown text"
    if kind == "object":
        return "mapping"
    return str(kind or "any")


def vocabulary_rows(name: str) -> list[dict[str, str]]:
    vocabulary = schema.vocabulary(name)
    return [{"value": v, "title": t, "description": d}
            for v, t, d in zip(vocabulary.values, vocabulary.titles, vocabulary.descriptions, strict=True)]


def redirect_html(target: str, canonical: str) -> str:
    """A static redirect page (meta refresh, canonical link and a script) for a short link: the
    standard way a static site moves a page."""
    t, c = html_attr(target), html_attr(canonical)
    script_target = (target.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\u003c"))
    return ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Redirecting</title>'
            f'<link rel="canonical" href="{c}"><meta name="robots" content="noindex">'
            f'<meta http-equiv="refresh" content="0; url={t}">'
            f'<script>location.replace("{script_target}" + location.hash)</script></head>'
            f'<body><p>This page has moved to <a href="{t}">{html_text(canonical)}</a>.</p></body></html>')


def short_link_target(entry: dict[str, Any]) -> int:
    """Where /<code>/ leads: the code's own page, or its replacement's when it was merged away."""
    if entry["status"] in ("deprecated", "removed") and entry["replaced_by"]:
        return int(entry["replaced_by"])
    return int(entry["code"])
