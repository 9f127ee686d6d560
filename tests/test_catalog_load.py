"""generator.catalog, the file I/O edge: whatever the folder of entries holds or fails to be, loading
it gives problems (file:line:column: message), never a traceback; and a code the committed compiled
catalog holds can never lose its file (a code is never deleted)."""
from __future__ import annotations

import errno
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from entries import entry_text, write_pair
from generator import __main__ as cli
from generator import catalog as catalog_mod
from generator import compile as compile_mod
from generator.catalog import load_catalog

REPO = Path(__file__).resolve().parent.parent
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def problems_of(folder: str | Path, **kw) -> list[str]:
    return [str(p) for p in load_catalog(Path(folder), **kw).problems]


def run_check(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "generator", "check", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)


# --- the folder itself --------------------------------------------------------------------------------

def test_a_missing_codes_folder_is_a_problem(in_tmp):
    assert problems_of("codes") == ["codes:1:1: no such folder of entries"]


def test_a_file_in_place_of_the_folder_is_a_problem(in_tmp):
    Path("codes").write_text("x", "utf-8")
    assert problems_of("codes") == ["codes:1:1: not a folder; give the folder of entries (codes/) or entry files"]


@pytest.mark.slow
def test_a_codes_folder_that_is_a_symlink_loop_is_a_problem(in_tmp):
    os.symlink("codes", "codes")
    assert problems_of("codes") == ["codes:1:1: a symbolic link that loops; it must be the folder of entries"]
    done = run_check("codes", cwd=in_tmp)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "codes: no such file or folder" in done.stderr


def test_a_codes_folder_that_is_a_dangling_symlink_is_a_problem(in_tmp):
    os.symlink("elsewhere", "codes")
    assert problems_of("codes") == ["codes:1:1: a symbolic link to nothing; it must be the folder of entries"]


def test_an_unreadable_codes_folder_is_a_problem(in_tmp, monkeypatch):
    write_pair(in_tmp / "codes", entry_text())
    if AS_ROOT:  # root reads any folder: make listing it fail as it does for anyone else
        real = os.scandir

        def refuse(path):
            if Path(path).name == "codes":
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real(path)

        monkeypatch.setattr(catalog_mod.os, "scandir", refuse)
    else:
        os.chmod("codes", 0)
    try:
        assert problems_of("codes") == ["codes:1:1: the folder of entries cannot be read: Permission denied"]
    finally:
        os.chmod("codes", 0o755)


def test_check_exits_1_with_the_message_for_an_unreadable_folder(in_tmp, monkeypatch, capsys):
    from generator import __main__ as command

    write_pair(in_tmp / "codes", entry_text())
    real = os.scandir

    def refuse(path):  # what listing a folder without read permission does (root could read it)
        if Path(path).name == "codes":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(catalog_mod.os, "scandir", refuse)
    assert command.main(["check", "codes"]) == 1
    out, err = capsys.readouterr()
    assert "codes:1:1: the folder of entries cannot be read: Permission denied" in out and "Traceback" not in err


# --- what the folder holds ----------------------------------------------------------------------------

