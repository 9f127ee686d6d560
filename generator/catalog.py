"""Load a folder of entries: the file I/O edge of the generator.

:func:`load_catalog` reads every file in ``codes/`` once, parses it with the C loader, validates
each entry and then the catalog as a whole, and returns the normalized entries with every
problem found. Nothing is written, and nothing the folder holds makes it raise: a missing or
unreadable folder, a link that loops or leads nowhere, a pipe, a device or a huge file is a problem
like any other. A code the compiled catalog committed beside codes/ holds must keep its file.
"""
from __future__ import annotations

import contextlib
import errno
import functools
import gc
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from . import schema, validate
from .yamlsource import MAX_ENTRY_BYTES, ParsedEntry, Problem, parse_entry_text

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
    """Read, parse and check one entry file; shown is the name used in messages. Never raises: an
    unreadable file, a folder, a FIFO or a device in its place is a problem of that file."""
    shown = shown or display_path(path)
    raw = read_entry_bytes(path)
    if isinstance(raw, str):
        parsed = ParsedEntry(shown)
        parsed.problems.append(Problem(shown, 1, 1, "", raw))
        return parsed
    parsed = parse_entry_text(shown, raw)
    validate.check_schema(parsed)
    validate.check_file_name(parsed)
    return parsed


def read_entry_bytes(path: Path) -> bytes | str:
    """The bytes of an entry file, or why they cannot be had (a message). Reads at most one byte
    more than an entry may hold, so a huge file costs nothing, and opens without blocking, so a
    FIFO put in place of a file cannot hang the check."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        return _unreadable(path, exc)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return f"not a regular file ({_file_kind(info.st_mode)}); an entry is a plain YAML file"
        if info.st_size > MAX_ENTRY_BYTES:
            return f"file is {info.st_size:,} bytes; an entry may be at most {MAX_ENTRY_BYTES:,} bytes"
        chunks, left = [], MAX_ENTRY_BYTES + 1
        while left > 0:
            chunk = os.read(fd, left)
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    except OSError as exc:
        return _unreadable(path, exc)
    finally:
        os.close(fd)


def _unreadable(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a symbolic link that loops (it never reaches a file); replace it with the entry file"
    if exc.errno == errno.ENOENT and os.path.islink(path):
        return f"a symbolic link to nothing (it points at {os.readlink(path)!r}, which does not exist)"
    if exc.errno == errno.EISDIR:
        return "a folder in codes/; entries are files codes/<code>.yaml, directly in codes/"
    return f"cannot be read: {exc.strerror or exc}"


def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"


# Below this many files one process is quicker than starting workers.
PARALLEL_FROM = 400


# The fields the catalog-wide checks read; a check-only run sends just these between processes.
CROSS_CHECKED = ("code", "title", "former_titles", "aliases", "related", "replaced_by")


def _parse_chunk(paths: list[tuple[Path, str]], keep_data: bool = True) -> list[ParsedEntry]:
    parsed_entries = [parse_file(path, shown).release() for path, shown in paths]
    if not keep_data:
        for parsed, (path, _) in zip(parsed_entries, paths, strict=True):
            if isinstance(parsed.data, dict):
                parsed.data = {key: parsed.data[key] for key in CROSS_CHECKED if key in parsed.data}
            if parsed.text is not None:  # positions for a catalog-wide problem: read the file again
                parsed.text, parsed.source = None, str(path)
    return parsed_entries


def parse_files(paths: list[tuple[Path, str]], workers: int | None = None,
                keep_data: bool = True) -> list[ParsedEntry]:
    """parse_file over many paths, split across the machine's cores when there are many."""
    workers = workers or os.cpu_count() or 1
    if workers < 2 or len(paths) < PARALLEL_FROM:
        return _parse_chunk(paths, keep_data)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    validate.fast_check()  # compiled once here, inherited by every worker

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


def load_catalog(codes_dir: Path = CODES_DIR, *, keep_entries: bool = True,
                 committed: Path | bool | None = True) -> Catalog:
    """Read, parse and validate every file in codes_dir. Never raises on what the folder holds: a
    missing or unreadable folder, a file that cannot be read, a symbolic link that loops or leads
    nowhere is a problem like any other.

    With keep_entries=False (a check that only reports problems) the returned catalog holds no
    entries, which saves moving them between processes. ``committed`` is the compiled catalog
    whose codes must all keep a file (a code is never deleted): by default the one committed next
    to codes_dir (``errdict/data/catalog.jsonl`` beside it, as in this repository), none if there
    is none; False skips the check."""
    with _no_gc():
        if committed is True:
            committed = committed_catalog_for(Path(codes_dir))
        return _load_catalog(Path(codes_dir), keep_entries, committed or None)


