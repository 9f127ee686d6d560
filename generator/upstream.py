"""Compare codes/ with the upstream provider's machine-readable catalog: `python -m generator upstream`.

    python -m generator upstream CATALOG.json [--stubs] [--codes DIR] [--json]

The upstream file is a JSON list of objects with ``code``, ``message`` (the official title),
``log_level`` (ERROR or WARNING), ``product`` and prose fields. Only facts are read: code, title,
level and product. The report lists

* codes upstream that errdict lacks, grouped by product (the upstream product mapped to errdict's
  vocabulary; products errdict does not cover are listed as unmapped, a null product as none);
* codes whose official title, level or product differs from errdict's entry;
* codes errdict has that upstream does not list.

A null upstream product (or level) makes no claim and is never a difference. errdict's products are
finer than upstream's: an upstream "Programmable SMS" code may be messaging, whatsapp, a2p-10dlc or
toll-free in errdict, and errdict's cross-cutting products (webhooks, account, api) may hold a code of
any upstream product; only a product outside those is a difference.

Nothing is written unless ``--stubs`` is given: then each missing code whose product maps to
errdict's vocabulary gets ``codes/<code>.yaml`` holding only code, title, level, product,
``status: active`` and ``stub: true`` (written atomically, never over an existing file), which the
validator reports as incomplete until a person writes the rest. Upstream prose is never copied.

Exit status: 0 when the comparison ran (differences are a report, not a failure), 2 when the
upstream file or the folder of entries cannot be used.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import catalog as catalog_mod
from .compile import write_atomically
from .validate import ENTRY_NAME
from .yamlsource import parse_entry_text

# Upstream product name -> errdict product.
PRODUCT_MAP = {
    "Programmable SMS": "messaging",
    "Programmable Messaging": "messaging",
    "Programmable Voice": "voice",
    "Elastic SIP Trunking": "sip",
    "Phone Numbers": "phone-numbers",
    "Platform": "api",
}
# The errdict products an entry of each mapped product may carry without being a difference.
PRODUCT_FAMILY = {
    "messaging": {"messaging", "whatsapp", "a2p-10dlc", "toll-free"},
    "voice": {"voice", "sip"},
    "sip": {"sip", "voice"},
    "phone-numbers": {"phone-numbers"},
    "api": {"api"},
}
CROSS_CUTTING = {"webhooks", "account", "api"}
LEVEL_MAP = {"ERROR": "error", "WARNING": "warning"}
SCHEMA_COMMENT = "# yaml-language-server: $schema=../generator/entry.schema.json"
NO_PRODUCT = "(no product)"
EXIT_OK, EXIT_BAD_INPUT = 0, 2


class UpstreamError(ValueError):
    """The upstream file cannot be used; the message names the file and the item."""


@dataclass(frozen=True)
class UpstreamCode:
    """The facts of one upstream code. None means upstream makes no claim."""

    code: int
    title: str | None
    level: str | None  # errdict's vocabulary: error, warning
    product: str | None  # errdict's vocabulary, when the upstream product maps to it
    upstream_product: str | None  # as upstream names it


@dataclass
class Report:
    upstream_count: int
    errdict_count: int
    missing: dict[str, list[UpstreamCode]] = field(default_factory=dict)  # group -> codes
    differences: list[dict] = field(default_factory=list)
    not_upstream: list[int] = field(default_factory=list)
    unmapped_products: dict[str, int] = field(default_factory=dict)
    unknown_levels: dict[str, int] = field(default_factory=dict)
    broken_entries: list[int] = field(default_factory=list)  # files compared by name only
    written: list[str] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)

    @property
    def missing_count(self) -> int:
        return sum(len(codes) for codes in self.missing.values())


# --- reading the upstream file (pure) -----------------------------------------------------------
def _type_name(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", int: "an integer",
            float: "a number", type(None): "null"}.get(type(value), type(value).__name__)


def parse_upstream(text: str, source: str) -> tuple[list[UpstreamCode], dict[str, int], dict[str, int]]:
    """The codes of an upstream catalog's text; raises UpstreamError naming source and item.

    Returns the codes, the count of each upstream product that maps to nothing, and the count of
    each level that is neither ERROR nor WARNING.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UpstreamError(f"{source}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    if not isinstance(data, list):
        raise UpstreamError(f"{source}: must be a JSON list of codes, found {_type_name(data)}")
    problems: list[str] = []
    codes: list[UpstreamCode] = []
    first_at: dict[int, int] = {}
    unmapped: dict[str, int] = {}
    odd_levels: dict[str, int] = {}
    for index, item in enumerate(data):
        where = f"{source}: item {index}"
        if not isinstance(item, dict):
            problems.append(f"{where}: must be an object, found {_type_name(item)}")
            continue
        if "code" not in item:
            problems.append(f"{where}: has no 'code'")
            continue
        code = item["code"]
        if type(code) is not int:
            problems.append(f"{where}: 'code' must be an integer, found {_type_name(code)} {json.dumps(code)[:40]}")
            continue
        if not 100 <= code <= 999_999:
            problems.append(f"{where}: 'code' {code} is not a code (a positive integer of 3 to 6 digits)")
            continue
        where = f"{where} (code {code})"
        bad = [name for name in ("message", "log_level", "product")
               if item.get(name) is not None and not isinstance(item.get(name), str)]
        if bad:
            problems.extend(f"{where}: '{name}' must be a string or null, found {_type_name(item[name])}"
                            for name in bad)
            continue
        if code in first_at:
            problems.append(f"{where}: code {code} is listed twice (first at item {first_at[code]})")
            continue
        first_at[code] = index
        title = " ".join((item.get("message") or "").split()) or None
        raw_level = item.get("log_level")
        level = LEVEL_MAP.get(raw_level.strip().upper()) if raw_level else None
        if raw_level and level is None:
            odd_levels[raw_level] = odd_levels.get(raw_level, 0) + 1
        upstream_product = (item.get("product") or "").strip() or None
        product = PRODUCT_MAP.get(upstream_product) if upstream_product else None
        if upstream_product and product is None:
            unmapped[upstream_product] = unmapped.get(upstream_product, 0) + 1
        codes.append(UpstreamCode(code, title, level, product, upstream_product))
    if problems:
        shown = problems[:20]
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise UpstreamError("\n".join(shown) + more)
    return codes, unmapped, odd_levels


# --- comparing (pure) ---------------------------------------------------------------------------
def group_of(code: UpstreamCode) -> str:
    if code.product:
        return code.product
    if code.upstream_product:
        return f"unmapped: {code.upstream_product}"
    return NO_PRODUCT


def compare(upstream: list[UpstreamCode], entries: list[dict], files: set[int]) -> Report:
    """What differs between upstream and errdict. entries: valid normalized entries; files: every
    code that has a file in codes/ (a broken or stub entry still exists)."""
    by_code = {entry["code"]: entry for entry in entries}
    report = Report(upstream_count=len(upstream), errdict_count=len(files))
    upstream_codes = set()
    for item in sorted(upstream, key=lambda u: u.code):
        upstream_codes.add(item.code)
        if item.code not in files:
            report.missing.setdefault(group_of(item), []).append(item)
            continue
        entry = by_code.get(item.code)
        if entry is None:
            continue
        if item.title is not None and " ".join(entry["title"].split()) != item.title:
            report.differences.append({"code": item.code, "field": "title", "errdict": entry["title"],
                                       "upstream": item.title})
        if item.level is not None and entry["level"] != item.level:
            report.differences.append({"code": item.code, "field": "level", "errdict": entry["level"],
                                       "upstream": item.level})
        if item.product is not None and entry["product"] not in PRODUCT_FAMILY[item.product] | CROSS_CUTTING:
            report.differences.append({"code": item.code, "field": "product", "errdict": entry["product"],
                                       "upstream": item.product, "upstream_product": item.upstream_product})
    report.not_upstream = sorted(files - upstream_codes)
    report.broken_entries = sorted(files - set(by_code))
    report.missing = dict(sorted(report.missing.items(), key=lambda kv: (kv[0].startswith(("unmapped", "(")),
                                                                       -len(kv[1]), kv[0])))
    return report


# --- stubs --------------------------------------------------------------------------------------
_YAML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def yaml_quoted(text: str) -> str:
    """A YAML double-quoted scalar holding exactly text: quotes, colons, '#', backslashes and
    characters YAML does not allow raw are escaped."""
    out = ['"']
    for char in text:
        point = ord(char)
        if char in _YAML_ESCAPES:
            out.append(_YAML_ESCAPES[char])
        elif point < 0x20 or 0x7F <= point <= 0x9F or point in (0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF):
            out.append(f"\\u{point:04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def stub_yaml(item: UpstreamCode) -> str:
    """The text of a stub entry: the facts only, marked for a person to finish."""
    return "\n".join([
        SCHEMA_COMMENT,
        f"code: {item.code}",
        f"title: {yaml_quoted(item.title or '')}",
        f"level: {item.level}",
        f"product: {item.product}",
        "status: active",
        "stub: true",
        "",
    ])


def stub_problem(item: UpstreamCode) -> str | None:
    """Why no stub can be written for this code, or None."""
    if item.product is None:
        return (f"upstream product {item.upstream_product!r} has no errdict product" if item.upstream_product
                else "upstream gives no product")
    if item.level is None:
        return "upstream gives no level"
    if not item.title:
        return "upstream gives no title"
    if any(0xD800 <= ord(c) <= 0xDFFF for c in item.title):
        return "the title holds characters that cannot be written as UTF-8"
    return None


def write_stubs(report: Report, codes_dir: Path) -> None:
    """Write a stub for each missing code that has the facts; never over an existing file."""
    for group in report.missing.values():
        for item in group:
            reason = stub_problem(item)
            path = codes_dir / f"{item.code}.yaml"
            if reason is None and path.exists():
                reason = f"{catalog_mod.display_path(path)} already exists"
            text = stub_yaml(item) if reason is None else ""
            if reason is None:
                parsed = parse_entry_text(path.name, text.encode("utf-8"))
                expected = {"code": item.code, "title": item.title, "level": item.level,
                            "product": item.product, "status": "active", "stub": True}
                if parsed.data != expected:  # never write what would read back differently
                    reason = "the stub would not read back as written: " + \
                             "; ".join(p.message for p in parsed.problems)[:200]
            if reason is not None:
                report.skipped.append({"code": item.code, "reason": reason})
                continue
            write_atomically(path, text.encode("utf-8"))
            report.written.append(catalog_mod.display_path(path))


# --- output -------------------------------------------------------------------------------------
def report_json(report: Report, source: str) -> dict:
    def code_dict(item: UpstreamCode) -> dict:
        return {"code": item.code, "title": item.title, "level": item.level, "product": item.product,
                "upstream_product": item.upstream_product}

    return {
        "upstream": source,
        "upstream_codes": report.upstream_count,
        "errdict_codes": report.errdict_count,
        "missing_count": report.missing_count,
        "missing": {group: [code_dict(item) for item in items] for group, items in report.missing.items()},
        "differences": report.differences,
        "not_upstream": report.not_upstream,
        "unmapped_products": dict(sorted(report.unmapped_products.items(), key=lambda kv: (-kv[1], kv[0]))),
        "unknown_levels": report.unknown_levels,
        "compared_by_file_name_only": report.broken_entries,
        "stubs_written": report.written,
        "stubs_skipped": report.skipped,
    }


def _wrap_codes(codes: list[int], indent: str = "    ", width: int = 96) -> list[str]:
    lines, current = [], indent
    for code in codes:
        piece = f"{code} "
        if len(current) + len(piece) > width:
            lines.append(current.rstrip())
            current = indent
        current += piece
    if current.strip():
        lines.append(current.rstrip())
    return lines


def report_text(report: Report, source: str) -> str:
    out = [f"upstream {source}: {report.upstream_count} codes; errdict codes/: {report.errdict_count} entries", ""]
    out.append(f"Codes upstream that errdict lacks: {report.missing_count}")
    for group, items in report.missing.items():
        out.append(f"  {group}: {len(items)}")
        if group.startswith(("unmapped", "(")):
            out.extend(_wrap_codes([item.code for item in items]))
        else:
            out.extend(f"    {item.code}  {item.title or '(no title)'}" for item in items)
    out.append("")
    out.append(f"Codes whose title, level or product differs: {len({d['code'] for d in report.differences})}")
    for diff in report.differences:
        out.append(f"  {diff['code']} {diff['field']}: errdict {diff['errdict']!r}, upstream {diff['upstream']!r}"
                   + (f" ({diff['upstream_product']})" if diff.get("upstream_product") else ""))
    out.append("")
    out.append(f"Codes errdict has that upstream does not list: {len(report.not_upstream)}")
    out.extend(_wrap_codes(report.not_upstream))
    if report.broken_entries:
        out.append("")
        out.append(f"Entries with problems, compared by file name only: {len(report.broken_entries)}")
        out.extend(_wrap_codes(report.broken_entries))
    if report.unmapped_products:
        out.append("")
        out.append("Upstream products with no errdict product: " + ", ".join(
            f"{name} ({count})" for name, count in sorted(report.unmapped_products.items(),
                                                          key=lambda kv: (-kv[1], kv[0]))))
    if report.unknown_levels:
        out.append("Upstream levels that are neither ERROR nor WARNING (no claim): " + ", ".join(
            f"{name} ({count})" for name, count in report.unknown_levels.items()))
    if report.written or report.skipped:
        out.append("")
        out.append(f"Stubs written: {len(report.written)}")
        out.extend(f"  {path}" for path in report.written)
        if report.skipped:
            out.append(f"Stubs not written: {len(report.skipped)}")
            reasons: dict[str, list[int]] = {}
            for skip in report.skipped:
                reasons.setdefault(skip["reason"], []).append(skip["code"])
            for reason, codes in reasons.items():
                out.append(f"  {reason}: {len(codes)}")
                out.extend(_wrap_codes(codes))
        if report.written:
            out.append("Each stub is reported as incomplete by `python -m generator check` until a person "
                       "writes it in full and removes `stub: true`.")
    return "\n".join(out) + "\n"


# --- the command (file I/O at the edge) -----------------------------------------------------------
def existing_codes(codes_dir: Path) -> set[int]:
    return {int(path.name[:-5]) for path in codes_dir.iterdir() if ENTRY_NAME.match(path.name) and path.is_file()}


def upstream_command(catalog_path: str, stubs: bool = False, codes_dir: str | None = None,
                     as_json: bool = False) -> int:
    source = str(catalog_path)
    folder = Path(codes_dir) if codes_dir else catalog_mod.CODES_DIR
    try:
        text = Path(catalog_path).read_bytes().decode("utf-8")
    except FileNotFoundError:
        print(f"{source}: no such file", file=sys.stderr)
        return EXIT_BAD_INPUT
    except IsADirectoryError:
        print(f"{source}: is a folder; give the upstream catalog's JSON file", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        print(f"{source}: cannot be read: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except UnicodeDecodeError as exc:
        print(f"{source}: not UTF-8 text (byte {exc.start})", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        upstream, unmapped, odd_levels = parse_upstream(text, source)
    except UpstreamError as exc:
        print(exc, file=sys.stderr)
        return EXIT_BAD_INPUT
    if not folder.is_dir():
        print(f"{catalog_mod.display_path(folder)}: no such folder of entries", file=sys.stderr)
        return EXIT_BAD_INPUT
    loaded = catalog_mod.load_catalog(folder)
    report = compare(upstream, loaded.entries, existing_codes(folder))
    report.unmapped_products = unmapped
    report.unknown_levels = odd_levels
    if stubs:
        write_stubs(report, folder)
    if as_json:
        json.dump(report_json(report, source), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(report_text(report, source))
    return EXIT_OK