@pytest.mark.slow
def test_links_pipes_devices_and_huge_files_in_codes_are_problems(in_tmp):
    codes = in_tmp / "codes"
    write_pair(codes, entry_text())
    os.symlink("21611.yaml", codes / "21611.yaml")                  # a loop
    os.symlink("21612.yaml", codes / "21613.yaml")
    os.symlink("21613.yaml", codes / "21612.yaml")                  # a loop of two
    os.symlink("nowhere.yaml", codes / "21614.yaml")                # dangling
    os.mkfifo(codes / "21615.yaml")                                 # would block a plain open()
    os.symlink("/dev/zero", codes / "21616.yaml")                   # endless
    with open(codes / "21617.yaml", "wb") as handle:                # 10 GB, sparse
        handle.truncate(10 * 1024**3)
    os.symlink("..", codes / "21618.yaml")                          # a folder
    os.symlink("30004.yaml", codes / "21619.yaml")                  # a link to an entry: read through it
    started = time.perf_counter()
    problems = problems_of("codes")
    assert time.perf_counter() - started < 5
    loop = "a symbolic link that loops (it never reaches a file); replace it with the entry file"
    assert problems == [
        f"codes/21611.yaml:1:1: {loop}",
        f"codes/21612.yaml:1:1: {loop}",
        f"codes/21613.yaml:1:1: {loop}",
        "codes/21614.yaml:1:1: a symbolic link to nothing (it points at 'nowhere.yaml', which does not exist)",
        "codes/21615.yaml:1:1: not a regular file (a named pipe); an entry is a plain YAML file",
        "codes/21616.yaml:1:1: not a regular file (a device); an entry is a plain YAML file",
        "codes/21617.yaml:1:1: file is 10,737,418,240 bytes; an entry may be at most 65,536 bytes",
        "codes/21618.yaml:1:1: a folder in codes/; entries are files codes/<code>.yaml, directly in codes/",
        "codes/21619.yaml:2:7: code: 30004 does not match the file name; the entry for 30004 belongs in 30004.yaml",
        "codes/30004.yaml:2:7: code: 30004 is also defined in codes/21619.yaml",  # files are read in name order
    ]
    done = run_check("codes", cwd=in_tmp)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stdout.splitlines() == problems


def test_an_unreadable_file_is_a_problem(in_tmp, monkeypatch):
    codes = in_tmp / "codes"
    write_pair(codes, entry_text())
    if AS_ROOT:
        real = os.open

        def refuse(path, flags, *args):
            if Path(path).name == "21610.yaml":
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real(path, flags, *args)

        monkeypatch.setattr(catalog_mod.os, "open", refuse)
    else:
        os.chmod(codes / "21610.yaml", 0)
    assert problems_of("codes") == ["codes/21610.yaml:1:1: cannot be read: Permission denied"]


def test_a_file_that_grows_past_the_limit_while_read_is_cut_at_the_limit(in_tmp, monkeypatch):
    """The size is checked on the open file and at most one byte past the limit is ever read."""
    codes = in_tmp / "codes"
    write_pair(codes, entry_text())
    reads = []
    real_read = os.read

    def counting_read(fd, size):
        reads.append(size)
        return real_read(fd, size)

    monkeypatch.setattr(catalog_mod.os, "read", counting_read)
    assert problems_of("codes") == []
    assert reads and max(reads) <= catalog_mod.MAX_ENTRY_BYTES + 1


# --- a code is never deleted --------------------------------------------------------------------------

def _checkout(root: Path, texts: dict[int, str]) -> Path:
    """A checkout in miniature: codes/ and the compiled catalog committed beside it."""
    codes = root / "codes"
    codes.mkdir(parents=True, exist_ok=True)
    for code, text in texts.items():
        (codes / f"{code}.yaml").write_text(text, "utf-8")
    loaded = load_catalog(codes, committed=False)
    assert loaded.problems == []
    data = root / "errdict" / "data" / "catalog.jsonl"
    data.parent.mkdir(parents=True)
    data.write_bytes(compile_mod.render_catalog(loaded.entries, "https://errdict.example/"))
    return data


DELETED = ("codes/21610.yaml:1:1: code: 21610 is in the compiled catalog (errdict/data/catalog.jsonl) but has no "
           "file in codes/; a code is never deleted: restore codes/21610.yaml (git checkout -- codes/21610.yaml) "
           "and set status: removed (with replaced_by: <code> where another code replaces it)")


@pytest.mark.slow
def test_never_delete_a_code_check_fails_when_a_compiled_code_has_no_file(in_tmp):
    _checkout(in_tmp, {21610: entry_text(related=30004), 30004: entry_text(30004, related=21610)})
    assert problems_of("codes") == []
    os.remove("codes/21610.yaml")
    (in_tmp / "codes" / "30004.yaml").write_text(entry_text(30004, related=30004).replace(
        "related: [30004]", "related: []"), "utf-8")
    assert problems_of("codes") == [DELETED]
    done = run_check("codes", cwd=in_tmp)
    assert (done.returncode, done.stdout) == (1, DELETED + "\n")


