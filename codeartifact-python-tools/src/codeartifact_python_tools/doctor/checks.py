"""The checks: each asks one thing and returns report lines, with the fix for every problem."""

from __future__ import annotations

import configparser
import json
import os
import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codeartifact_python_tools import codeartifact
from codeartifact_python_tools.codeartifact import package_group
from codeartifact_python_tools.doctor import probes
from codeartifact_python_tools.doctor.project import (
    Project,
    Version,
    demo_values,
    minimum_uv,
    newest,
    project_name,
    python_versions,
    where,
)
from codeartifact_python_tools.doctor.report import Line, Mark, fail, ok, unknown, warn
from codeartifact_python_tools.guard.settings import Settings as GuardSettings
from codeartifact_python_tools.release import expiry
from codeartifact_python_tools.release.settings import PASSWORD_VARIABLE, USERNAME, Settings

if TYPE_CHECKING:
    from collections.abc import Mapping

    from codeartifact_python_tools.guard.verdicts import PackageGroup

ROOT = Path("/")  # uv commands run outside the project, so its required-version cannot stop them
_OFFLINE = re.compile(
    r"Could not connect|timed out|no answer within|Name or service|resolve", re.IGNORECASE
)


@dataclass(frozen=True)
class Context:
    """What every check may read: the project's files, the environment, the Makefile's settings."""

    project: Project
    env: Mapping[str, str]
    settings: Settings

    @property
    def profile_flag(self) -> str:
        """` --profile NAME` when the project names an AWS profile."""
        return f" --profile {self.settings.profile}" if self.settings.profile else ""

    def aws(self, *args: str) -> probes.Ran:
        """Run the AWS CLI with the project's region and profile, bounded."""
        argv = ["aws", *args, "--region", self.settings.region, "--output", "json"]
        seconds = str(int(probes.TIMEOUT))
        argv += ["--cli-connect-timeout", seconds, "--cli-read-timeout", seconds]
        argv += ["--profile", self.settings.profile] if self.settings.profile else []
        return probes.run(argv, env={**self.env, "AWS_PAGER": ""})


# --- uv, git, Python ------------------------------------------------------------------------------


def check_uv(ctx: Context) -> list[Line]:
    """Check uv: on PATH, not a broken shim, at least `required-version`, with `uv auth`."""
    required = minimum_uv(ctx.project.pyproject)
    where_uv = probes.run(["uv", "--version"], cwd=ROOT, env=ctx.env)
    if where_uv.problem.endswith("not on PATH"):
        return [fail("uv is not on PATH", "python3 -m pip install --user uv  # or uv's installer")]
    found = re.search(r"uv (\d+(?:\.\d+)+)", where_uv.stdout)
    path = _which("uv", ctx.env)
    if not where_uv.ok or found is None:
        fix = "python3 -m pip install --user uv"
        if "/shims/" in path:
            # A version manager's shim that knows no uv for this directory: put a real uv first.
            fix = (
                "python3 -m pip install --user uv, then put the directory of "
                "`python3 -c 'import uv; print(uv.find_uv_bin())'` first on PATH"
            )
            return [fail(f"uv on PATH ({path}) is a shim that fails here", fix)]
        return [fail(f"`uv --version` failed: {where_uv.last_line()}", fix)]
    version = Version.parse(found.group(1))
    lines = []
    if required is None:
        lines.append(warn(f"uv {version}: pyproject.toml sets no [tool.uv] required-version", ""))
    elif version is None or version.key() < required.key():
        text = f"uv {version} is older than pyproject.toml's required-version (>={required})"
        lines.append(fail(text, _upgrade_uv(path, required)))
    else:
        lines.append(ok(f"uv {version} (pyproject.toml requires >={required})"))
    auth = probes.run(["uv", "auth", "--help"], cwd=ROOT, env=ctx.env)
    if not auth.ok:
        fix = _upgrade_uv(path, required)
        lines.append(fail(f"uv {version} has no `uv auth`: `make login` needs it", fix))
        if required is not None and version is not None and version.key() >= required.key():
            # The project's floor lets this uv in: the template's newer pyproject raises it.
            text = f"pyproject.toml's required-version (>={required}) admits a uv without `uv auth`"
            lines.append(warn(text, "make update-template"))
    return lines


def _which(name: str, env: Mapping[str, str]) -> str:
    import shutil  # noqa: PLC0415 - only here

    return shutil.which(name, path=env.get("PATH")) or name


