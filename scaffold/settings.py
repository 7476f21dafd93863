"""Where the template comes from: --template > SCAFFOLD_TEMPLATE > user config > bundled."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from scaffold.errors import ScaffoldError

ENV_TEMPLATE = "SCAFFOLD_TEMPLATE"


def config_path() -> Path:
    """The user config file (``$SCAFFOLD_CONFIG``, else XDG config home)."""
    if explicit := os.environ.get("SCAFFOLD_CONFIG"):
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "scaffold" / "config.toml"


def read_config() -> dict[str, str]:
    path = config_path()
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ScaffoldError(f"cannot read config file {path}: {exc}") from exc
    return {key: str(value) for key, value in data.items() if not isinstance(value, dict)}


def bundled_template() -> Path:
    """The template shipped in the wheel, or ``template/`` beside the package in a checkout."""
    package_dir = Path(__file__).resolve().parent
    for candidate in (package_dir / "_template", package_dir.parent / "template"):
        if (candidate / "copier.yml").is_file():
            return candidate
    raise ScaffoldError(
        "the bundled template is missing from this installation; reinstall scaffold"
    )


@dataclass(frozen=True)
class TemplateChoice:
    source: str
    origin: str  # "--template", "SCAFFOLD_TEMPLATE", the config path, or "bundled"

    @property
    def is_bundled(self) -> bool:
        return self.origin == "bundled"


def resolve_template(flag: str | None) -> TemplateChoice:
    if flag:
        return TemplateChoice(flag, "--template")
    if env := os.environ.get(ENV_TEMPLATE):
        return TemplateChoice(env, ENV_TEMPLATE)
    if configured := read_config().get("template"):
        return TemplateChoice(configured, str(config_path()))
    return TemplateChoice(str(bundled_template()), "bundled")
