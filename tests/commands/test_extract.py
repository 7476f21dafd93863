"""``scaffold extract`` on the command line: output, exit codes, --check, --json."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.notebooks.builders import fixture_notebook, make_project, snapshot, write_notebook


def main(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Through the real entry point, where ScaffoldError becomes ``error: ...`` and exit 2."""
    return subprocess.run(
        [sys.executable, "-m", "scaffold", "extract", *args],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env=cli_environment(),
    )


def cli_environment() -> dict[str, str]:
    """This interpreter's tools, and the scaffold under test when PYTHONPATH names it (a
    worktree beside an installed copy: without it the command would run the installed one)."""
    found = {"COLUMNS": "200", "PATH": str(Path(sys.executable).parent)}
    if "PYTHONPATH" in os.environ:
        found["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return found


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = make_project(tmp_path / "proj")
    fixture_notebook(project, "02-xy-features.ipynb")
    return project


def test_reports_what_moved_the_globals_and_what_stays(project: Path) -> None:
    result = main(project, "notebooks/02-xy-features.ipynb")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert (
        "Extracted rolling_mean, scaled, log_prices, report, WINDOW, scale into demo.features"
        in out
    )
    assert (
        "rolling_mean reads notebook global `WINDOW` (cell 2, line 2): now a module constant" in out
    )
    assert "stays in the notebook bump: assigns the notebook global `counter`" in out
    assert "added test_rolling_mean (skipped until written)" in out
    assert (project / "src" / "demo" / "features.py").is_file()
    assert (project / "tests" / "test_features.py").is_file()


def test_check_fails_until_extracted_then_passes(project: Path) -> None:
    before = main(project, "notebooks/02-xy-features.ipynb", "--check")
    assert before.returncode == 1
    assert "src/demo/features.py does not exist yet" in before.stdout
    assert not (project / "src" / "demo" / "features.py").exists()  # --check writes nothing
    assert main(project, "notebooks/02-xy-features.ipynb").returncode == 0
    after = main(project, "notebooks/02-xy-features.ipynb", "--check")
    assert after.returncode == 0, after.stdout
    assert after.stdout.strip() == "in sync notebooks/02-xy-features.ipynb and src/demo/features.py"


def test_check_names_the_function_that_differs(project: Path) -> None:
    main(project, "notebooks/02-xy-features.ipynb")
    module = project / "src" / "demo" / "features.py"
    module.write_text(module.read_text().replace("v * scale", "v * scale * 2"))
    result = main(project, "notebooks/02-xy-features.ipynb", "--check")
    assert result.returncode == 1
    assert "src/demo/features.py: scaled differs from the notebook" in result.stdout


def test_check_with_rewrite_fails_while_the_notebook_holds_moved_code(project: Path) -> None:
    main(project, "notebooks/02-xy-features.ipynb")
    result = main(project, "notebooks/02-xy-features.ipynb", "--check", "--rewrite-notebook")
    assert result.returncode == 1
    assert (
        "still holds code that moved: rolling_mean, scaled, log_prices, report, WINDOW, scale"
        in result.stdout
    )
    main(project, "notebooks/02-xy-features.ipynb", "--rewrite-notebook")
    assert (
        main(project, "notebooks/02-xy-features.ipynb", "--check", "--rewrite-notebook").returncode
        == 0
    )


def test_rewrite_twice_is_byte_identical(project: Path) -> None:
    assert main(project, "notebooks/02-xy-features.ipynb", "--rewrite-notebook").returncode == 0
    first = snapshot(project)
    second = main(project, "notebooks/02-xy-features.ipynb", "--rewrite-notebook")
    assert second.returncode == 0
    assert "Nothing new to extract" in second.stdout
    assert snapshot(project) == first


def test_json_output(project: Path) -> None:
    result = main(project, "notebooks/02-xy-features.ipynb", "--json", "--module", "feats")
    data = json.loads(result.stdout)
    assert data["module"].endswith("src/demo/feats.py")
    assert data["constants"] == ["WINDOW", "scale"]
    assert data["stays"]["show"] == "reads `display`, which the notebook never defines"


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("04-bad-syntax.ipynb", "cell 3 ('def broken(:') has a syntax error at line 1"),
        ("08-v3.ipynb", "08-v3.ipynb is nbformat v3"),
        ("07-invalid-json.ipynb", "is not a valid notebook"),
    ],
)
def test_bad_notebook_is_one_error_line_and_exit_2(
    project: Path, fixture: str, message: str
) -> None:
    fixture_notebook(project, fixture)
    before = snapshot(project)
    result = main(project, f"notebooks/{fixture}", "--rewrite-notebook")
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot(project) == before


