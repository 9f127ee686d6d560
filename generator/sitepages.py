"""The help site's generated pages, as pure functions of the catalog.

Everything here turns normalized entries (see :mod:`generator.catalog`) into text: the Markdown of
each code page, the home, index, product and entry-format pages, the HTML of the code tables, the
short-link redirect pages and the static JSON API. :mod:`generator.mkdocs_hooks` feeds the results
to MkDocs as virtual files; nothing here reads or writes files except the Jinja template loader.

Safety: every string that comes from an entry goes through :func:`md_text` (Markdown inline text:
HTML-escaped, Markdown punctuation backslash-escaped) or :func:`html_text` / :func:`html_attr`
(HTML). Only ``description``, ``causes`` and ``solutions`` are rendered as Markdown; the validator
has already refused raw HTML and non-https links in them, and the hook checks the rendered page
again (:func:`unsafe_urls`).
"""
from __future__ import annotations

import functools
import html
import json
import re
from pathlib import Path
from typing import Iterable

import jinja2

from . import validate

TEMPLATES_DIR = Path(__file__).with_name("templates")

# Where generated things live in the site (URLs relative to the site root, use_directory_urls).
CODES_INDEX_SRC = "codes/index.md"
SCHEMA_PAGE_SRC = "contributing/entry-format.md"
HOME_SRC = "index.md"
API_DIR = "api"
SCHEMA_FILE = f"{API_DIR}/entry.schema.json"
CODE_LIST_FILE = f"{API_DIR}/code-list.json"
TABLE_MARKER = "<!-- errdict:code-table -->"

VOCABULARY_FIELDS = ("level", "product", "status", "retry", "action")


def code_page_src(code: int) -> str:
    return f"codes/{code}.md"


def product_page_src(product: str) -> str:
    return f"products/{product}.md"


def code_json_path(code: int) -> str:
    return f"{API_DIR}/codes/{code}.json"


# --- escaping -------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!])")


def html_text(text: str) -> str:
    """Text for an HTML element: &, < and > escaped (quotes left alone)."""
    return html.escape(str(text), quote=False)


def html_attr(text: str) -> str:
    """Text for a double- or single-quoted HTML attribute."""
    return html.escape(str(text), quote=True)


def md_text(text: str) -> str:
    """Plain text that Markdown must print literally: no emphasis, no link, no HTML, no attribute list.

    HTML metacharacters become entities; Markdown punctuation Python-Markdown knows how to escape
    gets a backslash. Line breaks become spaces (the fields that use this are single-line).
    """
    escaped = html.escape(" ".join(str(text).split()), quote=False)
    return _MD_SPECIAL.sub(r"\\\1", escaped)


def page_title(entry: dict) -> str:
    """The heading and title of a code page: '21610: Attempt to send to unsubscribed recipient'."""
    return f"{entry['code']}: {entry['title']}"


# --- vocabularies ---------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def vocabularies() -> dict[str, dict[str, str]]:
    return {name: validate.vocabulary(name) for name in VOCABULARY_FIELDS}


@functools.lru_cache(maxsize=1)
def vocabulary_notes() -> dict[str, dict[str, str]]:
    return {name: validate.vocabulary_descriptions(name) for name in VOCABULARY_FIELDS}


def level_title(level: str) -> str:
    """'error' -> 'Error' (the level vocabulary has no display titles of its own)."""
    title = vocabularies()["level"][level]
    return title[:1].upper() + title[1:]


# --- templates ------------------------------------------------------------------------------------

def template_env(templates_dir: Path = TEMPLATES_DIR) -> jinja2.Environment:
    """A Jinja environment for the page templates (Markdown and HTML, escaping done by filters).

    Autoescape is off because most templates produce Markdown; every value from an entry goes through
    the ``md``, ``h`` or ``attr`` filter explicitly.
    """
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates_dir)), autoescape=False,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters.update(md=md_text, h=html_text, attr=html_attr, level=level_title,
                       json=lambda value: json.dumps(value, ensure_ascii=False))
    env.globals.update(vocab=vocabularies(), notes=vocabulary_notes(), page_title=page_title)
    return env


