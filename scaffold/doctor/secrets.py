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


def read_text(path: Path) -> str | None:
    """A file's text; None for binaries and large files."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    if b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", "replace")


def scan_text(text: str, path: Path) -> list[SecretHit]:
    hits = []
    for kind, pattern in compiled().items():
        for match in pattern.finditer(text):
            if not PLACEHOLDER.search(match.group(0)):
                hits.append(SecretHit(path, text.count("\n", 0, match.start()) + 1, kind))
    return hits


def scan(repo: Repo) -> list[SecretHit]:
    hits: list[SecretHit] = []
    for path in repo.files:
        text = read_text(repo.root / path)
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
    return passed(f"no credentials found in {len(repo.files)} files")
