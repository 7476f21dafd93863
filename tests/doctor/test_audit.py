"""Auditing whole repositories: every rule runs, the score weighs what applies."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffold.doctor.audit import audit, audit_all
from scaffold.doctor.model import RuleResult, Severity, Status, score
from scaffold.doctor.registry import RULES, rule_ids
from scaffold.errors import ScaffoldError
from tests.doctor.repos import bare_repo


def result(status: Status, severity: Severity) -> RuleResult:
    return RuleResult("x.y", "title", severity, status, "why", "fix")


def test_rule_ids_are_unique_and_dotted() -> None:
    ids = rule_ids()
    assert len(ids) == len(set(ids))
    assert all(rule_id.count(".") == 1 for rule_id in ids)


def test_score_is_the_weighted_share_of_applicable_rules_passed() -> None:
    results = [
        result(Status.PASSED, Severity.CRITICAL),  # 3
        result(Status.FAILED, Severity.MINOR),  # 1
        result(Status.FAILED, Severity.MAJOR),  # 2
        result(Status.SKIPPED, Severity.CRITICAL),  # not counted
    ]
    assert score(results) == 50


def test_skipped_rules_do_not_lower_the_score() -> None:
    passing = [result(Status.PASSED, Severity.MINOR)]
    assert score([*passing, result(Status.SKIPPED, Severity.CRITICAL)]) == 100
    assert score([result(Status.SKIPPED, Severity.MAJOR)]) == 100


def test_bare_repository_fails_the_rules_it_breaks(tmp_path: Path) -> None:
    report = audit(bare_repo(tmp_path / "bare"))
    statuses = {r.id: r.status for r in report.results}
    assert list(statuses) == rule_ids()
    for rule_id in ("notebooks.stripped", "env.not_committed", "tests.present", "package.layout"):
        assert statuses[rule_id] is Status.FAILED, rule_id
    assert statuses["docs.readme"] is Status.PASSED
    assert statuses["docker.non_root"] is Status.SKIPPED
    assert 0 < report.score < 50


def test_every_failure_carries_its_rules_fix(tmp_path: Path) -> None:
    report = audit(bare_repo(tmp_path / "bare"))
    fixes = {rule.id: rule.fix for rule in RULES}
    assert report.failures
    assert all(failure.fix == fixes[failure.id] and failure.why for failure in report.failures)


def test_the_same_repository_given_twice_is_audited_once(tmp_path: Path) -> None:
    repo = bare_repo(tmp_path / "bare")
    report = audit_all([repo, repo / ".." / "bare"])
    assert [r.path for r in report.repos] == [repo.resolve()]


def test_a_path_that_is_not_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ScaffoldError, match="not a folder"):
        audit_all([tmp_path / "missing"])


def test_min_score_fails_only_repositories_below_it(tmp_path: Path) -> None:
    repo = bare_repo(tmp_path / "bare")
    below = audit(repo).score
    assert audit_all([repo], min_score=below + 1).exit_code == 1
    assert audit_all([repo], min_score=below).exit_code == 0
    assert audit_all([repo]).exit_code == 0


def test_doctor_leaves_the_audited_repository_unchanged(tmp_path: Path) -> None:
    repo = bare_repo(tmp_path / "bare")
    before = sorted(p.relative_to(repo) for p in repo.rglob("*"))
    audit(repo)
    assert sorted(p.relative_to(repo) for p in repo.rglob("*")) == before