def committed_catalog_for(codes_dir: Path) -> Path | None:
    """The compiled catalog committed with a folder of entries: ``errdict/data/catalog.jsonl`` in
    the folder that holds codes_dir, when there is one."""
    try:
        candidate = codes_dir.resolve().parent / COMMITTED_DATA
        return candidate if candidate.is_file() else None
    except (OSError, RuntimeError):
        return None


COMMITTED_DATA = Path("errdict") / "data" / "catalog.jsonl"


def _folder_problem(codes_dir: Path, shown_dir: str) -> Problem | None:
    try:
        info = os.stat(codes_dir)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            why = "a symbolic link that loops; it must be the folder of entries"
        elif exc.errno == errno.ENOENT:
            why = ("a symbolic link to nothing; it must be the folder of entries" if os.path.islink(codes_dir)
                   else "no such folder of entries")
        else:
            why = f"the folder of entries cannot be read: {exc.strerror or exc}"
        return Problem(shown_dir, 1, 1, "", why)
    if not stat.S_ISDIR(info.st_mode):
        return Problem(shown_dir, 1, 1, "", "not a folder; give the folder of entries (codes/) or entry files")
    return None


def _scan_folder(codes_dir: Path) -> list[tuple[str, bool, bool]] | OSError:
    """(name, is a file, is a folder) of everything in the folder, following symbolic links.
    Anything that is not a folder counts as a file (a link that loops or leads nowhere, a FIFO, a
    device), so that reading it says what is wrong with it."""
    found = []
    try:
        with os.scandir(codes_dir) as scan:
            for item in scan:
                try:
                    is_dir = item.is_dir()
                except OSError:  # a link that loops
                    is_dir = False
                found.append((item.name, not is_dir, is_dir))
    except OSError as exc:
        return exc
    return sorted(found)


def _load_catalog(codes_dir: Path, keep_entries: bool, committed: Path | None) -> Catalog:
    shown_dir = display_path(codes_dir)
    folder_problem = _folder_problem(codes_dir, shown_dir)
    if folder_problem is not None:
        return Catalog(entries=[], problems=[folder_problem], files=0)
    found = _scan_folder(codes_dir)
    if isinstance(found, OSError):
        return Catalog(entries=[], problems=[Problem(shown_dir, 1, 1, "", "the folder of entries cannot be read: "
                                                                        f"{found.strerror or found}")], files=0)
    entry_paths: list[tuple[Path, str]] = []
    stray: list[Problem] = []
    for name, is_file, is_dir in found:
        shown = os.path.join(shown_dir, name)
        if is_file and validate.ENTRY_NAME.match(name):
            entry_paths.append((codes_dir / name, shown))
        else:
            stray.append(validate.stray_file_problem(shown, name, is_dir))
    parsed_entries = parse_files(entry_paths, keep_data=keep_entries)
    present = {int(path.name[:-5]) for path, _ in entry_paths}
    validate.check_catalog(parsed_entries, present)
    if committed is not None:
        stray.extend(validate.deleted_code_problems(_committed_codes(committed), present, shown_dir,
                                                    display_path(committed)))
    problems = validate.sorted_problems(parsed_entries, stray)
    good = [normalize(p.data) for p in parsed_entries
            if keep_entries and not p.problems and isinstance(p.data, dict)]
    good.sort(key=lambda entry: entry["code"])
    return Catalog(entries=good, problems=problems, files=len(found))


def _committed_codes(path: Path) -> tuple[int, ...]:
    """The codes of a compiled catalog, read as the runtime reads it. A damaged or unreadable file
    gives none: it cannot say which codes it held, and `compile --check` reports it (the check
    must not stop `compile` from writing a good one)."""
    from errdict import Catalog as CompiledCatalog
    from errdict import CatalogDataError

    try:
        return CompiledCatalog(path).codes()
    except (CatalogDataError, OSError, ValueError):
        return ()
