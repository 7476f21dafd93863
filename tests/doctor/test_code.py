"""logging.configured_once and print.none, read from the package's source with ast."""

from __future__ import annotations

from pathlib import Path

import pytest

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


def test_the_calls_of_one_function_are_one_place(tmp_path: Path) -> None:
    finding = logging_configured_once(package(tmp_path, {"log.py": CONFIGURE}))
    assert finding.status is Status.PASSED
    assert finding.why == (
        "configured once: logging.config.dictConfig() in configure_logging() at "
        "src/pkg/log.py:6; logging.basicConfig() in configure_logging() at src/pkg/log.py:7"
    )


def test_a_second_configuration_fails_with_both_places(tmp_path: Path) -> None:
    train = "import logging\n\nlogging.basicConfig()\n"
    finding = logging_configured_once(package(tmp_path, {"log.py": CONFIGURE, "train.py": train}))
    assert finding.status is Status.FAILED
    assert "2 places" in finding.why
    assert "src/pkg/train.py:3" in finding.why and "src/pkg/log.py:6" in finding.why


def test_logging_never_configured_fails(tmp_path: Path) -> None:
    modules = {"train.py": "import logging\nlog = logging.getLogger(__name__)\n", "cli.py": ""}
    repo = package(tmp_path, modules)
    assert logging_configured_once(repo).why.startswith("no call configures logging")


def test_a_library_without_an_entry_point_leaves_logging_to_its_application(
    tmp_path: Path,
) -> None:
    repo = package(tmp_path, {"train.py": "import logging\nlog = logging.getLogger(__name__)\n"})
    finding = logging_configured_once(repo)
    assert finding.status is Status.SKIPPED
    assert finding.why.startswith("a library (no cli.py, __main__.py or console script)")
    write(
        tmp_path,
        {"pyproject.toml": '[project]\nname = "pkg"\n[project.scripts]\npkg = "pkg.train:main"\n'},
    )
    assert logging_configured_once(Repo(tmp_path)).status is Status.FAILED


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


def test_a_setup_logging_that_never_touches_logging_does_not_pass(tmp_path: Path) -> None:
    fake = "import os\n\n\ndef setup_logging() -> None:\n    os.environ['LOG'] = '1'\n"
    finding = logging_configured_once(package(tmp_path, {"log.py": fake, "__main__.py": ""}))
    assert finding.status is Status.FAILED
    assert finding.why.startswith("no call configures logging")


@pytest.mark.parametrize(
    ("source", "what"),
    [
        ("from loguru import logger\nimport sys\n\n\ndef setup():\n    logger.remove()\n    logger.add(sys.stderr, level='INFO')\n",
         "loguru logger.remove() in setup() at src/pkg/log.py:6; loguru logger.add() in setup() at src/pkg/log.py:7"),
        ("import structlog\n\nstructlog.configure(processors=[])\n",
         "structlog.configure() in module level at src/pkg/log.py:3"),
        ("import logging\n\n\ndef init():\n    root = logging.getLogger()\n    root.addHandler(logging.StreamHandler())\n",
         "a handler added to the root logger in init() at src/pkg/log.py:6"),
        ("from logging import basicConfig as bc\n\nbc(level=10)\n",
         "logging.basicConfig() in module level at src/pkg/log.py:3"),
    ],
)  # fmt: skip
def test_loguru_structlog_and_root_handlers_count_as_configuring(
    tmp_path: Path, source: str, what: str
) -> None:
    library = "from loguru import logger\n\n\ndef fit():\n    logger.info('fit')\n"
    finding = logging_configured_once(package(tmp_path, {"log.py": source, "fit.py": library}))
    assert (finding.status, finding.why) == (Status.PASSED, f"configured once: {what}")


def test_a_handler_on_a_named_logger_is_not_configuring_logging(tmp_path: Path) -> None:
    source = "import logging\n\nlog = logging.getLogger(__name__)\nlog.addHandler(logging.NullHandler())\n"
    repo = package(tmp_path, {"a.py": source, "cli.py": ""})
    assert logging_configured_once(repo).status is Status.FAILED


def test_prints_marked_noqa_t201_are_counted_not_failed(tmp_path: Path) -> None:
    source = (
        "def report(x):\n    print(x)  # noqa: T201\n    print(x)  # noqa\n"
        "    print(x)  # noqa: E501, T201\n    print(x)  # noqa: E501\n"
    )
    finding = no_print_in_library(package(tmp_path, {"report.py": source}))
    assert finding.status is Status.FAILED
    assert finding.why == (
        "1 print() call(s) in library code: src/pkg/report.py:5 (3 suppressed with # noqa: T201)"
    )
    fixed = source.replace("# noqa: E501\n", "# noqa: E501,T201\n")
    finding = no_print_in_library(package(tmp_path, {"report.py": fixed}))
    assert (finding.status, finding.why) == (
        Status.PASSED, "no print() in 2 library modules (4 suppressed with # noqa: T201)"
    )  # fmt: skip
