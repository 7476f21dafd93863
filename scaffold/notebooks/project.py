"""Where extracted code goes: the project root, its package, the module name, the record."""

from __future__ import annotations

import keyword
import re
import tomllib
from pathlib import Path

from scaffold.errors import ScaffoldError

HEADER_PREFIX = "# scaffold: extracted from "
_ORDERING = re.compile(r"^[\d.]+$")
_INITIALS = re.compile(r"^[a-z]{2,3}$")


def find_root(start: Path) -> Path:
    """The nearest folder above ``start`` holding a pyproject.toml."""
    for folder in [start, *start.parents]:
        if (folder / "pyproject.toml").is_file():
            return folder
    raise ScaffoldError(f"no pyproject.toml above {start}: run scaffold extract inside a project")


def find_package(root: Path) -> str:
    """The import package under ``src/`` (the one named like the project when there are several)."""
    src = root / "src"
    packages = sorted(
        init.parent.name for init in src.glob("*/__init__.py") if init.parent.name.isidentifier()
    )
    if len(packages) == 1:
        return packages[0]
    wanted = _project_package_name(root)
    if wanted in packages:
        return wanted
    if not packages:
        raise ScaffoldError(f"no package in {src} (expected src/<package>/__init__.py)")
    raise ScaffoldError(
        f"several packages in {src} ({', '.join(packages)}) and none named like the project; "
        "pass --module <package>.<module>"
    )


def _project_package_name(root: Path) -> str | None:
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    name = data.get("project", {}).get("name")
    return re.sub(r"[^a-z0-9]+", "_", name.lower()) if isinstance(name, str) else None


def module_name_for(notebook: Path) -> str:
    """``01-ab-cleaning.ipynb`` -> ``cleaning``: drop the ordering number and the author's
    initials of the ``<number>-<initials>-<description>`` convention, keep the description."""
    parts = [p for p in re.split(r"[-\s]+", notebook.stem.lower()) if p]
    numbered = False
    while len(parts) > 1 and _ORDERING.match(parts[0]):
        parts.pop(0)
        numbered = True
    # Initials only after an ordering number: ``cnn-mnist`` is a description.
    if numbered and len(parts) > 1 and _INITIALS.match(parts[0]) and parts[0] != parts[-1]:
        parts.pop(0)
    name = re.sub(r"\W+", "_", "_".join(parts)).strip("_") or "notebook"
    name = re.sub(r"^\d+[_.]*", "", name) or f"nb_{name}"
    if keyword.iskeyword(name) or not name.isidentifier():
        name = f"{name}_" if name.isidentifier() else f"nb_{name}"
    return name


def check_module_name(name: str) -> str:
    if not name.isidentifier() or keyword.iskeyword(name):
        raise ScaffoldError(f"--module {name!r} is not a valid Python module name")
    return name


def relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def recorded_notebooks(module_text: str) -> list[str]:
    """The notebooks a module records it was extracted from (its header lines)."""
    return [
        line[len(HEADER_PREFIX) :].strip()
        for line in module_text.splitlines()
        if line.startswith(HEADER_PREFIX)
    ]


def modules_recording(
    root: Path, notebook: str, index: dict[str, list[tuple[str, str]]] | None = None
) -> list[tuple[str, str]]:
    """``(package, module)`` of every module under ``src/`` whose header records ``notebook``
    (a path relative to ``root``); ``index``: ``recorded_index(root)``, read once for many."""
    return (recorded_index(root) if index is None else index).get(notebook, [])


def recorded_index(root: Path) -> dict[str, list[tuple[str, str]]]:
    """Every recorded notebook -> the modules recording it (one read of each module's head)."""
    src = root / "src"
    found: dict[str, list[tuple[str, str]]] = {}
    for path in sorted(src.rglob("*.py")):
        parts = path.relative_to(src).with_suffix("").parts
        if len(parts) < 2 or not all(part.isidentifier() for part in parts):
            continue
        try:
            with path.open(encoding="utf-8", errors="replace") as handle:
                head = handle.read(8192)
        except OSError:
            continue
        for notebook in recorded_notebooks(head):
            found.setdefault(notebook, []).append((".".join(parts[:-1]), parts[-1]))
    return found
