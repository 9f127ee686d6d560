"""Unit tests of the help site's generated pages and files (generator.pages, generator.sitedata,
generator.tree.site_files): escaping, code and reference pages, tables, redirects, the JSON and CSV
API and the entry-format page. No MkDocs build here; see test_site_build.py."""
from __future__ import annotations

import copy
import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import markdown
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from thorough import examples

import errdict
from entries import compiled_catalog, entry_text, real_catalog, reference_text
from generator import catalog, pages, schema, sitedata, tree

SITE = pages.SiteInfo("https://errdict.example/", "https://github.com/errdict/errdict", "main", ())


def render_md(text: str) -> str:
    """Python-Markdown with the extensions the site enables (MkDocs adds toc and tables itself)."""
    return markdown.markdown(text, extensions=["admonition", "toc", "tables"])


class _Collect(HTMLParser):
    def __init__(self) -> None:
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
    loaded = real_catalog()  # read once per session, shared with the other modules
    assert loaded.ok, loaded.problems[:3]
    return loaded


def split_page(page: str) -> tuple[dict, str]:
    assert page.startswith("---\n")
    front, body = page[4:].split("\n---\n", 1)
    return yaml.safe_load(front), body


def sample_entry(**changes) -> dict:
    entry = catalog.normalize(yaml.safe_load(entry_text(21610, related=30004)))
    entry.update(changes)
    return entry


def code_page(entry: dict, by_code: dict | None = None) -> str:
    by_code = by_code if by_code is not None else {entry["code"]: entry}
    same = [e for e in by_code.values() if e["product"] == entry["product"]] or [entry]
    return pages.code_page(pages.template_env(), entry, by_code, sorted(same, key=lambda e: e["code"]),
                           {"messaging": "- Check the message log."}, SITE)


# --- escaping -------------------------------------------------------------------------------------

@settings(max_examples=examples(300), deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=80))
def test_md_text_renders_any_text_literally(text):
    normalized = " ".join(text.split())
    if not normalized:
        return
    rendered = render_md(pages.md_text(normalized))
    parsed = parse_html(rendered)
    assert {tag for tag, _ in parsed.tags} <= {"p"}, rendered
    assert "".join(parsed.text).strip() == normalized.strip()


@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[click](javascript:alert(1))",
    "**bold** _em_ `code`", "# heading", "1. list", "- item", "> quote", "{: onclick=alert(1) }",
    "a & b &amp; c &lt;", "<https://example.com>", "![img](https://example.com/x.png)", "| a | b |",
])
def test_md_text_neutralizes_markup(hostile):
    parsed = parse_html(render_md(pages.md_text(hostile)))
    assert [tag for tag, _ in parsed.tags] == ["p"]
    assert "".join(parsed.text) == hostile


@settings(max_examples=examples(200), deadline=None)
@given(st.text(max_size=60))
def test_html_attr_round_trips_inside_an_attribute(text):
    parsed = parse_html(f'<a title="{pages.html_attr(text)}">x</a>')
    assert parsed.tags == [("a", {"title": text})]


HOSTILE_TITLE = '<script>alert("t")</script> & "quotes" \u2028 line \u0085 next'


def test_hostile_plain_fields_cannot_inject_into_the_code_page():
    entry = sample_entry(title=HOSTILE_TITLE, summary='Ends "here" <b onmouseover=x>now</b>.',
                         aliases=["<img src=x onerror=alert(1)>", "*not emphasis*"],
                         tell_customer="Use <iframe srcdoc=x> and [a link](javascript:x) please.")
    meta, body = split_page(code_page(entry))
    assert meta["title"] == pages.html_attr(f"21610: {HOSTILE_TITLE}")  # U+2028 and U+0085 kept as they are
    assert "<" not in meta["description"] and '"' not in meta["description"]
    parsed = parse_html(render_md(body))
    tags = {tag for tag, _ in parsed.tags}
    assert not tags & {"script", "img", "b", "iframe"}
    assert not any(name.startswith("on") for _, attrs in parsed.tags for name in attrs)
    assert not any(attrs.get("href", "").startswith("javascript") for _, attrs in parsed.tags)
    text = "".join(parsed.text)
    assert '<script>alert("t")</script> & "quotes"' in text and "*not emphasis*" in text


def test_markdown_fields_reach_the_page_sanitised_whatever_got_past_the_validator():
    entry = sample_entry(description="Fine *text*.\n\n<script>alert(1)</script>",
                         causes=["[x](javascript:alert(1)) and <img src=x onerror=y>"])
    _, body = split_page(code_page(entry))
    parsed = parse_html(render_md(body))
    assert not {tag for tag, _ in parsed.tags} & {"script", "img"}
    assert not any(attrs.get("href", "").startswith("javascript") for _, attrs in parsed.tags)
    assert "<em>text</em>" in render_md(body)


