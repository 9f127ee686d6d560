"""Ranked search over titles, aliases and summaries."""
from __future__ import annotations

import re

from ._catalog import CATALOG
from ._model import ErrorCode

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset("a an the to of is are be by for in on or and not no it this that was from with your my".split())
_WEIGHTS = (("title", 5.0), ("aliases", 4.0), ("summary", 2.0))

_index: list[tuple[ErrorCode, list[tuple[float, set[str], str]]]] | None = None


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold().replace("'", "").replace("\u2019", ""))


def _build_index() -> list:
    global _index
    if _index is None:
        rows = []
        for err in CATALOG.all():
            fields = []
            for name, weight in _WEIGHTS:
                value = getattr(err, name)
                texts = value if isinstance(value, tuple) else (value,)
                for text in texts:
                    words = _words(text)
                    fields.append((weight, set(words), " ".join(words)))
            rows.append((err, fields))
        _index = rows
    return _index


def search(text: str, *, limit: int | None = 10) -> list[ErrorCode]:
    if not isinstance(text, str):
        raise TypeError(f"search text must be a str, not {type(text).__name__}")
    tokens = _words(text)
    meaningful = [t for t in tokens if t not in _STOP] or tokens
    if not meaningful:
        return []
    phrase = " ".join(tokens)
    scored = []
    for err, fields in _build_index():
        matched = 0
        score = 0.0
        for token in meaningful:
            best = 0.0
            if token == str(err.code):
                best = 50.0
            else:
                for weight, words, _ in fields:
                    if token in words:
                        best = max(best, weight)
                    elif len(token) >= 3 and any(w.startswith(token) for w in words):
                        best = max(best, weight * 0.6)
            if best:
                matched += 1
                score += best
        if matched < len(meaningful):
            continue  # every meaningful word must match somewhere
        if len(tokens) > 1 and any(phrase in joined for _, _, joined in fields):
            score += 10.0
        scored.append((matched, -score, err.code, err))
    scored.sort(key=lambda row: row[1:3])
    results = [row[3] for row in scored]
    return results if limit is None else results[:limit]
