"""generator.markup: Markdown fields judged on the HTML the renderer makes, the pre-filter that skips
rendering proven by property, the plain-text rule, https URLs, and the limits that keep rendering fast.

The validator's own messages for these are in test_validator.py; here the functions are tested
directly, over many more inputs than entries could carry."""
from __future__ import annotations

import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st
from thorough import examples

from generator import markup

REPO = Path(__file__).resolve().parent.parent


def kept_whole(text: str) -> bool:
    """What the pre-filter promises for a text it passes: the sanitiser changes nothing in its HTML."""
    rendered = markup.render(text)
    return markup._tokens(rendered) == markup._tokens(markup.sanitize(rendered))


# Pieces a hostile contributor would put together: Markdown syntax that reads differently in a
# pattern and in the renderer, HTML, entities, URL schemes, the two inline forms the filter accepts
# (code spans, plain https links), line structure, and characters that are not plain text.
_HOSTILE = st.sampled_from([
    "`", "``", "\\", "[", "]", "(", ")", "![", "](", "]:", "<", ">", "&", "#", "*", "**", "_", "__", "-", "=", "+", "!",
    "\n", "\n\n", "    ", " ", "  \n", "\r", "\t", "\x00", "\x02", "\x03", "\u00a0", "\u2028", "\u200b", "é", "\u0301",
    "1. ", "- ", "+ ", "* ", "> ", "---", "***", "___", "===", "\n---\n", "\n===\n", "\n> ---", "\n- ---",
    "https://", "https:///x", "http://", "javascript:", "data:", "vbscript:", "example.org", "e.org/a_b", "@",
    "x", "word", "Word", "&lt;", "&#106;", "&copy;", "&nbsp;", "<script>", "</script>", "<b>", "</p>", "<!--", "-->",
    "<div>", "<?php", "<![CDATA[", "<https://e.org>", "<a@b.org>", "<em onclick=x>",
    "`code`", "`<script>`", "`&`", "`[x](javascript:y)`", "[text](https://example.org/path)", "[t](https://e.org)",
    "[x](https://e.org/(a))", "[x](https:///e.org)", "[x](http://e.org)", "[x][1]", "[1]: ", '"', "'",
])
HOSTILE_TEXT = st.lists(_HOSTILE | st.text(max_size=3), max_size=14).map("".join)


@settings(max_examples=examples(1500), deadline=None)
@given(HOSTILE_TEXT | st.text(max_size=40))
@example("+    ---")       # a rule inside a list item: <hr>
@example("a\r---")         # a carriage return is a line break to Markdown: a setext heading
@example("> ---")          # a rule inside a quote
@example("`<div>` and `<script>` are literal")
@example("See [the guide](https://www.example.org/guide).")
def test_pre_filter_property_what_it_skips_renders_to_html_the_sanitiser_keeps(text):
    if not markup.may_hold_markup(text):
        assert kept_whole(text), text


@settings(max_examples=examples(800), deadline=None)
@given(HOSTILE_TEXT)
def test_verdict_is_the_sanitisers_verdict(text):
    """problem() accepts a text exactly when its rendered HTML survives the sanitiser (and shows
    something), whatever the pre-filter or the limits decide first."""
    verdict = markup.problem(text)
    if markup.complexity_problem(text) is None:
        rendered = markup.render(text)
        survives = markup._tokens(rendered) == markup._tokens(markup.sanitize(rendered))
        if not survives:
            assert verdict is not None
        elif verdict is not None:
            assert verdict == "must not be blank (it renders to nothing visible)"


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    def handle_comment(self, data):
        self.found.append(("<!--", {}))


@settings(max_examples=examples(800), deadline=None)
@given(HOSTILE_TEXT)
def test_the_page_never_holds_markup_outside_the_allow_list(text):
    """Even for text the validator rejects, what a page would show (to_html) holds only allowed
    tags and attributes, and links only to https URLs with a host."""
    parser = _Tags()
    parser.feed(markup.to_html(text))
    parser.close()
    for tag, attrs in parser.found:
        assert tag in markup.ALLOWED_TAGS, (text, tag)
        assert set(attrs) <= markup.ALLOWED_ATTRIBUTES.get(tag, frozenset()), (text, tag, attrs)
        if "href" in attrs:
            assert markup.is_https_url(attrs["href"] or ""), (text, attrs)


def test_allowed_markup_reaches_the_page_as_it_was_rendered():
    text = "Check *the* `To` number, see [the guide](https://example.org/guide).\n\n- one\n- two"
    assert markup.to_html(text) == markup.render(text) == (
        '<p>Check <em>the</em> <code>To</code> number, see <a href="https://example.org/guide">the guide</a>.</p>\n'
        "<ul>\n<li>one</li>\n<li>two</li>\n</ul>")


