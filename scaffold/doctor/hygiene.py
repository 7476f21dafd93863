"""Repository hygiene: pre-commit hooks, stripped notebooks, no .env in version control,
README and CONTRIBUTING."""

from __future__ import annotations

import re
from pathlib import Path

from scaffold.doctor.model import Finding, failed, passed, skipped
from scaffold.doctor.repo import Repo

PRE_COMMIT_FILE = ".pre-commit-config.yaml"
FORMATTER_HOOKS = frozenset({"ruff-format", "black", "black-jupyter"})
LEFTHOOK_FILES = ("lefthook.yml", "lefthook.yaml", ".lefthook.yml", ".lefthook.yaml")
FORMATTER_COMMANDS = {
    "ruff format": re.compile(r"ruff[ -]format"),
    "black": re.compile(r"(?<![\w-])black(?![\w-])"),
}
# .env variants meant to be committed: they document the variables, without values.
ENV_TEMPLATES = frozenset({"example", "sample", "template", "dist", "defaults"})
SECRET_KEY = re.compile(
    r"(?i)(secret|passw(or)?d|\bpwd|token|api_?key|access_?key|private|credential|auth|_key$|dsn)"
)
URL_PASSWORD = re.compile(r"://[^:/\s@]+:[^@/\s]+@")
PLACEHOLDER_VALUE = re.compile(
    r"(?i)^(\$\{?\w+\}?|<.*>|x+|\*+|\.\.\.|changeme|change_me|todo|none|null|your[-_].*|replace[-_]?me)$"
)


def other_hook_manager(repo: Repo) -> tuple[str, str] | None:
    """(manager, the text of its hooks) for lefthook or husky, when the repo uses one."""
    for name in LEFTHOOK_FILES:
        if repo.exists(name):
            return f"lefthook ({name})", repo.text(name)
    husky = [p for p in repo.files if len(p.parts) == 2 and p.parts[0] == ".husky"]
    if husky:
        return "husky (.husky/)", "\n".join(repo.text(p) for p in husky)
    return None


def needs_nbstripout(repo: Repo) -> bool:
    """Notebooks are committed and no nbstripout git filter (.gitattributes) strips them."""
    return bool(repo.matching("*.ipynb")) and "nbstripout" not in repo.text(".gitattributes")


def hook_text_finding(repo: Repo, manager: str, text: str) -> Finding:
    lacking = []
    if needs_nbstripout(repo) and "nbstripout" not in text:
        lacking.append("nbstripout")
    formatters = [tool for tool, pattern in FORMATTER_COMMANDS.items() if pattern.search(text)]
    if not formatters:
        lacking.append("a formatter (ruff format or black)")
    if lacking:
        config = manager.split("(")[1].rstrip(")")
        return failed(
            f"{manager} hooks lack {' and '.join(lacking)}",
            f"add to {config} a pre-commit command for each: `nbstripout {{staged_files}}`, "
            "`ruff format {staged_files}` (or black)",
        )
    return passed(
        f"{manager} runs {' and '.join(['nbstripout'] * ('nbstripout' in text) + formatters)}"
    )


def pre_commit_config(repo: Repo) -> Finding:
    from scaffold.checks.project import pre_commit_hooks

    if not repo.exists(PRE_COMMIT_FILE):
        if other := other_hook_manager(repo):
            return hook_text_finding(repo, *other)
        return failed(f"no {PRE_COMMIT_FILE} (nor lefthook.yml or .husky/)")
    hooks = pre_commit_hooks(repo.root)
    if not hooks:
        return failed(f"{PRE_COMMIT_FILE} has no hooks (or is not valid YAML)")
    missing = []
    if "nbstripout" not in hooks and needs_nbstripout(repo):
        missing.append("nbstripout")
    if not hooks & FORMATTER_HOOKS:
        missing.append("a formatter (ruff-format or black)")
    if missing:
        return failed(f"{PRE_COMMIT_FILE} lacks {' and '.join(missing)}")
    formatter = sorted(hooks & FORMATTER_HOOKS)[0]
    with_nbstripout = "nbstripout and " if "nbstripout" in hooks else ""
    return passed(f"{len(hooks)} hooks, including {with_nbstripout}{formatter}")


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


def secret_values(text: str, path: Path) -> list[str]:
    """The keys of a .env file whose values look like secrets (never the values): a key
    named like a credential with a real value, a known token format, or a URL with a
    password. Comments, empty values, placeholders and ``${REFERENCES}`` are no evidence."""
    from scaffold.doctor.secrets import scan_text

    found = []
    for line in text.splitlines():
        key, sep, value = line.strip().removeprefix("export ").partition("=")
        value = value.split(" #")[0].strip().strip("'\"")
        if not sep or key.startswith("#") or not value or PLACEHOLDER_VALUE.match(value):
            continue
        named = SECRET_KEY.search(key)
        if named or scan_text(value, path) or URL_PASSWORD.search(value):
            found.append(key.strip())
    return found


def env_evidence(repo: Repo, paths: list[Path]) -> dict[Path, list[str]]:
    """Each .env file with secret-looking values, and their keys."""
    found = {path: secret_values(repo.text(path), path) for path in paths}
    return {path: keys for path, keys in found.items() if keys}


def harmless(repo: Repo, paths: list[Path]) -> str:
    """What the .env files hold instead of secrets, for the pass reason."""
    keys = sorted({
        line.strip().removeprefix("export ").partition("=")[0].strip()
        for path in paths for line in repo.text(path).splitlines()
        if "=" in line and not line.strip().startswith("#")
    })  # fmt: skip
    return f"only {', '.join(keys[:5])}" if keys else "only comments"


def env_not_committed(repo: Repo) -> Finding:
    env_files = [path for path in repo.files if is_env_file(path)]
    if not env_files:
        return passed("no .env file in version control")
    evidence = env_evidence(repo, env_files)
    if not evidence:
        names = ", ".join(map(str, env_files[:5]))
        return passed(f"{names} holds no secret-looking values ({harmless(repo, env_files)})")
    shown = "; ".join(f"{path} sets {', '.join(keys[:3])}" for path, keys in evidence.items())
    if not repo.is_git:
        return failed(
            f"{shown}, and this is not a git repository: nothing ignores it",
            "add .env to .gitignore before `git init`, and commit a .env.example without values",
        )
    committed = [p for p in evidence if p in (repo.committed or ())]
    if committed:
        return failed(f"committed to git: {shown}")
    return failed(f"not git-ignored: {shown}; the next `git add -A` commits it")


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
    """Merge or update conflicts resolved, not committed with their markers (a Markdown
    how-to quoting them in a fenced code block is not a conflict, as for scaffold update)."""
    from scaffold.updating.conflicts import has_markers

    marked = [
        str(path)
        for path in repo.files
        if b"<<<<<<<" in (repo.data(path) or b"") and has_markers(repo.root / path, quotes=True)
    ]
    if marked:
        return failed(f"conflict markers in {', '.join(marked[:5])}")
    return passed("no conflict markers")
