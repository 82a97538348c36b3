"""The template update's pure parts (versions, CHANGELOG, migrations, summary, whose commits), and
the few git answers the drift check reads, against real git in a scratch repository.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from codeartifact_python_tools.update import cli, project
from codeartifact_python_tools.update.summary import (
    TRAILER,
    Commit,
    Outcome,
    changelog_sections,
    commit_message,
    foreign_commits,
    migration_lines,
    newest_release,
    parse_version,
    pull_request_body,
    pull_request_title,
    summary,
)

from tests.machine import git

if TYPE_CHECKING:
    from pathlib import Path

BOT = "41898282+github-actions[bot]@users.noreply.github.com"


def test_versions_and_the_newest_release() -> None:
    assert parse_version("v1.2.3") == (1, 2, 3)
    assert parse_version("1.2.3") == (1, 2, 3)
    assert parse_version("v1.2.3-4-gabc1234") == (1, 2, 3)
    assert parse_version("main") is None
    tags = ["v0.9.0", "v0.10.0", "v1.0.0rc1", "nightly", "v0.10.0-1-gabc1234"]
    assert newest_release(tags) == "v0.10.0"
    assert newest_release(["nightly"]) is None


CHANGELOG = """# Changelog

## [Unreleased]

## [0.4.0] - 2027-03-01

- Four.

## [0.3.0] - 2027-02-01

### Upgrading

- Three.

## [0.2.0] - 2027-01-01

- Two.
"""


def test_the_changelog_sections_skipped_are_the_ones_after_the_project() -> None:
    sections = changelog_sections(CHANGELOG, (0, 2, 0), (0, 4, 0))
    assert sections.startswith("## [0.4.0] - 2027-03-01")
    assert "### Upgrading\n\n- Three." in sections
    assert "Two." not in sections
    assert "Unreleased" not in sections


# What copier printed during an update, migrations among its own lines (hooks/migrations.py).
COPIER_SAID = """\
 > Running task 1 of 2: [...]/hooks/migrations.py rename docs/reference.md docs/api.md
template migration: moved docs/reference.md to docs/api.md, so the update keeps your edits to it
    identical  README.md
template migration: removed scripts/: the template's tools are one package now, which tools.py runs
template migration: ACTION NEEDED: docs/usage.md:1 links to reference.md: change it to api.md\r
template migration: moved docs/reference.md to docs/api.md, so the update keeps your edits to it
not a template migration: line
"""


def test_every_migration_line_is_kept_in_order_once() -> None:
    assert migration_lines(COPIER_SAID) == [
        "moved docs/reference.md to docs/api.md, so the update keeps your edits to it",
        "removed scripts/: the template's tools are one package now, which tools.py runs",
        "ACTION NEEDED: docs/usage.md:1 links to reference.md: change it to api.md",
    ]
    assert migration_lines("Copier said nothing of the kind.\n") == []


def outcome(**changes: object) -> Outcome:
    fields: dict[str, object] = {
        "from_version": "v0.2.0",
        "to_version": "v0.4.0",
        "changed": ["Makefile", "pyproject.toml"],
        "migrations": migration_lines(COPIER_SAID),
        **changes,
    }
    return Outcome(**fields)  # type: ignore[arg-type] # the test's own field values


def test_the_summary_says_what_to_resolve_and_lists_every_migration() -> None:
    conflicted = outcome(conflicts=["Makefile"])
    assert conflicted.actions == ["docs/usage.md:1 links to reference.md: change it to api.md"]
    lines = summary(conflicted)
    assert lines[0] == "Template: v0.2.0 -> v0.4.0"
    assert "Conflicts to resolve: 1" in lines
    assert any("delete the markers" in line for line in lines)
    # Every line a migration printed, the one that needs a person marked as such.
    start = lines.index("Template migrations: 3, 1 asking you to act (ACTION NEEDED)")
    assert lines[start + 1 : start + 4] == [
        "  - moved docs/reference.md to docs/api.md, so the update keeps your edits to it",
        "  - removed scripts/: the template's tools are one package now, which tools.py runs",
        "  - ACTION NEEDED: docs/usage.md:1 links to reference.md: change it to api.md",
    ]
    assert lines[-1] == "make check: not checked: resolve the conflicts first"


def test_a_summary_without_migrations_has_no_migrations_line() -> None:
    lines = summary(outcome(migrations=[], check="green"))
    assert not [line for line in lines if "migration" in line]
    assert lines[-1].startswith("Review `git diff`, then commit")


def test_only_informational_migrations_ask_nothing() -> None:
    quiet = outcome(migrations=migration_lines(COPIER_SAID)[:2], check="green")
    assert quiet.actions == []
    assert "Template migrations: 2" in summary(quiet)
    assert "### Action needed" not in pull_request_body(quiet, "")


def test_the_pull_request_body_lists_migrations_conflicts_actions_and_the_changelog() -> None:
    body = pull_request_body(outcome(conflicts=["Makefile"]), "## [0.4.0]\n\n- Four.")
    assert "- [ ] `Makefile`" in body
    assert "  - removed scripts/: the template's tools are one package now" in body
    assert (
        "### Action needed\n\nThe template's migrations ask a person to do this before merging:"
        "\n\n- [ ] docs/usage.md:1 links to reference.md: change it to api.md\n"
    ) in body
    assert "the check leaves the branch alone until it is merged or deleted" in body
    assert body.rstrip().endswith("- Four.")
    assert pull_request_title("v0.4.0") == "Update the template to v0.4.0"
    # A green update's body drops the laptop's advice to commit: the branch is committed.
    assert "git commit -am" not in pull_request_body(outcome(check="green"), "")


@pytest.mark.parametrize(
    ("commit", "foreign"),
    [
        (Commit("a1", BOT, "v0.4.0", "Update the template to v0.4.0"), False),
        (Commit("a2", BOT.upper(), "v0.4.0", "Update the template to v0.4.0"), False),
        (Commit("b1", BOT, "", "Resolve the Makefile conflict"), True),  # no trailer
        (Commit("b2", "dev@example.com", "v0.4.0", "Update the template to v0.4.0"), True),
    ],
    ids=["the-check's", "email-case", "no-trailer", "amended-by-a-reviewer"],
)
def test_only_the_checks_own_commits_may_be_replaced(commit: Commit, *, foreign: bool) -> None:
    assert foreign_commits([commit], BOT) == ([commit] if foreign else [])


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A committed project on `main`, with a bare `origin` that has it; the current directory."""
    origin, work = tmp_path / "origin.git", tmp_path / "work"
    git("init", "--quiet", "--bare", str(origin), cwd=tmp_path)
    git("init", "--quiet", "--initial-branch=main", str(work), cwd=tmp_path)
    (work / ".copier-answers.yml").write_text("_commit: v0.2.0\n_src_path: gh:acme/template\n")
    git("add", "--all", cwd=work)
    git("commit", "--quiet", "--message", "start", cwd=work)
    git("remote", "add", "origin", str(origin), cwd=work)
    git("push", "--quiet", "origin", "main", cwd=work)
    monkeypatch.chdir(work)
    return work


