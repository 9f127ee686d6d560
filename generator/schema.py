"""The entry schema, and everything derived from it: field order, defaults, vocabularies, kinds.

``generator/entry.schema.json`` is the one definition of an entry. Every other module asks this one
for what the schema says (which fields exist and in what order, which values a vocabulary allows
and how the site shows them, which fields a reference entry may not hold) instead of listing them
again.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).with_name("entry.schema.json")
SCHEMA_COMMENT = "# yaml-language-server: $schema=../generator/entry.schema.json"


@functools.lru_cache(maxsize=1)
def load() -> dict[str, Any]:
    """The entry schema (read once)."""
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text("utf-8"))
    return schema


def version() -> int:
    return int(load()["x-schemaVersion"])


def properties() -> dict[str, dict[str, Any]]:
    props: dict[str, dict[str, Any]] = load()["properties"]
    return props


@functools.lru_cache(maxsize=1)
def field_order() -> tuple[str, ...]:
    """Every field of an entry, in the schema's (and the files') order."""
    return tuple(properties())


@dataclass(frozen=True)
class Vocabulary:
    """The values one enum field allows, each with the title the site shows and what it means."""

    field: str
    values: tuple[str, ...]
    titles: tuple[str, ...]
    descriptions: tuple[str, ...]

    def title(self, value: str) -> str:
        return self.titles[self.values.index(value)]

    def as_titles(self) -> dict[str, str]:
        return dict(zip(self.values, self.titles, strict=True))

    def as_descriptions(self) -> dict[str, str]:
        return dict(zip(self.values, self.descriptions, strict=True))


def _enum_spec(spec: dict[str, Any]) -> dict[str, Any] | None:
    if "enum" in spec:
        return spec
    items = spec.get("items")
    if spec.get("type") == "array" and isinstance(items, dict) and "enum" in items:
        return items
    return None


@functools.cache
def vocabulary(field: str) -> Vocabulary:
    """The vocabulary of an enum field (or of a list of enum values, such as who_acts)."""
    spec = _enum_spec(properties()[field])
    if spec is None:
        raise KeyError(f"{field} is not a vocabulary field")
    values = tuple(spec["enum"])
    titles = tuple(spec.get("x-enumTitles") or [v[:1].upper() + v[1:] for v in values])
    descriptions = tuple(spec.get("enumDescriptions") or [""] * len(values))
    if not len(values) == len(titles) == len(descriptions):
        raise ValueError(f"entry.schema.json: {field}: enum, x-enumTitles and enumDescriptions differ in length")
    return Vocabulary(field, values, titles, descriptions)


@functools.lru_cache(maxsize=1)
def vocabulary_fields() -> tuple[str, ...]:
    """The fields that take their values from a vocabulary, in schema order."""
    return tuple(name for name, spec in properties().items() if _enum_spec(spec) is not None)


def _empty_value(spec: dict[str, Any]) -> Any:
    if "default" in spec:
        return spec["default"]
    return [] if spec.get("type") == "array" else None


@functools.lru_cache(maxsize=1)
def defaults() -> dict[str, Any]:
    """The value of each field an entry leaves out: the schema's default, else [] or None."""
    return {name: _empty_value(spec) for name, spec in properties().items()}


def _kind_rule(kind: str) -> dict[str, Any]:
    for rule in load().get("allOf", []):
        condition = rule.get("if", {}).get("properties", {}).get("kind", {})
        if condition.get("const") == kind:
            then: dict[str, Any] = rule["then"]
            return then
    raise KeyError(f"entry.schema.json has no rule for kind {kind!r}")


@functools.lru_cache(maxsize=1)
def full_entry_fields() -> tuple[str, ...]:
    """The fields a full entry must have beyond the ones every entry has."""
    return tuple(_kind_rule("full")["required"])


@functools.lru_cache(maxsize=1)
def explained_fields() -> tuple[str, ...]:
    """The fields that hold errdict's own explanation: a reference entry holds none of them."""
    return tuple(name for name, allowed in _kind_rule("reference")["properties"].items() if allowed is False)


def required_fields() -> tuple[str, ...]:
    return tuple(load()["required"])


def max_words(field: str) -> int | None:
    limit = properties()[field].get("x-maxWords")
    return int(limit) if limit is not None else None
