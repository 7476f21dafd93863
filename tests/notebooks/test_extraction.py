"""Extraction on realistic notebooks: what moves, what stays, what is written and when."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from scaffold.errors import ScaffoldError
from scaffold.notebooks import check_sync, plan_extraction, write_changes
from scaffold.notebooks.extract import names_imported_from
from scaffold.notebooks.project import module_name_for
from tests.notebooks.builders import (
    fixture_notebook,
    make_project,
    snapshot,
    write_notebook,
)

RUFF = Path(sys.executable).parent / "ruff"


def extract(notebook: Path, module: str | None = None, rewrite: bool = False) -> None:
    write_changes(plan_extraction(notebook, module, rewrite=rewrite).changes)


def python(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(project / "src")}
    return subprocess.run(
        [sys.executable, *args], cwd=project, env=env, capture_output=True, text=True, check=False
    )


def code_lines(text: str) -> list[str]:
    """The module's code without comments: what Python runs."""
    return ast.unparse(ast.parse(text)).splitlines()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "proj")


def test_magics_and_shell_lines_never_reach_the_module(project: Path) -> None:
    result = plan_extraction(fixture_notebook(project, "01-ab-cleaning.ipynb"))
    write_changes(result.changes)
    module = (project / "src" / "demo" / "cleaning.py").read_text()
    assert module.startswith("# scaffold: extracted from notebooks/01-ab-cleaning.ipynb\n")
    code = code_lines(module)
    assert not [line for line in code if line.lstrip().startswith(("%", "!", "?"))]
    assert "def snake_case(name: str) -> str:" in code
    assert "def to_float(text):" in code
    assert "peek" not in module and "IPython line removed" not in module
    assert result.stays == {
        "peek": "uses an IPython magic line (cell 6, line 7: `%time size = len(path)`)"
    }
    assert "import re" in code
    assert not {"import json", "from pathlib import Path"} & set(code)  # unused: stay behind
    assert "matplotlib" not in module  # used by the notebook's plots only
    lint = subprocess.run(
        [str(RUFF), "check", "src", "tests"], cwd=project, capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout
    fmt = subprocess.run([str(RUFF), "format", "--check", "src", "tests"], cwd=project)
    assert fmt.returncode == 0


def test_module_imports_without_running_notebook_code(project: Path) -> None:
    for name in ("01-ab-cleaning.ipynb", "02-xy-features.ipynb", "03-indented-magics.ipynb"):
        extract(fixture_notebook(project, name))
    for module in ("cleaning", "features", "indented_magics"):
        result = python(project, "-c", f"import demo.{module}")
        assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_function_with_indented_magics_stays_in_the_notebook(project: Path) -> None:
    result = plan_extraction(fixture_notebook(project, "03-indented-magics.ipynb"))
    write_changes(result.changes)
    module = (project / "src" / "demo" / "indented_magics.py").read_text()
    assert result.moved == ["count"]
    assert result.stays == {"listing": "uses an IPython magic line (cell 2, line 3: `%ls`)"}
    assert "listing" not in module and "IPython line removed" not in module
    assert "return len(os.listdir(path))" in module
    assert "DEBUG" not in module  # top-level exploration stays in the notebook


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("def files(p):\n    !ls {p}\n    return p", "shell line (cell 1, line 2: `!ls {p}`)"),
        (
            "def names(p):\n    found = !ls {p}\n    return found",
            "shell line (cell 1, line 2: `found = !ls {p}`)",
        ),
        (
            "class Probe:\n    def run(self):\n        %env X=1\n        return 1",
            "magic line (cell 1, line 3: `%env X=1`)",
        ),
        ("def timed(x):\n    %%time\n    return x", "cell magic line (cell 1, line 2: `%%time`)"),
        ("def helped(x):\n    x?\n    return x", "help line (cell 1, line 2: `x?`)"),
        (
            "def installs():\n    !pip install \\\n        numpy\n    return 1",
            "shell line (cell 1, line 2: `!pip install \\`)",
        ),
    ],
)
def test_definition_with_ipython_lines_stays_in_the_notebook(
    project: Path, source: str, reason: str
) -> None:
    notebook = write_notebook(
        project / "notebooks" / "ipy.ipynb", [source, "def plain():\n    return 1"]
    )
    result = plan_extraction(notebook, rewrite=True)
    name = source.split()[1].split("(")[0].rstrip(":")
    assert result.stays == {name: f"uses an IPython {reason}"}
    assert result.moved == ["plain"]
    write_changes(result.changes)
    module = (project / "src" / "demo" / "ipy.py").read_text()
    assert name not in module and "IPython line removed" not in module
    assert nbformat.read(notebook, 4).cells[0].source == source


