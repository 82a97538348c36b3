"""copier.yml itself: every question explains itself, and every validator accepts and refuses."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import answer_rules
import pytest
import yaml

if TYPE_CHECKING:
    from jinja2 import Environment

ROOT = Path(__file__).resolve().parents[2]
CONFIG: dict[str, Any] = yaml.safe_load((ROOT / "copier.yml").read_text(encoding="utf-8"))
QUESTIONS = {k: v for k, v in CONFIG.items() if not k.startswith("_")}
ASKED = {k: v for k, v in QUESTIONS.items() if v.get("when") is not False}
COMPUTED = {k: v for k, v in QUESTIONS.items() if v.get("when") is False}

# question -> (answers it accepts, (answer it refuses, words the message must contain))
DECLARATIVE: dict[str, tuple[list[str], list[tuple[str, str]]]] = {
    "aws_account_id": (
        ["123456789012", "000123456789"],
        [("12345", "exactly 12 digits"), ("12345678901a", "e.g. 123456789012"), ("", "12 digits")],
    ),
    "codeartifact_domain": (
        ["acme", "ab", "my-domain-2", "a" * 50],
        [
            ("a", "2-50 characters"),
            ("Acme", "lowercase letters"),
            ("acme-", "not ending in a hyphen"),
            ("1acme", "starting with a"),
            ("a" * 51, "2-50"),
        ],
    ),
    "codeartifact_repository": (
        ["python", "Py.internal_repo-2", "9lives", "a" * 100],
        [("p", "2-100 characters"), ("-python", "starting with"), ("py thon", "e.g. python")],
    ),
    # Checked beside codeartifact_repository, which validate() answers with "python".
    "codeartifact_staging_repository": (
        ["", "python-staging", "Py.staging_2", "a" * 100],
        [
            ("s", "2-100 characters"),
            ("-staging", "starting with"),
            ("py staging", "e.g. python-staging"),
            ("python", "a repository other than codeartifact_repository"),
        ],
    ),
    "aws_profile": (["", "integration", "sso.dev@acme"], [("has space", "profile name")]),
    "team": (
        ["platform", "Data Platform", "ml_ops.2", "a"],
        [("", "1-50"), ("-ops", "starting"), ("ops ", "not ending with a space")],
    ),
}


def validate(env: Environment, question: str, answer: str) -> str:
    """The validator's message for `answer`, the other answers it reads being the defaults'."""
    context = {"codeartifact_repository": "python", question: answer}
    rendered: str = env.from_string(QUESTIONS[question]["validator"]).render(context)
    return " ".join(rendered.split())


@pytest.mark.parametrize("name", sorted(ASKED))
def test_every_question_has_a_type_and_help(name: str) -> None:
    question = ASKED[name]
    assert question.get("type") in {"str", "bool", "int", "float", "yaml", "json"}
    assert len(question.get("help", "")) > 10


@pytest.mark.parametrize("name", sorted(ASKED))
def test_every_free_text_answer_has_a_validator(name: str) -> None:
    question = ASKED[name]
    if question["type"] == "str" and "choices" not in question:
        assert question.get("validator"), f"{name} takes free text but has no validator"


def test_every_declarative_validator_is_covered_here() -> None:
    plain = {
        name
        for name, question in ASKED.items()
        if "validator" in question and "{%" in question["validator"]
    }
    assert plain == set(DECLARATIVE)


@pytest.mark.parametrize(
    ("question", "answer"), [(q, a) for q, (good, _) in DECLARATIVE.items() for a in good]
)
def test_validator_accepts(jinja_env: Environment, question: str, answer: str) -> None:
    assert validate(jinja_env, question, answer) == ""


@pytest.mark.parametrize(
    ("question", "answer", "words"),
    [(q, a, w) for q, (_, bad) in DECLARATIVE.items() for a, w in bad],
)
def test_validator_refuses_with_the_rule_and_an_example(
    jinja_env: Environment, question: str, answer: str, words: str
) -> None:
    message = validate(jinja_env, question, answer)
    assert message.startswith(f"{question}: ")
    assert words in message
    assert "e.g." in message or "such as" in message


def test_computed_facts_are_hidden_and_named() -> None:
    facts = {"index_url", "publish_url", "python_versions", "license_expression", "tools_version"}
    assert set(COMPUTED) >= {*facts, "name_verdict"}


def _facts(env: Environment, answers: dict[str, str]) -> dict[str, str]:
    """Render the computed facts in copier.yml's order, each seeing the ones before it."""
    context = dict(answers)
    for name, question in COMPUTED.items():
        if question["type"] == "str" and "license" not in name and "year" not in name:
            context[name] = env.from_string(question["default"]).render(context)
    return context


