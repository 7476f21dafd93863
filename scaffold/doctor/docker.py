"""Docker rules: a Dockerfile whose final stage runs as a non-root user with a HEALTHCHECK."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scaffold.doctor.model import Finding, failed, passed, skipped
from scaffold.doctor.repo import Repo

ROOT_USERS = frozenset({"root", "0"})


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper case, e.g. "USER"
    arguments: str


def instructions(text: str) -> list[Instruction]:
    """Dockerfile instructions with continuation lines joined and comments dropped."""
    found: list[Instruction] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or (line.startswith("#") and not pending):
            continue
        if line.startswith("#"):
            continue  # a comment inside a continued instruction
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, arguments = (pending + line).partition(" ")
        found.append(Instruction(keyword.upper(), arguments.strip()))
        pending = ""
    return found


def final_stage(text: str) -> list[Instruction]:
    """The instructions of the last stage: what the image runs."""
    steps = instructions(text)
    starts = [i for i, step in enumerate(steps) if step.keyword == "FROM"]
    return steps[starts[-1] :] if starts else steps


def find_dockerfile(repo: Repo) -> Path | None:
    if repo.exists("Dockerfile"):
        return Path("Dockerfile")
    candidates = [
        p for p in repo.files
        if p.name == "Dockerfile" or p.name.startswith("Dockerfile.") or p.suffix == ".Dockerfile"
    ]  # fmt: skip
    return candidates[0] if candidates else None


def dockerfile_present(repo: Repo) -> Finding:
    path = find_dockerfile(repo)
    return passed(f"{path}") if path else failed("no Dockerfile")


def runtime_user(stage: list[Instruction]) -> str | None:
    users = [step.arguments.split(":")[0].strip() for step in stage if step.keyword == "USER"]
    return users[-1] if users else None


def dockerfile_non_root(repo: Repo) -> Finding:
    path = find_dockerfile(repo)
    if path is None:
        return skipped("no Dockerfile")
    user = runtime_user(final_stage(repo.text(path)))
    if user is None:
        return failed(f"{path}: the final stage sets no USER, so the container runs as root")
    if user in ROOT_USERS:
        return failed(f"{path}: the final stage runs as USER {user}")
    return passed(f"{path}: runs as USER {user}")


def dockerfile_healthcheck(repo: Repo) -> Finding:
    path = find_dockerfile(repo)
    if path is None:
        return skipped("no Dockerfile")
    stage = final_stage(repo.text(path))
    checks = [step for step in stage if step.keyword == "HEALTHCHECK"]
    if not checks:
        return failed(f"{path}: the final stage has no HEALTHCHECK")
    if not checks[-1].arguments.upper().startswith("NONE"):
        return passed(f"{path}: HEALTHCHECK set")
    ports = [port for step in stage if step.keyword == "EXPOSE" for port in step.arguments.split()]
    if ports:
        return failed(f"{path}: HEALTHCHECK NONE on an image that serves port {', '.join(ports)}")
    return passed(f"{path}: HEALTHCHECK NONE on purpose: the image exposes no port (a batch job)")