def _markdown_fields() -> list[str]:
    texts = []
    for path in sorted((REPO / "codes").glob("*.yaml")):
        data = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
        for name in ("description", "causes", "solutions", "lc_app", "own_integration", "escalation"):
            value = data.get(name)
            texts.extend(value if isinstance(value, list) else [value] if isinstance(value, str) else [])
    return texts


@pytest.mark.slow
def test_pre_filter_holds_for_every_markdown_field_of_the_real_catalog():
    texts = _markdown_fields()
    skipped = [text for text in texts if not markup.may_hold_markup(text)]
    assert len(texts) > 1000 and len(skipped) > 0.9 * len(texts)  # the filter earns its keep
    assert [text for text in skipped if not kept_whole(text)] == []


@pytest.mark.parametrize("text", [
    "Use the `<Say>` element.", "Plain prose, with commas; and 20% off!", "A list:\n\n- one\n- two",
    "Call [the support line](https://example.org/support) today.", "Press `Ctrl+C` then `[Enter]`.",
    "Open Settings > Phone Numbers > Manage Number.", "> A quote that says so!",
])
def test_pre_filter_skips_prose_code_spans_and_plain_links(text):
    assert not markup.may_hold_markup(text)
    assert markup.problem(text) is None


@pytest.mark.parametrize("text", [
    "[x](http://example.org)", "[x](https:///example.org)", "![x](https://example.org/p.png)", "``a``",
    "\\`x`", "a & b", "#1 cause", "a\n---", "text\n\n- ---", "> ---", "a\rb", "tab\there", "`a\nb`", "[a][b]",
    "[x](https://example.org \"title\")", "<b>x</b>", "![x]",
])
def test_pre_filter_renders_everything_else(text):
    assert markup.may_hold_markup(text)


# --- the limits that keep rendering fast ------------------------------------------------------------

@pytest.mark.parametrize("unit", ["[", "[a", "![", "[a](", "[](", "<a", '<a href="', "=\n", "---\n", "_*", "\\`",
                                  "&lt;", "1. ", "> ", "  - "])
def test_pathological_markdown_is_judged_quickly(unit):
    """Each construct Python-Markdown reads in super-linear time or recursively, repeated to fill an
    entry file: refused by the limits or rendered, in well under a second either way (unguarded,
    20,000 '[' took 57 s and 1,333 nested list markers raised RecursionError)."""
    text = unit * (60_000 // len(unit))
    started = time.perf_counter()
    verdict = markup.problem(text)
    assert time.perf_counter() - started < 2
    assert verdict is not None
    near_limit = unit * ((markup.MAX_MARKDOWN_CHARS - 10) // len(unit))
    started = time.perf_counter()
    markup.problem(near_limit)
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize(("text", "message"), [
    ("x" * 20_001, "is 20,001 characters long; a Markdown field may be at most 20,000"),
    ("a\n" * 401, "has 402 lines; a Markdown field may have at most 400"),
    ("[a] " * 101, "holds 101 '[' characters; a field may hold at most 100 (links and brackets take the renderer "
                   "time that grows with their square)"),
    ("<b " * 401, "holds 401 '<' characters; a field may hold at most 400 (tags take the renderer time that grows "
                  "with their square)"),
    ("1. " * 9 + "x", "nests lists or quotes more than 8 levels deep (list markers or > at the start of a line, or "
                      "more than 32 spaces of indentation)"),
    ("> " * 9 + "x", "nests lists or quotes more than 8 levels deep (list markers or > at the start of a line, or "
                     "more than 32 spaces of indentation)"),
    ("- a\n" + " " * 33 + "- b", "nests lists or quotes more than 8 levels deep (list markers or > at the start of "
                                 "a line, or more than 32 spaces of indentation)"),
])
def test_complexity_limits_have_their_messages(text, message):
    assert markup.complexity_problem(text) == message
    assert markup.problem(text) == message


def test_within_the_limits_nesting_renders():
    text = "1. " * 8 + "x\n\n" + "> " * 8 + "quoted"
    assert markup.complexity_problem(text) is None
    assert markup.problem(text) is None


def test_a_recursion_error_in_the_renderer_is_a_problem(monkeypatch):
    def explode(text):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(markup, "render", explode)
    assert markup.problem("a <b>x</b>") == ("nests Markdown too deeply for the renderer (lists, quotes or emphasis "
                                            "inside each other); keep it to at most 8 levels")


@pytest.mark.parametrize("unit", ["[", "`", "- ", "<a", "\\", "*_"])
def test_pre_filter_is_linear(unit):
    small, large = unit * 2_000, unit * 32_000
    started = time.perf_counter()
    markup.may_hold_markup(small)
    small_s = time.perf_counter() - started
    started = time.perf_counter()
    markup.may_hold_markup(large)
    large_s = time.perf_counter() - started
    assert large_s < max(0.05, 40 * small_s)


# --- plain-text fields -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "found"), [
    ("Bold <b>x</b>", "<b"), ("<script>alert(1)</script>", "<script"), ("<SCRIPT>", "<SCRIPT"),
    ("x <img src=x onerror=alert(1)", "<img src=x onerror=alert(1)"), ("<svg/onload=alert(1)>", "<svg/onload=alert(1)"),
    ("<iframe srcdoc=x>", "<iframe srcdoc=x"), ("<math>", "<math"), ("<form>", "<form"), ("</textarea", "</textarea"),
    ("<Dial onclick=alert(1)>", "<Dial onclick=alert(1)"), ("<x y=1>", "<x y=1"), ("<!-- c -->", "<!-- c --"),
    ("<!DOCTYPE html>", "<!DOCTYPE html"), ("<?xml version=1?>", "<?xml version=1?"), ("<Body>", "<Body"),
])
def test_plain_text_markup_is_found(text, found):
    assert markup.plain_text_problem(text) == (f"raw HTML is not allowed (found {found!r}); this field is plain "
                                              "text: describe it in words")


