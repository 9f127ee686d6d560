"""Reading the compiled catalog: lazily, one entry at a time, safe across threads.

The data file (``data/catalog.jsonl``, written by ``python -m generator compile``) starts with a
header line that lists every code and the byte offset of its entry line. A lookup reads the
header once, then seeks to the one line it needs; iteration and search read everything.
"""
from __future__ import annotations

import json
import os
from _thread import allocate_lock

from ._model import ErrorCode, UnknownCodeError, page_url

DATA_FILE = os.path.join(os.path.dirname(__file__), "data", "catalog.jsonl")
SUPPORTED_FORMAT = 1


class CatalogDataError(RuntimeError):
    """The compiled data file is missing or damaged (rebuild with `python -m generator compile`)."""


class _Catalog:
    def __init__(self, path: str = DATA_FILE) -> None:
        self.path = path
        self._lock = allocate_lock()
        self._index: dict[int, int] | None = None  # code -> offset of its line
        self._codes: list[int] = []
        self._base = 0
        self._meta_offset = 0
        self._meta: dict | None = None
        self._site_url = ""
        self.schema_version = 0
        self.cache: dict[int, ErrorCode] = {}
        self._all_loaded = False

    # --- loading ---------------------------------------------------------------------------
    def _load_header(self) -> dict[int, int]:
        with self._lock:
            if self._index is not None:
                return self._index
            try:
                with open(self.path, "rb") as handle:
                    first = handle.readline()
                header = json.loads(first)
            except (OSError, ValueError) as exc:
                raise CatalogDataError(f"cannot read the compiled catalog {self.path}: {exc}") from None
            if header.get("format") != SUPPORTED_FORMAT:
                raise CatalogDataError(f"{self.path}: unsupported catalog format {header.get('format')!r}")
            self._codes = header["codes"]
            self._base = len(first)
            self._meta_offset = header["meta_offset"]
            self._site_url = os.environ.get("ERRDICT_SITE_URL") or header["site_url"]
            self.schema_version = header["schema_version"]
            self._index = dict(zip(self._codes, header["offsets"]))
            return self._index

    @property
    def site_url(self) -> str:
        self._load_header()
        return self._site_url

    def codes(self) -> list[int]:
        self._load_header()
        return self._codes

    def _read_line(self, offset: int) -> bytes:
        with open(self.path, "rb") as handle:
            handle.seek(self._base + offset)
            return handle.readline()

    def _cache_entry(self, code: int, line: bytes) -> ErrorCode:
        """The ErrorCode of one entry line, cached; never the wrong entry for code."""
        entry = json.loads(line)
        if entry.get("code") != code:
            raise CatalogDataError(f"{self.path}: the header places {code} where the entry of "
                                   f"{entry.get('code')} is")
        return self.cache.setdefault(code, ErrorCode._from_entry(entry, page_url(self._site_url, code)))

    def get(self, code: int) -> ErrorCode | None:
        found = self.cache.get(code)
        if found is not None:
            return found
        index = self._index if self._index is not None else self._load_header()
        offset = index.get(code)
        if offset is None:
            return None
        return self._cache_entry(code, self._read_line(offset))

    def all(self) -> list[ErrorCode]:
        if not self._all_loaded:
            index = self._load_header()
            with open(self.path, "rb") as handle:
                handle.seek(self._base)
                blob = handle.read(self._meta_offset)
            lines = blob.splitlines()
            if len(lines) != len(index):
                raise CatalogDataError(f"{self.path}: header lists {len(index)} codes, found {len(lines)}")
            for code, line in zip(self._codes, lines):
                if code not in self.cache:
                    self._cache_entry(code, line)
            self._all_loaded = True
        return [self.cache[code] for code in self._codes]

    def meta(self) -> dict:
        if self._meta is None:
            self._load_header()
            with open(self.path, "rb") as handle:
                handle.seek(self._base + self._meta_offset)
                self._meta = json.loads(handle.readline())
        return self._meta

    def vocabulary(self, name: str) -> dict[str, str]:
        return self.meta()["vocabulary"].get(name, {})

    def alias_index(self) -> dict[str, int]:
        return self.meta()["aliases"]

    def suggestions(self, code: int, limit: int = 3) -> tuple[int, ...]:
        """The known codes nearest to an unknown one: one typo away first, then numerically close."""
        codes = self.codes()
        text = str(code)

        def typo_distance(other: int) -> int:
            a, b = text, str(other)
            if len(a) != len(b):
                return 9
            diffs = [i for i in range(len(a)) if a[i] != b[i]]
            if len(diffs) == 1:
                return 1
            if len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] \
                    and a[diffs[1]] == b[diffs[0]]:
                return 1  # two neighbouring digits swapped
            return len(diffs) + 1

        ranked = sorted(codes, key=lambda other: (typo_distance(other), abs(other - code), other))
        return tuple(ranked[:limit])


CATALOG = _Catalog()


def unknown(code: int) -> UnknownCodeError:
    return UnknownCodeError(code, CATALOG.suggestions(code))
