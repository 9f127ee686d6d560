"""The runtime library: Catalog, lookup, the value objects, iteration, suggestions, search."""
from __future__ import annotations

import copy
import json
import os
import pickle
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from thorough import examples

import errdict
from entries import compiled_catalog, entry_text, real_catalog, reference_text
from errdict import (
    Catalog,
    CatalogDataError,
    ErrorCode,
    FormerTitle,
    HelpArticle,
    Link,
    UnknownCodeError,
    lookup,
    parse_code,
)
from errdict._catalog import suggest
from errdict._value import FrozenInstanceError
from generator import compile as compile_mod
from generator import schema
from generator.catalog import CODES_DIR

REPO = Path(__file__).resolve().parent.parent


def source() -> dict[int, dict]:
    """codes/ as the generator loads it, by code (read once, when a test first needs it)."""
    return real_catalog().by_code()
DERIVED = {"url", "level_title", "product_title", "retry_title", "action_title", "who_acts_titles", "explained",
           "upstream_url"}


def _source_form(found: dict) -> dict:
    """A lookup's to_dict() in the normalized entry's form (defaults the compiled file left out included)."""
    out = {key: value for key, value in found.items() if key not in DERIVED}
    out["lc_help"] = [{k: v for k, v in item.items() if k != "url"} for item in out["lc_help"]]
    return out


def test_every_entry_round_trips_from_yaml_to_lookup():
    """The compiled copy equals the source: for every entry, lookup(code) is what the YAML says."""
    assert [e.code for e in errdict.iter_codes()] == sorted(source())
    site = compile_mod.site_url()
    for code, entry in source().items():
        found = lookup(code).to_dict()
        assert found["url"] == f"{site}codes/{code}/"
        expected = dict(entry, lc_help=[{"portal": "leadconnector", **item} for item in entry["lc_help"]])
        assert _source_form(found) == expected, code


