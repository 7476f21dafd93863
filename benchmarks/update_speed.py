"""``scaffold update`` next to ``copier update``: the same project, the same two releases.

    python benchmarks/update_speed.py            # 3 runs of each, medians
    python benchmarks/update_speed.py --runs 1

The template is the bundled one, committed to a fresh git repository as ``v1.0.0``, with a
``v2.0.0`` that changes what a real release changes (a README line, a Makefile target, a new
module, a setting in a config, one file deleted). A project is generated at v1.0.0 with
``scaffold new --defaults`` and given user edits (a line in the README, a function in
``features.py``, a notebook deleted), committed. Each run updates its own copy of that
project to v2.0.0: scaffold with ``scaffold update``, copier with
``copier update --defaults --conflict inline --skip-answered --vcs-ref v2.0.0``
(what scaffold asks copier for). The resulting trees are compared file by file.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} is not installed: pip install -e '.[test]'")
    return found


def sh(args: list[str], cwd: Path, env: dict[str, str]) -> float:
    return timed(args, cwd, env)[0]


def timed(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock seconds, and CPU seconds (user + system, the command and its children)."""
    import resource

    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} exited {result.returncode}\n{result.stderr}")
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    return elapsed, cpu


def git(repo: Path, env: dict[str, str], *args: str) -> None:
    sh(["git", "-c", "user.name=bench", "-c", "user.email=b@b", *args], repo, env)


def make_template(work: Path, env: dict[str, str]) -> Path:
    template = work / "template"
    shutil.copytree(ROOT / "template", template, ignore=shutil.ignore_patterns("__pycache__"))
    git(template, env, "init", "--quiet", "--initial-branch=main")
    git(template, env, "add", "--all")
    git(template, env, "commit", "--quiet", "-m", "v1")
    git(template, env, "tag", "v1.0.0")
    project = template / "project"
    readme = project / "README.md.jinja"
    readme.write_text(readme.read_text(encoding="utf-8") + "\nSee CONTRIBUTING.md.\n", "utf-8")
    makefile = project / "Makefile.jinja"
    makefile.write_text(
        makefile.read_text(encoding="utf-8") + "\nclean-cache:\n\trm -rf .ruff_cache\n", "utf-8"
    )
    (project / "src/{{ package_name }}/schemas.py").write_text('"""Schemas."""\n', "utf-8")
    dev = project / "configs/dev.toml.jinja"
    dev.write_text(dev.read_text(encoding="utf-8") + "\n# release 2\n", "utf-8")
    (project / "docs/adr/0001-record-architecture-decisions.md").unlink()
    git(template, env, "add", "--all")
    git(template, env, "commit", "--quiet", "-m", "v2")
    git(template, env, "tag", "v2.0.0")
    return template


def make_project(work: Path, template: Path, env: dict[str, str]) -> Path:
    project = work / "benchproj"
    sh(
        [tool("scaffold"), "new", str(project), "--template", str(template), "--vcs-ref",
         "v1.0.0", "--defaults"],
        work,
        env,
    )  # fmt: skip
    readme = project / "README.md"
    title, rest = readme.read_text(encoding="utf-8").split("\n", 1)
    readme.write_text(f"{title}\n\nOur team's notes.\n{rest}", "utf-8")
    features = next(project.glob("src/*/features.py"))
    features.write_text(
        features.read_text(encoding="utf-8") + "\n\ndef ours() -> int:\n    return 1\n", "utf-8"
    )
    for notebook in project.glob("notebooks/*.ipynb"):
        notebook.unlink()
    git(project, env, "add", "--all")
    git(project, env, "commit", "--quiet", "-m", "our edits")
    return project


def files(folder: Path) -> dict[str, bytes]:
    found = {}
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if path.is_file() and ".git" not in relative.parts:
            found[relative.as_posix()] = path.read_bytes()
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="scaffold-bench-update-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "HOME": str(work / "home"), "XDG_CONFIG_HOME": str(work / "cfg")}
        for name in ("SCAFFOLD_TEMPLATE", "SCAFFOLD_CONFIG", "SCAFFOLD_DATA_DIR", "PYTHONPATH"):
            env.pop(name, None)
        template = make_template(work, env)
        project = make_project(work, template, env)
        commands = {
            "scaffold update": [tool("scaffold"), "update", "--to", "v2.0.0"],
            "copier update": [
                tool("copier"), "update", "--defaults", "--conflict", "inline",
                "--skip-answered", "--vcs-ref", "v2.0.0",
            ],
        }  # fmt: skip
        times: dict[str, list[float]] = {name: [] for name in commands}
        cpus: dict[str, list[float]] = {name: [] for name in commands}
        results: dict[str, dict[str, bytes]] = {}
        for index in range(options.runs):
            for name, args in commands.items():  # interleaved, so load hits both alike
                copy = work / f"{name.split()[0]}-{index}"
                shutil.copytree(project, copy, symlinks=True)
                wall, cpu = timed(args, copy, env)
                times[name].append(wall)
                cpus[name].append(cpu)
                results[name] = files(copy)
                print(f"  {name} run {index + 1}: {wall:.2f}s, cpu {cpu:.2f}s", file=sys.stderr)
    first = statistics.median(times["copier update"])
    first_cpu = statistics.median(cpus["copier update"])
    print(
        "| command | median | min | max | runs | vs copier | CPU (median) | CPU vs copier |\n"
        "|---|--:|--:|--:|--:|--:|--:|--:|"
    )
    for name, measured in times.items():
        median, cpu = statistics.median(measured), statistics.median(cpus[name])
        print(
            f"| `{name}` | {median:.2f} s | {min(measured):.2f} s | {max(measured):.2f} s "
            f"| {len(measured)} | {median / first:.2f}x | {cpu:.2f} s | {cpu / first_cpu:.2f}x |"
        )
    same = results["scaffold update"] == results["copier update"]
    differ = sorted(
        path
        for path in set(results["scaffold update"]) | set(results["copier update"])
        if results["scaffold update"].get(path) != results["copier update"].get(path)
    )
    print(f"\nsame files after the update: {'yes' if same else 'no: ' + ', '.join(differ)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
