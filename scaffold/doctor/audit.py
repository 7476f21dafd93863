"""Running every rule against a repository."""

from __future__ import annotations

from pathlib import Path

from scaffold.doctor.model import DoctorReport, RepoReport, Rule, RuleResult, failed
from scaffold.doctor.repo import Repo
from scaffold.errors import ScaffoldError


def apply(rule: Rule, repo: Repo) -> RuleResult:
    try:
        finding = rule.check(repo)
    except OSError as exc:  # an unreadable file fails the rule, not the whole audit
        finding = failed(f"cannot read the repository: {exc}")
    except (
        ScaffoldError,
        ValueError,
        RecursionError,
        TypeError,
        AttributeError,
        RuntimeError,
    ) as exc:
        # A broken file (bad notebook, answers, config) is this rule's error row; the audit,
        # and the other repositories of a multi-repo run, go on.
        finding = failed(f"cannot check: {str(exc).splitlines()[0] if str(exc) else exc!r}")
    return RuleResult(
        rule.id, rule.title, rule.severity, finding.status, finding.why, finding.fix or rule.fix
    )


def audit(path: Path, rules: tuple[Rule, ...] | None = None) -> RepoReport:
    from scaffold.doctor.registry import RULES

    root = path.expanduser().resolve()
    if not root.is_dir():
        raise ScaffoldError(f"{path} is not a folder")
    repo = Repo(root)
    return RepoReport(root, [apply(rule, repo) for rule in rules or RULES])


def audit_all(paths: list[Path], min_score: int | None = None) -> DoctorReport:
    missing = [str(path) for path in paths if not path.expanduser().is_dir()]
    if missing:
        raise ScaffoldError(f"not a folder: {', '.join(missing)}")
    unique = list(dict.fromkeys(path.expanduser().resolve() for path in paths))
    return DoctorReport([audit(path) for path in unique], min_score)
