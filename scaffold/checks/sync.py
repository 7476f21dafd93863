"""Steps that keep a project in line with its sources: notebooks extracted into the package
are in sync with it (``scaffold extract --check``), and the project is not behind its template
(``scaffold drift``). Drift only warns: a new template release must not turn every CI red."""

from __future__ import annotations

from dataclasses import dataclass

from scaffold.checks.context import CheckContext
from scaffold.checks.model import Outcome, Status, Step, plural


def sync_steps(context: CheckContext) -> list[Step]:
    return [NotebookSyncStep(context), TemplateDriftStep(context)]


@dataclass(frozen=True)
class NotebookSyncStep:
    context: CheckContext
    name: str = "notebooks in sync"

    def run(self) -> Outcome:
        from scaffold.notebooks.extract import check_sync
        from scaffold.notebooks.project import recorded_notebooks

        root = self.context.project.root
        modules = [
            path
            for path in (root / "src").rglob("*.py")
            if recorded_notebooks(path.read_text(encoding="utf-8", errors="replace"))
        ]
        if not modules:
            return Outcome(Status.SKIPPED, "no module was extracted from a notebook")
        problems = check_sync(root)
        if not problems:
            verb = "matches its notebook" if len(modules) == 1 else "match their notebooks"
            return Outcome(Status.PASSED, f"{plural(len(modules), 'extracted module')} {verb}")
        first = problems[0]
        return Outcome(
            Status.FAILED,
            f"{plural(len(problems), 'difference')}: {first.message}",
            fix_hint=f"scaffold extract {first.notebook} (or --check to see what differs)",
            output="\n".join(f"{p.notebook} -> {p.module}: {p.message}" for p in problems),
        )


@dataclass(frozen=True)
class TemplateDriftStep:
    context: CheckContext
    name: str = "template drift"

    def run(self) -> Outcome:
        from scaffold.errors import ScaffoldError
        from scaffold.updating.drift import check_drift

        root = self.context.project.root
        if not (root / ".copier-answers.yml").is_file():
            return Outcome(Status.SKIPPED, "not generated from a copier template")
        try:
            drift = check_drift(root)
        except ScaffoldError as exc:
            return Outcome(Status.WARNED, f"cannot tell: {exc}")
        if drift.is_current:
            return Outcome(Status.PASSED, f"current with the template ({drift.current})")
        return Outcome(
            Status.WARNED,
            f"{plural(len(drift.behind), 'newer template version')}: {', '.join(drift.behind)}",
            fix_hint="scaffold update --diff, then scaffold update",
        )
