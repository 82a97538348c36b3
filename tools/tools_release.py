"""The template's release of its tools package: the steps .github/workflows/release.yml runs.

Template release X.Y.Z is tools release X.Y.Z. `python -m tools.tools_release COMMAND`:

- `check TAG DIST`: DIST holds the wheel and the sdist of the tools package at the tag's version,
  and nothing else; the package's version, wherever it is written, is that version too.
- `region`: the organisation's AWS region, from org/stack.json (a step output in CI).
- `codeartifact TAG DIST`: upload DIST to the organisation's CodeArtifact repository that
  org/stack.json names: a fork that changed the tools publishes them there, under its own name.
- `github-release TAG DIST`: the GitHub release of the tag, with the version's CHANGELOG.md
  section as its notes and DIST's files attached.

Standard library only: the jobs that hold AWS credentials or a token that writes to the
repository install nothing else.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import tomllib  # the standard library's since 3.11, which this repository's tooling requires

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

TOOLS = "codeartifact-python-tools"  # the package's folder, and the public package's name
PYPROJECT = f"{TOOLS}/pyproject.toml"
STACK = "org/stack.json"
CHANGELOG = "CHANGELOG.md"
INDEX = "codeartifact"  # the index's name for uv, hence UV_INDEX_CODEARTIFACT_* credentials
# The line hatchling's version source reads; the value exactly as written (a `v` included).
VERSION_LINE = re.compile(r"""^__version__ *= *(['"])(?P<version>.*?)\1""", re.MULTILINE)
PRE_RELEASE = re.compile(r"(a|b|rc|\.dev)\d*")
TOKEN_SECONDS = "900"  # noqa: S105 - a duration: CodeArtifact's shortest token, enough for one upload
TIMEOUT = 120.0
UPLOAD_TIMEOUT = 900.0


class ToolsReleaseError(Exception):
    """A release step refused, with the rule broken and the fix."""


def normalise(name: str) -> str:
    """PEP 503 normalised project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class ToolsPackage:
    """The tools package in a template checkout: its name, and its version where it is written."""

    name: str
    versions: dict[str, str]  # file (relative to the checkout) -> the version it carries

    @classmethod
    def load(cls, root: Path) -> ToolsPackage:
        """Read the name and every written version: [project] version, or `__version__` lines."""
        folder = root / TOOLS
        try:
            data = tomllib.loads((root / PYPROJECT).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            msg = f"cannot read {PYPROJECT} ({error}): run this from the template repository"
            raise ToolsReleaseError(msg) from None
        project = data.get("project", {})
        versions = {PYPROJECT: str(project["version"])} if "version" in project else {}
        source = data.get("tool", {}).get("hatch", {}).get("version", {}).get("path", "")
        files = [folder / source] if source else []
        files += sorted(folder.glob("src/*/__init__.py"))
        for path in dict.fromkeys(files):
            text = path.read_text(encoding="utf-8") if path.is_file() else ""
            found = VERSION_LINE.search(text)
            if found:
                versions[path.relative_to(root).as_posix()] = found.group("version")
            elif source and path == folder / source:
                msg = f"{PYPROJECT} reads the version from {source}, which has no __version__ line"
                raise ToolsReleaseError(msg)
        if not versions:
            msg = (
                f"{PYPROJECT} has no version: set `dynamic = ['version']` and "
                "[tool.hatch.version] path to the package's __init__.py, as the template does"
            )
            raise ToolsReleaseError(msg)
        return cls(name=str(project.get("name", "")), versions=versions)

    def mismatches(self, version: str) -> str:
        """Where the package carries another version than `version`, and the fix; "" if none."""
        fixes = [
            f"{path} has {found!r}: set "
            + (f'`version = "{version}"`' if path == PYPROJECT else f'`__version__ = "{version}"`')
            + " there"
            for path, found in self.versions.items()
            if found != version
        ]
        return "; ".join(fixes)

    def stem(self) -> str:
        """Return the name as wheel and sdist file names spell it."""
        return normalise(self.name).replace("-", "_")


def tag_version(tag: str) -> str:
    """Return the version a release tag names: vX.Y.Z -> X.Y.Z."""
    if not re.fullmatch(r"v\d\S*", tag):
        msg = f"{tag!r} is not a release tag: `make release-template VERSION=X.Y.Z` tags vX.Y.Z"
        raise ToolsReleaseError(msg)
    return tag[1:]


def check(tag: str, dist: Path, package: ToolsPackage) -> list[Path]:
    """Return DIST's wheel and sdist after checking they are the package at the tag's version."""
    version = tag_version(tag)
    wrong = package.mismatches(version)
    if wrong:
        msg = f"the tag {tag} is not the tools' version: {wrong}; tag with make release-template"
        raise ToolsReleaseError(msg)
    # Hidden files are not release files: `uv build --out-dir` writes a .gitignore there.
    found = sorted(dist.iterdir()) if dist.is_dir() else []
    files = [p for p in found if p.is_file() and not p.name.startswith(".")]
    sdist = f"{package.stem()}-{version}.tar.gz"
    wheel = re.compile(rf"{re.escape(package.stem())}-{re.escape(version)}-[^-]+-[^-]+-[^-]+\.whl")
    names = [p.name for p in files]
    others = [n for n in names if n != sdist and not wheel.fullmatch(n)]
    if sdist not in names or not any(wheel.fullmatch(n) for n in names) or others:
        msg = (
            f"{dist} must hold {sdist} and a wheel of {package.name} {version}, and nothing "
            f"else; it holds {', '.join(names) or 'nothing'}: rebuild it with `make tools-dist`"
        )
        raise ToolsReleaseError(msg)
    return files


@dataclass(frozen=True)
class Repository:
    """The organisation's CodeArtifact repository, as org/stack.json (the stack) names it."""

    domain: str
    owner: str
    region: str
    name: str

    @classmethod
    def load(cls, path: Path) -> Repository:
        """Read AccountId, Region, and the DomainName and RepositoryName parameters."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            msg = f"cannot read {path} as JSON ({error}): fix it, see org/README.md"
            raise ToolsReleaseError(msg) from None
        parameters = data.get("Parameters") or {}
        values = {
            "AccountId": data.get("AccountId"),
            "Region": data.get("Region"),
            "Parameters.DomainName": parameters.get("DomainName"),
            "Parameters.RepositoryName": parameters.get("RepositoryName"),
        }
        missing = [key for key, value in values.items() if not value]
        if missing:
            msg = f"{path} lacks {', '.join(missing)}: the organisation's repository is unknown"
            raise ToolsReleaseError(msg)
        domain, owner, region, name = (
            str(values[k])
            for k in ("Parameters.DomainName", "AccountId", "Region", "Parameters.RepositoryName")
        )
        return cls(domain=domain, owner=owner, region=region, name=name)


def _run(
    args: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
    timeout: float = TIMEOUT,
) -> str:
    """Run a program; its output, or a ToolsReleaseError with its last words."""
    try:
        done = subprocess.run(
            list(args),
            capture_output=True,
            text=True,
            check=False,
            env=dict(env) if env is not None else None,
            input=stdin,
            timeout=timeout,
        )
    except FileNotFoundError:
        msg = f"{args[0]} is not on PATH: install it"
        raise ToolsReleaseError(msg) from None
    if done.returncode != 0:
        said = (done.stderr.strip() or done.stdout.strip()).splitlines()
        msg = f"`{' '.join(args[:3])}` failed ({done.returncode}): {said[-1] if said else ''}"
        raise ToolsReleaseError(msg)
    return done.stdout


def publish_codeartifact(files: Sequence[Path], package: ToolsPackage, repo: Repository) -> str:
    """Upload the files to the repository with uv; return the repository's endpoint."""
    if normalise(package.name) == TOOLS:
        msg = (
            f"{package.name} is the public package's name: a fork publishes its changed tools "
            f"under a name of its own ({PYPROJECT} [project] name), see {TOOLS}/README.md"
        )
        raise ToolsReleaseError(msg)
    env = {**os.environ, "AWS_PAGER": ""}
    where = ["--domain", repo.domain, "--domain-owner", repo.owner, "--region", repo.region]
    text = ["--output", "text"]
    endpoint = _run(
        [
            *("aws", "codeartifact", "get-repository-endpoint", *where, "--repository", repo.name),
            *("--format", "pypi", "--query", "repositoryEndpoint", *text),
        ],
        env=env,
    ).strip()
    if not re.fullmatch(r"https?://[^\s\"'\\]+", endpoint):
        msg = f"CodeArtifact answered {endpoint!r} for the repository's endpoint"
        raise ToolsReleaseError(msg)
    endpoint = endpoint.rstrip("/") + "/"
    token = _run(
        [
            *("aws", "codeartifact", "get-authorization-token", *where),
            *("--duration-seconds", TOKEN_SECONDS, "--query", "authorizationToken", *text),
        ],
        env=env,
    ).strip()
    if os.environ.get("GITHUB_ACTIONS") == "true":
        # GitHub's documented way to hide a value in every later line of the job's log.
        sys.stdout.write(f"::add-mask::{token}\n")
        sys.stdout.flush()
    with tempfile.TemporaryDirectory() as folder:
        # An index with a publish URL, named so that uv sends the token to the upload and to the
        # check URL alike: a re-run skips the files already there.
        config = Path(folder) / "uv.toml"
        config.write_text(
            f'[[index]]\nname = "{INDEX}"\nurl = {json.dumps(endpoint + "simple/")}\n'
            f"publish-url = {json.dumps(endpoint)}\nexplicit = true\n",
            encoding="utf-8",
        )
        upload = {
            **env,
            f"UV_INDEX_{INDEX.upper()}_USERNAME": "aws",
            f"UV_INDEX_{INDEX.upper()}_PASSWORD": token,
        }
        _run(
            [
                *("uv", "publish", "--config-file", str(config), "--index", INDEX),
                *("--trusted-publishing", "never", *map(str, files)),
            ],
            env=upload,
            timeout=UPLOAD_TIMEOUT,
        )
    return endpoint


def notes(changelog: str, version: str) -> str:
    """Return the entries of the version's CHANGELOG section (`## [X.Y.Z] - date`)."""
    heading = re.search(rf"^## \[{re.escape(version)}\].*$", changelog, re.MULTILINE)
    if heading is None:
        msg = f"{CHANGELOG} has no section for {version}: `make release-template` writes it"
        raise ToolsReleaseError(msg)
    following = re.search(r"^## \[", changelog[heading.end() :], re.MULTILINE)
    end = heading.end() + following.start() if following else len(changelog)
    return changelog[heading.end() : end].strip() + "\n"


def github_release(tag: str, files: Sequence[Path], changelog: str) -> str:
    """Create the tag's GitHub release with the files (or attach them to it); return the verb."""
    version = tag_version(tag)
    body = notes(changelog, version)
    names = [str(path) for path in files]
    try:
        _run(["gh", "release", "view", tag, "--json", "tagName"])
    except ToolsReleaseError:
        pre = ["--prerelease"] if PRE_RELEASE.search(version) else []
        _run(
            [
                *("gh", "release", "create", tag, "--verify-tag", "--title", tag, *pre),
                *("--notes-file", "-", *names),
            ],
            stdin=body,
        )
        return "created"
    # A re-run after the release was made: the same files, attached again.
    _run(["gh", "release", "upload", tag, "--clobber", *names])
    return "updated"


def _output(key: str, value: str) -> None:
    """Print the value; in GitHub Actions, also give it to later steps as an output."""
    print(value)
    path = os.environ.get("GITHUB_OUTPUT")
    if path:
        with Path(path).open("a", encoding="utf-8") as output:
            output.write(f"{key}={value}\n")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools.tools_release",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--stack", type=Path, default=Path(STACK), help=f"default: {STACK}")
    steps = parser.add_subparsers(dest="step", required=True)
    for name in ("check", "codeartifact", "github-release"):
        step = steps.add_parser(name)
        step.add_argument("tag", help="the release tag, vX.Y.Z")
        step.add_argument("dist", type=Path, help="the folder of the built files, e.g. dist")
    steps.add_parser("region")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one release step in the current directory (the template checkout)."""
    args = _parser().parse_args(argv)
    root = Path.cwd()
    try:
        if args.step == "region":
            _output("region", Repository.load(args.stack).region)
            return 0
        package = ToolsPackage.load(root)
        files = check(args.tag, args.dist, package)
        if args.step == "check":
            print(f"{args.tag}: {', '.join(p.name for p in files)}")
        elif args.step == "codeartifact":
            endpoint = publish_codeartifact(files, package, Repository.load(args.stack))
            print(f"Published {package.name} {tag_version(args.tag)} to {endpoint}")
        else:
            changelog = (root / CHANGELOG).read_text(encoding="utf-8")
            print(f"GitHub release {args.tag} {github_release(args.tag, files, changelog)}")
    except ToolsReleaseError as error:
        print(f"tools-release: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
