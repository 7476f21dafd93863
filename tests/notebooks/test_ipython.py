"""Masking IPython lines: same line numbers, parseable Python, real errors still errors."""

from __future__ import annotations

import ast

import pytest

from scaffold.notebooks.ipython import CellSyntaxError, ipython_lines, line_kind, mask_cell


@pytest.mark.parametrize(
    "line",
    ["%matplotlib inline", "!pip install numpy", "os.path?", "??os", "%load_ext autoreload"],
)
def test_ipython_lines_become_python_on_the_same_line(line: str) -> None:
    masked = mask_cell(f"import os\n{line}\nx = 1")
    assert masked.python.split("\n")[0] == "import os"
    assert masked.python.split("\n")[2] == "x = 1"
    assert masked.masked_lines == {2: line}
    ast.parse(masked.python)


def test_time_magic_keeps_its_statement() -> None:
    masked = mask_cell("%time x = f(1)\n%timeit -n1 -r1 y = 2")
    assert masked.python.split("\n") == ["x = f(1)", "y = 2"]


def test_shell_assignment_keeps_the_name_bound() -> None:
    tree = ast.parse(mask_cell("files = !ls data").python)
    assert isinstance(tree.body[0], ast.Assign)


def test_indented_cell_magic_and_shell_line_inside_blocks() -> None:
    source = "if True:\n    %%time\n    !echo hi\n    x = 1\nfor i in []:\n    %time f(i)"
    masked = mask_cell(source)
    code = ast.unparse(ast.parse(masked.python))
    assert set(masked.masked_lines) == {2, 3, 6}
    assert "%" not in code
    assert "!" not in code


def test_backslash_continued_shell_line_is_masked_whole() -> None:
    masked = mask_cell("!pip install \\\n    numpy\nx = 1")
    assert masked.python.split("\n")[1:] == ["", "x = 1"]


def test_percent_inside_a_string_or_expression_is_left_alone() -> None:
    source = "s = '''\n%not_a_magic\n!nor_shell\n'''\nx = (10\n% 3)"
    masked = mask_cell(source)
    assert masked.python == source
    assert masked.masked_lines == {}


def test_non_python_cell_magic_has_no_code() -> None:
    assert mask_cell("%%bash\necho 'unbalanced (").python == ""


def test_python_cell_magic_body_is_analysed() -> None:
    masked = mask_cell("%%time\ndef f():\n    return 1")
    assert "def f():" in masked.python
    ast.parse(masked.python)


def test_real_syntax_error_reports_its_line() -> None:
    with pytest.raises(CellSyntaxError) as caught:
        mask_cell("x = 1\ndef broken(:\n    pass")
    assert caught.value.line == 2


def test_kept_statement_records_where_it_starts_in_the_line() -> None:
    source = "%timeit -n1 -r1 f(x)\nif x:\n    %time y = f(x)  # slow\n%ls"
    masked = mask_cell(source)
    assert masked.kept_statements == {1: 16, 3: 6}
    lines = source.split("\n")
    assert lines[0][16:] == masked.python.split("\n")[0]
    assert lines[2][4 + 6 :] == masked.python.split("\n")[2].lstrip()


def test_ipython_lines_join_continuations_and_say_what_they_are() -> None:
    masked = mask_cell("!pip install \\\n    numpy\nfiles = !ls\n%%time\nos?\n%env A=1")
    found = ipython_lines(masked)
    assert found == {
        1: "!pip install \\\n    numpy",
        3: "files = !ls",
        4: "%%time",
        5: "os?",
        6: "%env A=1",
    }
    kinds = [line_kind(text) for text in found.values()]
    assert kinds == ["shell line", "shell line", "cell magic line", "help line", "magic line"]
