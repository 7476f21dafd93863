"""Rendering a template (copier, or cookiecutter when it has ``cookiecutter.json``) atomically.

Everything is rendered into a temporary folder beside the destination, then moved in, so a
failure or Ctrl-C never leaves a half-written project behind.
"""

from __future__ import annotations

import errno
import os
import subprocess
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffold import fileio
from scaffold.errors import ScaffoldError
from scaffold.gitops import NO_PROMPT, failure_reason
from scaffold.questions import (
    COPIER_FILES,
    Engine,
    check_answer_keys,
    check_answer_values,
    check_preset,
)

_URL_PREFIXES = ("http://", "https://", "git@", "git+", "ssh://", "file://", "gh:", "gl:")


_ALIASES = {"gh:": "https://github.com/", "gl:": "https://gitlab.com/"}
# Sources copier itself reads as git repositories; others need an explicit ``git+``.
_COPIER_GIT_PREFIXES = ("git@", "git://", "git+", "https://github.com/", "https://gitlab.com/")


def is_url(source: str) -> bool:
    return source.startswith(_URL_PREFIXES) or source.endswith(".git")


def clone_url(source: str) -> str:
    """What ``git clone`` takes: ``gh:``/``gl:`` shorthands expanded, ``git+`` dropped."""
    for alias, base in _ALIASES.items():
        if source.startswith(alias):
            path = source.removeprefix(alias).lstrip("/")
            return base + (path if path.endswith(".git") else f"{path}.git")
    return source.removeprefix("git+")


def copier_url(source: str) -> str:
    """The URL as copier reads it as a git repository (and records it in the answers)."""
    if source.startswith(tuple(_ALIASES)) or source.startswith(_COPIER_GIT_PREFIXES):
        return source
    if source.endswith(".git") and not source.startswith("file://"):
        return source
    return f"git+{source}"


@dataclass(frozen=True)
class RenderRequest:
    source: str
    dest: Path
    data: Mapping[str, Any] = field(default_factory=dict)
    # Proposed answers: used as is with --defaults, offered as the default when prompting.
    user_defaults: Mapping[str, Any] = field(default_factory=dict)
    defaults: bool = False
    vcs_ref: str | None = None
    trust: bool = False
    force: bool = False
    overwrite: bool = False
    # The first commit's message: git init and commit before the project is moved in.
    commit: str | None = None


@dataclass(frozen=True)
class RenderResult:
    dest: Path
    engine: Engine
    answers: dict[str, Any]
    skipped: list[str]  # existing files kept because --overwrite was not given
    # The files written into a folder that already had files (--force); None when the whole
    # folder is the new project.
    written: list[str] | None = None
    commit: str | None = None  # the first commit's short id


def detect_engine(template_dir: Path) -> Engine:
    if any((template_dir / name).is_file() for name in COPIER_FILES):
        return "copier"
    if (template_dir / "cookiecutter.json").is_file():
        return "cookiecutter"
    raise ScaffoldError(
        f"{template_dir} is not a template: it has neither copier.yml nor cookiecutter.json"
    )


def check_destination(dest: Path, force: bool) -> None:
    if dest.exists() and not dest.is_dir():
        raise ScaffoldError(f"destination {dest} exists and is not a folder")
    if dest.is_dir() and any(dest.iterdir()) and not force:
        raise ScaffoldError(
            f"destination {dest} is not empty; choose a new folder, or pass --force to add "
            "the project to it (existing files are kept unless --overwrite)"
        )
    # Refuse now what would fail after rendering: a parent that is a file, or not writable.
    ancestor = dest if dest.exists() else dest.parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise ScaffoldError(f"cannot create {dest}: {ancestor} is a file, not a folder")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise ScaffoldError(f"cannot create {dest}: {ancestor} is not writable")


