"""``scaffold extract`` through the CLI on notebook shapes found in real repositories:
shared modules, endless generators, helper files, undeclared packages, odd JSON, a
notebook outside the project, the byte-exact rewrite."""

from __future__ import annotations

import difflib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.commands.test_extract import main
from tests.notebooks.builders import make_project, write_notebook


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "proj")


def test_generator_example_is_called_through_islice(project: Path) -> None:
    cells = [
        "def ticks(n):\n    i = 0\n    while True:\n        yield i * n\n        i += 1",
        "ticks(0)",
    ]
    write_notebook(project / "notebooks" / "gen.ipynb", cells)
    assert main(project, "notebooks/gen.ipynb").returncode == 0
    tests = (project / "tests" / "test_gen.py").read_text()
    assert "list(itertools.islice(ticks(0), 10))" in tests
    assert "import itertools" in tests
    namespace: dict[str, object] = {}
    sys.path.insert(0, str(project / "src"))
    try:
        exec(compile(tests, "test_gen.py", "exec"), namespace)
        namespace["test_ticks"]()  # type: ignore[operator]  # ends: the point of islice
    finally:
        sys.path.remove(str(project / "src"))
        sys.modules.pop("demo.gen", None)
        sys.modules.pop("demo", None)


def test_two_notebooks_defining_the_same_function_do_not_overwrite_each_other(
    project: Path,
) -> None:
    write_notebook(project / "notebooks" / "cnn-mnist.ipynb", ["def train():\n    return 'cnn'"])
    write_notebook(project / "notebooks" / "rnn-mnist.ipynb", ["def train():\n    return 'rnn'"])
    assert main(project, "notebooks/cnn-mnist.ipynb", "-m", "mnist").returncode == 0
    before = (project / "src" / "demo" / "mnist.py").read_text()
    second = main(project, "notebooks/rnn-mnist.ipynb", "-m", "mnist")
    assert second.returncode == 2
    assert second.stderr == (
        "error: src/demo/mnist.py already holds `train` from notebooks/cnn-mnist.ipynb, and "
        "notebooks/rnn-mnist.ipynb defines its own `train`: extract it into its own module, "
        "e.g. --module rnn_mnist\n"
    )
    assert (project / "src" / "demo" / "mnist.py").read_text() == before
    # Without --module each keeps its own name: the initials rule no longer eats `cnn`.
    assert main(project, "notebooks/rnn-mnist.ipynb").returncode == 0
    assert (project / "src" / "demo" / "rnn_mnist.py").is_file()


def test_a_rewritten_notebook_still_owns_what_it_moved(project: Path) -> None:
    """After --rewrite-notebook the first notebook imports `train` instead of defining it:
    a second notebook's own `train` must still not replace it."""
    cells = ["def train():\n    return 'cnn'", "train()"]
    write_notebook(project / "notebooks" / "cnn-mnist.ipynb", cells)
    write_notebook(project / "notebooks" / "rnn-mnist.ipynb", ["def train():\n    return 'rnn'"])
    first = main(project, "notebooks/cnn-mnist.ipynb", "-m", "mnist", "--rewrite-notebook")
    assert first.returncode == 0, first.stderr
    rewritten = (project / "notebooks" / "cnn-mnist.ipynb").read_text()
    assert "from demo.mnist import train" in rewritten
    before = (project / "src" / "demo" / "mnist.py").read_text()
    second = main(project, "notebooks/rnn-mnist.ipynb", "-m", "mnist", "--rewrite-notebook")
    assert second.returncode == 2
    assert "already holds `train` from notebooks/cnn-mnist.ipynb" in second.stderr
    assert (project / "src" / "demo" / "mnist.py").read_text() == before


def test_literal_paths_in_example_calls_resolve_from_the_notebook(project: Path) -> None:
    (project / "notebooks" / "data").mkdir()
    (project / "notebooks" / "data" / "labels.txt").write_text("cat\ndog\n")
    cells = [
        "def get_labels(path):\n    with open(path) as fh:\n        return fh.read().split()",
        "get_labels('data/labels.txt')",
        "def size(path):\n    return len(path)",
        "size('data/missing.csv')",
    ]
    write_notebook(project / "notebooks" / "labels.ipynb", cells)
    assert main(project, "notebooks/labels.ipynb").returncode == 0
    tests = (project / "tests" / "test_labels.py").read_text()
    assert 'str(Path(__file__).resolve().parents[1] / "notebooks" / "data/labels.txt")' in tests
    assert "the notebook's example reads 'data/missing.csv' relative to notebooks/" in tests
    ruff = Path(sys.executable).parent / "ruff"

    lint = subprocess.run(
        [str(ruff), "check", "--select", "E,F,I,B,ISC", "--ignore", "E501", "tests"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert lint.returncode == 0, lint.stdout
    env = {"PYTHONPATH": str(project / "src"), "PATH": str(Path(sys.executable).parent)}
    tests_run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "../tests/test_labels.py"],
        cwd=project / "notebooks",  # from elsewhere: the path must not depend on the cwd
        capture_output=True,
        text=True,
        env=env,
    )
    assert "1 passed, 1 skipped" in tests_run.stdout, tests_run.stdout


