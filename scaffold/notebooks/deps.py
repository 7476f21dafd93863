"""What the moved code imports that the project cannot provide: a helper file next to the
notebook (``from densenet import DenseNet``) or a package the project does not declare."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from functools import cache, lru_cache
from pathlib import Path

from scaffold.notebooks.analysis import Analysis

# Import names whose distribution is named otherwise (the common ones in notebooks).
_DISTRIBUTIONS = {
    "sklearn": "scikit-learn",
    "skimage": "scikit-image",
    "cv2": "opencv-python",
    "PIL": "pillow",
    "yaml": "pyyaml",
    "bs4": "beautifulsoup4",
    "dateutil": "python-dateutil",
    "dotenv": "python-dotenv",
    "jwt": "pyjwt",
    "google": "google-cloud",
    "attr": "attrs",
}


def import_warnings(
    analysis: Analysis, notebook: Path, root: Path, packages: set[str]
) -> list[str]:
    """One line per problem, each with its fix."""
    tops = _imported_tops(analysis)
    declared = declared_distributions(root)
    found = []
    for top in sorted(tops - set(sys.stdlib_module_names) - packages - {"__future__"}):
        helper = _helper_file(notebook.parent, top)
        if helper is not None:
            found.append(
                f"the moved code imports `{top}` from {helper.name} next to the notebook, "
                f"which the package cannot import: move {helper.name} into src/ and import "
                "it from the package"
            )
        elif _normalise(_DISTRIBUTIONS.get(top, top)) not in declared and not _provided(
            top, declared
        ):
            dist = _DISTRIBUTIONS.get(top, top)
            found.append(
                f"the moved code imports `{top}`, which the project does not declare: "
                f"uv add {dist} (or add {dist!r} to [project] dependencies in pyproject.toml)"
            )
    relative = sorted(_relative_imports(analysis))
    for module in relative:
        found.append(
            f"the moved code has a relative import (`{module}`), which means something else "
            "in the package: import it by its package name"
        )
    return found


def _imported_tops(analysis: Analysis) -> set[str]:
    tops: set[str] = set()
    for item, _ in analysis.imports:
        node = item.node
        if isinstance(node, ast.Import):
            tops.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            tops.add(node.module.split(".")[0])
    return tops


def _relative_imports(analysis: Analysis) -> set[str]:
    return {
        ast.unparse(item.node)
        for item, _ in analysis.imports
        if isinstance(item.node, ast.ImportFrom) and item.node.level > 0
    }


def _helper_file(folder: Path, top: str) -> Path | None:
    for candidate in (folder / f"{top}.py", folder / top / "__init__.py"):
        if candidate.is_file():
            return candidate if candidate.name != "__init__.py" else candidate.parent
    return None


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared_distributions(root: Path) -> set[str]:
    """Distribution names in pyproject.toml: dependencies, optional ones, dependency groups."""
    try:
        text = (root / "pyproject.toml").read_text(encoding="utf-8")
    except OSError:
        return set()
    return set(_declared_in(text))


@lru_cache(maxsize=8)
def _declared_in(text: str) -> frozenset[str]:
    """The names ``declared_distributions`` finds in a pyproject.toml's text (parsed once
    for a folder of notebooks)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return frozenset()
    project = data.get("project", {})
    requirements = list(project.get("dependencies", []))
    for group in (project.get("optional-dependencies", {}), data.get("dependency-groups", {})):
        for values in group.values():
            requirements += [v for v in values if isinstance(v, str)]
    names = {_normalise(re.split(r"[\s<>=!~;\[(@]", r, maxsplit=1)[0]) for r in requirements}
    return frozenset(names | {_normalise(str(project.get("name", "")))})


def _provided(top: str, declared: set[str]) -> bool:
    """True when an installed declared distribution provides the import ``top``."""
    return any(_normalise(d) in declared for d in _installed().get(top, []))


@cache
def _installed() -> dict[str, list[str]]:
    from importlib.metadata import packages_distributions

    return dict(packages_distributions())
