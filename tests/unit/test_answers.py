"""A table of bad answers: every free-text question refuses what would break a generated file.

Each answer is judged by its validator exactly as copier.yml declares it, rendered in copier's own
Jinja environment for this template (extensions included), so a refusal here is the message a
user sees, prefixed with the question's name. The rules themselves are hooks/answer_rules.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import answer_rules
import pytest
import yaml
from answer_rules import email_problem

if TYPE_CHECKING:
    from jinja2 import Environment

ROOT = Path(__file__).resolve().parents[2]
CONFIG: dict[str, Any] = yaml.safe_load((ROOT / "copier.yml").read_text(encoding="utf-8"))

# Every free-text question, with an answer it accepts: the bad answers are built from these.
GOOD = {
    "aws_account_id": "123456789012",
    "aws_region": "eu-west-1",
    "codeartifact_domain": "acme",
    "codeartifact_repository": "python",
    "codeartifact_staging_repository": "python-staging",
    "aws_profile": "integration",
    "name_prefix": "acme-",
    "tools_index": "default",
    "package_name": "acme-widgets",
    "import_name": "acme_widgets",
    "cli_name": "acme-widgets",
    "description": "Helpers for the ACME widget catalogue",
    "author_name": "Jane Doe",
    "author_email": "jane.doe@example.com",
    "team": "platform",
    "github_repository": "acme/acme-widgets",
}
CONTROLS = [chr(code) for code in range(0x20)] + ["\x7f"]
CONTEXT = {"_copier_conf": {"defaults": True, "data": {}, "answers_file": ".copier-answers.yml"}}

# question, answer, words the message must contain: what each rule is there to stop.
BAD = [
    # TOML, YAML and docstring delimiters, Markdown syntax, doctest prompts, argparse's `%`.
    ("description", 'say "hi"', 'without "'),
    ("description", "back\\slash", "without \\"),
    ("description", "Runs >>> import os", "without >"),
    ("description", "<script>alert(1)</script>", "without < >"),
    ("description", "# Heading", "start with a letter or digit"),
    ("description", "- a list item", "start with a letter or digit"),
    ("description", "100% typed", "without %"),
    ("description", "a `code` span", "without `"),
    ("description", "x" * 201, "at most 200 characters"),
    ("description", " padded", "remove the spaces"),
    ("description", "", "must not be empty"),
    ("description", "one\u2028two", "U+2028"),
    ("description", "right\u202eleft", "U+202E"),
    ("author_name", 'Jane "JD" Doe', 'without "'),
    ("author_name", "Jane <jd@example.com>", "without < > @"),
    ("author_name", "J" * 101, "at most 100"),
    ("author_name", "", "must not be empty"),
    # Emails as hatchling's Address() judges them, plus a real domain.
    ("author_email", "jane", "email address"),
    ("author_email", "jane@", "email address"),
    ("author_email", "a b@c.d", "without spaces"),
    ("author_email", "jane..doe@example.com", "local-part"),
    ("author_email", "jane@localhost", "a domain with a dot"),
    ("author_email", "jane@example..com", "email address"),
    ("author_email", "jane@-example.com", "letters, digits and '-'"),
    ("author_email", "a@b.c,d@e.f", "email address"),
    ("author_email", '"x y"@example.com', "without spaces, quotes"),
    ("author_email", "j" * 65 + "@example.com", "at most 64"),
    ("author_email", "jané@example.com", "non-ASCII"),
    # Names: length limits and reserved values, refused before anything is written.
    ("package_name", "a" * 101, "at most 100"),
    ("package_name", ".", "not a valid distribution name"),
    ("package_name", "..", "not a valid distribution name"),
    ("import_name", "a" * 101, "at most 100"),
    ("import_name", ".", "not a Python identifier"),
    ("import_name", "..", "not a Python identifier"),
    ("cli_name", "a" * 101, "at most 100"),
    ("cli_name", ".", "not a usable command name"),
    ("cli_name", "..", "not a usable command name"),
    ("github_repository", "acme/.", "not '.' or '..'"),
    ("github_repository", "acme/..", "not '.' or '..'"),
    ("github_repository", "acme/" + "r" * 101, "1-100"),
    ("github_repository", "a" * 40 + "/widgets", "1-39"),
    ("github_repository", "-acme/widgets", "not at either end"),
    ("github_repository", "acme-/widgets", "not at either end"),
    ("github_repository", "acme/widgets/extra", "owner/name"),
    # One of each kind beside the boundaries above (tests/e2e/test_copy.py refuses a few of them
    # through the copier CLI too).
    ("github_repository", "acme-widgets", "owner/name"),
    ("codeartifact_domain", "Acme", "lowercase letters"),
    ("codeartifact_repository", "-python", "starting with"),
    ("aws_profile", "my profile", "profile name"),
    ("name_prefix", "Acme ", "name_prefix"),
    ("package_name", "my package", "my package"),
    ("package_name", "-widgets", "-widgets"),
    ("import_name", "class", "keyword"),
    ("import_name", "json", "standard library"),
    ("import_name", "acme-widgets", "identifier"),
    ("cli_name", "bad name", "cli_name"),
    ("team", "-ops", "team"),
    ("description", "an\x1b[31mescape", "U+001B"),
    ("name_prefix", "a" * 51 + "-", "cannot start a distribution name"),
    # Regions: CodeArtifact has no endpoint outside the standard partition (AWS's list).
    ("aws_region", "cn-north-1", "CodeArtifact has no endpoint in cn-north-1"),
    ("aws_region", "cn-northwest-1", "eu-west-1"),
    ("aws_region", "us-gov-west-1", "CodeArtifact has no endpoint in us-gov-west-1"),
    ("aws_region", "us-iso-east-1", "CodeArtifact has no endpoint"),
    ("aws_region", "Europe", "region code such as eu-west-1"),
    ("aws_region", "eu-west-9", "did you mean eu-west-1?"),
    ("aws_region", "eu-west-9", "CODEARTIFACT_EXTRA_REGIONS=eu-west-9"),
    ("aws_region", " eu-west-1", "region code such as eu-west-1"),
    ("aws_region", "eu-west-1 ", "region code such as eu-west-1"),
    # Each regex validator's boundaries: one short, one long, a space at either end, and digits
    # that look like ASCII ones.
    ("aws_account_id", "12345678901", "exactly 12 digits"),
    ("aws_account_id", "1234567890123", "exactly 12 digits"),
    ("aws_account_id", " 123456789012", "exactly 12 digits"),
    ("aws_account_id", "123456789012 ", "exactly 12 digits"),
    ("aws_account_id", "12345678901\uff12", "exactly 12 digits"),  # a fullwidth 2
    ("aws_account_id", "12345678901\u0662", "exactly 12 digits"),  # an Arabic-Indic 2
    ("codeartifact_domain", "a", "2-50 characters"),
    ("codeartifact_domain", "a" * 51, "2-50 characters"),
    ("codeartifact_domain", "acme ", "2-50 characters"),
    ("codeartifact_domain", "acme-", "not ending in a hyphen"),
    ("codeartifact_domain", "\u0430cme", "2-50 characters"),  # a Cyrillic a
    ("codeartifact_repository", "p", "2-100 characters"),
    ("codeartifact_repository", "p" * 101, "2-100 characters"),
    ("codeartifact_repository", " python", "2-100 characters"),
    ("codeartifact_repository", "python ", "2-100 characters"),
    ("codeartifact_staging_repository", " python-staging", "2-100 characters"),
    ("codeartifact_staging_repository", "s" * 101, "2-100 characters"),
    # Staging is a repository of its own, which consumers never read.
    (
        "codeartifact_staging_repository",
        "python",
        "a repository other than codeartifact_repository",
    ),
    ("aws_profile", "p" * 65, "profile name"),
    ("aws_profile", "dev ", "profile name"),
    ("team", "t" * 51, "team: 1-50"),
    ("team", "ops ", "not ending with a space"),
    ("team", " ops", "team: 1-50"),
    # Command names the library must never take: its environment's, and every shell's.
    ("cli_name", "python", "the project's environment or every shell relies on"),
    ("cli_name", "python3.12", "the project's environment or every shell relies on"),
    ("cli_name", "pip", "the project's environment or every shell relies on"),
    ("cli_name", "pytest", "the project's environment or every shell relies on"),
    ("cli_name", "ls", "the project's environment or every shell relies on"),
    ("cli_name", "Git", "the project's environment or every shell relies on"),
    # Where the tools come from: written into tools.py and committed, so never a secret.
    ("tools_index", "https://aws:ca-token@tools.example.com/simple/", "no credentials in the URL"),
    ("tools_index", "https://tools.example.com/simple/ extra", "an http(s) simple-index URL"),
    ("tools_index", "../codeartifact-python-tools", "absolute path"),
    ("tools_index", "/nonexistent/codeartifact-python-tools", "has no pyproject.toml"),
    ("tools_index", "ftp://tools.example.com/simple/", "an http(s) simple-index URL"),
    ("tools_index", "Default", "`default`"),
    ("tools_index", "", "`default`"),
]

# Odd answers that are valid, and must stay so (the everything-on answer set builds some).
ACCEPTED = [
    ("description", "Tools for the ACME data platform: 'ETL' & reports, naïve #1 in 2025"),
    ("author_name", "Zoë O'Brien-Smith, Jr."),
    ("author_email", "zoe.o'brien+data@acme-corp.example.com"),
    ("github_repository", "Acme-Corp/data.tools_2"),
    ("github_repository", "a/..b"),
    ("package_name", "acme-" + "a" * 95),
    ("tools_index", "codeartifact"),
    ("cli_name", "pythonic"),
    ("cli_name", "ls-widgets"),
    ("aws_account_id", "000000000000"),
    ("codeartifact_domain", "ab"),
    ("codeartifact_domain", "a" * 50),
    ("codeartifact_repository", "p" * 100),
    ("codeartifact_staging_repository", ""),  # releases published straight, as before
    ("team", "t" * 50),
    ("tools_index", "https://tools.example.com/simple/"),
    ("tools_index", str(ROOT / "codeartifact-python-tools")),
]


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NAME_GUARD_OFFLINE", "1")  # syntax only: these answers never reach a lookup


def validate(env: Environment, question: str, answer: str) -> str:
    context = {**GOOD, **CONTEXT, question: answer}
    rendered: str = env.from_string(CONFIG[question]["validator"]).render(context)
    return " ".join(rendered.split())


def test_the_table_covers_every_free_text_question() -> None:
    free_text = {
        name
        for name, question in CONFIG.items()
        if not name.startswith("_")
        and question.get("when") is not False
        and question.get("type") == "str"
        and "choices" not in question
    }
    assert free_text == set(GOOD)


@pytest.mark.parametrize("question", sorted(GOOD))
def test_every_good_answer_passes(jinja_env: Environment, question: str) -> None:
    assert validate(jinja_env, question, GOOD[question]) == ""


@pytest.mark.parametrize("where", ["inside", "at the end"])
@pytest.mark.parametrize("question", sorted(GOOD))
def test_every_control_character_is_refused_in_every_free_text_answer(
    jinja_env: Environment, question: str, where: str
) -> None:
    good = GOOD[question]
    let_through = []
    for char in CONTROLS:
        answer = good[:2] + char + good[2:] if where == "inside" else good + char
        message = validate(jinja_env, question, answer)
        if not message.startswith(f"{question}: "):
            let_through.append(f"U+{ord(char):04X}: {message!r}")
    assert let_through == []


@pytest.mark.parametrize(("question", "answer", "words"), BAD)
def test_a_bad_answer_is_refused_with_the_rule_of_its_question(
    jinja_env: Environment, question: str, answer: str, words: str
) -> None:
    message = validate(jinja_env, question, answer)
    assert message.startswith(f"{question}: "), message
    assert words in message


@pytest.mark.parametrize(("question", "answer"), ACCEPTED)
def test_odd_but_valid_answers_pass(jinja_env: Environment, question: str, answer: str) -> None:
    assert validate(jinja_env, question, answer) == ""


def test_an_email_the_rules_accept_is_one_hatchling_accepts() -> None:
    # hatchling formats Author-email with email.headerregistry.Address; the e2e build of the
    # everything-on answer set proves the same on a real build.
    from email.headerregistry import Address  # noqa: PLC0415 - what hatchling imports

    for _, answer in [a for a in ACCEPTED if a[0] == "author_email"]:
        assert email_problem(answer) == ""
        assert str(Address(display_name="Zoë O'Brien-Smith, Jr.", addr_spec=answer))


def test_the_regions_are_the_ones_botocore_knows_for_codeartifact() -> None:
    """A release's list is AWS's; a region added since is accepted when named (the override)."""
    import botocore.session  # noqa: PLC0415 - only this test reads botocore's endpoint data

    session = botocore.session.get_session()
    assert sorted(answer_rules.CODEARTIFACT_REGIONS) == sorted(
        session.get_available_regions("codeartifact")
    )
    assert "ap-southeast-4" not in answer_rules.CODEARTIFACT_REGIONS
    assert answer_rules.region_problem("ap-southeast-4", extra="") != ""
    assert answer_rules.region_problem("ap-southeast-4", extra="ap-east-2, ap-southeast-4") == ""