@pytest.mark.slow
def test_compiled_data_is_not_stale():
    result = subprocess.run([sys.executable, "-m", "generator", "compile", "--check"], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
def test_compile_check_shows_what_is_stale_and_how_to_fix_it(tmp_path, capsys):
    from generator.__main__ import compile_catalog

    out = tmp_path / "catalog.jsonl"
    assert compile_catalog(codes_dir=CODES_DIR, out=out) == 0
    assert compile_catalog(check=True, codes_dir=CODES_DIR, out=out) == 0
    out.write_bytes(out.read_bytes().replace(b"Attempt to send", b"Attempt to mail"))
    capsys.readouterr()
    assert compile_catalog(check=True, codes_dir=CODES_DIR, out=out) == 1
    err = capsys.readouterr().err
    assert "-" in err and "Attempt to mail" in err and "+" in err and "Attempt to send" in err
    assert "run `python -m generator compile`" in err


def test_21610_reads_as_the_entry_says():
    err = lookup(21610)
    assert isinstance(err, ErrorCode) and err.explained and err.kind == "full"
    assert (err.code, err.title, err.level, err.product) == (
        21610, "Attempt to send to unsubscribed recipient", "error", "messaging")
    assert (err.retry, err.action, err.retryable) == ("never", "stop-messaging", False)
    assert err.action_title == "Stop messaging the recipient" and err.product_title == "Messaging"
    assert err.who_acts[0] == "sender" and err.who_acts_titles[0] == "The sender (in the LC app)"
    assert err.tell_customer and len(err.tell_customer.split()) <= 70
    assert str(err) == "21610: Attempt to send to unsubscribed recipient"
    assert isinstance(err.causes, tuple) and len(err.causes) >= 2
    assert err.upstream_url == "https://www.twilio.com/docs/api/errors/21610"


def test_a_reference_code_resolves_with_its_facts_and_no_guessed_advice():
    found = [err for err in errdict.iter_codes() if not err.explained]
    assert found, "the catalog lists codes it has not explained"
    err = found[0]
    assert (err.retry, err.action) == ("unknown", "unknown")
    assert err.retry_title == "No retry advice yet" and err.action_title == "No recommended action yet"
    assert err.summary is None and err.causes == () and err.who_acts == () and err.tell_customer is None
    data = err.to_dict()
    assert data["explained"] is False and data["retry"] == "unknown" and data["upstream_url"].endswith(str(err.code))
    problem = err.as_problem()
    assert problem["explained"] is False and problem["retry"] == "unknown" and "not explained" in problem["detail"]


def test_every_code_of_the_upstream_list_resolves():
    import csv

    with (Path(__file__).with_name("data") / "upstream-codes.tsv").open(encoding="utf-8") as handle:
        codes = [int(row["code"]) for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]
    assert len(codes) == 2809 and min(codes) == 400 and max(codes) == 530004
    for code in codes:
        assert lookup(code).code == code


@pytest.mark.parametrize("given", [21610, "21610", " 21610 ", "ERROR: 21610", "Error 21610", "#21610",
                                   "error_code=21610", "21610\n"])
def test_accepted_spellings_of_one_code(given):
    assert lookup(given) is lookup(21610)


class _Lying(int):
    def __int__(self) -> int:
        return 30007

    def __index__(self) -> int:
        return 30007


def test_an_int_subclass_counts_by_its_value_not_by_what_it_claims():
    assert lookup(_Lying(21610)).code == 21610
    assert parse_code(_Lying(21610)) == 21610


@pytest.mark.parametrize("given", [True, False, 21610.0, None, b"21610", [21610], object()])
def test_other_types_raise_type_error(given):
    with pytest.raises(TypeError):
        lookup(given)


@pytest.mark.parametrize("given", ["", "   ", "abc", "21610 30007", "Error 21610 at 12:30", "216.10",
                                   "+14155550123", "1234567", "0123", "12", 12, -21610, "-21610", "\u221221610",
                                   0, "٢١٦١٠", "21610" + "0" * 2000])
def test_no_code_two_codes_or_a_sign_raise_value_error(given):
    with pytest.raises(ValueError):
        lookup(given)


def test_unknown_code_raises_a_lookup_error_with_the_nearest_codes():
    with pytest.raises(UnknownCodeError) as caught:
        lookup(21609 if 21609 not in source() else 99998)
    exc = caught.value
    assert isinstance(exc, LookupError) and len(exc.suggestions) == 3
    assert all(code in source() for code in exc.suggestions)
    assert str(exc).startswith(f"{exc.code} is not in the errdict catalog; nearest known codes: ")


@pytest.mark.parametrize("known, asked, first", [
    ([21610, 21601, 30007], 21061, 21601),   # two neighbouring digits swapped: 21061 -> 21601
    ([21610, 21601, 30007], 21160, 21610),   # 21160 -> 21610 (swap), not the numerically closer 21601
    ([21610, 21614, 30007], 21615, 21614),   # both one digit changed: the numerically closer first
    ([30007, 30070, 31007], 3007, 30007),    # a digit dropped
    ([2161, 21610, 21700], 216100, 21610),   # a digit added
    ([40000, 50000], 44444, 40000),           # nothing one edit away: numerically closest
])
def test_suggestions_prefer_one_typo_away_then_numeric_closeness(known, asked, first):
    assert suggest(known, asked, 1) == (first,)


def test_swapped_digits_win_over_numeric_closeness():
    assert suggest([21601, 21609], 21061, 1) == (21601,)  # 21609 is closer in number, but not one edit away
    assert suggest([21601, 21609], 21061, 2) == (21601, 21609)
    assert suggest([1, 2, 3], 2, 0) == () and suggest([1, 2, 3], 2, -5) == ()


@given(st.deferred(lambda: st.sampled_from(sorted(source()))))
@settings(max_examples=examples(200), deadline=None)
def test_lookup_never_returns_the_wrong_entry(code):
    assert lookup(code).code == code
    assert lookup(str(code)).code == code


def test_error_code_is_immutable_hashable_and_compares_every_field():
    err = lookup(21610)
    with pytest.raises(FrozenInstanceError):
        err.title = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del err.title  # type: ignore[misc]
    with pytest.raises(AttributeError):
        err.extra = 1  # type: ignore[attr-defined]  # slots: no other attribute either
    other = err._replace(summary=err.summary + " ")
    assert other != err and hash(err) == hash(lookup(21610))
    assert {err: 1}[lookup(21610)] == 1
    assert err._fields == tuple(ErrorCode.__annotations__) and len(err._fields) == 34
    for name in err._fields:  # equality looks at every field
        value = getattr(err, name)
        changed = (value + 1 if isinstance(value, int) else (*value, "x") if isinstance(value, tuple)
                   else (value or "") + "x")
        assert err._replace(**{name: changed}) != err, name
    assert err != err.to_dict() and err != tuple(getattr(err, name) for name in err._fields)
    assert pickle.loads(pickle.dumps(err)) == err and copy.copy(err) == err
    match err:
        case ErrorCode(code, "full", title):
            assert (code, title) == (21610, err.title)
        case _:
            pytest.fail("ErrorCode matches by position")


def test_value_objects_are_built_by_position_or_name_with_their_defaults():
    assert HelpArticle("Title", 123) == HelpArticle(title="Title", article=123, portal="leadconnector")
    assert FormerTitle("Old").last_listed is None and FormerTitle("Old", "2023-05").last_listed == "2023-05"
    assert repr(Link("Docs", "https://example.com/")) == "Link(title='Docs', url='https://example.com/')"
    assert Link("a", "b") != FormerTitle("a", "b") and Link("a", "b") == Link(url="b", title="a")
    with pytest.raises(TypeError, match=r"Link\(\) is missing the field 'url'"):
        Link("a")
    with pytest.raises(TypeError, match=r"Link\(\) has no field 'href'"):
        Link("a", "b", href="c")
    with pytest.raises(TypeError, match=r"Link\(\) got field 'title' twice"):
        Link("a", title="b")
    with pytest.raises(TypeError, match=r"Link\(\) takes 2 fields, 3 given"):
        Link("a", "b", "c")
    with pytest.raises(TypeError, match="has no field 'href'"):
        Link("a", "b")._replace(href="c")


def test_to_dict_is_plain_json_and_names_every_field():
    data = lookup(21610).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert set(schema.field_order()) | DERIVED == set(data)


def test_site_url_can_be_overridden_with_http_urls_only():
    assert lookup(21610, site_url="https://example.org/help").url == "https://example.org/help/codes/21610/"
    for bad in ("javascript:alert(1)", "ftp://x/", "file:///etc", "example.org", "https://", "https://a b/"):
        with pytest.raises(ValueError, match="http"):
            lookup(21610, site_url=bad)


def test_environment_overrides_the_site_url_and_is_checked():
    script = "import errdict; print(errdict.lookup(21610).url)"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, "ERRDICT_SITE_URL": "https://mirror.example/errdict"})
    assert done.stdout.strip() == "https://mirror.example/errdict/codes/21610/"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, "ERRDICT_SITE_URL": "javascript:alert(1)"})
    assert done.returncode != 0 and "ERRDICT_SITE_URL must be an http:// or https:// URL" in done.stderr


