"""Read one entry file into plain Python data, keeping the line and column of every value.

PyYAML's own constructors hide the mistakes an entry author makes: a repeated key silently
wins, YAML 1.1 turns ``no`` into ``False``, ``0123`` into 83, ``1:20`` into 80 and an unquoted
date into a ``date``, and an alias can expand into gigabytes. This module asks libyaml (the C
parser) for the node tree only, then builds the values itself from the nodes, so each of those
cases becomes a :class:`Problem` at its own line instead of a wrong value.

Pure functions: :func:`parse_entry_text` takes bytes and returns the data and its problems; the
positions of values are looked up in the node tree only when a problem needs one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

import yaml

try:  # the C loader is a hard requirement for speed; fail loudly if it is missing
    from yaml import CSafeLoader as _Loader
except ImportError as exc:  # pragma: no cover - depends on how PyYAML was built
    raise ImportError("errdict's generator needs PyYAML built with libyaml (yaml.CSafeLoader)") from exc

_TAG = "tag:yaml.org,2002:"
_STR = _TAG + "str"


class _EntryLoader(_Loader):
    """The C loader with a quicker tag resolver. Most scalars in an entry are prose; a plain
    scalar that starts with a letter can only be a YAML 1.1 boolean or null word, so it is
    looked up in a set instead of PyYAML's list of regular expressions (same answers, tested)."""

    _MAYBE_TYPED = frozenset(_Loader.yaml_implicit_resolvers)
    _WORDS: ClassVar[dict[str, str]] = {**{w: _TAG + "bool" for w in
                 "yes Yes YES no No NO true True TRUE false False FALSE on On ON off Off OFF".split()},  # noqa: SIM905
              **{w: _TAG + "null" for w in ("null", "Null", "NULL")}}

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode:
            if not implicit[0]:
                return _STR  # quoted: always a string
            first = value[:1]
            if first.isalpha():
                return self._WORDS.get(value, _STR)
            if first and first not in self._MAYBE_TYPED:
                return _STR
        elif kind is yaml.MappingNode:
            return _TAG + "map"  # what PyYAML answers for a collection (no path resolvers are set)
        elif kind is yaml.SequenceNode:
            return _TAG + "seq"
        return super().resolve(kind, value, implicit)


MAX_ENTRY_BYTES = 64 * 1024
MAX_NODES = 5_000
# An entry's deepest value is links[0].url (three levels); anything much deeper is a mistake, and
# nesting a few hundred levels deep would exhaust the recursion of the C composer.
MAX_DEPTH = 8

_PLAIN_INT = re.compile(r"-?(0|[1-9][0-9]*)\Z")
# Longer numbers are not read at all: Python refuses to convert more than 4,300 digits, and no
# field needs more than a few.
_MAX_DIGITS = 40


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
        text = f"{where} {self.field}: {self.message}" if self.field else f"{where} {self.message}"
        return text if text.isprintable() else printable(text)


def printable(text: str) -> str:
    """Text with every character that is not printable (controls, bidirectional overrides,
    invisible and separator characters, a file name's escape sequence) written as an escape, so
    that a problem line never carries them to a terminal or a log."""
    return "".join(char if char.isprintable() else _escape(char) for char in text)


