"""The command line, pinned where mutation testing (issue 12) found it unpinned: `search --limit`
(its default, 1 as the smallest value, what is refused), the members of `search --json`, the text
listing, and the messages (with their command prefix) of usage errors."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from entries import compiled_catalog, entry_text, reference_text
from errdict import Catalog
from errdict.cli import EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, main

ENTRIES = {
    21610: entry_text(21610, related=30004),
    30004: entry_text(30004, related=21610),
    **{code: reference_text(code) for code in range(30001, 30004)},
    **{code: reference_text(code) for code in range(30005, 30014)},
}
REFERENCE_CODES = [*range(30001, 30004), *range(30005, 30014)]  # 12 codes titled "Reference title for ..."


@pytest.fixture(scope="module")
def catalog_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(compiled_catalog(tmp_path_factory.mktemp("cli"), ENTRIES).path)


@pytest.fixture()
def catalog(catalog_file: Path, monkeypatch: pytest.MonkeyPatch) -> Catalog:
    monkeypatch.delenv("ERRDICT_SITE_URL", raising=False)
    return Catalog(catalog_file)


def run(catalog: Catalog, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out, err, stdin=io.BytesIO(b""), catalog=catalog)
    return status, out.getvalue(), err.getvalue()


def listed(out: str) -> list[int]:
    """The codes of `errdict search`'s text listing (a line "  CODE  title", then the summary)."""
    return [int(line.split()[0]) for line in out.splitlines() if line[:6].strip().isdigit()]


def test_search_lists_ten_by_default_and_limit_sets_how_many(catalog):
    status, out, _ = run(catalog, "search", "reference")
    assert status == EXIT_OK and listed(out) == REFERENCE_CODES[:10]
    status, out, _ = run(catalog, "search", "--limit", "1", "reference")
    assert status == EXIT_OK and listed(out) == REFERENCE_CODES[:1]
    status, out, _ = run(catalog, "search", "--limit", "11", "reference")
    assert status == EXIT_OK and listed(out) == REFERENCE_CODES[:11]


def test_search_text_listing_is_one_line_per_code_then_its_summary(catalog):
    status, out, _ = run(catalog, "search", "--limit", "2", "reference")
    assert status == EXIT_OK
    assert out.splitlines() == [" 30001  Reference title for 30001", "        (not explained yet)",
                                " 30002  Reference title for 30002", "        (not explained yet)"]


@pytest.mark.parametrize("limit", ["0", "-1", "x", "1.5", "\u0661", ""])
def test_search_limit_must_be_a_positive_whole_number(catalog, limit):
    status, out, err = run(catalog, "search", "--limit", limit, "reference")
    assert status == EXIT_USAGE and out == ""
    assert err.startswith(f"errdict: search: argument --limit: not a positive whole number: {limit!r}\n"), err


def test_search_json_names_what_a_script_reads(catalog):
    status, out, _ = run(catalog, "search", "--json", "--limit", "1", "test title 21610")
    assert status == EXIT_OK
    (found,) = json.loads(out)
    assert set(found) == {"code", "title", "summary", "explained", "level", "product", "retry", "action",
                          "who_acts", "url", "upstream_url"}
    assert (found["code"], found["title"], found["level"], found["product"], found["action"], found["who_acts"]) == \
        (21610, "Test title for 21610", "error", "messaging", "stop-messaging", ["sender"])
    assert found["summary"].startswith("Something went wrong") and found["upstream_url"].endswith("21610")


def test_search_that_matches_nothing_exits_1(catalog):
    status, out, err = run(catalog, "search", "zzzqqq")
    assert (status, out) == (EXIT_NOT_FOUND, "")
    assert err == "errdict: search: nothing matches 'zzzqqq'\n"


def test_an_argument_without_a_code_is_a_usage_error_saying_why(catalog):
    status, out, err = run(catalog, "hello")
    assert status == EXIT_USAGE and out == ""
    first = err.splitlines()[0]
    assert first.startswith("errdict: ") and "hello" in first and "None" not in first
    assert err.splitlines()[1].startswith("usage: ")


def test_usage_errors_name_the_subcommand_and_only_it(catalog):
    status, _, err = run(catalog, "--bogus", "21610")
    assert status == EXIT_USAGE and err.startswith("errdict: unrecognized arguments: --bogus\n"), err
    status, _, err = run(catalog, "search", "--bogus", "x")
    assert status == EXIT_USAGE and err.startswith("errdict: search: unrecognized arguments: --bogus\n"), err


def test_help_goes_to_standard_output_and_exits_0(catalog):
    status, out, err = run(catalog, "search", "--help")
    assert status == EXIT_OK and err == ""
    assert out.startswith("usage: errdict search") and "--limit N" in out and "WORD" in out


def test_ascii_output_separates_with_a_hyphen(catalog, monkeypatch):
    class Ascii(io.StringIO):
        encoding = "ascii"

    out, err = Ascii(), io.StringIO()
    assert main(["21610"], out, err, catalog=catalog) == EXIT_OK
    text = out.getvalue()
    assert text.isascii() and "\u00b7" not in text and " - " in text, text
    out = io.StringIO()
    assert main(["21610"], out, io.StringIO(), catalog=catalog) == EXIT_OK
    assert "\u00b7" in out.getvalue()