@pytest.mark.parametrize("text", ["SIP: Invalid <Dial><Sip>", "Unsupported <Config> attribute(s) in TwiML",
                                  "`<Pay>` verb", "a < b > c", "<3", "x <> y", "AT&T &amp; &lt;script&gt;", ""])
def test_plain_text_without_markup_passes(text):
    assert markup.plain_text_problem(text) is None


# --- URLs -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["https://example.org", "https://example.org/", "https://www.example.org:8443/a?b=c#d",
                                 "https://xn--bcher-kva.example/", "https://a-b.c.example.co.uk/x_y~z%20"])
def test_https_urls_with_a_host(url):
    assert markup.is_https_url(url)


@pytest.mark.parametrize("url", [
    "http://example.org/", "https:///example.org", "https://", "https://localhost/", "https://127.0.0.1/",
    "https://[::1]/", "https://user@example.org/", "https://a:b@example.org/", "https://example.org:0/",
    "https://example.org:99999/", "https://example.org:/", "https://example.org:x/", "https://exa mple.org/",
    "https://example.org/a b", "https://example.org/\"", "https://example.org\\@evil.example/",
    "https://b\u00fccher.example/", "https://-a.example/", "https://a-.example/", "https://example..org/",
    "https://example.org./", "https://%65xample.org/", "https://example.org/\n", "javascript:alert(1)",
    "data:text/html,x", "vbscript:x", "//example.org/", "/relative", "HTTPS://EXAMPLE.ORG/", "https://ex_ample.org/",
    "https://example.org/`", "https://example.org/<",
])
def test_malformed_or_other_urls(url):
    assert not markup.is_https_url(url)


@settings(max_examples=examples(500), deadline=None)
@given(st.text(max_size=40))
def test_is_https_url_never_raises_and_accepts_only_https(tail):
    if markup.is_https_url("https://" + tail):
        assert tail.isascii() and not any(c.isspace() for c in tail)
    assert not markup.is_https_url("http://" + tail)


_URL_PARTS = st.sampled_from(["a", "b1", "-", ".", "..", "x-y", "9", "12", "org", ":", ":443", ":0", ":99999", "@",
                              "/", "?", "#", "%41", "A", "[", "]", "\\", " ", "\u00e9", "_", "~"])


@settings(max_examples=examples(1500), deadline=None)
@given(st.lists(_URL_PARTS, max_size=10).map(lambda parts: "https://" + "".join(parts)))
def test_is_https_url_quick_path_agrees_with_urlsplit(url):
    """is_https_url decides the usual URL shape with one pattern and the rest with urlsplit: the two
    must agree wherever the pattern decides."""
    import re

    quick = markup.is_https_url(url)
    saved = markup._PLAIN_HTTPS
    markup._PLAIN_HTTPS = re.compile(r"(?!)")  # never matches: every URL goes through urlsplit
    try:
        assert quick == markup.is_https_url(url), url
    finally:
        markup._PLAIN_HTTPS = saved
