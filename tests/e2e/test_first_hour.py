"""A new team member's first hour (issue 17), each stumble reproduced through the real CLIs.

One project is copied by the real copier on a machine where git has no identity; the tests then
run its own `make` targets as that person would: several answers in one `make update-template`,
a refused one told first, `make publish` without credentials, and a mistyped target.
(`make doctor`'s demo values and template version: tests/e2e/test_doctor.py; the Makefiles and
GNU Make 3.81: tests/render/test_makefiles.py.)
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from tests.e2e.copier_cli import copier
from tests.machine import git, run

if TYPE_CHECKING:
    import subprocess
    from pathlib import Path

pytestmark = pytest.mark.e2e

AUTHOR = ("Globex Widgets Team", "dev@globex.example")
IDENTITY = tuple(
    f"GIT_{role}_{part}" for role in ("AUTHOR", "COMMITTER") for part in ("NAME", "EMAIL")
)


@dataclass(frozen=True)
class Copied:
    """The project, what the copy printed, and the identity git would have used by itself."""

    project: Path
    said: str
    own_identity: str  # "" where git had none


def without_git_identity(home: Path) -> dict[str, str]:
    """This environment, on a machine where git has no identity: an empty global config file.

    The suite sets GIT_AUTHOR_*/GIT_COMMITTER_* for every test (tests/conftest.py): gone here,
    and EMAIL too, which git would fall back on.
    """
    config = home / "empty-gitconfig"
    config.write_text("", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in IDENTITY and k != "EMAIL"}
    return {**env, "GIT_CONFIG_GLOBAL": str(config), "GIT_CONFIG_NOSYSTEM": "1"}


@pytest.fixture(scope="module")
def copied(template_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Copied:
    where = tmp_path_factory.mktemp("first-hour")
    env = without_git_identity(where)
    # A host with a domain lets git make up an identity itself (user@host.domain); this one's
    # answer decides which commit the copy must have made.
    ident = run(["git", "var", "GIT_AUTHOR_IDENT"], cwd=where, env=env)
    own = ident.stdout.rsplit(" ", 2)[0] if ident.returncode == 0 else ""
    project = where / "globex-widgets"
    data = [f"--data=author_name={AUTHOR[0]}", f"--data=author_email={AUTHOR[1]}"]
    done = copier("copy", "--trust", "--defaults", *data, str(template_repo), str(project), env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    return Copied(project, done.stdout + done.stderr, own)


def make(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run(["make", *args], cwd=project, env={**os.environ, **env}, timeout=900)


def test_without_a_git_identity_the_copy_still_makes_its_first_commit(copied: Copied) -> None:
    """The README's promise: the first commit needs no git identity."""
    assert "The first commit failed" not in copied.said
    assert "unable to auto-detect email address" not in copied.said
    log = git("log", "--format=%an <%ae>|%s", cwd=copied.project).strip().splitlines()
    assert len(log) == 1
    who, subject = log[0].split("|")
    assert subject == "Start from codeartifact-python-template"
    if copied.own_identity:  # git found one by itself: the copy did not overrule it
        assert who == copied.own_identity
        return
    assert who == f"{AUTHOR[0]} <{AUTHOR[1]}>"
    assert "git has no identity on this machine (user.name, user.email), so the first commit " in (
        " ".join(copied.said.split())
    )
    assert git("status", "--porcelain", cwd=copied.project) == ""
    assert "[user]" not in (copied.project / ".git" / "config").read_text(encoding="utf-8")


