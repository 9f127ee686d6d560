"""Hand-written entry texts for tests: one valid entry and ways to break it."""
from __future__ import annotations

from pathlib import Path

VALID = """\
# yaml-language-server: $schema=../generator/entry.schema.json
code: {code}
title: Test title for {code}
level: error
product: messaging
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
aliases: ["Alias of {code}"]
related: [{related}]
links:
  - title: A page
    url: https://example.org/page
updated: "2026-11-27"
"""


def entry_text(code: int = 21610, related: int = 30004, **replace: str) -> str:
    """The valid entry, with whole lines swapped: replace={"level: error": "level: fatal"}."""
    text = VALID.format(code=code, related=related)
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
