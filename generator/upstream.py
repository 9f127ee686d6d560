"""Compare codes/ with what the upstream provider publishes: `python -m generator upstream`.

    python -m generator upstream SOURCE [--stubs] [--refresh] [--codes DIR] [--json]

SOURCE is any of the three forms the upstream list comes in (the form is recognised from the text):

* its **dictionary page** as Markdown: one table per code range, one row per code, such as
  ``| [11751](www.twilio.com/docs/api/errors/11751) | ERROR Branded Comms, Whatsapp <br/> Media
  Message - Media exceeds messaging provider size limit |`` (level, products, ``<br/>``, title; the
  title may hold Markdown escapes such as ``\\_`` and HTML entities);
* its older **JSON download**: a list of objects with ``code``, ``message`` (the title),
  ``log_level`` and ``product`` (prose fields are never read);
* the **reference list** (``upstream-codes.tsv``): code, level, upstream products, title, the snapshot
  it was first listed in, how often an LC Phone user meets it and a suggested errdict product.

Only facts are read. The report lists the codes upstream that errdict lacks (with the product area
each would get), the codes whose official title, level or upstream products changed, and the codes
errdict has that upstream does not list. Nothing is written unless asked:

* ``--stubs`` writes a reference entry (facts only, ``kind: reference``) for each new code, never
  over an existing file;
* ``--refresh`` brings the reference entries' facts up to date, keeping a changed title as the
  first of ``former_titles``; a full entry is only reported, since a person must check that its
  explanation still holds for the new title.

Exit status: 0 when the comparison ran (differences are a report, not a failure), 2 when the
upstream text or the folder of entries cannot be used.
"""
from __future__ import annotations

import csv
import html
import io
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from errdict._codes import ENTRY_FILE_NAME, is_code

from . import catalog as catalog_mod
from . import schema, yamlwrite
from .compile import write_atomically
from .yamlsource import parse_entry_text

EXIT_OK, EXIT_BAD_INPUT = 0, 2
LEVELS = {"ERROR": "error", "WARNING": "warning"}


class UpstreamError(ValueError):
    """The upstream text cannot be used; the message names the source and the line or item."""


@dataclass(frozen=True)
class UpstreamCode:
    """The facts of one upstream code. None (or empty) means the source makes no claim."""

    code: int
    title: str
    level: str | None
    upstream_products: tuple[str, ...] = ()
    listed_since: str | None = None
    lc_tier: str | None = None
    suggested_product: str | None = None

    @property
    def product(self) -> str:
        """The errdict product area this code belongs to."""
        return product_area(self)


# --- the upstream products, mapped onto errdict's product areas ---------------------------------
# An upstream product that is one of errdict's areas; every other upstream product (chat, video,
# Flex, TaskRouter, IoT, ...) is a product LC Phone users never touch: "other".
PRODUCT_AREAS = {
    "Programmable Voice": "voice",
    "Elastic SIP Trunking": "sip",
    "Phone Numbers": "phone-numbers",
    "Account": "account",
    "Verify": "verify",
    "Lookup": "lookup",
    "Whatsapp": "whatsapp",
    "Branded Comms": "messaging",
    "Programmable SMS": "messaging",
    "Programmable Messaging": "messaging",
}
# Upstream files all messaging under one product; its title says which area of errdict's it is.
_MESSAGING_AREAS = (
    (re.compile(r"toll[- ]free", re.I), "toll-free"),
    (re.compile(r"\bwhats ?app\b", re.I), "whatsapp"),
    (re.compile(r"\b(?:a2p|10dlc|campaign|brand)\b", re.I), "a2p-10dlc"),
)


def product_area(item: UpstreamCode) -> str:
    """errdict's product area for an upstream code: a code whose only upstream product is Lookup
    or Verify belongs to that area; otherwise the suggested product of the reference list; else
    the first upstream product that is an errdict area (messaging split by its title); else other."""
    products = item.upstream_products
    if len(products) == 1 and PRODUCT_AREAS.get(products[0]) in ("lookup", "verify"):
        return PRODUCT_AREAS[products[0]]
    if item.suggested_product:
        return item.suggested_product
    for name in products:
        area = PRODUCT_AREAS.get(name)
        if area == "messaging":
            for pattern, refined in _MESSAGING_AREAS:
                if pattern.search(item.title):
                    return refined
        if area is not None:
            return area
    return "other"


