"""The runtime library: lookup, the value object, iteration and search."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import errdict
from errdict import ErrorCode, UnknownCodeError, lookup, parse_code
from errdict._catalog import CatalogDataError, _Catalog
from generator import compile as compile_mod
from generator.catalog import CODES_DIR, load_catalog

REPO = Path(__file__).resolve().parent.parent
SOURCE = {entry["code"]: entry for entry in load_catalog(CODES_DIR).entries}
SITE = compile_mod.site_url()


def test_every_entry_round_trips_from_yaml_to_lookup():
    """The compiled copy equals the source: for every entry, lookup(code) is what the YAML says."""
    assert [e.code for e in errdict.iter_codes()] == sorted(SOURCE)
    for code, entry in SOURCE.items():
        found = lookup(code).to_dict()
        url = found.pop("url")
        assert found == entry, code
        assert url == f"{SITE}codes/{code}/"


def test_compiled_data_is_not_stale():
    result = subprocess.run([sys.executable, "-m", "generator", "compile", "--check"], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_compile_check_notices_a_stale_file(tmp_path):
    from generator.__main__ import compile_catalog

    out = tmp_path / "catalog.jsonl"
    assert compile_catalog(codes_dir=CODES_DIR, out=out) == 0
    assert compile_catalog(check=True, codes_dir=CODES_DIR, out=out) == 0
    out.write_bytes(out.read_bytes().replace(b"Attempt to send", b"Attempt to mail"))
    assert compile_catalog(check=True, codes_dir=CODES_DIR, out=out) == 1


def test_21610_reads_as_the_entry_says():
    err = lookup(21610)
    assert isinstance(err, ErrorCode)
    assert (err.code, err.title, err.level, err.product) == (
        21610, "Attempt to send to unsubscribed recipient", "error", "messaging")
    assert (err.retry, err.action, err.retryable) == ("never", "stop-messaging", False)
    assert err.action_title == "Stop messaging the recipient"
    assert err.product_title == "Messaging"
    assert str(err) == "21610: Attempt to send to unsubscribed recipient"
    assert isinstance(err.causes, tuple) and len(err.causes) >= 2


@pytest.mark.parametrize("given", [21610, "21610", " 21610 ", "ERROR: 21610", "Error 21610", "#21610",
                                   "error_code=21610", "21610\n"])
def test_accepted_spellings_of_one_code(given):
    assert lookup(given) is lookup(21610)


@pytest.mark.parametrize("given", [True, False, 21610.0, None, b"21610", [21610], object()])
def test_other_types_raise_type_error(given):
    with pytest.raises(TypeError):
        lookup(given)


@pytest.mark.parametrize("given", ["", "   ", "abc", "21610 30007", "Error 21610 at 12:30", "216.10",
                                   "+14155550123", "1234567", "0123", "12", 12, -21610, 0, "٢١٦١٠"])
def test_no_code_or_two_codes_raise_value_error(given):
    with pytest.raises(ValueError):
        lookup(given)


def test_unknown_code_raises_a_lookup_error_with_the_nearest_codes():
    with pytest.raises(LookupError) as caught:
        lookup(21601 + 29)  # 21630: one digit away from 21631 and 21620
    exc = caught.value
    assert isinstance(exc, UnknownCodeError) and not isinstance(exc, ValueError)
    assert exc.code == 21630
    assert exc.suggestions[:1] == (21631,)
    assert set(exc.suggestions) <= set(SOURCE)
    assert "21630 is not in the errdict catalog; nearest known codes: 21631" in str(exc)


def test_swapped_digits_suggest_the_right_code():
    with pytest.raises(UnknownCodeError) as caught:
        lookup(26110)  # 21610 with two digits swapped
    assert caught.value.suggestions[0] == 21610


@settings(max_examples=300, deadline=None)
@given(st.integers(100, 999_999))
def test_lookup_never_returns_the_wrong_entry(code):
    if code in SOURCE:
        assert lookup(code).code == code
        assert lookup(str(code)).code == code
    else:
        with pytest.raises(UnknownCodeError) as caught:
            lookup(code)
        assert caught.value.code == code


def test_error_code_is_immutable_and_hashable():
    err = lookup(30007)
    with pytest.raises(AttributeError):
        err.title = "changed"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del err.title
    assert {err: 1}[lookup("30007")] == 1
    assert err == ErrorCode(**{name: getattr(err, name) for name in err.__slots__})
    assert err != lookup(30003)


def test_to_dict_is_plain_json():
    data = lookup(21610).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert isinstance(data["causes"], list) and isinstance(data["links"][0], dict)


def test_site_url_can_be_overridden():
    err = lookup(21610, site_url="https://help.example.net/errors")
    assert err.url == "https://help.example.net/errors/codes/21610/"
    assert lookup(21610).url == f"{SITE}codes/21610/"  # the cached default is untouched


def test_environment_overrides_the_site_url():
    code = ("import errdict; print(errdict.lookup(21610).url)")
    env = dict(os.environ, ERRDICT_SITE_URL="https://mirror.example.com/", PYTHONPATH=str(REPO))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "https://mirror.example.com/codes/21610/"


def test_import_does_no_work():
    code = ("import errdict, errdict._catalog as c; "
            "print(c.CATALOG._index is None, len(c.CATALOG.cache), 'json' in __import__('sys').modules)")
    out = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, PYTHONPATH=str(REPO)),
                         capture_output=True, text=True, check=True)
    assert out.stdout.split()[:2] == ["True", "0"]


def test_first_lookups_from_many_threads_agree(tmp_path):
    catalog = _Catalog(errdict._catalog.DATA_FILE)
    barrier = threading.Barrier(8)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(catalog.get(21610))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) == 8 and all(r is results[0] for r in results)


def test_a_damaged_data_file_is_reported_not_misread(tmp_path):
    good = Path(errdict._catalog.DATA_FILE).read_bytes()
    header, rest = good.split(b"\n", 1)
    lines = rest.split(b"\n")
    lines[0], lines[1] = lines[1], lines[0]  # swap two entry lines: offsets now point wrongly
    damaged = tmp_path / "catalog.jsonl"
    damaged.write_bytes(header + b"\n" + b"\n".join(lines))
    catalog = _Catalog(str(damaged))
    with pytest.raises(CatalogDataError):
        catalog.get(int(json.loads(header)["codes"][0]))
    missing = _Catalog(str(tmp_path / "nothing.jsonl"))
    with pytest.raises(CatalogDataError, match="cannot read the compiled catalog"):
        missing.get(21610)


def test_parse_code_is_exposed():
    assert parse_code("Error 30007") == 30007


def test_search_ranks_title_and_alias_matches():
    assert errdict.search("unsubscribed recipient")[0].code == 21610
    assert errdict.search("Carrier Violation")[0].code == 30007  # the LC workflow label
    assert errdict.search("21610")[0].code == 21610
    assert errdict.search("landline")[0].code in (21635, 30006)
    assert errdict.search("zzzz qqqq") == []
    assert errdict.search("unsubscribed zzzz") == []  # every word must match
    assert len(errdict.search("message", limit=3)) == 3
    with pytest.raises(TypeError):
        errdict.search(21610)  # type: ignore[arg-type]


def test_a_removed_code_keeps_its_entry_and_names_its_replacement(tmp_path, monkeypatch):
    from entries import entry_text, write_pair

    codes = tmp_path / "codes"
    write_pair(codes, entry_text(**{"status: active": "status: removed\nreplaced_by: 30004"}))
    entries = load_catalog(codes).entries
    data = tmp_path / "catalog.jsonl"
    data.write_bytes(compile_mod.render_catalog(entries, "https://help.example.org/"))
    catalog = _Catalog(str(data))
    removed = catalog.get(21610)
    assert (removed.status, removed.replaced_by) == ("removed", 30004)
    assert removed.url == "https://help.example.org/codes/21610/"
    problem = removed.as_problem()
    assert problem["replaced_by"] == 30004
    assert catalog.get(30004).status == "active"
    assert catalog.get(30005) is None
