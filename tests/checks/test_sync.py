"""The steps ``scaffold check`` adds on top of lint and tests: extracted notebooks in sync with
their modules (fails), and template drift (only warns)."""

from __future__ import annotations

from pathlib import Path

from scaffold.checks.context import CheckContext
from scaffold.checks.model import Status
from scaffold.checks.sync import NotebookSyncStep, TemplateDriftStep
from scaffold.notebooks.extract import plan_extraction, write_changes
from tests.notebooks.builders import fixture_notebook, make_project
from tests.updating.templates import commit_all, generate, make_template_v1, release_v2, run_cli


def test_notebook_sync_skips_until_something_was_extracted(tmp_path: Path) -> None:
    project = make_project(tmp_path / "proj")
    fixture_notebook(project, "02-xy-features.ipynb")
    outcome = NotebookSyncStep(CheckContext.create(project)).run()
    assert outcome.status is Status.SKIPPED


def test_notebook_sync_passes_after_extract_and_fails_when_the_module_drifts(
    tmp_path: Path,
) -> None:
    project = make_project(tmp_path / "proj")
    notebook = fixture_notebook(project, "02-xy-features.ipynb")
    write_changes(plan_extraction(notebook, "features").changes)
    step = NotebookSyncStep(CheckContext.create(project))
    outcome = step.run()
    assert outcome.status is Status.PASSED
    assert outcome.summary == "1 extracted module matches its notebook"

    module = project / "src" / "demo" / "features.py"
    module.write_text(module.read_text().replace("v * scale", "v * scale * 2"))
    outcome = step.run()
    assert outcome.status is Status.FAILED
    assert "scaled differs from the notebook" in outcome.output
    assert outcome.fix_hint.startswith("scaffold extract notebooks/02-xy-features.ipynb")


def test_drift_warns_when_behind_and_passes_once_updated(tmp_path: Path) -> None:
    template = make_template_v1(tmp_path)
    project = generate(template, tmp_path / "proj")
    step = TemplateDriftStep(CheckContext.create(project))
    assert step.run().status is Status.PASSED

    release_v2(template)
    behind = step.run()
    assert behind.status is Status.WARNED
    assert "v2.0.0" in behind.summary
    assert behind.fix_hint.startswith("scaffold update")

    assert run_cli("update", str(project))[0] == 0
    commit_all(project, "update to v2")
    assert step.run().status is Status.PASSED


def test_drift_is_skipped_outside_generated_projects(tmp_path: Path) -> None:
    project = make_project(tmp_path / "proj")
    assert TemplateDriftStep(CheckContext.create(project)).run().status is Status.SKIPPED
