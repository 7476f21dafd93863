"""Validation and derivation of project and package names.

The same rules are mirrored by the validators in ``template/copier.yml`` so a raw
``copier copy`` refuses the same names; scaffold checks first to fail before rendering.
"""

from __future__ import annotations

import keyword
import re
import sys

from scaffold.errors import ScaffoldError

_DIST_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$")
_PACKAGE_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
# Names that would shadow something the generated project itself imports.
_RESERVED = {
    "test",
    "tests",
    "src",
    "scaffold",
    "sklearn",
    "numpy",
    "pandas",
    "fastapi",
    "pydantic",
}


def slugify(project_name: str) -> str:
    """'My Churn Model' -> 'my-churn-model' (a valid distribution name)."""
    return re.sub(r"[^a-z0-9]+", "-", project_name.strip().lower()).strip("-")


def package_from(project_name: str) -> str:
    """'My Churn Model' -> 'my_churn_model' (may still be invalid, e.g. a leading digit)."""
    return slugify(project_name).replace("-", "_")


def project_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a project name, or None when it can."""
    if not name.strip():
        return "the project name is empty"
    if any(sep in name for sep in ("/", "\\")) or name.strip() in {".", ".."}:
        return f"the project name {name!r} contains a path separator"
    if not slugify(name):
        return f"the project name {name!r} has no letters or digits"
    return None


def package_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be the import name of the generated package, or None."""
    if not name:
        return "the package name is empty"
    if name[0].isdigit():
        return f"the package name {name!r} starts with a digit"
    if not _PACKAGE_NAME.match(name):
        return f"the package name {name!r} must be lowercase letters, digits and underscores"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return f"the package name {name!r} is a Python keyword"
    if name in sys.stdlib_module_names or name in _RESERVED:
        return f"the package name {name!r} would shadow the module of the same name"
    return None


def check_names(project_name: str | None, package_name: str | None) -> None:
    """Raise ScaffoldError for the first invalid name given (None means: not given)."""
    if project_name is not None and (problem := project_name_problem(project_name)):
        raise ScaffoldError(f"{problem}; choose another with --data project_name=...")
    if package_name is not None and (problem := package_name_problem(package_name)):
        raise ScaffoldError(f"{problem}; choose another with --data package_name=...")


def is_dist_name(name: str) -> bool:
    return bool(_DIST_NAME.match(name))
