"""Delivery files of every preset that has them: CI, dependabot, Dockerfile, pre-commit.

Validated by the tools a reviewer would use: check-jsonschema, zizmor, hadolint, pre-commit.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.projects import BIN, run, tool
from tests.template.conftest import ProjectFactory

PINNED = "scaffold-ml @ git+https://github.com/acme/scaffold@" + "0123456789abcdef" * 2 + "01234567"
GITHUB = [
    ("standard", {}),
    ("full", {}),
    ("standard", {"formatter": "black", "scaffold_package": PINNED}),
]
DOCKER = [("standard", {}), ("full", {}), ("standard", {"serving": "none"})]
ALL = [("minimal", {}), *GITHUB, ("standard", {"ci": "gitlab"})]


def _ids(cases: list[tuple[str, dict[str, str]]]) -> list[str]:
    return ["-".join([p, *(f"{k}={v}"[:24] for k, v in d.items())]) for p, d in cases]


@pytest.mark.parametrize(("preset", "data"), GITHUB, ids=_ids(GITHUB))
def test_github_workflow_is_valid_and_has_no_zizmor_findings(
    preset: str, data: dict[str, str], rendered: ProjectFactory
) -> None:
    project = rendered(preset, **data)
    workflow = project / ".github" / "workflows" / "ci.yml"
    check = tool("check-jsonschema")
    run([check, "--builtin-schema", "vendor.github-workflows", str(workflow)], project)
    dependabot = project / ".github" / "dependabot.yml"
    run([check, "--builtin-schema", "vendor.dependabot", str(dependabot)], project)
    result = run(
        [tool("zizmor"), "--offline", "--persona=pedantic", "--no-progress", ".github"],
        project,
    )
    assert "No findings" in result.stdout + result.stderr


@pytest.mark.parametrize(("preset", "data"), GITHUB, ids=_ids(GITHUB))
def test_github_workflow_is_least_privilege(
    preset: str, data: dict[str, str], rendered: ProjectFactory
) -> None:
    workflow = rendered(preset, **data) / ".github" / "workflows" / "ci.yml"
    text = workflow.read_text()
    loaded = yaml.safe_load(text)
    assert loaded["permissions"] == {"contents": "read"}
    uses = re.findall(r"uses: (\S+)(.*)", text)
    assert uses, "the workflow uses actions"
    for action, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), action
        assert re.match(r"\s+# v\d", comment), f"{action} needs a '# vX' comment"
    checkouts = [
        step
        for job in loaded["jobs"].values()
        for step in job["steps"]
        if step.get("uses", "").startswith("actions/checkout@")
    ]
    assert all(step["with"]["persist-credentials"] is False for step in checkouts)
    jobs = set(loaded["jobs"])
    assert {"lint", "format", "test", "evaluate"} <= jobs
    # The drift job only when scaffold comes from a pinned requirement (no name squatting).
    assert ("template-drift" in jobs) == ("scaffold_package" in data)
    if "template-drift" not in jobs:
        return
    gate = [step.get("run", "") for step in loaded["jobs"]["evaluate"]["steps"]]
    assert [line.split()[-1] for line in gate if ".cli " in line] == ["train", "evaluate", "gate"]
    assert loaded["jobs"]["template-drift"]["continue-on-error"] is True
    assert [job for job, body in loaded["jobs"].items() if body.get("continue-on-error")] == [
        "template-drift"
    ]
    has_docker = (workflow.parents[2] / "Dockerfile").exists()
    assert ("image" in jobs) == has_docker
    if has_docker:
        assert "docker build" in text and "docker push" not in text


def test_gitlab_ci_is_valid(rendered: ProjectFactory) -> None:
    assert "template-drift" not in yaml.safe_load(
        (rendered("standard", ci="gitlab") / ".gitlab-ci.yml").read_text()
    )
    project = rendered("standard", ci="gitlab", scaffold_package=PINNED)
    gitlab = project / ".gitlab-ci.yml"
    run([tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", str(gitlab)], project)
    jobs = yaml.safe_load(gitlab.read_text())
    assert {"lint", "format", "test", "evaluate", "build-image", "template-drift"} <= set(jobs)
    assert any("cli gate" in line for line in jobs["evaluate"]["script"])
    assert jobs["template-drift"]["allow_failure"] is True
    assert [
        name for name, job in jobs.items() if isinstance(job, dict) and job.get("allow_failure")
    ] == ["template-drift"]


def drift_commands(project: Path) -> list[str]:
    """The commands of the generated CI's template-drift job, after installing scaffold."""
    workflow = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text())
    steps = workflow["jobs"]["template-drift"]["steps"]
    commands = [step["run"] for step in steps if "run" in step]
    assert commands[0] == 'python -m pip install "$SCAFFOLD_PACKAGE"'
    assert workflow["jobs"]["template-drift"]["env"]["SCAFFOLD_PACKAGE"] == PINNED
    return commands[1:]


