"""ci.config: parses, has jobs, matches the provider's schema."""

from __future__ import annotations

from pathlib import Path

from scaffold.doctor.ci import ci_config
from scaffold.doctor.model import Status
from scaffold.doctor.repo import Repo
from tests.doctor.repos import write

WORKFLOW = """\
name: CI
on:
  push:
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: pytest
"""
GITLAB = """\
stages: [test]
variables:
  A: "1"
.base:
  image: python:3.11
test:
  stage: test
  script: [pytest]
"""


def finding_for(root: Path, files: dict[str, str]) -> tuple[Status, str]:
    finding = ci_config(Repo(write(root, files)))
    return finding.status, finding.why


def test_github_workflow_with_jobs_passes_and_is_schema_checked(tmp_path: Path) -> None:
    status, why = finding_for(tmp_path, {".github/workflows/ci.yml": WORKFLOW})
    assert status is Status.PASSED
    assert "1 job(s), schema-checked" in why


def test_gitlab_jobs_exclude_settings_and_hidden_templates(tmp_path: Path) -> None:
    status, why = finding_for(tmp_path, {".gitlab-ci.yml": GITLAB})
    assert status is Status.PASSED
    assert "1 job(s)" in why


def test_no_ci_configuration_fails(tmp_path: Path) -> None:
    status, why = finding_for(tmp_path, {".github/dependabot.yml": "version: 2\n"})
    assert status is Status.FAILED
    assert "no CI configuration" in why


def test_invalid_yaml_fails_naming_the_file(tmp_path: Path) -> None:
    status, why = finding_for(tmp_path, {".github/workflows/ci.yml": "jobs: [\n"})
    assert status is Status.FAILED
    assert "ci.yml is not valid YAML" in why


def test_workflow_without_jobs_fails(tmp_path: Path) -> None:
    status, why = finding_for(tmp_path, {".github/workflows/ci.yaml": "name: CI\non: push\n"})
    assert status is Status.FAILED
    assert "defines no jobs" in why


def test_schema_violation_fails_with_its_location(tmp_path: Path) -> None:
    broken = WORKFLOW.replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    timeout: 5")
    status, why = finding_for(tmp_path, {".github/workflows/ci.yml": broken})
    assert status is Status.FAILED
    assert why == (
        "ci.yml does not match the github-workflows schema: jobs.test: Additional properties "
        "are not allowed ('timeout' was unexpected)"
    )


def test_a_strategy_without_matrix_gives_the_validators_best_match(tmp_path: Path) -> None:
    broken = WORKFLOW.replace(
        "runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    strategy:\n      fail-fast: false"
    )
    status, why = finding_for(tmp_path, {".github/workflows/ci.yml": broken})
    assert status is Status.FAILED
    assert why == (
        "ci.yml does not match the github-workflows schema: "
        "jobs.test.strategy: 'matrix' is a required property"
    )


def test_schema_strictness_github_accepts_is_a_warning(tmp_path: Path) -> None:
    empty = WORKFLOW.replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    needs: []")
    status, why = finding_for(tmp_path, {".github/workflows/ci.yml": empty})
    assert status is Status.WARNED
    assert why == (
        "1 CI file(s), 1 job(s), schema-checked; ci.yml: jobs.test.needs: [] should be "
        "non-empty (the schema is stricter here)"
    )


def test_gitlab_job_with_a_misspelt_keyword_fails(tmp_path: Path) -> None:
    status, why = finding_for(tmp_path, {".gitlab-ci.yml": GITLAB.replace("script:", "scrip:")})
    assert status is Status.FAILED
    assert "scrip" in why
