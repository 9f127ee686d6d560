"""`python -m generator build [--serve] [--engine mkdocs|properdocs]`: the help site, built from codes/.

1. Load and validate codes/ (an invalid entry stops here, with the validator's messages, before
   anything is written).
2. Generate the build tree (:mod:`generator.tree`): plain Markdown pages and files.
3. Render the tree with MkDocs and mkdocs-material (or ProperDocs, the maintained MkDocs 1.x fork,
   with the same theme) in strict mode, into a fresh folder beside site/; copy the static files
   beside the pages and put the code tables into the slots of their pages.
4. Only a build that succeeded replaces site/: the old folder is renamed away and the new one renamed
   into place, so a failed build leaves the previous site as it was.

``--serve`` then serves the tree with live reload: an edited entry is validated on its own and, when
valid, only the files it changes are rewritten in the tree, which MkDocs rebuilds as a dirty build
(the changed page is served within a second or two at the full catalog's size). An invalid entry
prints the validator's messages and the last valid version stays served.
"""
from __future__ import annotations

import logging
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from . import catalog as catalog_mod
from . import pages, tree
from .catalog import REPO

SITE_DIR = REPO / "site"
ENGINES = ("mkdocs", "properdocs")
log = logging.getLogger("mkdocs")


class BuildFailed(Exception):
    """The site could not be built; the message says why."""


class _Collect(logging.Handler):
    """Keeps the warnings and errors of one build, to say why it failed."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _engine(name: str) -> tuple[Callable[..., Any], Callable[..., Any], type[Exception], str]:
    """(load_config, build, the engine's exception base, its logger name) of MkDocs or ProperDocs."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    if name == "properdocs":
        from properdocs import exceptions as p_exceptions
        from properdocs.commands.build import build as p_build
        from properdocs.config import load_config as p_load

        return p_load, p_build, p_exceptions.ProperDocsException, "properdocs"  # type: ignore[attr-defined]
    if name != "mkdocs":
        raise ValueError(f"unknown engine {name!r}; one of {', '.join(ENGINES)}")
    from mkdocs import exceptions
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    return load_config, build, exceptions.MkDocsException, "mkdocs"


def load_valid(codes_dir: Path | None = None) -> list[dict[str, Any]]:
    """The entries of codes/, or BuildFailed with every problem the validator found."""
    try:
        loaded = catalog_mod.load_catalog(codes_dir or catalog_mod.CODES_DIR)
    except OSError as exc:
        raise BuildFailed(str(exc)) from None
    if loaded.problems:
        count = len(loaded.problems)
        messages = "\n".join(str(problem) for problem in loaded.problems)
        raise BuildFailed(f"{messages}\n{count} problem{'s' if count != 1 else ''} in the entries; "
                          "the site was not built")
    return loaded.entries


def copy_static(tree_dir: Path, site_dir: Path, paths: list[str] | None = None) -> None:
    """Copy the tree's static files (all, or the given tree paths under static/) into the site."""
    static = tree_dir / "static"
    if paths is None:
        if static.is_dir():
            shutil.copytree(static, site_dir, dirs_exist_ok=True)
        return
    for place in paths:
        if place.startswith("static/"):
            target = site_dir / place[len("static/"):]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(tree_dir / place, target)


_FILLED_SLOT = re.compile(re.escape(pages.FRAGMENT_SLOT[:-6]) + r"(?:<!--fragment-->.*?<!--/fragment-->)?</div>",
                          re.DOTALL)


def _verbatim(text: str) -> Callable[[re.Match[str]], str]:
    """A replacement for re.sub that puts text in as it is (a replacement string would read its backslashes)."""
    return lambda _: text


def fill_fragments(tree_dir: Path, site_dir: Path) -> None:
    """Put each of the tree's fragments into the slot of its rendered page (again, after a rebuild)."""
    folder = tree_dir / tree.FRAGMENTS
    if not folder.is_dir():
        return
    for fragment in sorted(folder.rglob("*.html")):
        rel = fragment.relative_to(folder).as_posix()
        page = site_dir / rel
        try:
            text = page.read_text("utf-8")
        except FileNotFoundError:
            raise BuildFailed(f"{tree.FRAGMENTS}{rel}: the site has no page {rel} to put it in") from None
        filled = f"{pages.FRAGMENT_SLOT[:-6]}<!--fragment-->{fragment.read_text('utf-8')}<!--/fragment--></div>"
        new, count = _FILLED_SLOT.subn(_verbatim(filled), text)
        if count != 1:
            raise BuildFailed(f"{rel}: {count} slots for {tree.FRAGMENTS}{rel}, expected one")
        if new != text:
            page.write_text(new, "utf-8")


def render(tree_dir: Path, site_dir: Path, engine: str = "mkdocs") -> None:
    """Render a generated tree into site_dir (created or emptied), strictly, and copy its static files
    beside the pages; BuildFailed if not."""
    load_config, build, engine_error, logger_name = _engine(engine)
    collected = _Collect()
    engine_log = logging.getLogger(logger_name)
    engine_log.addHandler(collected)
    try:
        config = load_config(str(tree_dir / "mkdocs.yml"), strict=True, site_dir=str(site_dir))
        build(config)
    except engine_error as exc:
        raise BuildFailed("\n".join([*collected.messages, f"{engine} could not build the site: {exc}"])) from None
    finally:
        engine_log.removeHandler(collected)
    copy_static(tree_dir, site_dir)
    fill_fragments(tree_dir, site_dir)


def swap_in(built: Path, site_dir: Path) -> None:
    """Put the freshly built folder at site_dir: the old site is renamed away, the new one renamed in."""
    if site_dir.exists() and not site_dir.is_dir():
        raise BuildFailed(f"{site_dir} exists and is not a folder")
    if site_dir.is_dir():
        old = Path(tempfile.mkdtemp(prefix=".site-old-", dir=site_dir.parent)) / "site"
        os.rename(site_dir, old)
        os.rename(built, site_dir)
        shutil.rmtree(old.parent)
    else:
        os.rename(built, site_dir)


def build_site(site_dir: Path | None = None, *, codes_dir: Path | None = None, tree_dir: Path | None = None,
               engine: str = "mkdocs", config_file: Path | None = None) -> Path:
    """Validate, generate the tree and render it into site_dir, atomically. Returns the tree's folder."""
    site_dir = Path(site_dir or SITE_DIR).resolve()
    tree_dir = Path(tree_dir or tree.TREE_DIR)
    entries = load_valid(codes_dir)
    try:
        tree.generate(entries, tree_dir, config_file or tree.MKDOCS_YML)
    except ValueError as exc:
        raise BuildFailed(str(exc)) from None
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=site_dir.parent))
    try:
        render(tree_dir, staging, engine)
        os.chmod(staging, 0o755)  # mkdtemp makes it 0700
        swap_in(staging, site_dir)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return tree_dir