def test_the_default_handover_folder_is_inside_git_without_a_newline(repository: Path) -> None:
    out = cli._default_out()  # noqa: SLF001 - the path `make template-drift` writes to
    assert str(out) == ".git/template-drift"  # git printed it with a newline: it is gone
    assert (repository / out).parent.is_dir()


def test_the_update_branch_is_read_from_origin_and_its_commits_told_apart(
    repository: Path,
) -> None:
    assert project.remote_branch("template-update") is None
    git("switch", "--quiet", "-c", "template-update", cwd=repository)
    answers = repository / ".copier-answers.yml"
    answers.write_text(answers.read_text().replace("v0.2.0", "v0.4.0"))
    git("commit", "--quiet", "--all", "--message", commit_message("v0.4.0"), cwd=repository)
    (repository / "NOTES.md").write_text("resolved\n")
    git("add", "--all", cwd=repository)
    git("commit", "--quiet", "--message", "Resolve by hand", cwd=repository)
    git("push", "--quiet", "origin", "template-update", cwd=repository)
    git("switch", "--quiet", "main", cwd=repository)
    git("branch", "--quiet", "--delete", "--force", "template-update", cwd=repository)

    tip = project.remote_branch("template-update")
    assert tip == git("rev-parse", "refs/remotes/origin/template-update", cwd=repository).strip()
    assert project.carries(tip, "v0.4.0")
    assert not project.carries(tip, "v0.5.0")
    commits = project.commits_beyond(tip, "main")
    assert [(c.trailer, c.subject) for c in commits] == [
        ("", "Resolve by hand"),
        ("v0.4.0", "Update the template to v0.4.0"),
    ]
    me = project.committer_email()
    assert me == "tests@example.com"
    assert [c.subject for c in foreign_commits(commits, me)] == ["Resolve by hand"]
    assert f"\n\n{TRAILER}: v0.4.0\n" in commit_message("v0.4.0")


def test_an_origin_that_cannot_be_asked_leaves_the_branch_the_checkout_fetched(
    repository: Path,
) -> None:
    # As in CI: the checkout fetched every branch, and kept no credential to ask origin again.
    git("update-ref", "refs/remotes/origin/template-update", "HEAD", cwd=repository)
    git("remote", "set-url", "origin", str(repository.parent / "gone.git"), cwd=repository)
    head = git("rev-parse", "HEAD", cwd=repository).strip()
    assert project.remote_branch("template-update") == head