@pytest.mark.slow
def test_never_delete_a_code_check_passes_once_the_file_is_back_as_removed(in_tmp):
    _checkout(in_tmp, {21610: entry_text(related=30004), 30004: entry_text(30004, related=21610)})
    removed = entry_text(related=30004, **{"status: active": "status: removed\nreplaced_by: 30004"})
    Path("codes/21610.yaml").write_text(removed, "utf-8")
    assert problems_of("codes") == []
    assert run_check("codes", cwd=in_tmp).returncode == 0


def test_never_delete_a_code_compile_refuses_to_drop_it(in_tmp):
    data = _checkout(in_tmp, {21610: entry_text(related=30004), 30004: entry_text(30004, related=21610)})
    before = data.read_bytes()
    os.remove("codes/21610.yaml")
    Path("codes/30004.yaml").write_text(entry_text(30004, related=21610).replace("related: [21610]", "related: []"),
                                        "utf-8")
    assert cli.compile_catalog(codes_dir=in_tmp / "codes", out=data) == 1
    assert data.read_bytes() == before  # the code is still there to be restored


def test_never_delete_a_code_renamed_file_counts_as_deleted(in_tmp):
    _checkout(in_tmp, {21610: entry_text(related=30004), 30004: entry_text(30004, related=21610)})
    os.rename("codes/21610.yaml", "codes/21610.yml")
    assert problems_of("codes") == [
        DELETED, "codes/21610.yml:1:1: wrong extension; rename it to 21610.yaml",
        "codes/30004.yaml:24:11: related[0]: 21610 has no entry in codes/; "
        "add codes/21610.yaml or remove the reference"]


def test_never_delete_a_code_a_damaged_compiled_catalog_does_not_block_a_fix(in_tmp):
    """A compiled catalog that cannot be read says nothing about which codes it held: the check
    passes over it (compile --check reports the damage) and compile can write a good one."""
    data = _checkout(in_tmp, {21610: entry_text(related=30004), 30004: entry_text(30004, related=21610)})
    data.write_bytes(b"{not json\n")
    assert problems_of("codes") == []
    assert cli.compile_catalog(codes_dir=in_tmp / "codes", out=data) == 0
    assert data.read_bytes().startswith(b'{"format":')


def test_never_delete_a_code_only_where_a_compiled_catalog_is_committed(in_tmp):
    write_pair(in_tmp / "codes", entry_text())
    assert catalog_mod.committed_catalog_for(in_tmp / "codes") is None  # a folder on its own: nothing to hold it to
    assert catalog_mod.committed_catalog_for(REPO / "codes") == REPO / "errdict" / "data" / "catalog.jsonl"
    data = _checkout(in_tmp / "other", {21610: entry_text(related=30004), 30004: entry_text(30004, related=21610),
                                        30005: entry_text(30005, related=30004)})
    os.remove("other/codes/30005.yaml")
    deleted = DELETED.replace("21610", "30005").replace("codes/", "other/codes/").replace(
        "(errdict/data/catalog.jsonl)", "(other/errdict/data/catalog.jsonl)")
    assert problems_of("other/codes") == [deleted]
    assert problems_of("other/codes", committed=False) == []
    # held to another compiled catalog on request: the pair lacks 30005 too
    assert problems_of("codes", committed=data) == [
        deleted.replace("other/codes/", "codes/").replace("(other/errdict/data/catalog.jsonl)",
                                                          "(other/errdict/data/catalog.jsonl)")]


def test_the_repository_has_no_deleted_code():
    from errdict import Catalog

    committed = set(Catalog(REPO / "errdict" / "data" / "catalog.jsonl").codes())
    files = {int(path.stem) for path in (REPO / "codes").glob("*.yaml")}
    assert committed and committed <= files