def test_front_matter_reads_back_exactly():
    meta = {"title": HOSTILE_TITLE, "description": "a: b # c 'd' \"e\" \\ f", "hide": ["navigation", "toc"], "n": 3}
    assert yaml.safe_load(pages.front_matter(meta).strip("-\n")) == meta


# --- code and reference pages -----------------------------------------------------------------------

def test_a_full_code_page_has_what_to_do_first_and_every_part(real):
    by_code = real.by_code()
    meta, body = split_page(code_page(by_code[21610], by_code))
    rendered = render_md(body)
    order = [rendered.index(marker) for marker in (
        'class="errdict-crumbs"', "21610: Attempt to send to unsubscribed recipient</h1>", "errdict-summary",
        ">Retry<", ">Who acts<", 'id="what-to-do"', 'id="tell-the-customer"', 'id="what-it-means"',
        'id="causes"', 'id="links"', "errdict-meta")]
    assert order == sorted(order)
    assert 'href="../../products/messaging/"' in rendered and 'href="../"' in rendered  # a way back
    assert "Copy this text" in rendered and 'id="errdict-customer-text"' in rendered
    assert "Report a problem with this entry" in rendered and "/issues/new?" in rendered
    assert "https://www.twilio.com/docs/api/errors/21610" in rendered
    assert "errdict-print-only" in rendered and "https://errdict.example/codes/21610/" in rendered
    assert meta["errdict_code"] == 21610 and meta["hide"] == ["navigation", "toc"]


def test_a_reference_page_is_honest_and_useful(real):
    by_code = real.by_code()
    code = next(c for c, e in by_code.items() if e["kind"] == "reference" and e["product"] == "voice")
    same = [e for e in real.entries if e["product"] == "voice"]
    guidance = tree.read_guidance()
    page = pages.code_page(pages.template_env(), by_code[code], by_code, same, guidance, SITE)
    rendered = render_md(split_page(page)[1])
    assert "Not explained yet" in rendered and f"https://www.twilio.com/docs/api/errors/{code}" in rendered
    assert "What to check first for Voice codes" in rendered
    assert 'id="nearby"' in rendered and rendered.count("<li>") >= 4
    for absent in ('id="what-to-do"', 'id="causes"', "Retry:", "Copy this text"):
        assert absent not in rendered


def test_neighbours_are_the_family_around_the_code():
    family = [{"code": c} for c in range(100, 120)]
    assert [e["code"] for e in pages.neighbours(family[10], family)] == [106, 107, 108, 109, 111, 112, 113, 114]
    assert [e["code"] for e in pages.neighbours(family[0], family)][:2] == [101, 102]
    assert pages.neighbours(family[0], family[:1]) == []


def test_the_report_link_is_a_prefilled_issue_that_names_the_code():
    url = SITE.report_url(sample_entry(title='A "title" & more'))
    assert url.startswith("https://github.com/errdict/errdict/issues/new?title=Entry%2021610")
    assert "https%3A%2F%2Ferrdict.example%2Fcodes%2F21610%2F" in url and "%26%20more" in url


def test_deprecated_code_page_has_a_banner_and_links_its_replacement():
    old = sample_entry(status="deprecated", replaced_by=30004)
    new = dict(sample_entry(), code=30004, title="Replacement")
    rendered = render_md(split_page(code_page(old, {21610: old, 30004: new}))[1])
    assert "Deprecated code" in rendered and 'href="../30004/"' in rendered
    assert "Deprecated code" not in render_md(split_page(code_page(new, {30004: new}))[1])


# --- tables, redirects, data files ---------------------------------------------------------------

def test_code_table_rows_carry_filter_data_and_escape_titles():
    rows = [sample_entry(title="<b>bold</b>"), dict(sample_entry(), code=30004, kind="reference", summary=None)]
    table = pages.code_table_html(rows, "../")
    parsed = parse_html(table)
    data = [attrs for tag, attrs in parsed.tags if tag == "tr" and "data-kind" in attrs]
    assert [(row["data-product"], row["data-kind"]) for row in data] == [("messaging", "full"),
                                                                         ("messaging", "reference")]
    assert "b" not in {tag for tag, _ in parsed.tags} and "&lt;b&gt;bold&lt;/b&gt;" in table
    assert ">Not yet<" in table and ">Explained<" in table


def test_filter_controls_name_each_filter_for_the_address():
    form = pages.filter_controls_html({"messaging": "Messaging"})
    names = [attrs.get("name") for tag, attrs in parse_html(form).tags if tag in ("input", "select")]
    assert names == ["q", "level", "product", "kind"]
    assert "product" not in [attrs.get("name") for _, attrs in parse_html(pages.filter_controls_html(None)).tags]


