"""The template update's pure parts (versions, CHANGELOG, migrations, summary, whose commits), and
the few git answers the drift check reads, against real git in a scratch repository.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import pytest
from codeartifact_python_tools.update import answers, cli, project
from codeartifact_python_tools.update.errors import ExitCode, UpdateError
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


# --- DATA: several answers in one update ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("aws_account_id=111122223333", [("aws_account_id", "111122223333")]),
        (
            "aws_account_id=111122223333 codeartifact_domain=globex",
            [("aws_account_id", "111122223333"), ("codeartifact_domain", "globex")],
        ),
        # A value runs on to the next `name=`: spaces need no quotes (as one answer always did).
        ("description=Widgets for everyone", [("description", "Widgets for everyone")]),
        (
            "  author_name=Globex Platform Team   author_email=dev@globex.example ",
            [("author_name", "Globex Platform Team"), ("author_email", "dev@globex.example")],
        ),
        # Quotes keep a `word=` inside a value, and may hold the other quote or nothing.
        (
            "description='Sets x=1 for you' team=data",
            [("description", "Sets x=1 for you"), ("team", "data")],
        ),
        ('description="Bob\'s widgets"', [("description", "Bob's widgets")]),
        ("description='Bob's widgets'", [("description", "Bob's widgets")]),
        ("author_name=O'Brien", [("author_name", "O'Brien")]),
        ("aws_profile= name_prefix=acme-", [("aws_profile", ""), ("name_prefix", "acme-")]),
        ("aws_profile=''", [("aws_profile", "")]),
        (
            "tools_index=https://x.example/simple/?a=b",
            [("tools_index", "https://x.example/simple/?a=b")],
        ),
        ("", []),
    ],
)
def test_data_takes_several_answers_and_values_with_spaces(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert answers.parse(text) == expected


@pytest.mark.parametrize(
    ("texts", "said"),
    [
        (["Widgets for everyone"], "`Widgets` is not question=value"),
        (["=globex"], "`=globex` is not question=value"),
        (["description='Sets x=1"], "The value of description starts with ' but does not end"),
        (["_commit=v9.9.9"], "_commit is copier's own record, not a question"),
        (["team=a team=b"], "DATA gives team twice"),
        (["team=a", "team=b"], "DATA gives team twice"),
    ],
)
def test_a_bad_data_says_the_syntax_before_anything_runs(texts: list[str], said: str) -> None:
    with pytest.raises(UpdateError) as raised:
        answers.parse_all(texts)
    assert raised.value.code == ExitCode.USAGE
    assert said in raised.value.message
    if "not question=value" in said or "does not end" in said:
        assert raised.value.message.startswith("DATA is question=value answers separated by ")


def test_the_rule_copier_refused_an_answer_by_is_found_behind_its_warnings() -> None:
    said = (
        "warning: cli_name: acme-widgets is already a command on PATH (/usr/bin/acme-widgets)\n"
        "Keeping template version v0.3.0\n"
        "aws_account_id: exactly 12 digits, e.g. 123456789012 (leading zeros included)\n"
    )
    data = ["aws_account_id=1111", "codeartifact_domain=globex"]
    assert answers.refusal(said, data) == (
        "aws_account_id: exactly 12 digits, e.g. 123456789012 (leading zeros included)"
    )
    # A question DATA did not name is no refusal of DATA's; nor is a warning.
    assert answers.refusal(said, ["codeartifact_domain=globex"]) == ""
    assert answers.refusal(said, ["cli_name=acme"]) == ""
    # An older copier (COPIER=...) ends a traceback with the rule.
    traceback = (
        "Traceback (most recent call last):\n  ...\nValueError: Validation error for question "
        "'codeartifact_domain': codeartifact_domain: 2-50 characters, e.g. acme\n"
    )
    assert answers.refusal(traceback, []) == "codeartifact_domain: 2-50 characters, e.g. acme"


def fake_copier(tmp_path: Path, script: str) -> str:
    """A copier that runs SCRIPT (Python) in the project, as COPIER names it."""
    program = tmp_path / "fake-copier"
    program.write_text(f"#!{sys.executable}\nimport sys\n{script}", encoding="utf-8")
    program.chmod(0o755)
    return str(program)


def test_a_refused_answer_is_the_first_line_and_nothing_changes(
    repository: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = (
        "open('README.md', 'w').write('half an update')\n"
        "print('warning: cli_name: acme-widgets is already a command on PATH')\n"
        "print('aws_account_id: exactly 12 digits, e.g. 123456789012', file=sys.stderr)\n"
        "sys.exit(1)\n"
    )
    monkeypatch.setenv("COPIER", fake_copier(tmp_path, script))
    with pytest.raises(UpdateError) as raised:
        project.update(None, ["aws_account_id=1111", "codeartifact_domain=globex"])
    assert raised.value.code == ExitCode.COPIER
    assert raised.value.message == (
        "aws_account_id: exactly 12 digits, e.g. 123456789012. Nothing was changed: correct "
        "that answer in DATA and run it again."
    )
    assert git("status", "--porcelain", cwd=repository) == ""


def test_an_answer_copier_ignored_is_refused_with_the_projects_questions(
    repository: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # copier takes any --data silently: a typo would "succeed" and change nothing.
    script = "open('.copier-answers.yml', 'a').write('team: data\\n')\n"
    monkeypatch.setenv("COPIER", fake_copier(tmp_path, script))
    with pytest.raises(UpdateError) as raised:
        project.update(None, ["team=data", "aws_acount_id=111122223333"])
    assert raised.value.code == ExitCode.USAGE
    assert raised.value.message.startswith("aws_acount_id: not a question this project answers")
    assert "its questions are team." in raised.value.message
    assert git("status", "--porcelain", cwd=repository) == ""
    assert capsys.readouterr().err == ""  # the refusal is the first thing said
