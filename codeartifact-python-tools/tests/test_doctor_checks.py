"""The pure parts of `doctor`: versions, pyproject, demo values, report.

The commands and services it asks are covered end to end in tests/e2e/test_doctor.py.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pathlib import Path


def _module(name: str) -> Any:  # noqa: ANN401 - a module loaded by name
    return importlib.import_module(f"codeartifact_python_tools.doctor.{name}")


@pytest.fixture(scope="module")
def project() -> Any:  # noqa: ANN401
    return _module("project")


@pytest.fixture(scope="module")
def report() -> Any:  # noqa: ANN401
    return _module("report")


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ('required-version = ">=0.9.5"', "0.9.5"),
        ('required-version = ">=0.8, <1"', "0.8"),
        ('required-version = "==0.9.2"', "0.9.2"),
        ("default-groups = []", None),
    ],
)
def test_the_minimum_uv_comes_from_tool_uv_required_version(
    project: Any,  # noqa: ANN401
    spec: str,
    expected: str | None,
) -> None:
    pyproject = f'[project]\nname = "x"\n\n[tool.uv]\n{spec}\n\n[tool.ruff]\nline-length = 100\n'
    found = project.minimum_uv(pyproject)
    assert (str(found) if found else None) == expected


def test_a_required_version_elsewhere_is_not_read(project: Any) -> None:  # noqa: ANN401
    assert project.minimum_uv('[tool.other]\nrequired-version = ">=9"\n') is None


def test_the_newest_tag_is_the_highest_pep440_release(project: Any) -> None:  # noqa: ANN401
    tags = ["v0.1.0", "v0.10.0", "v0.2.0", "v0.11.0rc1", "latest", "v0.9"]
    assert project.newest(tags)[0] == "v0.10.0"
    assert project.newest(tags, prereleases=True)[0] == "v0.11.0rc1"
    assert project.newest(["main", "nightly"]) is None


def test_demo_values_are_found_where_they_are_written(project: Any, tmp_path: Path) -> None:  # noqa: ANN401
    (tmp_path / "Makefile").write_text("CODEARTIFACT_DOMAIN := acme\nPACKAGE := acme-widgets\n")
    (tmp_path / "README.md").write_text("ACME widgets, by acme-widgets maintainers\n")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "x.txt").write_text("CODEARTIFACT_DOMAIN := acme\n")
    patterns = project.demo_patterns(
        {"aws_account_id": "123456789012", "codeartifact_domain": "acme", "author_email": "a@b.c"}
    )
    assert sorted(patterns) == ["AWS account 123456789012", "CodeArtifact domain acme"]
    # The word acme in a package name or prose is not the domain.
    assert project.where(tmp_path, patterns["CodeArtifact domain acme"]) == ["Makefile"]
    assert project.demo_patterns({"codeartifact_domain": "globex"}) == {}


def test_the_demo_github_repository_and_author_are_demo_values_too(
    tmp_path: Path,
) -> None:
    """The OIDC trust policy names the repository; the package metadata names the author."""
    checks, project = _module("checks"), _module("project")
    (tmp_path / "docs" / "iam").mkdir(parents=True)
    trust = (
        '"token.actions.githubusercontent.com:sub": "repo:acme/acme-widgets:environment:release"'
    )
    (tmp_path / "docs" / "iam" / "github-oidc-trust.json").write_text(trust)
    (tmp_path / "pyproject.toml").write_text(
        'authors = [{ name = "ACME Platform Team", email = "dev@globex.example" }]\n'
    )
    (tmp_path / "README.md").write_text("Forked from notacme/acme-widgets-extra.\n")
    answers = {
        "aws_account_id": "210987654321",
        "codeartifact_domain": "globex",
        "author_name": "ACME Platform Team",
        "author_email": "dev@globex.example",
        "github_repository": "acme/acme-widgets",
    }
    patterns = project.demo_patterns(answers)
    assert sorted(patterns) == [
        "GitHub repository acme/acme-widgets",
        "author name ACME Platform Team",
    ]
    assert project.where(tmp_path, patterns["GitHub repository acme/acme-widgets"]) == [
        "docs/iam/github-oidc-trust.json"
    ]
    ctx = checks.Context(
        project=project.Project(root=tmp_path, answers=answers), env={}, settings=None
    )
    lines = checks.check_placeholders(ctx)
    trust_file = "docs/iam/github-oidc-trust.json"
    assert [(line.mark.name, line.text, line.fix) for line in lines] == [
        ("FAIL", "demo value author name ACME Platform Team still in pyproject.toml", ""),
        (
            "FAIL",
            f"demo value GitHub repository acme/acme-widgets still in {trust_file}",
            # One update for all of them; a value with spaces needs no quotes of its own.
            (
                'make update-template DATA="author_name=Your Team '
                'github_repository=YOUR_ORG/acme-widgets"  # with your own values'
            ),
        ),
    ]
    # A team's own values: nothing to fix.
    own = {**answers, "author_name": "Globex Widgets", "github_repository": "globex/acme-widgets"}
    ctx = checks.Context(project=project.Project(root=tmp_path, answers=own), env={}, settings=None)
    [line] = checks.check_placeholders(ctx)
    assert line.mark.name == "OK"


def _template_source(tmp_path: Path, *tags: str) -> tuple[Path, str]:
    """A template repository with one commit and TAGS on it; returns it and the commit's hash."""
    source = tmp_path / "template"
    source.mkdir()
    for args in (["init", "-q"], ["commit", "-q", "--allow-empty", "-m", "template"]):
        subprocess.run(["git", *args], cwd=source, check=True)
    for tag in tags:
        subprocess.run(["git", "tag", tag], cwd=source, check=True)
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=source,
        check=True,
        capture_output=True,
        text=True,
    )
    return source, head.stdout.strip()