def test_helper_files_and_undeclared_packages_are_warned_with_the_fix(project: Path) -> None:
    (project / "notebooks" / "densenet.py").write_text("class DenseNet:\n    pass\n")
    cells = [
        "import json\nimport yaml\nimport torch\nfrom densenet import DenseNet",
        "def build():\n    return DenseNet(), torch, yaml, json",
    ]
    write_notebook(project / "notebooks" / "net.ipynb", cells)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            'version = "0.1.0"', 'version = "0.1.0"\ndependencies = ["PyYAML>=6"]'
        )
    )
    result = main(project, "notebooks/net.ipynb", "--json")
    assert result.returncode == 0, result.stderr
    warnings = json.loads(result.stdout)["warnings"]
    assert warnings == [
        "the moved code imports `densenet` from densenet.py next to the notebook, which the "
        "package cannot import: move densenet.py into src/ and import it from the package",
        "the moved code imports `torch`, which the project does not declare: uv add torch "
        "(or add 'torch' to [project] dependencies in pyproject.toml)",
    ]
    text = main(project, "notebooks/net.ipynb").stdout
    assert "warning the moved code imports `torch`" in text or "Nothing new" in text


def test_a_notebook_outside_the_project_says_where_the_project_was_looked_for(
    project: Path, tmp_path: Path
) -> None:
    other = make_project(tmp_path / "other")
    write_notebook(other / "notebooks" / "x.ipynb", ["def f():\n    return 1"])
    result = main(project, str(other / "notebooks" / "x.ipynb"))
    assert result.returncode == 2
    assert result.stderr.startswith(
        f"error: {other / 'notebooks' / 'x.ipynb'} is outside the project {project}"
    )
    assert f"(found from the working directory {project})" in result.stderr
    assert not (project / "src" / "demo" / "x.py").exists()


def _raw(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data))
    return path


def _nb(cells: list[object], metadata: object = None, version: object = 4) -> dict[str, object]:
    return {
        "cells": cells,
        "metadata": {} if metadata is None else metadata,
        "nbformat": version,
        "nbformat_minor": 5,
    }


def _code(source: object, **extra: object) -> dict[str, object]:
    return {
        "cell_type": "code",
        "id": "c1",
        "metadata": {},
        "outputs": [],
        "execution_count": None,
        "source": source,
        **extra,
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            _nb([_code("x = 1")], version="4"),
            "has \"nbformat\": '4' as a string; notebooks write the number",
        ),
        (_nb([_code("x = 1")], metadata="hello"), "the notebook's metadata is not an object"),
        (_nb([_code(None)]), "cell 1's source is null; a cell's source is text"),
        (_nb([_code("x = 1"), _code(3)]), "cell 2's source is a int value"),
        (
            _nb([_code("def f(a, a):\n    return a")]),
            "cell 1 ('def f(a, a):') has a syntax error at line 1: duplicate argument 'a'",
        ),
        (
            _nb([_code("def f():\n    return " + "-" * 5000 + "1")]),
            "cell 1 ('def f():') is nested too deeply for Python to read",
        ),
        (_nb([_code("x = 1", metadata=None)]), "cell 1's metadata is not an object"),
        ({"cells": "x", "metadata": {}, "nbformat": 4}, '"cells" is not a list of cells'),
        ([1, 2], "is not a notebook: the JSON is not an object"),
    ],
)
def test_structurally_odd_notebooks_are_one_line_errors(
    project: Path, data: object, message: str
) -> None:
    _raw(project / "notebooks" / "odd.ipynb", data)
    result = main(project, "notebooks/odd.ipynb", "--rewrite-notebook")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("error: notebooks/odd.ipynb") and message in result.stderr
    as_json = main(project, "notebooks/odd.ipynb", "--json")
    assert json.loads(as_json.stdout) == {
        "error": as_json.stderr[len("error: ") :].strip(),
        "exit_code": 2,
    }


