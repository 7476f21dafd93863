"""``scaffold new --template DIR`` with a cookiecutter template (detected by cookiecutter.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.updating.templates import git, run_cli


@pytest.fixture
def cookiecutter_template(tmp_path: Path) -> Path:
    root = tmp_path / "cc-template"
    project = root / "{{cookiecutter.project_slug}}"
    project.mkdir(parents=True)
    (root / "hooks").mkdir()
    context = {
        "project_name": "My Project",
        "project_slug": "{{ cookiecutter.project_name.lower().replace(' ', '-') }}",
        "license": ["MIT", "BSD"],
        "python_version": ["3.10", "3.12"],  # a choice that excludes the running Python
    }
    (root / "cookiecutter.json").write_text(json.dumps(context), encoding="utf-8")
    (project / "info.txt").write_text(
        "name={{ cookiecutter.project_name }} slug={{ cookiecutter.project_slug }} "
        "license={{ cookiecutter.license }} python={{ cookiecutter.python_version }}\n",
        encoding="utf-8",
    )
    (root / "hooks" / "post_gen_project.py").write_text(
        "from pathlib import Path\nPath('hook-ran.txt').write_text('yes')\n", encoding="utf-8"
    )
    return root


def test_renders_into_dest_itself_with_data_and_commits(
    cookiecutter_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    dest = tmp_path / "churn"

    code, output = run_cli(
        "new", str(dest), "--template", str(cookiecutter_template), "--defaults",
        "--data", "license=BSD",
    )  # fmt: skip

    assert code == 0, output
    assert (dest / "info.txt").read_text(encoding="utf-8") == (
        "name=churn slug=churn license=BSD python=3.10\n"
    )
    assert not (dest / "churn").exists()
    assert git(dest, "status", "--porcelain") == ""
    assert "info.txt" in git(dest, "ls-files")
    assert not (tmp_path / "home").exists()  # no replay files written to the user's home
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".churn")] == []


def test_hooks_run_only_with_trust(cookiecutter_template: Path, tmp_path: Path) -> None:
    untrusted, trusted = tmp_path / "untrusted", tmp_path / "trusted"
    template = str(cookiecutter_template)

    code, _ = run_cli("new", str(untrusted), "--template", template, "--defaults")
    assert code == 0
    assert not (untrusted / "hook-ran.txt").exists()

    code, _ = run_cli("new", str(trusted), "--template", template, "--defaults", "--trust")
    assert code == 0
    assert (trusted / "hook-ran.txt").read_text(encoding="utf-8") == "yes"


def test_a_value_the_template_does_not_offer_is_a_clear_error_leaving_nothing(
    cookiecutter_template: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "bad"

    code, output = run_cli(
        "new", str(dest), "--template", str(cookiecutter_template), "--defaults",
        "--data", "license=GPL",
    )  # fmt: skip

    assert code == 2
    assert "GPL" in output
    assert not dest.exists()


def test_a_key_the_template_does_not_ask_is_refused_with_the_closest(
    cookiecutter_template: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "typo"

    code, output = run_cli(
        "new", str(dest), "--template", str(cookiecutter_template), "--defaults",
        "--data", "licence=BSD",
    )  # fmt: skip

    assert code == 2
    assert "no question 'licence' (did you mean license?)" in output
    assert not dest.exists()