NOT_A_RELEASE = "template HASH is a commit of SOURCE, not a release"


@pytest.mark.parametrize(
    ("tags", "commit", "expected"),
    [
        # Made from an untagged commit (copier records the hash): move to the newest release.
        (
            ("v0.2.0", "v0.3.0"),
            "HASH",
            (
                "WARN",
                f"{NOT_A_RELEASE}: updates go from release to release",
                "make update-template REF=v0.3.0",
            ),
        ),
        # A template with no release at all: tag one first.
        (
            (),
            "HASH",
            (
                "WARN",
                f"{NOT_A_RELEASE}, and it has no release tags",
                (
                    "tag a release in the template (`make release-template VERSION=0.1.0` "
                    "there), then make update-template"
                ),
            ),
        ),
        # A hash of digits only reads as a version; it is still a commit, not a release.
        (
            ("v0.2.0", "v0.3.0"),
            "6932216",
            (
                "WARN",
                f"{NOT_A_RELEASE.replace('HASH', '6932216')}: updates go from release to release",
                "make update-template REF=v0.3.0",
            ),
        ),
        # A release whose tag happens to be all digits stays a release.
        (
            ("20261201",),
            "20261201",
            ("OK", "template 20261201 is the newest", ""),
        ),
        # A commit after a release (`git describe`): compared as that release.
        (
            ("v0.3.0",),
            "v0.3.0-2-gabc1234",
            ("OK", "template v0.3.0-2-gabc1234: 2 commit(s) past 0.3.0, and no newer release", ""),
        ),
        (
            ("v0.3.0", "v0.4.0"),
            "v0.3.0-2-gabc1234",
            (
                "WARN",
                "template v0.3.0-2-gabc1234 is behind: 0.4.0 is out",
                "make update-template REF=v0.4.0",
            ),
        ),
    ],
)
def test_a_template_version_that_is_no_release_comes_with_its_fix(
    tmp_path: Path, tags: tuple[str, ...], commit: str, expected: tuple[str, str, str]
) -> None:
    checks, project = _module("checks"), _module("project")
    source, head = _template_source(tmp_path, *tags)
    commit = commit.replace("HASH", head)
    answers = {"_commit": commit, "_src_path": str(source)}
    ctx = checks.Context(
        project=project.Project(root=tmp_path, answers=answers), env=dict(os.environ), settings=None
    )
    [line] = checks.check_template(ctx)
    mark, text, fix = expected
    text = text.replace("HASH", head).replace("SOURCE", str(source))
    assert (line.mark.name, line.text, line.fix) == (mark, text, fix)


