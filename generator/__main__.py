"""Repository tooling: `python -m generator COMMAND`.

    check [PATH ...]     validate codes/ (or the given entry files or folders); exit 1 on any problem
    compile [--check]    write errdict/data/catalog.jsonl from codes/ (--check: fail if it is stale)
    build [--serve] [--engine mkdocs|properdocs]
                         validate, generate the build tree and render the help site into site/ atomically
    upstream SOURCE [--stubs] [--refresh]
                         compare codes/ with the upstream provider's list (Markdown page, JSON or TSV)
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import catalog as catalog_mod
from . import compile as compile_mod


def _check(paths: list[str]) -> int:
    targets = [Path(p) for p in paths] or [catalog_mod.CODES_DIR]
    problems, checked = [], 0
    folders: dict[Path, set[str] | None] = {}
    for target in targets:
        if target.is_dir():
            folders[target.resolve()] = None  # the whole folder
        elif target.exists():
            wanted = folders.setdefault(target.resolve().parent, set())
            if wanted is not None:
                wanted.add(catalog_mod.display_path(target.resolve()))
        else:
            print(f"{target}: no such file or folder", file=sys.stderr)
            return 2
    for folder, wanted in folders.items():
        loaded = catalog_mod.load_catalog(folder, keep_entries=False)
        for problem in loaded.problems:
            if wanted is None or problem.file in wanted:
                problems.append(problem)
        checked += loaded.files if wanted is None else len(wanted)
    for problem in problems:
        print(problem)
    files = len({p.file for p in problems})
    if problems:
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {files} "
              f"file{'s' if files != 1 else ''} ({checked} checked)", file=sys.stderr)
        return 1
    print(f"{checked} file{'s' if checked != 1 else ''} checked, no problems", file=sys.stderr)
    return 0


def compile_catalog(check: bool = False, codes_dir: Path | None = None, out: Path | None = None) -> int:
    loaded = catalog_mod.load_catalog(codes_dir or catalog_mod.CODES_DIR)
    if loaded.problems:
        for problem in loaded.problems:
            print(problem)
        print(f"not compiled: {len(loaded.problems)} problem(s) in codes/", file=sys.stderr)
        return 1
    content = compile_mod.render_catalog(loaded.entries, compile_mod.site_url())
    target = Path(out or compile_mod.DATA_FILE)
    if check:
        current = target.read_bytes() if target.exists() else b""
        if current != content:
            shown = catalog_mod.display_path(target)
            print(compile_mod.stale_diff(current, content, shown), file=sys.stderr)
            print(f"{shown} is stale (it differs from what codes/ compiles to, above): run "
                  "`python -m generator compile` and commit the result", file=sys.stderr)
            return 1
        print(f"{catalog_mod.display_path(target)} is up to date ({len(loaded.entries)} entries)",
              file=sys.stderr)
        return 0
    changed = compile_mod.write_atomically(target, content)
    state = "written" if changed else "already up to date"
    print(f"{catalog_mod.display_path(target)} {state} ({len(loaded.entries)} entries)", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p_check = sub.add_parser("check", help="validate entries")
    p_check.add_argument("paths", nargs="*", help="entry files or folders (default: codes/)")
    p_compile = sub.add_parser("compile", help="compile codes/ into the errdict package's data")
    p_compile.add_argument("--check", action="store_true", help="fail if the compiled data is stale")
    p_build = sub.add_parser("build", help="build the help site into site/, atomically")
    p_build.add_argument("--serve", action="store_true", help="then serve it with live reload")
    p_build.add_argument("--dev-addr", default="127.0.0.1:8000")
    p_build.add_argument("--engine", choices=("mkdocs", "properdocs"), default="mkdocs",
                         help="render the build tree with MkDocs (default) or ProperDocs")
    p_up = sub.add_parser("upstream", help="compare codes/ with the upstream provider's list of codes")
    p_up.add_argument("catalog", metavar="SOURCE",
                      help="the upstream list: its dictionary page (Markdown), its JSON download or the reference TSV")
    p_up.add_argument("--stubs", action="store_true", help="write a reference entry for each new code")
    p_up.add_argument("--refresh", action="store_true",
                      help="update the facts of reference entries whose title, level or products changed")
    p_up.add_argument("--codes", default=None, help="the folder of entries (default: codes/)")
    p_up.add_argument("--json", action="store_true", help="machine-readable report")
    args = parser.parse_args(argv)

    if args.command == "check":
        return _check(args.paths)
    if args.command == "compile":
        return compile_catalog(check=args.check)
    if args.command == "build":
        from .build import build_command

        return build_command(serve=args.serve, dev_addr=args.dev_addr, engine=args.engine)
    if args.command == "upstream":
        from .upstream import upstream_command

        return upstream_command(args.catalog, stubs=args.stubs, refresh=args.refresh, codes_dir=args.codes,
                                as_json=args.json)
    return 2  # pragma: no cover - argparse enforces the choices


if __name__ == "__main__":
    sys.exit(main())
