"""``lint --fix`` as a transaction: the fixers rewrite a scratch mirror, scaffold writes back."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from scaffold.checks.context import CheckContext
from scaffold.checks.fixing import WriteFixesStep, fixing_in_scratch
from scaffold.checks.model import Status
from tests.checks.repos import (
    add_lint_error,
    add_notebook_with_outputs,
    add_unformatted_file,
    clean_repo,
)

runner = CliRunner()


def lint_fix(repo: Path) -> tuple[int, dict[str, Any]]:
    from scaffold.cli import app

    result = runner.invoke(app, ["lint", "--fix", "--json", "-C", str(repo)])
    return result.exit_code, json.loads(result.stdout)


def step(report: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in report["steps"] if s["name"] == name)


def test_fixes_are_written_back_in_one_last_step(tmp_path: Path) -> None:
    repo = clean_repo(tmp_path)
    loader = add_lint_error(repo)
    scale = add_unformatted_file(repo)
    notebook = add_notebook_with_outputs(repo)
    untouched = repo / "src" / "tiny" / "__init__.py"
    inode = untouched.stat().st_ino
    code, report = lint_fix(repo)
    assert code == 0, report
    written = step(report, "write fixes")
    assert written["status"] == "passed"
    assert written["output"].splitlines() == sorted(
        p.relative_to(repo).as_posix() for p in (loader, scale, notebook)
    )
    assert untouched.stat().st_ino == inode  # a file no fixer changed is not rewritten
    assert not [p for p in repo.rglob("*.scaffold-tmp")]
    assert not list(Path(tempfile.gettempdir()).glob(f"scaffold-fix-{os.getpid()}-*"))


def test_a_file_changed_while_the_fixers_ran_stops_every_write(tmp_path: Path) -> None:
    repo = clean_repo(tmp_path)
    loader = add_lint_error(repo)
    scale = add_unformatted_file(repo)
    before = scale.read_bytes()
    context = CheckContext.create(repo, fix=True)
    with fixing_in_scratch(context) as fixing:
        assert fixing.mirror is not None
        for relative in (loader, scale):
            copy = fixing.mirror.root / relative.relative_to(repo)
            copy.write_text("# fixed\n")
        loader.write_text("# the user's edit, saved meanwhile\n")
        outcome = WriteFixesStep(fixing).run()
    assert outcome.status is Status.FAILED
    assert "nothing written" in outcome.summary and "loader.py" in outcome.summary
    assert loader.read_text() == "# the user's edit, saved meanwhile\n"
    assert scale.read_bytes() == before


def test_the_configuration_of_a_monorepo_root_applies_under_fix(tmp_path: Path) -> None:
    # ruff.toml at the monorepo's root, the project a folder below it without [tool.ruff]:
    # the fixers in the mirror must find the same configuration as in place.
    monorepo = tmp_path / "mono"
    monorepo.mkdir()
    subprocess.run(["git", "init", "-q", str(monorepo)], check=True)
    (monorepo / "ruff.toml").write_text('[lint]\nignore = ["F401"]\n')
    project = monorepo / "services" / "api"
    project.mkdir(parents=True)
    (project / "pyproject.toml").write_text('[project]\nname = "api"\nversion = "0"\n')
    module = project / "api.py"
    module.write_text("import os\n\nprint(1)\n")  # unused: F401, which the root ignores
    code, report = lint_fix(project)
    assert code == 0, report
    assert module.read_text() == "import os\n\nprint(1)\n"


def test_a_symlinked_module_is_fixed_as_its_target_and_stays_a_link(tmp_path: Path) -> None:
    repo = clean_repo(tmp_path)
    loader = add_lint_error(repo)
    link = repo / "src" / "tiny" / "alias.py"
    link.symlink_to(loader.name)
    code, report = lint_fix(repo)
    assert code == 0, report
    assert link.is_symlink() and "import os" not in loader.read_text()


def test_an_interrupted_fix_in_the_mirror_changes_nothing(tmp_path: Path) -> None:
    repo = clean_repo(tmp_path)
    loader = add_lint_error(repo)
    before = loader.read_bytes()
    context = CheckContext.create(repo, fix=True)
    try:
        with fixing_in_scratch(context) as fixing:
            from scaffold.checks.lint import lint_steps

            for lint_step in lint_steps(fixing)[:-1]:  # every fixer, not the write-back
                lint_step.run()
            assert fixing.mirror is not None
            mirrored = fixing.mirror.root / loader.relative_to(repo)
            assert b"import os" not in mirrored.read_bytes()
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    assert loader.read_bytes() == before
    assert not fixing.mirror.root.exists()
