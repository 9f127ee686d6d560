"""An entry's Markdown fields as HTML: rendered once, sanitised with an allow-list, judged on the result.

The fields the schema marks ``x-markdown`` (description, causes, solutions, ...) are the only entry
text that reaches a page as markup. They are rendered here with Python-Markdown (no extensions:
paragraphs, lists, emphasis, code spans, links) and then cleaned by nh3, the bindings to Rust's
ammonia sanitiser, keeping only the tags and attributes listed below and https links only.

The validator rejects an entry whose rendered HTML the sanitiser would change (:func:`problem`), so
whatever trick a field tries (raw HTML inside a code span the renderer reads differently, an
escaped backtick, an entity, a ``javascript:`` link, a reference-style link, an autolink, an image)
is judged on what the renderer actually produced, not on the source text. The site puts the
sanitised HTML of each field on the page as it is, so the page never holds markup the sanitiser did
not allow, even if the validator were bypassed.

Rendering costs about half a millisecond a field, so :func:`may_hold_markup` first skips the text
that cannot render to anything outside the allow-list (most prose); a property test holds it to
that promise.
"""
from __future__ import annotations

import functools
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import markdown
import nh3

ALLOWED_TAGS = frozenset({"p", "ul", "ol", "li", "em", "strong", "code", "a", "pre", "blockquote", "br"})
ALLOWED_ATTRIBUTES = {"a": frozenset({"href", "title"})}
URL_SCHEMES = frozenset({"https"})

_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\Z")
# Characters a browser reads differently from a URL parser, or that no link of an entry needs.
_URL_REFUSED = re.compile(r"[\s\\<>\"'`^{}|\x00-\x1f\x7f]")
_PLAIN_HTTPS = re.compile(r"https://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)"
                          r"(?:[/?#].*)?\Z", re.S)


def is_https_url(url: str) -> bool:
    """An absolute https URL with a real host name: not ``https:///x`` or ``https://x``, no user
    name, no IP address, no spaces, quotes or backslashes, no empty or out-of-range port."""
    if not url.startswith("https://") or _URL_REFUSED.search(url) or not url.isascii():
        return False
    plain = _PLAIN_HTTPS.match(url)
    if plain is not None:  # the usual shape, which urlsplit would read the same way: no port, no user
        return not plain.group(1).isdigit()
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError on a malformed port
    except ValueError:
        return False
    if parts.username is not None or parts.password is not None or port == 0 or parts.netloc.endswith(":"):
        return False
    labels = parts.netloc.rsplit(":", 1)[0].split(".") if port is not None else parts.netloc.split(".")
    return (len(labels) >= 2 and all(_LABEL.match(label) for label in labels)
            and not labels[-1].isdigit())


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


@functools.lru_cache(maxsize=32768)
def to_html(text: str) -> str:
    """What a page shows for one Markdown field: rendered, then sanitised. Cached: the product
    guidance repeats on every reference page, and while serving, the fields of unchanged entries
    are not rendered again."""
    return sanitize(render(text))


# --- plain-text fields ---------------------------------------------------------------------------

# Every element name of HTML (current and obsolete) and the roots of SVG and MathML, the names a
# browser acts on outside an <svg> or <math>. A plain-text field (a title, an alias, the advice) is
# escaped wherever errdict shows it, but other tools read the JSON API too: none of these may appear
# in one as a tag. TwiML element names such as <Dial>, <Say>, <Stop> or <Config>, which official
# titles quote, are not HTML and stay allowed (unless they carry attributes).
HTML_ELEMENTS = frozenset("""
a abbr acronym address applet area article aside audio b base basefont bdi bdo bgsound big blink blockquote body
br button canvas caption center cite code col colgroup data datalist dd del details dfn dialog dir div dl dt em
embed fieldset figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i
iframe image img input ins isindex kbd keygen label legend li link listing main map mark marquee menu menuitem
meta meter multicol nav nextid nobr noembed noframes noscript object ol optgroup option output p param picture
plaintext portal pre progress q rb rp rt rtc ruby s samp script search section select slot small source spacer
span strike strong style sub summary sup table tbody td template textarea tfoot th thead time title tr track tt
u ul var video wbr xmp svg math
""".split())  # noqa: SIM905

_PLAIN_TAG = re.compile(r"<(?:([!?])|(/?)([A-Za-z][A-Za-z0-9:._-]*+))([^<>]*+)")


def plain_text_problem(text: str) -> str | None:
    """Why a plain-text field would be markup if a tool put it into HTML unescaped: a comment, a
    declaration or processing instruction, an HTML element (open, closed or unterminated), or any
    tag with attributes. None when it holds none of them."""
    if "<" not in text:
        return None
    for match in _PLAIN_TAG.finditer(text):
        found = match.group(0)[:40]
        if match.group(1):
            return f"raw HTML is not allowed (found {found!r}); this field is plain text: describe it in words"
        name, rest = match.group(3).lower(), match.group(4)
        if name in HTML_ELEMENTS or rest.strip(" /"):
            return f"raw HTML is not allowed (found {found!r}); this field is plain text: describe it in words"
    return None


