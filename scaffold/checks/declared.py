"""How a repository declares itself and its dependencies, in any of the common shapes.

PEP 621 ``[project]``, Poetry's ``[tool.poetry]``, ``setup.cfg`` and ``setup.py`` (read with
``ast``, never run), and requirements files at the top of the repository (not those of an
``examples/`` folder). Used by ``check`` (true fix hints) and ``doctor`` (packaging rules).
"""

from __future__ import annotations

import ast
import configparser
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# import name -> distribution name, for the packages whose names differ most often
IMPORT_NAMES = {"sklearn": "scikit-learn", "yaml": "pyyaml", "PIL": "pillow",
                "cv2": "opencv-python", "bs4": "beautifulsoup4", "dateutil": "python-dateutil",
                "dotenv": "python-dotenv", "jwt": "pyjwt", "skimage": "scikit-image"}  # fmt: skip
REQUIREMENT_FILES = re.compile(r"^requirements([-_.][\w.-]*)?\.(txt|in)$")


@dataclass(frozen=True)
class Declaration:
    """Where a repository names itself and its runtime dependencies."""

    source: str  # "pyproject.toml [project]", "setup.py", "setup.cfg", "[tool.poetry]"...
    name: str = ""
    requirements: tuple[str, ...] = ()  # runtime dependencies
    dynamic: bool = False  # [project] dynamic = ["dependencies"]: declared elsewhere
    extras: tuple[str, ...] = field(default=())  # optional / dev / group dependencies
    explicit: bool = False  # the dependencies key is there, even if empty (``dependencies = []``)


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    return normalize(match.group(1)) if match else ""


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(line.strip() for line in value.splitlines() if line.strip())
    if isinstance(value, list):
        return tuple(str(item) for item in value if isinstance(item, str))
    return ()


def _nested(value: Any) -> tuple[str, ...]:
    if isinstance(value, dict):
        return tuple(item for inner in value.values() for item in _nested(inner))
    return _strings(value)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def from_pyproject(data: dict[str, Any]) -> list[Declaration]:
    found = []
    project = data.get("project")
    if isinstance(project, dict):
        extras = _nested(project.get("optional-dependencies")) + _nested(
            data.get("dependency-groups")
        )
        found.append(Declaration(
            "pyproject.toml [project]", str(project.get("name") or ""),
            _strings(project.get("dependencies")),
            "dependencies" in _strings(project.get("dynamic")), extras,
            "dependencies" in project,
        ))  # fmt: skip
    poetry = data.get("tool", {}).get("poetry") if isinstance(data.get("tool"), dict) else None
    if isinstance(poetry, dict):
        deps = _dict(poetry.get("dependencies"))
        groups = _dict(poetry.get("group"))
        dev = [*poetry.get("dev-dependencies", {})] + [
            name for g in groups.values() if isinstance(g, dict) for name in g.get("dependencies", {})
        ]  # fmt: skip
        found.append(Declaration(
            "pyproject.toml [tool.poetry]", str(poetry.get("name") or ""),
            tuple(_poetry_requirement(k, v) for k, v in deps.items() if k.lower() != "python"),
            extras=tuple(map(str, dev)),
        ))  # fmt: skip
    return found


def _poetry_requirement(name: str, spec: Any) -> str:
    """``pandas = "^2.2"`` -> ``pandas (^2.2)``; ``"*"`` -> ``pandas`` (unbounded)."""
    if isinstance(spec, dict):
        if any(key in spec for key in ("git", "path", "url")):
            return f"{name} @ source"
        spec = spec.get("version", "")
    version = str(spec).strip() if isinstance(spec, str) else ""
    return f"{name} ({version})" if version and version != "*" else name


def from_setup_cfg(text: str) -> Declaration | None:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    if not parser.has_section("metadata") and not parser.has_section("options"):
        return None
    extras = (
        tuple(line for _, value in parser.items("options.extras_require") for line in _strings(value))
        if parser.has_section("options.extras_require") else ()
    )  # fmt: skip
    return Declaration(
        "setup.cfg",
        parser.get("metadata", "name", fallback=""),
        _strings(parser.get("options", "install_requires", fallback="")),
        extras=extras,
        explicit=parser.has_option("options", "install_requires"),
    )