def test_globals_become_constants_or_stay_with_a_reason(project: Path) -> None:
    result = plan_extraction(fixture_notebook(project, "02-xy-features.ipynb"))
    uses = {(u.owner, u.name, u.action, u.where) for u in result.global_uses}
    assert ("rolling_mean", "WINDOW", "constant", "cell 2, line 2") in uses
    assert ("scaled", "scale", "constant", "cell 3, line 2") in uses
    # map(log_prices, ...) in the notebook: the rewrite passes `prices` through a lambda.
    assert result.moved == ["rolling_mean", "scaled", "log_prices", "report"]
    assert result.parameters == {"log_prices": ["prices"], "report": ["prices"]}
    assert "`counter`" in result.stays["bump"]
    assert "`display`" in result.stays["show"]


def test_notebook_variable_becomes_a_keyword_parameter_and_the_notebook_still_runs(
    project: Path,
) -> None:
    notebook = write_notebook(
        project / "notebooks" / "totals.ipynb",
        [
            "table = {'a': [1, 2], 'b': [3]}\ntable = {**table, 'c': [4, 5, 6]}",
            "def total(col):\n    return sum(table[col])",
            "def report(cols):\n    return {c: total(c) for c in cols}",
            "first = total('a')\nsummary = report(['b', 'c'])",
        ],
    )
    before = run_cells(notebook, project)
    result = plan_extraction(notebook, rewrite=True)
    assert result.parameters == {"total": ["table"], "report": ["table"]}
    write_changes(result.changes)
    module = (project / "src" / "demo" / "totals.py").read_text()
    assert "def total(col, *, table):" in module
    assert "return {c: total(c, table=table) for c in cols}" in module
    after = run_cells(notebook, project)
    assert after["first"] == before["first"] == 3
    assert after["summary"] == before["summary"] == {"b": 3, "c": 15}
    assert "from demo.totals import report, total" in notebook.read_text()


MAGIC_CALLS = [
    "%time centered = center(df)",
    "%timeit -n1 -r1 center(df)",
    "%%time\ncenter(df)",
    "%%capture out\nprint(center(df))",
    "for _ in range(2):\n    %time center(df)  # twice",
]


def test_rewrite_passes_new_parameters_on_magic_lines_and_the_notebook_still_runs(
    project: Path,
) -> None:
    notebook = write_notebook(
        project / "notebooks" / "centering.ipynb",
        [
            "mean_b = 2\nmean_b = mean_b * 2",
            "def center(frame):\n    return frame - mean_b",
            "df = 10\ncenter(df)",
            *MAGIC_CALLS,
            "assert centered == 6",
        ],
    )
    assert run_in_ipython(notebook, project).returncode == 0
    result = plan_extraction(notebook, rewrite=True)
    assert result.parameters == {"center": ["mean_b"]}
    write_changes(result.changes)
    cells = [cell.source for cell in nbformat.read(notebook, 4).cells]
    passed = "center(df, mean_b=mean_b)"
    assert cells[3:-1] == [call.replace("center(df)", passed) for call in MAGIC_CALLS]
    after = run_in_ipython(notebook, project)
    assert after.returncode == 0, after.stdout + after.stderr


