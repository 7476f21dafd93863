"""``scaffold new``: render a template into a new project, git init, first commit."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from scaffold.errors import ScaffoldError

if TYPE_CHECKING:
    from scaffold.engine import RenderResult
    from scaffold.settings import TemplateChoice


@dataclass(frozen=True)
class NewOptions:
    dest: Path
    template: str | None = None
    preset: str | None = None
    data: dict[str, str] = field(default_factory=dict)
    defaults: bool = False
    git: bool = True
    vcs_ref: str | None = None
    force: bool = False
    overwrite: bool = False
    trust: bool = False


@dataclass(frozen=True)
class NewResult:
    render: RenderResult
    template: str
    template_origin: str
    commit: str | None  # None: no commit made (--no-git, or DEST was already a repository)
    template_label: str = ""  # how the report names the template, e.g. "template gh:acme/t"
    enclosing_repo: Path | None = None  # the repository DEST was created in (no git init)


def parse_data(pairs: list[str]) -> dict[str, str]:
    """``["a=1", "b=x=y"]`` -> ``{"a": "1", "b": "x=y"}``; a pair without ``=`` is an error."""
    data: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip().isidentifier():
            raise ScaffoldError(f"--data takes key=value, got {pair!r}")
        data[key.strip()] = value
    return data


def check_dest(dest: str) -> Path:
    """DEST as a path: not empty (that would be the current folder), each part a valid name."""
    if not dest.strip():
        raise ScaffoldError("DEST is empty; give a folder name, or . for the current folder")
    for part in Path(dest).parts:
        if len(os.fsencode(part)) > 255:
            raise ScaffoldError(f"DEST has a folder name longer than 255 bytes: {part[:40]}...")
    return Path(dest)


def proposed_answers(dest: Path) -> dict[str, Any]:
    """Defaults scaffold offers on top of the template's own: the folder name, this Python."""
    return {
        "project_name": dest.expanduser().absolute().name,
        "python_version": f"{sys.version_info.major}.{sys.version_info.minor}",
    }


def new(
    dest: Annotated[
        str,
        typer.Argument(metavar="DEST", help="Folder to create the project in.", show_default=False),
    ],
    template: Annotated[
        str | None,
        typer.Option(
            "--template",
            "-t",
            help="Template path or git URL (copier, or cookiecutter with cookiecutter.json). "
            "Default: $SCAFFOLD_TEMPLATE, then the user config, then the bundled template.",
        ),
    ] = None,
    preset: Annotated[
        str | None,
        typer.Option("--preset", "-p", help="A preset of the template: minimal, standard, full."),
    ] = None,
    data: Annotated[
        list[str] | None,
        typer.Option("--data", "-d", help="Answer a question: key=value (repeatable)."),
    ] = None,
    defaults: Annotated[
        bool, typer.Option("--defaults", help="Use default answers instead of asking.")
    ] = False,
    no_git: Annotated[
        bool, typer.Option("--no-git", help="Skip git init and the first commit.")
    ] = False,
    vcs_ref: Annotated[
        str | None, typer.Option("--vcs-ref", help="Template git tag or commit to use.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Allow a non-empty DEST; its files are kept.")
    ] = False,
    overwrite: Annotated[
        bool,
        typer.Option("--overwrite", help="With --force: replace DEST files the template also has."),
    ] = False,
    trust: Annotated[
        bool, typer.Option("--trust", help="Allow the template's tasks, hooks and extensions.")
    ] = False,
) -> None:
    """Generate a new ML project from the team template."""
    options = NewOptions(
        dest=check_dest(dest),
        template=template,
        preset=preset,
        data=parse_data(data or []),
        defaults=defaults,
        git=not no_git,
        vcs_ref=vcs_ref,
        force=force,
        overwrite=overwrite,
        trust=trust,
    )
    interactive = sys.stdin.isatty() and not defaults
    if not interactive and not defaults:
        from scaffold.console import err

        err().print("[dim]No terminal attached: using the template's default answers.[/]")
    report(create_project(options, interactive=interactive))


