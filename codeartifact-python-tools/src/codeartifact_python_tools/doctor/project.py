"""What the project's own files say: minimum uv, Python versions, template answers, demo values.

Pure functions over text, plus `Project.read` that loads the files once. Regular expressions
instead of a TOML or YAML parser: Python 3.10 has no tomllib and doctor needs no dependencies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

# The template's demo answers (copier.yml defaults): a project that still has them cannot publish,
# or publishes under the template's name: the release role trusts the demo GitHub repository
# (docs/iam/github-oidc-trust.json), the package metadata names the demo author.
DEMO_ACCOUNT = "123456789012"
DEMO_DOMAIN = "acme"
DEMO_OWNER = "acme"  # github_repository's default owner is the domain: acme/<package>
DEMO_AUTHOR = "ACME Platform Team"
DEMO_EMAIL = "platform@example.com"
_SKIP_DIRS = {".git", ".venv", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
_SKIP_DIRS |= {"dist", "site", "htmlcov", "build"}


@dataclass(frozen=True)
class Version:
    """A PEP 440 release with an optional pre-release: enough to order tags and tool versions."""

    release: tuple[int, ...]
    pre: tuple[str, int] | None = None

    @classmethod
    def parse(cls, text: str) -> Version | None:
        """Read `v1.2.3`, `1.2`, `0.2.0rc1`; None for anything else (dev, local, names)."""
        match = re.fullmatch(r"v?(\d+(?:\.\d+)*)(?:(a|b|rc)(\d+))?", text.strip())
        if match is None:
            return None
        pre = (match.group(2), int(match.group(3))) if match.group(2) else None
        return cls(tuple(int(part) for part in match.group(1).split(".")), pre)

    def key(self) -> tuple[tuple[int, ...], tuple[int, str, int]]:
        """Sort key: a pre-release sorts before its release."""
        padded = self.release + (0,) * (4 - len(self.release))
        return padded, (0, *self.pre) if self.pre else (1, "", 0)

    def __str__(self) -> str:
        """The version as PEP 440 writes it."""
        text = ".".join(map(str, self.release))
        return text + (f"{self.pre[0]}{self.pre[1]}" if self.pre else "")


def newest(tags: list[str], *, prereleases: bool = False) -> tuple[str, Version] | None:
    """The newest tag that is a PEP 440 version (releases only, unless `prereleases`)."""
    found = [(tag, v) for tag in tags if (v := Version.parse(tag)) is not None]
    found = [(tag, v) for tag, v in found if prereleases or v.pre is None]
    return max(found, key=lambda pair: pair[1].key()) if found else None


def minimum_uv(pyproject: str) -> Version | None:
    """The lowest uv `[tool.uv] required-version` allows (its `>=` or `==` bound)."""
    section = re.search(r"^\[tool\.uv\]\s*$(.*?)(?=^\[|\Z)", pyproject, re.MULTILINE | re.DOTALL)
    if section is None:
        return None
    spec = re.search(r'^required-version\s*=\s*"([^"]*)"', section.group(1), re.MULTILINE)
    if spec is None:
        return None
    bounds = re.findall(r"(?:>=|==|~=)\s*([0-9][0-9.]*)", spec.group(1))
    versions = [v for bound in bounds if (v := Version.parse(bound)) is not None]
    return max(versions, key=Version.key) if versions else None


def python_versions(pyproject: str) -> list[str]:
    """The Python versions the classifiers declare, as CI's matrix reads them."""
    return re.findall(r'"Programming Language :: Python :: (3\.\d+)"', pyproject)


def project_name(pyproject: str) -> str:
    """`[project] name`."""
    match = re.search(r'^name\s*=\s*"([^"]+)"', pyproject, re.MULTILINE)
    return match.group(1) if match else ""


def answers(text: str) -> dict[str, str]:
    """The top-level scalar answers of .copier-answers.yml (copier writes one per line)."""
    found = {}
    for key, value in re.findall(r"^([A-Za-z_]\w*):[ \t]*(.*?)[ \t]*$", text, re.MULTILINE):
        found[key] = value.strip("'\"")
    return found