def test_null_kernelspec_and_language_info_are_read_as_unknown(project: Path) -> None:
    metadata = {"kernelspec": None, "language_info": None}
    _raw(project / "notebooks" / "nulls.ipynb", _nb([_code("def f():\n    return 1")], metadata))
    result = main(project, "notebooks/nulls.ipynb")
    assert result.returncode == 0, result.stderr
    assert "Extracted f into demo.nulls" in result.stdout


def test_rewrite_changes_only_the_edited_cells_bytes(project: Path) -> None:
    """A 2-space notebook with list sources, its own key order and ids: the diff after
    --rewrite-notebook is the edited cells' source lines and nothing else."""
    cells = [
        {
            "id": "k1",
            "cell_type": "code",
            "source": ["import math\n", "x = 2"],
            "metadata": {"z": 1, "a": 2},
            "outputs": [],
            "execution_count": 1,
        },
        {"cell_type": "markdown", "id": "m1", "metadata": {}, "source": ["# Title é\n"]},
        {
            "metadata": {},
            "cell_type": "code",
            "id": "k2",
            "execution_count": 2,
            "outputs": [],
            "source": ["def area(r):\n", "    return math.pi * r ** 2"],
        },
        {
            "cell_type": "code",
            "id": "k3",
            "metadata": {"tags": []},
            "execution_count": 3,
            "outputs": [
                {"name": "stdout", "output_type": "stream", "text": ["12.566370614359172\n"]}
            ],
            "source": ["print(area(x))"],
        },
    ]
    data = {
        "nbformat_minor": 5,
        "nbformat": 4,
        "metadata": {"language_info": {"name": "python"}},
        "cells": cells,
    }
    path = project / "notebooks" / "geo.ipynb"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    before = path.read_text().splitlines()
    assert main(project, "notebooks/geo.ipynb", "--rewrite-notebook").returncode == 0
    after = path.read_text().splitlines()
    changed = [
        line
        for line in difflib.unified_diff(before, after, lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    removed_cell = [  # however difflib aligns it: the k2 cell's lines and one separator
        "    },",
        "    {",
        '      "metadata": {},',
        '      "cell_type": "code",',
        '      "id": "k2",',
        '      "execution_count": 2,',
        '      "outputs": [],',
        '      "source": [',
        '        "def area(r):\\n",',
        '        "    return math.pi * r ** 2"',
        "      ]",
    ]
    assert [line for line in changed if line.startswith("+")] == [
        '+        "from demo.geo import area\\n",'
    ]
    assert sorted(line for line in changed if line.startswith("-")) == sorted(
        ['-        "import math\\n",', *("-" + line for line in removed_cell)]
    )
    assert len(after) == len(before) - len(removed_cell)
    assert json.loads(path.read_text())["cells"][1]["source"] == ["# Title é\n"]


def _corpus(project: Path) -> list[Path]:
    folder = project / "notebooks"
    (folder / "sub").mkdir()
    return [
        write_notebook(
            folder / "01-ab-clean.ipynb",
            ["import json", "def dump(x):\n    return json.dumps(x)", "dump(1)"],
        ),
        write_notebook(
            folder / "02-cd-feat.ipynb",
            ["df = dict(a=[1])", "def total(c):\n    return sum(df[c])", "total('a')"],
        ),
        write_notebook(
            folder / "sub" / "03-plots.ipynb", ["def area(r):\n    return 3 * r * r", "area(2)"]
        ),
    ]


def test_a_folder_gives_the_same_files_as_one_call_per_notebook(
    project: Path, tmp_path: Path
) -> None:
    import shutil

    _corpus(project)
    one_by_one = tmp_path / "one"
    shutil.copytree(project, one_by_one)
    for notebook in sorted((one_by_one / "notebooks").rglob("*.ipynb")):
        assert (
            main(one_by_one, str(notebook.relative_to(one_by_one)), "--rewrite-notebook").returncode
            == 0
        )
    result = main(project, "notebooks", "--rewrite-notebook")
    assert result.returncode == 0, result.stderr
    assert "3 notebooks: 3 definitions moved, 0 errors" in result.stdout
    assert "│ notebooks/02-cd-feat.ipynb" in result.stdout and "demo.feat" in result.stdout
    from tests.notebooks.builders import snapshot

    assert snapshot(project) == snapshot(one_by_one)
    check = main(project, "notebooks", "--check", "--rewrite-notebook", "--json")
    assert check.returncode == 0, check.stdout
    assert json.loads(check.stdout)["in_sync"] is True


def test_folder_check_fails_for_the_notebook_out_of_step_and_json_lists_each(project: Path) -> None:
    _corpus(project)
    assert main(project, "notebooks").returncode == 0
    module = project / "src" / "demo" / "feat.py"
    module.write_text(module.read_text().replace("sum(df[c])", "sum(df[c]) + 1"))
    check = main(
        project, "notebooks/01-ab-clean.ipynb", "notebooks/02-cd-feat.ipynb", "--check", "--json"
    )
    assert check.returncode == 1
    rows = {row["notebook"]: row for row in json.loads(check.stdout)["notebooks"]}
    assert rows["notebooks/01-ab-clean.ipynb"]["in_sync"] is True
    assert rows["notebooks/02-cd-feat.ipynb"]["differences"] == [
        "src/demo/feat.py: total differs from the notebook"
    ]


def test_a_glob_and_a_bad_notebook_in_the_folder(project: Path) -> None:
    _corpus(project)
    (project / "notebooks" / "04-broken.ipynb").write_text("{not json")
    result = main(project, "notebooks/0*.ipynb", "--json")
    assert result.returncode == 2
    data = json.loads(result.stdout)
    assert [row["notebook"] for row in data["notebooks"]] == [
        "notebooks/01-ab-clean.ipynb",
        "notebooks/02-cd-feat.ipynb",
        "notebooks/04-broken.ipynb",
    ]
    assert data["notebooks"][2]["error"].startswith(
        "notebooks/04-broken.ipynb is not a valid notebook"
    )
    assert (project / "src" / "demo" / "clean.py").is_file()  # the good ones are written
    assert (
        main(project, "notebooks/nothing-*.ipynb").stderr
        == "error: no notebook matches notebooks/nothing-*.ipynb\n"
    )


def test_safe_fixes_are_applied_and_what_remains_is_reported_by_rule(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            'select = ["E", "F", "I", "B"]', 'select = ["E", "F", "I", "B", "UP", "T20"]'
        )
    )
    cells = [
        "class Base:\n    def run(self):\n        return 1",
        "class Child(Base):\n    def run(self):\n        print('running')\n        for i in range(2):\n            pass\n        return super(Child, self).run()",
    ]
    write_notebook(project / "notebooks" / "lint.ipynb", cells)
    result = main(project, "notebooks/lint.ipynb")
    assert result.returncode == 0, result.stderr
    module = (project / "src" / "demo" / "lint.py").read_text()
    assert "return super().run()" in module  # UP008, a safe fix
    assert (
        "warning src/demo/lint.py: B007 Loop control variable `i` not used within loop body: rename the unused loop variable to _"
        in result.stdout
    )
    assert (
        "warning src/demo/lint.py: T201 `print` found: log through logging.getLogger(__name__) instead of print"
        in result.stdout
    )


def test_a_function_passed_as_a_callback_moves_and_gets_its_globals_through_a_lambda(
    project: Path,
) -> None:
    from tests.notebooks.harness import differences, shell_outputs

    cells = [
        "df = dict(a=[1, 2, 3])",
        "def total(col):\n    return sum(df[col])",
        "lazy = map(total, ['a'])\ndf = dict(a=[6])\nprint(list(lazy), sorted(['a'], key=total))",
    ]
    notebook = write_notebook(project / "notebooks" / "cb.ipynb", cells)
    before = shell_outputs(notebook, project)
    result = main(project, "notebooks/cb.ipynb", "--rewrite-notebook")
    assert result.returncode == 0, result.stderr
    assert "def total(col, *, df):" in (project / "src" / "demo" / "cb.py").read_text()
    source = json.loads(notebook.read_text())["cells"][-1]["source"]
    assert "map((lambda *args, **kwargs: total(*args, **kwargs, df=df)), ['a'])" in "".join(source)
    assert differences(before, shell_outputs(notebook, project)) == []  # late binding kept: [6]


def test_a_notebook_nbformat_calls_invalid_is_read_without_warnings(project: Path) -> None:
    """Missing ``metadata``/``outputs`` keys and an unknown cell field: nbformat's validator
    would print multi-line warnings; extract reads what it needs and says nothing more."""
    cell = {"cell_type": "code", "source": "def f():\n    return 1", "extra": 1}
    _raw(
        project / "notebooks" / "loose.ipynb", {"cells": [cell], "nbformat": 4, "nbformat_minor": 2}
    )
    result = main(project, "notebooks/loose.ipynb", "--rewrite-notebook")
    assert (result.returncode, result.stderr) == (0, "")
    assert "Extracted f into demo.loose" in result.stdout
