"""The compiled catalog: opened from a path, read lazily, one entry at a time, safe across threads.

The data file (``data/catalog.jsonl``, written by ``python -m generator compile``) is UTF-8 text, one
JSON document per line:

* the header: the format, the site URL, every code with the byte offset of its line, the fields'
  default values and the vocabularies' display titles;
* one line per entry, in code order, holding the fields whose value is not the default;
* the last line: the alias index (normalised alias -> code).

A lookup reads the header once and then the one line it needs. Anything wrong with the file (missing,
truncated, edited, lines out of place) raises :class:`CatalogDataError`, never another exception and
never another code's entry. A copy whose line endings were turned into CRLF (a Git checkout with
``core.autocrlf``) still reads correctly.
"""
from __future__ import annotations

import json
import os
import threading

from ._codes import LC_HELP_PAGES, page_url, parse_code
from ._model import CatalogDataError, ErrorCode, FormerTitle, HelpArticle, Link, UnknownCodeError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a cold start counts every module)
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

    from . import _search

DATA_FILE = os.path.join(os.path.dirname(__file__), "data", "catalog.jsonl")
FORMAT = 2
SITE_URL_VARIABLE = "ERRDICT_SITE_URL"

_HEADER_KEYS = {"format": int, "site_url": str, "codes": list, "offsets": list, "meta_offset": int,
                "defaults": dict, "vocabulary": dict}


