"""Writing YAML that reads back exactly as written: one scalar writer for every file errdict writes
(reference entries from the upstream importer, front matter of generated pages)."""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def quoted(text: str) -> str:
    """A YAML double-quoted scalar holding exactly text: quotes, backslashes and every character
    YAML or JSON readers treat specially (C0 and C1 controls, U+2028/U+2029 line separators, the
    byte-order mark, non-characters) are escaped, so no reader sees a line break or a surprise."""
    out = ['"']
    for char in text:
        point = ord(char)
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif point < 0x20 or 0x7F <= point <= 0x9F or point in (0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF) \
                or 0xD800 <= point <= 0xDFFF:
            out.append(f"\\u{point:04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


# A word that every YAML reader takes as the same string when written plain: lower-case letters,
# digits and hyphens, starting with a letter, and not one of YAML 1.1's boolean or null words.
_PLAIN = re.compile(r"[a-z][a-z0-9-]*\Z")
_YAML11_WORDS = frozenset(["y", "n", "yes", "no", "on", "off", "true", "false", "null"])


def scalar(value: Any) -> str:
    """A YAML scalar: vocabulary words plain, every other string quoted (no YAML 1.1 surprise can
    touch it)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, str):
        return value if _PLAIN.match(value) and value not in _YAML11_WORDS else quoted(value)
    raise TypeError(f"not a YAML scalar: {type(value).__name__}")


def flow(value: Any) -> str:
    """A value in YAML flow style: scalars, [lists] and {mappings}, on one line."""
    if isinstance(value, list | tuple):
        return "[" + ", ".join(flow(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{quoted(str(key))}: {flow(item)}" for key, item in value.items()) + "}"
    return scalar(value)


def mapping_lines(items: Iterable[tuple[str, Any]]) -> list[str]:
    """The lines of a mapping whose keys are plain field names: scalars and lists of scalars on
    the key's line, a list of mappings in block style with each mapping's keys in the given order."""
    lines: list[str] = []
    for key, value in items:
        if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            lines.append(f"{key}:")
            for item in value:
                for i, (name, inner) in enumerate(item.items()):
                    lines.append(f"{'  - ' if i == 0 else '    '}{name}: {flow(inner)}")
        else:
            lines.append(f"{key}: {flow(value)}")
    return lines
