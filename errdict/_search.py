"""Ranked search over the catalog: the one ranking that ``errdict search`` and the help site share.

The site's search box runs the same algorithm in JavaScript over an index the generator writes from
:func:`documents` (the weights and word lists below travel with that index), so the same query puts
the same code first in both.

A query is one of two kinds:

* **a code, or its first digits**: only digits, with at most the words "error", "code" and the like
  around them ("30007", "30 007", "ERROR 30007", "2161"). The code itself comes first, then every code
  that starts with those digits, in numeric order.
* **words**: every meaningful word (stop words aside) must match a word of the code's title, a former
  title, an alias or its summary, exactly or, for a word of 3 letters or more, as the start of one.
  Each word scores the weight of the best field it matches (a start-of-word match scores
  :data:`PREFIX_FACTOR` of it); the words in a row, as in the field, add :data:`PHRASE_BONUS` times
  that field's weight, and a field that is the query as a whole adds :data:`WHOLE_BONUS` times it
  (the description is matched word by word only: it widens what is found, it does not rank phrases).
  Ties go to explained codes, then to codes LC Phone users meet more often, then to the lower code.

Linear in the query: at most :data:`MAX_WORDS` words are read, each looked up in a sorted word list.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Protocol

# Field kinds, their weights (index = kind). An alias is the platform's own label for a code.
FIELDS = ("code", "title", "former_title", "alias", "summary", "description")
WEIGHTS = (50.0, 5.0, 4.0, 6.0, 2.0, 1.0)
DESCRIPTION = FIELDS.index("description")  # matched word by word: no phrase or whole-field bonus
PREFIX_FACTOR = 0.6
MIN_PREFIX = 3
PHRASE_BONUS = 2.0
WHOLE_BONUS = 3.0
MAX_WORDS = 16
MAX_QUERY_CHARS = 1000
STOP_WORDS = frozenset([
    "a", "an", "the", "to", "of", "is", "are", "be", "by", "for", "in", "on", "or", "and", "not", "no", "it", "this",
    "that", "was", "from", "with", "your", "my", "as", "at", "its", "has", "have",
])
CODE_QUERY_WORDS = frozenset(["error", "errors", "err", "code", "codes", "warning", "twilio"])
TIER_ORDER = {"core": 0, "ext": 1, "out": 2}

_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    """The words of a text as search compares them: NFKC, case-folded, apostrophes dropped, runs of
    ASCII letters and digits (anything else separates words)."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("'", "").replace("\u2019", "")
    return _WORD.findall(folded)