def test_the_drift_job_passes_when_current_and_fails_after_a_template_release(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shlex

    monkeypatch.setenv("SCAFFOLD_DATA_DIR", str(tmp_path / "data"))  # a release of its own
    from scaffold.bundled import ensure_release
    from scaffold.settings import bundled_template
    from tests.projects import generate

    project = generate(tmp_path / "proj", "standard", scaffold_package=PINNED)
    commands = drift_commands(project)
    # The job's `scaffold` is the one under test: this environment's, first on PATH.
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ['PATH']}")
    for command in commands:
        run(shlex.split(command), project)
    newer = tmp_path / "newer-template"
    shutil.copytree(bundled_template(), newer)
    (newer / "project" / "NEWS.md").write_text("news\n")
    ensure_release(newer, "99.0.0")
    result = subprocess.run(shlex.split(commands[-1]), cwd=project, capture_output=True, text=True)
    assert result.returncode == 1
    assert "v99.0.0" in result.stdout


@pytest.mark.parametrize(("preset", "data"), DOCKER, ids=_ids(DOCKER))
def test_dockerfile_passes_hadolint(
    preset: str, data: dict[str, str], rendered: ProjectFactory
) -> None:
    project = rendered(preset, **data)
    run([tool("hadolint"), "--failure-threshold", "info", "Dockerfile"], project)
    text = (project / "Dockerfile").read_text()
    assert text.count("FROM ") == 2, "multi-stage"
    assert re.search(r"^USER \d+", text, re.MULTILINE), "runs as a non-root user"
    if data.get("serving") != "none":
        assert "HEALTHCHECK" in text and "/health" in text
    builder = text.split("\nFROM ", 2)[1].replace("\\\n", " ")  # first stage, one line a step
    steps = [line for line in builder.splitlines() if line.startswith(("COPY", "RUN"))]
    first_code = next(i for i, line in enumerate(steps) if line.startswith("COPY src"))
    installs = [i for i, line in enumerate(steps) if "uv pip install" in line]
    assert installs[0] < first_code, "dependencies are a cached layer before the code"
    assert steps[installs[0] - 1].startswith("COPY pyproject.toml"), "only pyproject before it"


@pytest.mark.parametrize(("preset", "data"), DOCKER, ids=_ids(DOCKER))
def test_dockerignore_keeps_data_models_and_secrets_out(
    preset: str, data: dict[str, str], rendered: ProjectFactory
) -> None:
    from tests.template.dockerfile import DockerIgnore

    ignore = DockerIgnore.load(rendered(preset, **data))
    kept_out = ["data/raw.csv", "models/model.joblib", ".env", ".git/config", "id.pem"]
    kept_out += [".venv/bin/python", "metrics/metrics.json", "mlruns/0/meta.yaml"]
    needed = ["pyproject.toml", "src/pkg/cli.py", "configs/prod.toml"]
    needed += ["metrics/baseline.json", "README.md"]
    assert [p for p in kept_out if not ignore.excluded(Path(p))] == []
    assert [p for p in needed if ignore.excluded(Path(p))] == []


@pytest.mark.parametrize(("preset", "data"), ALL, ids=_ids(ALL))
def test_pre_commit_config_is_valid(
    preset: str, data: dict[str, str], rendered: ProjectFactory
) -> None:
    project = rendered(preset, **data)
    run([tool("pre-commit"), "validate-config", ".pre-commit-config.yaml"], project)
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"] for repo in config["repos"] for hook in repo["hooks"]}
    formatter = "black" if data.get("formatter") == "black" else "ruff-format"
    assert {"ruff", formatter, "nbstripout", "detect-secrets", "detect-private-key"} <= hooks
    # Offline and in step with `make check`: every hook runs a tool from the project's .venv,
    # installed by its dev extra.
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    entries = {hook["entry"].split()[0] for hook in config["repos"][0]["hooks"]}
    assert all(entry.startswith(".venv/bin/") for entry in entries), entries
    import tomllib

    dev = tomllib.loads((project / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]["dev"]
    provided = {re.split(r"[\[<>=~ ]", requirement)[0] for requirement in dev}
    makers = {"ruff": "ruff", "black": "black", "nbstripout": "nbstripout",
              "detect-secrets-hook": "detect-secrets"}  # fmt: skip
    for entry in entries:
        assert makers.get(entry.removeprefix(".venv/bin/"), "pre-commit-hooks") in provided


@pytest.mark.parametrize(
    "requirement",
    ["scaffold-ml", "scaffold-ml==0.2.0", "scaffold-ml @ git+https://github.com/acme/scaffold@main",
     "scaffold-ml @ https://example.com/scaffold_ml-0.2.0-py3-none-any.whl"],
)  # fmt: skip
def test_an_unpinned_scaffold_requirement_is_refused(requirement: str, tmp_path: Path) -> None:
    from scaffold.errors import ScaffoldError
    from tests.projects import generate

    with pytest.raises(ScaffoldError, match="Pin the requirement"):
        generate(tmp_path / "p", "standard", git=False, scaffold_package=requirement)
    wheel = (
        "scaffold-ml @ https://example.com/scaffold_ml-0.2.0-py3-none-any.whl#sha256=" + "a" * 64
    )
    project = generate(tmp_path / "ok", "standard", git=False, scaffold_package=wheel)
    assert "template-drift" in (project / ".github" / "workflows" / "ci.yml").read_text()