def test_the_report_marks_fixes_and_exit_code(report: Any) -> None:  # noqa: ANN401
    lines = [
        report.ok("uv 0.9.5"),
        report.fail("no CodeArtifact token", "make login"),
        report.warn("template 0.1.0 is behind", "copier update"),
        report.unknown("AWS not checked: offline"),
    ]
    assert report.render(lines, unicode=True) == (
        "✓ uv 0.9.5\n"
        "✗ no CodeArtifact token\n"
        "    fix: make login\n"
        "! template 0.1.0 is behind\n"
        "    fix: copier update\n"
        "? AWS not checked: offline\n"
        "1 problem(s) block `make check` or a release: run the fixes above. 1 check(s) could "
        "not run (offline or a tool missing): see `?`.\n"
    )
    assert report.render(lines[:1], unicode=False).startswith("ok uv 0.9.5\n")
    assert report.exit_code(lines) == 1
    assert report.exit_code([lines[0], lines[2], lines[3]]) == 0


def test_a_check_that_breaks_reports_instead_of_raising() -> None:
    cli = _module("cli")

    def broken(_: object) -> list[object]:
        msg = "boom"
        raise RuntimeError(msg)

    [line] = cli._safely("uv", broken, None)  # noqa: SLF001 - the guard around every check
    assert line.text == "uv not checked: RuntimeError: boom"
    assert line.mark.name == "UNKNOWN"


def test_pythons_are_looked_for_in_the_project_as_pyenv_sees_it(tmp_path: Path) -> None:
    """pyenv's shims follow the project's .python-version: uv must look from there, config off."""
    checks, project = _module("checks"), _module("project")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    uv = bin_dir / "uv"
    uv.write_text(
        f"#!{sys.executable}\nimport os, sys\nprint(os.getcwd(), *sys.argv[1:])\n",
        encoding="utf-8",
    )
    uv.chmod(0o755)
    root = tmp_path / "project"
    root.mkdir()
    classifiers = '"Programming Language :: Python :: 3.12",\n'
    ctx = checks.Context(
        project=project.Project(root=root, pyproject=classifiers, python_version="3.12"),
        env={"PATH": str(bin_dir)},
        settings=None,
    )
    [line] = checks.check_pythons(ctx)
    assert line.text == "Python 3.12 found"
    ran = checks._find_python(ctx, "3.12")  # noqa: SLF001 - the one probe this is about
    assert ran.stdout.split() == [str(root), "python", "find", "--no-config", "3.12"]


def test_a_token_past_its_recorded_expiry_is_a_failure_with_its_fix(tmp_path: Path) -> None:
    """`make login` wrote the expiry down; once it has passed, doctor says so, never "valid"."""
    checks = _module("checks")
    expiry = importlib.import_module("codeartifact_python_tools.release.expiry")
    settings = importlib.import_module("codeartifact_python_tools.release.settings")
    env = {
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "CODEARTIFACT_DOMAIN": "acme",
        "CODEARTIFACT_DOMAIN_OWNER": "123456789012",
        "CODEARTIFACT_REGION": "eu-west-1",
        "CODEARTIFACT_REPOSITORY": "python",
    }
    config = settings.load(env)
    now = datetime.now(timezone.utc)
    ctx = checks.Context(project=None, env=env, settings=config)
    assert expiry.record(env, config.service, "ca-token", now - timedelta(minutes=5)) == ""
    line = checks.token_expiry(ctx, "ca-token", "CodeArtifact token stored", now=now)
    assert line.mark.name == "FAIL"
    assert line.text.startswith("CodeArtifact token expired at ")
    assert line.fix == "make login"
    # The same token an hour before its end: valid, with the time left.
    assert expiry.record(env, config.service, "ca-token", now + timedelta(hours=1)) == ""
    line = checks.token_expiry(ctx, "ca-token", "CodeArtifact token stored", now=now)
    assert line.mark.name == "OK"
    assert "(in 1 h 00 min)" in line.text or "(in 0 h 59 min)" in line.text
    # Another token than the one recorded: its expiry is unknown, never taken from the record.
    line = checks.token_expiry(ctx, "another-token", "CodeArtifact token stored", now=now)
    assert "expiry not recorded" in line.text