def test_redirect_page_points_at_its_target_three_ways_and_escapes_it():
    page = pages.redirect_html("../codes/30004/", "https://errdict.example/codes/30004/")
    assert 'http-equiv="refresh" content="0; url=../codes/30004/"' in page
    assert 'rel="canonical" href="https://errdict.example/codes/30004/"' in page
    assert 'location.replace("../codes/30004/" + location.hash)' in page
    hostile = pages.redirect_html('x"></script><script>alert(1)</script>', 'y"><b>')
    assert "<script>alert(1)" not in hostile and "<b>" not in hostile


@pytest.mark.parametrize("status, replaced_by, expected", [
    ("active", None, 21610), ("deprecated", 30004, 30004), ("removed", 30004, 30004), ("removed", None, 21610)])
def test_short_link_target(status, replaced_by, expected):
    assert pages.short_link_target(sample_entry(status=status, replaced_by=replaced_by)) == expected


@pytest.mark.slow
def test_every_api_entry_is_valid_against_the_schema(real):
    validator = jsonschema.Draft202012Validator(schema.load())
    for entry in real.entries:
        errors = list(validator.iter_errors(sitedata.api_entry(entry)))
        assert errors == [], (entry["code"], errors[:1])


def test_csv_has_a_row_per_code_and_no_cell_runs_as_a_formula(tmp_path):
    texts = {21610: entry_text(21610, related=30004, **{"title: Test title for 21610": 'title: "=HYPERLINK(1)"'}),
             30004: entry_text(30004, related=21610), 13999: reference_text(13999)}
    rows = list(csv.reader(io.StringIO(sitedata.codes_csv(compiled_catalog(tmp_path, texts)))))
    assert rows[0] == list(sitedata.CSV_COLUMNS)
    assert [row[0] for row in rows[1:]] == ["13999", "21610", "30004"]
    assert rows[2][1] == "'=HYPERLINK(1)" and rows[1][4:7] == ["no", "unknown", "unknown"]
    assert rows[3][7] == "sender" and rows[3][8] == "https://errdict.example/codes/30004/"


def test_the_real_csv_covers_every_code():
    rows = list(csv.DictReader(io.StringIO(sitedata.codes_csv(errdict.default_catalog()))))
    assert len(rows) == 2809 and {row["explained"] for row in rows} == {"yes", "no"}
    assert not [row for row in rows if row["title"][:1] in "=+-@"]


def test_codes_json_and_code_list_hold_everything(real):
    data = json.loads(sitedata.codes_json(real.entries, 2, "2026-12-01T00:00:00Z", "https://errdict.example/"))
    assert data["count"] == len(real.entries) == len(data["codes"]) and data["explained"] >= 510
    listed = json.loads(sitedata.code_list_json(real.entries, {21610: 30004}))
    assert listed["codes"] == [e["code"] for e in real.entries] and listed["moved"] == {"21610": 30004}


def test_schema_page_documents_every_field_and_vocabulary():
    fields = {row["name"]: row for row in pages.schema_fields(schema.load())}
    assert list(fields) == list(schema.field_order())
    assert fields["code"]["required"] == "every entry" and fields["tell_customer"]["required"] == "full entries"
    assert fields["summary"]["reference"] == "no" and fields["title"]["reference"] == "yes"
    assert [row["value"] for row in fields["who_acts"]["vocabulary"]] == list(schema.vocabulary("who_acts").values)
    assert fields["description"]["type"] == "Markdown text"


def test_schema_page_follows_a_changed_schema():
    changed = copy.deepcopy(schema.load())
    changed["properties"]["summary"]["description"] = "A hypothetical new description of the summary."
    text = pages.template_env().get_template("schema.md.j2").render(schema=changed, fields=pages.schema_fields(changed))
    assert "A hypothetical new description of the summary." in text


def test_guidance_covers_every_product_and_is_safe():
    guidance = tree.read_guidance()
    assert sorted(guidance) == sorted(schema.vocabulary("product").values)


def test_bad_guidance_is_refused_with_its_file(tmp_path):
    bad = tmp_path / "products.yaml"
    bad.write_text("messaging: '<script>x</script>'\nnot-a-product: x\n", "utf-8")
    with pytest.raises(ValueError) as caught:
        tree.read_guidance(bad)
    message = str(caught.value)
    assert "not-a-product: not a product" in message and "voice: no guidance" in message and "<script>" in message


def test_the_load_time_row_limit_of_the_style_sheet_is_the_script_s():
    """errdict.css keeps the index rows the filter will not show out of the first layout: its
    `tr:nth-child(n+K)` must be the script's LIMIT + 1, or rows would flash or go missing on load."""
    assets = Path(__file__).resolve().parent.parent / "docs" / "assets"
    limit = re.search(r"var LIMIT = (\d+);", (assets / "errdict.js").read_text())
    style = (assets / "errdict.css").read_text()
    hidden_from = re.findall(r"errdict-wired\) > tbody > tr:nth-child\(n\+(\d+)\)", style)
    assert limit and hidden_from == [str(int(limit.group(1)) + 1)]
