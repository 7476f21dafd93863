"""The proof that a rewritten notebook computes what the original did: run both, compare
every cell's outputs.

Two runners, equal on what they compare (stream text, the plain-text result of the last
expression and of ``display``, the exception's type and message):

- ``kernel_outputs``: nbclient in a real ipykernel, one kernel per notebook (the fixtures);
- ``shell_outputs``: the same IPython machinery in this process (``InteractiveShell``, which
  the kernel wraps), each notebook in a fresh namespace with the project's package freshly
  imported: a few milliseconds a notebook, for the hundreds that hypothesis generates.

Timings printed by ``%time``/``%%time`` are dropped; nothing else is normalised.
"""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path
from typing import Any

import nbformat

_TIMING = re.compile(r"^(CPU times|Wall time|\d+(\.\d+)? [nmµu]?s ± ).*$\n?", re.MULTILINE)
Outputs = dict[str, list[tuple[str, str]]]  # cell id -> [(kind, text)]


def _clean(text: str) -> str:
    return _TIMING.sub("", text)


def kernel_outputs(notebook: Path, project: Path) -> Outputs:
    """Execute ``notebook`` in a fresh ipykernel, in the notebook's folder as Jupyter does,
    with the project's ``src`` importable."""
    import os

    from nbclient import NotebookClient

    node = nbformat.read(notebook, as_version=4)
    env_path = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(project / "src"), env_path]))
    try:
        client = NotebookClient(
            node,
            timeout=60,
            kernel_name="python3",
            allow_errors=True,
            resources={"metadata": {"path": str(notebook.parent)}},
        )
        client.execute()
    finally:
        os.environ["PYTHONPATH"] = env_path
    return {cell.id: _kernel_cell(cell) for cell in node.cells if cell.cell_type == "code"}


def _kernel_cell(cell: Any) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for output in cell.outputs:
        kind = output.output_type
        if kind == "stream":
            text = _clean(output.text)
            if text:
                found.append((output.name, text))
        elif kind in ("execute_result", "display_data"):
            found.append((kind, output.data.get("text/plain", "")))
        elif kind == "error":
            found.append(("error", f"{output.ename}: {output.evalue}"))
    return _merge_streams(found)


def _merge_streams(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Consecutive stream pieces joined (a kernel may split one print in two messages)."""
    merged: list[tuple[str, str]] = []
    for kind, text in found:
        if merged and kind in ("stdout", "stderr") and merged[-1][0] == kind:
            merged[-1] = (kind, merged[-1][1] + text)
        else:
            merged.append((kind, text))
    return merged


class _Shell:
    """One InteractiveShell for the process, reset between notebooks."""

    instance: Any = None

    @classmethod
    def get(cls) -> Any:
        if cls.instance is None:
            from IPython.core.interactiveshell import InteractiveShell
            from traitlets.config import Config

            config = Config()
            config.HistoryManager.enabled = False  # no sqlite write per cell
            shell = InteractiveShell.instance(config=config)
            shell.displayhook.write_output_prompt = lambda: None
            # The error itself is kept on the result; formatting tracebacks is 90% of the
            # time otherwise.
            shell.showtraceback = lambda *args, **kwargs: None
            shell.showsyntaxerror = lambda *args, **kwargs: None
            shell._format_exception_for_storage = lambda *args, **kwargs: {}
            cls.instance = shell
        return cls.instance


def shell_outputs(notebook: Path, project: Path, package: str = "demo") -> Outputs:
    """Execute ``notebook`` cell by cell in this process, the way the kernel does (in the
    notebook's folder, the project's ``src`` importable)."""
    import os

    from IPython.utils.capture import capture_output

    shell = _Shell.get()
    # A fresh namespace as a new kernel has (``reset`` would also run a full gc each time).
    shell.user_ns.clear()
    shell.user_ns_hidden.clear()
    shell.init_user_ns()
    shell.execution_count = 1
    for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
        del sys.modules[name]
    importlib.invalidate_caches()
    node = nbformat.read(notebook, as_version=4)
    found: Outputs = {}
    before = Path.cwd()
    sys.path.insert(0, str(project / "src"))
    os.chdir(notebook.parent)
    try:
        for cell in node.cells:
            if cell.cell_type != "code":
                continue
            with capture_output() as captured:
                result = shell.run_cell(cell.source, store_history=True)
            found[cell.id] = _shell_cell(captured, result)
    finally:
        os.chdir(before)
        sys.path.remove(str(project / "src"))
    return found


def _shell_cell(captured: Any, result: Any) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    out = _clean(captured.stdout)
    if out:
        found.append(("stdout", out))
    err = _clean(captured.stderr)
    if err:
        found.append(("stderr", err))
    for output in captured.outputs:
        found.append(("display_data", output.data.get("text/plain", "")))
    error = result.error_before_exec or result.error_in_exec
    if error is not None:
        found.append(("error", f"{type(error).__name__}: {error}"))
    return found


def differences(
    original: Outputs, rewritten: Outputs, moved: frozenset[str] = frozenset()
) -> list[str]:
    """Cells whose outputs differ; a cell the rewrite removed must have had no output.

    One deliberate exception, where the original notebook did not run from top to bottom:
    a cell that raised ``NameError`` for a name the rewrite now provides (``moved``: the
    names it imports into the notebook, used before the cell defining them, which the
    import at the first moved definition's place now precedes, and the names the module
    binds for the moved code, such as an import the notebook ran only after the call).
    The comparison ends there, as what follows depended on that failure, also when the
    rewritten cell raised the same error."""
    found = []
    for cell_id, outputs in original.items():
        after = rewritten.get(cell_id, [])
        if any(kind == "error" and _names_moved(text, moved) for kind, text in outputs):
            # Ends the comparison even when both sides raised it: the rewrite may have failed
            # at another line of the cell (a bound callback looks the name up later), so the
            # two runs go on from different partial states.
            break
        if outputs != after:
            found.append(f"cell {cell_id}: {outputs!r} became {after!r}")
    return found


def _names_moved(error: str, moved: frozenset[str]) -> bool:
    match = re.match(r"NameError: name '(\w+)' is not defined", error)
    return bool(match and match[1] in moved)


def module_names(source: str) -> frozenset[str]:
    """The names a module's top level binds by import: what a moved function may now find
    that the notebook, run top to bottom, bound only later."""
    import ast

    names: set[str] = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.Import):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.update(alias.asname or alias.name for alias in node.names)
    return frozenset(names)