def check_site_url(url: str, source: str = "the site URL") -> str:
    """An http(s) URL with a host, ending in '/'; ValueError naming its source otherwise."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url) \
            or any(not c.isprintable() for c in url) or "@" in parts.netloc or parts.query or parts.fragment \
            or "?" in url or "#" in url:
        raise ValueError(f"{source} must be an http:// or https:// URL with a host name (no user name, query or "
                         f"fragment), not {url[:80]!r}")
    return url if url.endswith("/") else url + "/"


class _Header:
    """What the first line of the file says."""

    __slots__ = (
        "base",
        "codes",
        "crlf",
        "defaults",
        "index",
        "meta_offset",
        "schema_version",
        "site_url",
        "vocabulary",
    )

    def __init__(self, data: dict[str, Any], base: int, crlf: bool, path: str) -> None:
        for key, kind in _HEADER_KEYS.items():
            if not isinstance(data.get(key), kind):
                raise CatalogDataError(f"{path}: the header lacks {key!r}; rebuild with `python -m generator compile`")
        if data["format"] != FORMAT:
            raise CatalogDataError(f"{path}: catalog format {data['format']!r}, this errdict reads format {FORMAT}")
        codes, offsets = data["codes"], data["offsets"]
        if len(codes) != len(offsets) or not all(type(c) is int for c in codes) \
                or not all(type(o) is int for o in offsets) or offsets != sorted(offsets) or codes != sorted(codes):
            raise CatalogDataError(f"{path}: the header's codes and offsets do not match")
        self.codes: tuple[int, ...] = tuple(codes)
        # With CRLF line endings every line is one byte longer than the offsets say.
        self.index = {code: offset + (i if crlf else 0)
                      for i, (code, offset) in enumerate(zip(codes, offsets, strict=True))}
        self.crlf = crlf
        self.base = base
        self.meta_offset = data["meta_offset"] + (len(codes) if crlf else 0)
        self.defaults: dict[str, Any] = data["defaults"]
        self.vocabulary: dict[str, dict[str, str]] = data["vocabulary"]
        self.site_url: str = data["site_url"]
        self.schema_version = data.get("schema_version")


class Catalog:
    """A compiled errdict catalog, opened from its data file.

    ``Catalog()`` opens the catalog that ships with errdict; ``Catalog(path)`` another one (a test
    fixture, a newer build). ``site_url`` gives the help site the page URLs point at (default: the
    one the catalog was compiled with, or ``ERRDICT_SITE_URL``). Nothing is read until the first
    question; after that, a lookup reads one line.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, site_url: str | None = None) -> None:
        self.path = os.fspath(path) if path is not None else DATA_FILE
        self._site_url_override = check_site_url(site_url, "site_url") if site_url is not None else None
        self._lock = threading.Lock()
        self._header: _Header | None = None
        self._site_url = ""
        self._cache: dict[int, ErrorCode] = {}
        self._all: tuple[ErrorCode, ...] | None = None
        self._aliases: dict[str, int] | None = None
        self._search_index: _search.Index | None = None

    def __repr__(self) -> str:
        return f"Catalog({self.path!r})"

    # --- reading ---------------------------------------------------------------------------------
    def _load(self) -> _Header:
        header = self._header
        if header is not None:
            return header
        with self._lock:
            if self._header is None:
                site_url = self._site_url_override or os.environ.get(SITE_URL_VARIABLE) or None
                if site_url is not None and self._site_url_override is None:
                    site_url = check_site_url(site_url, SITE_URL_VARIABLE)
                try:
                    with open(self.path, "rb") as handle:
                        first = handle.readline(1 << 26)
                        size = os.fstat(handle.fileno()).st_size
                except OSError as exc:
                    raise CatalogDataError(f"cannot read the compiled catalog {self.path}: "
                                           f"{exc.strerror or exc}") from None
                data = self._json(first, "the header")
                if not isinstance(data, dict):
                    raise CatalogDataError(f"{self.path}: the first line is not a catalog header")
                header = _Header(data, len(first), first.endswith(b"\r\n"), self.path)
                if size <= header.base + header.meta_offset:  # the alias index, the last line, is missing
                    raise CatalogDataError(f"{self.path}: the file is shorter than its header says (truncated); "
                                           "rebuild with `python -m generator compile`")
                self._site_url = site_url or check_site_url(header.site_url, f"{self.path}: site_url")
                self._header = header
        return self._header

    def _json(self, line: bytes, what: str) -> Any:
        try:
            return json.loads(line)
        except (ValueError, RecursionError):
            raise CatalogDataError(f"{self.path}: {what} is damaged; "
                                   "rebuild with `python -m generator compile`") from None

    def _read(self, offset: int, size: int = -1) -> bytes:
        header = self._load()
        try:
            with open(self.path, "rb") as handle:
                handle.seek(header.base + offset)
                return handle.read(size) if size >= 0 else handle.readline()
        except OSError as exc:
            raise CatalogDataError(f"cannot read the compiled catalog {self.path}: {exc.strerror or exc}") from None

    def _build(self, code: int, line: bytes) -> ErrorCode:
        """The ErrorCode of one entry line; never another code's entry."""
        header = self._load()
        raw = self._json(line, f"the entry of {code}")
        if not isinstance(raw, dict) or raw.get("code") != code:
            found = raw.get("code") if isinstance(raw, dict) else None
            raise CatalogDataError(f"{self.path}: the header places {code} where the entry of {found!r} is")
        fields = {**header.defaults, **raw}
        wrong = _wrong_type(fields)
        if wrong is not None:
            raise CatalogDataError(f"{self.path}: the entry of {code} is damaged ({wrong})")
        try:
            vocab = header.vocabulary
            fields["links"] = tuple(Link(link["title"], link["url"]) for link in fields["links"])
            fields["former_titles"] = tuple(FormerTitle(item["title"], item.get("last_listed"))
                                            for item in fields["former_titles"])
            fields["lc_help"] = tuple(HelpArticle(item["title"], item["article"], item.get("portal", "leadconnector"))
                                      for item in fields["lc_help"])
            if any(article.portal not in LC_HELP_PAGES for article in fields["lc_help"]):
                raise KeyError("lc_help portal")
            for name, value in fields.items():
                if isinstance(value, list):
                    fields[name] = tuple(value)
            err = ErrorCode(**fields, url=page_url(self._site_url, code),
                            level_title=vocab["level"][fields["level"]],
                            product_title=vocab["product"][fields["product"]],
                            retry_title=vocab["retry"][fields["retry"]],
                            action_title=vocab["action"][fields["action"]],
                            who_acts_titles=tuple(vocab["who_acts"][who] for who in fields["who_acts"]))
        except (KeyError, TypeError, AttributeError) as exc:
            raise CatalogDataError(f"{self.path}: the entry of {code} is damaged ({exc!r})") from None
        return self._cache.setdefault(code, err)

    # --- questions -------------------------------------------------------------------------------
    @property
    def site_url(self) -> str:
        """The help site's URL the page URLs use."""
        self._load()
        return self._site_url

    def codes(self) -> tuple[int, ...]:
        """Every code, in numeric order."""
        return self._load().codes

    def __len__(self) -> int:
        return len(self.codes())

    def __contains__(self, code: object) -> bool:
        return type(code) is int and code in self._load().index

    def get(self, code: int) -> ErrorCode | None:
        """The entry of an int code, or None when the catalog does not hold it."""
        found = self._cache.get(code)
        if found is not None:
            return found
        offset = self._load().index.get(code)
        if offset is None:
            return None
        return self._build(code, self._read(offset))

    def lookup(self, code: int | str) -> ErrorCode:
        """The explanation of one code: an int, or a string holding exactly one code.

        Raises TypeError for other types, ValueError when no code (or more than one) can be read,
        and :class:`UnknownCodeError` (a LookupError) when the code is well formed but not in the
        catalog, with the nearest known codes as suggestions.
        """
        found = self._cache.get(code) if isinstance(code, int) and type(code) is int else None
        if found is not None:
            return found
        number = parse_code(code)
        found = self.get(number)
        if found is None:
            raise UnknownCodeError(number, self.suggestions(number))
        return found

    def iter_codes(self) -> Iterator[ErrorCode]:
        """Every entry, in numeric order."""
        return iter(self._every())

    def __iter__(self) -> Iterator[ErrorCode]:
        return self.iter_codes()

    def _every(self) -> tuple[ErrorCode, ...]:
        if self._all is None:
            header = self._load()
            lines = self._read(0, header.meta_offset).splitlines(keepends=True)
            if len(lines) != len(header.codes):
                raise CatalogDataError(f"{self.path}: the header lists {len(header.codes)} codes, "
                                       f"the file holds {len(lines)} entry lines")
            position = 0
            # the offsets a lookup would use lead to these lines
            for code, line in zip(header.codes, lines, strict=True):
                if header.index[code] != position:
                    raise CatalogDataError(f"{self.path}: the header's offset of {code} does not lead to its line")
                position += len(line)
            self._all = tuple(self._cache.get(code) or self._build(code, line)
                              for code, line in zip(header.codes, lines, strict=True))
        return self._all

    def aliases(self) -> dict[str, int]:
        """The alias index: each alias, normalised (:func:`errdict._names.normalize`), and its code."""
        if self._aliases is None:
            header = self._load()
            meta = self._json(self._read(header.meta_offset), "the alias index")
            aliases = meta.get("aliases") if isinstance(meta, dict) else None
            if not isinstance(aliases, dict) or not all(type(code) is int for code in aliases.values()):
                raise CatalogDataError(f"{self.path}: the alias index is damaged")
            self._aliases = aliases
        return self._aliases

    def vocabulary(self, field: str) -> dict[str, str]:
        """The display titles of a vocabulary field's values (``level``, ``product``, ``retry``, ...)."""
        return dict(self._load().vocabulary.get(field, {}))

    def search(self, text: str, *, limit: int | None = 10) -> list[ErrorCode]:
        """Codes matching ``text``, best first: a code or its first digits, or words of a title, a
        former title, an alias or a summary (see :mod:`errdict._search`)."""
        if self._search_index is None:
            from . import _search  # only a search needs the index

            self._search_index = _search.Index(self._every())
        return self._search_index.search(text, limit=limit)

    def suggestions(self, code: int, limit: int = 3) -> tuple[int, ...]:
        """The known codes nearest to an unknown one: one typo away first (a digit changed, added,
        dropped, or two neighbouring digits swapped), then the numerically closest."""
        return suggest(self.codes(), code, limit)