def test_import_does_no_work():
    script = ("import sys, errdict; c = errdict.default_catalog(); "
              "print(c._header is None, 'errdict._scan' in sys.modules, 'json' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, check=True)
    assert done.stdout.split()[:2] == ["True", "False"]


def test_first_lookups_from_many_threads_agree(tmp_path):
    catalog = Catalog(errdict.default_catalog().path)
    found: list[ErrorCode] = []
    barrier = threading.Barrier(16)

    def work() -> None:
        barrier.wait()
        found.append(catalog.lookup(21610))

    threads = [threading.Thread(target=work) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 16 and all(item is found[0] for item in found)


def _fixture(tmp_path: Path) -> Catalog:
    return compiled_catalog(tmp_path, {21610: entry_text(21610, related=30004), 30004: entry_text(30004, related=21610),
                                       13999: reference_text(13999)})


def test_a_catalog_opened_on_fixture_data(tmp_path):
    catalog = _fixture(tmp_path)
    assert (catalog.codes() == (13999, 21610, 30004) and len(catalog) == 3
            and 21610 in catalog and "21610" not in catalog)
    assert catalog.lookup(13999).retry == "unknown" and catalog.lookup("Error 21610").code == 21610
    assert catalog.site_url == "https://errdict.example/"
    assert catalog.aliases() == {"alias label of 21610": 21610, "alias label of 30004": 30004}
    assert [err.code for err in catalog] == [13999, 21610, 30004]
    with pytest.raises(UnknownCodeError) as caught:
        catalog.lookup(21611)
    assert caught.value.suggestions == (21610, 13999, 30004)  # one typo away, then numerically closest


def test_crlf_line_endings_still_read_correctly(tmp_path):
    catalog = _fixture(tmp_path)
    crlf = tmp_path / "crlf.jsonl"
    crlf.write_bytes(Path(catalog.path).read_bytes().replace(b"\n", b"\r\n"))
    copy = Catalog(crlf)
    assert copy.lookup(30004) == catalog.lookup(30004)
    assert list(copy) == list(catalog) and copy.aliases() == catalog.aliases()


@pytest.mark.parametrize("damage", [
    lambda data: b"",
    lambda data: b"not json\n" + data,
    lambda data: data[: len(data) // 2],
    lambda data: data.replace(b'"format":2', b'"format":9', 1),
    lambda data: data.replace(b'"offsets":[0,', b'"offsets":[5,', 1),
    lambda data: data.replace(b'"codes":[13999', b'"codes":["x"', 1),
    lambda data: data.replace(b'{"code":21610', b'{"code":21611', 1),
    lambda data: data.replace(b'"title":"Test title for 21610"', b'"title":7,"x":"', 1),
    lambda data: data.splitlines(keepends=True)[0],
    lambda data: data.rsplit(b"\n", 2)[0] + b"\n{broken\n",
])
def test_a_damaged_data_file_raises_catalog_data_error_never_the_wrong_entry(tmp_path, damage):
    good = _fixture(tmp_path)
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(damage(Path(good.path).read_bytes()))
    catalog = Catalog(bad)
    with pytest.raises(CatalogDataError):
        catalog.lookup(21610)
        list(catalog)
        catalog.aliases()


def test_a_missing_data_file_raises_catalog_data_error(tmp_path):
    with pytest.raises(CatalogDataError, match="cannot read the compiled catalog"):
        Catalog(tmp_path / "nothing.jsonl").lookup(21610)


def test_parse_code_is_exposed():
    assert parse_code(" ERROR: 30007 ") == 30007 and errdict.parse_code is parse_code


def test_a_removed_code_keeps_its_entry_and_names_its_replacement(tmp_path):
    catalog = compiled_catalog(tmp_path, {
        21610: entry_text(21610, related=30004, **{"status: active": "status: removed\nreplaced_by: 30004"}),
        30004: entry_text(30004, related=21610)})
    err = catalog.lookup(21610)
    assert (err.status, err.replaced_by) == ("removed", 30004)
    problem = err.as_problem()
    assert problem["status_of_code"] == "removed" and problem["replaced_by"] == 30004


# --- search ------------------------------------------------------------------------------------------

# Real queries and the code that must come first, on the site and on the command line alike
# (tests/browser/test_search_browser.py runs the same table through the site's search box).
SEARCH_TABLE = [
    ("21610", 21610), ("2161", 21610), ("30 007", 30007), ("ERROR 30007", 30007), ("error: 30007", 30007),
    ("Error Code 11200", 11200), ("#21610", 21610), ("3000", 30001),
    ("carrier violation", 30007), ("Carrier Violation", 30007), ("opt out", 21610), ("user replied stop", 21610),
    ("unsubscribed recipient", 21610), ("attempt to send to unsubscribed recipient", 21610),
    ("message filtered", 30007), ("unknown error", 30008), ("landline or unreachable carrier", 30006),
    ("queue overflow", 30001), ("account suspended", 30002), ("unreachable destination handset", 30003),
    ("daily message cap reached", 30023), ("toll free number not verified", 30032),
    ("A2P campaign suspended or deleted", 30033), ("http retrieval failure", 11200),
    ("invalid to phone number", 21211), ("outbound messaging disabled", 30037),
    ("Toll-Free phone number verification rejection - Content Violation", 30441),  # a former title
    ("dnd", 30004), ("do not disturb", 21610),  # 30004's LC label mentions DND; its page explains 21610
    ("sub-account suspended", 30002), ("mms not supported", 30011), ("too many requests", 20429),
    ("outside messaging window", 63016), ("terms & conditions", 30882),
]


@pytest.mark.parametrize("query, first", SEARCH_TABLE)
def test_search_puts_the_right_code_first(query, first):
    results = errdict.search(query)
    assert results and results[0].code == first, [e.code for e in results[:5]]


def test_undelivered_finds_the_delivery_failures():
    codes = [e.code for e in errdict.search("undelivered")]
    assert codes and codes[0] in (30003, 30004, 30005, 30006, 30007, 30008)


def test_search_by_code_prefix_lists_the_codes_in_order():
    codes = [e.code for e in errdict.search("2161", limit=None)]
    assert codes[0] == 21610 and codes == sorted(codes) and all(str(c).startswith("2161") for c in codes)
    assert [e.code for e in errdict.search("1234567")] == []


def test_search_rejects_a_negative_limit_and_non_text():
    with pytest.raises(ValueError):
        errdict.search("opt out", limit=-1)
    with pytest.raises(TypeError):
        errdict.search(21610)  # type: ignore[arg-type]
    assert errdict.search("opt out", limit=0) == [] and errdict.search("   ") == [] and errdict.search("the") == []
    assert len(errdict.search("message", limit=None)) > len(errdict.search("message"))


def test_search_is_linear_in_the_query():
    import time

    long_query = "carrier violation " * 50_000
    started = time.perf_counter()
    assert errdict.search(long_query)[0].code == 30007
    assert time.perf_counter() - started < 2.0


def test_every_meaningful_word_must_match():
    assert errdict.search("carrier violation zzzqqq") == []
    assert all("filter" in " ".join([e.title, *e.aliases, e.summary or "", e.description or ""]).casefold()
               for e in errdict.search("filtered", limit=None)[:20])
