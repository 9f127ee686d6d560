"""Search ranking, pinned where mutation testing (issue 12) found it unpinned: the weight of each field,
the phrase and whole-field bonuses, prefix matching, the tie-breaks, code queries and the default limit.

Each ranking test is a pair of codes of a small fixture catalog whose scores differ only by the rule
under test, with the tie-break (explained first, then tier, then the lower code) favouring the code
that must NOT come first: a rule that went missing puts the other code first. The words are Greek
letter names, which no other fixture entry holds.
"""
from __future__ import annotations

import pytest

import errdict
from entries import compiled_catalog, entry_text, reference_text
from errdict import Catalog

SUMMARY = "summary: Something went wrong with the message in a way a person can understand."
DESCRIPTION = "  A description of what the code means, where it arises and what it implies."
TITLE = "title: Test title for {code}"
ALIAS = 'aliases: ["Alias label of {code}"]'


def full(code: int, **lines: str) -> str:
    """A full entry (no tier) with some of its lines changed: title=..., alias=..., summary=..., ..."""
    swap = {}
    if "title" in lines:
        swap[TITLE.format(code=code)] = f"title: {lines['title']}"
    if "alias" in lines:
        swap[ALIAS.format(code=code)] = f'aliases: ["{lines["alias"]}"]'
    if "summary" in lines:
        swap[SUMMARY] = f"summary: {lines['summary']}"
    if "description" in lines:
        swap[DESCRIPTION] = f"  {lines['description']}"
    if "former" in lines:
        swap["status: active"] = f'status: active\nformer_titles:\n  - title: "{lines["former"]}"'
    return entry_text(code, related=21610 if code != 21610 else 30004, **swap)


def reference(code: int, title: str, tier: str = "ext") -> str:
    return reference_text(code, **{f'title: "Reference title for {code}"': f'title: "{title}"',
                                   "lc_tier: ext": f"lc_tier: {tier}"})


ENTRIES = {
    21610: full(21610),
    30004: full(30004),
    # explained first: the full entry wins a tie over the reference entry of a better tier and lower code
    11001: reference(11001, "Zeta quokka"),
    11002: full(11002, title="Zeta quasar"),
    # the tier: core before out, whatever the code; a tier before no tier
    12001: reference(12001, "Omega quill", tier="out"),
    12002: reference(12002, "Omega quince", tier="core"),
    12101: full(12101, title="Iota quiver"),
    12102: full(12102, title="Iota quorum").replace("status: active", "lc_tier: out\nstatus: active"),
    # a code's own number outranks the number in another code's title
    13001: full(13001, title="Eta gadget after 13002"),
    13002: reference(13002, "Eta bracket"),
    # the current title outranks the same words in another code's former title (weights 5 and 4)
    14001: full(14001, former="Lambda kappa gadget"),
    14002: reference(14002, "Lambda kappa widget"),
    # an alias outranks a title (weights 6 and 5)
    15001: full(15001, alias="Sigma tau foo"),
    15002: reference(15002, "Sigma tau bar"),
    # a summary (2, with phrase bonuses) outranks a description (1, word by word only)
    16001: full(16001, description="A description where phi and rho appear, never in a row."),
    16002: full(16002, summary="Something about phi went wrong for the rho of the message."),
    # an exact word in a summary (2) is worth less than a title that starts with it (5 x 0.6)
    17001: full(17001, summary="Something about upsilon went wrong with the message."),
    17002: reference(17002, "Upsilonic trouble"),
    # the words in a row (a phrase) in a title beat the same words apart in an alias
    18001: full(18001, alias="Nu big xi"),
    18002: reference(18002, "Nu xi gizmo"),
    # a title that is the query as a whole beats an alias that starts with the query
    19001: full(19001, alias="Chi psi omicron"),
    19002: reference(19002, "Chi psi"),
    # a code and a longer code that starts with its digits
    20001: reference(20001, "Mu first"),
    200011: reference(200011, "Mu second"),
}
# more than one page of results for "reference"
PAGE = {code: reference_text(code) for code in range(30001, 30013)}


@pytest.fixture(scope="module")
def catalog_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    return compiled_catalog(tmp_path_factory.mktemp("search"), {**ENTRIES, **PAGE}).path


@pytest.fixture()
def catalog(catalog_file: str) -> Catalog:
    return Catalog(catalog_file)  # a fresh one per test: each builds its own search index


def codes(catalog: Catalog, query: str, limit: int | None = None) -> list[int]:
    return [err.code for err in catalog.search(query, limit=limit)]


@pytest.mark.parametrize("query, first, second", [
    ("zeta", 11002, 11001),        # tie: explained first
    ("omega", 12002, 12001),       # tie: core before out
    ("iota", 12102, 12101),        # tie: a tier before no tier
    ("lambda kappa", 14002, 14001),  # title over former title
    ("sigma tau", 15001, 15002),   # alias over title
    ("phi rho", 16002, 16001),     # summary over description, even with the description's words in a row
    ("upsilon", 17002, 17001),     # start of a title word over an exact summary word
    ("nu xi", 18002, 18001),       # phrase in a title over the words apart in an alias
    ("chi psi", 19002, 19001),     # the whole title over the start of an alias
])
def test_ranking_rules_decide_the_order(catalog, query, first, second):
    assert codes(catalog, query) == [first, second]


def test_a_code_with_a_word_is_a_word_search_where_the_code_itself_weighs_most(catalog):
    # "13002 eta": not a code query (a word other than "error", "code", ...), so 13001, whose title
    # holds both, is found too, after the code itself
    assert codes(catalog, "13002 eta") == [13002, 13001]


def test_words_match_as_the_start_of_a_longer_word_from_three_letters(catalog):
    assert codes(catalog, "upsi") == [17002, 17001]  # "Upsilonic" in a title, "upsilon" in a summary
    assert codes(catalog, "ups") == [17002, 17001]
    assert codes(catalog, "up") == []  # two letters match whole words only


def test_a_description_word_finds_the_code(catalog):
    assert codes(catalog, "appear") == [16001]


def test_apostrophes_are_dropped_on_both_sides(tmp_path):
    catalog = compiled_catalog(tmp_path, {
        21610: full(21610, title="Recipient\u2019s handset refused"),
        30004: full(30004, alias="Carrier's own block"),
    })
    for query in ("recipient's handset", "recipient\u2019s handset", "recipients handset"):
        assert codes(catalog, query) == [21610], query
    for query in ("carrier's own", "carrier\u2019s own", "carriers own"):
        assert codes(catalog, query) == [30004], query


def test_a_code_query_lists_the_code_first_then_the_longer_codes(catalog):
    assert codes(catalog, "20001") == [20001, 200011]
    assert codes(catalog, "error 200011") == [200011]  # six digits are a code too
    assert codes(catalog, "2000111") == []  # seven digits are no code


def test_the_real_catalog_lists_an_exact_code_before_the_longer_ones():
    found = [err.code for err in errdict.search("21660", limit=None)]
    assert found[0] == 21660 and 216602 in found
    assert [err.code for err in errdict.search("216602")] == [216602]


def test_ten_results_by_default(catalog):
    assert len(codes(catalog, "reference")) > 10
    assert len(catalog.search("reference")) == 10
    assert len(errdict.search("message")) == 10


def test_bad_arguments_say_what_was_given(catalog):
    with pytest.raises(TypeError, match="search text must be a str, not int"):
        catalog.search(21610)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"not -1$"):
        catalog.search("zeta", limit=-1)
