"""``scaffold new``: behaviour on a tiny template (fast) and on the bundled one (slow)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scaffold.cli import app

runner = CliRunner()


@pytest.fixture
def tiny_template(tmp_path: Path) -> Path:
    """A copier template with the bundled template's name questions and one file."""
    root = tmp_path / "tiny"
    (root / "project").mkdir(parents=True)
    (root / "copier.yml").write_text(
        "_subdirectory: project\n"
        "project_name: {type: str}\n"
        "package_name: {type: str, default: \"{{ project_name | lower | replace('-', '_') }}\"}\n"
        "python_version: {type: str, default: '3.11'}\n"
        "preset: {type: str, choices: [small, large], default: small}\n"
        "fail: {type: bool, default: false}\n",
        encoding="utf-8",
    )
    (root / "project" / "info.txt.jinja").write_text(
        "{{ package_name }} on {{ python_version }}\n", encoding="utf-8"
    )
    (root / "project" / "{{ _copier_conf.answers_file }}.jinja").write_text(
        "{{ _copier_answers | to_nice_yaml }}", encoding="utf-8"
    )
    # Rendering this file fails when fail=true: a template error half-way through.
    (root / "project" / "zz_late.txt.jinja").write_text(
        "{% if fail %}{{ undefined_function() }}{% endif %}ok\n", encoding="utf-8"
    )
    return root


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def main(*args: str) -> subprocess.CompletedProcess[str]:
    """Through the real entry point, where ScaffoldError becomes ``error: ...`` and exit 2."""
    import sys

    return subprocess.run(
        [sys.executable, "-m", "scaffold", *args], capture_output=True, text=True, check=False
    )