def _escape(char: str) -> str:
    point = ord(char)
    return f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}" if point < 0x10000 else f"\\U{point:08x}"


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
    """What one file holds: the data (None when unreadable) and where each value sits.

    Positions are looked up lazily in the YAML node tree (``root``) only when a problem needs
    one, so a clean entry pays nothing for them. ``release()`` drops the tree; a later problem
    (from the catalog-wide checks) composes it again from ``text``, or, when the text was dropped
    too (it is large to send between processes), from the file at ``source`` read again.
    """

    file: str
    data: Any = None
    root: Any = None  # the composed yaml node tree, until release()
    text: str | None = None  # the file's text, to find positions again after release()
    problems: list = field(default_factory=list)
    reported_paths: set = field(default_factory=set)  # paths already reported, schema skips them
    has_float: bool = False  # a value was read as a float (the quick schema check takes 21610.0 for an int)
    source: str | None = None  # the file to read the text from again, when text was dropped

    def where(self, path: tuple, at_key: bool = False) -> tuple[int, int]:
        """The position of a path's value (or its key): the nearest enclosing one when absent."""
        if self.root is None:
            text = self.text if self.text is not None else self._read_source()
            if text is None:
                return (1, 1)
            try:
                self.root = yaml.compose(text, Loader=_EntryLoader)  # rare: a catalog-wide problem
            except yaml.YAMLError:  # the file changed since it was checked
                return (1, 1)
            try:
                return self.where(path, at_key)
            finally:
                self.root = None
        node, mark = self.root, self.root.start_mark
        last = len(path) - 1
        for depth, part in enumerate(path):
            child = key_mark = None
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                for key_node, value_node in node.value:
                    if key_node.value == part:  # the first occurrence; duplicates are reported apart
                        child, key_mark = value_node, key_node.start_mark
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                child = node.value[part]
            if child is None:
                break
            node, mark = child, (key_mark if at_key and depth == last and key_mark else child.start_mark)
        return _line_col_of(mark)

    def _read_source(self) -> str | None:
        if self.source is None:
            return None
        try:
            with open(self.source, "rb") as handle:
                return handle.read(MAX_ENTRY_BYTES + 1).decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def problem(self, path: tuple, message: str, *, at_key: bool = False) -> None:
        self.problem_at(self.where(path, at_key), path, message)

    def problem_at(self, line_col: tuple[int, int], path: tuple, message: str) -> None:
        self.problems.append(Problem(self.file, line_col[0], line_col[1], format_path(path), message))
        self.reported_paths.add(path)

    def release(self) -> ParsedEntry:
        """Drop the node tree (large, slow to send between processes); where() can rebuild it."""
        self.root = None
        return self


