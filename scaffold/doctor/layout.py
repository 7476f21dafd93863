"""Packaging rules: an importable package, declared and lockable dependencies."""

from __future__ import annotations

import re
from pathlib import Path

from scaffold.checks.declared import (
    Declaration,
    declarations,
    read_requirements,
    requirement_files,
)
from scaffold.doctor.model import Finding, failed, passed, skipped
from scaffold.doctor.repo import NOT_PACKAGES, Repo

LOCK_FILES = (
    "uv.lock", "poetry.lock", "pdm.lock", "pixi.lock", "conda-lock.yml",
    "requirements.lock", "requirements-lock.txt", "requirements.lock.txt",
)  # fmt: skip
_PINNED = re.compile(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?\s*(===?[^,*]+$|@)")
# A requirement's name followed by anything that bounds it: a specifier or a direct URL.
_BOUNDED = re.compile(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?\s*(\(|[<>=!~]|@)")


PACKAGING_FILES = ("pyproject.toml", "setup.py", "setup.cfg")


def declared(repo: Repo) -> list[Declaration]:
    """The repository's declarations (PEP 621, Poetry, setup.cfg, setup.py), read once."""
    return repo.shared("layout.declarations", lambda: declarations(repo.root, repo.pyproject.data))


def subprojects(repo: Repo) -> list[Path]:
    """Folders below the top holding their own pyproject.toml or setup.py: a monorepo."""
    found = {
        path.parent for path in repo.files
        if path.name in ("pyproject.toml", "setup.py") and 1 < len(path.parts) <= 4
        and not NOT_PACKAGES.intersection(path.parts[:-1])
    }  # fmt: skip
    return sorted(found)


def without_packaging(repo: Repo) -> Finding:
    """Why a repository with no pyproject.toml, setup.py or setup.cfg at its top fails."""
    if projects := subprojects(repo):
        names = ", ".join(str(path) for path in projects[:5])
        return passed(f"a monorepo of {len(projects)} projects ({names}); audit each with doctor")
    if repo.packages:
        names = ", ".join(str(package) for package in repo.packages)
        return failed(f"package {names}, but no pyproject.toml (or setup.py) makes it installable")
    scripts = [p for p in repo.matching("*.py") if len(p.parts) == 1]
    notebooks = repo.matching("*.ipynb")
    where = [f"{len(scripts)} top-level script(s)"] * bool(scripts)
    where += [f"{len(notebooks)} notebook(s)"] * bool(notebooks)
    lives = f"; the code lives in {' and '.join(where)}" if where else ""
    return failed(f"no pyproject.toml, so nothing is installable or importable{lives}")


TEMPLATE_FILES = ("cookiecutter.json", "copier.yml", "copier.yaml")


def template_repository(repo: Repo) -> Finding | None:
    """A skip for the packaging rules in a cookiecutter/copier template repository: its
    project is the template folder, rendered; the repository itself is not a package."""
    if repo.exists("pyproject.toml") or repo.exists("setup.py"):
        return None
    marker = next((name for name in TEMPLATE_FILES if repo.exists(name)), None)
    if marker is None:
        return None
    folders = {p.parts[0] for p in repo.all_files if p not in repo.files}
    inside = f"; the project is {sorted(folders)[0]}/" if folders else ""
    return skipped(f"a template repository ({marker}){inside}: audit a project rendered from it")


def package_layout(repo: Repo) -> Finding:
    if template := template_repository(repo):
        return template
    if repo.pyproject.error:
        return failed(repo.pyproject.error)
    if not any(repo.exists(name) for name in PACKAGING_FILES):
        return without_packaging(repo)
    found = declared(repo)
    named = [item for item in found if item.name]
    if not named and not repo.exists("setup.py"):  # setup.py may compute its name
        return failed("pyproject.toml has no [project] name (nor [tool.poetry] or setup.cfg name)")
    if not repo.packages:
        return failed("no package folder (src/<name>/__init__.py or <name>/__init__.py)")
    names = ", ".join(str(package) for package in repo.packages)
    source = named[0].source if named else "setup.py"
    return passed(f"package {names}, declared in {source}")


def monorepo_dependencies(repo: Repo, projects: list[Path]) -> Finding:
    """Each project of a monorepo declares its own dependencies."""
    from scaffold.doctor.repo import read_pyproject

    def declares(folder: Path) -> bool:
        found = declarations(folder, read_pyproject(folder).data)
        return any(item.requirements or item.dynamic or item.explicit for item in found)

    undeclared = [str(path) for path in projects if not declares(repo.root / path)]
    if undeclared:
        return failed(f"a monorepo whose projects {', '.join(undeclared[:5])} declare none")
    return passed(f"a monorepo: each of its {len(projects)} projects declares its own")


def dependencies_declared(repo: Repo) -> Finding:
    if template := template_repository(repo):
        return template
    found = declared(repo)
    for item in found:
        if item.requirements or item.dynamic:
            how = "reads them at build time" if item.dynamic else (
                f"declares {len(item.requirements)} package(s)")  # fmt: skip
            return passed(f"{item.source} {how}")
    for item in found:
        if item.source == "pyproject.toml [tool.poetry]" or item.explicit:
            return passed(f"{item.source} declares no runtime dependencies")
    requirements = requirement_files(repo.root)
    if requirements and found:
        return failed(f"only {requirements[0]} lists them; {found[0].source} does not")
    if requirements:
        return failed(f"only {requirements[0]} lists them; there is no pyproject.toml")
    if projects := subprojects(repo):
        return monorepo_dependencies(repo, projects)
    if not found:
        return failed("no pyproject.toml to declare them in")
    return failed(f"{found[0].source} declares no dependencies")


def unbounded(requirements: list[str]) -> list[str]:
    """Requirements with no version specifier or URL (e.g. ``"pandas"``)."""
    return [req for req in requirements if not _BOUNDED.match(req.split(";")[0])]


def pinned_requirements(repo: Repo) -> str | None:
    """A top-level requirements file pinning every package exactly: a lock in all but name."""
    for path in requirement_files(repo.root):
        lines = read_requirements(repo.root / path)
        if lines and all(_PINNED.match(line.split(";")[0]) for line in lines):
            return str(path)
    return None


def dependencies_lockable(repo: Repo) -> Finding:
    locks = [name for name in LOCK_FILES if repo.exists(name)]
    if locks:
        return passed(f"{locks[0]} pins the environment")
    if pinned := pinned_requirements(repo):
        return passed(f"{pinned} pins every package (==), as pip-compile writes it")
    requirements = next((item.requirements for item in declared(repo) if item.requirements), ())
    if not requirements:
        return skipped("no dependencies declared")
    loose = unbounded(list(requirements))
    if loose:
        shown = ", ".join(loose[:5]) + (" ..." if len(loose) > 5 else "")
        return failed(f"no lock file and {len(loose)} unbounded dependencies: {shown}")
    return passed(f"all {len(requirements)} dependencies have version bounds")
