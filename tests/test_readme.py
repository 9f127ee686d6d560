"""The README's examples are true: its Python sessions run as doctests against the real catalog, and
its module tables name every module of errdict/ and generator/ (and nothing that is gone)."""
from __future__ import annotations

import doctest
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text("utf-8")


def test_the_readme_python_examples_run():
    blocks = re.findall(r"```python\n(.*?)```", README, re.S)
    assert len(blocks) >= 2
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for number, block in enumerate(blocks):
        test = parser.get_doctest(block, {}, f"README block {number}", "README.md", 0)
        result = runner.run(test)
        assert result.failed == 0, f"README block {number} has a failing example"


def test_the_machine_access_page_examples_run():
    page = (REPO / "docs" / "machine-access.md").read_text("utf-8")
    blocks = re.findall(r"```python\n(.*?)```", page, re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, "docs/machine-access.md", "exec"), {})  # raises if an example is wrong
    from generator import schema

    assert f'"schema_version": {schema.version()},' in page  # the sample shows the format served today


def test_the_data_flow_tables_match_the_modules():
    named = set(re.findall(r"`([A-Za-z_]+\.py)`", README))
    for folder in ("errdict", "generator"):
        modules = {path.name for path in (REPO / folder).glob("*.py")}
        assert modules <= named, f"{folder}/ modules the README does not describe: {sorted(modules - named)}"
    every = {path.name for folder in ("errdict", "generator", "benchmarks") for path in (REPO / folder).glob("*.py")}
    assert named - every == set(), "the README names modules that do not exist"