def _upgrade_uv(path: str, required: Version | None) -> str:
    at_least = f">={required}" if required else ""
    python = Path(path).parent / "python"
    if python.exists():  # installed with pip into this interpreter's environment
        return f"{python} -m pip install --upgrade 'uv{at_least}'"
    return "uv self update"


def check_git(ctx: Context) -> list[Line]:
    """A git identity, from git config or GIT_AUTHOR_*: commits and release tags need one."""
    ident = probes.run(["git", "var", "GIT_AUTHOR_IDENT"], cwd=ctx.project.root, env=ctx.env)
    if ident.problem.endswith("not on PATH"):
        return [fail("git is not on PATH", "install git from your package manager")]
    found = re.match(r"(.*) <(.*)>", ident.stdout)
    if not ident.ok or found is None or not found.group(2):
        fix = 'git config --global user.name "Your Name" && git config --global user.email YOU@HERE'
        return [fail("git has no identity: commits will fail", fix)]
    return [ok(f"git identity {found.group(1)} <{found.group(2)}>")]


def check_pythons(ctx: Context) -> list[Line]:
    """The interpreters uv finds for each Python version pyproject.toml declares."""
    versions = python_versions(ctx.project.pyproject)
    if not versions:
        return [unknown("no Python versions declared in pyproject.toml's classifiers")]
    main = ctx.project.python_version or versions[0]
    with ThreadPoolExecutor(max_workers=len(versions)) as pool:
        found = dict(zip(versions, pool.map(lambda v: _find_python(ctx, v), versions), strict=True))
    # uv exits 2 for "not found"; anything else means uv itself did not work.
    broken = [ran for ran in found.values() if ran.problem or ran.code not in {0, 2}]
    if broken:
        said = "uv is a pyenv shim" if "pyenv" in broken[0].stderr else broken[0].last_line()
        return [unknown(f"Python versions not checked: `uv python find`: {said}")]
    missing = [version for version, ran in found.items() if not ran.ok]
    # pyenv's shims fail for a version pyenv has but has not activated; uv reports that.
    pyenv = any("pyenv" in found[version].stderr for version in missing)
    shim = " (a pyenv shim fails for it)" if pyenv else ""
    if main in missing:
        text = f"Python {main} (.python-version) not found{shim}: `make check` needs it"
        return [fail(text, f"uv python install {main}")]
    if missing:
        text = f"Python {', '.join(missing)} not found{shim}: CI tests them"
        return [warn(text, f"uv python install {' '.join(missing)}")]
    return [ok(f"Python {', '.join(versions)} found")]


def _find_python(ctx: Context, version: str) -> probes.Ran:
    # In the project, where pyenv's shims honour .python-version as `make check` sees them;
    # --no-config keeps the project's required-version out of it, as ROOT does for the others.
    args = ["uv", "python", "find", "--no-config", version]
    return probes.run(args, cwd=ctx.project.root, env=ctx.env)


# --- AWS ------------------------------------------------------------------------------------------


def check_aws(ctx: Context) -> list[Line]:
    """AWS credentials for the project's profile (sts get-caller-identity), and the SSO session."""
    who = ctx.aws("sts", "get-caller-identity")
    if who.problem.endswith("not on PATH"):
        fix = "install AWS CLI v2: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html"
        return [fail("the AWS CLI (`aws`) is not on PATH", fix)]
    lines = []
    if who.ok:
        identity = _json(who.stdout)
        lines.append(ok(f"AWS: signed in as {identity.get('Arn', '?')}"))
    elif "pyenv" in who.stderr:  # a shim: the Python this directory selects has no aws
        text = f"the AWS CLI on PATH ({_which('aws', ctx.env)}) is a pyenv shim that fails here"
        lines.append(fail(text, "install the AWS CLI v2 outside pyenv, or put it first on PATH"))
    else:
        lines.append(_aws_problem(ctx, who.last_line()))
    sso = sso_session(ctx)
    if sso is not None:
        lines.append(sso)
    return lines