def create_project(options: NewOptions, interactive: bool = False) -> NewResult:
    """Validate, render atomically, then git init and commit. Raises ScaffoldError."""
    from scaffold.engine import RenderRequest, render
    from scaffold.names import check_names
    from scaffold.settings import resolve_template
    from scaffold.updating.gitstate import enclosing_work_tree

    check_names(options.data.get("project_name"), options.data.get("package_name"))
    choice = resolve_template(options.template)
    data: dict[str, Any] = dict(options.data)
    if options.preset:
        if data.get("preset", options.preset) != options.preset:
            raise ScaffoldError(
                f"--preset {options.preset} and --data preset={data['preset']} disagree; "
                "give one of them"
            )
        data["preset"] = options.preset
    # No repository nested in another: inside one, the project is left for it to add.
    enclosing = enclosing_work_tree(options.dest) if options.git else None
    source, vcs_ref, described = _versioned_source(choice.source, choice.is_bundled, options)
    message = f"Initial commit: generated by scaffold from {described}"
    result = render(
        RenderRequest(
            source=source,
            dest=options.dest,
            data=data,
            user_defaults=proposed_answers(options.dest),
            defaults=not interactive,
            vcs_ref=vcs_ref,
            trust=options.trust,
            force=options.force,
            overwrite=options.overwrite,
            commit=message if options.git and enclosing is None else None,
        )
    )
    return NewResult(
        result, choice.source, choice.origin, result.commit, _label(choice, described), enclosing
    )


def _versioned_source(
    source: str, bundled: bool, options: NewOptions
) -> tuple[str, str | None, str]:
    """Where to render from, at which ref, and how to name it in the first commit.

    The bundled template is rendered from its versioned repository (scaffold.bundled) so the
    project records a version that ``scaffold update`` can later merge from; without git it is
    rendered from the plain files, and the project cannot be updated.
    """
    if not bundled:
        return source, options.vcs_ref, source
    from scaffold.bundled import current_release
    from scaffold.gitops import git_available

    if not git_available():
        return source, options.vcs_ref, "the bundled template"
    try:
        release = current_release()
    except (OSError, ScaffoldError) as exc:
        from scaffold.console import err

        reason = str(exc) if isinstance(exc, ScaffoldError) else f"{exc.strerror}: {exc.filename}"
        err().print(
            f"[yellow]warning:[/] cannot version the bundled template ({reason}); "
            "the project is generated, but `scaffold update` will not be able to update it"
        )
        return source, options.vcs_ref, "the bundled template"
    return release.source, options.vcs_ref or release.tag, f"the bundled template {release.tag}"


def _label(choice: TemplateChoice, described: str) -> str:
    if choice.is_bundled:
        return described
    origin = {"--template": "", "SCAFFOLD_TEMPLATE": " from $SCAFFOLD_TEMPLATE"}.get(
        choice.origin, f" from {choice.origin}"
    )
    return f"template {choice.source}{origin}"


def report(result: NewResult) -> None:
    from rich.markup import escape
    from rich.panel import Panel

    from scaffold.console import out

    answers = result.render.answers
    dest = result.render.dest
    name = answers.get("project_name", dest.name)
    preset = f", preset {answers['preset']}" if "preset" in answers else ""
    out().print(
        f"[bold green]Created[/] {escape(str(name))} in {escape(str(dest))} "
        f"({escape(result.template_label or result.template)}{preset})"
    )
    for kept in result.render.skipped:
        out().print(f"  [yellow]kept[/] your {kept} (the template's version was not written)")
    if result.enclosing_repo is not None:
        out().print(
            f"  inside the git repository {escape(str(result.enclosing_repo))}: no new "
            "repository made; add and commit the project there"
        )
    if result.commit:
        out().print(f"  git repository initialised, first commit {result.commit}")
        if result.render.written is not None:
            out().print(
                "  the commit holds the template's files only; the folder's own files are "
                "left for you to add or ignore"
            )
    where = _shell_path(dest)
    steps = [] if where == "." else [f"cd {where}"]
    if (dest / "Makefile").is_file():
        steps += [
            f"make install{_uv_argument()}    # .venv with uv, the project, its git hooks",
            "make check      # lint, format check, tests",
        ]
    out().print(Panel("\n".join(steps), title="Next steps", expand=False))


def _uv_argument() -> str:
    """`` UV=/path/to/uv`` when uv is not on PATH but came with scaffold (a venv install)."""
    import shlex
    import shutil

    from scaffold.projectenv import find_uv

    if shutil.which("uv"):
        return ""
    try:
        return f" UV={shlex.quote(str(Path(find_uv()).resolve()))}"
    except ScaffoldError:
        return ""  # the Makefile falls back to venv + pip, and says so


def _shell_path(path: Path) -> str:
    import shlex

    try:
        return shlex.quote(str(path.relative_to(Path.cwd())))
    except (ValueError, OSError):  # elsewhere, or the current folder is gone
        return shlex.quote(str(path))
