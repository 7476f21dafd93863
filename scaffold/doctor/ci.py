"""ci.config: a GitHub Actions workflow or .gitlab-ci.yml that parses, has jobs and, when
check-jsonschema is installed, matches the CI provider's published schema."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from scaffold.doctor.model import Finding, failed, passed, warned
from scaffold.doctor.repo import Repo

GITLAB_FILE = ".gitlab-ci.yml"
# Top-level .gitlab-ci.yml keys that are settings, not jobs.
GITLAB_KEYWORDS = frozenset(
    {"default", "include", "stages", "variables", "workflow", "image", "services", "cache",
     "before_script", "after_script", "spec"}
)  # fmt: skip


class CIError(Exception):
    """A CI file that does not parse or has no jobs."""


@cache
def yaml_loader() -> type[Any]:
    """A safe loader reading YAML 1.2 booleans, so GitHub's ``on:`` stays the string "on"."""
    import yaml

    from scaffold.checks.project import safe_loader

    class Loader(safe_loader()):  # type: ignore[misc]
        pass

    bool_tag = "tag:yaml.org,2002:bool"
    Loader.yaml_implicit_resolvers = {
        first: [(tag, regex) for tag, regex in resolvers if tag != bool_tag]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    Loader.add_implicit_resolver(
        bool_tag, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )
    return Loader


def load_yaml(path: Path) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml_loader())
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CIError(f"{path.name} is not valid YAML ({str(exc).splitlines()[0]})") from exc
    if not isinstance(data, dict):
        raise CIError(f"{path.name} is not a YAML mapping")
    return data


def github_jobs(data: dict[str, Any]) -> list[str]:
    jobs = data.get("jobs")
    return [str(name) for name in jobs] if isinstance(jobs, dict) else []


def gitlab_jobs(data: dict[str, Any]) -> list[str]:
    return [
        str(name)
        for name, value in data.items()
        if str(name) not in GITLAB_KEYWORDS and not str(name).startswith(".")
        and isinstance(value, dict)
    ]  # fmt: skip


@cache
def vendored_schema(name: str) -> dict[str, Any] | None:
    """check-jsonschema's copy of a CI schema (works offline); None when it is not installed.

    Found without importing check_jsonschema: its package imports its whole CLI (seconds)."""
    from importlib.util import find_spec

    spec = find_spec("check_jsonschema")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations)))
    try:
        path = folder / "builtin_schemas" / "vendor" / f"{name}.json"
        schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return schema


# Violations GitHub and GitLab reject as the schema does: a missing required key, an unknown
# key, a value of the wrong kind. Anything else (an empty list, a pattern, an expression the
# schema cannot evaluate, an empty key) is schema strictness the provider accepts: a warning.
STRUCTURAL = frozenset({"required", "additionalProperties", "type"})


@dataclass(frozen=True)
class SchemaProblem:
    message: str  # "jobs.test.strategy: 'matrix' is a required property"
    structural: bool


@cache
def validator(schema_name: str) -> Any:
    """One validator per schema and run: building it compiles the schema's many patterns."""
    schema = vendored_schema(schema_name)
    if schema is None:
        return None
    try:
        import jsonschema
    except ModuleNotFoundError:
        return None
    return jsonschema.validators.validator_for(schema)(schema)


def leaf(error: Any) -> Any:
    """The violation under a ``oneOf``/``anyOf``: of the alternatives, the one the document
    nearly meets (fewest errors, not a different kind of value), then its best error."""
    from jsonschema.exceptions import best_match

    while error.context:
        groups: dict[Any, list[Any]] = {}
        for sub in error.context:
            groups.setdefault(sub.schema_path[0] if sub.schema_path else 0, []).append(sub)

        def distance(errors: list[Any]) -> tuple[bool, int, int]:
            wrong_kind = any(e.validator == "type" and not e.path for e in errors)
            return wrong_kind, len(errors), -max(len(e.absolute_path) for e in errors)

        error = best_match(min(groups.values(), key=distance))
    return error


def short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def describe_error(error: Any) -> SchemaProblem:
    where = ".".join(str(part) for part in error.absolute_path) or "top level"
    message = str(error.message)
    if message.startswith(repr(error.instance)):
        message = short(error.instance) + message[len(repr(error.instance)) :]
    expression = "${{" in json.dumps(error.instance, default=str)
    structural = error.validator in STRUCTURAL and error.instance is not None and not expression
    return SchemaProblem(f"{where}: {message[:200]}", structural)


def schema_problem(data: dict[str, Any], schema_name: str) -> SchemaProblem | None:
    """The most relevant schema violation, or None (also when no validator is installed)."""
    from jsonschema.exceptions import best_match

    checker = validator(schema_name)
    if checker is None:
        return None
    error = best_match(checker.iter_errors(data))
    return None if error is None else describe_error(leaf(error))


@dataclass(frozen=True)
class Checked:
    jobs: int
    warning: str = ""  # schema strictness the provider accepts


def check_file(path: Path, schema_name: str, jobs_of: Any) -> Checked:
    """A CI file's jobs and warning; CIError when it parses badly, has none, or is invalid."""
    data = load_yaml(path)
    jobs = jobs_of(data)
    if not jobs and not data.get("include"):
        raise CIError(f"{path.name} defines no jobs")
    problem = schema_problem(data, schema_name)
    if problem and problem.structural:
        raise CIError(f"{path.name} does not match the {schema_name} schema: {problem.message}")
    warning = f"{path.name}: {problem.message} (the schema is stricter here)" if problem else ""
    return Checked(len(jobs), warning)


def ci_files(repo: Repo) -> list[tuple[Path, str, Any]]:
    workflows = [
        p for p in repo.files
        if p.parent == Path(".github/workflows") and p.suffix in {".yml", ".yaml"}
    ]  # fmt: skip
    found = [(repo.root / p, "github-workflows", github_jobs) for p in workflows]
    if repo.exists(GITLAB_FILE):
        found.append((repo.root / GITLAB_FILE, "gitlab-ci", gitlab_jobs))
    return found


def ci_config(repo: Repo) -> Finding:
    files = ci_files(repo)
    if not files:
        return failed("no CI configuration (.github/workflows/*.yml or .gitlab-ci.yml)")
    try:
        results = [check_file(*entry) for entry in files]
    except CIError as exc:
        return failed(str(exc))
    checked = "schema-checked" if vendored_schema("github-workflows") else "not schema-checked"
    summary = f"{len(files)} CI file(s), {sum(r.jobs for r in results)} job(s), {checked}"
    warnings = [result.warning for result in results if result.warning]
    if warnings:
        return warned(f"{summary}; {'; '.join(warnings[:2])}", "fix it if the provider rejects it")
    return passed(summary)