@dataclass(frozen=True)
class Demo:
    """One demo answer a project still has: where it is written, and what `DATA` sets instead."""

    answer: str  # the question, as `make update-template DATA=answer=...` names it
    what: str  # how the report names it: "AWS account 123456789012"
    pattern: re.Pattern[str]
    placeholder: str  # the value a fix line shows for the user to replace


def demo_values(recorded: dict[str, str]) -> list[Demo]:
    """The demo answers the project still has, in the order copier asks the questions."""
    found = []
    if recorded.get("aws_account_id") == DEMO_ACCOUNT:
        pattern = re.compile(re.escape(DEMO_ACCOUNT))
        found.append(
            Demo("aws_account_id", f"AWS account {DEMO_ACCOUNT}", pattern, "YOUR_ACCOUNT_ID")
        )
    if recorded.get("codeartifact_domain") == DEMO_DOMAIN:
        # Where the domain is written as a domain: not every word "acme" (acme-widgets, ACME).
        domain = "|".join(
            (
                f"CODEARTIFACT_DOMAIN := {DEMO_DOMAIN}$",
                f"codeartifact_domain: {DEMO_DOMAIN}$",
                f"//{DEMO_DOMAIN}-" + r"[0-9]+\.d\.codeartifact",
                f"(?:domain|repository|package)/{DEMO_DOMAIN}" + r"\b",
                f"--domain {DEMO_DOMAIN}" + r"\b",
            )
        )
        pattern = re.compile(domain, re.MULTILINE)
        found.append(
            Demo(
                "codeartifact_domain", f"CodeArtifact domain {DEMO_DOMAIN}", pattern, "YOUR_DOMAIN"
            )
        )
    if recorded.get("author_name") == DEMO_AUTHOR:
        pattern = re.compile(re.escape(DEMO_AUTHOR))
        found.append(Demo("author_name", f"author name {DEMO_AUTHOR}", pattern, "Your Team"))
    if recorded.get("author_email") == DEMO_EMAIL:
        pattern = re.compile(re.escape(DEMO_EMAIL))
        found.append(
            Demo("author_email", f"author email {DEMO_EMAIL}", pattern, "YOU@YOUR_COMPANY")
        )
    repository = recorded.get("github_repository", "")
    owner, _, name = repository.partition("/")
    if owner.lower() == DEMO_OWNER and name:
        # The whole owner/name, not part of a longer one (acme/x inside notacme/x-y).
        pattern = re.compile(rf"(?<![\w.-]){re.escape(repository)}(?![\w.-])", re.IGNORECASE)
        what = f"GitHub repository {repository}"
        found.append(Demo("github_repository", what, pattern, f"YOUR_ORG/{name}"))
    return found


def demo_patterns(recorded: dict[str, str]) -> dict[str, re.Pattern[str]]:
    """For each demo answer the project still has, a pattern that finds where it is written."""
    return {demo.what: demo.pattern for demo in demo_values(recorded)}


def where(root: Path, pattern: re.Pattern[str]) -> list[str]:
    """The project's files (relative, sorted) whose text matches `pattern`."""
    found = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if _SKIP_DIRS.intersection(relative.parts):  # tool output, caches, environments
            continue
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if pattern.search(text):
            found.append(relative.as_posix())
    return found


@dataclass(frozen=True)
class Project:
    """The files doctor reads, loaded once; a missing file reads as empty."""

    root: Path
    pyproject: str = ""
    python_version: str = ""
    answers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, root: Path) -> Project:
        """Load pyproject.toml, .python-version and .copier-answers.yml."""

        def text(name: str) -> str:
            try:
                return (root / name).read_text(encoding="utf-8")
            except OSError:
                return ""

        return cls(
            root=root,
            pyproject=text("pyproject.toml"),
            python_version=text(".python-version").strip(),
            answers=answers(text(".copier-answers.yml")),
        )