_DEFAULT = Catalog()  # opening reads nothing: the first question does


def default_catalog() -> Catalog:
    """The catalog the module-level functions use: the one inside the package."""
    return _DEFAULT

# What each field of an entry line holds, read off ErrorCode's own annotations (one definition).
_SCALARS: dict[str, tuple[type, ...]] = {"int": (int,), "str": (str,)}
_ITEMS = {"str": str, "int": int}


def _field_checks() -> dict[str, tuple[tuple[type, ...], bool, type | None]]:
    """For each stored field of ErrorCode: (accepted types, None allowed, item type of a list or None)."""
    checks: dict[str, tuple[tuple[type, ...], bool, type | None]] = {}
    annotations = ErrorCode.__annotations__  # strings (from __future__ import annotations)
    for name in ErrorCode._fields:
        annotation = str(annotations[name]).replace(" ", "")
        optional = annotation.endswith("|None")
        base = annotation.removesuffix("|None")
        if base.startswith("tuple["):
            item = base[len("tuple["):].split(",")[0]
            checks[name] = ((list, tuple), optional, _ITEMS.get(item, dict))
        elif base in _SCALARS:
            checks[name] = (_SCALARS[base], optional, None)
    return checks


_CHECKS: dict[str, tuple[tuple[type, ...], bool, type | None]] = {}


def _wrong_type(fields: dict[str, Any]) -> str | None:
    """Which field of a stored entry does not hold what ErrorCode's annotation says (None if all do)."""
    if not _CHECKS:
        _CHECKS.update(_field_checks())
    for name, (kinds, optional, item) in _CHECKS.items():
        if name not in fields:
            continue
        value = fields[name]
        if value is None and optional:
            continue
        if isinstance(value, bool) or not isinstance(value, kinds):
            return f"{name} is {type(value).__name__}"
        if item is not None and isinstance(value, (list, tuple)) \
                and not all(isinstance(part, item) and not isinstance(part, bool) for part in value):
            return f"{name} holds a value of the wrong type"
    return None


def _one_edit_apart(a: str, b: str) -> bool:
    """Whether b is a with one digit changed, inserted or deleted, or two neighbours swapped."""
    if a == b:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diffs) == 1 or (len(diffs) == 2 and diffs[1] == diffs[0] + 1
                                   and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]])
    if abs(len(a) - len(b)) != 1:
        return False
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def suggest(codes: tuple[int, ...] | list[int], code: int, limit: int = 3) -> tuple[int, ...]:
    """The nearest of codes to code (see Catalog.suggestions)."""
    text = str(code)
    ranked = sorted(codes, key=lambda other: (not _one_edit_apart(text, str(other)),
                                              len(str(other)) != len(text), abs(other - code), other))
    return tuple(ranked[:max(0, limit)])
