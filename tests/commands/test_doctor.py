"""``scaffold doctor``: a rule table per repository, one table for several, JSON, the gate."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from scaffold.cli import app
from scaffold.doctor.registry import RULES, rule_ids
from tests.doctor.repos import bare_repo
from tests.projects import copy_project

runner = CliRunner()
FIXES = {rule.id: rule.fix for rule in RULES}


def doctor(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["doctor", *args], catch_exceptions=False, env={"COLUMNS": "250"})
    return result.exit_code, result.stdout


def doctor_json(*args: str) -> tuple[int, dict[str, Any]]:
    code, stdout = doctor("--json", *args)
    return code, json.loads(stdout)


def table_rows(stdout: str) -> dict[str, str]:
    """Rule id -> result, from the first line of each row of the rule table."""
    rows: dict[str, str] = {}
    for line in stdout.splitlines():
        cells = [cell.strip() for cell in line.split("│")[1:-1]]
        if len(cells) == 4 and cells[0] in FIXES:
            rows[cells[0]] = cells[1]
    return rows


def test_bare_repository_fails_its_rules_with_the_fixes_named(tmp_path: Path) -> None:
    code, stdout = doctor(str(bare_repo(tmp_path / "bare")))
    assert code == 0  # no --min-score: a report, not a gate
    rows = table_rows(stdout)
    assert list(rows) == rule_ids()
    for rule_id in ("notebooks.stripped", "env.not_committed", "tests.present"):
        assert rows[rule_id] == "fail"
        assert FIXES[rule_id].split()[0] in stdout
    assert ".env committed to git" in stdout
    assert "analysis.ipynb (1 cell)" in stdout


def test_json_parses_and_matches_the_table(tmp_path: Path) -> None:
    repo = bare_repo(tmp_path / "bare")
    code, report = doctor_json(str(repo))
    _, stdout = doctor(str(repo))
    assert code == 0
    (audited,) = report["repos"]
    assert audited["path"] == str(repo.resolve())
    assert {rule["id"]: rule["status"] for rule in audited["rules"]} == table_rows(stdout)
    assert f"score {audited['score']}/100" in stdout
    failed = {rule["id"]: rule["fix"] for rule in audited["rules"] if rule["status"] == "fail"}
    assert failed["env.not_committed"] == FIXES["env.not_committed"]


def test_min_score_gates_ci(tmp_path: Path) -> None:
    repo = str(bare_repo(tmp_path / "bare"))
    _, report = doctor_json(repo)
    score = report["repos"][0]["score"]
    code, stdout = doctor(repo, "--min-score", str(score + 1))
    assert code == 1
    assert f"1 below --min-score {score + 1}" in stdout
    assert doctor(repo, "--min-score", str(score))[0] == 0
    code, report = doctor_json(repo, "--min-score", "100")
    assert (code, report["passed"], report["min_score"]) == (1, False, 100)


def test_several_repositories_give_one_table_and_the_fixes_once(tmp_path: Path) -> None:
    first, second = bare_repo(tmp_path / "first"), bare_repo(tmp_path / "second")
    (second / "tests").mkdir()
    (second / "tests" / "test_x.py").write_text("def test_x():\n    pass\n", encoding="utf-8")
    code, stdout = doctor(str(first), str(second))
    assert code == 0
    assert "2 repositories" in stdout
    assert stdout.count(str(first)) == 1 and stdout.count(str(second)) == 1
    assert stdout.count(FIXES["env.not_committed"]) == 1
    fix_rows = [line for line in stdout.splitlines() if line.startswith("│ tests.present")]
    assert [row.split("│")[2].strip() for row in fix_rows] == ["1"]


def test_a_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "scaffold", "doctor", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"error: not a folder: {tmp_path / 'nope'}"]
    assert result.stdout == ""


def test_min_score_outside_0_to_100_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["doctor", str(tmp_path), "--min-score", "101"])
    assert result.exit_code == 2


@pytest.mark.slow
def test_a_freshly_generated_project_scores_100(
    generated_project: Callable[[str], Path],
) -> None:
    code, report = doctor_json(str(generated_project("standard")), "--min-score", "100")
    (audited,) = report["repos"]
    failures = {r["id"]: r["why"] for r in audited["rules"] if r["status"] == "fail"}
    assert failures == {}
    assert (audited["score"], code) == (100, 0)
    tests = next(r for r in audited["rules"] if r["id"] == "tests.present")
    assert tests["why"].startswith("the project's pytest collects")


@pytest.mark.slow
def test_a_generated_project_loses_points_for_what_a_team_breaks(
    generated_project: Callable[[str], Path], tmp_path: Path
) -> None:
    project = copy_project(generated_project("standard"), tmp_path / "project")
    package = next((project / "src").iterdir())
    (package / "features.py").write_text("def f():\n    print('debug')\n", encoding="utf-8")
    dockerfile = project / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text(encoding="utf-8").replace("USER 10001:10001", ""))
    _, report = doctor_json(str(project))
    statuses = {r["id"]: r["status"] for r in report["repos"][0]["rules"]}
    assert statuses["print.none"] == statuses["docker.non_root"] == "fail"
    assert report["repos"][0]["score"] < 100