# --- serving ------------------------------------------------------------------------------------------

class _Loader:
    """Loads codes/ again after a change, parsing only the files whose size or time changed: the
    catalog-wide rules run over every entry each time, each file's own problems are kept from its
    parse. Gives the same entries and problems as load_catalog."""

    def __init__(self, codes_dir: Path) -> None:
        self.codes_dir = codes_dir
        self.files: dict[str, tuple[tuple[int, int], Any, list[Any], set[Any], dict[str, Any] | None]] = {}

    def load(self) -> list[dict[str, Any]]:
        from . import validate

        try:
            names = sorted(os.listdir(self.codes_dir))
        except OSError:
            return load_valid(self.codes_dir)  # the full load reports what is wrong with the folder
        if any(not validate.ENTRY_NAME.match(name) for name in names):
            return load_valid(self.codes_dir)
        parsed_entries = []
        kept = {}
        for name in names:
            path = self.codes_dir / name
            try:
                status = path.stat()
            except OSError:
                return load_valid(self.codes_dir)
            stamp = (status.st_mtime_ns, status.st_size)
            cached = self.files.get(name)
            if cached is None or cached[0] != stamp:
                parsed = catalog_mod.parse_file(path).release()
                own = (stamp, parsed, list(parsed.problems), set(parsed.reported_paths),
                       catalog_mod.normalize(parsed.data) if not parsed.problems and isinstance(parsed.data, dict)
                       else None)
            else:
                own = cached
                own[1].problems[:] = own[2]
                own[1].reported_paths.clear()
                own[1].reported_paths.update(own[3])
            kept[name] = own
            parsed_entries.append(own[1])
        self.files = kept
        present = {int(name[:-5]) for name in names}
        validate.check_catalog(parsed_entries, present)
        committed = catalog_mod.committed_catalog_for(self.codes_dir)
        deleted = validate.deleted_code_problems(catalog_mod._committed_codes(committed), present,
                                                 catalog_mod.display_path(self.codes_dir),
                                                 catalog_mod.display_path(committed)) if committed else []
        problems = validate.sorted_problems(parsed_entries, deleted)
        if problems:
            count = len(problems)
            raise BuildFailed("\n".join(str(p) for p in problems) + f"\n{count} problem{'s' if count != 1 else ''} in "
                              "the entries; the site was not built")
        return sorted((own[4] for own in kept.values() if own[4] is not None), key=lambda e: e["code"])