def test_an_import_used_only_on_magic_lines_survives_lint_fix(project: Path) -> None:
    notebook = write_notebook(
        project / "notebooks" / "timing.ipynb",
        ["def double(x):\n    return 2 * x", "%time double(21)", "%timeit -n1 -r1 double(1)"],
    )
    write_changes(plan_extraction(notebook, rewrite=True).changes)
    assert (
        "from demo.timing import double  # noqa: F401" in nbformat.read(notebook, 4).cells[0].source
    )
    fixed = subprocess.run(
        [str(RUFF), "check", "--fix", "--no-cache", str(notebook)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert fixed.returncode == 0, fixed.stdout
    assert "import double" in nbformat.read(notebook, 4).cells[0].source
    after = run_in_ipython(notebook, project)
    assert after.returncode == 0, after.stdout + after.stderr
    write_changes(plan_extraction(notebook, rewrite=True).changes)  # idempotent
    assert plan_extraction(notebook, rewrite=True).changes == []


def run_in_ipython(notebook: Path, project: Path) -> subprocess.CompletedProcess[str]:
    """Every code cell through a real IPython shell, as Jupyter runs them; exit 1 at the first
    cell that raises."""
    script = (
        "import sys, nbformat\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "shell = InteractiveShell.instance()\n"
        "for cell in nbformat.read(sys.argv[1], 4).cells:\n"
        "    if not shell.run_cell(cell.source).success:\n"
        "        sys.exit(1)\n"
    )
    return python(project, "-c", script, str(notebook))


@pytest.mark.parametrize(
    ("call", "reason"),
    [
        ("%debug center(df)", "called from a magic line (cell 4, line 1: `%debug center(df)`)"),
        ("x = %timeit -o center(df)", "called from a magic line (cell 4, line 1: `x = %timeit"),
        ("!echo {center(df)}", "called from a shell line (cell 4, line 1: `!echo {center(df)}`)"),
        ("%prun -s cumulative center(df)", "called from a magic line (cell 4, line 1: `%prun"),
        ("%%timeit center(df)\ncenter(df)", "called from a cell magic line (cell 4, line 1:"),
        ("if df:\n    !echo {list(map(center, [df]))}", "used on a shell line (cell 4, line 2:"),
    ],
)
def test_function_used_where_the_rewrite_cannot_reach_stays_in_the_notebook(
    project: Path, call: str, reason: str
) -> None:
    notebook = write_notebook(
        project / "notebooks" / "centering.ipynb",
        [
            "mean_b = 2\nmean_b = mean_b * 2",
            "def center(frame):\n    return frame - mean_b",
            "df = 10",
            call,
        ],
    )
    result = plan_extraction(notebook, rewrite=True)
    assert result.moved == []
    assert result.stays["center"].startswith(reason)
    assert result.stays["center"].endswith("where scaffold cannot pass it `mean_b`")
    assert result.changes == []


def test_help_line_does_not_keep_a_function_in_the_notebook(project: Path) -> None:
    notebook = write_notebook(
        project / "notebooks" / "centering.ipynb",
        ["mean_b = [2]\nmean_b = mean_b * 2", "def center(frame):\n    return mean_b", "center?"],
    )
    assert plan_extraction(notebook, rewrite=True).moved == ["center"]


def run_cells(notebook: Path, project: Path) -> dict[str, object]:
    """Run a magic-free notebook's code cells in one namespace, with src importable."""
    namespace: dict[str, object] = {}
    sys.path.insert(0, str(project / "src"))
    try:
        for cell in nbformat.read(notebook, as_version=4).cells:
            exec(compile(cell.source, str(notebook), "exec"), namespace)
    finally:
        sys.path.remove(str(project / "src"))
        for name in [m for m in sys.modules if m == "demo" or m.startswith("demo.")]:
            del sys.modules[name]
    return namespace


def test_export_cells_are_taken_whole(project: Path) -> None:
    extract(fixture_notebook(project, "06-export-cells.ipynb"), rewrite=True)
    code = code_lines((project / "src" / "demo" / "export_cells.py").read_text())
    assert "LOGGER = logging.getLogger(__name__)" in code
    assert "DEFAULTS = {'alpha': 0.1}" in code
    assert "def tagged(x):" in code
    assert not any("data = " in line for line in code)
    cells = [
        c.source for c in nbformat.read(project / "notebooks" / "06-export-cells.ipynb", 4).cells
    ]
    assert cells == [
        "from demo.export_cells import tagged",
        "data = [1, 2, 3]\nprint(data)",
        "tagged(3)",
    ]


def test_export_cell_reading_an_unexported_variable_is_refused(project: Path) -> None:
    notebook = write_notebook(
        project / "notebooks" / "bad_export.ipynb",
        ["rows = load()", ("total = len(rows)", ["export"])],
    )
    before = snapshot(project)
    with pytest.raises(
        ScaffoldError,
        match=r"cell 2, line 1 is marked export but reads the notebook variable `rows`",
    ):
        extract(notebook)
    assert snapshot(project) == before


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "04-bad-syntax.ipynb",
            r"04-bad-syntax.ipynb: cell 3 \('def broken\(:'\) has a syntax error at line 1",
        ),
        ("05-r-kernel.ipynb", r"05-r-kernel.ipynb uses a R kernel"),
        ("07-invalid-json.ipynb", r"07-invalid-json.ipynb is not a valid notebook"),
        ("08-v3.ipynb", r"08-v3.ipynb is nbformat v3"),
    ],
)
def test_bad_notebooks_fail_with_one_clear_error_and_write_nothing(
    project: Path, name: str, message: str
) -> None:
    notebook = fixture_notebook(project, name)
    before = snapshot(project)
    with pytest.raises(ScaffoldError, match=message):
        extract(notebook, rewrite=True)
    assert snapshot(project) == before


