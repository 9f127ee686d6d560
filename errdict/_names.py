"""How names of codes (titles, former titles, aliases, workflow labels) are compared.

One normalisation for every place that compares a name: the compiler's alias index, the validator's
uniqueness and specificity checks, and the scanner's label matching all call :func:`normalize`.
"""
from __future__ import annotations

import re
import unicodedata

# Words that say nothing about which code is meant: a name made only of these (and numbers)
# would match ordinary log lines.
GENERIC_WORDS = frozenset(
    "a an the of to in on at for from by with and or is are was be been not no yes this that it its "
    "error errors err failed failure fail fails failing unknown message messages msg sms mms text call calls "
    "code codes status warning warnings invalid undelivered undeliverable delivery delivered sent send sending "
    "number numbers phone request requests problem problems issue issues exception general generic other "
    "internal server bad wrong some any".split())

_WORD = re.compile(r"\w+")
# A word in quotes names a field or a parameter ("To", 'From'): specific, whatever the word.
_QUOTED_WORD = re.compile(r"[\"'\u2018\u2019\u201c\u201d](\w+)[\"'\u2018\u2019\u201c\u201d]")


def _keep(char: str) -> bool:
    return unicodedata.category(char) != "Cf"  # zero-width and other invisible format characters


def normalize(name: str) -> str:
    """NFKC, case folded, invisible characters removed, runs of white space made one space."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    if not folded.isascii():
        folded = "".join(char for char in folded if _keep(char))
        folded = unicodedata.normalize("NFKC", folded)
    return " ".join(folded.split())


def too_generic(name: str) -> str | None:
    """Why a name cannot serve as an alias (None when it is specific enough)."""
    words = _WORD.findall(normalize(name))
    if not any(char.isalpha() for word in words for char in word):
        return "it holds no word"
    if len(words) < 2:
        return "a single word matches too many log lines; use the whole label"
    if not _QUOTED_WORD.search(name) and all(word in GENERIC_WORDS or word.isdigit() for word in words):
        return "every word in it is a generic word or a number"
    return None