def _aws_problem(ctx: Context, said: str) -> Line:
    profile = ctx.profile_flag
    if re.search(r"could not be found", said, re.IGNORECASE):
        text = f"AWS profile {ctx.settings.profile!r} does not exist"
        return fail(text, f"aws configure sso{profile}")
    if re.search(r"expired|sso", said, re.IGNORECASE):
        return fail(f"AWS session expired: {said}", f"aws sso login{profile}")
    if re.search(r"Unable to locate credentials|NoCredentials", said, re.IGNORECASE):
        fix = f"aws sso login{profile}" if profile else "aws configure sso  # then: aws sso login"
        return fail("AWS: no credentials", fix)
    if _OFFLINE.search(said):
        return unknown(f"AWS not checked: STS did not answer ({said})")
    return fail(f"AWS: `aws sts get-caller-identity` failed: {said}", f"aws sso login{profile}")


def sso_session(ctx: Context, now: datetime | None = None) -> Line | None:
    """The SSO session behind the profile, from the AWS CLI's cache; None if it is not SSO."""
    config = configparser.ConfigParser()
    home = Path(ctx.env.get("HOME") or Path.home())
    path = ctx.env.get("AWS_CONFIG_FILE") or str(home / ".aws" / "config")
    try:
        config.read(path, encoding="utf-8")
    except (OSError, configparser.Error):
        return None
    name = ctx.settings.profile or ctx.env.get("AWS_PROFILE", "") or "default"
    section = "default" if name == "default" else f"profile {name}"
    if not config.has_section(section):
        return None
    start_url = config.get(section, "sso_start_url", fallback="")
    session = config.get(section, "sso_session", fallback="")
    if session:
        start_url = config.get(f"sso-session {session}", "sso_start_url", fallback=start_url)
    if not start_url:
        return None
    expiry = _cached_expiry(home / ".aws" / "sso" / "cache", start_url)
    moment = now or datetime.now(timezone.utc)
    fix = f"aws sso login{ctx.profile_flag}"
    if expiry is None:
        return fail(f"AWS SSO: not signed in to {start_url}", fix)
    if expiry <= moment:
        return fail(f"AWS SSO session expired at {expiry:%Y-%m-%d %H:%M} UTC", fix)
    return ok(f"AWS SSO session valid until {expiry:%H:%M} UTC ({_left(expiry - moment)} left)")


def _cached_expiry(cache: Path, start_url: str) -> datetime | None:
    latest = None
    for path in cache.glob("*.json"):
        data = _json(_read(path))
        if data.get("startUrl") != start_url or "accessToken" not in data:
            continue
        text = re.sub(r"(Z|UTC)$", "+00:00", str(data.get("expiresAt", "")))
        try:
            expiry = datetime.fromisoformat(text).astimezone(timezone.utc)
        except ValueError:
            continue
        latest = expiry if latest is None else max(latest, expiry)
    return latest


def _left(delta: timedelta) -> str:
    hours, rest = divmod(max(int(delta.total_seconds()), 0), 3600)
    return f"{hours} h {rest // 60:02d} min"


# --- CodeArtifact ---------------------------------------------------------------------------------


def check_token_and_index(ctx: Context) -> list[Line]:
    """A stored CodeArtifact token, and the index answering the project's page with it."""
    settings = ctx.settings
    if ctx.env.get(PASSWORD_VARIABLE):
        token, what = ctx.env[PASSWORD_VARIABLE], f"CodeArtifact token in {PASSWORD_VARIABLE}"
    else:
        stored = probes.run(
            ["uv", "auth", "token", "--username", USERNAME, settings.service], cwd=ROOT, env=ctx.env
        )
        if stored.problem or "unrecognized subcommand" in stored.stderr:
            why = stored.problem or "this uv has no `uv auth`"
            return [unknown(f"CodeArtifact token not checked: {why}")]
        if not stored.ok or not stored.stdout.strip():
            return [fail(f"no CodeArtifact token stored for {settings.service}", "make login")]
        token, what = stored.stdout.strip(), "CodeArtifact token stored"
    line = token_expiry(ctx, token, what)
    if line.mark is Mark.FAIL:
        return [line]  # the index would only refuse it: one line, one fix
    lines = [line]
    # A name that cannot exist anywhere: asking CodeArtifact for the project's own page could
    # make it fetch (and keep) a public package of that name through its upstream, the very
    # thing the name guard prevents. A 404 for this name says the token was taken.
    probe = f"{project_name(ctx.project.pyproject)}-doctor-probe-{secrets.token_hex(6)}"
    status = probes.http_status(settings.project_url(probe), USERNAME, token)
    if status in {200, 404}:
        lines.append(ok(f"the index accepts the token ({settings.index_url})"))
    elif status in {401, 403}:
        text = f"the index refused the token ({status}): it expired or is for another domain"
        lines.append(fail(text, "make login"))
    elif isinstance(status, int):
        lines.append(unknown(f"the index answered {status}: try again later"))
    else:
        lines.append(unknown(f"index not checked: {settings.index_url} did not answer ({status})"))
    return lines


