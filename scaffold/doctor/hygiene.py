"""Repository hygiene: pre-commit hooks, stripped notebooks, no .env in version control,
README and CONTRIBUTING."""

from __future__ import annotations

from pathlib import Path

from scaffold.doctor.model import Finding, failed, passed, skipped
from scaffold.doctor.repo import Repo

PRE_COMMIT_FILE = ".pre-commit-config.yaml"
FORMATTER_HOOKS = frozenset({"ruff-format", "black", "black-jupyter"})
# .env variants meant to be committed: they document the variables, without values.
ENV_TEMPLATES = frozenset({"example", "sample", "template", "dist", "defaults"})


def pre_commit_config(repo: Repo) -> Finding:
    from scaffold.checks.project import pre_commit_hooks

    if not repo.exists(PRE_COMMIT_FILE):
        return failed(f"no {PRE_COMMIT_FILE}")
    hooks = pre_commit_hooks(repo.root)
    if not hooks:
        return failed(f"{PRE_COMMIT_FILE} has no hooks (or is not valid YAML)")
    missing = []
    if "nbstripout" not in hooks:
        missing.append("nbstripout")
    if not hooks & FORMATTER_HOOKS:
        missing.append("a formatter (ruff-format or black)")
    if missing:
        return failed(f"{PRE_COMMIT_FILE} lacks {' and '.join(missing)}")
    formatter = sorted(hooks & FORMATTER_HOOKS)[0]
    return passed(f"{len(hooks)} hooks, including nbstripout and {formatter}")


def notebooks_stripped(repo: Repo) -> Finding:
    from scaffold.checks.notebooks import (
        NotebookError,
        cells_with_outputs,
        load,
        stripped_by_git_filter,
    )

    notebooks = repo.matching("*.ipynb")
    if not notebooks:
        return skipped("no notebooks")
    filtered = stripped_by_git_filter(repo.root, notebooks)
    dirty: list[str] = []
    unreadable = 0
    for path in notebooks:
        if path in filtered:
            continue
        try:
            cells = cells_with_outputs(load(repo.root / path))
        except NotebookError:
            unreadable += 1
            continue
        if cells:
            dirty.append(f"{path} ({cells} {'cell' if cells == 1 else 'cells'})")
    note = f"; {unreadable} unreadable, not checked" if unreadable else ""
    if dirty:
        return failed(f"outputs committed in {', '.join(dirty[:5])}{note}")
    return passed(f"{len(notebooks) - unreadable} notebook(s) without outputs{note}")


def is_env_file(path: Path) -> bool:
    """``.env`` and ``.env.prod``, not ``.env.example`` (nor ``.env.example.jinja``)."""
    if path.name == ".env":
        return True
    if not path.name.startswith(".env."):
        return False
    return not ENV_TEMPLATES.intersection(path.name.split(".")[2:])


def env_not_committed(repo: Repo) -> Finding:
    env_files = [path for path in repo.files if is_env_file(path)]
    if not env_files:
        return passed("no .env file in version control")
    names = ", ".join(map(str, env_files[:5]))
    if not repo.is_git:
        return failed(
            f"{names} present and this is not a git repository: nothing ignores it",
            "add .env to .gitignore before `git init`, and commit a .env.example without values",
        )
    committed = [p for p in env_files if p in (repo.committed or ())]
    if committed:
        return failed(f"{', '.join(map(str, committed[:5]))} committed to git")
    return failed(f"{names} not git-ignored: the next `git add -A` commits it")


def readme_present(repo: Repo) -> Finding:
    found = [p for p in repo.files if len(p.parts) == 1 and p.stem.upper() == "README"]
    return passed(str(found[0])) if found else failed("no README at the top of the repository")


def contributing_present(repo: Repo) -> Finding:
    found = [
        p for p in repo.files
        if p.stem.upper() == "CONTRIBUTING" and (len(p.parts) == 1 or p.parts[0] in {"docs", ".github"})
    ]  # fmt: skip
    return passed(str(found[0])) if found else failed("no CONTRIBUTING (the ways of working)")


def no_conflict_markers(repo: Repo) -> Finding:
    """Merge or update conflicts resolved, not committed with their markers."""
    from scaffold.updating.conflicts import has_markers

    marked = [str(path) for path in repo.files if has_markers(repo.root / path)]
    if marked:
        return failed(f"conflict markers in {', '.join(marked[:5])}")
    return passed("no conflict markers")
