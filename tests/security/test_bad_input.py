"""Bad input gets one line (``error: ...``) and a non-zero exit, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.notebooks.builders import make_project
from tests.security.hostile import copier_template, git, scaffold

BOOL_QUESTION = "docker:\n  type: bool\n  default: false\n"


def _one_error_line(output: str) -> str:
    assert "Traceback" not in output, output
    errors = [line for line in output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, output
    return errors[0]


def test_empty_and_overlong_dest_refused(tmp_path: Path) -> None:
    template = copier_template(tmp_path / "t")
    code, output = scaffold("new", "", "-t", str(template), "--defaults", cwd=tmp_path)
    assert code == 2 and "DEST is empty" in _one_error_line(output)
    code, output = scaffold("new", "a" * 300, "-t", str(template), "--defaults", cwd=tmp_path)
    assert code == 2 and "longer than 255 bytes" in _one_error_line(output)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t"]


def test_a_250_character_name_is_fine(tmp_path: Path) -> None:
    template = copier_template(tmp_path / "t")
    code, output = scaffold("new", "b" * 250, "-t", str(template), "--defaults", cwd=tmp_path)
    assert code == 0, output
    assert (tmp_path / ("b" * 250) / "README.md").is_file()


def test_yes_no_answer_must_be_one(tmp_path: Path) -> None:
    template = copier_template(tmp_path / "t", BOOL_QUESTION)
    code, output = scaffold(
        "new", str(tmp_path / "p"), "-t", str(template), "--defaults", "--data", "docker=fasle"
    )
    assert code == 2
    assert "docker is a yes/no question" in _one_error_line(output)
    code, output = scaffold(
        "new", str(tmp_path / "p"), "-t", str(template), "--defaults", "--data", "docker=off"
    )
    assert code == 0, output


def test_unsafe_copier_template_names_trust(tmp_path: Path) -> None:
    marker = tmp_path / "task-ran"
    template = copier_template(tmp_path / "t", f"_tasks:\n  - touch {marker}\n")
    code, output = scaffold("new", str(tmp_path / "p"), "-t", str(template), "--defaults")
    assert code == 2
    line = _one_error_line(output)
    assert "tasks" in line and "--trust" in line
    assert not marker.exists() and not (tmp_path / "p").exists()


def test_ref_of_a_plain_folder_refused(tmp_path: Path) -> None:
    template = copier_template(tmp_path / "t")
    plain = tmp_path / "plain"
    plain.mkdir()
    for name in ("copier.yml", "README.md.jinja"):
        (plain / name).write_bytes((template / name).read_bytes())
    code, output = scaffold(
        "new", str(tmp_path / "p"), "-t", str(plain), "--defaults", "--vcs-ref", "nosuchref"
    )
    assert code == 2 and "not a git repository" in _one_error_line(output)


def test_dirty_template_is_one_plain_warning(tmp_path: Path) -> None:
    template = copier_template(tmp_path / "t")
    (template / "README.md.jinja").write_text("# changed\n", encoding="utf-8")
    code, output = scaffold("new", str(tmp_path / "p"), "-t", str(template), "--defaults")
    assert code == 0, output
    assert "uncommitted changes; they were included" in output
    assert "DirtyLocalWarning" not in output and "copier" not in output.lower()


def test_stale_staging_folders_removed(tmp_path: Path) -> None:
    template = copier_template(tmp_path / "t")
    parent = tmp_path / "projects"
    stale = parent / ".scaffold-new-999999999-abc"  # no such process
    (stale / "project").mkdir(parents=True)
    code, output = scaffold("new", str(parent / "p"), "-t", str(template), "--defaults")
    assert code == 0, output
    assert sorted(p.name for p in parent.iterdir()) == ["p"]


def test_a_fifo_named_like_a_notebook_does_not_hang_lint(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    (project / "src" / "demo" / "core.py").write_text("X = 1\n", encoding="utf-8")
    os.mkfifo(project / "notebooks" / "stuck.ipynb")
    git(project, "init", "--quiet")
    done = subprocess.run(
        [sys.executable, "-m", "scaffold", "lint"], cwd=project, capture_output=True, text=True,
        timeout=120, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert "Traceback" not in done.stdout + done.stderr
    assert "stuck.ipynb" not in done.stdout


def test_two_new_into_one_dest_one_wins_cleanly(tmp_path: Path) -> None:
    template = copier_template(tmp_path / "t")
    dest = tmp_path / "p"
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "scaffold", "new", str(dest), "-t", str(template), "--defaults"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    results = [(run.returncode, output) for run, output in zip(runs, outputs, strict=True)]

    codes = sorted(code for code, _ in results)
    assert codes[0] == 0, results
    if codes[1] != 0:  # the loser (unless the winner finished before it checked DEST)
        loser = next(output for code, output in results if code != 0)
        assert "not empty" in _one_error_line(loser) and "index.lock" not in loser
    assert (dest / "README.md").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p", "t"]