# --- the pre-filter --------------------------------------------------------------------------------

# Markdown makes a tag outside the allow-list, a link, an image or an entity only from one of these
# characters (raw HTML and autolinks, entities, links, images and reference definitions, ATX
# headings, code spans and the escapes that change how the rest reads), or from a line made of
# -, *, _ or = and spaces (a setext heading's underline, a horizontal rule), perhaps after list or
# quote markers ("- ---", "1. ***", "> ---"). Any line of those characters, digits, dots, + and > is
# rendered: a little more than needed, in one linear pass. Without a [ an ! makes no image, and
# without a < a > closes no tag: alone they make text or a quote, both allowed.
_MARKUP_CHARS = re.compile(r"[<&\[\]#`\\]")
_RULE_CHARS = " +0123456789.>-*_="
_LIST_CHARS = " +0123456789.>"
# Two inline forms that hold such characters and still render to allowed HTML only: a code span
# between single backticks on one line (its text shown literally, whatever it holds), and an inline
# link of plain words to a plain https URL (checked with is_https_url, as the sanitiser checks it).
_SAFE_INLINE = re.compile(  # (each form starts with its literal character, so the search skips ahead to it)
    r"`(?<![`\\]`)[^`\\\n]+`(?!`)"
    r"|\[(?<![!\\\[\]]\[)[A-Za-z0-9 ,.'-]+\]\((https://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~/%-]*)?)\)(?![(\[])")


def _drop_safe(match: re.Match[str]) -> str:
    url = match.group(1)
    return "" if url is None or is_https_url(url) else match.group(0)


def _has_rule_line(text: str) -> bool:
    """Whether a line is made of -, *, _ or = and the characters of list and quote markers only."""
    return any(not line.strip(_RULE_CHARS) and line.strip(_LIST_CHARS) for line in text.split("\n"))


def may_hold_markup(text: str) -> bool:
    """False only when the text cannot render to anything the sanitiser would change: it is made of
    printable characters and newlines, holds none of the characters above outside the two safe
    inline forms, and no rule line. Anything else (a tab, a carriage return, which Markdown reads as
    a line break, a control character) is rendered and judged on the result."""
    if not text.replace("\n", "").isprintable():
        return True
    if _has_rule_line(text):
        return True
    if not _MARKUP_CHARS.search(text):
        return False
    return _MARKUP_CHARS.search(_SAFE_INLINE.sub(_drop_safe, text)) is not None


def none_may_hold_markup(texts: list[str]) -> bool:
    """True when no text of the list can need rendering or break a limit, judged on all of them
    joined by newlines in one pass: no check of may_hold_markup or complexity_problem reads across
    a line break, and every limit a part breaks the whole breaks too. False means: ask text by text."""
    if not texts:
        return True
    joined = "\n".join(texts)
    return complexity_problem(joined) is None and not may_hold_markup(joined)


# --- the limits, then the rendered HTML judged -------------------------------------------------------

# Python-Markdown reads some constructs in time that grows with the square of their number (an
# opening bracket looks ahead for its link, a tag for its end), and nests a block for each list marker
# or quote marker it meets, recursively. Fields beyond these limits are refused before rendering, so
# that neither `check` nor the site build can be made to take minutes or to overflow the stack;
# the real catalog stays far below them (at most 1,123 characters, 2 brackets, 9 tags and 1 level of
# nesting in a field). The worst field within them renders in well under a second.
MAX_MARKDOWN_CHARS = 20_000
MAX_LINES = 400
MAX_BRACKETS = 100
MAX_ANGLE_BRACKETS = 400
MAX_NESTING = 8
_NESTED_MARKERS = re.compile(rf"^[ ]*+(?:(?:[-*+]|[0-9]{{1,9}}+[.)])[ ]++|>[ ]?+){{{MAX_NESTING + 1}}}", re.M)
_DEEP_INDENT = re.compile(rf"^[ ]{{{4 * MAX_NESTING + 1}}}", re.M)
_INDENT = " " * (4 * MAX_NESTING + 1)
_MARKER_STARTS = frozenset("-*+>0123456789")


def _nests_markers(text: str) -> bool:
    """Whether a line starts with more than MAX_NESTING list or quote markers (only lines that
    start with a marker character are matched against the pattern)."""
    return any(line.lstrip(" ")[:1] in _MARKER_STARTS and _NESTED_MARKERS.match(line) for line in text.split("\n"))