def _line_col_of(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


def _line_col(buffer: str | bytes, offset: int) -> tuple[int, int]:
    """1-based line and column of an offset into text or bytes."""
    newline = "\n" if isinstance(buffer, str) else b"\n"
    line = buffer.count(newline, 0, offset) + 1
    return line, offset - (buffer.rfind(newline, 0, offset) + 1) + 1


# Characters refused before parsing, each with its problem: a tab (YAML indents with spaces), and those
# YAML 1.1 reads as line breaks besides \n and \r\n, with which the parser's line numbers would not be
# the editor's (nor those of every other problem here).
_NOT_A_LINE_BREAK = "YAML reads it as a line break, editors and this report do not: end lines with \\n only"
_REFUSED_CHARACTERS = {
    "\t": "tab character; YAML entries are indented with spaces only",
    "\r": f"a carriage return not followed by a newline (a classic Mac line ending); {_NOT_A_LINE_BREAK}",
    "\x85": f"a next-line character (U+0085); {_NOT_A_LINE_BREAK}",
    "\u2028": f"a line separator (U+2028); {_NOT_A_LINE_BREAK}",
    "\u2029": f"a paragraph separator (U+2029); {_NOT_A_LINE_BREAK}",
}
_REFUSED_CHARACTER = re.compile("\t|\r(?!\n)|[\x85\u2028\u2029]")


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
        return fail(*_line_col(raw, exc.start),
                    f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")
    if text.startswith("\ufeff"):
        return fail(1, 1, "starts with a byte-order mark; save the file as UTF-8 without BOM")
    # a look for each character first (quick), the pattern only where one is (a \r\n file, a bad entry)
    refused = _REFUSED_CHARACTER.search(text) if any(char in text for char in _REFUSED_CHARACTERS) else None
    if refused is not None:
        return fail(*_line_col(text, refused.start()), _REFUSED_CHARACTERS[refused.group()])
    if not text.strip():
        return fail(1, 1, "empty file; an entry is a mapping of fields (see generator/entry.schema.json)")
    try:
        root = yaml.compose(text, Loader=_EntryLoader)
    except RecursionError:
        return fail(*(_too_deep(text) or (1, 1)), _TOO_DEEP)
    except yaml.MarkedYAMLError as exc:
        if "maximum nesting depth" in str(exc.problem):  # libyaml's own limit, far beyond ours
            where = _too_deep(text) or _flow_too_deep(text) or _line_col_of(exc.problem_mark)
            return fail(*where, _TOO_DEEP)
        mark = exc.problem_mark or exc.context_mark
        reason = exc.problem or exc.context or "cannot be parsed"
        return fail(*(_line_col_of(mark) if mark else (1, 1)), f"invalid YAML: {reason}")
    except yaml.YAMLError as exc:
        return fail(1, 1, f"invalid YAML: {exc}")
    if root is None:
        return fail(1, 1, "empty file; an entry is a mapping of fields (see generator/entry.schema.json)")
    if not isinstance(root, yaml.MappingNode):
        kind = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        return fail(*_line_col_of(root.start_mark), f"the file holds {kind}; an entry is a mapping of fields")
    builder = _Builder(parsed)
    parsed.root, parsed.text = root, text
    try:
        parsed.data = builder.build(root, ())
    except _TooLarge:
        parsed.data = None
        parsed.root = None
        return fail(1, 1, f"more than {MAX_NODES:,} YAML nodes; an entry is never that large")
    return parsed


class _TooLarge(Exception):
    pass


_TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep; an entry is at most 3 levels deep (links[0].url)"


def _too_deep(text: str) -> tuple[int, int] | None:
    """Where the text first nests collections more than MAX_DEPTH deep, read from libyaml's event
    stream (which keeps no stack of its own); None if it does not."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_EntryLoader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:  # the entry's own mapping is depth 1: as the builder counts
                    return _line_col_of(event.start_mark)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return None
    return None


def _flow_too_deep(text: str) -> tuple[int, int] | None:
    """Where brackets ([ and {) first nest MAX_DEPTH deep, quoted text and comments aside: libyaml
    refuses flow collections nested 1,000 deep while scanning, before it reports any event."""
    depth, i, size = 0, 0, len(text)
    while i < size:
        char = text[i]
        if char in "[{":
            depth += 1
            if depth >= MAX_DEPTH:
                return _line_col(text, i)
        elif char in "]}":
            depth = max(0, depth - 1)
        elif char in "\"'":
            end = i + 1
            while end < size and text[end] != char:
                end += 2 if char == '"' and text[end] == "\\" else 1
            i = end
        elif char == "#" and (i == 0 or text[i - 1] in " \n"):
            newline = text.find("\n", i)
            i = size if newline < 0 else newline
        i += 1
    return None


class _Builder:
    """Builds Python values from composed nodes, reporting what PyYAML would silently accept."""

    def __init__(self, parsed: ParsedEntry) -> None:
        self.parsed = parsed
        self.seen: set[int] = set()
        self.alias_reported = False

    def build(self, node: yaml.Node, path: tuple, parent_mark: Any = None) -> Any:
        seen = self.seen
        node_id = id(node)
        if node_id in seen:
            if not self.alias_reported:  # one report is enough; an alias bomb has thousands
                self.alias_reported = True
                # an alias's own mark is its anchor's: point at where it is used instead
                self.parsed.problem_at(_line_col_of(parent_mark or node.start_mark), path,
                                       "YAML aliases (*name) are not allowed in an entry; write the value out")
            return None
        seen.add(node_id)
        if len(seen) > MAX_NODES:
            raise _TooLarge
        kind = node.__class__
        if len(path) >= MAX_DEPTH and kind is not _ScalarNode:
            self.parsed.problem_at(_line_col_of(node.start_mark), path, _TOO_DEEP)
            # what holds it is broken too, but that is this problem: nothing more to say about it
            self.parsed.reported_paths.update(path[:i] for i in range(1, len(path)))
            return None
        if kind is _ScalarNode:
            return node.value if node.tag == _STR else self.scalar(node, path)
        if kind is _SequenceNode:
            if node.tag != _SEQ:
                self.bad_tag(node, path)
            mark = node.start_mark
            build = self.build
            return [item.value if (item.__class__ is _ScalarNode and item.tag == _STR and id(item) not in seen
                                   and not seen.add(id(item)))
                    else build(item, (*path, i), mark)
                    for i, item in enumerate(node.value)]
        if node.tag != _MAP:
            self.bad_tag(node, path)
        return self.mapping(node, path)

    def bad_tag(self, node: yaml.Node, path: tuple) -> None:
        self.parsed.problem_at(_line_col_of(node.start_mark), path,
                               f"YAML tag {node.tag!r} is not allowed in an entry")

    def mapping(self, node: yaml.MappingNode, path: tuple) -> dict:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        problem_at = self.parsed.problem_at
        mark = node.start_mark
        for key_node, value_node in node.value:
            key_tag = key_node.tag
            if key_tag == _MERGE:
                problem_at(_line_col_of(key_node.start_mark), (*path, "<<"),
                           "YAML merge keys (<<) are not allowed in an entry; write the fields out")
                continue
            if key_node.__class__ is not _ScalarNode or (key_tag not in (_STR, _INT)):
                problem_at(_line_col_of(key_node.start_mark), (*path, "?"), "keys must be plain field names")
                continue
            key = key_node.value
            if key in first_line:
                problem_at(_line_col_of(key_node.start_mark), (*path, key),
                           f"duplicate key (first set at line {first_line[key]}); "
                           "YAML would silently keep only the last one")
                continue
            first_line[key] = key_node.start_mark.line + 1
            if value_node.__class__ is _ScalarNode and value_node.tag == _STR and id(value_node) not in self.seen:
                self.seen.add(id(value_node))
                result[key] = value_node.value
            else:
                result[key] = self.build(value_node, (*path, key), mark)
        return result

    def scalar(self, node: yaml.ScalarNode, path: tuple) -> Any:
        tag, value = node.tag, node.value
        here = _line_col_of(node.start_mark)
        if tag == _INT:
            if len(value) > _MAX_DIGITS:
                self.parsed.problem_at(here, path, f"a number of {len(value):,} characters; no field holds a number "
                                                   "that long (a code has 3 to 6 digits)")
                return value
            if _PLAIN_INT.match(value):
                return int(value)
            if ":" in value:
                why = f"YAML 1.1 reads the unquoted {value!r} as the base-60 number {_yaml11(node)}"
            elif value.lstrip("+-").startswith("0") and len(value.lstrip("+-")) > 1:
                why = f"YAML 1.1 reads the unquoted {value!r} as the number {_yaml11(node)}"
            else:
                why = f"the unquoted {value!r} is an unusual number form ({_yaml11(node)})"
            self.parsed.problem_at(here, path, why + "; write a plain decimal number, or quote it if it is text")
            return value
        if tag == _TAG + "bool":
            if value in ("true", "false"):
                return value == "true"
            self.parsed.problem_at(here, path, f"YAML 1.1 reads the unquoted {value!r} as the boolean "
                                               f"{_yaml11(node)}; quote it if it is text")
            return value
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "float":
            self.parsed.has_float = True
            return _yaml11(node)
        if tag == _TAG + "timestamp":
            self.parsed.problem_at(here, path, f"YAML reads the unquoted {value!r} as a date; quote it: \"{value}\"")
            return value
        self.parsed.problem_at(here, path, f"YAML tag {tag!r} is not allowed in an entry")
        return value


_ScalarNode, _SequenceNode = yaml.ScalarNode, yaml.SequenceNode
_SEQ, _MAP, _INT, _MERGE = _TAG + "seq", _TAG + "map", _TAG + "int", _TAG + "merge"


_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def _yaml11(node: yaml.ScalarNode) -> Any:
    """What PyYAML's own constructor makes of a scalar node (used to explain the surprise)."""
    try:
        return _CONSTRUCTOR.construct_object(node, deep=True)
    except yaml.YAMLError:
        return node.value
    finally:
        _CONSTRUCTOR.constructed_objects.clear()
