"""ci.config: a GitHub Actions workflow or .gitlab-ci.yml that parses, has jobs and, when
check-jsonschema is installed, matches the CI provider's published schema."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from scaffold.doctor.model import Finding, failed, passed
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

    class Loader(yaml.SafeLoader):
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
    """check-jsonschema's copy of a CI schema (works offline); None when it is not installed."""
    from importlib import resources

    try:
        files = resources.files("check_jsonschema.builtin_schemas.vendor")
        schema: dict[str, Any] = json.loads((files / f"{name}.json").read_text(encoding="utf-8"))
    except (ModuleNotFoundError, OSError, ValueError):
        return None
    return schema


def schema_error(data: dict[str, Any], schema_name: str) -> str | None:
    """The most relevant schema violation, or None (also when no validator is installed)."""
    schema = vendored_schema(schema_name)
    if schema is None:
        return None
    try:
        import jsonschema
    except ModuleNotFoundError:
        return None
    validator = jsonschema.validators.validator_for(schema)(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is None:
        return None
    where = "/".join(str(part) for part in error.absolute_path) or "top level"
    return f"{where}: {error.message[:160]}"


def check_file(path: Path, schema_name: str, jobs_of: Any) -> int:
    """The number of jobs in a CI file; CIError when it parses badly, has none, or is invalid."""
    data = load_yaml(path)
    jobs = jobs_of(data)
    if not jobs and not data.get("include"):
        raise CIError(f"{path.name} defines no jobs")
    if problem := schema_error(data, schema_name):
        raise CIError(f"{path.name} does not match the {schema_name} schema: {problem}")
    return len(jobs)


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
        jobs = sum(check_file(*entry) for entry in files)
    except CIError as exc:
        return failed(str(exc))
    checked = "schema-checked" if vendored_schema("github-workflows") else "not schema-checked"
    return passed(f"{len(files)} CI file(s), {jobs} job(s), {checked}")
