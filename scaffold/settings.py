"""Where the template comes from: --template > SCAFFOLD_TEMPLATE > user config > bundled."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from scaffold.errors import ScaffoldError

ENV_TEMPLATE = "SCAFFOLD_TEMPLATE"
# The settings a user may set with ``scaffold config set``, and what each one means.
KNOWN_KEYS = {"template": "the team template: a local path or git URL used by `scaffold new`"}


def config_path() -> Path:
    """The user config file (``$SCAFFOLD_CONFIG``, else XDG config home)."""
    if explicit := os.environ.get("SCAFFOLD_CONFIG"):
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "scaffold" / "config.toml"


def data_dir() -> Path:
    """Where scaffold keeps its own data (``$SCAFFOLD_DATA_DIR``, else XDG data home)."""
    if explicit := os.environ.get("SCAFFOLD_DATA_DIR"):
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "scaffold"


def _own_templates_file() -> Path:
    return data_dir() / "own-templates.txt"


def remember_own_template(path: Path) -> None:
    """Record a template this user created with ``scaffold template init``."""
    from scaffold import fileio

    record = _own_templates_file()
    record.parent.mkdir(parents=True, exist_ok=True)
    with fileio.locked(record.parent):
        fileio.append_text(record, f"{path.resolve()}\n")


def is_own_template(source: str) -> bool:
    """Created on this machine with ``scaffold template init`` (recorded outside the
    template, so a template cannot claim it)."""
    record = _own_templates_file()
    if not record.is_file():
        return False
    try:
        resolved = str(Path(source).expanduser().resolve())
        lines = record.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return resolved in lines


def read_config() -> dict[str, str]:
    from scaffold import readers

    path = config_path()
    if not path.exists():
        return {}
    data = readers.load_toml(path, "config file")
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


def _check_key(key: str) -> None:
    if key not in KNOWN_KEYS:
        raise ScaffoldError(f"unknown setting {key!r}; known settings: {', '.join(KNOWN_KEYS)}")


def normalise_template(source: str) -> str:
    """A URL as is; a local path made absolute (so it works from any folder) and checked."""
    from scaffold.engine import is_url

    if is_url(source):
        return source
    from scaffold.readers import expand_user

    path = expand_user(source, "template").resolve()
    if not path.is_dir():
        raise ScaffoldError(f"template not found: {source} is not a folder or a git URL")
    if not any(
        (path / name).is_file() for name in ("copier.yml", "copier.yaml", "cookiecutter.json")
    ):
        raise ScaffoldError(
            f"{path} is not a template: it has neither copier.yml nor cookiecutter.json"
        )
    return str(path)


def _toml_line(key: str, value: str) -> str:
    import json

    # A JSON string is a valid TOML basic string for everything a path or URL holds.
    return f"{key} = {json.dumps(value, ensure_ascii=False)}\n"


def write_config(values: dict[str, str]) -> Path:
    """Write the whole user config file (flat ``key = "value"`` lines)."""
    from scaffold import fileio

    path = config_path()
    text = "".join(_toml_line(key, values[key]) for key in sorted(values))
    try:
        fileio.write_text(path, text)
    except OSError as exc:
        raise ScaffoldError(f"cannot write config file {path}: {exc.strerror or exc}") from exc
    return path


def set_value(key: str, value: str) -> str:
    """Store a setting; return the value as stored."""
    _check_key(key)
    stored = normalise_template(value) if key == "template" else value
    write_config({**read_config(), key: stored})
    return stored


def get_value(key: str) -> str | None:
    _check_key(key)
    return read_config().get(key)


def unset_value(key: str) -> bool:
    """Remove a setting; False when it was not set."""
    _check_key(key)
    values = read_config()
    if key not in values:
        return False
    del values[key]
    write_config(values)
    return True