class TreeUpdater:
    """Keeps the build tree in step with codes/ while serving: on a change (inotify, through watchdog),
    reload what changed, validate, and rewrite only the tree files that changed; on an invalid entry,
    log the problems and leave the tree (and so the served site) as it was."""

    def __init__(self, tree_dir: Path, codes_dir: Path, config_file: Path, on_change: Callable[[], None]) -> None:
        self.tree_dir, self.codes_dir, self.config_file = tree_dir, codes_dir, config_file
        here = Path(__file__).resolve().parent
        self.watched = [codes_dir, here / "templates", here / "entry.schema.json", tree.GUIDANCE_FILE, tree.DOCS_SRC,
                        config_file]
        self.cache = tree.PageCache()
        self.loader = _Loader(codes_dir)
        self.on_change = on_change
        self.pending_static: list[str] | None = None  # None: copy every static file
        self._lock = threading.Lock()
        self.writing = threading.Lock()  # held while the tree is written, and while it is rendered
        self._built = threading.Event()
        self._changed = threading.Event()
        self._stop = threading.Event()

    def update(self) -> bool:
        """Bring the tree up to date; False when the entries are invalid (nothing was written)."""
        try:
            entries = self.loader.load()
        except BuildFailed as exc:
            log.error(f"{exc}\nerrdict: still serving the last valid version until they are fixed")
            return False
        started = time.perf_counter()
        try:
            if self.cache.written:  # the pages first, rendered before the data files are made
                self._built.clear()
                with self.writing:
                    pages = tree.generate_pages(entries, self.tree_dir, self.config_file, self.cache)
                if self._changed_files(pages, started):
                    self._built.wait(timeout=60)  # one process: making data files would slow the build down
            with self.writing:
                written = tree.generate(entries, self.tree_dir, self.config_file, cache=self.cache)
            self._changed_files(written, started)
        except (ValueError, OSError) as exc:
            log.error(f"errdict: the site could not be generated: {exc}\nerrdict: still serving the last valid version")
            return False
        return True

    def _changed_files(self, written: list[str], started: float) -> bool:
        static = [place for place in written if place.startswith("static/")]
        with self._lock:
            if self.pending_static is not None:
                self.pending_static.extend(static)
        if written:
            log.info(f"errdict: {len(written)} file(s) of the tree changed in {time.perf_counter() - started:.2f} s")
            self.on_change()
        return bool(written)

    def built(self) -> None:
        """Called by the server after each build."""
        self._built.set()

    def take_static(self) -> list[str] | None:
        """The static files written since the last call (None the first time: all of them)."""
        with self._lock:
            taken, self.pending_static = self.pending_static, []
        return taken

    def changed(self) -> None:
        self._changed.set()

    def run(self) -> None:
        """Update the tree after each burst of changes (a quiet 50 ms ends a burst)."""
        while not self._stop.is_set():
            if not self._changed.wait(timeout=0.5):
                continue
            while self._changed.wait(timeout=0.05):
                self._changed.clear()
                if self._stop.is_set():
                    return
            self.update()

    def stop(self) -> None:
        self._stop.set()
        self._changed.set()


class _Rebuilds:
    """What one rebuild leaves to the next while serving. MkDocs loads the configuration (its theme,
    its Markdown extensions) and makes a Jinja environment (compiling the theme's templates) anew for
    every build: together about half of a dirty build at the full catalog's size. Here the
    configuration is loaded again only when the tree's mkdocs.yml changed, and the environment made
    again only when a file of the theme's own folder (the overrides) changed."""

    def __init__(self, config_file: Path, load: Callable[[], Any]) -> None:
        self.config_file, self.load = config_file, load
        self.config: Any = None
        self.stamp: tuple[int, int] | None = None
        self.env: Any = None
        self.env_key: tuple[tuple[str, int], ...] | None = None

    @staticmethod
    def _fingerprint(folder: str | None) -> tuple[tuple[str, int], ...]:
        if not folder:
            return ()
        return tuple(sorted((str(path), path.stat().st_mtime_ns) for path in Path(folder).rglob("*") if path.is_file()))

    def current(self) -> Any:
        """The configuration for the next build, its theme handing out the kept environment."""
        status = self.config_file.stat()
        stamp = (status.st_mtime_ns, status.st_size)
        if self.config is None or stamp != self.stamp:
            self.config, self.stamp, self.env = self.load(), stamp, None
        theme = self.config.theme
        key = self._fingerprint(theme.custom_dir)  # the overrides; the installed theme does not change
        if self.env is None or key != self.env_key:
            theme.__dict__.pop("get_env", None)  # the theme's own method, to make a new one
            self.env_key, self.env = key, theme.get_env()
        env = self.env
        theme.get_env = lambda: env
        return self.config


