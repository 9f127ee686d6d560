"""Compile the validated catalog into the data file the ``errdict`` package reads.

The file, ``errdict/data/catalog.jsonl``, is UTF-8 text, one JSON document per line, so that a diff
of it reads like a diff of the entries (its layout is described in :mod:`errdict._catalog`):

* line 1, the header: format, schema version, site URL, the sorted codes and the byte offset of each
  code's line (counted from the end of the header), the offset of the last line, every field's
  default value and the vocabularies' display titles;
* one line per entry, in code order, holding only the fields that differ from their default;
* the last line: the alias index.

The output is deterministic (no timestamps), so ``compile --check`` compares bytes, and a stale file
is shown as a diff.
"""
from __future__ import annotations

import difflib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from errdict._catalog import FORMAT, check_site_url
from errdict._names import normalize

from . import schema
from .catalog import REPO

DATA_FILE = REPO / "errdict" / "data" / "catalog.jsonl"
MKDOCS_YML = REPO / "mkdocs.yml"


def site_url(mkdocs_yml: Path = MKDOCS_YML) -> str:
    """The help site's URL, as MkDocs' own configuration loader reads it from mkdocs.yml."""
    import logging

    from mkdocs.config import load_config

    logger = logging.getLogger("mkdocs")
    level = logger.level
    logger.setLevel(logging.ERROR)  # the loader warns about options this reading does not use
    try:
        config = load_config(str(mkdocs_yml))
    finally:
        logger.setLevel(level)  # a build later in this process must still see (and count) warnings
    url = config.site_url
    if not url:
        raise ValueError(f"{mkdocs_yml}: no site_url")
    return check_site_url(url, f"{mkdocs_yml}: site_url")


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=False).encode("utf-8")


def render_catalog(entries: list[dict[str, Any]], url: str) -> bytes:
    """The bytes of the compiled catalog for normalized entries sorted by code."""
    defaults = schema.defaults()
    lines = [_dumps({key: value for key, value in entry.items() if key == "code" or value != defaults[key]}) + b"\n"
             for entry in entries]
    offsets, position = [], 0
    for line in lines:
        offsets.append(position)
        position += len(line)
    header = {
        "format": FORMAT,
        "schema_version": schema.version(),
        "site_url": url,
        "count": len(entries),
        "codes": [entry["code"] for entry in entries],
        "offsets": offsets,
        "meta_offset": position,
        "defaults": defaults,
        "vocabulary": {name: schema.vocabulary(name).as_titles() for name in schema.vocabulary_fields()},
    }
    meta = {"aliases": {normalize(alias): entry["code"] for entry in entries for alias in entry["aliases"]}}
    return _dumps(header) + b"\n" + b"".join(lines) + _dumps(meta) + b"\n"


def stale_diff(current: bytes, wanted: bytes, path: str, limit: int = 40) -> str:
    """A unified diff from what the file holds to what codes/ compiles to (at most limit lines)."""
    diff = list(difflib.unified_diff(current.decode("utf-8", "replace").splitlines(),
                                     wanted.decode("utf-8", "replace").splitlines(),
                                     fromfile=f"{path} (committed)", tofile=f"{path} (from codes/)", lineterm="", n=0))
    shown = [line if len(line) <= 200 else line[:200] + "..." for line in diff[:limit]]
    if len(diff) > limit:
        shown.append(f"... and {len(diff) - limit} more diff lines")
    return "\n".join(shown)


def write_atomically(path: Path, content: bytes) -> bool:
    """Replace path with content in one step; False when it already held exactly that."""
    path = Path(path)
    try:
        if path.read_bytes() == content:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return True
