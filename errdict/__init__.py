"""errdict: explanations of the LC Phone platform's numeric error and warning codes.

    >>> from errdict import lookup
    >>> err = lookup(21610)
    >>> err.title, err.retry, err.action
    ('Attempt to send to unsubscribed recipient', 'never', 'stop-messaging')

Every code of the upstream provider's list resolves: a code errdict has explained is a full entry
(``err.explained``); any other listed code gives its official facts, with ``retry`` and ``action``
``"unknown"``. Only a code the upstream list does not hold raises :class:`UnknownCodeError`.

The module-level functions use one :class:`Catalog`, the one that ships inside the package
(standard library only, no YAML); open another with ``Catalog(path)``. Importing does no work.
"""
from __future__ import annotations

from ._catalog import Catalog, default_catalog
from ._codes import parse_code
from ._model import CatalogDataError, ErrorCode, FormerTitle, HelpArticle, Link, UnknownCodeError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a cold start counts every module)
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

    from ._finding import Finding

__version__ = "2.0.0"
__all__ = [
    "Catalog",
    "CatalogDataError",
    "ErrorCode",
    "Finding",
    "FormerTitle",
    "HelpArticle",
    "Link",
    "UnknownCodeError",
    "__version__",
    "default_catalog",
    "iter_codes",
    "lookup",
    "parse_code",
    "scan",
    "search",
    "site_url",
]

_DEFAULT = default_catalog()


def __getattr__(name: str) -> Any:
    # Finding belongs to the scanner, which a lookup does not load (PEP 562)
    if name == "Finding":
        from ._finding import Finding

        return Finding
    raise AttributeError(f"module 'errdict' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | {"Finding"})


def lookup(code: int | str, *, site_url: str | None = None) -> ErrorCode:
    """The explanation of one code (see :meth:`Catalog.lookup`).

    ``site_url`` gives the page URL on another copy of the help site (http or https).
    """
    found = _DEFAULT.lookup(code)
    if site_url is None:
        return found
    from ._catalog import check_site_url

    return found.with_site_url(check_site_url(site_url, "site_url"))


def iter_codes() -> Iterator[ErrorCode]:
    """Every code of the catalog, in numeric order."""
    return _DEFAULT.iter_codes()


def site_url() -> str:
    """The help site's URL the catalog was built with (``ERRDICT_SITE_URL`` overrides it)."""
    return _DEFAULT.site_url


def search(text: str, *, limit: int | None = 10) -> list[ErrorCode]:
    """Codes matching ``text``, best first (see :meth:`Catalog.search`)."""
    return _DEFAULT.search(text, limit=limit)


def scan(source: str | bytes | Any, *, include_unknown: bool = False, catalog: Catalog | None = None) -> list[Finding]:
    """Every code found in a text, a JSON document or a decoded JSON object (see :mod:`errdict._scan`)."""
    from ._scan import scan as _scan  # the scanner's patterns compile on first use

    return _scan(source, include_unknown=include_unknown, catalog=catalog or _DEFAULT)

