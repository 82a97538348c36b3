"""What else an existing project tells, beyond its metadata; pure functions on paths and texts.

Its CodeArtifact repository, AWS profile, GitHub repository, and where its import package lives.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tools.adopt.errors import AdoptError, ExitCode

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from tools.adopt.metadata import Metadata

# A CodeArtifact PyPI endpoint: https://<domain>-<account>.d.codeartifact.<region>.<aws dns
# suffix>/pypi/<repository>/ (FACTS.md: the endpoints). Placeholders such as $DOMAIN or
# <account-id> never match: the domain, account and region must be literal.
CODEARTIFACT_URL = re.compile(
    r"https://(?P<domain>[a-z][a-z0-9-]{0,48}[a-z0-9])-(?P<account>[0-9]{12})"
    r"\.d\.codeartifact\.(?P<region>[a-z]{2}(?:-[a-z]+)+-[0-9]+)\.amazonaws\.com(?:\.cn)?"
    r"/pypi/(?P<repository>[A-Za-z0-9][A-Za-z0-9._-]{0,99})(?![A-Za-z0-9._-])"
)
# `--profile NAME` of the AWS CLI, or AWS_PROFILE=NAME; a shell variable ($X) is no name.
_PROFILE = re.compile(r"(?:--profile[ =]+|AWS_PROFILE=)['\"]?(?P<name>[A-Za-z0-9._+=,@-]{1,64})")
_GITHUB = re.compile(
    r"^(?:https://(?:[^@/]+@)?github\.com/|git@github\.com:|ssh://git@github\.com/)"
    r"(?P<owner>[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38})/(?P<name>[A-Za-z0-9._-]+?)(?:\.git)?/?$"
)
# Top-level folders that hold no library package, whatever they contain.
NOT_THE_LIBRARY = frozenset(
    {"tests", "test", "docs", "doc", "scripts", "examples", "example", "benchmarks", "tools"}
)


@dataclass(frozen=True, order=True)
class Repository:
    """A CodeArtifact repository: the four answers that name it."""

    domain: str
    account: str
    region: str
    repository: str

    def answers(self) -> dict[str, str]:
        """The copier answers for this repository."""
        return {
            "codeartifact_domain": self.domain,
            "aws_account_id": self.account,
            "aws_region": self.region,
            "codeartifact_repository": self.repository,
        }

    def __str__(self) -> str:
        """Domain, account, region and repository, as the summary shows them."""
        return f"{self.domain} / {self.account} / {self.region} / {self.repository}"


@dataclass(frozen=True)
class Found:
    """A value read from the project, where it was read, and the other values seen."""

    value: str
    where: str
    others: tuple[str, ...] = ()


def codeartifact_repositories(texts: Mapping[str, str]) -> list[tuple[Repository, list[str]]]:
    """Each repository the texts name, the most often named first, with the files naming it."""
    seen: Counter[Repository] = Counter()
    files: dict[Repository, list[str]] = {}
    for path, text in texts.items():
        for match in CODEARTIFACT_URL.finditer(text):
            found = Repository(
                match["domain"], match["account"], match["region"], match["repository"].rstrip(".")
            )
            seen[found] += 1
            if path not in files.setdefault(found, []):
                files[found].append(path)
    return [(repository, files[repository]) for repository, _ in seen.most_common()]


def choose_repository(
    index_urls: Sequence[str], texts: Mapping[str, str]
) -> tuple[Repository | None, str, list[Repository]]:
    """The project's repository, where it was read, and the other ones its files name.

    An index its pyproject.toml declares comes first; else the one its files name most.
    """
    declared = codeartifact_repositories({"pyproject.toml": "\n".join(index_urls)})
    named = codeartifact_repositories(texts)
    if declared:
        chosen, where = declared[0][0], "pyproject.toml (its index)"
    elif named:
        chosen, files = named[0]
        where = ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")  # noqa: PLR2004 - three names, then a count
    else:
        return None, "", []
    others = [repository for repository, _ in named if repository != chosen]
    return chosen, where, others


def aws_profile(texts: Mapping[str, str]) -> Found | None:
    """The AWS CLI profile the project's docs and scripts use the most, if any."""
    seen: Counter[str] = Counter()
    where: dict[str, str] = {}
    for path, text in texts.items():
        for match in _PROFILE.finditer(text):
            seen[match["name"]] += 1
            where.setdefault(match["name"], path)
    if not seen:
        return None
    ranked = [name for name, _ in seen.most_common()]
    return Found(ranked[0], where[ranked[0]], tuple(ranked[1:]))


