"""Every file scaffold writes goes through scaffold.fileio: temp sibling, fsync, rename."""

from __future__ import annotations

import ast
import os
import stat
from pathlib import Path

import pytest

import scaffold
from scaffold import fileio

PACKAGE = Path(scaffold.__file__).parent
_WRITERS = {"write_text", "write_bytes"}
_RENAMERS = {("os", "replace"), ("os", "rename"), ("shutil", "move")}


def _mode(call: ast.Call) -> str:
    args = [*call.args, *(k.value for k in call.keywords if k.arg == "mode")]
    position = 0 if isinstance(call.func, ast.Attribute) else 1  # path.open(mode) / open(p, mode)
    candidates = [k.value for k in call.keywords if k.arg == "mode"] or args[
        position : position + 1
    ]
    for node in candidates:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
    return "r"


def _offences(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        owner = getattr(func.value, "id", "") if isinstance(func, ast.Attribute) else ""
        if name in _WRITERS and owner != "fileio":
            found.append(f"line {node.lineno}: {name}(")
        elif (owner, name) in _RENAMERS:
            found.append(f"line {node.lineno}: {owner}.{name}(")
        elif name in ("open", "fdopen") and any(c in _mode(node) for c in "wax+"):
            found.append(f"line {node.lineno}: {name}(..., {_mode(node)!r})")
    return found


def test_only_fileio_writes_files() -> None:
    offences = {
        str(path.relative_to(PACKAGE)): found
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "fileio.py" and (found := _offences(path.read_text(encoding="utf-8")))
    }
    assert offences == {}


@pytest.mark.parametrize(
    "code",
    [
        'p.write_text("x")',
        "open(p, 'w')",
        "p.open(mode='a')",
        "os.replace(a, b)",
        "shutil.move(a, b)",
        "x.write_bytes(b'')",
    ],
)
def test_the_check_finds_each_kind_of_write(code: str) -> None:
    assert _offences(code)


def test_reads_and_fileio_are_allowed() -> None:
    assert not _offences("open(p)\np.open('rb')\nfileio.write_text(p, 'x')\np.read_text()")


def test_write_keeps_mode_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "run.sh"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o750)
    fileio.write_text(path, "new")
    assert path.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o750
    assert sorted(os.listdir(tmp_path)) == ["run.sh"]


def test_a_failed_stage_changes_nothing(tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "sub"
    first.write_text("old", encoding="utf-8")
    second.write_text("a file where a folder is needed", encoding="utf-8")
    with pytest.raises(OSError):
        fileio.write_files([(first, "new"), (second / "b.txt", "new")])
    assert first.read_text(encoding="utf-8") == "old"
    assert sorted(os.listdir(tmp_path)) == ["a.txt", "sub"]


def test_a_stale_temporary_from_a_killed_run_is_removed(tmp_path: Path) -> None:
    path = tmp_path / "module.py"
    stale = tmp_path / ".module.py.abc123.scaffold-tmp"
    fresh = tmp_path / ".module.py.def456.scaffold-tmp"  # maybe another process's, right now
    for leftover in (stale, fresh):
        leftover.write_text("half", encoding="utf-8")
    old = stale.stat().st_mtime - fileio.STALE_AFTER_SECONDS - 1
    os.utime(stale, (old, old))

    fileio.write_text(path, "new")

    assert sorted(os.listdir(tmp_path)) == [fresh.name, "module.py"]


def test_a_failed_stage_among_many_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Staged on several threads: one failing leaves every file as it was, no temporary."""
    paths = [tmp_path / f"f{i}.txt" for i in range(40)]
    for path in paths:
        path.write_text("old", encoding="utf-8")
    stage = fileio._stage

    def failing(path: Path, text: str | bytes, mode: int | None = None) -> Path:
        if path.name == "f17.txt":
            raise OSError("disk full")
        return stage(path, text, mode)

    monkeypatch.setattr(fileio, "_stage", failing)
    with pytest.raises(OSError, match="disk full"):
        fileio.write_files([(path, "new") for path in paths])
    assert {path.read_text(encoding="utf-8") for path in paths} == {"old"}
    assert sorted(os.listdir(tmp_path)) == sorted(path.name for path in paths)


def test_many_files_are_all_written_and_stale_temporaries_removed(tmp_path: Path) -> None:
    stale = tmp_path / "sub" / ".f3.txt.abc123.scaffold-tmp"
    stale.parent.mkdir()
    stale.write_text("half", encoding="utf-8")
    old = stale.stat().st_mtime - fileio.STALE_AFTER_SECONDS - 1
    os.utime(stale, (old, old))
    files = [(tmp_path / ("sub" if i % 2 else "") / f"f{i}.txt", f"text {i}") for i in range(30)]

    fileio.write_files(files)

    assert [path.read_text(encoding="utf-8") for path, _ in files] == [t for _, t in files]
    assert not list(tmp_path.rglob("*.scaffold-tmp"))
