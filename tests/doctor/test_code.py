"""logging.configured_once and print.none, read from the package's source with ast."""

from __future__ import annotations

from pathlib import Path

from scaffold.doctor.code import logging_configured_once, no_print_in_library
from scaffold.doctor.model import Status
from scaffold.doctor.repo import Repo
from tests.doctor.repos import write

CONFIGURE = """\
import logging
import logging.config


def configure_logging(level: str = "INFO") -> None:
    logging.config.dictConfig({"version": 1})
    logging.basicConfig(level=level)
"""


def package(root: Path, modules: dict[str, str]) -> Repo:
    files = {"src/pkg/__init__.py": "", **{f"src/pkg/{k}": v for k, v in modules.items()}}
    return Repo(write(root, files))


def test_one_configure_logging_function_passes_whatever_it_calls(tmp_path: Path) -> None:
    finding = logging_configured_once(package(tmp_path, {"log.py": CONFIGURE}))
    assert finding.status is Status.PASSED
    assert finding.why == "configured once: def configure_logging() at src/pkg/log.py:5"


def test_a_second_configuration_fails_with_both_places(tmp_path: Path) -> None:
    train = "import logging\n\nlogging.basicConfig()\n"
    finding = logging_configured_once(package(tmp_path, {"log.py": CONFIGURE, "train.py": train}))
    assert finding.status is Status.FAILED
    assert "2 places" in finding.why
    assert "src/pkg/train.py:3" in finding.why and "src/pkg/log.py:5" in finding.why


def test_logging_never_configured_fails(tmp_path: Path) -> None:
    repo = package(tmp_path, {"train.py": "import logging\nlog = logging.getLogger(__name__)\n"})
    assert logging_configured_once(repo).why == "logging is never configured in the package"


def test_code_outside_the_package_is_not_read(tmp_path: Path) -> None:
    write(tmp_path, {"scripts/run.py": "import logging\nlogging.basicConfig()\nprint(1)\n"})
    repo = package(tmp_path, {"log.py": CONFIGURE})
    assert logging_configured_once(repo).status is Status.PASSED
    assert no_print_in_library(repo).status is Status.PASSED


def test_print_in_library_code_fails_with_locations(tmp_path: Path) -> None:
    repo = package(tmp_path, {"train.py": "def fit():\n    print('done')\n"})
    finding = no_print_in_library(repo)
    assert finding.status is Status.FAILED
    assert finding.why == "1 print() call(s) in library code: src/pkg/train.py:2"


def test_entry_points_may_print(tmp_path: Path) -> None:
    modules = {
        "cli.py": "print('usage')\n",
        "__main__.py": "print('hi')\n",
        "x.py": "s = 'print(1)'\n",
    }
    assert no_print_in_library(package(tmp_path, modules)).status is Status.PASSED


def test_a_module_that_does_not_parse_is_passed_over(tmp_path: Path) -> None:
    repo = package(tmp_path, {"log.py": CONFIGURE, "broken.py": "def (:\n print(1)\n"})
    assert no_print_in_library(repo).status is Status.PASSED


def test_without_a_package_both_rules_skip(tmp_path: Path) -> None:
    write(tmp_path, {"analysis.py": "print(1)\n"})
    assert no_print_in_library(Repo(tmp_path)).status is Status.SKIPPED
    assert logging_configured_once(Repo(tmp_path)).status is Status.SKIPPED
