"""Load a folder of entries: the file I/O edge of the generator.

:func:`load_catalog` reads every file in ``codes/`` once, parses it with the C loader, validates
each entry and then the catalog as a whole, and returns the normalized entries with every
problem found. Nothing is written.
"""
from __future__ import annotations

import contextlib
import functools
import gc
import os
from dataclasses import dataclass
from pathlib import Path

from . import schema, validate
from .yamlsource import ParsedEntry, Problem, parse_entry_text

REPO = Path(__file__).resolve().parent.parent
CODES_DIR = REPO / "codes"



@dataclass
class Catalog:
    entries: list[dict]  # normalized, sorted by code; only entries without problems
    problems: list[Problem]
    files: int

    @property
    def ok(self) -> bool:
        return not self.problems

    def by_code(self) -> dict[int, dict]:
        return {entry["code"]: entry for entry in self.entries}


def normalize(data: dict) -> dict:
    """An entry with every field present, in the documented order, optional ones defaulted."""
    out = {}
    defaults = schema.defaults()
    for key in schema.field_order():
        value = data.get(key, defaults[key])
        out[key] = list(value) if isinstance(value, list) else value
    out["links"] = [{"title": link["title"], "url": link["url"]} for link in out["links"]]
    return out


def display_path(path: Path) -> str:
    """Paths in messages are relative to the working folder when they can be."""
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)


def parse_file(path: Path, shown: str | None = None) -> ParsedEntry:
    """Read, parse and check one entry file; shown is the name used in messages."""
    shown = shown or display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        parsed = ParsedEntry(shown)
        parsed.problems.append(Problem(shown, 1, 1, "", f"cannot be read: {exc.strerror or exc}"))
        return parsed
    parsed = parse_entry_text(shown, raw)
    validate.check_schema(parsed)
    validate.check_file_name(parsed)
    return parsed


# Below this many files one process is quicker than starting workers.
PARALLEL_FROM = 400


# The fields the catalog-wide checks read; a check-only run sends just these between processes.
CROSS_CHECKED = ("code", "title", "former_titles", "aliases", "related", "replaced_by")


def _parse_chunk(paths: list[tuple[Path, str]], keep_data: bool = True) -> list[ParsedEntry]:
    parsed_entries = [parse_file(path, shown).release() for path, shown in paths]
    if not keep_data:
        for parsed in parsed_entries:
            if isinstance(parsed.data, dict):
                parsed.data = {key: parsed.data[key] for key in CROSS_CHECKED if key in parsed.data}
    return parsed_entries


def parse_files(paths: list[tuple[Path, str]], workers: int | None = None,
                keep_data: bool = True) -> list[ParsedEntry]:
    """parse_file over many paths, split across the machine's cores when there are many."""
    workers = workers or os.cpu_count() or 1
    if workers < 2 or len(paths) < PARALLEL_FROM:
        return _parse_chunk(paths, keep_data)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = -(-len(paths) // (workers * 4))
    chunks = [paths[i:i + size] for i in range(0, len(paths), size)]
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        work = functools.partial(_parse_chunk, keep_data=keep_data)
        return [parsed for chunk in pool.map(work, chunks) for parsed in chunk]


@contextlib.contextmanager
def _no_gc():
    """Loading builds millions of small objects and frees none of them: the cyclic garbage
    collector would walk them again and again for nothing (3 s of 5 at 10,000 entries)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_catalog(codes_dir: Path = CODES_DIR, *, keep_entries: bool = True) -> Catalog:
    """Read, parse and validate every file in codes_dir. With keep_entries=False (a check that
    only reports problems) the returned catalog holds no entries, which saves moving them
    between processes."""
    with _no_gc():
        return _load_catalog(Path(codes_dir), keep_entries)


def _load_catalog(codes_dir: Path, keep_entries: bool) -> Catalog:
    codes_dir = Path(codes_dir)
    if not codes_dir.is_dir():
        raise FileNotFoundError(f"{display_path(codes_dir)}: no such folder of entries")
    entry_paths: list[tuple[Path, str]] = []
    stray: list[Problem] = []
    with os.scandir(codes_dir) as scan:
        found = sorted((item.name, item.is_file(), item.is_dir()) for item in scan)
    names = [name for name, _, _ in found]
    shown_dir = display_path(codes_dir)
    for name, is_file, is_dir in found:
        shown = os.path.join(shown_dir, name)
        if is_file and validate.ENTRY_NAME.match(name):
            entry_paths.append((codes_dir / name, shown))
        else:
            stray.append(validate.stray_file_problem(shown, name, is_dir))
    parsed_entries = parse_files(entry_paths, keep_data=keep_entries)
    validate.check_catalog(parsed_entries, {int(path.name[:-5]) for path, _ in entry_paths})
    problems = validate.sorted_problems(parsed_entries, stray)
    good = [normalize(p.data) for p in parsed_entries
            if keep_entries and not p.problems and isinstance(p.data, dict)]
    good.sort(key=lambda entry: entry["code"])
    return Catalog(entries=good, problems=problems, files=len(names))
