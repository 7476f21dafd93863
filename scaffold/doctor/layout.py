"""Packaging rules: an importable package, declared and lockable dependencies."""

from __future__ import annotations

import re

from scaffold.doctor.model import Finding, failed, passed, skipped
from scaffold.doctor.repo import Repo

LOCK_FILES = (
    "uv.lock", "poetry.lock", "pdm.lock", "pixi.lock", "conda-lock.yml",
    "requirements.lock", "requirements-lock.txt", "requirements.lock.txt",
)  # fmt: skip
# A requirement's name followed by anything that bounds it: a specifier or a direct URL.
_BOUNDED = re.compile(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?\s*(\(|[<>=!~]|@)")


def package_layout(repo: Repo) -> Finding:
    if repo.pyproject.error:
        return failed(repo.pyproject.error)
    if not repo.exists("pyproject.toml"):
        notebooks = repo.matching("*.ipynb")
        where = f"; the code lives in {len(notebooks)} notebook(s)" if notebooks else ""
        return failed(f"no pyproject.toml, so nothing is installable or importable{where}")
    if not repo.project_table.get("name"):
        return failed("pyproject.toml has no [project] name")
    if not repo.packages:
        return failed("no package folder (src/<name>/__init__.py or <name>/__init__.py)")
    names = ", ".join(str(package) for package in repo.packages)
    return passed(f"package {names} with pyproject.toml")


def dependencies_declared(repo: Repo) -> Finding:
    if "dependencies" in repo.project_table or "dependencies" in repo.project_table.get(
        "dynamic", []
    ):
        count = len(repo.project_table.get("dependencies") or [])
        return passed(f"[project].dependencies declares {count} package(s)")
    requirements = repo.matching("requirements*.txt")
    if requirements:
        return failed(f"only {requirements[0]} lists them; pyproject.toml does not")
    if not repo.exists("pyproject.toml"):
        return failed("no pyproject.toml to declare them in")
    return failed("pyproject.toml has no [project].dependencies")


def unbounded(requirements: list[str]) -> list[str]:
    """Requirements with no version specifier or URL (e.g. ``"pandas"``)."""
    return [req for req in requirements if not _BOUNDED.match(req.split(";")[0])]


def dependencies_lockable(repo: Repo) -> Finding:
    locks = [name for name in LOCK_FILES if repo.exists(name)]
    if locks:
        return passed(f"{locks[0]} pins the environment")
    requirements = repo.project_table.get("dependencies")
    if not isinstance(requirements, list) or not requirements:
        return skipped("no dependencies declared in pyproject.toml")
    loose = unbounded([str(req) for req in requirements])
    if loose:
        shown = ", ".join(loose[:5]) + (" ..." if len(loose) > 5 else "")
        return failed(f"no lock file and {len(loose)} unbounded dependencies: {shown}")
    return passed(f"all {len(requirements)} dependencies have version bounds")