@contextmanager
def _cloned(source: str, vcs_ref: str | None) -> Iterator[Path]:
    """A local checkout of a git URL, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="scaffold-clone-") as tmp:
        depth = [] if vcs_ref else ["--depth", "1"]
        args = ["git", "clone", "--quiet", *depth, "--", clone_url(source), tmp]
        env = {**os.environ, **NO_PROMPT}
        result = subprocess.run(args, capture_output=True, text=True, check=False, env=env)
        if result.returncode != 0:
            reason = failure_reason(result.stderr, "git failed")
            raise ScaffoldError(f"cannot clone template {source}: {reason}")
        if vcs_ref:
            checkout = subprocess.run(
                ["git", "checkout", "--quiet", vcs_ref], cwd=tmp, capture_output=True, text=True
            )
            if checkout.returncode != 0:
                raise ScaffoldError(f"template {source} has no ref {vcs_ref!r}")
        yield Path(tmp)


@contextmanager
def local_template(source: str, vcs_ref: str | None) -> Iterator[Path]:
    if is_url(source):
        with _cloned(source, vcs_ref) as path:
            yield path
        return
    from scaffold.readers import expand_user

    path = expand_user(source, "template")
    if not path.is_dir():
        raise ScaffoldError(f"template not found: {source} is not a folder or a git URL")
    if vcs_ref and not any((path / name).is_file() for name in COPIER_FILES):
        # copier checks a ref out itself; cookiecutter renders whatever is on disk.
        from scaffold.gitops import is_work_tree

        if not is_work_tree(path):
            raise ScaffoldError(f"--vcs-ref {vcs_ref} needs a git repository; {source} is not one")
        with _cloned(str(path.resolve()), vcs_ref) as checkout:
            yield checkout
        return
    yield path.resolve()


def _render_copier(request: RenderRequest, source: str, target: Path) -> dict[str, Any]:
    import copier
    from copier.errors import UnsafeTemplateError

    from scaffold import readers

    with warnings.catch_warnings(record=True) as caught:
        try:
            copier.run_copy(
                source,
                target,
                data=dict(request.data),
                user_defaults=dict(request.user_defaults),
                defaults=request.defaults,
                vcs_ref=request.vcs_ref,
                unsafe=request.trust,
                quiet=True,
                cleanup_on_error=False,
            )
        except UnsafeTemplateError as exc:
            features = str(exc).split(":", 1)[-1].splitlines()[0].strip().rstrip(".")
            raise ScaffoldError(
                f"the template uses features that run code ({features}); "
                "pass --trust if you trust the template"
            ) from exc
    _show_warnings(caught)
    answers_file = target / ".copier-answers.yml"
    if not answers_file.is_file():
        return dict(request.data)
    return dict(readers.mapping(readers.load_yaml(answers_file, "answers"), answers_file))


def _show_warnings(caught: list[warnings.WarningMessage]) -> None:
    """Copier's warnings as one plain line each (its dirty-template one names a temp path)."""
    from copier.errors import DirtyLocalWarning

    from scaffold.console import err

    for warning in caught:
        if issubclass(warning.category, DirtyLocalWarning):
            text = "the template folder has uncommitted changes; they were included"
        else:
            text = str(warning.message).splitlines()[0]
        err().print(f"[yellow]warning:[/] {text}", highlight=False)


def _cookiecutter_defaults(template: Path, proposed: Mapping[str, Any]) -> dict[str, Any]:
    """scaffold's proposed answers for the plain-text questions this template really asks.

    Others are left alone: a choice or a yes/no question would reject a value not offered.
    """
    from scaffold.templatesafety import cookiecutter_json

    context = cookiecutter_json(template)
    return {
        key: value
        for key, value in proposed.items()
        if isinstance(context.get(key), str) and "{{" not in context[key]
    }


def _render_cookiecutter(request: RenderRequest, template: Path, target: Path) -> dict[str, Any]:
    import json

    from cookiecutter.main import cookiecutter

    if (template / "hooks").is_dir() and not request.trust:
        from scaffold.console import err

        err().print("[yellow]The template's hooks were not run; pass --trust to run them.[/]")
    work = target.parent
    # Replays and clones stay in the staging folder, not in the user's home.
    config = {"replay_dir": str(work / "replay"), "cookiecutters_dir": str(work / "clones")}
    rendered = Path(
        cookiecutter(
            str(template),
            no_input=request.defaults,
            extra_context={
                **_cookiecutter_defaults(template, request.user_defaults),
                **request.data,
            },
            output_dir=str(work / "cookiecutter-out"),
            accept_hooks=request.trust,
            default_config=config,
        )
    )
    rendered.rename(target)
    replays = sorted((work / "replay").glob("*.json"))
    context = (
        json.loads(replays[0].read_text(encoding="utf-8")).get("cookiecutter", {})
        if replays
        else {}
    )
    answers = {k: v for k, v in context.items() if not k.startswith("_")}
    return {"_template": str(template), **answers}


def _place(rendered: Path, dest: Path, overwrite: bool) -> tuple[list[str] | None, list[str]]:
    """Move the rendered tree into ``dest``; return the files written into an existing
    folder (None when ``dest`` is new) and the existing files that were kept."""
    if dest.is_dir() and not any(dest.iterdir()):
        # Filled in place, never replaced: it may be the shell's current folder (`new .`).
        _fill_empty(rendered, dest)
        return None, []
    if not dest.exists():
        fileio.move(rendered, dest)  # one rename: staging is beside dest
        return None, []
    written: list[str] = []
    skipped: list[str] = []
    for path in sorted(rendered.rglob("*")):
        if path.is_dir() and not path.is_symlink():
            continue
        relative = path.relative_to(rendered)
        target = dest / relative
        if (target.exists() or target.is_symlink()) and not overwrite:
            skipped.append(relative.as_posix())
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        fileio.move(path, target)
        written.append(relative.as_posix())
    return written, skipped


