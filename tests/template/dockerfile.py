"""Running a generated Dockerfile without Docker, to test what it would build and serve.

There is no Docker engine in CI or on most laptops running these tests, so this executes
the Dockerfile's own instructions in a temporary folder: the build context is copied the way
``.dockerignore`` filters it, ``WORKDIR``/``ENV``/``COPY``/``RUN`` run in order with the
image's ``/opt/venv`` mapped to a local venv, and the final stage's ``CMD`` is started on a
free localhost port. Adapting it to the host means: no user is created (`useradd` is
skipped; the tests already run unprivileged), uv comes from the test environment (the
RUN that pip-installs uv into the image is skipped), ``uv venv`` uses the interpreter
running the tests, and uv's cache is allowed (``--no-cache`` dropped) so it is fast.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from scaffold.projectenv import find_uv


@dataclass(frozen=True)
class Instruction:
    keyword: str
    args: str


def parse(dockerfile: Path) -> list[list[Instruction]]:
    """Stages, each a list of instructions (continuation lines joined, comments dropped)."""
    text = re.sub(r"\\\n", " ", dockerfile.read_text(encoding="utf-8"))
    stages: list[list[Instruction]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, args = line.partition(" ")
        if keyword.upper() == "FROM":
            stages.append([])
        if stages:
            stages[-1].append(Instruction(keyword.upper(), args.strip()))
    return stages


@dataclass(frozen=True)
class DockerIgnore:
    """Docker's .dockerignore rules: last matching pattern wins, ``!`` re-includes."""

    rules: list[tuple[re.Pattern[str], bool]] = field(default_factory=list)

    @classmethod
    def load(cls, context: Path) -> DockerIgnore:
        lines = (context / ".dockerignore").read_text(encoding="utf-8").splitlines()
        rules = []
        for raw in lines:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            include = line.startswith("!")
            pattern = line.lstrip("!").strip("/")
            rules.append((re.compile(_to_regex(pattern)), include))
        return cls(rules)

    def excluded(self, path: Path) -> bool:
        """A path is excluded when it, or a folder above it, matches an exclusion last."""
        parts = path.parts
        verdict = False
        for pattern, include in self.rules:
            prefixes = ("/".join(parts[: i + 1]) for i in range(len(parts)))
            if any(pattern.fullmatch(prefix) for prefix in prefixes):
                verdict = not include
        return verdict


def _to_regex(pattern: str) -> str:
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        elif pattern[i] == "[":
            end = pattern.index("]", i)
            out, i = out + pattern[i : end + 1], end + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return out


def copy_context(project: Path, dest: Path) -> Path:
    """The build context as Docker would send it."""
    ignore = DockerIgnore.load(project)
    for source in sorted(project.rglob("*")):
        relative = source.relative_to(project)
        if source.is_file() and not ignore.excluded(relative):
            target = dest / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return dest


@dataclass
class Build:
    """State of a build: the image's filesystem roots mapped onto local folders."""

    context: Path
    root: Path  # stands for "/" of the builder image
    venv: Path  # stands for /opt/venv
    env: dict[str, str]
    workdir: Path

    def host(self, image_path: str) -> Path:
        if image_path.startswith("/opt/venv"):
            return Path(str(self.venv) + image_path[len("/opt/venv") :])
        if image_path.startswith("/"):
            return self.root / image_path.lstrip("/")
        return self.workdir / image_path

    def adapt(self, command: str) -> str:
        command = command.replace("/opt/venv", str(self.venv))
        command = command.replace("uv venv ", f"uv venv --python {sys.executable} ")
        return command.replace(" --no-cache ", " ")


def _set_env(build: Build, args: str) -> None:
    for pair in shlex.split(args):
        key, _, value = pair.partition("=")
        expanded = re.sub(r"\$(\w+)", lambda m: build.env.get(m.group(1), ""), value)
        build.env[key] = expanded.replace("/opt/venv", str(build.venv))


def _copy(build: Build, args: str, stages: dict[str, Build]) -> None:
    words = args.split()
    origin = build.context
    if words[0].startswith("--from="):
        origin_build = stages[words.pop(0).split("=", 1)[1]]
        *sources, target = words
        for source in sources:
            _copy_path(origin_build.host(source), build.host(target))
        return
    *sources, target = words
    # A wildcard may match nothing (`uv.lock*` before a lock is committed), as in BuildKit.
    matched = [m for s in sources for m in (sorted(origin.glob(s)) if "*" in s else [origin / s])]
    for source in matched:
        _copy_path(source, build.host(target), into=target.endswith("/"))


def _copy_path(source: Path, target: Path, into: bool = False) -> None:
    if source.resolve() == target.resolve():
        return  # /opt/venv of both stages is the same local venv
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True)
    else:
        destination = target / source.name if into else target
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination)


def _run(build: Build, command: str) -> None:
    if re.search(r"pip install [^&]*\buv==", command):
        command = re.sub(r"pip install [^&]*\buv==\S+\s*(&&)?", "", command).strip()
        if not command:
            return
    result = subprocess.run(
        ["bash", "-c", build.adapt(command)],
        cwd=build.workdir,
        env=build.env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"RUN {command} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
        )


def build(project: Path, scratch: Path) -> tuple[Build, list[str]]:
    """Execute every stage; return the final stage's state and its command (CMD args)."""
    context = copy_context(project, scratch / "context")
    venv = scratch / "opt-venv"
    # The host's environment (proxies, certificates, uv settings) minus any active venv.
    base_env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONHOME")}
    # uv as scaffold finds it (the test environment's, a dependency of scaffold), first on
    # PATH even when that environment is not activated; nothing else of it is put on PATH.
    tools = scratch / "tools"
    tools.mkdir()
    (tools / "uv").symlink_to(find_uv())
    base_env["PATH"] = f"{tools}{os.pathsep}{base_env.get('PATH', '')}"
    stages: dict[str, Build] = {}
    current: Build | None = None
    command: list[str] = []
    for number, stage in enumerate(parse(project / "Dockerfile")):
        root = scratch / f"stage-{number}"
        current = Build(context, root, venv, dict(base_env), root)
        root.mkdir(parents=True)
        for instruction in stage:
            command = _apply(current, instruction, stages, command)
        name = stage[0].args.split(" AS ")[-1].strip() if " AS " in stage[0].args else ""
        stages[name or str(number)] = current
    assert current is not None, "the Dockerfile has no stage"
    return current, command


def _apply(
    build: Build, instruction: Instruction, stages: dict[str, Build], command: list[str]
) -> list[str]:
    import json

    keyword, args = instruction.keyword, instruction.args
    if keyword == "ENV":
        _set_env(build, args)
    elif keyword == "WORKDIR":
        build.workdir = build.host(args)
        build.workdir.mkdir(parents=True, exist_ok=True)
    elif keyword == "COPY":
        _copy(build, args, stages)
    elif keyword == "RUN" and not args.startswith("useradd"):
        _run(build, args)
    elif keyword in ("CMD", "ENTRYPOINT"):
        return [*command, *json.loads(args)] if keyword == "CMD" else json.loads(args)
    return command
