"""The help site's data files, as pure functions of the catalog: the JSON API, the CSV, the code list
the "go to code" box uses, and the search index the site's search box reads.

The search index is written from :class:`errdict._search.Index` over the compiled catalog itself, so
the site's JavaScript ranks the same postings with the same weights as ``errdict search``. Its layout:

* ``search/manifest.json.gz``: the ranking constants, every code in order with its tie-break rank, the
  word prefixes of the shards, and how many codes each display chunk holds;
* ``search/s-<prefix>.json.gz``: for each word that starts with the prefix (and belongs to no longer
  prefix), its postings ``[code index, field * 256 + position, kind * 256 + field length, ...]``;
* ``search/d-<n>.json.gz``: for codes ``n * chunk`` onwards, ``[code, title, summary, explained]``: what a
  result shows.

A query downloads the manifest, the shards of its words and the chunks of the results it shows. Every
file is gzip-compressed at build time (the script decompresses it), whatever the web host does.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from errdict import _search
from errdict._catalog import Catalog
from errdict._codes import json_path, page_url

from . import schema

SEARCH_DIR = "search"
SHARD_BYTES = 24_000  # a shard is split by a longer prefix when its postings would exceed this
DOCS_CHUNK = 40


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def api_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """An entry as the JSON API serves it: the normalized entry without the fields that hold their
    default (the file left them out), so that it is valid against entry.schema.json."""
    defaults = schema.defaults()
    return {key: value for key, value in entry.items() if key in schema.required_fields() or value != defaults[key]}


def codes_json(entries: list[dict[str, Any]], schema_version: int, built: str, site_url: str) -> str:
    explained = sum(1 for entry in entries if entry["kind"] == "full")
    return dumps({"schema_version": schema_version, "schema": f"{site_url}api/entry.schema.json", "built": built,
                  "count": len(entries), "explained": explained, "codes": [api_entry(e) for e in entries]})


def code_json(entry: dict[str, Any]) -> tuple[str, str]:
    return json_path(entry["code"]), dumps(api_entry(entry))


CSV_COLUMNS = ("code", "title", "level", "product", "explained", "retry", "action", "who_acts", "url")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    """A spreadsheet cell that cannot run as a formula (OWASP: a leading quote defuses it)."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def codes_csv(catalog: Catalog) -> str:
    """One row per code: code, title, level, product, explained, retry, action, who acts, page URL."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for err in catalog.iter_codes():
        writer.writerow([err.code, _cell(err.title), err.level, err.product, "yes" if err.explained else "no",
                         err.retry, err.action, " ".join(err.who_acts), err.url])
    return out.getvalue()


def code_list_json(entries: list[dict[str, Any]], moved: dict[int, int]) -> str:
    """What the "go to code" box and the 404 page need: every code, and where merged codes lead."""
    return dumps({"codes": [e["code"] for e in entries],
                  "moved": {str(code): target for code, target in moved.items()}})


# --- the search index -------------------------------------------------------------------------------

def _shard_of(word: str, prefixes: set[str]) -> str:
    """The longest prefix of the shards that word starts with."""
    for length in range(len(word), 0, -1):
        if word[:length] in prefixes:
            return word[:length]
    return ""


def _split(words: list[str], size: dict[str, int], depth: int) -> list[str]:
    """Shard prefixes for words (all sharing their first depth-1 characters): by their first depth
    characters, each split further while it is over SHARD_BYTES."""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[:depth], []).append(word)
    prefixes = []
    for prefix, members in sorted(groups.items()):
        total = sum(size[word] for word in members)
        longer = [word for word in members if len(word) > depth]
        if total > SHARD_BYTES and longer and depth < 12:
            prefixes.append(prefix)  # keeps the words no longer than the prefix itself
            prefixes.extend(_split(longer, size, depth + 1))
        else:
            prefixes.append(prefix)
    return prefixes


def _gzip(text: str) -> bytes:
    """The text gzip-compressed, byte for byte the same on every build (no time stamp, no name)."""
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def search_files(catalog: Catalog) -> Iterator[tuple[str, bytes]]:
    """(path in the site, bytes) of every file of the search index, gzip-compressed (the site's script
    decompresses them itself, so a host that does not compress JSON sends them small too)."""
    entries = list(catalog.iter_codes())
    index = _search.Index(entries)
    postings: dict[str, list[int]] = {}
    for word, places in index.postings.items():
        flat: list[int] = []
        for entry, field, position in places:
            kind, found = index.fields[entry][field]
            flat += [entry, field * 256 + position, kind * 256 + len(found)]
        postings[word] = flat
    size = {word: len(word) + 4 + len(dumps(flat)) for word, flat in postings.items()}
    prefixes = _split(sorted(postings), size, 1)
    prefix_set = set(prefixes)
    shards: dict[str, dict[str, list[int]]] = {prefix: {} for prefix in prefixes}
    for word in sorted(postings):
        shards[_shard_of(word, prefix_set)][word] = postings[word]
    for prefix, words in shards.items():
        yield f"{SEARCH_DIR}/s-{prefix}.json.gz", _gzip(dumps(words))
    for start in range(0, len(entries), DOCS_CHUNK):
        chunk = [[err.code, err.title, err.summary or "", 1 if err.explained else 0]
                 for err in entries[start:start + DOCS_CHUNK]]
        yield f"{SEARCH_DIR}/d-{start // DOCS_CHUNK}.json.gz", _gzip(dumps(chunk))
    manifest = {
        "format": 1,
        "fields": list(_search.FIELDS), "weights": list(_search.WEIGHTS), "prefix_factor": _search.PREFIX_FACTOR,
        "min_prefix": _search.MIN_PREFIX, "phrase_bonus": _search.PHRASE_BONUS, "whole_bonus": _search.WHOLE_BONUS,
        "max_words": _search.MAX_WORDS, "max_query_chars": _search.MAX_QUERY_CHARS,
        "stop_words": sorted(_search.STOP_WORDS), "code_query_words": sorted(_search.CODE_QUERY_WORDS),
        "codes": index.codes, "ranks": "".join(f"{kind}{tier}" for kind, tier in index.ranks),
        "shards": prefixes, "docs_chunk": DOCS_CHUNK,
    }
    yield f"{SEARCH_DIR}/manifest.json.gz", _gzip(dumps(manifest))


def page_urls(codes: Iterable[int], site_url: str) -> list[str]:
    return [page_url(site_url, code) for code in codes]