def _literal(node: ast.expr | None, names: dict[str, ast.expr]) -> Any:
    if isinstance(node, ast.Name) and node.id in names:
        node = names[node.id]
    if node is None:
        return None
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def from_setup_py(text: str) -> Declaration | None:
    """The literal ``name`` and ``install_requires`` of a ``setup(...)`` call, never run."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    names = {
        target.id: node.value
        for node in ast.walk(tree) if isinstance(node, ast.Assign)
        for target in node.targets if isinstance(target, ast.Name)
    }  # fmt: skip
    calls = [
        node for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "setup"
    ]  # fmt: skip
    if not calls:
        return None
    keywords = {kw.arg: kw.value for kw in calls[0].keywords if kw.arg}
    name = _literal(keywords.get("name"), names)
    requires = _literal(keywords.get("install_requires"), names)
    dynamic = "install_requires" in keywords and requires is None  # read from a file at build time
    extras = _literal(keywords.get("extras_require"), names)
    return Declaration(
        "setup.py",
        name if isinstance(name, str) else "",
        _strings(requires),
        dynamic,
        _nested(extras),
    )


def requirement_files(root: Path) -> list[Path]:
    """Requirements files at the top of the repository or in its ``requirements/`` folder."""
    found = [p for p in root.iterdir() if p.is_file() and REQUIREMENT_FILES.match(p.name)]
    folder = root / "requirements"
    if folder.is_dir():
        found += [p for p in folder.iterdir() if p.is_file() and p.suffix in {".txt", ".in"}]
    return sorted(path.relative_to(root) for path in found)


def read_requirements(path: Path) -> tuple[str, ...]:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ()
    kept = (line.split(" #")[0].strip() for line in lines)
    return tuple(line for line in kept if line and not line.startswith(("#", "-")))


def declarations(root: Path, pyproject: dict[str, Any]) -> list[Declaration]:
    """Every declaration of the repository at ``root``, most authoritative first."""
    found = from_pyproject(pyproject)
    for name, reader in (("setup.cfg", from_setup_cfg), ("setup.py", from_setup_py)):
        path = root / name
        if path.is_file() and (
            declared := reader(path.read_text(encoding="utf-8", errors="replace"))
        ):
            found.append(declared)
    return found


def declared_names(root: Path, pyproject: dict[str, Any]) -> dict[str, str]:
    """Normalized distribution name -> where it is declared (runtime, extras, requirements)."""
    names: dict[str, str] = {}
    for item in declarations(root, pyproject):
        for requirement in (*item.requirements, *item.extras):
            names.setdefault(requirement_name(requirement), item.source)
    for path in requirement_files(root):
        for requirement in read_requirements(root / path):
            names.setdefault(requirement_name(requirement), str(path))
    names.pop("", None)
    return names


def is_declared(module: str, names: dict[str, str]) -> str | None:
    """Where the distribution providing ``module`` is declared, or None."""
    for candidate in (IMPORT_NAMES.get(module, ""), module):
        if candidate and normalize(candidate) in names:
            return names[normalize(candidate)]
    return None


def make_targets(path: Path) -> set[str]:
    """The targets a Makefile defines (``name:`` at the start of a line, not ``name :=``)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    return {
        target
        for names in re.findall(r"^([A-Za-z0-9_.%/ -]+?)\s*::?(?!=)", text, re.M)
        for target in names.split()
    }


def install_command(root: Path, pyproject: dict[str, Any]) -> str:
    """How this project builds its environment, from what it has (never a missing target)."""
    if "install" in make_targets(root / "Makefile"):
        return "make install"
    if (root / "uv.lock").is_file():
        return "uv sync"
    if (root / "poetry.lock").is_file() or "poetry" in pyproject.get("tool", {}):
        return "poetry install"
    if any((root / name).is_file() for name in ("pyproject.toml", "setup.py", "setup.cfg")):
        extras = pyproject.get("project", {}).get("optional-dependencies", {})
        return "pip install -e '.[dev]'" if "dev" in extras else "pip install -e ."
    requirements = requirement_files(root)
    if requirements:
        return f"pip install -r {requirements[0]}"
    return "pip install -e ."
