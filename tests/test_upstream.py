"""`python -m generator upstream`: the report, bad input, and stubs that hold only facts."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from entries import entry_text
from generator import catalog as catalog_mod
from generator.__main__ import main as generator_main
from generator.upstream import (UpstreamCode, UpstreamError, parse_upstream, stub_yaml, upstream_command,
                                yaml_quoted)

FIXTURE = Path(__file__).parent / "fixtures" / "upstream-sample.json"


def write_codes(folder: Path) -> Path:
    """A small errdict catalog matched against the fixture:

    30001 same facts; 30002 errdict 'account' (cross-cutting) vs upstream SMS; 30003 differs in
    title, level and product; 32001 same title but for spacing, errdict 'voice' vs upstream SIP;
    11200 upstream gives no product; 21999 only in errdict; 30500 a broken file upstream lists.
    """
    folder.mkdir(parents=True, exist_ok=True)
    codes = [30001, 30002, 30003, 32001, 11200, 21999]
    specs = {
        30001: {"title: Test title for 30001": "title: Queue overflow"},
        30002: {"title: Test title for 30002": "title: Account suspended", "product: messaging": "product: account"},
        30003: {},
        32001: {"title: Test title for 32001": 'title: "Trunk: Bad gateway"', "product: messaging": "product: voice"},
        11200: {"title: Test title for 11200": "title: HTTP retrieval failure", "product: messaging": "product: webhooks"},
        21999: {},
    }
    for i, code in enumerate(codes):
        related = codes[(i + 1) % len(codes)]
        (folder / f"{code}.yaml").write_text(entry_text(code, related, **specs[code]), "utf-8")
    (folder / "30500.yaml").write_text("code: 30500\ntitle: [unfinished\n", "utf-8")
    return folder


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = generator_main(["upstream", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def codes(tmp_path: Path) -> Path:
    return write_codes(tmp_path / "codes")


def test_json_report_lists_missing_by_product_differences_and_codes_upstream_lacks(codes, capsys):
    status, out, err = run(capsys, str(FIXTURE), "--codes", str(codes), "--json")
    assert status == 0, err
    report = json.loads(out)
    assert report["upstream_codes"] == 12
    assert report["errdict_codes"] == 7  # six entries and the broken 30500 file
    missing = {group: [item["code"] for item in items] for group, items in report["missing"].items()}
    assert missing == {"messaging": [30999, 61000], "phone-numbers": [21450], "voice": [13999],
                       "(no product)": [60999], "unmapped: Programmable Chat": [52000]}
    assert report["missing_count"] == 6
    diffs = {(d["code"], d["field"]): (d["errdict"], d["upstream"]) for d in report["differences"]}
    assert diffs == {
        (30003, "title"): ("Test title for 30003", "Unreachable destination handset"),
        (30003, "level"): ("error", "warning"),
        (30003, "product"): ("messaging", "voice"),
    }
    assert report["not_upstream"] == [21999]
    assert report["compared_by_file_name_only"] == [30500]
    assert report["unmapped_products"] == {"Programmable Chat": 1}
    assert report["unknown_levels"] == {"NOTICE": 1}
    assert report["stubs_written"] == [] and report["stubs_skipped"] == []


def test_report_writes_nothing_without_stubs(codes, capsys):
    before = sorted(p.name for p in codes.iterdir())
    status, out, _ = run(capsys, str(FIXTURE), "--codes", str(codes))
    assert status == 0
    assert sorted(p.name for p in codes.iterdir()) == before
    assert "Codes upstream that errdict lacks: 6" in out
    assert "  messaging: 2" in out and "    30999  Carrier said: \"no\" # twice \\ again" in out
    assert "  unmapped: Programmable Chat: 1" in out and "    52000" in out
    assert "Codes whose title, level or product differs: 1" in out
    assert "30003 level: errdict 'error', upstream 'warning'" in out
    assert "Codes errdict has that upstream does not list: 1\n    21999" in out


def test_stubs_hold_only_facts_and_the_validator_reports_them_incomplete(codes, capsys):
    status, out, err = run(capsys, str(FIXTURE), "--codes", str(codes), "--stubs", "--json")
    assert status == 0, err
    report = json.loads(out)
    written = sorted(Path(p).name for p in report["stubs_written"])
    assert written == ["13999.yaml", "21450.yaml", "30999.yaml"]
    skipped = {s["code"]: s["reason"] for s in report["stubs_skipped"]}
    assert skipped == {61000: "upstream gives no level", 60999: "upstream gives no product",
                       52000: "upstream product 'Programmable Chat' has no errdict product"}
    stub = (codes / "30999.yaml").read_text("utf-8")
    assert stub.startswith("# yaml-language-server: $schema=../generator/entry.schema.json\n")
    data = yaml.safe_load(stub)
    assert data == {"code": 30999, "title": 'Carrier said: "no" # twice \\ again', "level": "error",
                    "product": "messaging", "status": "active", "stub": True}
    assert "Fixture prose" not in stub  # upstream prose never reaches an entry
    assert yaml.safe_load((codes / "13999.yaml").read_text("utf-8"))["title"] == "Dial: Invalid 'timeout' value"
    assert yaml.safe_load((codes / "13999.yaml").read_text("utf-8"))["level"] == "warning"
    loaded = catalog_mod.load_catalog(codes)
    stub_problems = sorted(p.file.rsplit("/", 1)[-1] for p in loaded.problems if "incomplete" in p.message)
    assert stub_problems == written
    for problem in loaded.problems:
        if problem.file.endswith(tuple(written)):
            assert problem.field == "stub" and "write summary, description" in problem.message
    assert not list(codes.glob(".*.tmp"))  # atomic writes leave no temporary files


def test_stubs_never_overwrite_an_existing_file(codes, capsys):
    original = "code: 30999\n# a person's work in progress\n"
    (codes / "30999.yaml").write_text(original, "utf-8")
    broken = (codes / "30500.yaml").read_text("utf-8")
    status, out, _ = run(capsys, str(FIXTURE), "--codes", str(codes), "--stubs", "--json")
    assert status == 0
    assert (codes / "30999.yaml").read_text("utf-8") == original
    assert (codes / "30500.yaml").read_text("utf-8") == broken
    assert 30999 not in {item["code"] for items in json.loads(out)["missing"].values() for item in items}


def test_second_stub_run_writes_nothing_new(codes, capsys):
    run(capsys, str(FIXTURE), "--codes", str(codes), "--stubs")
    first = {p.name: p.read_bytes() for p in codes.iterdir()}
    status, out, _ = run(capsys, str(FIXTURE), "--codes", str(codes), "--stubs", "--json")
    assert status == 0 and json.loads(out)["stubs_written"] == []
    assert {p.name: p.read_bytes() for p in codes.iterdir()} == first


@pytest.mark.parametrize("content, message", [
    ("not json at all", "not valid JSON: Expecting value (line 1, column 1)"),
    ('{"code": 30001}', "must be a JSON list of codes, found an object"),
    ('[{"code": 30001, "message": "A"}, "30002"]', "item 1: must be an object, found a string"),
    ('[{"message": "no code"}]', "item 0: has no 'code'"),
    ('[{"code": "30001"}]', "item 0: 'code' must be an integer, found a string \"30001\""),
    ('[{"code": 30001.0}]', "item 0: 'code' must be an integer, found a number 30001.0"),
    ('[{"code": true}]', "item 0: 'code' must be an integer, found a boolean true"),
    ('[{"code": 12}]', "item 0: 'code' 12 is not a code"),
    ('[{"code": 30001, "message": 5}]', "item 0 (code 30001): 'message' must be a string or null, found an integer"),
    ('[{"code": 30001, "product": ["SMS"]}]', "item 0 (code 30001): 'product' must be a string or null, found a list"),
    ('[{"code": 30001}, {"code": 30001}]', "item 1 (code 30001): code 30001 is listed twice (first at item 0)"),
])
def test_bad_upstream_file_is_a_clear_error_naming_file_and_item(tmp_path, codes, capsys, content, message):
    bad = tmp_path / "upstream.json"
    bad.write_text(content, "utf-8")
    before = sorted(p.name for p in codes.iterdir())
    status, out, err = run(capsys, str(bad), "--codes", str(codes), "--stubs")
    assert status == 2
    assert out == ""
    assert f"{bad}: " in err and message in err
    assert sorted(p.name for p in codes.iterdir()) == before  # nothing written


def test_every_bad_item_is_reported_not_just_the_first():
    with pytest.raises(UpstreamError) as caught:
        parse_upstream('[{"code": "1"}, {"x": 1}, {"code": 30001}]', "up.json")
    assert str(caught.value).splitlines() == [
        "up.json: item 0: 'code' must be an integer, found a string \"1\"",
        "up.json: item 1: has no 'code'",
    ]


def test_missing_or_unreadable_inputs(tmp_path, codes, capsys):
    status, _, err = run(capsys, str(tmp_path / "nope.json"), "--codes", str(codes))
    assert status == 2 and "nope.json: no such file" in err
    status, _, err = run(capsys, str(tmp_path), "--codes", str(codes))
    assert status == 2 and "is a folder" in err
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'[{"code": 30001, "message": "caf\xe9"}]')
    status, _, err = run(capsys, str(latin), "--codes", str(codes))
    assert status == 2 and "not UTF-8" in err
    status, _, err = run(capsys, str(FIXTURE), "--codes", str(tmp_path / "no-codes"))
    assert status == 2 and "no such folder of entries" in err


def test_null_product_and_level_make_no_claim():
    codes, unmapped, levels = parse_upstream(
        '[{"code": 30001, "message": " Spaced   title ", "log_level": null, "product": null}]', "u.json")
    assert codes == [UpstreamCode(30001, "Spaced title", None, None, None)]
    assert unmapped == {} and levels == {}


@pytest.mark.parametrize("title", [
    'He said: "stop"', "key: value # not a comment", "back\\slash", "'single' quotes", "- leading dash",
    "tab\there", "new\nline", "yes", "null", "0123", "1:20", "@at", "&anchor", "*alias", "!tag", "% percent",
    "caf\u00e9 \u2013 \u201cquoted\u201d", "emoji \U0001F600", "control \x07 char", "C1 \x85 next line",
    "line \u2028 separator", "{flow: map}", "[flow, seq]", "| literal", "> folded", "`backtick`",
])
def test_yaml_quoting_reads_back_exactly(title):
    text = stub_yaml(UpstreamCode(30999, title, "error", "messaging", "Programmable SMS"))
    assert yaml.safe_load(text)["title"] == title
    assert yaml_quoted(title).startswith('"') and yaml_quoted(title).endswith('"')


def test_upstream_command_defaults_to_the_repository_codes(monkeypatch, tmp_path, capsys):
    target = write_codes(tmp_path / "repo-codes")
    monkeypatch.setattr(catalog_mod, "CODES_DIR", target)
    assert upstream_command(str(FIXTURE), stubs=False, codes_dir=None, as_json=True) == 0
    assert json.loads(capsys.readouterr().out)["not_upstream"] == [21999]
