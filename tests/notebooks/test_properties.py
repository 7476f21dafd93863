"""Property tests: for generated notebooks mixing functions, classes, imports, magics, shell
lines, prints and globals, the module always parses, imports without NameError, carries no
IPython syntax, and a second extraction changes nothing."""

from __future__ import annotations

import ast
import builtins
import symtable
import tempfile
from pathlib import Path

import nbformat
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from scaffold.notebooks import plan_extraction, write_changes
from scaffold.notebooks.ipython import mask_cell
from tests.notebooks.builders import make_project, snapshot, write_notebook

FUNCTIONS = ["load", "clean", "score", "_helper"]
VARIABLES = ["df", "rows", "THRESHOLD", "names"]
IMPORTS = ["import os", "import json", "import math as m", "from pathlib import Path"]
USES = ["os.sep", "json.dumps([])", "m.pi", "Path('.')", "len([])", "x"]

names = st.sampled_from
literal = st.one_of(st.integers(-5, 5), st.text("abc", max_size=3), st.just([1, 2]))


@st.composite
def expression(draw: st.DrawFn) -> str:
    return draw(
        st.one_of(
            names(USES),
            names(VARIABLES),
            names(FUNCTIONS).map(lambda f: f"{f}(1)"),
            st.just("x + 1"),
        )
    )


@st.composite
def function_cell(draw: st.DrawFn) -> str:
    body = [f"    y = {draw(expression())}"]
    if draw(st.booleans()):
        body.append(draw(names(["    %time z = 1", "    !echo hi", "    %%time", "    %ls"])))
    body.append(f"    return {draw(expression())}")
    signature = draw(names(["x", "x, k=1", f"x, k={draw(names(VARIABLES))}", "x, *, k=2"]))
    return f"def {draw(names(FUNCTIONS))}({signature}):\n" + "\n".join(body)


@st.composite
def class_cell(draw: st.DrawFn) -> str:
    return f"class Model:\n    def predict(self, x):\n        return {draw(expression())}"


@st.composite
def statement_cell(draw: st.DrawFn) -> str:
    variable = draw(names(VARIABLES))
    return draw(
        names(
            [
                f"{variable} = {draw(literal)!r}",
                f"{variable} = [i for i in range(3)]",
                f"print({variable})",
                f"{draw(names(FUNCTIONS))}({draw(literal)!r})",
                f"list(map({draw(names(FUNCTIONS))}, [1]))",
                f"{variable} += 1",
                f"display({variable})",
                f"{variable}.append(1)",
                f"if True:\n    %%time\n    {variable} = 2",
            ]
        )
    )


ipython_cell = names(
    [
        "%matplotlib inline",
        "!pip install numpy",
        "files = !ls",
        "os?",
        "%%bash\necho 'x (",
        "%time t = 1",
    ]
)
export_cell = st.builds(
    lambda source: (source, ["export"]),
    st.one_of(function_cell(), st.builds(lambda v: f"LIMIT = {v!r}", literal)),
)
cells = st.lists(
    st.one_of(
        names(IMPORTS), function_cell(), class_cell(), statement_cell(), ipython_cell, export_cell
    ),
    min_size=1,
    max_size=10,
)


def module_problems(text: str) -> list[str]:
    """Names functions read that the imported module does not bind; IPython code lines."""
    namespace: dict[str, object] = {"__name__": "demo.generated"}
    exec(compile(text, "generated.py", "exec"), namespace)
    known = set(namespace) | set(dir(builtins))
    problems = [
        line
        for line in ast.unparse(ast.parse(text)).splitlines()
        if line.lstrip().startswith(("%", "!", "?"))
    ]
    table = symtable.symtable(text, "generated.py", "exec")
    pending = list(table.get_children())
    while pending:
        child = pending.pop()
        pending += child.get_children()
        problems += [
            f"{child.get_name()} reads {s.get_name()}"
            for s in child.get_symbols()
            if s.is_global() and s.is_referenced() and s.get_name() not in known
        ]
    return problems


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=cells, rewrite=st.booleans())
def test_module_parses_imports_and_extraction_is_idempotent(
    cells: list[object], rewrite: bool
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        project = make_project(Path(tmp) / "proj")
        notebook = write_notebook(project / "notebooks" / "generated.ipynb", cells)
        write_changes(plan_extraction(notebook, rewrite=rewrite).changes)
        module = project / "src" / "demo" / "generated.py"
        event("module written" if module.exists() else "nothing to extract")
        if module.exists():
            assert module_problems(module.read_text()) == []
        for cell in nbformat.read(notebook, 4).cells:
            mask_cell(cell.source)  # the rewritten notebook still parses
        first = snapshot(project)
        assert plan_extraction(notebook, rewrite=rewrite).changes == []
        write_changes(plan_extraction(notebook, rewrite=rewrite).changes)
        assert snapshot(project) == first
