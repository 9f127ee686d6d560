"""Unit tests of the help site's page rendering (generator.sitepages): escaping, code pages,
redirects, the JSON API and the entry-format page. No MkDocs build here; see test_site_build.py."""
from __future__ import annotations

import copy
import html
import json
import re
from html.parser import HTMLParser

import jsonschema
import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import catalog, sitepages, validate


def render_md(text: str) -> str:
    """Python-Markdown with the extensions the site enables (mkdocs adds toc, tables, fenced_code)."""
    return markdown.markdown(text, extensions=["admonition", "toc", "tables", "fenced_code"])


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse_html(fragment: str) -> _Collect:
    parser = _Collect()
    parser.feed(fragment)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def real() -> catalog.Catalog:
    loaded = catalog.load_catalog()
    assert loaded.ok, loaded.problems[:3]
    return loaded


@pytest.fixture(scope="module")
def code_template():
    return sitepages.template_env().get_template("code.md.j2")


def sample_entry(**changes) -> dict:
    entry = catalog.normalize({
        "code": 21610, "title": "Attempt to send to unsubscribed recipient", "level": "error",
        "product": "messaging", "status": "active", "summary": "The recipient has unsubscribed.",
        "description": "Some *Markdown* text.", "causes": ["A cause."], "solutions": ["A fix."],
        "retry": "never", "action": "stop-messaging", "updated": "2026-11-27",
    })
    entry.update(changes)
    return entry


# --- escaping -------------------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80))
def test_md_text_renders_any_text_literally(text):
    normalized = " ".join(text.split())
    if not normalized:
        return
    rendered = render_md(sitepages.md_text(normalized))
    parsed = parse_html(rendered)
    # One paragraph (or a heading-free block) and no element Markdown or HTML could have added.
    assert {tag for tag, _ in parsed.tags} <= {"p"}, rendered
    assert "".join(parsed.text).strip() == normalized.strip()


@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[click](javascript:alert(1))",
    "**bold** _em_ `code`", "# heading", "1. list", "- item", "> quote", "{: onclick=alert(1) }",
    "a & b &amp; c &lt;", "<https://example.com>", "![img](https://example.com/x.png)",
])
def test_md_text_neutralizes_markup(hostile):
    rendered = render_md(sitepages.md_text(hostile))
    parsed = parse_html(rendered)
    assert [tag for tag, _ in parsed.tags] == ["p"], rendered
    assert "".join(parsed.text) == hostile


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_html_attr_round_trips_inside_an_attribute(text):
    parsed = parse_html(f'<a title="{sitepages.html_attr(text)}">x</a>')
    assert parsed.tags == [("a", {"title": text})]


def test_hostile_title_and_summary_cannot_inject_into_the_code_page(code_template):
    hostile = sample_entry(title='<script>alert("t")</script> & "quotes"',
                           summary='Ends "here" <b onmouseover=x>now</b>.',
                           aliases=['<img src=x onerror=alert(1)>', "*not emphasis*"])
    page = sitepages.code_page_markdown(code_template, hostile, {}, "https://example.com/edit")
    front, body = page.split("\n---\n", 1)
    meta = json.loads(re.search(r'^title: (.*)$', front, re.M).group(1))
    assert meta == "21610: &lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;"
    description = json.loads(re.search(r'^description: (.*)$', front, re.M).group(1))
    assert "<" not in description and '"' not in description
    rendered = render_md(body)
    parsed = parse_html(rendered)
    tags = {tag for tag, _ in parsed.tags}
    assert not tags & {"script", "img", "b"}
    assert not any(name.startswith("on") for _, attrs in parsed.tags for name in attrs)
    assert '<script>alert("t")</script> & "quotes"' in "".join(parsed.text)
    assert "*not emphasis*" in "".join(parsed.text)
    assert not sitepages.unsafe_urls(rendered)


# --- code pages -----------------------------------------------------------------------------------

