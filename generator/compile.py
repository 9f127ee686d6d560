"""Compile the validated catalog into the data file the ``errdict`` package reads.

The file, ``errdict/data/catalog.jsonl``, is UTF-8 text, one JSON document per line, so that a
diff of it reads like a diff of the entries:

* line 1, the header: format, schema version, site URL, the sorted codes and, for each, the byte
  offset of its line counted from the end of the header, plus the offset of the meta line;
* one line per entry, in code order;
* the last line, meta: the vocabularies' display titles and the alias index.

``lookup(21610)`` reads the header and one entry line: it never parses the whole catalog. The
output is deterministic (no timestamps), so ``compile --check`` can compare bytes.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from . import validate
from .catalog import REPO

DATA_FILE = REPO / "errdict" / "data" / "catalog.jsonl"
MKDOCS_YML = REPO / "mkdocs.yml"
FORMAT = 1


def schema_version() -> int:
    return int(validate.load_schema()["x-schemaVersion"])


def site_url(mkdocs_yml: Path = MKDOCS_YML) -> str:
    """The help site's URL, from mkdocs.yml (the one place it is set)."""
    match = re.search(r"^site_url:\s*['\"]?([^'\"\s#]+)", mkdocs_yml.read_text("utf-8"), re.M)
    if not match:
        raise ValueError(f"{mkdocs_yml}: no site_url")
    url = match.group(1)
    return url if url.endswith("/") else url + "/"


def _dumps(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=False).encode("utf-8")


def render_catalog(entries: list[dict], url: str) -> bytes:
    """The bytes of the compiled catalog for normalized entries sorted by code."""
    lines = [_dumps(entry) + b"\n" for entry in entries]
    offsets, position = [], 0
    for line in lines:
        offsets.append(position)
        position += len(line)
    meta = {
        "vocabulary": {name: validate.vocabulary(name)
                       for name in ("level", "product", "status", "retry", "action")},
        "aliases": {validate.normalize_alias(alias): entry["code"]
                    for entry in entries for alias in entry["aliases"]},
    }
    header = {
        "format": FORMAT,
        "schema_version": schema_version(),
        "site_url": url,
        "count": len(entries),
        "codes": [entry["code"] for entry in entries],
        "offsets": offsets,
        "meta_offset": position,
    }
    return _dumps(header) + b"\n" + b"".join(lines) + _dumps(meta) + b"\n"


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
