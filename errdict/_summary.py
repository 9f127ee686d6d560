"""How often each code occurred in a scan: the summary `errdict scan` prints."""
from __future__ import annotations

from collections.abc import Iterable

from ._finding import Finding


class Summary:
    """Counts of the codes found, most frequent first, known and unknown apart."""

    def __init__(self) -> None:
        self.counts: dict[int, int] = {}
        self.first_line: dict[int, int | None] = {}
        self.unknown: dict[int, int] = {}
        self.unknown_first_line: dict[int, int | None] = {}
        self.findings = 0

    def add(self, finding: Finding) -> None:
        self.findings += 1
        counts, first = (self.counts, self.first_line) if finding.known else (self.unknown, self.unknown_first_line)
        counts[finding.code] = counts.get(finding.code, 0) + 1
        first.setdefault(finding.code, finding.line)

    @staticmethod
    def _ranked(counts: dict[int, int]) -> list[tuple[int, int]]:
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    def ranked(self) -> list[tuple[int, int]]:
        """(code, count) of known codes, most frequent first, ties by code."""
        return self._ranked(self.counts)

    def ranked_unknown(self) -> list[tuple[int, int]]:
        return self._ranked(self.unknown)

    def merge(self, later: Summary, lines_before: int) -> None:
        """Add the summary of what follows (its line numbers count from 1 after lines_before)."""
        self.findings += later.findings
        for counts, first, later_counts, later_first in (
                (self.counts, self.first_line, later.counts, later.first_line),
                (self.unknown, self.unknown_first_line, later.unknown, later.unknown_first_line)):
            for code, count in later_counts.items():
                counts[code] = counts.get(code, 0) + count
                line = later_first[code]
                first.setdefault(code, None if line is None else line + lines_before)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Summary) and vars(self) == vars(other)

    __hash__ = None  # type: ignore[assignment]  # equal by value, and mutable: not hashable


def summarize(findings: Iterable[Finding]) -> Summary:
    summary = Summary()
    for finding in findings:
        summary.add(finding)
    return summary