def test_code_page_has_every_part(real, code_template):
    by_code = real.by_code()
    entry = by_code[21610]
    page = sitepages.code_page_markdown(code_template, entry, by_code,
                                        sitepages.edit_url("https://github.com/errdict/errdict", "main", 21610))
    rendered = render_md(page.split("\n---\n", 1)[1])
    assert "<h1" in rendered and "21610: Attempt to send to unsubscribed recipient</h1>" in rendered
    for heading in ("Description", "Possible causes", "Possible solutions", "What an automated sender should do",
                    "Related codes", "External links"):
        assert f">{heading}</h2>" in rendered
    for cause in entry["causes"]:
        assert html.escape(cause.split(",")[0], quote=False) in rendered
    assert rendered.count("<li>") >= len(entry["causes"]) + len(entry["solutions"])
    assert "Never retry" in rendered and "Stop messaging the recipient" in rendered
    assert 'href="https://github.com/errdict/errdict/edit/main/codes/21610.yaml"' in rendered
    for other in entry["related"]:
        assert f'href="../{other}/"' in rendered
    assert 'href="../../api/codes/21610.json"' in rendered
    assert f'datetime="{entry["updated"]}"' in rendered
    assert "User replied STOP (opt-out)" in rendered


def test_deprecated_code_page_has_banner_and_link_to_replacement(code_template):
    replacement = sample_entry(code=30005, title="Unknown destination handset")
    old = sample_entry(code=12345, status="deprecated", replaced_by=30005)
    page = sitepages.code_page_markdown(code_template, old, {30005: replacement, 12345: old}, "https://x/e")
    rendered = render_md(page.split("\n---\n", 1)[1])
    assert 'class="admonition warning"' in rendered
    assert "Deprecated code" in rendered
    assert '<a href="30005.md">30005: Unknown destination handset</a>' in rendered


def test_active_code_page_has_no_banner(code_template):
    page = sitepages.code_page_markdown(code_template, sample_entry(), {}, "https://x/e")
    assert "!!!" not in page


def test_code_page_meta_escapes_and_marks_the_page():
    meta = sitepages.code_page_meta(sample_entry(summary='Say "hi" & <go>.'))
    assert meta["description"] == "Say &quot;hi&quot; &amp; &lt;go&gt;."
    assert meta["errdict_code"] == 21610
    assert meta["hide"] == ["navigation", "toc"]


def test_front_matter_is_yaml_that_reads_back():
    import yaml

    meta = {"title": "a: b # c", "description": "it's \"quoted\"\nnewline", "search": {"boost": 2}}
    text = sitepages.front_matter(meta)
    assert yaml.safe_load(text.strip().strip("-")) == meta


# --- tables ---------------------------------------------------------------------------------------

def test_code_table_lists_rows_with_filter_data_and_escapes_titles():
    entries = [sample_entry(code=100, title="<b>bold</b>", level="warning", product="voice"),
               sample_entry(code=200, status="removed")]
    table = sitepages.code_table_html(entries, "../")
    parsed = parse_html(table)
    rows = [attrs for tag, attrs in parsed.tags if tag == "tr" and "data-level" in attrs]
    assert rows == [{"data-level": "warning", "data-product": "voice"},
                    {"data-level": "error", "data-product": "messaging"}]
    assert "b" not in {tag for tag, _ in parsed.tags}
    assert "<b>bold</b>" in "".join(parsed.text)
    assert 'href="../codes/100/"' in table and 'href="../products/voice/"' in table
    assert "Removed" in table
    assert "data-search-exclude" in table


# --- redirects and JSON ---------------------------------------------------------------------------

def test_redirect_page_points_at_target_three_ways():
    page = sitepages.redirect_html("../codes/21610/", "https://errdict.github.io/errdict/codes/21610/")
    parsed = parse_html(page)
    metas = [attrs for tag, attrs in parsed.tags if tag == "meta"]
    assert {"http-equiv": "refresh", "content": "0; url=../codes/21610/"} in metas
    assert ("link", {"rel": "canonical", "href": "https://errdict.github.io/errdict/codes/21610/"}) in parsed.tags
    assert 'location.replace("../codes/21610/" + location.hash)' in page


def test_redirect_page_escapes_its_target():
    page = sitepages.redirect_html('x"><script>', 'https://e/"><script>')
    assert "<script>location.replace" in page
    assert page.count("<script") == 1


@pytest.mark.parametrize("status,replaced_by,expected", [
    ("active", None, 111), ("deprecated", 222, 222), ("removed", 333, 333), ("removed", None, 111),
])
def test_short_link_target(status, replaced_by, expected):
    assert sitepages.short_link_target(sample_entry(code=111, status=status, replaced_by=replaced_by)) == expected


