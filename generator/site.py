"""`python -m generator build [--serve]`: build the help site into site/, atomically.

The site is built with MkDocs in this process, with ``--strict`` semantics (any warning fails the
build), into a fresh folder next to ``site/``; only a build that succeeded replaces ``site/``, in one
step, so a failed build (an invalid entry, a broken link) leaves the previous site as it was. The
pages come from ``codes/`` through the hooks in :mod:`generator.mkdocs_hooks`.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

from .catalog import REPO

MKDOCS_YML = REPO / "mkdocs.yml"
SITE_DIR = REPO / "site"

log = logging.getLogger("mkdocs")

# What must outlive one build of `mkdocs serve` (MkDocs reloads the hooks file for every rebuild):
# whether it is serving, and (codes folder, catalog) of the last build whose entries validated.
SERVE_STATE: dict = {"serving": False, "last_good": None}


class BuildFailed(Exception):
    """The site could not be built; the message says why."""


def _quiet_material_banner() -> None:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (it may be replaced, as under pytest)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def setup_logging(level: int = logging.INFO) -> None:
    """Show MkDocs' messages (warnings and errors above all) the way `mkdocs build` does."""
    if any(isinstance(h, _StderrHandler) for h in log.handlers):
        return
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    log.addHandler(handler)
    log.setLevel(level)
    log.propagate = False


class _Collect(logging.Handler):
    """Keeps the warnings and errors of one build, to say why it failed."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def build_into(site_dir: Path, config_file: Path = MKDOCS_YML) -> None:
    """Build the site into site_dir (created or emptied) with strict semantics; BuildFailed if not."""
    _quiet_material_banner()
    from mkdocs import exceptions
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    collected = _Collect()
    log.addHandler(collected)

    def failed(reason: str) -> BuildFailed:
        return BuildFailed("\n".join(collected.messages + [reason]))

    try:
        config = load_config(str(config_file), strict=True, site_dir=str(site_dir))
        build(config)
    except exceptions.ConfigurationError as exc:
        raise failed(f"{config_file}: {exc}") from None
    except exceptions.Abort as exc:
        raise failed(str(exc)) from None
    except exceptions.MkDocsException as exc:  # pragma: no cover - other MkDocs failures
        raise failed(str(exc)) from None
    finally:
        log.removeHandler(collected)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2); False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0


def swap_in(built: Path, site_dir: Path) -> None:
    """Put the freshly built folder at site_dir and remove the old site."""
    if site_dir.exists() and not site_dir.is_dir():
        raise BuildFailed(f"{site_dir} exists and is not a folder")
    if site_dir.is_dir():
        if _exchange(built, site_dir):
            shutil.rmtree(built)  # now holds the previous site
            return
        old = Path(tempfile.mkdtemp(prefix=".site-old-", dir=site_dir.parent))
        os.rename(site_dir, old / "site")
        os.rename(built, site_dir)
        shutil.rmtree(old)
    else:
        os.rename(built, site_dir)


def build_site(site_dir: Path | None = None, config_file: Path | None = None) -> None:
    """Build into a temporary folder beside site_dir, then swap it in. On failure site_dir is untouched."""
    site_dir = Path(site_dir or SITE_DIR).resolve()
    config_file = Path(config_file or MKDOCS_YML)
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=site_dir.parent))
    try:
        build_into(staging, config_file)
        os.chmod(staging, 0o755)  # mkdtemp makes it 0700
        swap_in(staging, site_dir)
    finally:
        if staging.exists():
            shutil.rmtree(staging)


PATH_OPTIONS = ("docs_dir",)


def config_copy(dest_dir: Path, config_file: Path = MKDOCS_YML, **overrides) -> Path:
    """Write dest_dir/mkdocs.yml: the site's configuration with every path made absolute, so that
    it builds the same site from the entries in dest_dir/codes (for tests and benchmarks)."""
    import yaml

    base = Path(config_file).resolve().parent
    config = yaml.safe_load(Path(config_file).read_text("utf-8"))
    for key in PATH_OPTIONS:
        config[key] = str(base / config.get(key, "docs"))
    config["hooks"] = [str(base / hook) for hook in config.get("hooks", [])]
    config["watch"] = [str(Path(dest_dir) / "codes")] + [str(base / path) for path in config.get("watch", [])
                                                          if path != "codes"]
    theme = config.get("theme", {})
    if isinstance(theme, dict) and theme.get("custom_dir"):
        theme["custom_dir"] = str(base / theme["custom_dir"])
    config.update(overrides)
    target = Path(dest_dir) / "mkdocs.yml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), "utf-8")
    return target


def serve_site(dev_addr: str, config_file: Path | None = None) -> None:
    """MkDocs' development server with live reload; it rebuilds when codes/ or the templates change."""
    _quiet_material_banner()
    from mkdocs.commands.serve import serve as mkdocs_serve

    mkdocs_serve(config_file=str(config_file or MKDOCS_YML), dev_addr=dev_addr, livereload=True, strict=False)


def build_command(serve: bool = False, dev_addr: str = "127.0.0.1:8000") -> int:
    setup_logging()
    try:
        build_site()
    except BuildFailed as exc:
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else "unknown error"
        print(f"site not built, site/ left as it was: {reason}", file=sys.stderr)
        return 1
    print(f"site built into {os.path.relpath(SITE_DIR)}", file=sys.stderr)
    if serve:
        try:
            serve_site(dev_addr)
        except KeyboardInterrupt:  # pragma: no cover - interactive
            pass
    return 0
