"""How hard the property tests try. `bash .ci/test` (and so CI) sets ERRDICT_THOROUGH=1: every
property runs its full number of examples. The fast loop (`pytest -m "not slow and not browser"`
without it) runs a tenth of them, at least 10, so that it stays under 10 s."""
from __future__ import annotations

import os

THOROUGH = os.environ.get("ERRDICT_THOROUGH") == "1" or os.environ.get("CI") == "true"


def examples(count: int) -> int:
    """The number of examples for a property that wants `count` of them when thorough."""
    return count if THOROUGH else max(10, count // 10)