# --- code pages -----------------------------------------------------------------------------------

def edit_url(repo_url: str, branch: str, code: int) -> str:
    return f"{repo_url.rstrip('/')}/edit/{branch}/codes/{code}.yaml"


def front_matter(meta: dict) -> str:
    """YAML front matter; JSON is YAML, so json.dumps keeps every value a plain, safe scalar."""
    lines = ["---"]
    for key, value in meta.items():
        lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def code_page_meta(entry: dict) -> dict:
    """The page's metadata. Material prints ``title`` and ``description`` into the HTML unescaped,
    so both are HTML-escaped here."""
    return {
        "title": html_attr(page_title(entry)),
        "description": html_attr(entry["summary"]),
        "search": {"boost": 2},
        "hide": ["navigation", "toc"],
        "errdict_code": entry["code"],
    }


def code_page_markdown(template: jinja2.Template, entry: dict, by_code: dict[int, dict],
                       edit: str) -> str:
    related = [by_code[code] for code in entry["related"] if code in by_code]
    replacement = by_code.get(entry["replaced_by"]) if entry["replaced_by"] else None
    body = template.render(e=entry, related=related, replacement=replacement, edit_url=edit,
                           json_url=f"../../{code_json_path(entry['code'])}")
    return front_matter(code_page_meta(entry)) + body


# --- tables ---------------------------------------------------------------------------------------

def code_table_html(entries: Iterable[dict], prefix: str, show_product: bool = True) -> str:
    """The rows of a code table as HTML; prefix leads from the page to the site root ('../')."""
    vocab = vocabularies()
    rows = []
    for e in entries:
        code, level, product = e["code"], e["level"], e["product"]
        status = "" if e["status"] == "active" else f' <span class="errdict-badge">{html_text(vocab["status"][e["status"]].capitalize())}</span>'
        product_cell = (f'<td><a href="{prefix}products/{product}/">{html_text(vocab["product"][product])}</a></td>'
                        if show_product else "")
        rows.append(
            f'<tr data-level="{level}" data-product="{product}">'
            f'<td><a href="{prefix}codes/{code}/">{code}</a></td>'
            f'<td>{html_text(e["title"])}{status}</td>'
            f'<td class="errdict-level-{level}">{level_title(level)}</td>{product_cell}</tr>')
    head = ('<thead><tr><th data-sort="num" aria-sort="ascending">Code</th><th data-sort="text">Title</th>'
            '<th data-sort="text">Level</th>' + ('<th data-sort="text">Product</th>' if show_product else "")
            + "</tr></thead>")
    return (f'<table class="errdict-codes" data-search-exclude>{head}<tbody>'
            + "".join(rows) + "</tbody></table>")


def filter_controls_html(products: dict[str, str]) -> str:
    """The text, level and product filters above the index table (wired up by errdict.js)."""
    options = "".join(f'<option value="{value}">{html_text(title)}</option>' for value, title in products.items())
    levels = "".join(f'<option value="{value}">{html_text(level_title(value))}</option>'
                     for value in vocabularies()["level"])
    return (
        '<form class="errdict-filter" data-search-exclude role="search" onsubmit="return false">'
        '<label>Filter <input type="search" name="text" placeholder="Code, title or word" autocomplete="off"></label>'
        f'<label>Level <select name="level"><option value="">All levels</option>{levels}</select></label>'
        f'<label>Product <select name="product"><option value="">All products</option>{options}</select></label>'
        '<output class="errdict-count" aria-live="polite"></output></form>')


# --- other pages ----------------------------------------------------------------------------------

def schema_fields(schema: dict) -> list[dict]:
    """The rows of the entry-format table, in the schema's order."""
    required = set(schema.get("required", []))
    rows = []
    for name, spec in schema["properties"].items():
        rows.append({"name": name, "required": name in required, "type": describe_type(spec),
                     "description": spec.get("description", ""), "vocabulary": vocabulary_rows(spec)})
    return rows


def describe_type(spec: dict) -> str:
    if "enum" in spec:
        return "one of: " + ", ".join(f"`{v}`" for v in spec["enum"])
    kind = spec.get("type")
    if kind == "array":
        item = spec.get("items", {})
        inner = "mappings" if item.get("type") == "object" else f"{item.get('type', 'value')}s"
        return f"list of {inner}"
    if kind == "object":
        return "mapping"
    return str(kind or "any")


