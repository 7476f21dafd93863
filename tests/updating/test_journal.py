"""The update journal on its own: a half-applied change is put back exactly as it was."""

from __future__ import annotations

import json
from pathlib import Path

from scaffold.updating.journal import (
    BACKUP,
    JOURNAL,
    Journal,
    begin,
    read_unmerged,
    recover,
    state_dir,
    write_unmerged,
)
from tests.updating.releases import tree_hashes
from tests.updating.templates import git


def _repo(tmp_path: Path) -> Path:
    project = tmp_path / "repo/proj"
    (project / "src").mkdir(parents=True)
    (project / "src/app.py").write_text("print('mine')\n", encoding="utf-8")
    (project / "run.sh").write_text("#!/bin/sh\n", encoding="utf-8")
    (project / "run.sh").chmod(0o755)
    (project / "old.txt").write_text("to be deleted\n", encoding="utf-8")
    git(tmp_path / "repo", "init", "--quiet")
    return project


def test_recover_puts_back_replaced_deleted_and_created_files(tmp_path: Path) -> None:
    project = _repo(tmp_path)
    before = tree_hashes(project)
    state = state_dir(project)
    write_unmerged(state, {"to_version": "v1", "files": ["a"], "beside": []})
    journal = Journal(
        "v2",
        replaced={"src/app.py": 0o644, "run.sh": 0o755, "old.txt": 0o644},
        created=["new/deep/file.txt"],
        folders=["new", "new/deep"],
        unmerged=read_unmerged(state),
    )
    begin(state, project, journal)
    # Half of an apply, then a kill:
    (project / "src/app.py").write_text("print('template')\n", encoding="utf-8")
    (project / "run.sh").unlink()
    (project / "new/deep").mkdir(parents=True)
    (project / "new/deep/file.txt").write_text("new\n", encoding="utf-8")
    write_unmerged(state, {"to_version": "v2", "files": [], "beside": []})

    touched = recover(project)

    assert tree_hashes(project) == before
    assert (project / "run.sh").stat().st_mode & 0o777 == 0o755
    assert not (project / "new").exists()
    assert touched == ["new/deep/file.txt", "old.txt", "run.sh", "src/app.py"]
    assert read_unmerged(state) == {"to_version": "v1", "files": ["a"], "beside": []}
    assert not (state / JOURNAL).exists() and not (state / BACKUP).exists()
    assert recover(project) == []  # nothing left to do the second time


def test_a_kill_before_the_journal_is_written_leaves_only_backups_to_remove(
    tmp_path: Path,
) -> None:
    project = _repo(tmp_path)
    state = state_dir(project)
    (state / BACKUP).mkdir(parents=True)
    (state / BACKUP / "0").write_bytes(b"partial backup")

    assert recover(project) == []
    assert not (state / BACKUP).exists()


def test_each_project_folder_of_a_repository_has_its_own_journal(tmp_path: Path) -> None:
    project = _repo(tmp_path)
    other = tmp_path / "repo/other"
    other.mkdir()

    assert state_dir(project) != state_dir(other)
    assert state_dir(project).parent == tmp_path / "repo/.git/scaffold-update"
    journal = json.dumps(Journal("v2").to_json())
    assert json.loads(journal)["replaced"] == {}