@pytest.mark.parametrize("rewrite", [False, True])
def test_second_run_changes_nothing(project: Path, rewrite: bool) -> None:
    notebooks = [
        fixture_notebook(project, n)
        for n in ("01-ab-cleaning.ipynb", "02-xy-features.ipynb", "06-export-cells.ipynb")
    ]
    for notebook in notebooks:
        extract(notebook, rewrite=rewrite)
    first = snapshot(project)
    for notebook in notebooks:
        assert plan_extraction(notebook, rewrite=rewrite).changes == []
        extract(notebook, rewrite=rewrite)
    assert snapshot(project) == first


def test_new_function_in_a_rewritten_notebook_joins_the_module_and_its_import(
    project: Path,
) -> None:
    notebook = write_notebook(
        project / "notebooks" / "steps.ipynb", ["def one():\n    return 1", "one()"]
    )
    extract(notebook, rewrite=True)
    cells = nbformat.read(notebook, 4).cells
    cells.insert(1, nbformat.v4.new_code_cell("def two():\n    return one() + 1"))
    cells.append(nbformat.v4.new_code_cell("two()"))
    nbformat.write(
        nbformat.v4.new_notebook(cells=cells, metadata=nbformat.read(notebook, 4).metadata),
        notebook,
    )
    extract(notebook, rewrite=True)
    module = (project / "src" / "demo" / "steps.py").read_text()
    assert "def one():" in module and "def two():\n    return one() + 1" in module
    assert "import" not in module.split('"""')[-1]  # no import of the module from itself
    sources = [c.source for c in nbformat.read(notebook, 4).cells]
    assert sources == ["from demo.steps import one, two", "one()", "two()"]


def test_existing_tests_are_kept_and_new_skeletons_merged(project: Path) -> None:
    tests = project / "tests" / "test_cleaning.py"
    tests.parent.mkdir()
    mine = '"""My tests."""\n\nfrom demo.cleaning import snake_case\n\n\ndef test_snake_case() -> None:\n    assert snake_case("A B") == "a_b"\n'
    tests.write_text(mine)
    extract(fixture_notebook(project, "01-ab-cleaning.ipynb"))
    text = tests.read_text()
    assert text.count("def test_snake_case") == 1
    assert 'assert snake_case("A B") == "a_b"' in text
    assert "def test_to_float() -> None:" in text
    assert "@pytest.mark.skip(" in text and "import pytest" in text