def vocabulary_rows(spec: dict) -> list[dict]:
    if "enum" not in spec:
        return []
    titles = spec.get("x-enumTitles") or [None] * len(spec["enum"])
    notes = spec.get("enumDescriptions") or [""] * len(spec["enum"])
    return [{"value": v, "title": t, "description": d} for v, t, d in zip(spec["enum"], titles, notes)]


# --- redirects and JSON ---------------------------------------------------------------------------

def redirect_html(target: str, canonical: str) -> str:
    """A static redirect page: meta refresh, canonical link and a script, for a short link."""
    t, c = html_attr(target), html_attr(canonical)
    script_target = json.dumps(target).replace("<", "\\u003c")  # no "</script>" inside the script
    return ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Redirecting</title>'
            f'<link rel="canonical" href="{c}"><meta name="robots" content="noindex">'
            f'<meta http-equiv="refresh" content="0; url={t}">'
            f'<script>location.replace({script_target} + location.hash)</script></head>'
            f'<body><p>This page has moved to <a href="{t}">{html_text(canonical)}</a>.</p></body></html>')


def short_link_target(entry: dict) -> int:
    """Where /<code>/ leads: the code's own page, or its replacement's when it was merged away."""
    if entry["status"] in ("deprecated", "removed") and entry["replaced_by"]:
        return entry["replaced_by"]
    return entry["code"]


def api_entry(entry: dict) -> dict:
    """An entry as the JSON API serves it: the normalized entry without its empty optional fields,
    so that it is valid against entry.schema.json."""
    return {key: value for key, value in entry.items() if value is not None}


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def codes_json(entries: list[dict], schema_version: int, built: str, site_url: str) -> str:
    return dumps({"schema_version": schema_version, "schema": f"{site_url}{SCHEMA_FILE}", "built": built,
                  "count": len(entries), "codes": [api_entry(e) for e in entries]})


def code_list_json(entries: list[dict]) -> str:
    """What the "go to code" box needs: every code, and where merged codes lead."""
    return dumps({"codes": [e["code"] for e in entries],
                  "moved": {str(e["code"]): short_link_target(e) for e in entries
                            if short_link_target(e) != e["code"]}})


# --- finishing ----------------------------------------------------------------------------------

_VERBATIM = re.compile(r"(<(pre|textarea)\b.*?</\2>)", re.S | re.I)
_INDENT = re.compile(r"\n[ \t\r\n]+")


def collapse_whitespace(page_html: str) -> str:
    """Drop the theme's indentation and blank lines (a third of a code page) outside <pre> and
    <textarea>. A newline stays wherever there was one, so text and scripts read the same."""
    parts = _VERBATIM.split(page_html)
    # split() with two groups yields: text, whole match, tag name, text, ...
    out = []
    for i in range(0, len(parts), 3):
        out.append(_INDENT.sub("\n", parts[i]))
        if i + 1 < len(parts):
            out.append(parts[i + 1])
    return "".join(out)


# --- checks on rendered HTML ----------------------------------------------------------------------

_TAG_WITH_ATTRIBUTES = re.compile(r"<[a-zA-Z][^>]*=[^>]*>")
_URL_ATTR = re.compile(r"""\s(?:href|src|action|formaction|srcset|poster|xlink:href)\s*=\s*["']?\s*([^"'\s>]*)""", re.I)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.I)
_EVENT_ATTR = re.compile(r"\son[a-z]+\s*=", re.I)


def unsafe_urls(content: str) -> list[str]:
    """URLs in rendered entry HTML that are neither https nor relative, and event-handler attributes."""
    bad = []
    for tag in _TAG_WITH_ATTRIBUTES.findall(content):
        for url in _URL_ATTR.findall(tag):
            scheme = _SCHEME.match(html.unescape(url).strip())
            if scheme and scheme.group(1).lower() != "https":
                bad.append(url)
        if _EVENT_ATTR.search(tag):
            bad.append(tag)
    return bad
