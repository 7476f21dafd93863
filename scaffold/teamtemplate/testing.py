"""``scaffold template test``: render every preset of a template and check each project.

Each project gets its own uv environment (``scaffold.projectenv``), then the checks a
generated project promises to pass: ruff check, the configured formatter's check, pytest.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffold.errors import ScaffoldError
from scaffold.questions import preset_choices

Progress = Callable[[str], None]


@dataclass(frozen=True)
class StepOutcome:
    name: str  # render, env, lint, format, tests
    ok: bool
    summary: str
    output: str = ""


@dataclass
class PresetRun:
    preset: str  # "defaults" when the template has no preset question
    project: Path
    steps: list[StepOutcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(step.ok for step in self.steps)


@dataclass
class TemplateTestResult:
    template: str
    runs: list[PresetRun] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.runs) and all(run.ok for run in self.runs)

    def to_json(self) -> dict[str, Any]:
        return {
            "template": self.template,
            "ok": self.ok,
            "presets": [
                {
                    "preset": run.preset,
                    "ok": run.ok,
                    "steps": [
                        {"name": s.name, "ok": s.ok, "summary": s.summary, "output": s.output}
                        for s in run.steps
                    ],
                }
                for run in self.runs
            ],
        }


def read_copier_config(source: str) -> dict[str, Any]:
    """The template's copier.yml (cloned shallowly when ``source`` is a URL); {} if none."""
    from scaffold.engine import local_template
    from scaffold.questions import read_copier_config as read_config

    with local_template(source, None) as folder:
        return read_config(folder)


def check_template(
    source: str,
    workdir: Path,
    ref: str | None = "HEAD",
    trust: bool = False,
    progress: Progress = lambda _: None,
) -> TemplateTestResult:
    """Render each preset of ``source`` under ``workdir`` and check every project."""
    from scaffold.settings import normalise_template

    source = normalise_template(source)
    presets = preset_choices(read_copier_config(source)) or ["defaults"]
    result = TemplateTestResult(source)
    for preset in presets:
        project = workdir / f"demo-{preset}"
        run = PresetRun(preset, project)
        result.runs.append(run)
        for name, step in _steps(source, project, preset, ref, trust):
            progress(f"{preset}: {name}")
            outcome = step()
            run.steps.append(outcome)
            if not outcome.ok and outcome.name in ("render", "env"):
                break
    return result


def _steps(
    source: str, project: Path, preset: str, ref: str | None, trust: bool
) -> list[tuple[str, Callable[[], StepOutcome]]]:
    def render() -> StepOutcome:
        return render_preset(source, project, preset, ref, trust)

    def env() -> StepOutcome:
        return build_project_env(project)

    def lint() -> StepOutcome:
        return run_check("lint", project, _tool(project, "ruff"), "check", ".")

    def check_format() -> StepOutcome:
        formatter = project_formatter(project)
        args = ["format", "--check", "."] if formatter == "ruff" else ["--check", "."]
        return run_check("format", project, _tool(project, formatter), *args)

    def tests() -> StepOutcome:
        return run_check("tests", project, _tool(project, "pytest"), "-q", "-p", "no:cacheprovider")

    return [
        ("render", render),
        ("environment", env),
        ("lint", lint),
        ("format", check_format),
        ("tests", tests),
    ]


def render_preset(
    source: str, project: Path, preset: str, ref: str | None, trust: bool
) -> StepOutcome:
    from scaffold.engine import RenderRequest, render

    data = {} if preset == "defaults" else {"preset": preset}
    proposed = {
        "project_name": project.name,
        "python_version": f"{sys.version_info.major}.{sys.version_info.minor}",
    }
    request = RenderRequest(
        source, project, data, proposed, defaults=True, vcs_ref=ref, trust=trust
    )
    try:
        with warnings.catch_warnings():
            # --ref HEAD includes uncommitted changes on purpose: that is what is tested.
            warnings.filterwarnings("ignore", message="Dirty template changes included")
            render(request)
    except ScaffoldError as exc:
        return StepOutcome("render", False, str(exc))
    return StepOutcome("render", True, f"rendered into {project}")


def build_project_env(project: Path) -> StepOutcome:
    from scaffold.projectenv import EnvBuildError, build_env

    try:
        build_env(project)
    except EnvBuildError as exc:
        return StepOutcome("env", False, str(exc), exc.output)
    return StepOutcome("env", True, "uv environment built")


def project_formatter(project: Path) -> str:
    """black when the project chose it (answers file or [tool.black]), else ruff."""
    answers = project / ".copier-answers.yml"
    text = answers.read_text(encoding="utf-8") if answers.is_file() else ""
    pyproject = project / "pyproject.toml"
    tool_black = pyproject.is_file() and "[tool.black]" in pyproject.read_text(encoding="utf-8")
    return "black" if "formatter: black" in text or tool_black else "ruff"


def _tool(project: Path, name: str) -> str:
    """The tool from the project's .venv, else from scaffold's environment or PATH."""
    for folder in (project / ".venv" / "bin", Path(sys.executable).parent):
        if (folder / name).is_file():
            return str(folder / name)
    return shutil.which(name) or name


def run_check(name: str, project: Path, *args: str) -> StepOutcome:
    from scaffold.projectenv import env_vars

    try:
        done = subprocess.run(
            list(args), cwd=project, env=env_vars(project), capture_output=True, text=True
        )
    except FileNotFoundError:
        return StepOutcome(name, False, f"{args[0]} is not installed")
    output = (done.stdout + done.stderr).strip()
    lines = [line for line in output.splitlines() if line.strip()]
    summary = lines[-1] if lines else f"exit {done.returncode}"
    return StepOutcome(name, done.returncode == 0, summary, output)