@pytest.mark.parametrize(
    ("region", "partition", "host"),
    [
        ("eu-west-1", "aws", "eu-west-1.amazonaws.com"),
        ("cn-north-1", "aws-cn", "cn-north-1.amazonaws.com.cn"),
        ("us-gov-west-1", "aws-us-gov", "us-gov-west-1.amazonaws.com"),
    ],
)
def test_index_urls_and_the_partition_are_derived_from_the_region(
    jinja_env: Environment, region: str, partition: str, host: str
) -> None:
    answers = {
        "codeartifact_domain": "acme",
        "aws_account_id": "123456789012",
        "aws_region": region,
        "codeartifact_repository": "python",
        "codeartifact_staging_repository": "",
        "tools_index": "default",
    }
    facts = _facts(jinja_env, answers)
    base = f"https://acme-123456789012.d.codeartifact.{host}/pypi/python/"
    assert facts["aws_partition"] == partition
    assert facts["publish_url"] == base
    assert facts["index_url"] == base + "simple/"


def test_a_staging_repository_is_one_answer_that_stages_every_release(
    jinja_env: Environment,
) -> None:
    """staged_release and the staging index follow from codeartifact_staging_repository alone."""
    answers = {
        "codeartifact_domain": "acme",
        "aws_account_id": "123456789012",
        "aws_region": "eu-west-1",
        "codeartifact_repository": "python",
        "codeartifact_staging_repository": "python-staging",
        "tools_index": "default",
    }
    facts = _facts(jinja_env, answers)
    base = "https://acme-123456789012.d.codeartifact.eu-west-1.amazonaws.com/pypi/python-staging/"
    assert (facts["staging_publish_url"], facts["staging_index_url"]) == (base, base + "simple/")
    assert facts["staging_index_name"] == "codeartifact-staging"
    staged = COMPUTED["staged_release"]["default"]
    for staging, expected in (("python-staging", "True"), ("", "False")):
        rendered = jinja_env.from_string(staged).render(codeartifact_staging_repository=staging)
        assert rendered == expected


def test_the_tools_named_are_the_package_this_template_carries(jinja_env: Environment) -> None:
    pyproject = (ROOT / "codeartifact-python-tools" / "pyproject.toml").read_text(encoding="utf-8")
    answers = {
        "codeartifact_domain": "acme",
        "aws_account_id": "123456789012",
        "aws_region": "eu-west-1",
        "codeartifact_repository": "python",
        "codeartifact_staging_repository": "",
        "tools_index": "default",
    }
    facts = _facts(jinja_env, answers)
    assert f'name = "{facts["tools_name"]}"' in pyproject
    # The version lives in the package's __init__.py alone ([tool.hatch.version] in pyproject.toml).
    init = ROOT / "codeartifact-python-tools" / "src" / "codeartifact_python_tools" / "__init__.py"
    assert f'__version__ = "{facts["tools_version"]}"' in init.read_text(encoding="utf-8")
    assert facts["tools_name"] == "codeartifact-python-tools"


@pytest.mark.parametrize(
    ("minimum", "expected"),
    [("3.10", ["3.10", "3.11", "3.12", "3.13", "3.14"]), ("3.14", ["3.14"])],
)
def test_python_versions_run_from_the_minimum_to_the_newest(
    jinja_env: Environment, minimum: str, expected: list[str]
) -> None:
    rendered = jinja_env.from_string(COMPUTED["python_versions"]["default"]).render(
        python_min=minimum
    )
    assert yaml.safe_load(rendered) == expected
    assert QUESTIONS["python_min"]["choices"] == ["3.10", "3.11", "3.12", "3.13", "3.14"]


@pytest.mark.parametrize("fact", COMPUTED)
def test_a_fact_given_a_value_is_refused_wherever_it_comes_from(fact: str) -> None:
    for where in ("--data or --data-file", "the defaults of your copier settings file"):
        message = answer_rules.given_facts_problem(COMPUTED, {where: {fact: "x"}})
        assert message.startswith(f"{fact} (from {where}) is not a question but a fact")
        assert "Remove it there" in message


def test_every_fact_given_is_named_with_its_source_and_answers_pass() -> None:
    given = {
        "--data or --data-file": {"package_name": "acme-widgets", "index_url": "x", "_adopt": "y"},
        "the defaults of your copier settings file": {
            "aws_region": "eu-west-1",
            "name_verdict": "",
        },
    }
    message = answer_rules.given_facts_problem(COMPUTED, given)
    assert message.startswith(
        "index_url (from --data or --data-file) and name_verdict (from the defaults of your "
        "copier settings file) are not questions but facts"
    )
    named = message.partition(" are not questions")[0]
    assert "package_name" not in named
    assert "aws_region" not in named
    assert "_adopt" not in named
    answers_only = {
        where: {k: v for k, v in keys.items() if k not in COMPUTED} for where, keys in given.items()
    }
    assert answer_rules.given_facts_problem(COMPUTED, answers_only) == ""


def test_a_data_key_that_is_no_question_is_named_with_the_one_it_is_near() -> None:
    message = answer_rules.unknown_data_problem(ASKED, {"pacakge_name": "x", "colour": "y"})
    assert message.startswith(
        "pacakge_name (did you mean package_name?), colour (from --data or --data-file) are not "
        "questions of this template"
    )
    assert "so copier would ignore them: correct or leave out each." in message
    assert message.endswith(f"Its questions are {', '.join(ASKED)}.")
    # Copier's own keys and a tool's (make adopt's `_adopt`) are no typo.
    given = {"package_name": "x", "_adopt": "y", "_commit": "v1"}
    assert answer_rules.unknown_data_problem(ASKED, given) == ""
