"""Choices beyond the presets' own defaults still give a project that passes its own checks.

The presets themselves are covered by tests/test_generated_projects.py.
"""

from __future__ import annotations

import pytest

from tests.projects import run
from tests.template.conftest import ProjectFactory

pytestmark = pytest.mark.slow

VARIANTS = [
    {"formatter": "black"},
    {"ci": "gitlab"},
    {"serving": "none"},
    {"docker": "false", "experiment_tracking": "mlflow"},
]


@pytest.mark.parametrize("data", VARIANTS, ids=lambda d: ",".join(f"{k}={v}" for k, v in d.items()))
def test_variant_passes_lint_format_and_tests(data: dict[str, str], built: ProjectFactory) -> None:
    project = built("standard", **data)
    venv = project / ".venv" / "bin"
    run([str(venv / "ruff"), "check", "."], project)
    if data.get("formatter") == "black":
        run([str(venv / "black"), "--check", "."], project)
    else:
        run([str(venv / "ruff"), "format", "--check", "."], project)
    run([str(venv / "pytest"), "-q", "-p", "no:cacheprovider", "--cov"], project)
