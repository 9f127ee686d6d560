"""Read one entry file into plain Python data, keeping the line and column of every value.

PyYAML's own constructors hide the mistakes an entry author makes: a repeated key silently
wins, YAML 1.1 turns ``no`` into ``False``, ``0123`` into 83, ``1:20`` into 80 and an unquoted
date into a ``date``, and an alias can expand into gigabytes. This module asks libyaml (the C
parser) for the node tree only, then builds the values itself from the nodes, so each of those
cases becomes a :class:`Problem` at its own line instead of a wrong value.

Pure functions: :func:`parse_entry_text` takes bytes and returns data, positions and problems.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

import yaml

try:  # the C loader is a hard requirement for speed; fail loudly if it is missing
    from yaml import CSafeLoader as _Loader
except ImportError as exc:  # pragma: no cover - depends on how PyYAML was built
    raise ImportError("errdict's generator needs PyYAML built with libyaml (yaml.CSafeLoader)") from exc

_TAG = "tag:yaml.org,2002:"
_STR = _TAG + "str"


class _EntryLoader(_Loader):
    """The C loader with a quicker tag resolver: most scalars in an entry are prose, which
    cannot resolve to anything but a string, so they skip PyYAML's regular-expression pass."""

    _MAYBE_TYPED = frozenset(_Loader.yaml_implicit_resolvers)

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and value and value[0] not in self._MAYBE_TYPED:
            return _STR
        return super().resolve(kind, value, implicit)


MAX_ENTRY_BYTES = 64 * 1024
MAX_NODES = 5_000

Path_ = tuple  # a field path: ("causes", 1) or ("links", 0, "url")

_PLAIN_INT = re.compile(r"-?(0|[1-9][0-9]*)\Z")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, at a line and column (1-based)."""

    file: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}:"
        return f"{where} {self.field}: {self.message}" if self.field else f"{where} {self.message}"


def format_path(path: tuple) -> str:
    """("links", 0, "url") -> "links[0].url"."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass
class ParsedEntry:
    """What one file holds: the data (None when unreadable) and where each value sits."""

    file: str
    data: Any = None
    positions: dict = field(default_factory=dict)  # path -> (line, column) of the value
    key_positions: dict = field(default_factory=dict)  # path -> (line, column) of the key
    problems: list = field(default_factory=list)
    reported_paths: set = field(default_factory=set)  # paths already reported, schema skips them

    def where(self, path: tuple, at_key: bool = False) -> tuple[int, int]:
        """The best known position for a path: the value (or its key), else the nearest enclosing value."""
        found = self.key_positions.get(path) if at_key else None
        while found is None:
            found = self.positions.get(path)
            if found is None and not path:
                return (1, 1)
            path = path[:-1]
        return _as_line_col(found)

    def problem(self, path: tuple, message: str, *, at_key: bool = False) -> None:
        line, column = self.where(path, at_key)
        self.problems.append(Problem(self.file, line, column, format_path(path), message))
        self.reported_paths.add(path)

    def slim(self, keep: "Callable[[tuple], bool]") -> "ParsedEntry":
        """Drop the positions nobody will ask for (before sending this to another process)."""
        self.positions = {p: _as_line_col(m) for p, m in self.positions.items() if keep(p)}
        self.key_positions = {}
        return self