def test_check_and_rerun_without_module_use_the_module_that_records_the_notebook(
    project: Path,
) -> None:
    assert main(project, "notebooks/02-xy-features.ipynb", "-m", "feats").returncode == 0
    check = main(project, "notebooks/02-xy-features.ipynb", "--check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "in sync" in check.stdout and "src/demo/feats.py" in check.stdout
    rerun = main(project, "notebooks/02-xy-features.ipynb")
    assert rerun.returncode == 0, rerun.stderr
    assert "into demo.feats" in rerun.stdout
    assert not (project / "src" / "demo" / "features.py").exists()


def test_reports_a_function_kept_for_its_ipython_line(project: Path) -> None:
    write_notebook(
        project / "notebooks" / "shell.ipynb",
        ["def files(p):\n    !ls {p}\n    return p", "def plain():\n    return 1"],
    )
    result = main(project, "notebooks/shell.ipynb")
    assert result.returncode == 0, result.stderr
    assert (
        "stays in the notebook files: uses an IPython shell line (cell 1, line 2: `!ls {p}`)"
        in result.stdout
    )


def test_missing_notebook_is_named_as_missing(project: Path) -> None:
    result = main(project, "notebooks/nope.ipynb")
    assert (result.returncode, result.stderr) == (2, "error: notebooks/nope.ipynb does not exist\n")


def test_not_a_notebook_and_bad_module_names_are_refused(project: Path) -> None:
    assert "is not a notebook file" in main(project, "pyproject.toml").stderr
    bad = main(project, "notebooks/02-xy-features.ipynb", "--module", "my-module")
    assert bad.returncode == 2
    assert "--module 'my-module' is not a valid Python module name" in bad.stderr


@pytest.mark.slow
def test_extracted_code_passes_the_generated_projects_own_lint_and_tests(
    generated_project: Callable[[str], Path], tmp_path: Path
) -> None:
    from tests.projects import copy_project, run

    project = copy_project(generated_project("standard"), tmp_path / "copy")
    package = next(p.parent.name for p in (project / "src").glob("*/__init__.py"))
    notebook = write_notebook(
        project / "notebooks" / "02-cd-feature-ideas.ipynb",
        [
            "%load_ext autoreload\n%autoreload 2\nimport numpy as np\n\n"
            f"from {package}.data import load_dataset",
            "dataset = load_dataset()\nCLIP = 3.0",
            "def zscore(values):\n    scaled = (values - values.mean()) / values.std()\n    return np.clip(scaled, -CLIP, CLIP)",
            "def ratio(a, b):\n    return a / b if b else 0.0",
            "ratio(3, 4)",
            "def n_features():\n    return len(dataset.feature_names)",
            "n_features()\n!echo done",
        ],
    )
    result = main(project, str(notebook.relative_to(project)), "--rewrite-notebook")
    assert result.returncode == 0, result.stderr
    module = f"src/{package}/feature_ideas.py"
    bin_dir = project / ".venv" / "bin"
    run([str(bin_dir / "ruff"), "check", module, "tests", "notebooks"], project)
    run([str(bin_dir / "ruff"), "format", "--check", module, "tests"], project)
    # The copy shares the original's .venv, whose editable install points at the original:
    # put the copy's src first.
    env = {**os.environ, "PYTHONPATH": str(project / "src")}
    tests = run([str(bin_dir / "pytest"), "-q", "tests/test_feature_ideas.py"], project, env)
    assert "1 passed, 2 skipped" in tests.stdout
    assert main(project, str(notebook.relative_to(project)), "--check").returncode == 0


def test_check_from_the_notebooks_folder_names_the_module_from_there(project: Path) -> None:
    assert main(project, "notebooks/02-xy-features.ipynb").returncode == 0
    check = main(project / "notebooks", "02-xy-features.ipynb", "--check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.strip() == "in sync 02-xy-features.ipynb and ../src/demo/features.py"


def test_a_missing_subpackage_says_what_to_create(project: Path) -> None:
    result = main(project, "notebooks/02-xy-features.ipynb", "--module", "demo.pipes.features")
    assert result.returncode == 2
    assert result.stderr.strip().endswith("create src/demo/pipes/__init__.py first")
