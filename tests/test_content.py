"""The dictionary's content: every code of the upstream list present, every core code explained in
full, the facts as the reference list gives them, and the corrections issue 9 asked for kept."""
from __future__ import annotations

import csv
import functools
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from entries import real_catalog
from generator.catalog import CODES_DIR

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).with_name("data")
# The reference lists (facts: code, official title, level, products, tier; LC titles and workflow labels),
# copied from the shared reference material so that the suite runs on its own.
PRIORITY_TSV = DATA / "priority-codes.tsv"
UPSTREAM_TSV = DATA / "upstream-codes.tsv"
ORIGINALITY = REPO.parent / "shared" / "tools" / "originality.py"

@functools.cache
def entries() -> dict[int, dict]:
    """codes/ as the generator loads it, by code (read once, when a test first needs it)."""
    return real_catalog().by_code()


@functools.cache
def full() -> dict[int, dict]:
    return {code: entry for code, entry in entries().items() if entry["kind"] == "full"}


def _rows(path: Path) -> dict[int, dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return {int(row["code"]): row for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)}


PRIORITY = _rows(PRIORITY_TSV)
UPSTREAM = _rows(UPSTREAM_TSV)
CORE = sorted(code for code, row in UPSTREAM.items() if row["lc_tier"] == "core")


def test_the_catalog_is_valid():
    assert [str(problem) for problem in real_catalog().problems] == []


def test_the_reference_lists_are_the_ones_the_issues_name():
    assert len(PRIORITY) == 111 and len(UPSTREAM) == 2809 and len(CORE) == 510
    assert sum(1 for row in PRIORITY.values() if row["lc_dictionary_title"]) == 21


def test_every_upstream_code_has_an_entry_and_nothing_else_does():
    assert sorted(entries()) == sorted(UPSTREAM)


def _fact_mismatches(entry: dict, row: dict[str, str]) -> list[str]:
    wrong = []
    if " ".join(entry["title"].split()) != " ".join(row["title"].split()):
        wrong.append(f"title {entry['title']!r} is not {row['title']!r}")
    if entry["level"] != row["level"]:
        wrong.append(f"level {entry['level']!r} is not {row['level']!r}")
    products = [p.strip() for p in row["upstream_products"].split(",") if p.strip()]
    if entry["upstream_products"] != products:
        wrong.append(f"upstream_products {entry['upstream_products']} is not {products}")
    for field in ("lc_tier", "listed_since"):
        if entry[field] != row[field]:
            wrong.append(f"{field} {entry[field]!r} is not {row[field]!r}")
    return wrong


def test_facts_are_those_of_the_reference_list():
    # one test over the whole list (2,809 codes), naming every entry that differs and how
    wrong = {code: problems for code in sorted(UPSTREAM)
             if (problems := _fact_mismatches(entries()[code], UPSTREAM[code]))}
    assert wrong == {}


def _unexplained_parts(entry: dict) -> list[str]:
    if entry["kind"] != "full":
        return ["still a reference entry"]
    checks = {
        "a description of at least 40 words": len(entry["description"].split()) >= 40,
        "two causes or more": len(entry["causes"]) >= 2,
        "two solutions or more": len(entry["solutions"]) >= 2,
        "advice for an automated sender": bool(entry["advice"]),
        "who acts": bool(entry["who_acts"]),
        "what to tell the customer, in at most 70 words": 0 < len(entry["tell_customer"].split()) <= 70,
        "a related code": bool(entry["related"]),
    }
    return [f"lacks {what}" for what, holds in checks.items() if not holds]


def test_every_core_code_is_a_full_entry():
    lacking = {f"codes/{code}.yaml": parts for code in CORE if (parts := _unexplained_parts(entries()[code]))}
    assert lacking == {}
    assert len(CORE) == 510


def test_the_core_check_finds_what_an_entry_lacks():
    code = CORE[0]
    entry, row = entries()[code], UPSTREAM[code]
    thin = {**entry, "causes": entry["causes"][:1], "advice": None, "tell_customer": "word " * 71}
    assert _unexplained_parts(thin) == ["lacks two causes or more", "lacks advice for an automated sender",
                                        "lacks what to tell the customer, in at most 70 words"]
    assert _unexplained_parts({**entry, "kind": "reference"}) == ["still a reference entry"]
    assert _fact_mismatches({**entry, "title": "Another title", "lc_tier": "out"}, row) == [
        f"title 'Another title' is not {row['title']!r}", f"lc_tier 'out' is not {row['lc_tier']!r}"]


@pytest.mark.parametrize("code", sorted(PRIORITY))
def test_the_lc_titles_and_workflow_labels_find_their_code(code):
    row, entry = PRIORITY[code], entries()[code]
    names = {entry["title"].casefold()} | {alias.casefold() for alias in entry["aliases"]} | \
        {former["title"].casefold() for former in entry["former_titles"]}
    for other_name in (row["lc_dictionary_title"], row["lc_workflow_label"]):
        if other_name:
            assert other_name.casefold() in names, f"{code} lacks the name {other_name!r}"


