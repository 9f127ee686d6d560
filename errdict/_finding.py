"""What the scanner reports: a Finding, one code found in a text or an object, and where."""
from __future__ import annotations

from typing import Any, NamedTuple

# Where a code was found: the code of an API error body, an error-code field of JSON, a field of a
# form body, a log line's text, an /errors/N page URL, a workflow label (an alias of the code).
KINDS = ("api-error-body", "json-field", "form-field", "log-line", "more-info-url", "workflow-label")


class Finding(NamedTuple):
    """One code found in a text or an object, and where.

    ``code`` the number; ``kind`` one of :data:`KINDS`; ``line`` (1-based) and ``column`` (1-based,
    in characters) for text; ``span`` the character offsets ``(start, end)`` of the match within that
    line, or within the string value at ``path`` for objects, None when the code is the value itself;
    ``path`` a JSON pointer such as ``/errors/0/code`` for objects (and for JSON documents in a log);
    ``text`` the matched text (shortened past 80 characters); ``known`` False only for a code the
    catalog does not hold (reported with ``include_unknown=True``). Immutable.
    """

    code: int
    kind: str
    line: int | None = None
    column: int | None = None
    span: tuple[int, int] | None = None
    path: str | None = None
    text: str = ""
    known: bool = True

    @property
    def where(self) -> str:
        """``line 3, column 12``, ``/errors/0/code`` or ``line 3 /ErrorCode``."""
        parts = []
        if self.line is not None:
            parts.append(f"line {self.line}" + (f", column {self.column}" if self.column else ""))
        if self.path is not None:
            parts.append(self.path or "/")
        return " ".join(parts) or "?"

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "kind": self.kind, "line": self.line, "column": self.column,
                "span": list(self.span) if self.span else None, "path": self.path, "text": self.text,
                "known": self.known}

    def __repr__(self) -> str:
        return f"<Finding {self.code} ({self.kind}) at {self.where}>"



# Finding(...) with every field given, built the quick way (the scanner builds one per finding):
# new_finding(Finding, (code, kind, line, column, span, path, text, known)), no Python-level __new__.
new_finding = tuple.__new__
