"""Every rule doctor applies, in the order reports list them. docs/doctor.md is generated
from this list (``python -m scaffold.doctor.docs``); a test keeps the two in step."""

from __future__ import annotations

from scaffold.doctor import ci, code, docker, hygiene, layout, secrets, template, testing
from scaffold.doctor.agreement import RULES as AGREEMENT_RULES
from scaffold.doctor.model import Rule, Severity

CRITICAL, MAJOR, MINOR = Severity.CRITICAL, Severity.MAJOR, Severity.MINOR

RULES: tuple[Rule, ...] = (
    Rule("package.layout", "the code is an importable package (src/ or top-level; pyproject.toml, setup.py, setup.cfg or poetry), not notebooks", CRITICAL,
         "add pyproject.toml with a [project] name and move the code into src/<name>/ (`scaffold extract NOTEBOOK` moves notebook code)",
         layout.package_layout),
    Rule("tests.present", "tests exist and pytest collects them", CRITICAL,
         "add tests/test_<module>.py files; if pytest cannot collect them, run `pytest --collect-only` and fix the errors",
         testing.collected_tests),
    Rule("ci.config", "CI configuration that parses, has jobs and matches its schema", MAJOR,
         "add .github/workflows/ci.yml (or .gitlab-ci.yml) running lint and tests; fix the YAML named",
         ci.ci_config),
    Rule("docker.present", "a Dockerfile", MINOR,
         "add a Dockerfile (multi-stage, non-root USER, HEALTHCHECK)",
         docker.dockerfile_present),
    Rule("docker.non_root", "the image runs as a non-root user", MAJOR,
         "in the final stage: RUN useradd --create-home --uid 10001 app, then USER 10001",
         docker.dockerfile_non_root),
    Rule("docker.healthcheck", "the image declares a HEALTHCHECK (NONE only on an image that exposes no port)", MINOR,
         "add HEALTHCHECK CMD ... to the final stage (e.g. a request to /health)",
         docker.dockerfile_healthcheck),
    Rule("precommit.config", "commit hooks (pre-commit, lefthook, husky) run a formatter and, when notebooks are committed, nbstripout", MAJOR,
         "add .pre-commit-config.yaml with the nbstripout hook and ruff-format (or black), then `pre-commit install`",
         hygiene.pre_commit_config),
    Rule("notebooks.stripped", "notebooks are committed without outputs", MAJOR,
         "run `scaffold lint --fix` (or `nbstripout NOTEBOOK`) and commit; `nbstripout --install` keeps them clean",
         hygiene.notebooks_stripped),
    Rule("secrets.none", "no credentials in the repository", CRITICAL,
         "revoke the credential now, remove it from the file and from git history (git filter-repo), read it from the environment instead",
         secrets.no_secrets),
    Rule("env.not_committed", "no .env file with secret-looking values in version control", CRITICAL,
         "`git rm --cached .env`, add .env to .gitignore, commit a .env.example without values; rotate what it held",
         hygiene.env_not_committed),
    Rule("deps.declared", "dependencies are declared (pyproject.toml, poetry, setup.cfg or setup.py)", MAJOR,
         "list the runtime dependencies in [project].dependencies of pyproject.toml",
         layout.dependencies_declared),
    Rule("deps.lockable", "dependencies are locked or bounded", MINOR,
         "run `uv lock` and commit uv.lock, or give each dependency a lower bound (e.g. pandas>=2.2)",
         layout.dependencies_lockable),
    Rule("logging.configured_once", "logging is configured in exactly one place (judged by the calls: basicConfig, dictConfig, root handlers, loguru, structlog)", MINOR,
         "configure logging in one function of the package (e.g. configure_logging()), call it from the entry point, and use logging.getLogger(__name__) elsewhere",
         code.logging_configured_once),
    Rule("print.none", "no print() in library code (cli.py and __main__.py may print; `# noqa: T201` is respected)", MINOR,
         "replace print() with logger = logging.getLogger(__name__) and logger.info(...)",
         code.no_print_in_library),
    Rule("docs.readme", "a README", MAJOR,
         "add README.md: what the project does, how to install, test and run it",
         hygiene.readme_present),
    Rule("docs.contributing", "a CONTRIBUTING guide (the ways of working)", MINOR,
         "add CONTRIBUTING.md: branches and review, tests before merge, notebooks vs package, definition of done",
         hygiene.contributing_present),
    *AGREEMENT_RULES,
    Rule("merge.resolved", "no unresolved conflict markers (Markdown fences may quote them)", CRITICAL,
         "edit the files named: keep what you need between <<<<<<< and >>>>>>>, remove the markers, commit",
         hygiene.no_conflict_markers),
    Rule("template.current", "the project is on its template's latest release", MINOR,
         "run `scaffold update` and resolve what it reports",
         template.template_current),
)  # fmt: skip


def rule_ids() -> list[str]:
    return [rule.id for rule in RULES]
