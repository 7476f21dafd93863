"""Hostile templates run no code and copy no outside file without --trust.

Each case has its control: with ``--trust`` the same template does run its code (the marker
appears), so the marker really proves something.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.security.hostile import (
    cookiecutter_template,
    copier_template,
    git,
    marker_script,
    scaffold,
)

SHELL = "cycler.__init__.__globals__.os.system"


def _extension_template(root: Path, marker: Path) -> Path:
    template = cookiecutter_template(root, {"_extensions": ["evil_ext.Evil"]}, {"a.txt": "a\n"})
    (template / "evil_ext.py").write_text(
        "from pathlib import Path\nfrom jinja2.ext import Extension\n"
        f"Path({str(marker)!r}).touch()\n\nclass Evil(Extension):\n    pass\n",
        encoding="utf-8",
    )
    return template


def test_cookiecutter_extensions_refused_without_trust(tmp_path: Path) -> None:
    marker = tmp_path / "extension-ran"
    template = _extension_template(tmp_path / "t", marker)

    code, output = scaffold("new", str(tmp_path / "p"), "-t", str(template), "--defaults")

    assert code == 2, output
    assert "evil_ext.Evil" in output and "--trust" in output
    assert "Traceback" not in output
    assert not marker.exists()
    assert not (tmp_path / "p").exists()

    code, output = scaffold(
        "new", str(tmp_path / "q"), "-t", str(template), "--defaults", "--trust"
    )
    assert code == 0, output
    assert marker.exists()


@pytest.mark.parametrize("where", ["default", "file", "file name"])
def test_cookiecutter_jinja_payload_sandboxed_without_trust(tmp_path: Path, where: str) -> None:
    payload = f"{{{{ {SHELL}('touch payload-ran') }}}}"  # in the current folder: tmp_path
    context: dict[str, object] = {"license": payload} if where == "default" else {}
    files = {"a.txt": payload if where == "file" else "plain\n"}
    if where == "file name":
        files[payload] = "x\n"
    template = cookiecutter_template(tmp_path / "t", context, files)

    code, output = scaffold(
        "new", str(tmp_path / "p"), "-t", str(template), "--defaults", cwd=tmp_path
    )

    assert code == 2, output
    assert "sandbox" in output and "--trust" in output
    assert "Traceback" not in output
    assert not (tmp_path / "payload-ran").exists()
    assert not list(tmp_path.rglob("payload-ran"))
    assert not (tmp_path / "p").exists()

    code, output = scaffold(
        "new", str(tmp_path / "q"), "-t", str(template), "--defaults", "--trust", cwd=tmp_path
    )
    assert code == 0, output
    assert list(tmp_path.rglob("payload-ran"))


def test_cookiecutter_symlink_out_refused(tmp_path: Path) -> None:
    secret = tmp_path / "home" / ".aws" / "credentials"
    secret.parent.mkdir(parents=True)
    secret.write_text("aws_secret_access_key = SECRET\n", encoding="utf-8")
    template = cookiecutter_template(tmp_path / "t", {}, {"a.txt": "a\n"})
    (template / "{{cookiecutter.project_slug}}" / "credentials").symlink_to(secret)

    for trust in ([], ["--trust"]):
        code, output = scaffold(
            "new", str(tmp_path / "p"), "-t", str(template), "--defaults", *trust
        )
        assert code == 2, output
        assert "symlinks that lead outside" in output and "credentials" in output
        assert not (tmp_path / "p").exists()
    copies = [
        p
        for p in tmp_path.rglob("*")
        if p.is_file() and not p.is_symlink() and "SECRET" in p.read_text("utf-8")
    ]
    assert copies == [secret]


def test_copier_preserved_symlink_out_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET\n", encoding="utf-8")
    template = copier_template(tmp_path / "t", "_preserve_symlinks: true\n")
    (template / "link").symlink_to(secret)
    git(template, "add", "--all")
    git(template, "commit", "--quiet", "-m", "link")

    code, output = scaffold("new", str(tmp_path / "p"), "-t", str(template), "--defaults")

    assert code == 2, output
    assert "symlinks that lead outside" in output and "link" in output
    assert not (tmp_path / "p").exists()


def test_inner_symlink_is_fine(tmp_path: Path) -> None:
    template = cookiecutter_template(tmp_path / "t", {}, {"a.txt": "a\n"})
    (template / "{{cookiecutter.project_slug}}" / "b.txt").symlink_to("a.txt")

    code, output = scaffold("new", str(tmp_path / "p"), "-t", str(template), "--defaults")

    assert code == 0, output
    assert (tmp_path / "p" / "b.txt").read_text(encoding="utf-8") == "a\n"


def test_template_fsmonitor_neutralised(tmp_path: Path) -> None:
    marker = tmp_path / "git-command-ran"
    template = copier_template(tmp_path / "t")
    (template / "README.md.jinja").write_text("# dirty {{ project_name }}\n", encoding="utf-8")
    fsmonitor = marker_script(tmp_path / "fsmonitor.sh", marker)
    git(template, "config", "core.fsmonitor", str(fsmonitor))

    code, output = scaffold("new", str(tmp_path / "p"), "-t", str(template), "--defaults")

    assert code == 0, output
    assert not marker.exists()
    assert (tmp_path / "p" / "README.md").read_text(encoding="utf-8") == "# dirty p\n"

    code, output = scaffold(
        "new", str(tmp_path / "q"), "-t", str(template), "--defaults", "--trust"
    )
    assert marker.exists(), output


def test_neutral_git_env_switches_off_repository_hooks(tmp_path: Path) -> None:
    import os
    import subprocess

    from scaffold.templatesafety import neutral_git_env

    marker = tmp_path / "hook-ran"
    repo = copier_template(tmp_path / "t")
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    marker_script(hooks / "pre-commit", marker)
    git(repo, "config", "core.hooksPath", str(hooks))
    commit = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--allow-empty"]

    subprocess.run([*commit, "-m", "x"], cwd=repo, env=neutral_git_env(dict(os.environ)))
    assert not marker.exists()
    subprocess.run([*commit, "-m", "y"], cwd=repo, capture_output=True)
    assert marker.exists()


def test_template_git_filter_refused_without_trust(tmp_path: Path) -> None:
    marker = tmp_path / "filter-ran"
    template = copier_template(tmp_path / "t", files={".gitattributes": "* filter=evil\n"})
    git(template, "config", "filter.evil.clean", f"touch {marker}; cat")

    code, output = scaffold("new", str(tmp_path / "p"), "-t", str(template), "--defaults")

    assert code == 2, output
    assert "filter.evil.clean" in output and "--trust" in output
    assert not marker.exists()
    assert not (tmp_path / "p").exists()


def test_template_test_render_neutralises_git_config(tmp_path: Path) -> None:
    from scaffold.teamtemplate.testing import render_preset

    marker = tmp_path / "git-command-ran"
    template = copier_template(tmp_path / "t")
    (template / "README.md.jinja").write_text("# dirty\n", encoding="utf-8")
    git(template, "config", "core.fsmonitor", str(marker_script(tmp_path / "fs.sh", marker)))

    outcome = render_preset(str(template), tmp_path / "p", "defaults", "HEAD", trust=False)

    assert outcome.ok, outcome.summary
    assert not marker.exists()


def test_template_test_needs_trust_for_a_template_made_elsewhere(tmp_path: Path) -> None:
    marker = tmp_path / "tests-ran"
    template = copier_template(
        tmp_path / "t",
        files={"conftest.py": f"from pathlib import Path\nPath({str(marker)!r}).touch()\n"},
    )

    code, output = scaffold("template", "test", str(template))

    assert code == 2, output
    assert "--trust" in output and "template init" in output
    assert not marker.exists()


def test_a_template_made_with_template_init_is_trusted_here(tmp_path: Path) -> None:
    from scaffold.settings import is_own_template
    from scaffold.teamtemplate.create import init_team_template

    made = init_team_template(tmp_path / "team-template").dest
    elsewhere = copier_template(tmp_path / "elsewhere")

    assert is_own_template(str(made))
    assert not is_own_template(str(elsewhere))


ENDLESS = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"


def test_endless_template_stopped_by_the_time_limit(tmp_path: Path) -> None:
    import time

    template = copier_template(tmp_path / "t", files={"slow.txt.jinja": ENDLESS})
    started = time.monotonic()

    code, output = scaffold(
        "new", str(tmp_path / "p"), "-t", str(template), "--defaults",
        SCAFFOLD_RENDER_TIMEOUT="4",
    )  # fmt: skip

    assert code == 2, output
    assert "took longer than 4 s" in output and "Traceback" not in output
    assert time.monotonic() - started < 60
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t"]


def test_memory_hungry_template_stopped_by_the_memory_limit(tmp_path: Path) -> None:
    template = copier_template(tmp_path / "t", files={"big.txt.jinja": "{{ 'x' * 10**10 }}"})

    code, output = scaffold(
        "new", str(tmp_path / "p"), "-t", str(template), "--defaults",
        SCAFFOLD_RENDER_MEMORY_MB="300",
    )  # fmt: skip

    assert code == 2, output
    assert "more than 300 MB" in output and "Traceback" not in output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t"]


def test_ctrl_c_stops_an_endless_render_at_once(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    template = copier_template(tmp_path / "t", files={"slow.txt.jinja": ENDLESS})
    process = subprocess.Popen(
        [sys.executable, "-m", "scaffold", "new", str(tmp_path / "p"), "-t", str(template),
         "--defaults"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL,
        env={**os.environ, "SCAFFOLD_RENDER_TIMEOUT": "600"}, start_new_session=True,
    )  # fmt: skip
    time.sleep(6)
    os.killpg(process.pid, signal.SIGINT)  # the whole group, as a terminal's Ctrl-C does
    started = time.monotonic()
    _, err = process.communicate(timeout=60)

    assert process.returncode == 130, err
    assert time.monotonic() - started < 15
    assert err.strip().splitlines()[-1] == "error: interrupted; nothing was left half-written"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t"]