# --- reading the three forms (pure) ---------------------------------------------------------------

def read_upstream(text: str, source: str) -> list[UpstreamCode]:
    """The codes of an upstream text, whichever form it is in; UpstreamError naming source and place."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("["):
        codes = parse_json(text, source)
    elif stripped.startswith("code\t"):
        codes = parse_tsv(text, source)
    elif "|" in stripped:
        codes = parse_markdown(text, source)
    else:
        raise UpstreamError(f"{source}: neither the upstream dictionary page (Markdown tables), its JSON "
                            "download nor the reference TSV")
    if not codes:
        raise UpstreamError(f"{source}: lists no codes")
    return codes


def _title(raw: object) -> str:
    return " ".join(str(raw or "").split())


class _Collector:
    """Problems found while reading, and the codes seen so far (each code once)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []
        self.first_at: dict[int, str] = {}
        self.codes: list[UpstreamCode] = []

    def add(self, where: str, item: UpstreamCode) -> None:
        if item.code in self.first_at:
            self.problems.append(f"{self.source}: {where}: code {item.code} is listed twice "
                                 f"(first at {self.first_at[item.code]})")
            return
        if not item.title:
            self.problems.append(f"{self.source}: {where}: code {item.code} has no title")
            return
        self.first_at[item.code] = where
        self.codes.append(item)

    def code(self, where: str, raw: object) -> int | None:
        if isinstance(raw, str) and re.fullmatch(r"[0-9]+", raw.strip()):
            raw = int(raw.strip())
        if type(raw) is not int:
            self.problems.append(f"{self.source}: {where}: the code must be a whole number, "
                                 f"found {json.dumps(raw)[:40] if not isinstance(raw, bytes) else raw!r}")
            return None
        if not is_code(raw):
            self.problems.append(f"{self.source}: {where}: {raw} is not a code (3 to 6 digits)")
            return None
        return raw

    def level(self, where: str, raw: object) -> str | None:
        """errdict's level for the source's; None (no claim) for a level that is neither ERROR nor WARNING."""
        return LEVELS.get(raw.strip().upper()) if isinstance(raw, str) else None

    def result(self) -> list[UpstreamCode]:
        if self.problems:
            shown = self.problems[:20]
            more = f"\n... and {len(self.problems) - 20} more" if len(self.problems) > 20 else ""
            raise UpstreamError("\n".join(shown) + more)
        return self.codes


def _products(raw: str) -> tuple[str, ...]:
    return tuple(name for name in (part.strip() for part in raw.split(",")) if name)


def parse_json(text: str, source: str) -> list[UpstreamCode]:
    """The upstream JSON download: a list of objects with code, message, log_level, product."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UpstreamError(f"{source}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise UpstreamError(f"{source}: nested too deeply to be the upstream list") from None
    if not isinstance(data, list):
        raise UpstreamError(f"{source}: must be a JSON list of codes")
    found = _Collector(source)
    for index, item in enumerate(data):
        where = f"item {index}"
        if not isinstance(item, dict):
            found.problems.append(f"{source}: {where}: must be an object")
            continue
        code = found.code(where, item.get("code"))
        if code is None:
            continue
        bad = [name for name in ("message", "log_level", "product")
               if item.get(name) is not None and not isinstance(item.get(name), str)]
        if bad:
            found.problems.extend(f"{source}: {where} (code {code}): '{name}' must be a string or null"
                                  for name in bad)
            continue
        found.add(f"{where}", UpstreamCode(code, _title(item.get("message")), found.level(where, item.get("log_level")),
                                           _products(item.get("product") or "")))
    return found.result()


TSV_COLUMNS = ("code", "level", "upstream_products", "title", "listed_since", "lc_tier", "suggested_product")


def parse_tsv(text: str, source: str) -> list[UpstreamCode]:
    """The reference list: a tab-separated file with the columns of TSV_COLUMNS."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, [])
    if tuple(header) != TSV_COLUMNS:
        raise UpstreamError(f"{source}: line 1: the columns must be {', '.join(TSV_COLUMNS)}")
    found = _Collector(source)
    tiers, snapshots = schema.vocabulary("lc_tier").values, schema.vocabulary("listed_since").values
    products = schema.vocabulary("product").values
    for number, row in enumerate(reader, start=2):
        where = f"line {number}"
        if not row:
            continue
        if len(row) != len(TSV_COLUMNS):
            found.problems.append(f"{source}: {where}: {len(row)} columns, expected {len(TSV_COLUMNS)}")
            continue
        values = dict(zip(TSV_COLUMNS, row, strict=True))
        code = found.code(where, values["code"])
        if code is None:
            continue
        for name, allowed in (("listed_since", snapshots), ("lc_tier", tiers), ("suggested_product", products)):
            if values[name] and values[name] not in allowed:
                found.problems.append(f"{source}: {where}: {name} {values[name]!r} is not one of {', '.join(allowed)}")
        found.add(where, UpstreamCode(code, _title(values["title"]), found.level(where, values["level"]),
                                      _products(values["upstream_products"]), values["listed_since"] or None,
                                      values["lc_tier"] or None, values["suggested_product"] or None))
    return found.result()


