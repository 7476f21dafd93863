"""What a generated project records about its template (``.copier-answers.yml``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffold.errors import ScaffoldError

ANSWERS_FILE = ".copier-answers.yml"


@dataclass(frozen=True)
class TemplateRecord:
    """The template a project came from and the answers given to it."""

    project: Path
    src_path: str
    commit: str | None  # ``git describe`` of the template when rendered, e.g. "v1.2.0-3-gabc"
    answers: dict[str, Any]  # the user's answers, without copier's private ``_`` keys


def read_record(project: Path) -> TemplateRecord:
    """Read ``project/.copier-answers.yml``; raise ScaffoldError when it is missing or broken."""
    from scaffold import readers

    path = project / ANSWERS_FILE
    if not path.is_file():
        raise ScaffoldError(
            f"{project} has no {ANSWERS_FILE}: it was not generated from a copier template "
            "(cookiecutter projects cannot be updated)"
        )
    raw = readers.load_yaml(path, "answers file") or {}
    if not isinstance(raw, dict) or not raw.get("_src_path"):
        raise ScaffoldError(f"{path} does not say which template the project came from")
    readers.expand_user(str(raw["_src_path"]), f"{path}: _src_path")
    commit = raw.get("_commit")
    return TemplateRecord(
        project=project,
        src_path=str(raw["_src_path"]),
        commit=str(commit) if commit else None,
        answers={str(k): v for k, v in raw.items() if not str(k).startswith("_")},
    )


def require_version(record: TemplateRecord) -> str:
    """The recorded template version; ScaffoldError when the template was not versioned."""
    if not record.commit:
        raise ScaffoldError(
            f"the project records no template version: {record.src_path} was not a git "
            "repository with version tags when it was generated, so there is nothing to "
            "update from (start a versioned team template with `scaffold template init`)"
        )
    return record.commit