def test_renders_into_dest_commits_and_prints_next_steps(
    tiny_template: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "churn-model"
    result = main("new", str(dest), "--template", str(tiny_template), "--defaults")
    assert result.returncode == 0, result.stderr
    assert (dest / "info.txt").read_text() == f"churn_model on {_running_python()}\n"
    log = subprocess.run(["git", "log", "--oneline"], cwd=dest, capture_output=True, text=True)
    assert len(log.stdout.splitlines()) == 1
    clean = subprocess.run(
        ["git", "status", "--porcelain"], cwd=dest, capture_output=True, text=True
    )
    assert clean.stdout == ""
    assert "Next steps" in result.stdout


def test_data_overrides_answers_and_no_git_skips_the_repo(
    tiny_template: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "p"
    result = main(
        "new", str(dest), "-t", str(tiny_template), "--defaults", "--no-git",
        "--data", "package_name=churn", "-d", "python_version=3.12",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (dest / "info.txt").read_text() == "churn on 3.12\n"
    assert not (dest / ".git").exists()


def _running_python() -> str:
    import sys

    return f"{sys.version_info.major}.{sys.version_info.minor}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--data", "package_name=class"], "is a Python keyword"),
        (["--data", "package_name=1model"], "starts with a digit"),
        (["--data", "package_name="], "the package name is empty"),
        (["--data", "package_name=os"], "would shadow"),
        (["--data", "project_name=../../etc"], "contains a path separator"),
        (["--data", "project_name=   "], "the project name is empty"),
        (["--data", "no-equals-sign"], "--data takes key=value"),
        (["--preset", "huge"], "unknown preset 'huge'; this template has: small, large"),
        (["--data", "pakage_name=x"], "no question 'pakage_name' (did you mean package_name?)"),
        (["--preset", "small", "--data", "preset=large"], "--preset small and --data preset=large"),
        (["--data", "zzz=1"], "no question 'zzz' (it asks: fail, package_name, preset,"),
    ],
)
def test_bad_names_and_options_are_one_line_errors(
    tiny_template: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    dest = tmp_path / "p"
    result = main("new", str(dest), "-t", str(tiny_template), "--defaults", *args)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ")
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not dest.exists()


def test_a_derived_package_name_is_validated_too(tiny_template: Path, tmp_path: Path) -> None:
    dest = tmp_path / "2024-forecast"
    result = main("new", str(dest), "-t", str(tiny_template), "--defaults")
    assert result.returncode == 2
    assert "starts with a digit" in result.stderr
    assert list(tmp_path.iterdir()) == [tiny_template]


def test_missing_template_is_an_error(tmp_path: Path) -> None:
    result = main("new", str(tmp_path / "p"), "--template", str(tmp_path / "nowhere"), "--defaults")
    assert result.returncode == 2
    assert "template not found" in result.stderr
    assert not (tmp_path / "p").exists()


def test_a_folder_that_is_not_a_template_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    result = main("new", str(tmp_path / "p"), "--template", str(tmp_path / "plain"), "--defaults")
    assert result.returncode == 2
    assert "neither copier.yml nor cookiecutter.json" in result.stderr


def test_non_empty_destination_is_refused_and_untouched(
    tiny_template: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "existing"
    dest.mkdir()
    (dest / "info.txt").write_text("mine\n")
    result = main("new", str(dest), "-t", str(tiny_template), "--defaults")
    assert result.returncode == 2
    assert "is not empty" in result.stderr
    assert [p.name for p in dest.iterdir()] == ["info.txt"]
    assert (dest / "info.txt").read_text() == "mine\n"


def test_force_keeps_existing_files_and_overwrite_replaces_them(
    tiny_template: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "existing"
    dest.mkdir()
    (dest / "info.txt").write_text("mine\n")
    kept = main("new", str(dest), "-t", str(tiny_template), "--defaults", "--force", "--no-git")
    assert kept.returncode == 0, kept.stderr
    assert (dest / "info.txt").read_text() == "mine\n"
    assert (dest / "zz_late.txt").is_file()
    assert "kept" in kept.stdout and "info.txt" in kept.stdout
    replaced = main(
        "new",
        str(dest),
        "-t",
        str(tiny_template),
        "--defaults",
        "--force",
        "--overwrite",
        "--no-git",
    )
    assert replaced.returncode == 0, replaced.stderr
    assert (dest / "info.txt").read_text() == f"existing on {_running_python()}\n"


def test_force_commits_only_the_template_files_not_the_folders_own(
    tiny_template: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "existing"
    dest.mkdir()
    (dest / "creds.json").write_text('{"token": "secret"}\n')
    (dest / "info.txt").write_text("mine\n")
    result = main("new", str(dest), "-t", str(tiny_template), "--defaults", "--force")
    assert result.returncode == 0, result.stderr
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=dest, capture_output=True, text=True, check=True
    ).stdout.split()
    assert sorted(tracked) == [".copier-answers.yml", "zz_late.txt"]
    untracked = subprocess.run(
        ["git", "status", "--porcelain"], cwd=dest, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert sorted(untracked) == ["?? creds.json", "?? info.txt"]
    assert "template's files only" in result.stdout


def test_a_failing_render_leaves_nothing_behind(tiny_template: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    result = main("new", str(work / "p"), "-t", str(tiny_template), "--defaults", "-d", "fail=true")
    assert result.returncode == 2
    assert "failed to render" in result.stderr
    assert list(work.iterdir()) == []


def test_ctrl_c_during_render_leaves_nothing_behind(
    tiny_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import copier

    from scaffold.commands.new import NewOptions, create_project

    def interrupted(*args: object, **kwargs: object) -> None:
        target = Path(str(args[1]))
        target.mkdir(parents=True)
        (target / "half-written.txt").write_text("partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(copier, "run_copy", interrupted)
    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(KeyboardInterrupt):
        create_project(NewOptions(dest=work / "p", template=str(tiny_template), defaults=True))
    assert list(work.iterdir()) == []


def test_template_choice_order_flag_env_config_bundled(
    tiny_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scaffold.settings import bundled_template, config_path, resolve_template

    assert resolve_template(None).source == str(bundled_template())
    config = config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'template = "{tmp_path / "from-config"}"\n')
    assert resolve_template(None).source == str(tmp_path / "from-config")
    monkeypatch.setenv("SCAFFOLD_TEMPLATE", str(tiny_template))
    assert resolve_template(None).source == str(tiny_template)
    assert resolve_template("flag").source == "flag"


def test_help_and_version() -> None:
    from scaffold import __version__

    code, output = invoke("--version")
    assert code == 0 and output == f"scaffold {__version__}\n"
    code, output = invoke("--help")
    assert code == 0
    for command in ("new", "check", "lint", "test", "extract", "update", "drift", "doctor"):
        assert f" {command} " in output, command


def test_help_imports_no_engine_or_notebook_library() -> None:
    import sys

    probe = (
        "import sys; from scaffold.cli import main; sys.argv = ['scaffold', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = {'copier', 'cookiecutter', 'nbformat', 'yaml', 'jinja2'} & set(sys.modules)\n"
        "print(sorted(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"


def _tagged_repo(template: Path) -> Path:
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "v1"], ["tag", "v1.0.0"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
            cwd=template, check=True, capture_output=True,
        )  # fmt: skip
    return template


@pytest.mark.parametrize("scheme", ["file://", "git+file://"])
def test_a_git_url_template_is_cloned_and_recorded_for_updates(
    tiny_template: Path, tmp_path: Path, scheme: str
) -> None:
    url = scheme + str(_tagged_repo(tiny_template))
    dest = tmp_path / "from-url"
    result = main("new", str(dest), "--template", url, "--defaults", "--no-git")
    assert result.returncode == 0, result.stderr
    answers = (dest / ".copier-answers.yml").read_text()
    assert "_commit: v1.0.0" in answers
    assert f"_src_path: git+file://{tiny_template}" in answers
    drift = main("drift", str(dest))
    assert drift.returncode == 0, drift.stdout + drift.stderr


def test_a_url_that_is_not_a_repository_says_what_git_said(
    tiny_template: Path, tmp_path: Path
) -> None:
    result = main("new", str(tmp_path / "p"), "-t", f"file://{tiny_template}", "--defaults")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: cannot clone template file://{tiny_template}: "
        f"'{tiny_template}' does not appear to be a git repository"
    ]
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize(
    ("source", "clone", "for_copier"),
    [
        ("gh:acme/ml-template", "https://github.com/acme/ml-template.git", "gh:acme/ml-template"),
        ("gl:acme/t.git", "https://gitlab.com/acme/t.git", "gl:acme/t.git"),
        ("git+https://git.acme.io/t", "https://git.acme.io/t", "git+https://git.acme.io/t"),
        ("https://git.acme.io/t", "https://git.acme.io/t", "git+https://git.acme.io/t"),
        ("git@github.com:acme/t.git", "git@github.com:acme/t.git", "git@github.com:acme/t.git"),
        ("file:///srv/t.git", "file:///srv/t.git", "git+file:///srv/t.git"),
    ],
)
def test_url_forms_for_git_and_for_copier(source: str, clone: str, for_copier: str) -> None:
    from scaffold.engine import clone_url, copier_url

    assert clone_url(source) == clone
    assert copier_url(source) == for_copier


def test_prompts_when_a_terminal_is_attached(tiny_template: Path, tmp_path: Path) -> None:
    import sys

    import pexpect

    child = pexpect.spawn(
        sys.executable,
        ["-m", "scaffold", "new", str(tmp_path / "asked"), "-t", str(tiny_template), "--no-git"],
        cwd=str(tmp_path),
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 200),
    )
    child.expect("project_name")
    child.sendline("")  # accept the proposed default: the folder name
    child.expect("package_name")
    child.sendline("\x15prompted_pkg")  # Ctrl-U clears the default, then type a new name
    for _question in ("python_version", "preset", "fail"):
        child.expect(_question)
        child.sendline("")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert (tmp_path / "asked" / "info.txt").read_text().startswith("prompted_pkg on ")


def test_a_destination_under_a_file_is_a_one_line_error(
    tiny_template: Path, tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_text("mine\n")
    result = main("new", str(tmp_path / "notes.txt" / "p"), "-t", str(tiny_template), "--defaults")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: cannot create {tmp_path / 'notes.txt' / 'p'}: "
        f"{tmp_path / 'notes.txt'} is a file, not a folder"
    ]
    assert (tmp_path / "notes.txt").read_text() == "mine\n"


def test_an_unusable_data_folder_still_generates_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("SCAFFOLD_DATA_DIR", str(tmp_path / "file" / "data"))
    result = main("new", str(tmp_path / "p"), "--defaults", "--preset", "minimal", "--no-git")
    assert result.returncode == 0, result.stderr
    assert "warning: cannot version the bundled template" in result.stderr
    assert "_commit" not in (tmp_path / "p" / ".copier-answers.yml").read_text()


def test_new_dot_fills_the_current_folder_in_place(tiny_template: Path, tmp_path: Path) -> None:
    import sys

    here = tmp_path / "churn"
    here.mkdir()
    inode = here.stat().st_ino
    result = subprocess.run(
        [sys.executable, "-m", "scaffold", "new", ".", "-t", str(tiny_template), "--defaults"],
        cwd=here, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert here.stat().st_ino == inode  # the same folder, not a replacement
    assert (here / "info.txt").read_text() == f"churn on {_running_python()}\n"
    assert (here / ".git").is_dir()
    assert "cd " not in result.stdout
    assert "make" not in result.stdout or "Next steps" in result.stdout


def test_a_destination_with_dot_dot_is_shown_tidy(tiny_template: Path, tmp_path: Path) -> None:
    (tmp_path / "checkout").mkdir()
    dest = tmp_path / "checkout" / ".." / "beside"
    result = main("new", str(dest), "-t", str(tiny_template), "--defaults", "--no-git")
    assert result.returncode == 0, result.stderr
    assert "beside" in result.stdout and ".." not in result.stdout.replace("\n", "")
    assert (tmp_path / "beside" / "info.txt").is_file()
