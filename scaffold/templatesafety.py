"""What an untrusted template may not do: run code, read files outside itself.

Without ``--trust`` scaffold refuses cookiecutter ``_extensions``, renders cookiecutter's Jinja
in a sandbox (copier's is sandboxed already), refuses symlinks that lead out of the template
or the project, and runs git in a template folder with its repository-configured executables
(``core.fsmonitor``, hooks) switched off.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from scaffold.errors import ScaffoldError

TRUST_HINT = "pass --trust if you trust the template"
# Extensions that ship with cookiecutter and Jinja: no code from the template.
_OWN_EXTENSIONS = ("cookiecutter.extensions.", "jinja2.ext.", "jinja2_time.")
# Repository settings git turns into a command even for ``status`` or ``clone``.
NEUTRAL_GIT_CONFIG = {
    "core.fsmonitor": "false",
    "core.hooksPath": "/dev/null",
    "core.alternateRefsCommand": "",
    "protocol.ext.allow": "never",
}
# Settings that run a command and cannot be switched off by name: refused instead.
_RISKY_GIT_KEYS = re.compile(
    r"^(filter\..+\.(clean|smudge|process)|diff\..+\.(textconv|command)|diff\.external"
    r"|merge\..+\.driver|include\.path|includeif\..+\.path|core\.(sshcommand|gitproxy|pager"
    r"|editor|askpass)|credential\..*helper|gpg\.(.+\.)?program|sequence\.editor"
    r"|uploadpack\.packobjectshook)$"
)


def check_cookiecutter(template: Path, trust: bool) -> None:
    """Refuse a cookiecutter template that imports its own code, unless trusted."""
    if trust:
        return
    context = cookiecutter_json(template)
    extensions = context.get("_extensions") or []
    if not isinstance(extensions, list):
        raise ScaffoldError(f"{template / 'cookiecutter.json'}: _extensions must be a list")
    foreign = [str(e) for e in extensions if not str(e).startswith(_OWN_EXTENSIONS)]
    if foreign:
        raise ScaffoldError(
            f"the template loads Jinja extensions of its own ({', '.join(foreign)}), which run "
            f"its Python code; {TRUST_HINT}"
        )


def cookiecutter_json(template: Path) -> dict[str, Any]:
    from scaffold import readers

    path = template / "cookiecutter.json"
    context = readers.load_json(path, "template file")
    if not isinstance(context, dict):
        raise ScaffoldError(f"cannot read template file {path}: expected a JSON object")
    return context


@contextmanager
def sandboxed_cookiecutter(trust: bool) -> Iterator[None]:
    """Cookiecutter's Jinja (defaults, file names, file contents) in Jinja's sandbox."""
    if trust:
        yield
        return
    from cookiecutter import utils
    from cookiecutter.environment import StrictEnvironment
    from jinja2.sandbox import SandboxedEnvironment

    class SandboxedStrictEnvironment(SandboxedEnvironment, StrictEnvironment):  # type: ignore[misc]
        pass

    original = utils.StrictEnvironment
    utils.StrictEnvironment = SandboxedStrictEnvironment
    try:
        yield
    finally:
        utils.StrictEnvironment = original


def unsafe_jinja(exc: BaseException) -> ScaffoldError | None:
    """The one-line refusal when ``exc`` (or its cause) is the sandbox stopping the template."""
    from jinja2.exceptions import SecurityError

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, SecurityError):
            return ScaffoldError(
                f"the template's Jinja tried to reach Python internals ({seen}); it was "
                f"rendered in a sandbox and stopped; {TRUST_HINT}"
            )
        seen = seen.__cause__ or seen.__context__
    return None


def outward_symlinks(root: Path) -> list[str]:
    """Symlinks under ``root`` that lead outside it (relative paths)."""
    base = root.resolve()
    found = []
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            path = Path(folder) / name
            if not path.is_symlink():
                continue
            target = Path(folder, os.readlink(path))
            resolved = Path(os.path.normpath(target)) if not target.exists() else target.resolve()
            if not resolved.is_relative_to(base) and not resolved.is_relative_to(root):
                found.append(path.relative_to(root).as_posix())
    return sorted(found)


def check_symlinks(root: Path, what: str) -> None:
    if links := outward_symlinks(root):
        raise ScaffoldError(
            f"{what} has symlinks that lead outside it ({', '.join(links[:5])}); scaffold "
            "does not copy files from elsewhere on this machine into a project"
        )


def git_dir(folder: Path) -> Path | None:
    """The git folder of the repository ``folder`` is in (without running git)."""
    for candidate in [folder, *folder.parents]:
        dot_git = candidate / ".git"
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():
            text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            if text.startswith("gitdir:"):
                return (candidate / text.removeprefix("gitdir:").strip()).resolve()
    return None


def risky_git_config(folder: Path) -> list[str]:
    """Settings in the repository's own config files that would run a command."""
    import configparser

    repo = git_dir(folder)
    if repo is None:
        return []
    found: list[str] = []
    for name in ("config", "config.worktree"):
        parser = configparser.RawConfigParser(strict=False)
        try:
            parser.read_string((repo / name).read_text(encoding="utf-8", errors="replace"))
        except FileNotFoundError:
            continue
        except configparser.Error:
            found.append(f"{name} (unreadable)")
            continue
        for section in parser.sections():
            for key in parser.options(section):
                dotted = _dotted(section, key)
                if _RISKY_GIT_KEYS.match(dotted):
                    found.append(dotted)
    return found


def _dotted(section: str, key: str) -> str:
    """``[filter "x"]`` + ``clean`` -> ``filter.x.clean`` (lowercased where git ignores case)."""
    match = re.match(r'^(\S+)\s+"(.*)"$', section)
    if match:
        return f"{match.group(1).lower()}.{match.group(2)}.{key.lower()}"
    return f"{section.lower()}.{key.lower()}"


def check_template_git(folder: Path, trust: bool) -> None:
    if trust:
        return
    if risky := risky_git_config(folder):
        raise ScaffoldError(
            f"the template's git repository sets {', '.join(risky)}, which runs a command "
            f"when git reads the template; {TRUST_HINT}"
        )


def neutral_git_env(base: dict[str, str]) -> dict[str, str]:
    """``base`` plus git settings (command-line strength) that switch off repository-set
    executables for every git command run with this environment."""
    env = dict(base)
    count = int(env.get("GIT_CONFIG_COUNT", "0") or 0)
    for offset, (key, value) in enumerate(NEUTRAL_GIT_CONFIG.items()):
        env[f"GIT_CONFIG_KEY_{count + offset}"] = key
        env[f"GIT_CONFIG_VALUE_{count + offset}"] = value
    env["GIT_CONFIG_COUNT"] = str(count + len(NEUTRAL_GIT_CONFIG))
    return env


@contextmanager
def neutral_git(trust: bool) -> Iterator[None]:
    """Every git process started meanwhile (by scaffold, copier or plumbum) runs neutralised."""
    if trust:
        yield
        return
    from plumbum import local

    saved = dict(os.environ)
    added = {k: v for k, v in neutral_git_env(saved).items() if saved.get(k) != v}
    os.environ.update(added)
    try:
        with local.env(**added):
            yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
