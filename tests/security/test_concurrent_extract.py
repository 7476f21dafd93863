"""Two ``scaffold extract --rewrite-notebook`` processes into one module lose nothing.

Each process runs 20 rounds in a loop (a new notebook each round, all into ``shared``), so the
rounds overlap with the other process's at random points.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.notebooks.builders import make_project

ROUNDS = 20
DRIVER = """
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from scaffold.cli import app

side, folder, rounds = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
for number in range(rounds):
    name = f"{side}{number}"
    cells = [
        "import math",
        f"def {name}_area(r):\\n    return math.pi * r * r",
        f"{name}_area(2)",
    ]
    path = folder / f"{name}.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell(c) for c in cells]), path)
    try:
        app(["extract", str(path), "--module", "shared", "--rewrite-notebook"])
    except SystemExit as exc:
        if exc.code:
            raise
"""


@pytest.mark.slow
def test_two_extracts_into_one_module_keep_every_function(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    env = {**os.environ, "COLUMNS": "200"}
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", DRIVER, side, str(project / "notebooks"), str(ROUNDS)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            cwd=project,  # the working directory's project receives the code
        )
        for side in ("a", "b")
    ]
    for run in runs:
        output, _ = run.communicate(timeout=600)
        assert run.returncode == 0, output

    module = (project / "src" / "demo" / "shared.py").read_text(encoding="utf-8")
    names = [f"{side}{number}_area" for side in "ab" for number in range(ROUNDS)]
    lost = [name for name in names if f"def {name}(" not in module]
    assert lost == [], module
    for name in names:
        notebook = (project / "notebooks" / f"{name.removesuffix('_area')}.ipynb").read_text(
            encoding="utf-8"
        )
        assert f"def {name}" not in notebook and "from demo.shared import" in notebook
    for notebook in ("a0", "b19"):
        check = subprocess.run(
            [sys.executable, "-m", "scaffold", "extract", f"notebooks/{notebook}.ipynb",
             "--module", "shared", "--check"],
            cwd=project, capture_output=True, text=True, env=env,
        )  # fmt: skip
        assert check.returncode == 0, check.stdout + check.stderr
