"""An entry's Markdown fields as HTML: rendered once, sanitised with an allow-list, judged on the result.

The fields the schema marks ``x-markdown`` (description, causes, solutions, ...) are the only entry
text that reaches a page as markup. They are rendered here with Python-Markdown (no extensions:
paragraphs, lists, emphasis, code spans, links) and then cleaned by nh3, the bindings to Rust's
ammonia sanitiser, keeping only the tags and attributes listed below and https links only.

The validator rejects an entry whose rendered HTML the sanitiser would change (:func:`problem`), so
whatever trick a field tries (raw HTML inside a code span the renderer reads differently, an
escaped backtick, a ``javascript:`` link) is judged on what the renderer actually produced, not on
the source text. The site puts the sanitised HTML of each field on the page as it is, so the page
never holds markup the sanitiser did not allow, even if the validator were bypassed.
"""
from __future__ import annotations

import functools
import html
import re
from urllib.parse import urlsplit

import markdown
import nh3

ALLOWED_TAGS = frozenset({"p", "ul", "ol", "li", "em", "strong", "code", "a", "pre", "blockquote", "br"})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = frozenset({"https"})


def is_https_url(url: str) -> bool:
    """An absolute https URL with a real host name: not ``https:///x``, no user name, no spaces."""
    if not url.startswith("https://") or any(ch.isspace() for ch in url):
        return False
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError on a malformed port
    except ValueError:
        return False
    host = parts.hostname or ""
    if parts.username is not None or parts.password is not None or port == 0:
        return False
    labels = host.split(".")
    return len(labels) >= 2 and all(re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", label)
                                    for label in labels)


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href" and not is_https_url(value):
        return None
    return value


@functools.lru_cache(maxsize=1)
def _renderer() -> markdown.Markdown:
    return markdown.Markdown(extensions=[], output_format="html")


def render(text: str) -> str:
    """The HTML Python-Markdown makes of one field (before sanitising)."""
    renderer = _renderer()
    try:
        return renderer.convert(text)
    finally:
        renderer.reset()


def sanitize(fragment: str) -> str:
    """The fragment with everything outside the allow-list removed."""
    return nh3.clean(fragment, tags=set(ALLOWED_TAGS), attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
                     attribute_filter=_keep_attribute, url_schemes=set(URL_SCHEMES), link_rel=None,
                     strip_comments=True, url_relative="deny")


def to_html(text: str) -> str:
    """What a page shows for one Markdown field: rendered, then sanitised."""
    return sanitize(render(text))


_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>")
_HREF = re.compile(r"""\bhref\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""")


def _describe_difference(rendered: str, cleaned: str) -> str:
    """What the sanitiser removed, in words: the first tag, attribute or link it did not allow."""
    for match in _TAG.finditer(rendered):
        name = match.group(2).lower()
        if name not in ALLOWED_TAGS:
            return f"raw HTML <{name}>"
        if name == "a":
            href = _HREF.search(match.group(3))
            if href:
                url = html.unescape(href.group(1).strip("\"'"))
                if not is_https_url(url):
                    return f"a link to {url[:60]!r} (links must be https:// URLs with a host name)"
        attributes = re.findall(r"([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=", match.group(3))
        extra = [a for a in attributes if a.lower() not in ALLOWED_ATTRIBUTES.get(name, set())]
        if extra:
            return f"the attribute {extra[0]!r} on <{name}>"
    if "<!--" in rendered:
        return "an HTML comment"
    return "markup the sanitiser does not allow"


# Markdown can only make a tag outside the allow-list, a link or an entity from one of these
# characters (raw HTML, autolinks, entities, links and images, ATX headings, code spans and escapes
# that change how the rest reads) or from a line made of one repeated -, *, _ or = (a setext
# heading's underline, a horizontal rule). Text with neither renders to paragraphs, lists,
# emphasis, line breaks and indented code only, all of them allowed: it needs no rendering to judge.
_MAY_MAKE_MARKUP = re.compile(r"[<>&\[\]!#`\\]|^[ \t]*([-*_=])[ \t]*(?:\1[ \t]*)*$", re.M)


def may_hold_markup(text: str) -> bool:
    """False when the text cannot render to anything outside the allow-list (see above)."""
    return _MAY_MAKE_MARKUP.search(text) is not None


def problem(text: str) -> str | None:
    """Why the field's rendered HTML is not safe as it is (None when the sanitiser keeps it whole)."""
    if not may_hold_markup(text):
        return None
    rendered = render(text)
    cleaned = sanitize(rendered)
    if cleaned == rendered or _same_markup(cleaned, rendered):
        return None
    what = _describe_difference(rendered, cleaned)
    return (f"the rendered HTML holds {what}, which the sanitiser would remove; "
            "describe it in words, or put literal code in `backticks`")


_ENTITY_FORMS = str.maketrans({"\u00a0": "&nbsp;"})


def _same_markup(cleaned: str, rendered: str) -> bool:
    """Whether two fragments differ only in how the serialiser spells the same characters
    (``&quot;`` or ``"`` in text, ``&#39;``, self-closed ``<br />``)."""
    def canonical(fragment: str) -> str:
        fragment = fragment.replace("<br />", "<br>").replace("<br/>", "<br>")
        return html.unescape(fragment).translate(_ENTITY_FORMS)

    return canonical(cleaned) == canonical(rendered)
