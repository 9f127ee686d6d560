"""The wheel: built from the repository, installed into a fresh virtual environment, used from
outside the checkout, with nothing but the standard library."""
from __future__ import annotations

import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _checkout_files() -> set[str]:
    return {str(path.relative_to(REPO)) for path in REPO.rglob("*")
            if ".git" not in path.parts and ".venv" not in path.parts and "node_modules" not in path.parts}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of the package's sources, so that the checkout gets no build/ or
    *.egg-info (setuptools writes them beside the sources it builds)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(REPO / "errdict", source / "errdict", ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("dist")
    before = _checkout_files()
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(out), str(source)], check=True, cwd=out)
    assert _checkout_files() == before, "building the wheel left files in the checkout"
    wheels = list(out.glob("errdict-*.whl"))
    assert len(wheels) == 1
    return wheels[0]


@pytest.mark.slow
def test_wheel_carries_the_package_and_its_data_but_not_the_generator(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "errdict/__init__.py" in names
    assert "errdict/data/catalog.jsonl" in names
    assert "errdict/py.typed" in names and "errdict/_scan.py" in names and "errdict/_finding.py" in names
    assert not [n for n in names if n.startswith(("generator/", "tests/", "codes/"))]
    metadata = next(n for n in names if n.endswith("METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "Requires-Dist" not in text.split("Provides-Extra")[0]  # no runtime dependencies


@pytest.mark.slow
def test_installed_wheel_looks_up_21610_from_outside_the_repository(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-index", "--no-deps", str(wheel)], check=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = ("import errdict, sys; e = errdict.lookup(21610); "
            "assert 'site-packages' in errdict.__file__, errdict.__file__; "
            "assert not [m for m in sys.modules if m.split('.')[0] in ('yaml', 'jsonschema', 'generator')]; "
            "print(e.code, e.retry, e.action, e.url)")
    result = subprocess.run([str(python), "-I", "-c", code], cwd=elsewhere, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    code_, retry, action, url = result.stdout.split()
    assert (code_, retry, action) == ("21610", "never", "stop-messaging")
    assert url.endswith("/codes/21610/")
    cli = subprocess.run([str(env_dir / "bin" / "errdict"), "30007", "--json"], cwd=elsewhere,
                         capture_output=True, text=True)
    assert cli.returncode == 0 and '"code": 30007' in cli.stdout
