"""secrets.none: high-signal credential patterns, named by file, line and kind, never shown.

The fake credentials are assembled at run time so that this file holds none itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffold.doctor.model import Status
from scaffold.doctor.repo import Repo
from scaffold.doctor.secrets import PATTERNS, no_secrets, scan_text
from tests.doctor.repos import commit_all, write

FAKES = {
    "private key": "-----BEGIN " + "RSA PRIVATE KEY-----\nMIIEow\n",
    "AWS access key id": "AKIA" + "Q3EGRIT7ZBXK2MNP",
    "AWS secret access key": "aws_secret_access_key = "
    + "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8Zs2Lm4N",
    "GitHub token": "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
    "GitLab token": "glpat-" + "x9Y8z7W6v5U4t3S2r1Q0",
    "Slack token": "xoxb-" + "1234567890-abcdefghij",
    "Hugging Face token": "hf_" + "aBcDeFgHiJkLmNoPqRsTuVwXyZ01234567",
    "OpenAI API key": "sk-proj-" + "Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4fGh7jKl0n",
    "Google API key": "AIza" + "SyD3f8Kq2Lm9Np4Rs7Tu1Vw6Xy0Za5Bc8De",
}


def test_every_pattern_has_a_fake_to_test_it() -> None:
    assert set(FAKES) == set(PATTERNS)


@pytest.mark.parametrize("kind", sorted(FAKES))
def test_each_kind_of_secret_is_found_with_its_line(kind: str) -> None:
    text = "first line\nvalue = '" + FAKES[kind] + "'\n"
    hits = scan_text(text, Path("settings.py"))
    assert [(hit.kind, hit.line) for hit in hits] == [(kind, 2)]


def test_documentation_placeholders_and_ordinary_code_are_not_secrets() -> None:
    text = (
        "AWS_ACCESS_KEY_ID=AKIA" + "IOSFODNN7EXAMPLE\n"
        "token = os.environ['GITHUB_TOKEN']\n"
        "- id: detect-private-key\n"
        "hash = 'sk-' + 'short'\n"
    )
    assert scan_text(text, Path("README.md")) == []


def test_finding_names_the_file_and_line_but_not_the_secret(tmp_path: Path) -> None:
    token = FAKES["GitHub token"]
    commit_all(write(tmp_path, {"src/app/config.py": f"x = 1\nTOKEN = '{token}'\n"}))
    finding = no_secrets(Repo(tmp_path))
    assert finding.status is Status.FAILED
    assert finding.why == "GitHub token in src/app/config.py:2"
    assert token not in finding.why


def test_binary_and_git_ignored_files_are_not_scanned(tmp_path: Path) -> None:
    key = FAKES["private key"].encode()
    (tmp_path / "model.bin").write_bytes(b"\0\1\2" + key)
    write(tmp_path, {"secrets/local.pem": FAKES["private key"], ".gitignore": "secrets/\n"})
    commit_all(tmp_path)
    assert no_secrets(Repo(tmp_path)).status is Status.PASSED


def test_many_secrets_are_summarised(tmp_path: Path) -> None:
    write(tmp_path, {f"f{i}.txt": FAKES["Slack token"] for i in range(5)})
    finding = no_secrets(Repo(tmp_path))
    assert finding.why.endswith("(+2 more)")
