"""``scaffold update`` scenarios on real git repositories and a template with three releases."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from tests.updating.releases import (
    BANNER_V1,
    BANNER_V2,
    NOTEBOOK_V1,
    make_releases,
    notebook,
    png,
    stale_scratch,
    tree_hashes,
)
from tests.updating.templates import commit_all, generate, git, run_cli


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_releases(tmp_path_factory.mktemp("releases"))


@pytest.fixture
def project(template: Path, tmp_path: Path) -> Path:
    """A project generated at v1.0.0 (the template is at v3.0.0 by now)."""
    return generate(template, tmp_path / "proj", vcs_ref="v1.0.0")


def read(project: Path, name: str) -> str:
    return (project / name).read_text(encoding="utf-8")


def test_v1_to_v3_merges_every_release_and_asks_new_questions_with_defaults(
    project: Path,
) -> None:
    (project / "README.md").write_text(read(project, "README.md") + "My notes.\n", "utf-8")
    commit_all(project, "notes")

    code, output = run_cli("update", str(project))

    assert code == 0, output
    assert "v1.0.0 to v3.0.0" in output
    assert read(project, "README.md").startswith("# The proj\n")
    assert read(project, "README.md").endswith("My notes.\n")
    assert "setting = 2" in read(project, "config.txt")
    assert "other = z" in read(project, "config.txt")
    assert read(project, "LICENSE") == "License: MIT\n"  # the new question, its default
    assert read(project, "extra.txt") == "3\n"
    assert "_commit: v3.0.0" in read(project, ".copier-answers.yml")
    assert "license: MIT" in read(project, ".copier-answers.yml")
    assert (project / "assets/banner.png").read_bytes() == BANNER_V2  # not edited: replaced
    # Nothing else of the tree moved: a second run has nothing to do.
    commit_all(project, "update")
    code, output = run_cli("update", str(project))
    assert code == 0 and "Already at template version v3.0.0" in output


def test_a_file_you_deleted_that_the_template_changes_is_reported(project: Path) -> None:
    git(project, "rm", "--quiet", "docs/guide.md")
    commit_all(project, "no guide")

    code, output = run_cli("update", str(project), "--to", "v2.0.0")

    assert code == 0, output
    assert not (project / "docs/guide.md").exists()
    assert "skipped" in output and "docs/guide.md" in output and "you deleted it" in output


def test_a_binary_both_sides_changed_keeps_yours_with_the_template_version_beside(
    project: Path,
) -> None:
    mine = png((0, 255, 0))
    (project / "assets/banner.png").write_bytes(mine)
    commit_all(project, "our banner")

    code, output = run_cli("update", str(project), "--to", "v2.0.0", "--json")

    assert code == 1, output
    result = json.loads(output)
    assert result["conflicts"] == ["assets/banner.png"]
    assert result["kept_whole"] == ["assets/banner.png"]
    assert (project / "assets/banner.png").read_bytes() == mine
    assert (project / "assets/banner.png.template").read_bytes() == BANNER_V2
    # Until the template's version is merged and removed, the next update is blocked.
    commit_all(project, "kept both")
    code, output = run_cli("update", str(project))
    assert code == 1 and "Conflicts from the last update remain" in output
    (project / "assets/banner.png.template").unlink()
    commit_all(project, "resolved")
    assert run_cli("update", str(project))[0] == 0


def test_a_binary_only_you_changed_stays_yours(project: Path, template: Path) -> None:
    mine = png((9, 9, 9))
    (project / "assets/banner.png").write_bytes(mine)
    commit_all(project, "our banner")
    # To v2 both sides change it (a conflict); v2 -> v3 then leaves the banner as it is.
    assert run_cli("update", str(project), "--to", "v2.0.0")[0] == 1
    (project / "assets/banner.png.template").unlink()
    commit_all(project, "kept ours")

    code, output = run_cli("update", str(project))

    assert code == 0, output
    assert (project / "assets/banner.png").read_bytes() == mine
    assert mine != BANNER_V1


def test_notebook_changed_in_different_cells_is_merged_into_a_valid_notebook(
    project: Path,
) -> None:
    path = project / "notebooks/explore.ipynb"
    path.write_text(notebook("import pandas as pd\nimport numpy as np\n", *NOTEBOOK_V1[1:]))
    commit_all(project, "numpy too")

    code, output = run_cli("update", str(project), "--to", "v2.0.0")

    assert code == 0, output
    document = json.loads(path.read_text(encoding="utf-8"))
    sources = ["".join(cell["source"]) for cell in document["cells"]]
    assert sources[0] == "import pandas as pd\nimport numpy as np\n"  # yours
    assert sources[2] == "df.describe(include='all')\n"  # the template's


def test_notebook_changed_in_the_same_cell_is_kept_whole_as_a_conflict(project: Path) -> None:
    path = project / "notebooks/explore.ipynb"
    mine = notebook(*NOTEBOOK_V1[:2], "df.describe().T\n")
    path.write_text(mine, encoding="utf-8")
    commit_all(project, "transposed")

    code, output = run_cli("update", str(project), "--to", "v2.0.0")

    assert code == 1, output
    assert "notebooks/explore.ipynb" in output and "conflict" in output
    assert path.read_text(encoding="utf-8") == mine  # still loads: it is yours, whole
    theirs = json.loads((project / "notebooks/explore.ipynb.template").read_text("utf-8"))
    assert "".join(theirs["cells"][2]["source"]) == "df.describe(include='all')\n"


def test_committed_lines_that_look_like_conflict_markers_do_not_block(project: Path) -> None:
    howto = "# Resolving merges\n\n<<<<<<< HEAD\nyours\n=======\ntheirs\n>>>>>>> branch\n"
    (project / "docs/git-howto.md").write_text(howto, encoding="utf-8")
    commit_all(project, "how-to")

    code, output = run_cli("update", str(project))

    assert code == 0, output
    assert read(project, "docs/git-howto.md") == howto
    assert "_commit: v3.0.0" in read(project, ".copier-answers.yml")


def test_drift_names_versions_without_a_changelog_entry(project: Path) -> None:
    code, output = run_cli("drift", str(project))

    assert code == 1
    assert "v3.0.0\n(no changelog entry)" in output
    assert "v2.0.0\n- setting is now 2" in output


def test_drift_says_so_while_conflicts_from_the_update_remain(project: Path) -> None:
    config = read(project, "config.txt").replace("setting = 1", "setting = 5")
    (project / "config.txt").write_text(config, encoding="utf-8")
    commit_all(project, "mine")
    assert run_cli("update", str(project))[0] == 1
    commit_all(project, "committed with markers")

    code, output = run_cli("drift", str(project))

    assert code == 1
    assert "Conflicts from the last update remain in config.txt" in output


def test_an_unreleased_template_commit_is_ahead_for_update_and_drift_alike(
    tmp_path: Path,
) -> None:
    from tests.updating.templates import make_template_v1

    template = make_template_v1(tmp_path)
    (template / "config.txt").write_text("unreleased\n", encoding="utf-8")
    commit_all(template, "not released yet")
    made = generate(template, tmp_path / "ahead", vcs_ref="HEAD")
    assert "_commit: v1.0.0-1-g" in read(made, ".copier-answers.yml")

    update_code, update_output = run_cli("update", str(made))
    drift_code, drift_output = run_cli("drift", str(made))

    assert update_code == 0, update_output
    assert "Already at or ahead of the newest release (v1.0.0" in update_output
    assert "git reset" not in update_output
    assert drift_code == 0 and "Up to date" in drift_output
    assert git(made, "status", "--porcelain") == ""


def test_to_the_commit_of_an_older_release_is_refused_up_front(
    project: Path, template: Path
) -> None:
    assert run_cli("update", str(project), "--to", "v2.0.0")[0] == 0
    commit_all(project, "v2")
    old_commit = git(template, "rev-list", "-n", "1", "v1.0.0").strip()

    code, output = run_cli("update", str(project), "--to", old_commit)

    assert code == 2
    assert "is older than the project's template version v2.0.0" in output
    assert "git reset" not in output and "partly" not in output
    assert git(project, "status", "--porcelain") == ""


def test_to_a_branch_updates_to_its_commit(project: Path, template: Path) -> None:
    git(template, "checkout", "--quiet", "-b", "next", "v2.0.0")
    (template / "next.txt").write_text("from the branch\n", encoding="utf-8")
    commit_all(template, "next")
    git(template, "checkout", "--quiet", "main")

    code, output = run_cli("update", str(project), "--to", "next")

    assert code == 0, output
    assert read(project, "next.txt") == "from the branch\n"
    assert "_commit: v2.0.0-1-g" in read(project, ".copier-answers.yml")


def test_a_release_that_fails_to_render_changes_nothing(project: Path, template: Path) -> None:
    git(template, "checkout", "--quiet", "-b", "broken", "v3.0.0")
    (template / "broken.txt.jinja").write_text("{{ unclosed\n", encoding="utf-8")
    commit_all(template, "broken", "v4.0.0")
    git(template, "checkout", "--quiet", "main")
    try:
        (project / "config.txt").write_text("my own config\n", encoding="utf-8")
        commit_all(project, "mine")
        before = tree_hashes(project)

        code, output = run_cli("update", str(project))

        assert code == 2
        assert "nothing was changed" in output and "git reset" not in output
        assert tree_hashes(project) == before
        assert git(project, "status", "--porcelain") == ""
    finally:
        git(template, "tag", "--delete", "v4.0.0")


def test_stale_scratch_folders_of_killed_runs_are_removed(project: Path) -> None:
    stale = Path(tempfile.gettempdir()) / "scaffold-update-999999999-stale"
    (stale / "tmp").mkdir(parents=True, exist_ok=True)

    assert run_cli("update", str(project), "--to", "v2.0.0")[0] == 0

    assert not stale.exists()
    assert not stale_scratch()


def test_dirty_tree_is_refused_with_nothing_changed(project: Path) -> None:
    (project / "scratch.py").write_text("x = 1\n", encoding="utf-8")
    before = tree_hashes(project)

    code, output = run_cli("update", str(project))

    assert code == 2 and "uncommitted" in output
    assert tree_hashes(project) == before


@pytest.fixture
def monorepo(template: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A repository with the project in ``services/proj`` and uncommitted work beside it."""
    top = tmp_path / "mono"
    (top / "other").mkdir(parents=True)
    (top / "other/app.py").write_text("print('committed')\n", encoding="utf-8")
    git(top, "init", "--quiet", "--initial-branch=main")
    commit_all(top, "other app")
    project = generate(template, top / "services/proj", vcs_ref="v1.0.0")
    assert not (project / ".git").exists()  # no repository nested in the monorepo
    commit_all(top, "the project")
    (top / "other/app.py").write_text("print('uncommitted')\n", encoding="utf-8")
    (top / "other/new.py").write_text("wip = True\n", encoding="utf-8")
    return top, project


@pytest.mark.parametrize("path", ["merged", "conflict", "failed", "diff"])
def test_monorepo_work_outside_the_project_is_never_touched(
    monorepo: tuple[Path, Path], path: str
) -> None:
    top, project = monorepo
    if path == "conflict":
        config = read(project, "config.txt").replace("setting = 1", "setting = 5")
        (project / "config.txt").write_text(config, encoding="utf-8")
        git(top, "add", "services")
        git(top, "commit", "--quiet", "-m", "mine")
    outside = tree_hashes(top / "other")
    args = {"failed": ["--to", "v9.9.9"], "diff": ["--diff"]}.get(path, [])

    code, output = run_cli("update", str(project), *args)

    assert code == {"merged": 0, "conflict": 1, "failed": 2, "diff": 0}[path], output
    assert tree_hashes(top / "other") == outside
    status = git(top, "status", "--porcelain", "--", "other")
    assert status == " M other/app.py\n?? other/new.py\n"
    assert "git reset" not in output and "git clean" not in output
    if path in ("merged", "conflict"):
        assert "_commit: v3.0.0" in read(project, ".copier-answers.yml")