def token_expiry(ctx: Context, token: str, what: str, now: datetime | None = None) -> Line:
    """The token's expiry, as `make login` recorded it (the token itself is never shown)."""
    expires = expiry.recorded(ctx.env, ctx.settings.service, token)
    if expires is None:  # stored by hand or by an older `make login`: nothing says when it ends
        return ok(f"{what}, expiry not recorded (not stored by `make login`; tokens last 12 hours)")
    moment = now or datetime.now(timezone.utc)
    if expires <= moment:
        return fail(f"CodeArtifact token expired at {expires:%Y-%m-%d %H:%M} UTC", "make login")
    return ok(f"{what}, valid until {expires:%H:%M} UTC (in {_left(expires - moment)})")


def check_origin_controls(ctx: Context) -> list[Line]:
    """The name's protection: its package group, or its own origin controls (`make protect-name`).

    The package and its group are asked at once. A group lookup that fails (no permission for it
    yet) leaves the package's own controls to judge.
    """
    guard = GuardSettings.from_env(ctx.env).replace(timeout=probes.TIMEOUT)
    if guard.aws == "none":
        return [unknown("origin controls not checked (NAME_GUARD_AWS=none)")]
    plane = codeartifact.control_plane(guard)
    if isinstance(plane, str):
        return [unknown(f"origin controls not checked: {plane}")]
    name = re.sub(r"[-_.]+", "-", project_name(ctx.project.pyproject)).lower()
    ca = guard.codeartifact
    params = {"domain": ca.domain, "domainOwner": ca.domain_owner, "format": "pypi"}
    asked = {
        "describe_package": {**params, "repository": ca.repository, "package": name},
        "get_associated_package_group": {**params, "package": name},
    }
    with ThreadPoolExecutor(max_workers=len(asked)) as pool:
        package, associated = pool.map(lambda item: _ask(plane, *item), asked.items())
    if isinstance(package, codeartifact.AwsError) and not package.package_missing:
        return [_origin_problem(ctx, name, package)]
    group = None if isinstance(associated, codeartifact.AwsError) else package_group(associated)
    own = None
    if not isinstance(package, codeartifact.AwsError):  # else the package is not there yet
        found = package.get("package", {}).get("originConfiguration", {}).get("restrictions")
        own = found if isinstance(found, dict) else {}
    line = protection(name, own, group)
    if line is None and isinstance(package, codeartifact.AwsError):
        line = _origin_problem(ctx, name, package)
    return [line] if line is not None else []


def protection(name: str, own: Mapping[str, str] | None, group: PackageGroup | None) -> Line | None:
    """Judge the package's own controls (None: no package yet) and its group (None: unknown).

    AWS's "Package group origin controls" page: BLOCK wins where the two disagree. The
    package's own publish BLOCK (its first version came from the upstream) stops releases
    whatever the group says; a group that blocks the upstream protects the name whatever the
    package's own upstream says. None: no package and no group to judge.
    """
    if own is not None and own.get("publish") == "BLOCK":
        text = f"{name}: CodeArtifact blocks publishing (publish BLOCK): releases will fail"
        return fail(text, "make protect-name")
    if group is not None and group.blocks_publishing:
        text = f"{name}: {group} blocks publishing it: releases will fail"
        return fail(text, "ask whoever runs the organisation's CodeArtifact stack (org/README.md)")
    if group is not None and group.blocks_upstream:
        return ok(
            f"{name}: covered by the package group {group.pattern}, which blocks the public "
            f"upstream (publish {group.publish}, internal upstream {group.internal_upstream})"
        )
    if own is None:
        return None
    if own.get("upstream") != "BLOCK":
        text = f"{name}: the public upstream is not blocked (upstream {own.get('upstream')})"
        return warn(text, "make protect-name")
    return ok(f"{name}: origin controls publish ALLOW, upstream BLOCK")