_ROW = re.compile(r"^\s*\|\s*\[\s*([^\]]*?)\s*\]\(\s*([^)\s]*)\s*\)\s*\|(.*)\|\s*$")
_BREAK = re.compile(r"<br\s*/?>", re.I)
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def _unescape_markdown(text: str) -> str:
    """A table cell as plain text: Markdown backslash escapes and HTML entities undone."""
    return html.unescape(_MD_ESCAPE.sub(r"\1", text))


def parse_markdown(text: str, source: str) -> list[UpstreamCode]:
    """The dictionary page: table rows ``| [CODE](.../errors/CODE) | LEVEL Products <br/> Title |``."""
    found = _Collector(source)
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.lstrip().startswith("|"):
            continue
        where = f"line {number}"
        row = _ROW.match(line)
        if row is None:
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if cells and (set("".join(cells)) <= set("-: ") or cells[0].casefold() in ("code", "error code")):
                continue  # a header or separator row
            found.problems.append(f"{source}: {where}: "
                                  "not a row of the form | [CODE](URL) | LEVEL products <br/> title |")
            continue
        label, url, rest = row.groups()
        code = found.code(where, label)
        if code is None:
            continue
        if not re.search(rf"/errors/{code}/?(?:[#?].*)?$", url):
            found.problems.append(f"{source}: {where}: the link of {code} leads to {url!r}, not to its own page")
            continue
        parts = _BREAK.split(rest, maxsplit=1)
        if len(parts) != 2:
            found.problems.append(f"{source}: {where}: code {code}: no <br/> between the level and the title")
            continue
        head, title = (_unescape_markdown(part).strip() for part in parts)
        level_word, _, products = head.partition(" ")
        level = found.level(where, level_word)
        if level is None:
            products = head  # no level given: the whole head names products
        found.add(where, UpstreamCode(code, _title(title), level, _products(products)))
    return found.result()


# --- comparing (pure) -----------------------------------------------------------------------------

@dataclass
class Report:
    upstream_count: int
    errdict_count: int
    new: list[UpstreamCode] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    not_upstream: list[int] = field(default_factory=list)
    unreadable: list[int] = field(default_factory=list)  # files compared by name only
    written: list[str] = field(default_factory=list)
    refreshed: list[str] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)

    @property
    def differs(self) -> bool:
        return bool(self.new or self.changed or self.not_upstream)


