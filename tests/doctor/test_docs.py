"""docs/doctor.md lists every rule of the registry, as generated from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffold.doctor.docs import END, START, rules_markdown, with_rules
from scaffold.doctor.registry import RULES, rule_ids

PAGE = Path(__file__).resolve().parents[2] / "docs" / "doctor.md"


def test_the_page_lists_every_rule_id() -> None:
    text = PAGE.read_text(encoding="utf-8")
    missing = [rule_id for rule_id in rule_ids() if f"| `{rule_id}` |" not in text]
    assert not missing, f"regenerate with `python -m scaffold.doctor.docs`: {missing}"


def test_the_page_holds_the_table_generated_from_the_registry() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert with_rules(text, RULES) == text, "run `python -m scaffold.doctor.docs`"


def test_regenerating_replaces_only_the_marked_section() -> None:
    page = f"intro\n{START}\nold table\n{END}\noutro\n"
    regenerated = with_rules(page, RULES[:1])
    assert regenerated.startswith("intro\n") and regenerated.endswith("\noutro\n")
    assert "old table" not in regenerated
    assert rules_markdown(RULES[:1]) in regenerated


def test_a_page_without_markers_is_refused() -> None:
    with pytest.raises(ValueError, match="markers"):
        with_rules("no markers here", RULES)