def _ask(
    plane: codeartifact.ControlPlane, operation: str, params: dict[str, str]
) -> dict[str, Any] | codeartifact.AwsError:
    """One control-plane call; its error as a value."""
    try:
        return plane.call(operation, dict(params))
    except codeartifact.AwsError as error:
        return error


def _origin_problem(ctx: Context, name: str, error: codeartifact.AwsError) -> Line:
    if error.package_missing:
        text = f"{name} is not in CodeArtifact yet: its origin controls are not set"
        return warn(text, "make protect-name")
    if error.code == "ResourceNotFoundException":
        where_ = f"{ctx.settings.domain}/{ctx.settings.repository} in {ctx.settings.region}"
        text = f"CodeArtifact has no domain/repository {where_}"
        return fail(text, "edit CODEARTIFACT_* at the top of the Makefile")
    if "AccessDenied" in error.code:
        return unknown(f"origin controls not checked: access denied ({error.message})")
    return unknown(f"origin controls not checked: {error.message or error.code}")


# --- GitHub -------------------------------------------------------------------------------------

# What the `release` environment's fix says about plans: GitHub's REST docs for environments say
# that on Free, Pro and Team plans required reviewers are available in public repositories only.
_REVIEWER_PLANS = "in a private repository, required reviewers need GitHub Enterprise"
GH_AUTH_REQUIRED = 4  # `gh help exit-codes`: 4 when a command needs authentication


def check_release_environment(ctx: Context) -> list[Line]:
    """The repository's `release` environment, through `gh api`: it exists and needs a review.

    The publish job runs in it and AWS trusts only it; GitHub creates it empty, with no
    protection rules, the first time a workflow names it. Asked only with `gh` logged in.
    """
    repository = ctx.project.answers.get("github_repository", "")
    if not repository:
        return [
            unknown("release environment not checked: .copier-answers.yml has no github_repository")
        ]
    # GitHub answers 404 for a missing environment and for a repository it will not show: the
    # repository is asked at the same time, so that one check still takes one call's time.
    endpoints = (f"repos/{repository}/environments/release", f"repos/{repository}")
    with ThreadPoolExecutor(max_workers=len(endpoints)) as pool:
        asked, seen = pool.map(lambda endpoint: _gh(ctx, endpoint), endpoints)
    if asked.ok:
        return [release_environment(repository, _json(asked.stdout))]
    if "(HTTP 404)" in asked.stderr:
        if seen.ok:
            return [release_environment(repository, None)]
        return [unknown(f"release environment not checked: gh cannot see {repository}")]
    return [unknown(f"release environment not checked: {_gh_problem(asked)}")]


def _gh(ctx: Context, endpoint: str) -> probes.Ran:
    header = "Accept: application/vnd.github+json"
    return probes.run(["gh", "api", "-H", header, endpoint], cwd=ROOT, env=ctx.env)


def _gh_problem(asked: probes.Ran) -> str:
    if asked.problem.endswith("not on PATH"):
        return "the GitHub CLI (`gh`) is not on PATH"
    if asked.code == GH_AUTH_REQUIRED or "gh auth login" in asked.stderr:
        return "gh is not logged in (gh auth login)"
    return asked.last_line()


def release_environment(repository: str, found: Mapping[str, object] | None) -> Line:
    """Judge GitHub's answer to GET /repos/{repository}/environments/release (None: a 404).

    A release needs no approval when the environment is missing (the first release creates it
    empty) or has no `required_reviewers` protection rule with at least one reviewer.
    """
    settings = f"https://github.com/{repository}/settings/environments"
    if found is None:
        text = (
            f"{repository} has no `release` environment: the first release creates it without "
            "reviewers, and publishes without anyone's approval"
        )
        fix = f"create it with required reviewers: {settings}/new ({_REVIEWER_PLANS})"
        return warn(text, fix)
    rules = found.get("protection_rules")
    reviewers = [
        reviewer
        for rule in (rules if isinstance(rules, list) else [])
        if isinstance(rule, dict) and rule.get("type") == "required_reviewers"
        for reviewer in (rule.get("reviewers") or [])
    ]
    if not reviewers:
        text = (
            f"the `release` environment of {repository} has no required reviewers: whoever can "
            "push a release branch publishes without approval"
        )
        where = f"{settings}/{found['id']}/edit" if isinstance(found.get("id"), int) else settings
        return warn(text, f"add required reviewers: {where} ({_REVIEWER_PLANS})")
    said = f"{len(reviewers)} reviewer(s)"
    return ok(f"the `release` environment of {repository} requires a review ({said})")