def compare(upstream: Iterable[UpstreamCode], entries: list[dict[str, Any]], files: set[int]) -> Report:
    """What differs between upstream and errdict. entries: valid normalized entries; files: every code
    that has a file in codes/ (a broken entry still exists and is compared by name only)."""
    by_code = {entry["code"]: entry for entry in entries}
    items = sorted(upstream, key=lambda item: item.code)
    report = Report(upstream_count=len(items), errdict_count=len(files))
    for item in items:
        if item.code not in files:
            report.new.append(item)
            continue
        entry = by_code.get(item.code)
        if entry is None:
            continue
        changes = {}
        if item.title != " ".join(entry["title"].split()):
            changes["title"] = (entry["title"], item.title)
        if item.level is not None and item.level != entry["level"]:
            changes["level"] = (entry["level"], item.level)
        if item.upstream_products and tuple(entry["upstream_products"]) != item.upstream_products:
            changes["upstream_products"] = (list(entry["upstream_products"]), list(item.upstream_products))
        for name in ("listed_since", "lc_tier"):
            value = getattr(item, name)
            if value is not None and entry[name] != value:
                changes[name] = (entry[name], value)
        if changes:
            report.changed.append({"code": item.code, "kind": entry["kind"],
                                   "changes": {name: {"errdict": old, "upstream": new}
                                               for name, (old, new) in changes.items()}})
    listed = {item.code for item in items}
    report.not_upstream = sorted(files - listed)
    report.unreadable = sorted(files - set(by_code))
    return report


# --- writing reference entries --------------------------------------------------------------------

def reference_entry(item: UpstreamCode, former_titles: Iterable[dict[str, str]] = ()) -> dict[str, Any]:
    """The fields of a reference entry for an upstream code, in the schema's order."""
    values: dict[str, Any] = {
        "code": item.code, "kind": "reference", "title": item.title, "former_titles": list(former_titles),
        "level": item.level or "error", "product": item.product, "upstream_products": list(item.upstream_products),
        "lc_tier": item.lc_tier, "listed_since": item.listed_since, "status": "active",
    }
    return {name: values[name] for name in schema.field_order()
            if (name in values and values[name] not in (None, [])) or name == "upstream_products"}


def entry_yaml(fields: dict[str, Any]) -> str:
    """The text of an entry file holding these fields (flat facts only)."""
    return "\n".join([schema.SCHEMA_COMMENT, *yamlwrite.mapping_lines(fields.items()), ""])


def _written_exactly(path: Path, text: str, expected: dict[str, Any]) -> str | None:
    parsed = parse_entry_text(path.name, text.encode("utf-8"))
    if parsed.data != expected or parsed.problems:
        return "the entry would not read back as written"
    return None


def write_stubs(report: Report, codes_dir: Path) -> None:
    """A reference entry for each new code; never over an existing file."""
    for item in report.new:
        path = codes_dir / f"{item.code}.yaml"
        fields = reference_entry(item)
        text = entry_yaml(fields)
        reason = f"{catalog_mod.display_path(path)} already exists" if path.exists() else \
            _written_exactly(path, text, fields)
        if reason:
            report.skipped.append({"code": item.code, "reason": reason})
            continue
        write_atomically(path, text.encode("utf-8"))
        report.written.append(catalog_mod.display_path(path))


def refresh_reference_entries(report: Report, upstream: dict[int, UpstreamCode], entries: dict[int, dict[str, Any]],
                              codes_dir: Path) -> None:
    """Rewrite each reference entry whose facts changed upstream; a changed title becomes the first
    former title. Full entries are left to a person (they stay in the report)."""
    for change in report.changed:
        code = change["code"]
        entry = entries[code]
        if entry["kind"] != "reference":
            report.skipped.append({"code": code, "reason": "a full entry: check its explanation against the new "
                                                           "facts and edit it by hand"})
            continue
        item = upstream[code]
        former = [dict(title) for title in entry["former_titles"]]
        if entry["title"] != item.title and all(title["title"] != entry["title"] for title in former):
            former.insert(0, {"title": entry["title"]})
        former = [title for title in former if title["title"] != item.title]
        merged = UpstreamCode(code, item.title, item.level or entry["level"],
                              item.upstream_products or tuple(entry["upstream_products"]),
                              item.listed_since or entry["listed_since"], item.lc_tier or entry["lc_tier"],
                              item.suggested_product or entry["product"])
        fields = reference_entry(merged, former)
        path = codes_dir / f"{code}.yaml"
        text = entry_yaml(fields)
        reason = _written_exactly(path, text, fields)
        if reason:
            report.skipped.append({"code": code, "reason": reason})
            continue
        write_atomically(path, text.encode("utf-8"))
        report.refreshed.append(catalog_mod.display_path(path))


