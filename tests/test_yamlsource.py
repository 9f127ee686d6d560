"""The entry reader: its quick tag resolver gives PyYAML's answers, and it never raises."""
from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.yamlsource import _EntryLoader, parse_entry_text

WORDS = ["yes", "No", "TRUE", "off", "On", "null", "NULL", "~", "", "y", "n", "Yes please", "0123", "1:20",
         "2024-01-01", "1e3", ".inf", "-.5", "0x1F", "+12", "<<", "=", "Message filtered", "12:30:15"]


def _original_tag(value: str, implicit=(True, False)) -> str:
    return yaml.resolver.Resolver().resolve(yaml.ScalarNode, value, implicit)


def _quick_tag(value: str, implicit=(True, False)) -> str:
    loader = _EntryLoader("")
    try:
        return loader.resolve(yaml.ScalarNode, value, implicit)
    finally:
        loader.dispose()


def test_known_tricky_scalars_resolve_as_pyyaml_does():
    for value in WORDS:
        assert _quick_tag(value) == _original_tag(value), value
        assert _quick_tag(value, (False, True)) == _original_tag(value, (False, True)), value


@settings(max_examples=1000)
@given(st.text(max_size=12) | st.sampled_from(WORDS))
def test_any_plain_scalar_resolves_as_pyyaml_does(value):
    assert _quick_tag(value) == _original_tag(value)


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_reading_never_raises_on_arbitrary_bytes(raw):
    parsed = parse_entry_text("codes/21610.yaml", raw)
    for problem in parsed.problems:
        assert problem.file == "codes/21610.yaml" and problem.line >= 1 and problem.column >= 1
