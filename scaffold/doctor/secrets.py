"""secrets.none: a few high-signal credential patterns, searched in every file git tracks or
would add. The patterns favour precision over recall: a hit is almost surely a real secret.
A finding names the file, line and kind of secret, never the secret itself."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from scaffold.doctor.model import Finding, failed, passed
from scaffold.doctor.repo import Repo

MAX_BYTES = 2_000_000  # larger files are data or models, not configuration
PATTERNS: dict[str, str] = {
    "private key": r"-----BEGIN (?:(?:RSA|DSA|EC|OPENSSH|PGP|ENCRYPTED) )?PRIVATE KEY(?: BLOCK)?-----",
    "AWS access key id": r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",
    "AWS secret access key": r"(?i)aws_secret_access_key\s*[:=]\s*['\"]?[A-Za-z0-9/+=]{40}\b",
    "GitHub token": r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})\b",
    "GitLab token": r"\bglpat-[A-Za-z0-9_-]{20,}\b",
    "Slack token": r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b",
    "Hugging Face token": r"\bhf_[A-Za-z0-9]{34,}\b",
    "OpenAI API key": r"\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{40,}",
    "Google API key": r"\bAIza[0-9A-Za-z_-]{35}\b",
}
# A pattern is searched only in files holding one of its literals (a substring test is far
# cheaper than a regex over every file); the AWS secret's literal is matched case-blind.
LITERALS: dict[str, tuple[str, ...]] = {
    "private key": ("PRIVATE KEY",),
    "AWS access key id": ("AKIA", "ASIA"),
    "AWS secret access key": ("aws_secret_access_key",),
    "GitHub token": ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
    "GitLab token": ("glpat-",),
    "Slack token": ("xox",),
    "Hugging Face token": ("hf_",),
    "OpenAI API key": ("sk-",),
    "Google API key": ("AIza",),
}
# Documentation placeholders (AWS's own AKIAIOSFODNN7EXAMPLE...) are not secrets.
PLACEHOLDER = re.compile(r"EXAMPLE|example|XXXXXXXX|xxxxxxxx")


@dataclass(frozen=True)
class SecretHit:
    path: Path
    line: int
    kind: str

    def __str__(self) -> str:
        return f"{self.kind} in {self.path}:{self.line}"


@cache
def compiled() -> dict[str, re.Pattern[str]]:
    return {kind: re.compile(pattern) for kind, pattern in PATTERNS.items()}


def read_text(repo: Repo, path: Path) -> str | None:
    """A file's text; None for binaries and large files."""
    data = repo.data(path, MAX_BYTES)
    if data is None or b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", "replace")


def scan_text(text: str, path: Path) -> list[SecretHit]:
    hits = []
    lower = text.lower() if "aws_secret_access_key" in text.lower() else ""
    for kind, pattern in compiled().items():
        haystack = lower if kind == "AWS secret access key" else text
        if not any(literal in haystack for literal in LITERALS[kind]):
            continue
        for match in pattern.finditer(text):
            if not PLACEHOLDER.search(match.group(0)):
                hits.append(SecretHit(path, text.count("\n", 0, match.start()) + 1, kind))
    return hits


def scan(repo: Repo) -> list[SecretHit]:
    hits: list[SecretHit] = []
    for path in repo.all_files:  # template folders too: a credential there is still leaked
        text = read_text(repo, path)
        if text is not None:
            hits += scan_text(text, path)
    return sorted(hits, key=lambda hit: (str(hit.path), hit.line))


def no_secrets(repo: Repo) -> Finding:
    hits = scan(repo)
    if hits:
        shown = "; ".join(map(str, hits[:3])) + (
            f" (+{len(hits) - 3} more)" if len(hits) > 3 else ""
        )
        return failed(shown)
    return passed(f"no credentials found in {len(repo.all_files)} files")