# GET /repos/{owner}/{repo}/environments/release, as GitHub's REST reference shows it ("Get an
# environment"), with the rules a test varies.
def _environment(*rules: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": 161088068,
        "node_id": "MDExOkVudmlyb25tZW50MTYxMDg4MDY4",
        "name": "release",
        "url": "https://api.github.com/repos/acme/acme-widgets/environments/release",
        "created_at": "2026-11-23T22:00:40Z",
        "updated_at": "2026-11-23T22:00:40Z",
        "can_admins_bypass": True,
        "protection_rules": list(rules),
        "deployment_branch_policy": {"protected_branches": False, "custom_branch_policies": True},
    }


REVIEWERS = {
    "id": 3755,
    "node_id": "MDQ6R2F0ZTM3NTU=",
    "type": "required_reviewers",
    "prevent_self_review": True,
    "reviewers": [
        {"type": "User", "reviewer": {"login": "octocat", "id": 1}},
        {"type": "Team", "reviewer": {"slug": "release-managers", "id": 2}},
    ],
}
WAIT = {"id": 3736, "node_id": "MDQ6R2F0ZTM3MzY=", "type": "wait_timer", "wait_timer": 30}
BRANCHES = {"id": 3756, "node_id": "MDQ6R2F0ZTM3NTY=", "type": "branch_policy"}


PLANS = "(in a private repository, required reviewers need GitHub Enterprise)"
SETTINGS = "https://github.com/acme/acme-widgets/settings/environments"
NO_REVIEWERS = (
    "the `release` environment of acme/acme-widgets has no required reviewers: whoever can push "
    "a release branch publishes without approval"
)
ADD_REVIEWERS = f"add required reviewers: {SETTINGS}/161088068/edit {PLANS}"
MISSING = (
    "acme/acme-widgets has no `release` environment: the first release creates it without "
    "reviewers, and publishes without anyone's approval"
)


@pytest.mark.parametrize(
    ("found", "mark", "text", "fix"),
    [
        (
            _environment(WAIT, REVIEWERS, BRANCHES),
            "OK",
            "the `release` environment of acme/acme-widgets requires a review (2 reviewer(s))",
            "",
        ),
        (_environment(WAIT, BRANCHES), "WARN", NO_REVIEWERS, ADD_REVIEWERS),
        # A reviewers rule whose reviewers were all removed approves nothing.
        (_environment({**REVIEWERS, "reviewers": []}), "WARN", NO_REVIEWERS, ADD_REVIEWERS),
        # GitHub answered 404, and the repository itself is there.
        (None, "WARN", MISSING, f"create it with required reviewers: {SETTINGS}/new {PLANS}"),
    ],
)
def test_the_release_environment_needs_a_reviewer(
    found: dict[str, Any] | None, mark: str, text: str, fix: str
) -> None:
    checks = _module("checks")
    line = checks.release_environment("acme/acme-widgets", found)
    assert (line.mark.name, line.text, line.fix) == (mark, text, fix)