# --- The template -------------------------------------------------------------------------------


def check_template(ctx: Context) -> list[Line]:
    """The template version the project was made from, against the newest tag of its source.

    Copier records a release as its tag, a commit after one as `TAG-N-gHASH`, and a commit of a
    template without tags as a bare hash: updates compare releases, so that one is a warning with
    the release to move to.
    """
    current_text = ctx.project.answers.get("_commit", "")
    source = ctx.project.answers.get("_src_path", "")
    if not source or not current_text:
        return [unknown("template version unknown: .copier-answers.yml has no _src_path/_commit")]
    described = re.fullmatch(r"(.+)-(\d+)-g[0-9a-f]+", current_text)
    current = Version.parse(described.group(1) if described else current_text)
    url = re.sub(r"^gh:", "https://github.com/", re.sub(r"^gl:", "https://gitlab.com/", source))
    # No prompt for a private fork's password: without credentials it is "could not check".
    env = {**ctx.env, "GIT_TERMINAL_PROMPT": "0"}
    listed = probes.run(["git", "ls-remote", "--tags", "--refs", url], env=env)
    if not listed.ok:
        return [unknown(f"template version not checked: {url}: {listed.last_line()}")]
    tags = re.findall(r"refs/tags/(\S+)", listed.stdout)
    # A release is a tag. A hash is no version, even one of digits only ("6932216" would parse as
    # one): about one abbreviated hash in thirty has no letter.
    if current is None or (not described and current_text not in tags and _is_hash(current_text)):
        return [_untagged(current_text, source, newest(tags))]
    found = newest(tags, prereleases=current.pre is not None)
    if found is None or found[1].key() <= current.key():
        if described:
            text = f"template {current_text}: {described.group(2)} commit(s) past {current}"
            return [ok(f"{text}, and no newer release")]
        return [ok(f"template {current_text} is the newest")]
    tag, version = found
    fix = f"make update-template REF={tag}"
    return [warn(f"template {current_text} is behind: {version} is out", fix)]


def _is_hash(text: str) -> bool:
    """Whether `text` reads as a git commit hash, abbreviated (git's shortest is 4) or whole."""
    return re.fullmatch(r"[0-9a-f]{4,40}", text) is not None


def _untagged(commit: str, source: str, found: tuple[str, Version] | None) -> Line:
    """A project made from a template commit no release tag describes."""
    text = f"template {commit} is a commit of {source}, not a release"
    if found is None:
        fix = "tag a release in the template (`make release-template VERSION=0.1.0` there), then "
        return warn(f"{text}, and it has no release tags", fix + "make update-template")
    return warn(
        f"{text}: updates go from release to release", f"make update-template REF={found[0]}"
    )


def check_placeholders(ctx: Context) -> list[Line]:
    """The template's demo answers still in the project, with the files that carry them.

    One line per value, and one fix for all of them: a single `make update-template` that sets
    every answer at once (DATA takes several), so three demo values cost one update, not three.
    """
    demos = demo_values(ctx.project.answers)
    if not demos:
        return [ok("no demo values from the template (account, domain, author, GitHub repository)")]
    lines = []
    for demo in demos:
        shown = _summarise(where(ctx.project.root, demo.pattern)) or ".copier-answers.yml"
        lines.append(fail(f"demo value {demo.what} still in {shown}", ""))
    answers = " ".join(f"{demo.answer}={demo.placeholder}" for demo in demos)
    fix = f'make update-template DATA="{answers}"  # with your own values'
    lines[-1] = fail(lines[-1].text, fix)
    return lines


def _summarise(files: list[str]) -> str:
    """`Makefile, README.md, docs/iam/ (5 files)`: a folder with several hits is named once."""
    folders: dict[str, list[str]] = {}
    for path in files:
        folders.setdefault(path.rpartition("/")[0], []).append(path)
    parts = []
    for folder, inside in folders.items():
        many = folder and len(inside) > 2  # noqa: PLR2004 - three or more: name the folder
        parts += [f"{folder}/ ({len(inside)} files)"] if many else inside
    return ", ".join(parts)


# --- Helpers --------------------------------------------------------------------------------------


def _json(text: str) -> dict[str, object]:
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""


def environment() -> dict[str, str]:
    """The environment the checks see (a copy: checks never change it)."""
    return dict(os.environ)