def test_a_refused_answer_is_the_first_line_and_nothing_changes(copied: Copied) -> None:
    project = copied.project
    refused = make(project, "update-template", "DATA=codeartifact_domain=globex aws_account_id=12")
    assert refused.returncode == 2, refused.stdout + refused.stderr  # make's code; the tools' 4
    assert refused.stdout == ""  # no recipe echo, no progress line before the refusal
    first = refused.stderr.splitlines()[0]
    assert first == (
        "error: aws_account_id: exactly 12 digits, e.g. 123456789012 (leading zeros included). "
        "Nothing was changed: correct that answer in DATA and run it again."
    )
    assert git("status", "--porcelain", cwd=project) == ""

    # Not question=value: said before anything runs.
    bad = make(project, "update-template", "DATA=Widgets for everyone")
    assert bad.returncode == 2
    assert bad.stderr.startswith("error: DATA is question=value answers separated by spaces")
    # A question the project has no answer for: copier would take it and change nothing.
    typo = make(project, "update-template", "DATA=aws_acount_id=111122223333")
    assert typo.returncode == 2
    assert typo.stderr.startswith("error: aws_acount_id: not a question this project answers")
    assert "aws_account_id" in typo.stderr.splitlines()[0]  # the questions it does have
    assert git("status", "--porcelain", cwd=project) == ""


def test_several_answers_change_in_one_update(copied: Copied) -> None:
    """Three demo values took three update-and-commit cycles: one `DATA` sets them all."""
    project = copied.project
    data = (
        "DATA=aws_account_id=111122223333 codeartifact_domain=globex "
        "github_repository='globex/widgets' author_name=Globex Platform Team"
    )
    updated = make(project, "update-template", data)
    said = updated.stdout + updated.stderr
    assert updated.returncode == 0, said
    assert "make check: green" in said
    answers = (project / ".copier-answers.yml").read_text(encoding="utf-8")
    assert "aws_account_id: '111122223333'" in answers
    assert "codeartifact_domain: globex" in answers
    assert "github_repository: globex/widgets" in answers
    assert "author_name: Globex Platform Team" in answers
    makefile = (project / "Makefile").read_text(encoding="utf-8")
    assert "CODEARTIFACT_DOMAIN := globex\n" in makefile
    assert "CODEARTIFACT_DOMAIN_OWNER := 111122223333\n" in makefile
    trust = (project / "docs" / "iam" / "github-oidc-trust.json").read_text(encoding="utf-8")
    assert "repo:globex/widgets:" in trust
    assert 'name = "Globex Platform Team"' in (project / "pyproject.toml").read_text()
    git("checkout", "--quiet", "--", ".", cwd=project)  # as it was, for the other tests
    git("clean", "--quiet", "-fd", cwd=project)


def test_publish_without_credentials_says_each_thing_once(copied: Copied, tmp_path: Path) -> None:
    """No token, no AWS credentials: the guard's how-to-sign-in paragraph came twice."""
    published = make(
        copied.project,
        "publish",
        NAME_GUARD_AWS="auto",  # as on a laptop: what credentials the machine has decides
        CI="",  # ...and not in CI, where a release fails closed (the suite may run in CI)
        GITHUB_ACTIONS="",
        UV_CREDENTIALS_DIR=str(tmp_path / "no-credentials"),
        UV_KEYRING_PROVIDER="disabled",
    )
    said = published.stderr
    assert published.returncode == 2, published.stdout + said  # make's code; the tools' 10
    # Why CodeArtifact was not checked (how to sign in): in the warning, and only there.
    (warning,) = [line for line in said.splitlines() if line.startswith("name guard: warning:")]
    reason = warning.split("eu-west-1): ", 1)[1].split(". If the name is taken")[0]
    assert "credentials" in reason
    assert said.count(reason) == 1, said
    (incomplete,) = [line for line in said.splitlines() if "name guard: incomplete:" in line]
    assert re.search(
        r"NOT checked CodeArtifact repository .*\(the warning above says why\)$", incomplete
    )
    assert "error: No CodeArtifact token for " in said
    assert "Traceback" not in said


def test_a_mistyped_target_points_at_make(copied: Copied) -> None:
    wrong = make(copied.project, "pubilsh")
    assert wrong.returncode == 2
    assert wrong.stderr.strip().endswith(
        "no target 'pubilsh' here: run `make` for the list of targets.  Stop."
    )