# --- output ---------------------------------------------------------------------------------------

def _code_dict(item: UpstreamCode) -> dict[str, Any]:
    return {"code": item.code, "title": item.title, "level": item.level, "product": item.product,
            "upstream_products": list(item.upstream_products)}


def report_json(report: Report, source: str) -> dict[str, Any]:
    return {
        "upstream": source,
        "upstream_codes": report.upstream_count,
        "errdict_codes": report.errdict_count,
        "differs": report.differs,
        "new": [_code_dict(item) for item in report.new],
        "changed": report.changed,
        "not_upstream": report.not_upstream,
        "compared_by_file_name_only": report.unreadable,
        "written": report.written,
        "refreshed": report.refreshed,
        "skipped": report.skipped,
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
    by_area: dict[str, list[UpstreamCode]] = {}
    for item in report.new:
        by_area.setdefault(item.product, []).append(item)
    out.append(f"New codes (upstream lists them, errdict has no entry): {len(report.new)}")
    for area, items in sorted(by_area.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        out.append(f"  {area}: {len(items)}")
        out.extend(f"    {item.code}  {item.title}" for item in items)
    out.append("")
    out.append(f"Codes whose facts changed upstream: {len(report.changed)}")
    for change in report.changed:
        for name, values in change["changes"].items():
            out.append(f"  {change['code']} ({change['kind']}) {name}: {values['errdict']!r} -> {values['upstream']!r}")
    out.append("")
    out.append(f"Codes errdict has that upstream does not list: {len(report.not_upstream)}")
    out.extend(_wrap_codes(report.not_upstream))
    if report.unreadable:
        out.append("")
        out.append(f"Entries with problems, compared by file name only: {len(report.unreadable)}")
        out.extend(_wrap_codes(report.unreadable))
    if report.written or report.refreshed or report.skipped:
        out.append("")
        out.append(f"Reference entries written: {len(report.written)}; refreshed: {len(report.refreshed)}")
        reasons: dict[str, list[int]] = {}
        for skip in report.skipped:
            reasons.setdefault(skip["reason"], []).append(skip["code"])
        for reason, codes in reasons.items():
            out.append(f"  not written, {reason}: {len(codes)}")
            out.extend(_wrap_codes(codes))
    if not report.differs:
        out.append("")
        out.append("No difference: errdict is up to date with this list.")
    return "\n".join(out) + "\n"


# --- the command (file I/O at the edge) -----------------------------------------------------------

def existing_codes(codes_dir: Path) -> set[int]:
    return {int(path.name[:-5]) for path in codes_dir.iterdir() if ENTRY_FILE_NAME.match(path.name) and path.is_file()}


def _read_text(path: str) -> str:
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise UpstreamError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UpstreamError(f"{path}: is a folder; give the upstream list's file") from None
    except OSError as exc:
        raise UpstreamError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UpstreamError(f"{path}: not UTF-8 text (byte {exc.start})") from None


def upstream_command(source: str, *, stubs: bool = False, refresh: bool = False, codes_dir: str | None = None,
                     as_json: bool = False) -> int:
    folder = Path(codes_dir) if codes_dir else catalog_mod.CODES_DIR
    try:
        upstream = read_upstream(_read_text(source), source)
    except UpstreamError as exc:
        print(exc, file=sys.stderr)
        return EXIT_BAD_INPUT
    if not folder.is_dir():
        print(f"{catalog_mod.display_path(folder)}: no such folder of entries", file=sys.stderr)
        return EXIT_BAD_INPUT
    loaded = catalog_mod.load_catalog(folder)
    report = compare(upstream, loaded.entries, existing_codes(folder))
    if stubs:
        write_stubs(report, folder)
    if refresh:
        refresh_reference_entries(report, {item.code: item for item in upstream}, loaded.by_code(), folder)
    if as_json:
        json.dump(report_json(report, source), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(report_text(report, source))
    return EXIT_OK