def _as_line_col(mark: Any) -> tuple[int, int]:
    if isinstance(mark, tuple):
        return mark
    return (mark.line + 1, mark.column + 1)


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def parse_entry_text(file: str, raw: bytes) -> ParsedEntry:
    """Turn the bytes of one entry file into a ParsedEntry. Never raises on bad input."""
    parsed = ParsedEntry(file)

    def fail(line: int, column: int, message: str) -> ParsedEntry:
        parsed.problems.append(Problem(file, line, column, "", message))
        return parsed

    if len(raw) > MAX_ENTRY_BYTES:
        return fail(1, 1, f"file is {len(raw):,} bytes; an entry may be at most {MAX_ENTRY_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return fail(line, column, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")
    if text.startswith("\ufeff"):
        return fail(1, 1, "starts with a byte-order mark; save the file as UTF-8 without BOM")
    tab = text.find("\t")
    if tab >= 0:
        return fail(*_line_col(text, tab), "tab character; YAML entries are indented with spaces only")
    if not text.strip():
        return fail(1, 1, "empty file; an entry is a mapping of fields (see generator/entry.schema.json)")
    try:
        root = yaml.compose(text, Loader=_EntryLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = exc.problem or exc.context or "cannot be parsed"
        return fail(line, column, f"invalid YAML: {reason}")
    except yaml.YAMLError as exc:
        return fail(1, 1, f"invalid YAML: {exc}")
    if root is None:
        return fail(1, 1, "empty file; an entry is a mapping of fields (see generator/entry.schema.json)")
    if not isinstance(root, yaml.MappingNode):
        kind = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        return fail(root.start_mark.line + 1, root.start_mark.column + 1,
                    f"the file holds {kind}; an entry is a mapping of fields")
    builder = _Builder(parsed)
    try:
        parsed.data = builder.build(root, ())
    except _TooLarge:
        parsed.data = None
        return fail(1, 1, f"more than {MAX_NODES:,} YAML nodes; an entry is never that large")
    return parsed


class _TooLarge(Exception):
    pass


class _Builder:
    """Builds Python values from composed nodes, reporting what PyYAML would silently accept."""

    def __init__(self, parsed: ParsedEntry) -> None:
        self.parsed = parsed
        self.seen: set[int] = set()
        self.count = 0
        self.alias_reported = False

    def build(self, node: yaml.Node, path: tuple) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooLarge
        node_id = id(node)
        if node_id not in self.seen:  # an alias's own mark is its anchor's: use the parent's instead
            self.parsed.positions[path] = node.start_mark  # a yaml.Mark; ParsedEntry.where() reads it
        if node_id in self.seen:
            if not self.alias_reported:  # one report is enough; an alias bomb has thousands
                self.alias_reported = True
                self.parsed.problem(path, "YAML aliases (*name) are not allowed in an entry; write the value out")
            return None
        self.seen.add(node_id)
        kind = node.__class__
        if kind is yaml.ScalarNode:
            return node.value if node.tag == _STR else self.scalar(node, path)
        if kind is yaml.SequenceNode:
            self.check_tag(node, path, "seq")
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        self.check_tag(node, path, "map")
        return self.mapping(node, path)

    def check_tag(self, node: yaml.Node, path: tuple, kind: str) -> None:
        if node.tag != _TAG + kind:
            self.parsed.problem(path, f"YAML tag {node.tag!r} is not allowed in an entry")

    def mapping(self, node: yaml.MappingNode, path: tuple) -> dict:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_mark = key_node.start_mark
            if key_node.tag == _TAG + "merge":
                key_path = path + ("<<",)
                self.parsed.positions[key_path] = key_mark
                self.parsed.problem(key_path, "YAML merge keys (<<) are not allowed in an entry; write the fields out")
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in (_STR, _TAG + "int"):
                where = path + ("?",)
                self.parsed.positions[where] = key_mark
                self.parsed.problem(where, "keys must be plain field names")
                continue
            key = key_node.value
            key_path = path + (key,)
            self.parsed.key_positions[key_path] = key_mark
            if key in first_line:
                self.parsed.positions[key_path] = key_mark
                self.parsed.problem(key_path, f"duplicate key (first set at line {first_line[key]}); "
                                              "YAML would silently keep only the last one")
                continue
            first_line[key] = key_mark.line + 1
            result[key] = self.build(value_node, key_path)
        return result

    def scalar(self, node: yaml.ScalarNode, path: tuple) -> Any:
        tag, value = node.tag, node.value
        if tag == _TAG + "int":
            if _PLAIN_INT.match(value):
                return int(value)
            if ":" in value:
                why = f"YAML 1.1 reads the unquoted {value!r} as the base-60 number {_yaml11(node)}"
            elif value.lstrip("+-").startswith("0") and len(value.lstrip("+-")) > 1:
                why = f"YAML 1.1 reads the unquoted {value!r} as the number {_yaml11(node)}"
            else:
                why = f"the unquoted {value!r} is an unusual number form ({_yaml11(node)})"
            self.parsed.problem(path, why + "; write a plain decimal number, or quote it if it is text")
            return value
        if tag == _TAG + "bool":
            if value in ("true", "false"):
                return value == "true"
            self.parsed.problem(path, f"YAML 1.1 reads the unquoted {value!r} as the boolean "
                                      f"{_yaml11(node)}; quote it if it is text")
            return value
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "float":
            return _yaml11(node)
        if tag == _TAG + "timestamp":
            self.parsed.problem(path, f"YAML reads the unquoted {value!r} as a date; quote it: \"{value}\"")
            return value
        self.parsed.problem(path, f"YAML tag {tag!r} is not allowed in an entry")
        return value


_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def _yaml11(node: yaml.ScalarNode) -> Any:
    """What PyYAML's own constructor makes of a scalar node (used to explain the surprise)."""
    try:
        return _CONSTRUCTOR.construct_object(node, deep=True)
    except yaml.YAMLError:
        return node.value
    finally:
        _CONSTRUCTOR.constructed_objects.clear()