def _fill_empty(rendered: Path, dest: Path) -> None:
    """Move each top-level entry in; on any failure or Ctrl-C move them back out."""
    moved: list[str] = []
    try:
        for child in sorted(rendered.iterdir(), key=lambda c: c.name == ".git"):
            fileio.move(child, dest / child.name)
            moved.append(child.name)
    except BaseException:
        for name in moved:
            fileio.move(dest / name, rendered / name)
        raise


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def _check_template(template_dir: Path, engine: Engine, trust: bool, vcs_ref: str | None) -> None:
    from scaffold import templatesafety

    templatesafety.check_symlinks(template_dir, "the template")
    if vcs_ref not in (None, "HEAD") and templatesafety.git_dir(template_dir) is None:
        raise ScaffoldError(
            f"{template_dir} is not a git repository, so it has no ref {vcs_ref!r}; "
            "leave out the ref to use the folder as it is"
        )
    templatesafety.check_template_git(template_dir, trust)
    if engine == "cookiecutter":
        templatesafety.check_cookiecutter(template_dir, trust)


def _render_engine(
    request: RenderRequest, engine: Engine, template_dir: Path, target: Path
) -> dict[str, Any]:
    from scaffold import templatesafety

    try:
        if engine == "copier":
            # A URL or a ``~/`` path goes to copier as is, so the answers file records
            # where the template came from in a form that works on every machine.
            if is_url(request.source):
                source = copier_url(request.source)
            elif request.source.startswith("~"):
                source = request.source
            else:
                source = str(template_dir)
            return _render_copier(request, source, target)
        with templatesafety.sandboxed_cookiecutter(request.trust):
            return _render_cookiecutter(request, template_dir, target)
    except (ScaffoldError, KeyboardInterrupt, MemoryError):
        raise
    except Exception as exc:
        if refusal := templatesafety.unsafe_jinja(exc):
            raise refusal from exc
        if os.environ.get("SCAFFOLD_DEBUG"):
            raise
        raise ScaffoldError(f"the template failed to render: {_reason(exc)}") from exc


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return "no space left on device"
    described = _describe(exc)
    if "No space left on device" in described or "exit code: -25" in described:
        return "no space left on device"
    return described


def render(request: RenderRequest) -> RenderResult:
    """Render ``request.source`` into ``request.dest`` or leave nothing behind."""
    from scaffold import templatesafety
    from scaffold.isolation import render_timeout, run_bounded
    from scaffold.staging import staging_folder

    dest = Path(os.path.normpath(request.dest.expanduser().absolute()))
    check_destination(dest, request.force)
    with staging_folder(dest) as staging, templatesafety.neutral_git(request.trust):
        target = staging / "project"
        with local_template(request.source, request.vcs_ref) as template_dir:
            engine = detect_engine(template_dir)
            _check_template(template_dir, engine, request.trust, request.vcs_ref)
            check_answer_keys(template_dir, engine, request.data)
            check_answer_values(template_dir, engine, request.data)
            if "preset" in request.data:
                check_preset(template_dir, engine, str(request.data["preset"]))
            # In a child under a memory bound (and a time bound without prompts).
            timeout = render_timeout() if request.defaults else None
            answers = run_bounded(
                lambda: _render_engine(request, engine, template_dir, target), timeout
            )
        _validate_answers(answers)
        templatesafety.check_symlinks(target, "the rendered project")
        return _finish(request, dest, engine, answers, target)


def _finish(
    request: RenderRequest, dest: Path, engine: Engine, answers: dict[str, Any], target: Path
) -> RenderResult:
    """First commit in the staging folder when the project is a folder of its own, then the
    move; under the destination's parent lock, so two runs never fill one folder."""
    commit = request.commit
    with fileio.locked(dest.parent):
        check_destination(dest, request.force)
        whole = not dest.exists() or not any(dest.iterdir())
        made = _commit(target, answers, commit, None) if commit and whole else None
        try:
            written, skipped = _place(target, dest, request.overwrite)
        except OSError as exc:
            raise ScaffoldError(f"cannot create {dest}: {exc.strerror or exc}") from exc
    if commit and not whole:
        made = _commit(dest, answers, commit, written)
    return RenderResult(dest, engine, answers, skipped, written, made)


def _commit(repo: Path, answers: Mapping[str, Any], message: str, paths: list[str] | None) -> str:
    from scaffold.gitops import init_and_commit

    author = str(answers.get("author_name", "")), str(answers.get("author_email", ""))
    return init_and_commit(repo, message, *author, paths=paths)


def _validate_answers(answers: Mapping[str, Any]) -> None:
    """Check the names a template derived by default, which copier does not validate."""
    from scaffold.names import check_names

    project = answers.get("project_name")
    package = answers.get("package_name")
    check_names(
        str(project) if project is not None else None,
        str(package) if package is not None else None,
    )
