"""`python -m generator upstream`: the three forms upstream publishes, the report, reference entries."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from entries import entry_text, reference_text
from generator import catalog as catalog_mod
from generator.__main__ import main as generator_main
from generator.upstream import (
    UpstreamCode,
    UpstreamError,
    parse_json,
    parse_markdown,
    parse_tsv,
    product_area,
    read_upstream,
)
from generator.yamlsource import parse_entry_text

FIXTURES = Path(__file__).parent / "fixtures"
PAGE = FIXTURES / "upstream-page.md"
JSON_FILE = FIXTURES / "upstream-sample.json"
TSV = FIXTURES / "upstream-sample.tsv"
REFERENCE_LIST = Path(__file__).parent / "data" / "upstream-codes.tsv"


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = generator_main(["upstream", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# --- reading the three forms ---------------------------------------------------------------------------

def test_the_dictionary_page_gives_level_products_and_title_with_markdown_undone():
    codes = {item.code: item for item in parse_markdown(PAGE.read_text("utf-8"), "page.md")}
    assert sorted(codes) == [11200, 11751, 13521, 21610, 21999, 22001]
    assert codes[11751] == UpstreamCode(11751, "Media Message - Media exceeds messaging provider size limit", "error",
                                        ("Branded Comms", "Whatsapp"))
    assert codes[13521].title == "`<Say>` element character limits exceeded"  # entities and \` undone
    assert codes[13521].level == "warning"
    assert codes[21999].title == "Field _name_ must be set | with a pipe" and codes[21999].upstream_products == ()
    assert codes[22001].title == "A title with odd spacing"


def test_the_three_forms_agree_on_the_same_code():
    page = {item.code: item for item in read_upstream(PAGE.read_text("utf-8"), "page")}
    tsv = {item.code: item for item in read_upstream(TSV.read_text("utf-8"), "tsv")}
    listed = {item.code: item for item in read_upstream(JSON_FILE.read_text("utf-8"), "json")}
    assert (page[21610].title, page[21610].level, page[21610].upstream_products) == \
        (tsv[21610].title, tsv[21610].level, tsv[21610].upstream_products)
    assert listed[11200].title == page[11200].title == "HTTP retrieval failure"
    assert tsv[30882].lc_tier == "core" and tsv[30882].listed_since == "2023-05"


@pytest.mark.parametrize("item, area", [
    (UpstreamCode(1, "x", "error", ("Lookup",), suggested_product="phone-numbers"), "lookup"),
    (UpstreamCode(1, "x", "error", ("Verify",)), "verify"),
    (UpstreamCode(1, "x", "error", ("Branded Comms",), suggested_product="a2p-10dlc"), "a2p-10dlc"),
    (UpstreamCode(1, "Toll Free verification rejection - Spam", "error", ("Branded Comms",)), "toll-free"),
    (UpstreamCode(1, "Campaign vetting rejection - Spam", "error", ("Branded Comms",)), "a2p-10dlc"),
    (UpstreamCode(1, "WhatsApp sender blocked", "error", ("Branded Comms",)), "whatsapp"),
    (UpstreamCode(1, "Queue overflow", "error", ("Branded Comms",)), "messaging"),
    (UpstreamCode(1, "x", "error", ("Programmable Chat",)), "other"),
    (UpstreamCode(1, "x", "error", ()), "other"),
    (UpstreamCode(1, "x", "error", ("Programmable Video", "Programmable Voice")), "voice"),
])
def test_upstream_products_map_onto_errdict_product_areas(item, area):
    assert product_area(item) == area


@pytest.mark.parametrize("text, message", [
    ("{}", "must be a JSON list of codes"),
    ("[1", "not valid JSON"),
    ('[{"message": "x"}]', "item 0: the code must be a whole number"),
    ('[{"code": 12, "message": "x"}]', "item 0: 12 is not a code"),
    ('[{"code": 21610, "message": "a"}, {"code": 21610, "message": "b"}]', "code 21610 is listed twice"),
    ('[{"code": 21610, "message": 5}]', "'message' must be a string or null"),
    ('[{"code": 21610, "message": ""}]', "code 21610 has no title"),
    ("[" * 100_000, "nested too deeply"),
])
def test_bad_json_names_the_item(text, message):
    with pytest.raises(UpstreamError, match=message):
        parse_json(text, "up.json")


@pytest.mark.parametrize("text, message", [
    ("code\ttitle\n1\tx\n", "line 1: the columns must be"),
    ("\t".join(("code", "level", "upstream_products", "title", "listed_since", "lc_tier", "suggested_product"))
     + "\n21610\terror\tx\n", "line 2: 3 columns"),
    ("\t".join(("code", "level", "upstream_products", "title", "listed_since", "lc_tier", "suggested_product"))
     + "\n21610\terror\t\tT\t2023-05\tsometimes\t\n", "line 2: lc_tier 'sometimes' is not one of"),
    ("\t".join(("code", "level", "upstream_products", "title", "listed_since", "lc_tier", "suggested_product"))
     + "\nabc\terror\t\tT\t\t\t\n", "line 2: the code must be a whole number"),
])
def test_bad_tsv_names_the_line(text, message):
    with pytest.raises(UpstreamError, match=message):
        parse_tsv(text, "up.tsv")


@pytest.mark.parametrize("row, message", [
    ("| [21610](www.twilio.com/docs/api/errors/21611) | ERROR <br/> T |", "leads to"),
    ("| [21610](www.twilio.com/docs/api/errors/21610) | ERROR T |", "no <br/>"),
    ("| 21610 | ERROR <br/> T |", "not a row of the form"),
    ("| [2161x](www.twilio.com/docs/api/errors/2161x) | ERROR <br/> T |", "the code must be a whole number"),
])
def test_bad_page_rows_name_the_line(row, message):
    text = "| Code | Description |\n| --- | --- |\n" + row + "\n"
    with pytest.raises(UpstreamError, match=f"page.md: line 3: .*{message}"):
        parse_markdown(text, "page.md")


def test_a_text_in_no_known_form_is_refused():
    with pytest.raises(UpstreamError, match="neither the upstream dictionary page"):
        read_upstream("hello", "x.txt")


# --- comparing and writing ------------------------------------------------------------------------------

@pytest.fixture
def codes(tmp_path: Path) -> Path:
    """A small catalog against the page fixture: 21610 full, same facts; 11200 full, changed level;
    13521 a reference entry whose title changed upstream; 30001 only in errdict; 22001 broken."""
    folder = tmp_path / "codes"
    folder.mkdir()
    texts = {
        21610: entry_text(21610, related=11200,
                          **{"title: Test title for 21610": "title: Attempt to send to unsubscribed recipient"}),
        11200: entry_text(11200, related=21610, **{"title: Test title for 11200": "title: HTTP retrieval failure",
                                                    "level: error": "level: warning",
                                                    'upstream_products: ["Branded Comms"]':
                                                        'upstream_products: ["Programmable Voice", "Branded Comms"]'}),
        13521: reference_text(13521, **{'title: "Reference title for 13521"': 'title: "Say limit"',
                                        'upstream_products: ["Programmable Voice"]':
                                            'upstream_products: ["Programmable Voice"]'}),
        30001: entry_text(30001, related=21610),
    }
    for code, text in texts.items():
        (folder / f"{code}.yaml").write_text(text, "utf-8")
    (folder / "22001.yaml").write_text("code: 22001\ntitle: [unfinished\n", "utf-8")
    return folder


def test_report_lists_new_codes_changed_facts_and_codes_upstream_lacks(codes, capsys):
    status, out, err = run(capsys, str(PAGE), "--codes", str(codes), "--json")
    assert status == 0, err
    report = json.loads(out)
    assert report["upstream_codes"] == 6 and report["errdict_codes"] == 5 and report["differs"] is True
    assert [item["code"] for item in report["new"]] == [11751, 21999]
    changed = {item["code"]: item["changes"] for item in report["changed"]}
    assert changed[11200] == {"level": {"errdict": "warning", "upstream": "error"}}
    assert changed[13521]["title"] == {"errdict": "Say limit", "upstream": "`<Say>` element character limits exceeded"}
    assert 21610 not in changed
    assert report["not_upstream"] == [30001]
    assert report["compared_by_file_name_only"] == [22001]
    assert report["written"] == [] and report["refreshed"] == []
    assert sorted(path.name for path in codes.iterdir()) == ["11200.yaml", "13521.yaml", "21610.yaml",
                                                             "22001.yaml", "30001.yaml"]


def test_text_report_reads_for_a_person(codes, capsys):
    status, out, _ = run(capsys, str(PAGE), "--codes", str(codes))
    assert status == 0
    assert "New codes (upstream lists them, errdict has no entry): 2" in out
    assert "11751  Media Message - Media exceeds messaging provider size limit" in out
    assert "11200 (full) level: 'warning' -> 'error'" in out
    assert "Codes errdict has that upstream does not list: 1\n    30001" in out


def test_stubs_are_reference_entries_of_facts_only_that_the_validator_accepts(codes, capsys):
    status, out, _ = run(capsys, str(JSON_FILE), "--codes", str(codes), "--stubs", "--json")
    assert status == 0
    report = json.loads(out)
    written = sorted(Path(path).name for path in report["written"])
    assert "30999.yaml" in written and "30001.yaml" not in written  # never over an existing file
    text = (codes / "30999.yaml").read_text("utf-8")
    assert "Fixture prose" not in text  # upstream prose never reaches an entry
    data = parse_entry_text("30999.yaml", text.encode()).data
    assert data == {"code": 30999, "kind": "reference", "title": 'Carrier said: "no" # twice \\ again',
                    "level": "error", "product": "messaging", "upstream_products": ["Programmable Messaging"],
                    "status": "active"}
    loaded = catalog_mod.load_catalog(codes)
    assert not [p for p in loaded.problems if p.file.endswith(tuple(written))], loaded.problems
    again = json.loads(run(capsys, str(JSON_FILE), "--codes", str(codes), "--stubs", "--json")[1])
    assert again["written"] == []


def test_refresh_updates_reference_entries_and_keeps_the_former_title(codes, capsys):
    status, out, _ = run(capsys, str(PAGE), "--codes", str(codes), "--refresh", "--json")
    assert status == 0
    report = json.loads(out)
    assert [Path(path).name for path in report["refreshed"]] == ["13521.yaml"]
    assert {item["code"] for item in report["skipped"]} == {11200}  # a full entry is left to a person
    data = parse_entry_text("13521.yaml", (codes / "13521.yaml").read_bytes()).data
    assert data["title"] == "`<Say>` element character limits exceeded"
    assert data["former_titles"] == [{"title": "Say limit"}]
    assert data["lc_tier"] == "ext" and data["listed_since"] == "2025-02"  # facts the page does not give stay
    assert "level: warning" in (codes / "11200.yaml").read_text("utf-8")


@pytest.mark.parametrize("make, message", [
    (lambda tmp: tmp / "missing.json", "no such file"),
    (lambda tmp: tmp, "is a folder"),
    (lambda tmp: (tmp / "latin1.json").write_bytes(b"[\xff]") and tmp / "latin1.json", "not UTF-8"),
])
def test_unusable_input_exits_2_with_a_message(tmp_path, capsys, make, message):
    source = make(tmp_path)
    status, out, err = run(capsys, str(source), "--codes", str(tmp_path))
    assert status == 2 and out == "" and message in err


@pytest.mark.slow
def test_the_real_catalog_is_up_to_date_with_the_reference_list(capsys):
    status, out, err = run(capsys, str(REFERENCE_LIST), "--json")
    assert status == 0, err
    report = json.loads(out)
    assert report["upstream_codes"] == 2809
    assert (report["new"], report["changed"], report["not_upstream"]) == ([], [], [])
    assert report["compared_by_file_name_only"] == []