def test_codes_whose_title_changed_keep_the_former_title():
    for code in (30441, 30442, 30443, 30444, 30445, 30446, 30447, 21612, 31209, 21619):
        assert entries()[code]["former_titles"], code
    assert entries()[30441]["former_titles"][0]["title"] == \
        "Toll-Free phone number verification rejection - Content Violation"


def test_every_entry_points_editors_at_the_schema():
    for path in sorted(CODES_DIR.glob("*.yaml")):
        first_line = path.read_text("utf-8").split("\n", 1)[0]
        assert first_line == "# yaml-language-server: $schema=../generator/entry.schema.json", path


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+", text)
    return [" ".join(p.casefold().split()) for p in parts if len(p.split()) >= 5]


def test_no_cause_or_solution_sentence_is_in_more_than_three_entries():
    places = defaultdict(set)
    for code, entry in full().items():
        for item in entry["causes"] + entry["solutions"]:
            for sentence in _sentences(item):
                places[sentence].add(code)
    overused = {s: sorted(codes) for s, codes in places.items() if len(codes) > 3}
    assert overused == {}


def test_family_members_are_not_boilerplate():
    """Within a rejection family no two entries share most of their causes and solutions."""
    def shingles(entry: dict) -> set[tuple[str, ...]]:
        words = re.findall(r"[a-z0-9']+", " ".join(entry["causes"] + entry["solutions"]).lower())
        return {tuple(words[i:i + 5]) for i in range(len(words) - 4)}

    families = [range(30882, 30999), range(30800, 30880), range(30440, 30532), range(63000, 63100)]
    for family in families:
        members = {code: shingles(full()[code]) for code in family if code in full()}
        codes = sorted(members)
        for i, a in enumerate(codes):
            for b in codes[i + 1:]:
                shared = len(members[a] & members[b]) / max(1, min(len(members[a]), len(members[b])))
                assert shared <= 0.35, f"{a} and {b} share {shared:.0%} of their wording"


def test_retry_advice_follows_deliverability_practice():
    assert (full()[21610]["retry"], full()[21610]["action"]) == ("never", "stop-messaging")
    assert full()[30003]["retry"] == "later" and "suppress" in full()[30003]["advice"].casefold()
    assert (full()[30034]["retry"], full()[30034]["action"]) == ("after-fix", "register-sender")
    assert (full()[11200]["retry"], full()[11200]["action"]) == ("after-fix", "fix-webhook")
    for code in (20429, 30017, 30022, 63018):
        assert full()[code]["retry"] == "later", code
    assert full()[30009]["retry"] != "later"  # an inbound failure: nothing to resend
    for code in (32021, 12200):
        assert full()[code]["action"] == "no-action-needed", code
    for code in range(30882, 30999):  # campaign rejections: fixed and resubmitted
        if code in full() and full()[code]["title"].startswith("Campaign vetting rejection"):
            assert full()[code]["retry"] in ("after-fix", "never"), code


def test_the_corrections_of_issue_9_stay_made():
    def text(code: int) -> str:
        entry = full()[code]
        parts = [entry["summary"], entry["description"], *entry["causes"], *entry["solutions"],
                 entry["advice"] or "", entry["lc_app"] or "", entry["own_integration"] or "",
                 entry["escalation"] or "", entry["tell_customer"]]
        return " ".join(parts).casefold()

    assert "do not disturb" not in " ".join(full()[30004]["causes"]).casefold()  # DND is stopped as 21610
    assert "blocked again" not in text(30004)
    for code in (30003, 30004, 30005):
        assert "24 hours" in text(code) and "landline" in text(code), code
    for pattern in ("restart", "roaming", r"(one|single)[ -]segment", "same carrier", "other (senders|numbers)"):
        assert re.search(pattern, text(30003)), pattern
    assert "4,096" not in text(63005) and "1,600" in text(63005)
    for code in (21611, 30001):
        assert "one segment per second" not in text(code), code
    for code in (30445, 30446, 30448, 30449):
        assert "seven days" not in text(code) and "7 days" not in text(code), code
    for code in (13227, 21203):
        assert "support" in text(code), code
    assert full()[63032]["action"] != "stop-messaging"
    assert {full()[code]["retry"] for code in (21614, 21635, 30006)} == {"after-fix"}
    assert "15" in text(11200)
    for code in range(11100, 12301):  # the webhook family starts with "whose URL is it?"
        if code in full() and full()[code]["product"] == "webhooks":
            assert "whose" in text(code) or "your own" in text(code), code
    assert "alcohol" not in text(30441)
    assert "calls" in text(21610)


def test_lc_help_articles_of_the_lc_dictionary_are_linked():
    for code in (21661, 30002, 30006, 30008, 30011, 30023, 30032, 30033, 21612, 30034, 21606):
        assert full()[code]["lc_help"], code
    assert any(item["article"] == 48001237726 for item in full()[30007]["lc_help"])


@pytest.mark.slow
@pytest.mark.skipif(not ORIGINALITY.exists(), reason="the shared reference tools are not beside this checkout")
def test_entries_share_no_wording_with_the_reference_texts():
    result = subprocess.run([sys.executable, str(ORIGINALITY), str(CODES_DIR)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