def github_repository(remote_url: str) -> str:
    """`owner/name` of a GitHub remote URL (https or ssh), or "" for any other remote."""
    found = _GITHUB.match(remote_url.strip())
    return f"{found['owner']}/{found['name']}" if found else ""


@dataclass(frozen=True)
class Package:
    """The project's import package: its name and the folder it is in now."""

    import_name: str
    folder: str

    @property
    def target(self) -> str:
        """Where the template keeps it: src/<import_name>."""
        return f"src/{self.import_name}"

    @property
    def moves(self) -> bool:
        """Whether adoption moves it (a flat layout, or another folder than src/)."""
        return self.folder != self.target


def import_packages(paths: Iterable[str]) -> set[str]:
    """The folders of top-level import packages: `x` for x/__init__.py, `src/x` for src/x/."""
    found = set()
    for path in paths:
        parts = path.split("/")
        if parts[-1] != "__init__.py":
            continue
        if len(parts) == 2 and parts[0] not in NOT_THE_LIBRARY:  # noqa: PLR2004 - x/__init__.py
            found.add(parts[0])
        elif len(parts) == 3 and parts[0] == "src":  # noqa: PLR2004 - src/x/__init__.py
            found.add(f"src/{parts[1]}")
    return found


def find_package(paths: Iterable[str], metadata: Metadata, wanted: str = "") -> Package:
    """Which folder holds the library's import package; AdoptError when it cannot be told."""
    tracked = list(paths)
    packages = import_packages(tracked)
    if wanted:
        for folder in (wanted, f"src/{wanted}"):
            if folder in packages:
                return Package(wanted, folder)
        msg = (
            f"import_name={wanted}: the project has no package folder {wanted}/ or "
            f"src/{wanted}/ (with an __init__.py); adoption keeps the package's name. Its "
            f"packages: {', '.join(sorted(packages)) or 'none'}."
        )
        raise AdoptError(ExitCode.USAGE, msg)
    if len(metadata.package_paths) > 1:
        msg = (
            f"the build ships several packages ({', '.join(metadata.package_paths)}); the "
            "template builds one, src/<import_name>. Adopt with the main one "
            "(DATA=import_name=...) once the others live inside it or in a library of their own."
        )
        raise AdoptError(ExitCode.NOT_READY, msg)
    if metadata.package_paths:
        folder = metadata.package_paths[0]
        if folder in packages:
            return Package(folder.rsplit("/", 1)[-1], folder)
    expected = re.sub(r"[-.]+", "_", metadata.name.lower())
    matching = sorted(p for p in packages if p.rsplit("/", 1)[-1] == expected)
    candidates = matching or sorted(packages)
    if len(candidates) == 1:
        return Package(candidates[0].rsplit("/", 1)[-1], candidates[0])
    if not candidates:
        modules = sorted(p for p in tracked if "/" not in p and p.endswith(".py"))
        hint = (
            f" A single module ({', '.join(modules)}) is no package: make it one "
            "(`mkdir pkg && git mv pkg.py pkg/__init__.py`), commit, and run make adopt again."
            if modules
            else ""
        )
        msg = (
            f"no import package found (a folder with an __init__.py, at the top or in src/).{hint}"
        )
        raise AdoptError(ExitCode.NOT_READY, msg)
    msg = (
        f"import_name: the project has several packages ({', '.join(candidates)}); say which is "
        f"the library's: DATA=import_name={candidates[0].rsplit('/', 1)[-1]}"
    )
    raise AdoptError(ExitCode.USAGE, msg)
