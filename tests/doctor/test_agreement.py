"""docs.charter and docs.glossary: present, written, no placeholder left."""

from __future__ import annotations

from pathlib import Path

from scaffold.doctor.agreement import charter_written, glossary_written
from scaffold.doctor.audit import audit
from scaffold.doctor.model import Status
from scaffold.doctor.repo import Repo
from tests.doctor.repos import commit_all, write
from tests.projects import generate

WRITTEN = " ".join(["The churn model ranks accounts by their risk of leaving."] * 6)


def test_a_written_charter_passes(tmp_path: Path) -> None:
    write(tmp_path, {"docs/project-charter.md": f"# Charter\n\n{WRITTEN}\n"})
    finding = charter_written(Repo(tmp_path))
    assert finding.status is Status.PASSED, finding.why


def test_a_missing_or_empty_document_fails(tmp_path: Path) -> None:
    assert "no docs/glossary.md" in glossary_written(Repo(tmp_path)).why
    write(tmp_path, {"docs/glossary.md": "# Glossary\n\nSoon.\n"})
    finding = glossary_written(Repo(tmp_path))
    assert finding.status is Status.FAILED
    assert "is not written yet" in finding.why


def test_a_placeholder_charter_is_flagged_with_its_lines(tmp_path: Path) -> None:
    """What a team template typically ships: headings with TODOs under them."""
    placeholder = (
        "# Project charter\n\n"
        f"{WRITTEN}\n\n"
        "## Problem\n\nTODO: describe the problem in two sentences.\n\n"
        "## KPIs\n\n| KPI | offline metric |\n|---|---|\n| TBD | TBD |\n\n"
        "## Owners\n\n[Fill in the owners]\n"
    )
    repo = commit_all(write(tmp_path / "repo", {"docs/project-charter.md": placeholder}))
    result = {r.id: r for r in audit(repo).results}["docs.charter"]
    assert result.status is Status.FAILED
    assert result.why == "docs/project-charter.md still has placeholder text (line 7, 13, 17)"


def test_unrendered_template_syntax_is_a_placeholder(tmp_path: Path) -> None:
    write(tmp_path, {"GLOSSARY.md": f"# Glossary of {{{{ project_name }}}}\n\n{WRITTEN}\n"})
    finding = glossary_written(Repo(tmp_path))
    assert finding.status is Status.FAILED and "GLOSSARY.md" in finding.why


def test_the_bundled_templates_documents_pass_in_every_preset(tmp_path: Path) -> None:
    """The bundled template ships them written for its demo model, so doctor stays at 100."""
    for preset in ("minimal", "standard", "full"):
        project = generate(tmp_path / preset, preset)
        repo = Repo(project)
        assert charter_written(repo).status is Status.PASSED, preset
        assert glossary_written(repo).status is Status.PASSED, preset
        report = audit(project)
        failures = [(r.id, r.why) for r in report.failures]
        if preset != "minimal":  # minimal has no CI and no Dockerfile by design
            assert report.score == 100, failures
        assert not [f for f in failures if f[0].startswith("docs.")], failures
