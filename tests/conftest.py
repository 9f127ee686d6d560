"""Shared test set-up: the repository root and tests/ on sys.path, and the real catalog's site,
built once per session (for the site build tests and the browser tests)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from thorough import THOROUGH  # noqa: E402  (tests/ is on the path from here)

# properties that name no count of examples: hypothesis' 100 when thorough, 10 in the fast loop
settings.register_profile("fast", max_examples=10)
settings.load_profile("default" if THOROUGH else "fast")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> tuple[Path, Path]:
    """(site folder, build tree folder) of the real catalog, built with MkDocs like `generator build`."""
    from generator import build

    work = tmp_path_factory.mktemp("site")
    site_dir, tree_dir = work / "site", work / "tree"
    build.build_site(site_dir, tree_dir=tree_dir)
    return site_dir, tree_dir
