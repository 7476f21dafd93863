"""Structurally invalid notebooks, answers files and configs: only ScaffoldError escapes.

Hypothesis builds files that are valid JSON/YAML/TOML (or not even UTF-8) with the wrong
shapes in every field scaffold reads; each reader must answer with a ScaffoldError (one line
at the CLI) or accept the file, never raise anything else.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scaffold.errors import ScaffoldError

FUZZ = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """The right kind of value most of the time, any value otherwise."""
    return st.one_of(strategy, strategy, values)


outputs = st.fixed_dictionaries(
    {
        "output_type": _maybe(st.sampled_from(["execute_result", "stream"])),
        "data": _maybe(
            st.fixed_dictionaries({"text/plain": _maybe(st.text() | st.lists(st.text()))})
        ),
    }
)
code = st.sampled_from(["import math\n", "def f(x):\n    return x\n", "%time f(1)\n", "f(2)"])
cells = st.fixed_dictionaries(
    {
        "cell_type": _maybe(st.sampled_from(["code", "markdown", "raw"])),
        "source": _maybe(code | st.lists(code, max_size=3)),
        "metadata": _maybe(st.fixed_dictionaries({"tags": _maybe(st.lists(st.text()))})),
        "outputs": _maybe(st.lists(_maybe(outputs), max_size=2)),
        "execution_count": _maybe(st.none() | st.integers(0, 9)),
    }
)
notebooks = (
    st.fixed_dictionaries(
        {
            "cells": _maybe(st.lists(cells, max_size=4)),
            "metadata": _maybe(
                st.fixed_dictionaries(
                    {"kernelspec": _maybe(st.fixed_dictionaries({"language": values}))}
                )
            ),
            "nbformat": _maybe(st.just(4)),
            "nbformat_minor": _maybe(st.just(5)),
        }
    )
    | values
)
DEEP = "[" * 100_000 + "]" * 100_000
raw_files = st.sampled_from([b"\xff\xfe\x00garbage", DEEP.encode(), b"", b"{", b"\x00"])


def _file_text(document: Any) -> bytes:
    if isinstance(document, bytes):
        return document
    return json.dumps(document).encode()


def _only_scaffold_errors(call: Callable[[], object]) -> None:
    with contextlib.suppress(ScaffoldError):
        call()


def _project(folder: Path) -> Path:
    from tests.notebooks.builders import make_project

    return make_project(folder / "project")


ODD_OUTPUTS = {  # found by review: saved outputs that are not objects, data that is not one
    "nbformat": 4,
    "nbformat_minor": 5,
    "metadata": {},
    "cells": [
        {"cell_type": "code", "source": "def f(x):\n    return x\n", "metadata": {}},
        {"cell_type": "code", "source": "f(2)", "metadata": {}, "outputs": [3, None]},
        {"cell_type": "code", "source": "f(3)", "metadata": {},
         "outputs": [{"output_type": "execute_result", "data": [1]}]},
        {"cell_type": "code", "source": "f(4)", "metadata": {},
         "outputs": [{"output_type": "execute_result", "data": {"text/plain": [1, "2"]}}]},
    ],
}  # fmt: skip


@FUZZ
@given(document=notebooks | raw_files)
@example(document=ODD_OUTPUTS)
def test_notebook_readers(document: Any) -> None:
    from scaffold import readers
    from scaffold.checks import notebooks as checks
    from scaffold.notebooks import plan_extraction

    with tempfile.TemporaryDirectory() as tmp:
        project = _project(Path(tmp))
        path = project / "notebooks" / "explore.ipynb"
        path.write_bytes(_file_text(document))

        def lint() -> None:
            loaded = checks.load(path)
            checks.cells_with_outputs(loaded)
            checks.strip(loaded)

        def validated() -> None:  # nbformat validation, as lint reads notebooks
            readers.load_notebook(path)

        def extract() -> None:  # as `scaffold extract` does: its own shape check, then plan
            plan_extraction(path, None, rewrite=True, formatting=False)

        _only_scaffold_errors(lint)
        _only_scaffold_errors(lambda: checks.strip_file(path))
        _only_scaffold_errors(validated)
        _only_scaffold_errors(extract)


@FUZZ
@given(document=values | raw_files)
def test_answers_readers(document: Any) -> None:
    import yaml

    from scaffold.updating.answers import read_record

    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        text = document if isinstance(document, bytes) else yaml.safe_dump(document).encode()
        (project / ".copier-answers.yml").write_bytes(text)
        _only_scaffold_errors(lambda: read_record(project))


@FUZZ
@given(document=values | raw_files)
def test_config_reader(document: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from scaffold.settings import read_config, resolve_template

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "config.toml"
        if isinstance(document, bytes):
            path.write_bytes(document)
        else:
            entries = document if isinstance(document, dict) else {"template": document}
            path.write_text(
                "".join(f"{json.dumps(k)} = {json.dumps(v)}\n" for k, v in entries.items()),
                encoding="utf-8",
            )
        monkeypatch.setenv("SCAFFOLD_CONFIG", str(path))
        _only_scaffold_errors(read_config)
        _only_scaffold_errors(lambda: resolve_template(None))


def test_misplaced_config_is_one_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from scaffold.settings import read_config

    monkeypatch.setenv("SCAFFOLD_CONFIG", str(tmp_path))  # a folder where the file should be
    with pytest.raises(ScaffoldError, match="not a regular file"):
        read_config()


@pytest.mark.parametrize(
    "document",
    [
        {"cells": [{"cell_type": "code", "source": "x = 1", "outputs": {}}]},
        {"cells": [], "metadata": []},
        {"cells": [{"cell_type": "code", "source": 7}]},
        DEEP,
    ],
    ids=["outputs-not-list", "metadata-not-dict", "source-not-text", "deep"],
)
def test_doctor_reports_a_broken_notebook_and_goes_on(tmp_path: Path, document: Any) -> None:
    from scaffold.doctor.audit import audit_all

    broken, fine = _project(tmp_path / "a"), _project(tmp_path / "b")
    text = document if isinstance(document, str) else json.dumps(document)
    (broken / "notebooks" / "bad.ipynb").write_text(text, encoding="utf-8")

    report = audit_all([broken, fine])

    assert [repo.path for repo in report.repos] == [broken.resolve(), fine.resolve()]
    rows = [r for r in report.repos[0].results if "unreadable" in r.why]
    assert len(rows) == 1 and "1 unreadable, not checked" in rows[0].why


@pytest.mark.parametrize(
    "answers",
    [b"_src_path: ~nosuchuser/template\n_commit: v1\n", b"\xff\xfe not utf-8", b"[1, 2]\n"],
    ids=["unknown-user", "not-utf8", "not-a-mapping"],
)
def test_doctor_and_drift_on_a_broken_answers_file(tmp_path: Path, answers: bytes) -> None:
    from tests.security.hostile import scaffold

    project = _project(tmp_path)
    (project / ".copier-answers.yml").write_bytes(answers)
    for command in (["doctor", str(project), "--json"], ["drift"]):
        code, output = scaffold(*command, cwd=project)
        assert "Traceback" not in output and "unexpected" not in output, output
        if command[0] == "doctor":  # the broken file is a row; the audit goes on
            assert code in (0, 1) and '"repos"' in output, output
        else:
            assert code == 2 and output.count("error: ") == 1, output