def test_generated_tests_run_real_calls_and_skip_with_a_reason(project: Path) -> None:
    extract(fixture_notebook(project, "01-ab-cleaning.ipynb"))
    text = (project / "tests" / "test_cleaning.py").read_text()
    assert 'assert snake_case("Monthly Charges") == "monthly_charges"' in text  # saved output
    assert "no call with literal arguments in the notebook: write one" in text
    result = python(project, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests", "-rs")
    assert "1 passed, 1 skipped" in result.stdout, result.stdout


def test_skeleton_fails_once_unskipped(project: Path) -> None:
    notebook = write_notebook(
        project / "notebooks" / "calc.ipynb", ["def double(x):\n    return 2 * x"]
    )
    extract(notebook)
    path = project / "tests" / "test_calc.py"
    skipped = python(project, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests")
    assert "1 skipped" in skipped.stdout
    unskipped = re.sub(r"@pytest\.mark\.skip\([^)]*\)\n", "", path.read_text())
    path.write_text(unskipped)
    result = python(project, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests")
    assert result.returncode == 1
    assert "NotImplementedError: call double with a small input" in result.stdout


def test_a_module_scaffold_did_not_write_is_refused(project: Path) -> None:
    (project / "src" / "demo" / "cleaning.py").write_text("def mine():\n    return 1\n")
    notebook = fixture_notebook(project, "01-ab-cleaning.ipynb")
    before = snapshot(project)
    with pytest.raises(ScaffoldError, match=r"cleaning\.py exists and was not written by scaffold"):
        extract(notebook)
    assert snapshot(project) == before


def test_check_sync_reports_notebooks_out_of_step(project: Path) -> None:
    notebook = fixture_notebook(project, "01-ab-cleaning.ipynb")
    extract(notebook)
    assert check_sync(project) == []
    node = nbformat.read(notebook, 4)
    node.cells[3].source = node.cells[3].source.replace(".lower()", ".upper()")
    nbformat.write(node, notebook)
    problems = check_sync(project)
    assert [p.message for p in problems] == [
        "src/demo/cleaning.py: snake_case differs from the notebook"
    ]
    notebook.unlink()
    assert [p.message for p in check_sync(project)] == [
        "notebooks/01-ab-cleaning.ipynb is recorded in src/demo/cleaning.py but is missing"
    ]


def test_rewrite_keeps_other_cells_and_jupyter_formatting(project: Path) -> None:
    notebook = fixture_notebook(project, "01-ab-cleaning.ipynb")
    original = nbformat.read(notebook, 4)
    extract(notebook, rewrite=True)
    text = notebook.read_text()
    assert text.startswith('{\n "cells": [\n  {\n')  # Jupyter's one-space indent
    rewritten = nbformat.read(notebook, 4)
    assert rewritten.nbformat_minor == original.nbformat_minor
    changed = ("def ", "import re")  # moved functions; an import only they used
    untouched = [c for c in original.cells if not any(s in c.source for s in changed)]
    assert len(untouched) == len(original.cells) - 3
    assert [c for c in rewritten.cells if c.id in {u.id for u in untouched}] == untouched


@pytest.mark.parametrize(
    ("stem", "module"),
    [
        ("01-ab-cleaning", "cleaning"),
        ("1.0-jqp-initial-data-exploration", "initial_data_exploration"),
        ("02_eda", "eda"),
        ("Feature Engineering", "feature_engineering"),
        ("class", "class_"),
        ("01", "nb_01"),
        ("cnn-mnist", "cnn_mnist"),
        ("rnn-mnist", "rnn_mnist"),
        ("03-cnn-mnist", "mnist"),
        ("03-model-mnist", "model_mnist"),
    ],
)
def test_module_name_comes_from_the_notebook_name(stem: str, module: str) -> None:
    assert module_name_for(Path(f"{stem}.ipynb")) == module


def test_future_import_stays_first_when_merging_into_a_module_with_imports(
    project: Path,
) -> None:
    first = write_notebook(
        project / "notebooks" / "a.ipynb", ["import os\ndef cwd():\n    return os.getcwd()"]
    )
    extract(first, module="shared")
    second = write_notebook(
        project / "notebooks" / "b.ipynb",
        [
            "from __future__ import annotations\nimport json",
            "def dump(x: list[int]) -> str:\n    return json.dumps(x)",
        ],
    )
    extract(second, module="shared")
    module = (project / "src" / "demo" / "shared.py").read_text()
    tree = ast.parse(module)
    assert isinstance(tree.body[1], ast.ImportFrom) and tree.body[1].module == "__future__"
    assert "def cwd():" in module and "def dump(x: list[int]) -> str:" in module
    assert module.count("# scaffold: extracted from notebooks/") == 2
    assert {p.notebook for p in check_sync(project)} == set()


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        (["def f():\n    return 1\ndef f():\n    return 2"], "is bound 2 times (cell 1)"),
        (["def f():\n    return 1", "f = 3"], "is bound 2 times (cells 1, 2)"),
    ],
)
def test_rebound_definition_names_its_cells(project: Path, cells: list[str], reason: str) -> None:
    notebook = write_notebook(project / "notebooks" / "twice.ipynb", cells)
    assert plan_extraction(notebook).stays["f"].startswith(f"{reason}: keep one definition")


def test_without_module_the_module_recording_the_notebook_is_used(project: Path) -> None:
    notebook = fixture_notebook(project, "02-xy-features.ipynb")
    extract(notebook, module="feats")
    result = plan_extraction(notebook)
    assert result.import_name == "demo.feats"
    assert result.changes == []
    extract(notebook, module="features")  # the default name wins when both record it
    assert plan_extraction(notebook).import_name == "demo.features"


def test_notebook_recorded_in_several_other_modules_needs_module(project: Path) -> None:
    notebook = fixture_notebook(project, "02-xy-features.ipynb")
    extract(notebook, module="feats")
    extract(notebook, module="prices")
    with pytest.raises(
        ScaffoldError,
        match=r"02-xy-features.ipynb is recorded in several modules \(demo.feats, demo.prices\); "
        "pass --module",
    ):
        plan_extraction(notebook)


def test_a_module_in_a_subpackage_is_written_there_and_kept_in_sync(tmp_path: Path) -> None:
    project = make_project(tmp_path / "proj")
    (project / "src" / "demo" / "pipelines").mkdir()
    (project / "src" / "demo" / "pipelines" / "__init__.py").write_text("")
    notebook = fixture_notebook(project, "02-xy-features.ipynb")

    result = plan_extraction(notebook, "demo.pipelines.features")
    write_changes(result.changes)

    module = project / "src" / "demo" / "pipelines" / "features.py"
    assert result.module_path == module
    assert module.is_file()
    assert check_sync(project) == []
    module.write_text(module.read_text().replace("v * scale", "v * scale * 2"))
    assert [problem.module for problem in check_sync(project)] == ["src/demo/pipelines/features.py"]


@pytest.mark.parametrize(
    ("source", "names"),
    [
        ("from demo.mnist import train", {"train"}),
        ("import os\nfrom demo.mnist import Net, train as fit  # moved\ntrain()", {"Net", "train"}),
        ("from demo.mnist import (\n    Net,  # the model\n    train,\n)", {"Net", "train"}),
        ("from demo.mnist_v2 import train\nfrom demo import mnist", set()),
        ("# from demo.mnist import train", set()),
    ],
)
def test_names_a_cell_imports_from_a_module(source: str, names: set[str]) -> None:
    assert names_imported_from(source, "demo.mnist") == names
