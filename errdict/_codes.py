"""What a code is, and where its pages live: the one definition the runtime and the generator share.

A code is a whole number of 3 to 6 ASCII digits without a leading zero (100 to 999999); the
upstream provider's list runs from 400 to 530004 today. :func:`parse_code` reads one from an int or
a string; the scanner builds its patterns from :data:`CODE_DIGITS`; the generator names entry files
with :data:`ENTRY_FILE_NAME` and lays out the site with the path functions below.
"""
from __future__ import annotations

import re

MIN_CODE, MAX_CODE = 100, 999_999
CODE_DIGITS = r"[1-9][0-9]{2,5}"  # a code's digits, as a regular expression
ENTRY_FILE_NAME = re.compile(CODE_DIGITS + r"\.yaml\Z")
UPSTREAM_PAGE = "https://www.twilio.com/docs/api/errors/{code}"
# The LC help centres, by the portal an article belongs to.
LC_HELP_PAGES = {
    "leadconnector": "https://help.leadconnectorhq.com/support/solutions/articles/{article}",
    "highlevel": "https://help.gohighlevel.com/en/support/solutions/articles/{article}",
}


def is_code(number: int) -> bool:
    return MIN_CODE <= number <= MAX_CODE


def parse_code(code: object) -> int:
    """The one code an int or a string holds: 21610, "21610", " 21610 ", "ERROR: 21610".

    Raises TypeError for anything but int and str (bool, float and objects that merely convert to
    int included) and ValueError when the value holds no code, more than one number, a sign, or a
    number that is not a 3-to-6-digit code. An int subclass counts by its integer value, never by
    what its ``__int__`` or ``__index__`` says.
    """
    if isinstance(code, bool) or not isinstance(code, (int, str)):
        raise TypeError(f"a code is an int or a str, not {type(code).__name__}")
    # int.__index__: an int's value itself, whatever a subclass overrides
    number = int.__index__(code) if isinstance(code, int) else _code_in_text(code)
    if not is_code(number):
        raise ValueError(f"{number} is not an error code (a code has 3 to 6 digits)")
    return number


def _code_in_text(text: str) -> int:
    if len(text) > 1000:
        raise ValueError(f"{text[:40]!r}... is too long to hold one code; errdict.scan finds codes in long texts")
    runs = re.findall(r"[0-9]+", text, re.ASCII)
    if any(char.isdigit() and not char.isascii() for char in text):
        raise ValueError(f"{text!r} holds a digit of another script; write the code in ASCII digits")
    if not runs:
        raise ValueError(f"no error code in {text!r}")
    if len(runs) > 1:
        raise ValueError(f"{text!r} holds more than one number; pass one code at a time "
                         "(errdict.scan finds every code in a text)")
    digits = runs[0]
    start = text.index(digits)
    if start and text[start - 1] in "-\u2212+":
        raise ValueError(f"{text!r} holds a signed number; a code has no sign")
    if len(digits) > 6 or len(digits) < 3 or digits[0] == "0":
        raise ValueError(f"{digits!r} in {text!r} is not an error code (a code has 3 to 6 digits)")
    return int(digits)


# --- where things live on the help site (relative to the site's root URL) -------------------------

def page_path(code: int) -> str:
    """The code's page: ``codes/21610/``."""
    return f"codes/{code}/"


def json_path(code: int) -> str:
    """The code's entry as JSON: ``api/codes/21610.json``."""
    return f"api/codes/{code}.json"


def short_path(code: int) -> str:
    """The short link that redirects to the code's page: ``21610/``."""
    return f"{code}/"


def page_url(site_url: str, code: int) -> str:
    return site_url.rstrip("/") + "/" + page_path(code)


def upstream_url(code: int) -> str:
    """The upstream provider's own page for the code."""
    return UPSTREAM_PAGE.format(code=code)


def lc_help_url(portal: str, article: int) -> str:
    """The address of an LC help-centre article."""
    return LC_HELP_PAGES[portal].format(article=article)
