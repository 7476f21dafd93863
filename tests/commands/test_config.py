"""``scaffold config`` and the team-template precedence used by ``scaffold new``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scaffold.settings import config_path, resolve_template
from tests.updating.templates import make_template_v1, run_cli


@pytest.fixture
def team_template(tmp_path: Path) -> Path:
    return make_template_v1(tmp_path)


def test_set_get_unset_round_trip(team_template: Path) -> None:
    assert run_cli("config", "get", "template")[0] == 1

    code, output = run_cli("config", "set", "template", str(team_template))
    assert code == 0, output
    assert run_cli("config", "get", "template") == (0, f"{team_template}\n")

    assert run_cli("config", "unset", "template")[0] == 0
    assert run_cli("config", "get", "template")[0] == 1


def test_relative_template_path_is_stored_absolute(
    team_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(team_template.parent)

    assert run_cli("config", "set", "template", team_template.name)[0] == 0

    monkeypatch.chdir("/")
    assert resolve_template(None).source == str(team_template.resolve())


def test_url_is_stored_as_given() -> None:
    url = "https://git.example.com/ml/template.git"
    assert run_cli("config", "set", "template", url)[0] == 0
    assert run_cli("config", "get", "template") == (0, f"{url}\n")


def test_unknown_key_and_missing_template_are_refused(tmp_path: Path) -> None:
    code, output = run_cli("config", "set", "tempalte", "x")
    assert code == 2 and "unknown setting 'tempalte'" in output

    code, output = run_cli("config", "set", "template", str(tmp_path / "nowhere"))
    assert code == 2 and "template not found" in output
    assert not config_path().exists()


def test_precedence_flag_then_env_then_config_then_bundled(
    team_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert resolve_template(None).origin == "bundled"
    run_cli("config", "set", "template", str(team_template))
    assert resolve_template(None).source == str(team_template)

    monkeypatch.setenv("SCAFFOLD_TEMPLATE", "/from/env")
    assert resolve_template(None).source == "/from/env"
    assert resolve_template("/from/flag").source == "/from/flag"


def test_list_shows_settings_and_the_template_new_would_use(team_template: Path) -> None:
    run_cli("config", "set", "template", str(team_template))

    code, output = run_cli("config", "list", "--json")

    assert code == 0
    document = json.loads(output)
    assert document["settings"] == {"template": str(team_template)}
    assert document["template"]["source"] == str(team_template)
    assert document["template"]["origin"] == str(config_path())


def test_new_uses_the_configured_team_template_and_records_it_absolute(
    team_template: Path, tmp_path: Path
) -> None:
    run_cli("config", "set", "template", str(team_template))

    code, output = run_cli("new", str(tmp_path / "proj"), "--defaults")

    assert code == 0, output
    answers = (tmp_path / "proj" / ".copier-answers.yml").read_text(encoding="utf-8")
    assert f"_src_path: {team_template}" in answers
    assert "_commit: v1.0.0" in answers


def test_relative_template_flag_is_recorded_absolute_so_updates_work_anywhere(
    team_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    code, output = run_cli("new", "proj", "--template", team_template.name, "--defaults")

    assert code == 0, output
    answers = (tmp_path / "proj" / ".copier-answers.yml").read_text(encoding="utf-8")
    assert f"_src_path: {team_template.resolve()}" in answers
