"""Hand-written entry texts for tests: a valid full entry, a valid reference entry, ways to break them,
and small compiled catalogs built from them (a Catalog opened on fixture data, never the package's)."""
from __future__ import annotations

import functools
from pathlib import Path

from errdict import Catalog
from generator import compile as compile_mod
from generator.catalog import CODES_DIR, load_catalog
from generator.catalog import Catalog as LoadedCatalog

VALID = """\
# yaml-language-server: $schema=../generator/entry.schema.json
code: {code}
kind: full
title: Test title for {code}
level: error
product: messaging
upstream_products: ["Branded Comms"]
status: active
summary: Something went wrong with the message in a way a person can understand.
description: |
  A description of what the code means, where it arises and what it implies.
causes:
  - The first cause.
  - The second cause.
solutions:
  - The first solution.
  - The second solution.
retry: never
action: stop-messaging
advice: Do not retry this message.
who_acts: [sender]
tell_customer: The message to this contact was not sent, and sending it again will not help.
aliases: ["Alias label of {code}"]
related: [{related}]
links:
  - title: A page
    url: https://example.org/page
updated: "2026-11-27"
"""

REFERENCE = """\
# yaml-language-server: $schema=../generator/entry.schema.json
code: {code}
kind: reference
title: "Reference title for {code}"
level: warning
product: voice
upstream_products: ["Programmable Voice"]
lc_tier: ext
listed_since: "2025-02"
status: active
"""


def entry_text(code: int = 21610, related: int = 30004, **replace: str) -> str:
    """The valid full entry, with whole lines swapped: replace={"level: error": "level: fatal"}."""
    text = VALID.format(code=code, related=related)
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def reference_text(code: int, **replace: str) -> str:
    text = REFERENCE.format(code=code)
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def write_pair(folder: Path, text_21610: str | bytes) -> Path:
    """A catalog of two entries: 30004 (valid) and 21610 (the text under test)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "30004.yaml").write_text(entry_text(30004, related=21610), "utf-8")
    target = folder / "21610.yaml"
    if isinstance(text_21610, bytes):
        target.write_bytes(text_21610)
    else:
        target.write_text(text_21610, "utf-8")
    return target


@functools.cache
def real_catalog() -> LoadedCatalog:
    """codes/ as the generator loads it, read once per test session (several modules need it)."""
    return load_catalog(CODES_DIR)


def write_entries(folder: Path, texts: dict[int, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for code, text in texts.items():
        (folder / f"{code}.yaml").write_text(text, "utf-8")
    return folder


def compiled_catalog(folder: Path, texts: dict[int, str], site_url: str = "https://errdict.example/") -> Catalog:
    """A Catalog opened on the compiled form of the given entries (which must be valid)."""
    codes = write_entries(folder / "codes", texts)
    loaded = load_catalog(codes)
    assert not loaded.problems, [str(p) for p in loaded.problems]
    data = folder / "catalog.jsonl"
    data.write_bytes(compile_mod.render_catalog(loaded.entries, site_url))
    return Catalog(data)


def site_config(folder: Path, common_codes: list[int] | tuple[int, ...] = (), **changes: object) -> Path:
    """A copy of mkdocs.yml for a small test site: paths absolute, the home page's common codes set."""
    import yaml

    repo = Path(__file__).resolve().parent.parent
    config = yaml.safe_load((repo / "mkdocs.yml").read_text("utf-8"))
    config["docs_dir"] = str(repo / "docs")
    config["theme"]["custom_dir"] = str(repo / config["theme"]["custom_dir"])
    config["extra"]["errdict"]["common_codes"] = list(common_codes)
    config.update(changes)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "mkdocs.yml"
    target.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), "utf-8")
    return target
