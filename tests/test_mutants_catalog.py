"""The Catalog, pinned where mutation testing (issue 12) found it unpinned: typo suggestions, membership,
what a damaged entry line is reported as, fields read back from the file (former titles' snapshots,
LC help articles), a data file that goes away, and the messages of parse_code."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import errdict
from entries import compiled_catalog, entry_text, reference_text
from errdict import Catalog, CatalogDataError, UnknownCodeError, parse_code


def suggestions_for(catalog: Catalog, code: int) -> tuple[int, ...]:
    with pytest.raises(UnknownCodeError) as caught:
        catalog.lookup(code)
    assert caught.value.suggestions == catalog.suggestions(code)
    return caught.value.suggestions


@pytest.fixture(scope="module")
def small_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    """21610 and 30004 (full), and reference codes chosen for the suggestion cases."""
    texts = {21610: entry_text(21610, related=30004), 30004: entry_text(30004, related=21610)}
    texts.update({code: reference_text(code) for code in (2999, 30007, 44000, 4449, 40000, 444)})
    return compiled_catalog(tmp_path_factory.mktemp("small"), texts).path


@pytest.fixture()
def small(small_file: str) -> Catalog:
    return Catalog(small_file)  # a fresh one per test: nothing read by an earlier test


@pytest.mark.parametrize("asked, first", [
    (3007, 30007),    # a digit dropped beats a same-length code that is only numerically closer
    (44444, 44000),   # nothing one edit away: the same length first (4449 is closer in number)
    (40400, 40000),   # one digit changed; 444 differs in length by two digits, which is no typo
])
def test_suggestions_rank_typos_then_same_length_then_closeness(small, asked, first):
    assert suggestions_for(small, asked)[0] == first


def test_three_suggestions_by_default_and_message_names_them(small):
    with pytest.raises(UnknownCodeError) as caught:
        small.lookup(3007)
    exc = caught.value
    assert len(exc.suggestions) == 3 and len(small.suggestions(3007, limit=5)) == 5
    assert str(exc) == "3007 is not in the errdict catalog; nearest known codes: " + \
        ", ".join(map(str, exc.suggestions))


def test_membership_is_for_int_codes_the_catalog_holds(small):
    assert 21610 in small and 30007 in small
    assert 21611 not in small and 99999 not in small and 3007 not in small
    assert "21610" not in small and 21610.0 not in small


def _damage(catalog: Catalog, folder: Path, at_code: int, **fields: object) -> Catalog:
    """A copy of the data file with some fields of one entry line changed, the line kept at its length
    (padded with spaces) so that every offset still holds."""
    lines = Path(catalog.path).read_bytes().split(b"\n")
    at = next(i for i, line in enumerate(lines) if line.startswith(b'{"code":%d,' % at_code))
    entry = json.loads(lines[at])
    entry.update(fields)
    new = json.dumps(entry, separators=(",", ":")).encode()
    assert len(new) <= len(lines[at]), "the damage must not lengthen the line"
    lines[at] = new + b" " * (len(lines[at]) - len(new))
    target = folder / "damaged.jsonl"
    target.write_bytes(b"\n".join(lines))
    return Catalog(target)


@pytest.mark.parametrize("fields, message", [
    ({"advice": 5}, "(advice is int)"),                                # an optional text holding a number
    ({"title": None}, "(title is NoneType)"),                          # a required text missing
    ({"causes": [1, 2]}, "(causes holds a value of the wrong type)"),  # a list of text holding numbers
    ({"related": [True]}, "(related holds a value of the wrong type)"),  # a bool is no code
])
def test_a_field_of_the_wrong_type_is_damage_naming_the_field(small, tmp_path, fields, message):
    damaged = _damage(small, tmp_path, 21610, **fields)
    with pytest.raises(CatalogDataError) as caught:
        damaged.lookup(21610)
    assert str(caught.value) == f"{damaged.path}: the entry of 21610 is damaged {message}"


def test_an_entry_line_of_another_code_names_both(small, tmp_path):
    damaged = _damage(small, tmp_path, 21610, code=21611)
    with pytest.raises(CatalogDataError) as caught:
        damaged.lookup(21610)
    assert str(caught.value) == f"{damaged.path}: the header places 21610 where the entry of 21611 is"


def test_former_titles_and_lc_help_read_back_from_the_shipped_file():
    catalog = Catalog()  # a fresh one: what it returns is read from the file now
    err = catalog.lookup(13225)
    assert [former.to_dict() for former in err.former_titles] == [
        {"last_listed": "2023-05", "title": "Dial: Call blocked by Twilio block list"}]
    (article,) = catalog.lookup(21606).lc_help  # its line names no portal: the default one
    assert (article.portal, article.article) == ("leadconnector", 155000005198)
    assert article.title.startswith("LC Phone help: ") and article.url.endswith("155000005198")


def test_a_data_file_removed_after_opening_is_reported_with_its_path(tmp_path):
    catalog = compiled_catalog(tmp_path, {21610: entry_text(21610, related=30004),
                                          30004: entry_text(30004, related=21610)})
    assert catalog.lookup(21610).code == 21610  # the header is read
    Path(catalog.path).unlink()
    with pytest.raises(CatalogDataError) as caught:
        catalog.lookup(30004)
    assert str(caught.value) == f"cannot read the compiled catalog {catalog.path}: No such file or directory"


LONG = "21610" + " " * 996  # 1001 characters: too long to be one code


@pytest.mark.parametrize("given, message", [
    (2.5, "a code is an int or a str, not float"),
    (99, "99 is not an error code (a code has 3 to 6 digits)"),
    ("ERROR 21610 and 30007", "'ERROR 21610 and 30007' holds more than one number; pass one code at a time "
                              "(errdict.scan finds every code in a text)"),
    ("no digits", "no error code in 'no digits'"),
    (LONG, f"{LONG[:40]!r}... is too long to hold one code; errdict.scan finds codes in long texts"),
    ("code -21610", "'code -21610' holds a signed number; a code has no sign"),
    ("code 1234567", "'1234567' in 'code 1234567' is not an error code (a code has 3 to 6 digits)"),
])
def test_parse_code_says_what_is_wrong(given, message):
    with pytest.raises((TypeError, ValueError)) as caught:
        parse_code(given)
    assert str(caught.value) == message


def test_parse_code_bounds():
    assert parse_code("21610" + " " * 995) == 21610  # 1000 characters is not too long
    assert parse_code(100) == 100 and parse_code(999_999) == 999_999 and parse_code("code 999999") == 999_999
    for outside in (99, 1_000_000):
        with pytest.raises(ValueError):
            parse_code(outside)
    assert errdict.lookup(" 21610 ").code == 21610
