"""The documents a team agrees on before the work: a project charter and a glossary.

A rule passes when the document exists, says something (a few dozen words) and carries no
placeholder left to fill in: ``TODO``, ``TBD``, ``FIXME``, ``lorem ipsum``, ``[fill in ...]``
or unrendered template syntax. The bundled template ships both documents filled in for its
demo model, so a fresh project passes; a team template that ships them as placeholders fails
until someone writes them (docs/doctor.md).
"""

from __future__ import annotations

import re
from pathlib import Path

from scaffold.doctor.model import Finding, Rule, Severity, failed, passed
from scaffold.doctor.repo import Repo

MIN_WORDS = 40
# TODO, TBD and FIXME in capitals only: "a to-do list" in a real charter is fine.
PLACEHOLDER = re.compile(r"\b(TODO|TBD|FIXME)\b|(?i:lorem ipsum|\[fill in\b)|\{\{|\{%")
SHOWN = 3  # placeholder lines named in the reason


def _find(repo: Repo, stem: str) -> Path | None:
    """``docs/<stem>.md`` first, then any Markdown file named like it at the top or in docs/."""
    preferred = Path("docs") / f"{stem}.md"
    if repo.exists(str(preferred)):
        return preferred
    key = stem.replace("-", "").replace("_", "").upper()
    for path in repo.matching("*.md"):
        name = path.stem.replace("-", "").replace("_", "").upper()
        if name == key and (len(path.parts) == 1 or path.parts[0] == "docs"):
            return path
    return None


def _placeholders(text: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), 1) if PLACEHOLDER.search(line)]


def document_written(repo: Repo, stem: str, what: str) -> Finding:
    path = _find(repo, stem)
    if path is None:
        return failed(f"no docs/{stem}.md ({what})")
    text = repo.text(path)
    words = len(re.findall(r"\w+", text))
    if words < MIN_WORDS:
        return failed(f"{path} has {words} words: it is not written yet")
    lines = _placeholders(text)
    if lines:
        shown = ", ".join(str(n) for n in lines[:SHOWN]) + (" ..." if len(lines) > SHOWN else "")
        return failed(f"{path} still has placeholder text (line {shown})")
    return passed(f"{path}, {words} words, no placeholder left")


def charter_written(repo: Repo) -> Finding:
    return document_written(repo, "project-charter", "objectives, KPIs, budgets, owners")


def glossary_written(repo: Repo) -> Finding:
    return document_written(repo, "glossary", "the team's shared vocabulary")


RULES: tuple[Rule, ...] = (
    Rule("docs.charter", "a project charter the team wrote (not the template's placeholders)", Severity.MINOR,
         "write docs/project-charter.md: the problem, users, KPIs and the offline metric standing for each, latency and cost budgets, batch or real-time, owners; replace every TODO/TBD",
         charter_written),
    Rule("docs.glossary", "a glossary of the team's shared vocabulary (not the template's placeholders)", Severity.MINOR,
         "write docs/glossary.md: one entry per term the team uses (drift, data leakage, baseline, champion/challenger, ...); replace every TODO/TBD",
         glossary_written),
)  # fmt: skip