def test_without_gh_or_its_login_the_release_environment_is_not_checked(tmp_path: Path) -> None:
    checks, project = _module("checks"), _module("project")
    answers = {"github_repository": "acme/acme-widgets"}
    ctx = checks.Context(
        project=project.Project(root=tmp_path, answers=answers),
        env={"PATH": str(tmp_path)},
        settings=None,
    )
    [line] = checks.check_release_environment(ctx)
    assert (line.mark.name, line.text) == (
        "UNKNOWN",
        "release environment not checked: the GitHub CLI (`gh`) is not on PATH",
    )
    gh = tmp_path / "gh"  # gh without a login: exit code 4, as `gh help exit-codes` says
    gh.write_text(
        f"#!{sys.executable}\nimport sys\n"
        "sys.stderr.write('To get started with GitHub CLI, please run:  gh auth login\\n')\n"
        "sys.exit(4)\n",
        encoding="utf-8",
    )
    gh.chmod(0o755)
    [line] = checks.check_release_environment(ctx)
    assert line.text == "release environment not checked: gh is not logged in (gh auth login)"
    ctx = checks.Context(project=project.Project(root=tmp_path), env={}, settings=None)
    [line] = checks.check_release_environment(ctx)
    assert line.text == (
        "release environment not checked: .copier-answers.yml has no github_repository"
    )


# The organisation stack's group for acme- (org/codeartifact.yml), as GetAssociatedPackageGroup
# gives its effective modes.
_GROUP = ("/pypi//acme-~", "ALLOW_SPECIFIC_REPOSITORIES", "BLOCK", "BLOCK")
_COVERED = (
    "✓ acme-widgets: covered by the package group /pypi//acme-~, which blocks the public upstream "
    "(publish ALLOW_SPECIFIC_REPOSITORIES, internal upstream BLOCK)"
)


@pytest.mark.parametrize(
    ("own", "group", "expected"),
    [
        # Inside the group, the package's own upstream does not matter: the group's BLOCK wins.
        (
            {"publish": "ALLOW", "upstream": "ALLOW"},
            _GROUP,
            _COVERED,
        ),
        (
            None,  # not published yet: the group protects the name all the same
            _GROUP,
            _COVERED,
        ),
        # The package's own publish BLOCK wins over the group: releases fail until it changes.
        (
            {"publish": "BLOCK", "upstream": "ALLOW"},
            _GROUP,
            (
                "✗ acme-widgets: CodeArtifact blocks publishing (publish BLOCK): releases will fail"
                "\n    fix: make protect-name"
            ),
        ),
        (
            None,
            ("/pypi//acme-~", "BLOCK", "BLOCK", "BLOCK"),
            (
                "✗ acme-widgets: the package group /pypi//acme-~ (publish BLOCK, external upstream "
                "BLOCK, internal upstream BLOCK) blocks publishing it: releases will fail\n"
                "    fix: ask whoever runs the organisation's CodeArtifact stack (org/README.md)"
            ),
        ),
        # The root group, or no answer about the group: the package's own controls, as before.
        (
            {"publish": "ALLOW", "upstream": "BLOCK"},
            ("/*", "ALLOW", "ALLOW", "ALLOW"),
            "✓ acme-widgets: origin controls publish ALLOW, upstream BLOCK",
        ),
        (
            {"publish": "ALLOW", "upstream": "ALLOW"},
            None,
            (
                "! acme-widgets: the public upstream is not blocked (upstream ALLOW)"
                "\n    fix: make protect-name"
            ),
        ),
        (None, None, None),  # no package, no group: doctor's "not in CodeArtifact yet" line
    ],
)
def test_the_names_protection_is_its_group_or_its_own_controls(
    report: Any,  # noqa: ANN401
    own: dict[str, str] | None,
    group: tuple[str, str, str, str] | None,
    expected: str | None,
) -> None:
    from codeartifact_python_tools.doctor.checks import protection  # noqa: PLC0415
    from codeartifact_python_tools.guard.verdicts import PackageGroup  # noqa: PLC0415

    line = protection("acme-widgets", own, PackageGroup(*group) if group else None)
    shown = "\n".join(report.render([line], unicode=True).splitlines()[:-1]) if line else None
    assert shown == expected  # the summary line left out
