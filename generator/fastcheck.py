"""A fast yes/no check compiled from the JSON Schema.

jsonschema explains every error well but costs about 0.4 ms per entry; at 10,000 entries that
alone would blow the 3-second budget. This module compiles the same schema into the source of a
Python function (one expression per keyword, one small function per object or array schema)
that answers only "valid or not" in a few microseconds. An entry the fast check accepts is
valid; one it rejects goes through jsonschema for the full, worded explanation. The test suite
checks with hypothesis that both always agree.

Only the keywords the entry schema uses are supported; an unknown keyword raises at compile
time, so the schema cannot grow a rule this module silently ignores.
"""
from __future__ import annotations

import re
from typing import Any, Callable

Check = Callable[[Any], bool]

_ANNOTATIONS = {"$schema", "$id", "title", "description", "enumDescriptions", "markdownEnumDescriptions",
                "x-enumTitles", "x-message", "x-schemaVersion", "examples", "default", "$comment"}
_SUPPORTED = {"type", "enum", "const", "required", "additionalProperties", "properties", "items", "minItems",
              "uniqueItems", "minLength", "maxLength", "pattern", "minimum", "maximum", "if", "then"}

_TYPE_TESTS = {
    "object": "type({v}) is dict",
    "array": "type({v}) is list",
    "string": "type({v}) is str",
    "integer": "type({v}) is int",
    "number": "type({v}) in (int, float)",
    "boolean": "type({v}) is bool",
    "null": "{v} is None",
}


def _json_equal(a: Any, b: Any) -> bool:
    """JSON equality: True is not 1, 1 equals 1.0, and containers compare item by item."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_json_equal(a[k], b[k]) for k in a)
    return a == b


def _unique(items: list) -> bool:
    return not any(_json_equal(item, other) for i, item in enumerate(items) for other in items[:i])


class _Compiler:
    def __init__(self) -> None:
        self.constants: dict[str, Any] = {"_json_equal": _json_equal, "_unique": _unique}
        self.functions: list[str] = []

    def constant(self, value: Any) -> str:
        name = f"C{len(self.constants)}"
        self.constants[name] = value
        return name

    def expression(self, schema: dict, v: str) -> str:
        """A Python expression, over the variable named v, that is true when v is valid."""
        unknown = set(schema) - _ANNOTATIONS - _SUPPORTED
        if unknown:
            raise ValueError(f"fastcheck cannot compile keyword(s) {sorted(unknown)}")
        if schema.get("additionalProperties") not in (None, False):
            raise ValueError("fastcheck supports only additionalProperties: false")
        parts: list[str] = []
        own_type = schema.get("type")

        def guard(json_type: str, python_test: str, rules: str) -> str:
            """rules apply only to values of json_type: skip the guard when the type is required."""
            return f"({rules})" if own_type == json_type else f"({python_test} or ({rules}))"

        if "type" in schema:
            parts.append(_TYPE_TESTS[schema["type"]].format(v=v))
        if "enum" in schema:
            allowed = schema["enum"]
            if all(type(a) is str for a in allowed):
                parts.append(f"(type({v}) is str and {v} in {self.constant(frozenset(allowed))})")
            else:
                parts.append(f"any(_json_equal({v}, a) for a in {self.constant(list(allowed))})")
        if "const" in schema:
            parts.append(f"_json_equal({v}, {self.constant(schema['const'])})")
        string_rules = []
        if "minLength" in schema:
            string_rules.append(f"len({v}) >= {int(schema['minLength'])}")
        if "maxLength" in schema:
            string_rules.append(f"len({v}) <= {int(schema['maxLength'])}")
        if "pattern" in schema:
            string_rules.append(f"{self.constant(re.compile(schema['pattern']))}.search({v}) is not None")
        if string_rules:
            parts.append(guard("string", f"type({v}) is not str", " and ".join(string_rules)))
        number_rules = []
        if "minimum" in schema:
            number_rules.append(f"{v} >= {self.constant(schema['minimum'])}")
        if "maximum" in schema:
            number_rules.append(f"{v} <= {self.constant(schema['maximum'])}")
        if number_rules:
            parts.append(guard("integer" if own_type == "integer" else "number", f"type({v}) not in (int, float)",
                               " and ".join(number_rules)))
        if {"required", "properties", "additionalProperties"} & set(schema):
            parts.append(guard("object", f"type({v}) is not dict", f"{self.object_function(schema)}({v})"))
        if {"items", "minItems", "uniqueItems"} & set(schema):
            parts.append(guard("array", f"type({v}) is not list", f"{self.array_function(schema)}({v})"))
        if "if" in schema:
            then = self.expression(schema["then"], v) if "then" in schema else "True"
            parts.append(f"(not ({self.expression(schema['if'], v)}) or ({then}))")
        return " and ".join(parts) or "True"

    def object_function(self, schema: dict) -> str:
        slot = len(self.functions)
        name = f"object_{slot}"
        self.functions.append("")  # reserve the slot: nested schemas add theirs while this compiles
        lines = [f"def {name}(v):"]
        if schema.get("required"):
            lines.append(f"    if not {self.constant(frozenset(schema['required']))}.issubset(v):")
            lines.append("        return False")
        properties = schema.get("properties", {})
        closed = schema.get("additionalProperties") is False
        if properties or closed:
            lines.append("    for k, x in v.items():")
            keyword = "if"
            for key, sub in properties.items():
                lines.append(f"        {keyword} k == {key!r}:")
                lines.append(f"            if not ({self.expression(sub, 'x')}):")
                lines.append("                return False")
                keyword = "elif"
            if closed:
                lines.append("        else:" if properties else "        return False")
                if properties:
                    lines.append("            return False")
        lines.append("    return True")
        self.functions[slot] = "\n".join(lines)
        return name

    def array_function(self, schema: dict) -> str:
        slot = len(self.functions)
        name = f"array_{slot}"
        self.functions.append("")
        lines = [f"def {name}(v):"]
        if schema.get("minItems"):
            lines.append(f"    if len(v) < {int(schema['minItems'])}:")
            lines.append("        return False")
        if "items" in schema:
            lines.append("    for x in v:")
            lines.append(f"        if not ({self.expression(schema['items'], 'x')}):")
            lines.append("            return False")
        if schema.get("uniqueItems"):
            lines.append("    return _unique(v)")
        else:
            lines.append("    return True")
        self.functions[slot] = "\n".join(lines)
        return name


def compile_schema(schema: dict) -> Check:
    """A function answering whether a value is valid against schema (a supported subset)."""
    compiler = _Compiler()
    body = compiler.expression(schema, "value")
    source = "\n\n".join(compiler.functions + [f"def check(value):\n    return bool({body})"])
    namespace = dict(compiler.constants)
    exec(compile(source, "<fastcheck>", "exec"), namespace)  # noqa: S102 - source built from the schema above
    check = namespace["check"]
    check.source = source  # type: ignore[attr-defined]
    return check
