"""The dictionary's content (issue 4): every priority code complete, carefully advised, linked."""
from __future__ import annotations

import csv
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from generator.catalog import CODES_DIR, load_catalog

REPO = Path(__file__).resolve().parent.parent
# The priority list (facts: code, official title, level, product, LC title, workflow label),
# copied from the shared reference material so the suite runs on its own.
PRIORITY_TSV = Path(__file__).with_name("data") / "priority-codes.tsv"
ORIGINALITY = REPO.parent / "shared" / "tools" / "originality.py"

ENTRIES = {entry["code"]: entry for entry in load_catalog(CODES_DIR).entries}
with PRIORITY_TSV.open(encoding="utf-8") as handle:
    PRIORITY = {int(row["code"]): row for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)}


def test_the_priority_list_is_the_one_the_issue_names():
    assert len(PRIORITY) == 111
    assert sum(1 for row in PRIORITY.values() if row["lc_dictionary_title"]) == 21


@pytest.mark.parametrize("code", sorted(PRIORITY))
def test_every_priority_code_has_a_complete_entry(code):
    row, entry = PRIORITY[code], ENTRIES.get(code)
    assert entry is not None, f"codes/{code}.yaml is missing or invalid"
    title = row["official_title"] or row["lc_dictionary_title"]
    assert entry["title"] == title
    assert entry["level"] == (row["level"].lower() or "error")
    assert entry["status"] == "active"
    assert len(entry["description"].split()) >= 50
    assert len(entry["causes"]) >= 2 and len(entry["solutions"]) >= 2
    assert entry["summary"].count(". ") == 0 and entry["summary"].endswith((".", "!", "?"))
    assert entry["advice"], "what an automated sender should do"
    assert entry["related"], "at least one related code"
    assert re.fullmatch(r"20\d\d-\d\d-\d\d", entry["updated"])
    names = {entry["title"].casefold()} | {alias.casefold() for alias in entry["aliases"]}
    for other_name in (row["lc_dictionary_title"], row["lc_workflow_label"]):
        if other_name:
            assert other_name.casefold() in names, f"{code} lacks the alias {other_name!r}"


def test_every_entry_points_editors_at_the_schema():
    for path in sorted(CODES_DIR.glob("*.yaml")):
        first_line = path.read_text("utf-8").splitlines()[0]
        assert first_line == "# yaml-language-server: $schema=../generator/entry.schema.json", path


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+", text)
    return [" ".join(p.casefold().split()) for p in parts if len(p.split()) >= 5]


def test_no_cause_or_solution_sentence_is_boilerplate():
    places = defaultdict(set)
    for code, entry in ENTRIES.items():
        for item in entry["causes"] + entry["solutions"]:
            for sentence in _sentences(item):
                places[sentence].add(code)
    overused = {s: sorted(codes) for s, codes in places.items() if len(codes) > 3}
    assert overused == {}


def test_retry_advice_follows_deliverability_practice():
    assert (ENTRIES[21610]["retry"], ENTRIES[21610]["action"]) == ("never", "stop-messaging")
    assert (ENTRIES[30004]["retry"], ENTRIES[30004]["action"]) == ("never", "stop-messaging")
    assert ENTRIES[30003]["retry"] == "later"
    assert "suppress" in ENTRIES[30003]["advice"].casefold()  # repeated failures: stop trying
    assert (ENTRIES[30034]["retry"], ENTRIES[30034]["action"]) == ("after-fix", "register-sender")
    assert (ENTRIES[11200]["retry"], ENTRIES[11200]["action"]) == ("after-fix", "fix-webhook")
    # rate limits and congestion pass; wait and retry
    for code in (20429, 30017, 30022, 63018):
        assert ENTRIES[code]["retry"] == "later", code


def test_related_codes_connect_the_families():
    def related(a, b):
        return b in ENTRIES[a]["related"] or a in ENTRIES[b]["related"]

    assert related(21610, 30004) and related(21610, 30007)
    for code in range(30441, 30450):
        assert related(30032, code), code
    ten_dlc = [30022, 30023, 30027, 30033, 30034, 30035]
    for code in ten_dlc:
        assert set(ENTRIES[code]["related"]) & (set(ten_dlc) - {code}), code


def test_products_follow_the_code_families():
    for code, entry in ENTRIES.items():
        if 30441 <= code <= 30449 or code == 30032:
            assert entry["product"] == "toll-free", code
        elif 63000 <= code < 64000:
            assert entry["product"] == "whatsapp", code
        elif code in (30022, 30023, 30027, 30033, 30034, 30035):
            assert entry["product"] == "a2p-10dlc", code


@pytest.mark.skipif(not ORIGINALITY.exists(), reason="the shared reference tools are not beside this checkout")
def test_entries_share_no_wording_with_the_reference_texts():
    result = subprocess.run([sys.executable, str(ORIGINALITY), str(CODES_DIR)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
