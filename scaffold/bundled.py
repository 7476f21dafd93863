"""The bundled template as a versioned git repository, so its projects can be updated.

The template ships inside the wheel as plain files, with no history. Copier's 3-way update needs
the version a project was generated from, so scaffold keeps a small git repository of the
bundled template in its data folder: each distinct template content scaffold has run with is a
commit tagged with scaffold's version (``v0.2.0``; ``v0.2.0.post1`` when a development checkout
changed the template without a new version). Projects record that repository as ``_src_path``
(``~/...`` when under the home folder, so the answers file reads the same on every machine), and
``scaffold update`` after upgrading scaffold merges what the new version changed.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

from scaffold.errors import ScaffoldError
from scaffold.gitops import failure_reason, git_available, run_git

REPO_NAME = "bundled-template"
# Build and editor litter that is not part of the template (left out of digest and copy alike).
_IGNORED = ("__pycache__", "*.pyc", ".DS_Store")
_IDENTITY = ("-c", "user.name=scaffold", "-c", "user.email=scaffold@localhost")


@dataclass(frozen=True)
class BundledRelease:
    repo: Path  # the versioned repository
    tag: str  # the tag holding this scaffold's bundled template
    source: str  # how projects record the repository: ``~/...`` when under the home folder


def repo_path() -> Path:
    from scaffold.settings import data_dir

    return data_dir() / REPO_NAME


def display_path(path: Path) -> str:
    """``~/.local/share/...`` for a path under the home folder, else the absolute path."""
    home = Path.home()
    try:
        return "~/" + path.relative_to(home).as_posix()
    except ValueError:
        return str(path)


def is_bundled_source(src_path: str) -> bool:
    """Whether a recorded ``_src_path`` is this machine's bundled template repository."""
    return Path(src_path).expanduser().absolute() == repo_path().absolute()


def _is_litter(relative: Path) -> bool:
    return any(fnmatch(part, pattern) for part in relative.parts for pattern in _IGNORED)


def _template_files(template: Path) -> Iterator[Path]:
    for path in sorted(template.rglob("*")):
        if path.is_file() and not _is_litter(path.relative_to(template)):
            yield path


def content_digest(template: Path) -> str:
    """A digest of the template's files (names and bytes), the identity of one release."""
    digest = hashlib.sha256()
    for path in _template_files(template):
        digest.update(path.relative_to(template).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _git(repo: Path, *args: str) -> str:
    result = run_git(repo, *args)
    if result.returncode != 0:
        reason = failure_reason(result.stderr or result.stdout, f"exit {result.returncode}")
        raise ScaffoldError(f"git {args[0]} failed in the bundled template {repo}: {reason}")
    return result.stdout


def _tags_by_digest(repo: Path) -> dict[str, str]:
    """Each release's content digest (its tag message) -> its tag."""
    listing = _git(repo, "for-each-ref", "refs/tags", "--format=%(refname:short) %(contents)")
    found: dict[str, str] = {}
    for line in listing.splitlines():
        tag, _, digest = line.partition(" ")
        if digest.strip():
            found.setdefault(digest.strip(), tag)
    return found


def _free_tag(repo: Path, version: str) -> str:
    existing = set(_git(repo, "tag", "--list").split())
    tag, post = f"v{version}", 0
    while tag in existing:
        post += 1
        tag = f"v{version}.post{post}"
    return tag


def _commit_release(repo: Path, template: Path, version: str, digest: str) -> str:
    """Replace the repository's files with ``template``, commit and tag; return the tag."""
    for child in repo.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    shutil.copytree(template, repo, dirs_exist_ok=True, ignore=shutil.ignore_patterns(*_IGNORED))
    tag = _free_tag(repo, version)
    _git(repo, "add", "--all")
    message = f"Bundled template of scaffold {version}"
    _git(repo, *_IDENTITY, "commit", "--quiet", "--no-verify", "--allow-empty", "-m", message)
    _git(repo, *_IDENTITY, "tag", "--annotate", tag, "-m", digest)
    return tag


@contextmanager
def _locked(repo: Path) -> Iterator[None]:
    """One scaffold process at a time writes the repository (parallel `new` runs, CI)."""
    from scaffold import fileio

    repo.parent.mkdir(parents=True, exist_ok=True)
    with fileio.locked(repo.parent):
        yield


def ensure_release(template: Path, version: str, repo: Path | None = None) -> BundledRelease:
    """The tag holding ``template`` in the bundled repository, committed and tagged if new."""
    repo = repo or repo_path()
    if not git_available():
        raise ScaffoldError("git is not installed; the bundled template cannot be versioned")
    repo.mkdir(parents=True, exist_ok=True)
    digest = content_digest(template)
    with _locked(repo):
        if not (repo / ".git").exists():
            _git(repo, "init", "--quiet", "--initial-branch=main")
        tag = _tags_by_digest(repo).get(digest) or _commit_release(repo, template, version, digest)
    return BundledRelease(repo=repo, tag=tag, source=display_path(repo))


def current_release() -> BundledRelease:
    """This scaffold's bundled template, recorded in the bundled repository."""
    from scaffold import __version__
    from scaffold.settings import bundled_template

    return ensure_release(bundled_template(), __version__)


def has_tag(repo: Path, tag: str) -> bool:
    return run_git(repo, "rev-parse", "--quiet", "--verify", f"refs/tags/{tag}").returncode == 0


def refresh_for(src_path: str) -> None:
    """Before comparing a project with the bundled template, record this scaffold's version.

    So that after ``pip install -U scaffold-ml`` the newer bundled template is a release that
    ``drift`` reports and ``update`` merges, without generating a project first.
    """
    if is_bundled_source(src_path) and git_available():
        current_release()


def missing_release(src_path: str, tag: str) -> str:
    """Why a project from the bundled template cannot be updated here ("" when it can): the
    bundled repository only holds the versions this machine's scaffold has run with."""
    repo = repo_path()
    if not is_bundled_source(src_path) or has_tag(repo, tag):
        return ""
    return (
        f"the bundled template {tag} this project was generated from is not on this machine "
        f"({display_path(repo)} only keeps the versions its scaffold has run with); update "
        "where the project was generated, or share a team template (`scaffold template init`)"
    )


def require_release(src_path: str, tag: str) -> None:
    if reason := missing_release(src_path, tag):
        raise ScaffoldError(reason)
