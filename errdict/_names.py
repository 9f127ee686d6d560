"""How names of codes (titles, former titles, aliases, workflow labels) are compared.

One normalisation for every place that compares a name: the compiler's alias index, the validator's
uniqueness and specificity checks, and the scanner's label matching. :func:`normalize` gives the key
of a name; :func:`fold_with_offsets` gives the same folding of a longer text (a log line) together
with where in the text each folded character came from, so that a match in the folded text can be
reported at its place in the original.

Folding is NFKC (full-width letters, ligatures and other compatibility forms become their plain
letters), then full Unicode case folding, with every default-ignorable character (zero-width
spaces and joiners, bidirectional controls, soft hyphens, variation selectors, Hangul fillers, tag
characters) removed, repeated until the text no longer changes; runs of white space count as one
space. "Carrier\\u200bViolation", "ＣＡＲＲＩＥＲ　ＶＩＯＬＡＴＩＯＮ" and "carrier  violation" are each
the same name as their plain spelling with the invisible character, the width and the spacing
taken away.
"""
from __future__ import annotations

import re
import unicodedata

# Words that say nothing about which code is meant: a name made only of these (and numbers)
# would match ordinary log lines.
GENERIC_WORDS = frozenset(
    """a an the of to in on at for from by with and or is are was be been not no yes this that it its error
    errors err failed failure fail fails failing unknown message messages msg sms mms text call calls code
    codes status warning warnings invalid undelivered undeliverable delivery delivered sent send sending
    number numbers phone request requests problem problems issue issues exception general generic other
    internal server bad wrong some any""".split())  # noqa: SIM905

_WORD = re.compile(r"\w+")
# A word in quotes names a field or a parameter ("To", 'From'): specific, whatever the word.
_QUOTED_WORD = re.compile(r"[\"'\u2018\u2019\u201c\u201d](\w+)[\"'\u2018\u2019\u201c\u201d]")

# Unicode's Default_Ignorable_Code_Point property (DerivedCoreProperties.txt): characters that are
# invisible wherever they appear. Format characters (category Cf) are dropped as well.
_IGNORABLE_RANGES = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)


def is_invisible(char: str) -> bool:
    """Whether a character is default-ignorable or a format character: it shows as nothing."""
    point = ord(char)
    if point < 0xAD:
        return False
    if unicodedata.category(char) == "Cf":
        return True
    return any(low <= point <= high for low, high in _IGNORABLE_RANGES)


def _fold(text: str) -> str:
    """NFKC and case folding, invisible characters removed, until the text is stable (no white
    space handling)."""
    for _ in range(4):
        folded = unicodedata.normalize("NFKC", text).casefold()
        if not folded.isascii():
            folded = unicodedata.normalize("NFKC", "".join(char for char in folded if not is_invisible(char)))
        if folded == text:
            break
        text = folded
    return text


def normalize(name: str) -> str:
    """The key a name is compared by: folded (see the module's description), runs of white space
    made one space, no space at either end."""
    # on ASCII text NFKC changes nothing and case folding is lower()
    folded = name.lower() if name.isascii() else _fold(name)
    return " ".join(folded.split())


def _continues(char: str, previous: str) -> bool:
    """Whether char may combine with what comes before it under NFKC, so that the two must be folded
    together: a combining mark, a character whose compatibility form starts with one, an invisible
    character (removing it can bring two others together), or a Hangul jamo after Hangul.
    ``previous`` is the last visible character before it."""
    if char.isascii():
        return False
    if is_invisible(char) or unicodedata.category(char)[0] == "M" or unicodedata.combining(char):
        return True
    decomposed = unicodedata.normalize("NFKD", char)
    if decomposed and (unicodedata.combining(decomposed[0]) or unicodedata.category(decomposed[0])[0] == "M"):
        return True
    return _is_hangul(char) and _is_hangul(previous)


def _is_hangul(char: str) -> bool:
    """Hangul syllables and jamo, conjoining, compatibility and half-width (they compose under NFKC)."""
    point = ord(char) if char else 0
    return (0x1100 <= point <= 0x11FF or 0xA960 <= point <= 0xA97F or 0xD7B0 <= point <= 0xD7FF
            or 0xAC00 <= point <= 0xD7A3 or 0x3131 <= point <= 0x318E or 0xFFA0 <= point <= 0xFFDC)


def fold_with_offsets(text: str) -> tuple[str, list[int], list[int]]:
    """The text folded as :func:`normalize` folds a name (white space kept as it is), with, for each
    character of the result, the start and the end in ``text`` of the characters it came from.

    ``" ".join(folded.split()) == normalize(text)`` for every text, so a label of the alias index
    found in ``folded`` (its white space runs matched as one space) is an alias of the name at
    ``text[starts[i]:ends[j - 1]]``. Characters that combine under NFKC (a letter and its accents,
    Hangul jamo) are folded together and share their span.
    """
    if text.isascii():
        positions = list(range(len(text)))
        return text.lower(), positions, [p + 1 for p in positions]
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, size = 0, len(text)
    while i < size:
        j, visible = i + 1, text[i]
        while j < size and _continues(text[j], visible):
            if not is_invisible(text[j]):
                visible = text[j]
            j += 1
        segment = text[i:j]
        folded = segment.lower() if segment.isascii() else _fold(segment)
        out.append(folded)
        starts.extend([i] * len(folded))
        ends.extend([j] * len(folded))
        i = j
    return "".join(out), starts, ends


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


def fold(text: str, low: str | None = None) -> tuple[str, list[int] | None]:
    """:func:`fold_with_offsets` for a scanner: the folded text and the start in ``text`` of each
    of its characters, or None when the text is ASCII (the offsets are then the text's own).
    ``low`` is ``text.lower()`` when the caller already has it."""
    if text.isascii():
        return (low if low is not None else text.lower()), None
    folded, starts, _ = fold_with_offsets(text)
    return folded, starts
