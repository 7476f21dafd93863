"""``scaffold template test``: every preset rendered, built with uv and checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.commands.template.tiny import make_tiny_template
from tests.updating.templates import run_cli

pytestmark = pytest.mark.slow  # builds a uv environment per preset (seconds each, cached)


def test_every_preset_is_checked_and_a_broken_one_fails(tmp_path: Path) -> None:
    template = make_tiny_template(tmp_path, presets=("small", "broken"))

    code, output = run_cli("template", "test", str(template), "--json", "--trust")

    assert code == 1
    result = json.loads(output)
    outcome = {
        run["preset"]: {step["name"]: step["ok"] for step in run["steps"]}
        for run in result["presets"]
    }
    assert outcome["small"] == {
        "render": True, "env": True, "lint": True, "format": True, "tests": True,
    }  # fmt: skip
    assert outcome["broken"]["tests"] is False
    assert outcome["broken"]["lint"] is True
    failing = next(run for run in result["presets"] if run["preset"] == "broken")
    assert "assert 41 == 42" in failing["steps"][-1]["output"]


def test_uncommitted_template_change_that_breaks_a_test_fails(tmp_path: Path) -> None:
    template = make_tiny_template(tmp_path, presets=("only",))
    kept = tmp_path / "kept"
    code, output = run_cli("template", "test", str(template), "--keep", str(kept), "--trust")
    assert code == 0, output
    assert "All presets pass" in output
    assert (kept / "demo-only" / "tests" / "test_answer.py").is_file()

    module = template / "project" / "src" / "tinypkg" / "__init__.py.jinja"
    module.write_text("def answer() -> int:\n    return 0\n", encoding="utf-8")
    code, output = run_cli("template", "test", str(template), "--trust")

    assert code == 1
    assert "FAIL" in output and "assert 0 == 42" in output


def test_lint_failure_in_generated_code_fails(tmp_path: Path) -> None:
    template = make_tiny_template(tmp_path, presets=("only",))
    (template / "project" / "src" / "tinypkg" / "extra.py").write_text(
        "import os\n", encoding="utf-8"
    )

    code, output = run_cli("template", "test", str(template), "--json", "--trust")

    assert code == 1
    steps = {s["name"]: s for s in json.loads(output)["presets"][0]["steps"]}
    assert steps["lint"]["ok"] is False and "F401" in steps["lint"]["output"]
    assert steps["tests"]["ok"] is True


def test_bundled_template_passes_for_every_preset(tmp_path: Path) -> None:
    code, output = run_cli("template", "test", "--json")

    result = json.loads(output)
    assert [run["preset"] for run in result["presets"]] == ["minimal", "standard", "full"]
    assert code == 0, output