@contextmanager
def _watching(updater: TreeUpdater) -> Iterator[None]:
    """inotify (through watchdog) on what the site is made from, feeding the updater."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    handler = FileSystemEventHandler()

    def on_event(event: Any) -> None:
        # reading a file (opened, closed without writing) changes nothing: only writes, moves and deletions
        if event.event_type in ("created", "modified", "deleted", "moved", "closed"):
            updater.changed()

    handler.on_any_event = on_event  # type: ignore[method-assign]
    observer = Observer()
    for path in updater.watched:
        if path.exists():
            observer.schedule(handler, str(path if path.is_dir() else path.parent), recursive=path.is_dir())
    observer.start()
    thread = threading.Thread(target=updater.run, name="errdict-tree", daemon=True)
    thread.start()
    try:
        yield
    finally:
        updater.stop()
        observer.stop()
        observer.join(timeout=5)
        thread.join(timeout=5)


def serve_site(dev_addr: str, *, codes_dir: Path | None = None, tree_dir: Path | None = None,
               config_file: Path | None = None) -> None:
    """Serve the tree with MkDocs' development server and live reload. errdict knows when the tree
    changed, so it asks for a rebuild itself (no polling of thousands of files) and MkDocs rebuilds
    only the pages that changed (a dirty build); the static files written are copied beside them."""
    from urllib.parse import urlsplit

    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.livereload import LiveReloadServer

    tree_dir = Path(tree_dir or tree.TREE_DIR)
    trigger = tree_dir / "serve-trigger"
    trigger.mkdir(parents=True, exist_ok=True)
    stamp = trigger / "changed"

    def touch() -> None:
        stamp.write_text(str(time.time_ns()), "utf-8")

    updater = TreeUpdater(tree_dir, Path(codes_dir or catalog_mod.CODES_DIR), Path(config_file or tree.MKDOCS_YML),
                          touch)
    site_dir = Path(tempfile.mkdtemp(prefix="errdict-serve-"))
    host, _, port = dev_addr.rpartition(":")
    config = load_config(str(tree_dir / "mkdocs.yml"), site_dir=str(site_dir))
    mount = urlsplit(config.site_url or "/").path or "/"
    serve_url = f"http://{host}:{port}{mount}"

    def load() -> Any:
        loaded = load_config(str(tree_dir / "mkdocs.yml"), site_dir=str(site_dir))
        loaded.site_url = serve_url
        return loaded

    rebuilds = _Rebuilds(tree_dir / "mkdocs.yml", load)

    def builder() -> None:
        try:
            with updater.writing:  # never render a tree half written
                mkdocs_build(rebuilds.current(), serve_url=serve_url, dirty=True)
                copy_static(tree_dir, site_dir, updater.take_static())
                fill_fragments(tree_dir, site_dir)
        finally:
            updater.built()

    server = LiveReloadServer(builder=builder, host=host, port=int(port), root=str(site_dir), mount_path=mount,
                              polling_interval=0.05)
    server.build_delay = 0.02  # the updater already waits for a burst of changes to end

    def not_found(code: int) -> bytes | None:
        page = site_dir / f"{code}.html"
        return page.read_bytes() if code in (404, 500) and page.is_file() else None

    server.error_handler = not_found
    try:
        updater.update()  # reads every entry once, so that the first edit costs what later ones do
        builder()
        server.watch(str(trigger))
        with _watching(updater):
            try:
                server.serve()
            except KeyboardInterrupt:
                log.info("Shutting down...")
            finally:
                server.shutdown()
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)


def setup_logging(level: int = logging.INFO) -> None:
    """Show MkDocs' messages the way `mkdocs build` does."""
    if any(getattr(handler, "_errdict", False) for handler in log.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler._errdict = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    log.addHandler(handler)
    log.setLevel(level)
    log.propagate = False


def build_command(serve: bool = False, dev_addr: str = "127.0.0.1:8000", engine: str = "mkdocs") -> int:
    setup_logging()
    try:
        build_site(engine=engine)
    except BuildFailed as exc:
        print(str(exc).strip(), file=sys.stderr)
        print("site not built, site/ left as it was", file=sys.stderr)
        return 1
    print(f"site built into {os.path.relpath(SITE_DIR)} with {engine}", file=sys.stderr)
    if serve:
        with suppress(KeyboardInterrupt):  # pragma: no cover - interactive
            serve_site(dev_addr)
    return 0
