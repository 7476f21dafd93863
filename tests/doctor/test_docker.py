"""docker.present, docker.non_root, docker.healthcheck: the final stage is what runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffold.doctor.docker import (
    dockerfile_healthcheck,
    dockerfile_non_root,
    dockerfile_present,
    instructions,
)
from scaffold.doctor.model import Status
from scaffold.doctor.repo import Repo
from tests.doctor.repos import write

GOOD = """\
FROM python:3.11 AS builder
USER root
RUN pip install .

FROM python:3.11-slim
# the runtime user
RUN useradd --uid 10001 app
USER 10001:10001
HEALTHCHECK --interval=30s \\
    CMD curl -f http://localhost/health
CMD ["serve"]
"""


def repo_with(root: Path, dockerfile: str, name: str = "Dockerfile") -> Repo:
    return Repo(write(root, {name: dockerfile}))


def test_continuation_lines_are_joined_and_comments_dropped() -> None:
    steps = instructions("FROM a\n# note\nRUN one \\\n  # inner comment\n  two\n")
    assert [(s.keyword, s.arguments) for s in steps] == [("FROM", "a"), ("RUN", "one  two")]


def test_multi_stage_dockerfile_with_non_root_user_and_healthcheck_passes(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, GOOD)
    assert dockerfile_present(repo).status is Status.PASSED
    assert dockerfile_non_root(repo).why == "Dockerfile: runs as USER 10001"
    assert dockerfile_healthcheck(repo).status is Status.PASSED


@pytest.mark.parametrize(
    ("final_stage", "reason"),
    [
        ("FROM python:3.11-slim\nCMD x\n", "sets no USER"),
        ("FROM python:3.11-slim\nUSER app\nUSER root\n", "runs as USER root"),
        ("FROM python:3.11-slim\nuser 0:0\n", "runs as USER 0"),
    ],
)
def test_a_final_stage_running_as_root_fails(tmp_path: Path, final_stage: str, reason: str) -> None:
    repo = repo_with(tmp_path, "FROM python AS build\nUSER app\n" + final_stage)
    finding = dockerfile_non_root(repo)
    assert finding.status is Status.FAILED
    assert reason in finding.why


def test_healthcheck_missing_fails(tmp_path: Path) -> None:
    assert dockerfile_healthcheck(repo_with(tmp_path, "FROM a\nUSER app\n")).status is Status.FAILED


def test_healthcheck_none_passes_only_on_an_image_that_serves_nothing(tmp_path: Path) -> None:
    batch = repo_with(tmp_path, 'FROM a\nHEALTHCHECK CMD x\nHEALTHCHECK NONE\nCMD ["predict"]\n')
    finding = dockerfile_healthcheck(batch)
    assert (finding.status, finding.why) == (
        Status.PASSED,
        "Dockerfile: HEALTHCHECK NONE on purpose: the image exposes no port (a batch job)",
    )
    served = repo_with(tmp_path, "FROM a\nEXPOSE 8000 9000/tcp\nHEALTHCHECK NONE\n")
    finding = dockerfile_healthcheck(served)
    assert (finding.status, finding.why) == (
        Status.FAILED, "Dockerfile: HEALTHCHECK NONE on an image that serves port 8000, 9000/tcp"
    )  # fmt: skip


def test_a_dockerfile_in_a_subfolder_counts(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, GOOD, name="docker/serve.Dockerfile")
    assert dockerfile_present(repo).why == "docker/serve.Dockerfile"
    assert dockerfile_non_root(repo).status is Status.PASSED


def test_without_dockerfile_the_content_rules_skip(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    assert dockerfile_present(repo).status is Status.FAILED
    assert dockerfile_non_root(repo).status is Status.SKIPPED
    assert dockerfile_healthcheck(repo).status is Status.SKIPPED
