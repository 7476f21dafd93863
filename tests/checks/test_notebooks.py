"""Notebook outputs: found and stripped like nbstripout, leaving the rest of the file as is."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import nbformat
import pytest

from scaffold.checks import notebooks
from tests.checks.repos import clean_repo, write_notebook


def test_outputs_and_execution_counts_are_counted(tmp_path: Path) -> None:
    executed = notebooks.load(write_notebook(tmp_path / "a.ipynb", "print(5)", executed=True))
    clean = notebooks.load(write_notebook(tmp_path / "b.ipynb", "print(5)"))
    assert notebooks.cells_with_outputs(executed) == 1
    assert notebooks.cells_with_outputs(clean) == 0
    executed["cells"][1]["outputs"] = []  # a count alone still shows the notebook was run
    assert notebooks.cells_with_outputs(executed) == 1


def test_keep_output_metadata_is_respected(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "a.ipynb", "print(5)", executed=True)
    notebook = notebooks.load(path)
    notebook["cells"][1]["metadata"]["keep_output"] = True
    assert notebooks.cells_with_outputs(notebook) == 0
    assert notebooks.strip(notebook) == 0


def test_stripping_changes_only_outputs_and_counts(tmp_path: Path) -> None:
    executed = write_notebook(tmp_path / "a.ipynb", "print(5)", executed=True)
    expected = write_notebook(tmp_path / "b.ipynb", "print(5)")
    before = json.loads(executed.read_text())
    assert notebooks.strip_file(executed) == 1
    after = json.loads(executed.read_text())
    expected_cells = json.loads(expected.read_text())["cells"]
    for cell, wanted in zip(after["cells"], expected_cells, strict=True):
        assert {k: v for k, v in cell.items() if k != "id"} == {
            k: v for k, v in wanted.items() if k != "id"
        }
    assert [c["id"] for c in after["cells"]] == [c["id"] for c in before["cells"]]
    nbformat.validate(nbformat.reads(executed.read_text(), as_version=4))


def test_stripping_a_clean_notebook_leaves_its_bytes_alone(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "a.ipynb", "x = 1")
    before = path.read_bytes()
    assert notebooks.strip_file(path) == 0
    assert path.read_bytes() == before
    executed = write_notebook(tmp_path / "b.ipynb", "x = 1", executed=True)
    notebooks.strip_file(executed)
    assert notebooks.dumps(notebooks.load(executed)) == executed.read_text()


def test_a_broken_notebook_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "broken.ipynb"
    path.write_text('{"cells": [')
    with pytest.raises(notebooks.NotebookError, match="not valid JSON"):
        notebooks.load(path)
    path.write_text('{"cells": "no"}')
    with pytest.raises(notebooks.NotebookError, match="cells is not a list"):
        notebooks.load(path)


def test_an_installed_nbstripout_git_filter_counts_as_stripped(tmp_path: Path) -> None:
    repo = clean_repo(tmp_path)
    paths = [Path("notebooks/explore.ipynb")]
    (repo / ".gitattributes").write_text("*.ipynb filter=nbstripout\n")
    assert notebooks.stripped_by_git_filter(repo, paths) == set()  # attribute, but no filter
    subprocess.run(["git", "config", "filter.nbstripout.clean", "nbstripout"], cwd=repo, check=True)
    assert notebooks.stripped_by_git_filter(repo, paths) == set(paths)
