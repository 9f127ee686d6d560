"""errdict: explanations of the LC Phone platform's numeric error and warning codes.

    >>> from errdict import lookup
    >>> err = lookup(21610)
    >>> err.title, err.retry, err.action
    ('Attempt to send to unsubscribed recipient', 'never', 'stop-messaging')

Importing does no work; the first lookup reads the compiled catalog that ships inside the
package (standard library only, no YAML).
"""
from __future__ import annotations

from ._catalog import CATALOG as _CATALOG
from ._catalog import CatalogDataError
from ._catalog import unknown as _unknown
from ._model import ErrorCode, Link, UnknownCodeError

__version__ = "1.0.0"
__all__ = ["ErrorCode", "Link", "UnknownCodeError", "CatalogDataError", "lookup", "parse_code",
           "iter_codes", "search", "scan", "Finding", "site_url", "__version__"]

MIN_CODE, MAX_CODE = 100, 999_999
_CACHE = _CATALOG.cache


def parse_code(code: object) -> int:
    """The one code an int or a string holds: 21610, "21610", " 21610 ", "ERROR: 21610".

    Raises TypeError for anything but int and str (bool and float included) and ValueError when
    the value holds no code, more than one number, or a number that is not a 3-to-6-digit code.
    """
    if type(code) is int:
        number = code
    elif isinstance(code, bool) or not isinstance(code, (int, str)):
        raise TypeError(f"a code is an int or a str, not {type(code).__name__}")
    elif isinstance(code, int):  # an int subclass such as IntEnum or ErrorCode-like values
        number = int(code)
    else:
        number = _code_in_text(code)
    if not MIN_CODE <= number <= MAX_CODE:
        raise ValueError(f"{number} is not an error code (a code has 3 to 6 digits)")
    return number


def _code_in_text(text: str) -> int:
    runs: list[str] = []
    current = ""
    for char in text:
        if "0" <= char <= "9":
            current += char
        else:
            if current:
                runs.append(current)
                current = ""
            if char.isdigit():  # digits of another script are not a code
                raise ValueError(f"{text!r} holds a non-ASCII digit")
    if current:
        runs.append(current)
    if not runs:
        raise ValueError(f"no error code in {text!r}")
    if len(runs) > 1:
        raise ValueError(f"{text!r} holds more than one number; pass one code at a time "
                         "(errdict.scan finds every code in a text)")
    digits = runs[0]
    if len(digits) > 6 or len(digits) < 3 or digits[0] == "0":
        raise ValueError(f"{digits!r} in {text!r} is not an error code (a code has 3 to 6 digits)")
    return int(digits)


def lookup(code: int | str, *, site_url: str | None = None) -> ErrorCode:
    """The explanation of one code.

    ``code`` is an int or a string holding exactly one code. Raises TypeError for other types,
    ValueError when no code (or more than one) can be read, and :class:`UnknownCodeError` (a
    ``LookupError``) when the code is well formed but not in the catalog, with the nearest
    known codes as suggestions. ``site_url`` gives the page URL on another copy of the site.
    """
    if site_url is None and type(code) is int:
        found = _CACHE.get(code)
        if found is not None:
            return found
    number = parse_code(code)
    found = _CATALOG.get(number)
    if found is None:
        raise _unknown(number)
    return found if site_url is None else found.with_site_url(site_url)


def iter_codes() -> list[ErrorCode]:
    """Every code of the catalog, in numeric order."""
    return _CATALOG.all()


def site_url() -> str:
    """The help site's URL the catalog was built with (``ERRDICT_SITE_URL`` overrides it)."""
    return _CATALOG.site_url


def search(text: str, *, limit: int | None = 10) -> list[ErrorCode]:
    """Codes whose title, aliases or summary match the words of ``text``, best first."""
    from ._search import search as _search

    return _search(text, limit=limit)


def __getattr__(name: str):  # scan and its result type load on first use
    if name in ("scan", "Finding"):
        from . import _scan

        return getattr(_scan, name)
    raise AttributeError(f"module 'errdict' has no attribute {name!r}")