def test_every_api_entry_is_valid_against_the_schema(real):
    validator = jsonschema.Draft202012Validator(validate.load_schema())
    for entry in real.entries:
        served = sitepages.api_entry(entry)
        assert list(validator.iter_errors(served)) == [], entry["code"]
        assert "replaced_by" not in served or served["replaced_by"]


def test_api_entry_drops_only_empty_optional_fields():
    entry = sample_entry(advice=None, aliases=[])
    served = sitepages.api_entry(entry)
    assert "advice" not in served and "replaced_by" not in served
    assert served["aliases"] == [] and served["code"] == 21610


def test_codes_json_holds_everything(real):
    data = json.loads(sitepages.codes_json(real.entries, 1, "2026-11-27T00:00:00Z",
                                           "https://errdict.github.io/errdict/"))
    assert data["schema_version"] == 1
    assert data["built"] == "2026-11-27T00:00:00Z"
    assert data["schema"] == validate.load_schema()["$id"]
    assert data["count"] == len(real.entries) == len(data["codes"])
    assert [c["code"] for c in data["codes"]] == sorted(e["code"] for e in real.entries)


def test_code_list_json_has_codes_and_moves():
    entries = [sample_entry(code=100), sample_entry(code=200, status="removed", replaced_by=100)]
    assert json.loads(sitepages.code_list_json(entries)) == {"codes": [100, 200], "moved": {"200": 100}}


# --- entry-format page ----------------------------------------------------------------------------

def test_schema_page_documents_every_field_and_vocabulary():
    schema = validate.load_schema()
    fields = sitepages.schema_fields(schema)
    assert [f["name"] for f in fields] == list(schema["properties"])
    by_name = {f["name"]: f for f in fields}
    assert by_name["code"]["required"] and not by_name["advice"]["required"]
    assert by_name["product"]["vocabulary"][0] == {
        "value": "messaging", "title": "Messaging",
        "description": schema["properties"]["product"]["enumDescriptions"][0]}
    assert by_name["level"]["vocabulary"][1]["title"] is None
    assert by_name["links"]["type"] == "list of mappings"

    env = sitepages.template_env()
    rendered = render_md(env.get_template("schema.md.j2").render(schema=schema, fields=fields).split("\n---\n", 1)[1])
    for name, spec in schema["properties"].items():
        assert f'id="field-{name}"' in rendered
        assert html.escape(spec["description"], quote=False) in rendered
        for note in spec.get("enumDescriptions", []):
            assert html.escape(note, quote=False) in rendered
        for title in spec.get("x-enumTitles", []):
            assert f"<td>{html.escape(title, quote=False)}</td>" in rendered


def test_schema_page_follows_a_changed_schema():
    schema = copy.deepcopy(validate.load_schema())
    schema["properties"]["level"]["enumDescriptions"][0] = "A brand-new explanation."
    schema["properties"]["newfield"] = {"description": "Added later.", "type": "string"}
    fields = sitepages.schema_fields(schema)
    rendered = sitepages.template_env().get_template("schema.md.j2").render(schema=schema, fields=fields)
    assert "A brand-new explanation." in rendered and 'id="field-newfield"' in rendered


# --- checks on rendered HTML ----------------------------------------------------------------------

@pytest.mark.parametrize("fragment,bad", [
    ('<a href="https://ok.example/">x</a> <a href="../30004/">y</a> <a href="#causes">z</a>', False),
    ('<a href="http://insecure.example/">x</a>', True),
    ('<a href="javascript:alert(1)">x</a>', True),
    ("<a href='JaVaScRiPt:alert(1)'>x</a>", True),
    ('<a href="&#106;avascript:alert(1)">x</a>', True),
    ('<img src="data:image/png;base64,AAAA">', True),
    ('<p onclick="x()">x</p>', True),
    ('<p>onclick="x()" as text</p>', False),
])
def test_unsafe_urls(fragment, bad):
    assert bool(sitepages.unsafe_urls(fragment)) is bad


def test_collapse_whitespace_keeps_pre_and_text():
    page = "<div>\n    <p>a\n   b</p>\n\n  <pre><code>  x\n\n    y\n</code></pre>\n   <textarea>\n  t</textarea>"
    out = sitepages.collapse_whitespace(page)
    assert out == "<div>\n<p>a\nb</p>\n<pre><code>  x\n\n    y\n</code></pre>\n<textarea>\n  t</textarea>"
