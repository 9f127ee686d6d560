"""A fast yes/no check compiled from the JSON Schema.

jsonschema explains every error well but costs about 0.4 ms per entry; at 10,000 entries that
alone would blow the 3-second budget. This module compiles the same schema into nested Python
closures that answer only "valid or not" in a few microseconds. An entry the fast check accepts
is valid; one it rejects goes through jsonschema for the full, worded explanation. The test
suite checks with hypothesis that both always agree.

Only the keywords the entry schema uses are supported; an unknown keyword raises at compile
time, so the schema cannot grow a rule this module silently ignores.
"""
from __future__ import annotations

import re
from typing import Any, Callable

Check = Callable[[Any], bool]

_ANNOTATIONS = {"$schema", "$id", "title", "description", "enumDescriptions", "markdownEnumDescriptions",
                "x-enumTitles", "x-message", "x-schemaVersion", "examples", "default", "$comment"}

_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: type(v) is dict,
    "array": lambda v: type(v) is list,
    "string": lambda v: type(v) is str,
    "integer": lambda v: type(v) is int,
    "number": lambda v: type(v) in (int, float),
    "boolean": lambda v: type(v) is bool,
    "null": lambda v: v is None,
}


def _json_equal(a: Any, b: Any) -> bool:
    """JSON equality: True is not 1, 1 equals 1.0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b


def compile_schema(schema: dict) -> Check:
    checks: list[Check] = []
    unknown = set(schema) - _ANNOTATIONS - {
        "type", "enum", "const", "required", "additionalProperties", "properties", "items", "minItems",
        "uniqueItems", "minLength", "maxLength", "pattern", "minimum", "maximum", "if", "then"}
    if unknown:
        raise ValueError(f"fastcheck cannot compile keyword(s) {sorted(unknown)}")

    if "type" in schema:
        is_type = _TYPES[schema["type"]]
        checks.append(is_type)
    if "enum" in schema:
        allowed = schema["enum"]
        checks.append(lambda v: any(_json_equal(v, a) for a in allowed))
    if "const" in schema:
        const = schema["const"]
        checks.append(lambda v: _json_equal(v, const))
    if "minLength" in schema or "maxLength" in schema or "pattern" in schema:
        low, high = schema.get("minLength", 0), schema.get("maxLength")
        pattern = re.compile(schema["pattern"]) if "pattern" in schema else None

        def string_rules(v: Any) -> bool:
            if type(v) is not str:
                return True
            if len(v) < low or (high is not None and len(v) > high):
                return False
            return pattern is None or pattern.search(v) is not None
        checks.append(string_rules)
    if "minimum" in schema or "maximum" in schema:
        lo, hi = schema.get("minimum"), schema.get("maximum")

        def number_rules(v: Any) -> bool:
            if type(v) not in (int, float):
                return True
            return (lo is None or v >= lo) and (hi is None or v <= hi)
        checks.append(number_rules)
    if "required" in schema or "properties" in schema or "additionalProperties" in schema:
        required = tuple(schema.get("required", ()))
        properties = {name: compile_schema(sub) for name, sub in schema.get("properties", {}).items()}
        closed = schema.get("additionalProperties") is False
        if schema.get("additionalProperties") not in (None, False):
            raise ValueError("fastcheck supports only additionalProperties: false")

        def object_rules(v: Any) -> bool:
            if type(v) is not dict:
                return True
            for name in required:
                if name not in v:
                    return False
            for name, value in v.items():
                check = properties.get(name)
                if check is None:
                    if closed:
                        return False
                elif not check(value):
                    return False
            return True
        checks.append(object_rules)
    if "items" in schema or "minItems" in schema or "uniqueItems" in schema:
        item_check = compile_schema(schema["items"]) if "items" in schema else None
        min_items = schema.get("minItems", 0)
        unique = schema.get("uniqueItems", False)

        def array_rules(v: Any) -> bool:
            if type(v) is not list:
                return True
            if len(v) < min_items:
                return False
            if item_check is not None and not all(item_check(item) for item in v):
                return False
            if unique:
                for i, item in enumerate(v):
                    if any(_json_equal(item, other) for other in v[:i]):
                        return False
            return True
        checks.append(array_rules)
    if "if" in schema:
        condition = compile_schema(schema["if"])
        then = compile_schema(schema["then"]) if "then" in schema else (lambda v: True)
        checks.append(lambda v: then(v) if condition(v) else True)

    def check(value: Any) -> bool:
        for rule in checks:
            if not rule(value):
                return False
        return True
    return check