class Searchable(Protocol):
    """What search reads of an entry (an ErrorCode has it all)."""

    @property
    def code(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def lc_tier(self) -> str | None: ...
    @property
    def former_titles(self) -> Sequence[object]: ...
    @property
    def aliases(self) -> Sequence[str]: ...
    @property
    def summary(self) -> str | None: ...
    @property
    def description(self) -> str | None: ...


def fields_of(err: Searchable) -> list[tuple[int, list[str]]]:
    """(field kind, meaningful words) of each searchable field of a code, in a fixed order."""
    out = [(0, [str(err.code)]), (1, words(err.title))]
    out += [(2, words(getattr(former, "title", former))) for former in err.former_titles]  # type: ignore[arg-type]
    out += [(3, words(alias)) for alias in err.aliases]
    if err.summary:
        out.append((4, words(err.summary)))
    if err.description:  # each word once: the description adds recall, not phrase bonuses
        out.append((5, sorted(set(words(err.description)))))
    return [(kind, [w for w in found if w not in STOP_WORDS]) for kind, found in out]


def rank_key(err: Searchable) -> tuple[int, int]:
    """Tie-break: explained first, then how often LC Phone users meet the code."""
    return (0 if err.kind == "full" else 1, TIER_ORDER.get(err.lc_tier or "", 3))


def documents(entries: Iterable[Searchable]) -> list[tuple[int, tuple[int, int], list[tuple[int, list[str]]]]]:
    """(code, rank key, fields) of every entry: what the site's index is written from."""
    return [(err.code, rank_key(err), fields_of(err)) for err in entries]


class Index:
    """An inverted index of the searchable fields of some codes."""

    def __init__(self, entries: Iterable[Searchable]) -> None:
        self.entries = list(entries)
        self.codes = [err.code for err in self.entries]
        self.code_text = sorted((str(code), i) for i, code in enumerate(self.codes))
        self.fields: list[list[tuple[int, list[str]]]] = []
        self.ranks: list[tuple[int, int]] = []
        postings: dict[str, list[tuple[int, int, int]]] = {}  # word -> (entry, field, position)
        for i, err in enumerate(self.entries):
            fields = fields_of(err)
            self.fields.append(fields)
            self.ranks.append(rank_key(err))
            for f, (_, found) in enumerate(fields):
                for position, word in enumerate(found):
                    postings.setdefault(word, []).append((i, f, position))
        self.postings = postings
        self.vocabulary = sorted(postings)

    def _matches(self, token: str) -> dict[int, dict[int, dict[int, float]]]:
        """entry -> field -> position -> score, for each place the token matches."""
        out: dict[int, dict[int, dict[int, float]]] = {}

        def add(word: str, factor: float) -> None:
            for entry, field, position in self.postings[word]:
                places = out.setdefault(entry, {}).setdefault(field, {})
                if position not in places:  # an exact match was added first and scores more
                    places[position] = WEIGHTS[self.fields[entry][field][0]] * factor

        if token in self.postings:
            add(token, 1.0)
        if len(token) >= MIN_PREFIX:
            vocabulary = self.vocabulary
            for i in range(bisect.bisect_left(vocabulary, token), len(vocabulary)):
                word = vocabulary[i]
                if not word.startswith(token):
                    break
                if word != token:
                    add(word, PREFIX_FACTOR)
        return out

    def _code_query(self, digits: str) -> list[int]:
        """Entries whose code is the digits, then those starting with them, in numeric order."""
        start = bisect.bisect_left(self.code_text, (digits, -1))
        found = []
        for at in range(start, len(self.code_text)):
            text, i = self.code_text[at]
            if not text.startswith(digits):
                break
            found.append(i)
        return sorted(found, key=lambda i: (self.codes[i] != int(digits), self.codes[i]))

    def search(self, text: str, *, limit: int | None = 10) -> list:  # type: ignore[type-arg]
        if not isinstance(text, str):
            raise TypeError(f"search text must be a str, not {type(text).__name__}")
        if limit is not None and (type(limit) is not int or limit < 0):
            raise ValueError(f"limit must be None or a whole number of 0 or more, not {limit!r}")
        return [self.entries[i] for i in self.ranked(text)[:limit]]

    def ranked(self, text: str) -> list[int]:
        """The entries matching text, best first (indexes into self.entries)."""
        tokens = words(text[:MAX_QUERY_CHARS])[:MAX_WORDS * 2]
        if not tokens:
            return []
        digits = [t for t in tokens if t.isdigit()]
        if digits and all(t.isdigit() or t in CODE_QUERY_WORDS for t in tokens):
            joined = "".join(digits)
            return self._code_query(joined) if len(joined) <= 6 else []
        meaningful = list(dict.fromkeys(t for t in tokens if t not in STOP_WORDS))[:MAX_WORDS]
        if not meaningful:
            return []
        per_token = [self._matches(token) for token in meaningful]
        candidates = set(per_token[0]).intersection(*per_token[1:])
        scored = []
        for entry in candidates:
            score = sum(max(max(places.values()) for places in found[entry].values()) for found in per_token)
            score += self._bonus(entry, per_token)
            scored.append((-score, self.ranks[entry], self.codes[entry], entry))
        scored.sort()
        return [row[3] for row in scored]

    def _bonus(self, entry: int, per_token: list[dict[int, dict[int, dict[int, float]]]]) -> float:
        """The best phrase or whole-field bonus of one entry over its fields: the query's words in a
        row in the field, and the field holding nothing else."""
        count = len(per_token)
        bonus = 0.0
        for field, places in per_token[0][entry].items():
            if self.fields[entry][field][0] == DESCRIPTION:
                continue
            starts = set(places)
            for i in range(1, count):
                following = per_token[i][entry].get(field, {})
                starts = {position for position in starts if position + i in following}
            if not starts or (count == 1 and len(self.fields[entry][field][1]) != 1):
                continue
            weight = WEIGHTS[self.fields[entry][field][0]]
            found = PHRASE_BONUS * weight if count > 1 else 0.0
            if 0 in starts and len(self.fields[entry][field][1]) == count:
                found += WHOLE_BONUS * weight
            bonus = max(bonus, found)
        return bonus


def search(entries: Sequence[Searchable], text: str, limit: int | None = 10) -> list:  # type: ignore[type-arg]
    """Search a sequence of entries (builds a throwaway index; use Index to search repeatedly)."""
    return Index(entries).search(text, limit=limit)