def complexity_problem(text: str) -> str | None:
    """Why a Markdown field is too intricate to render (None when it is within the limits above)."""
    if len(text) > MAX_MARKDOWN_CHARS:
        return f"is {len(text):,} characters long; a Markdown field may be at most {MAX_MARKDOWN_CHARS:,}"
    lines = text.count("\n") + 1
    if lines > MAX_LINES:
        return f"has {lines:,} lines; a Markdown field may have at most {MAX_LINES}"
    brackets = text.count("[")
    if brackets > MAX_BRACKETS:
        return (f"holds {brackets:,} '[' characters; a field may hold at most {MAX_BRACKETS} "
                "(links and brackets take the renderer time that grows with their square)")
    angles = text.count("<")
    if angles > MAX_ANGLE_BRACKETS:
        return (f"holds {angles:,} '<' characters; a field may hold at most {MAX_ANGLE_BRACKETS} "
                "(tags take the renderer time that grows with their square)")
    if (_INDENT in text and _DEEP_INDENT.search(text)) or _nests_markers(text):
        return (f"nests lists or quotes more than {MAX_NESTING} levels deep (list markers or > at the start "
                f"of a line, or more than {4 * MAX_NESTING} spaces of indentation)")
    return None


def problem(text: str) -> str | None:
    """Why the field's rendered HTML is not safe as it is (None when the sanitiser keeps it whole).
    Never raises: a field the renderer cannot handle is a problem like any other."""
    too_intricate = complexity_problem(text)  # first: the site renders every field, filtered or not
    if too_intricate:
        return too_intricate
    if not may_hold_markup(text):
        return None
    try:
        rendered = render(text)
    except RecursionError:
        return (f"nests Markdown too deeply for the renderer (lists, quotes or emphasis inside each other); "
                f"keep it to at most {MAX_NESTING} levels")
    cleaned = sanitize(rendered)
    rendered_tokens = _tokens(rendered)
    if cleaned != rendered and _tokens(cleaned) != rendered_tokens:
        return _describe_difference(rendered_tokens)
    if not "".join(value for kind, value, _ in rendered_tokens if kind == "data").strip():
        return "must not be blank (it renders to nothing visible)"
    return None


_ADVICE = "describe it in words, or put literal code in `backticks`"


def _describe_difference(tokens: list[tuple[str, str, tuple[tuple[str, str | None], ...]]]) -> str:
    """What the sanitiser removed, in words: the first tag, attribute, link or comment it did not allow."""
    for kind, name, attributes in tokens:
        if kind == "comment":
            return f"raw HTML is not allowed (the rendered HTML holds an HTML comment); {_ADVICE}"
        if kind == "declaration":
            return f"raw HTML is not allowed (the rendered HTML holds <{name[:40]}>); {_ADVICE}"
        if kind != "start":
            continue
        if name == "img":
            return "images are not allowed in an entry; link to the picture instead"
        if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            return (f"headings are not allowed in an entry field (the rendered HTML holds <{name}>: a line "
                    "starting with #, or a line of = or - under text, makes one)")
        if name == "hr":
            return "horizontal rules are not allowed in an entry field (a line of ---, *** or ___ makes one)"
        if name not in ALLOWED_TAGS:
            return f"raw HTML is not allowed (the rendered HTML holds <{name[:40]}>); {_ADVICE}"
        allowed = ALLOWED_ATTRIBUTES.get(name, frozenset())
        for attribute, value in attributes:
            if attribute not in allowed:
                return (f"raw HTML is not allowed (the rendered HTML holds the attribute {attribute[:40]!r} "
                        f"on <{name}>); {_ADVICE}")
            if name == "a" and attribute == "href" and not is_https_url(value or ""):
                return f"links must be https:// URLs with a host name (found {(value or '')[:60]!r})"
    return f"raw HTML is not allowed (the sanitiser would change the tags of the rendered HTML); {_ADVICE}"


class _Tokenizer(HTMLParser):
    """A fragment as a list of (kind, name or text, attributes): start tags (void and self-closed
    alike), end tags, text with character references decoded, comments and declarations."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[tuple[str, str, tuple[tuple[str, str | None], ...]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append(("start", tag, tuple(sorted(attrs))))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        self.tokens.append(("end", tag, ()))

    def handle_data(self, data: str) -> None:
        if self.tokens and self.tokens[-1][0] == "data":
            data = self.tokens.pop()[1] + data
        self.tokens.append(("data", data, ()))

    def handle_comment(self, data: str) -> None:
        self.tokens.append(("comment", data, ()))

    def handle_decl(self, decl: str) -> None:
        self.tokens.append(("declaration", "!" + decl, ()))

    def handle_pi(self, data: str) -> None:
        self.tokens.append(("declaration", "?" + data.rstrip("?"), ()))

    def unknown_decl(self, data: str) -> None:
        self.tokens.append(("declaration", "![" + data, ()))


def _tokens(fragment: str) -> list[tuple[str, str, tuple[tuple[str, str | None], ...]]]:
    """The fragment as tokens: two fragments that differ only in how a serialiser spells the same
    characters (``&quot;`` or ``"``, ``&nbsp;`` or U+00A0, ``&copy;`` or ©, ``<br />`` or ``<br>``)
    give the same tokens; any difference in tags, attributes or text does not."""
    parser = _Tokenizer()
    parser.feed(fragment)
    parser.close()
    return parser.tokens
