"""template.current: reuses `scaffold drift` when the project's template is on this machine."""

from __future__ import annotations

from pathlib import Path

from scaffold.doctor.model import Status
from scaffold.doctor.repo import Repo
from scaffold.doctor.template import template_current
from tests.doctor.repos import write
from tests.updating.templates import generate, make_template_v1, release_v2


def test_project_on_the_latest_release_passes(tmp_path: Path) -> None:
    project = generate(make_template_v1(tmp_path), tmp_path / "project")
    finding = template_current(Repo(project))
    assert finding.status is Status.PASSED
    assert finding.why == "on v1.0.0, the latest release"


def test_project_behind_its_template_fails_with_how_far(tmp_path: Path) -> None:
    template = make_template_v1(tmp_path)
    project = generate(template, tmp_path / "project")
    release_v2(template)
    finding = template_current(Repo(project))
    assert finding.status is Status.FAILED
    assert finding.why == "on v1.0.0, 1 release(s) behind v2.0.0"


def test_projects_without_copier_answers_skip(tmp_path: Path) -> None:
    assert "not generated from a copier template" in template_current(Repo(tmp_path)).why


def test_remote_or_missing_or_unversioned_templates_skip_with_the_reason(tmp_path: Path) -> None:
    cases = {
        "_src_path: https://github.com/acme/template.git\n_commit: v1.0.0\n": "is remote",
        f"_src_path: {tmp_path / 'gone'}\n_commit: v1.0.0\n": "not on this machine",
        f"_src_path: {tmp_path}\n": "no template version recorded",
    }
    for answers, reason in cases.items():
        write(tmp_path, {".copier-answers.yml": answers})
        finding = template_current(Repo(tmp_path))
        assert finding.status is Status.SKIPPED
        assert reason in finding.why


def test_an_answers_file_naming_no_template_fails(tmp_path: Path) -> None:
    write(tmp_path, {".copier-answers.yml": "project_name: x\n"})
    assert template_current(Repo(tmp_path)).status is Status.FAILED
