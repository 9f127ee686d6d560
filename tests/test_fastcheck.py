"""The compiled yes/no check must agree with jsonschema on every input, valid or not."""
from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import fastcheck, validate
from generator.catalog import CODES_DIR, load_catalog

REAL = load_catalog(CODES_DIR).entries


def _raw(entry: dict) -> dict:
    """A normalized entry back to what a YAML file would hold (optional fields left out)."""
    data = {k: v for k, v in entry.items() if v is not None and v != []}
    return copy.deepcopy(data)


def _agree(data) -> bool:
    slow = not any(True for _ in validate._validator().iter_errors(data))
    fast = validate.fast_check()(data)
    assert fast == slow, (data, fast, slow)
    return fast


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10**7) | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
FIELDS = list(validate.load_schema()["properties"])


def test_real_entries_pass_both():
    assert all(_agree(_raw(entry)) for entry in REAL)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(REAL), st.sampled_from(FIELDS + ["extra"]), json_values)
def test_any_single_field_change_gets_the_same_verdict(entry, field, value):
    data = _raw(entry)
    data[field] = value
    _agree(data)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(REAL), st.sets(st.sampled_from(FIELDS)))
def test_removing_fields_gets_the_same_verdict(entry, removed):
    data = _raw(entry)
    for field in removed:
        data.pop(field, None)
    _agree(data)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_arbitrary_documents_get_the_same_verdict(value):
    _agree(value)


def test_unknown_schema_keywords_are_refused():
    with pytest.raises(ValueError, match="cannot compile keyword"):
        fastcheck.compile_schema({"type": "string", "format": "email"})
