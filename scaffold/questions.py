"""What a template asks: its question names and the choices of its ``preset`` question.

Used to refuse a misspelt ``--data`` key or an unknown preset before anything is rendered
(copier itself ignores answers to questions it does not have).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from scaffold.errors import ScaffoldError

COPIER_FILES = ("copier.yml", "copier.yaml")
Engine = Literal["copier", "cookiecutter"]


def read_copier_config(template_dir: Path) -> dict[str, Any]:
    """The template's copier.yml as a mapping; {} when it has none or it is not plain YAML."""
    import yaml

    for name in COPIER_FILES:
        path = template_dir / name
        if path.is_file():
            try:
                loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
            except yaml.YAMLError:  # copier's own tags (!include): copier reports them
                return {}
            return loaded if isinstance(loaded, dict) else {}
    return {}


def preset_choices(config: dict[str, Any]) -> list[str]:
    """The values of the template's ``preset`` question, in order; [] when it has none."""
    question = config.get("preset")
    choices = question.get("choices") if isinstance(question, dict) else None
    if isinstance(choices, dict):
        return [str(value) for value in choices.values()]
    if isinstance(choices, list):
        return [str(c[1] if isinstance(c, list | tuple) else c) for c in choices]
    return []


def question_names(template_dir: Path, engine: Engine) -> set[str] | None:
    """The names a template answers to; None when they cannot be told (then nothing is
    refused)."""
    if engine == "cookiecutter":
        try:
            context = json.loads((template_dir / "cookiecutter.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return {str(key) for key in context} if isinstance(context, dict) else None
    config = read_copier_config(template_dir)
    if not config:
        return None
    return {str(key) for key in config if not str(key).startswith("_")}


def check_preset(template_dir: Path, engine: Engine, preset: str) -> None:
    choices = preset_choices(read_copier_config(template_dir)) if engine == "copier" else []
    if not choices:
        raise ScaffoldError(f"the template {template_dir.name} has no presets; drop --preset")
    if preset not in choices:
        raise ScaffoldError(f"unknown preset {preset!r}; this template has: {', '.join(choices)}")


_BOOL_WORDS = {"true", "false", "yes", "no", "y", "n", "1", "0", "on", "off"}


def check_answer_values(template_dir: Path, engine: Engine, data: Mapping[str, Any]) -> None:
    """Refuse a yes/no answer that is not one (copier reads ``fasle`` as true)."""
    if engine != "copier":
        return
    config = read_copier_config(template_dir)
    for key, value in data.items():
        question = config.get(key)
        is_bool = isinstance(question, dict) and question.get("type") == "bool"
        if is_bool and isinstance(value, str) and value.strip().lower() not in _BOOL_WORDS:
            raise ScaffoldError(
                f"--data {key}={value}: {key} is a yes/no question; give true or false"
            )


def check_answer_keys(template_dir: Path, engine: Engine, keys: Iterable[str]) -> None:
    """Refuse ``--data`` keys the template does not ask, naming the closest question."""
    known = question_names(template_dir, engine)
    if known is None:
        return
    for key in keys:
        if key in known:
            continue
        close = difflib.get_close_matches(key, sorted(known), n=1)
        hint = f"did you mean {close[0]}?" if close else f"it asks: {', '.join(sorted(known))}"
        raise ScaffoldError(f"the template has no question {key!r} ({hint})")
