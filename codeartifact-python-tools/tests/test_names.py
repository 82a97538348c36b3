"""Name rules: PEP 508 syntax, PEP 503 normalisation, import and command names, the policy."""

from __future__ import annotations

import pytest
from codeartifact_python_tools.guard.names import (
    Policy,
    candidate_names,
    canonical_version,
    cli_name_problem,
    cli_name_warning,
    derive_import_name,
    has_version,
    import_name_problem,
    name_syntax_problem,
    normalise_name,
    policy_problem,
    prefix_problem,
    same_name,
    split_list,
)


@pytest.mark.parametrize(
    ("name", "normalised"),
    [
        ("Flask_SQLAlchemy", "flask-sqlalchemy"),
        ("zope.interface", "zope-interface"),
        ("ruamel.yaml", "ruamel-yaml"),
        ("Acme__Utils", "acme-utils"),
        ("acme-._data", "acme-data"),
        ("requests", "requests"),
    ],
)
def test_normalisation_follows_pep_503(name: str, normalised: str) -> None:
    assert normalise_name(name) == normalised
    assert same_name(name, normalised)


def test_different_names_stay_different() -> None:
    assert not same_name("acme-utils", "acme-util")


@pytest.mark.parametrize("name", ["a", "acme-utils", "Acme_Utils", "acme-data.tools", "2fa", "x1"])
def test_valid_distribution_names_pass(name: str) -> None:
    assert name_syntax_problem(name) == ""


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("", "empty"),
        ("-widgets", "PEP 508"),
        ("widgets-", "PEP 508"),
        ("my package", "PEP 508"),
        ("acme/utils", "PEP 508"),
        ("acmé", "PEP 508"),
        (" acme", "spaces"),
    ],
)
def test_invalid_distribution_names_are_refused_with_the_rule(name: str, words: str) -> None:
    problem = name_syntax_problem(name)
    assert words in problem
    assert "e.g." in problem or "remove" in problem or "type a name" in problem


@pytest.mark.parametrize("name", ["acme_utils", "widgets", "_private", "match"])
def test_good_import_names_pass(name: str) -> None:
    assert import_name_problem(name) == ""


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("class", "keyword"),
        ("import", "keyword"),
        ("json", "standard library"),
        ("tomllib", "standard library"),  # newer than Python 3.10: shadowed there later
        ("logging", "standard library"),
        ("acme-utils", "identifier"),
        ("1acme", "identifier"),
        ("ácme", "identifier"),
    ],
)
def test_bad_import_names_are_refused_with_the_rule_and_a_fix(name: str, words: str) -> None:
    problem = import_name_problem(name)
    assert words in problem
    assert "e.g." in problem


@pytest.mark.parametrize(
    ("name", "derived"),
    [
        ("acme-widgets", "acme_widgets"),
        ("Acme_Utils", "acme_utils"),
        ("acme-data.tools", "acme_data_tools"),
        ("2fa", "_2fa"),
        ("json", "json_lib"),
        ("class", "class_lib"),
    ],
)
def test_derived_import_names_are_always_acceptable(name: str, derived: str) -> None:
    assert derive_import_name(name) == derived
    assert import_name_problem(derived) == ""


def test_cli_names() -> None:
    assert cli_name_problem("acme-widgets") == ""
    assert "command name" in cli_name_problem("bad name")
    assert "command name" in cli_name_problem("-x")


def test_a_cli_name_already_on_path_is_a_warning_naming_where() -> None:
    found = {"ls": "/usr/bin/ls"}
    warning = cli_name_warning("ls", found.get)
    assert "/usr/bin/ls" in warning
    assert "already exists on PATH" in warning
    assert cli_name_warning("acme-widgets", found.get) == ""


def test_the_prefix_policy_compares_normalised_names() -> None:
    policy = Policy.from_values(["Acme_"], [])
    assert policy.prefixes == ("acme-",)
    assert policy_problem("acme-widgets", policy) == ""
    assert policy_problem("ACME.widgets", policy) == ""
    problem = policy_problem("widgets", policy)
    assert "prefix 'acme-'" in problem
    assert "acme-widgets" in problem  # the fix


def test_every_prefix_applies_and_the_longest_leads() -> None:
    policy = Policy.from_values(["acme-", "acme-data-", ""], [])
    assert policy.prefix == "acme-data-"
    assert policy_problem("acme-data-tools", policy) == ""
    assert "acme-data-" in policy_problem("acme-tools", policy)


def test_the_deny_list_takes_names_and_patterns() -> None:
    policy = Policy.from_values([], split_list("Acme_Internal, *-test  legacy-*"))
    assert "deny list" in policy_problem("acme-internal", policy)
    assert "pattern '*-test'" in policy_problem("widgets-test", policy)
    assert "NAME_GUARD_DENY" in policy_problem("legacy-tools", policy)
    assert policy_problem("widgets", policy) == ""


@pytest.mark.parametrize(
    ("prefix", "required", "words"),
    [
        ("", "", ""),
        ("acme-", "", ""),
        ("acme", "", ""),
        ("Acme ", "", "cannot start"),
        ("-acme", "", "cannot start"),
        ("beta-", "acme-", "required prefix"),
        ("", "acme-", "requires the prefix"),
        ("acme-data-", "acme-", ""),
    ],
)
def test_prefix_answers(prefix: str, required: str, words: str) -> None:
    problem = prefix_problem(prefix, required)
    assert (words in problem) if words else problem == ""


def test_candidates_carry_the_prefix_and_pass_the_policy() -> None:
    policy = Policy.from_values(["acme-"], ["acme-requests-internal"])
    candidates = candidate_names("requests", policy, org="acme")
    assert candidates
    assert all(c.startswith("acme-") for c in candidates)
    assert "acme-requests" in candidates
    assert "acme-requests-internal" not in candidates  # denied


def test_candidates_without_prefix_use_the_organisation() -> None:
    candidates = candidate_names("Requests", Policy(), org="acme")
    assert candidates == ["acme-requests", "requests-acme", "requests-lib", "requests-tools"]
    assert "requests" not in candidates
    assert all(name_syntax_problem(c) == "" for c in candidates)


@pytest.mark.parametrize(
    ("first", "second"),
    [("1.0", "1.0.0"), ("v1.2", "1.2"), ("1.0rc1", "1.0.0-rc.1"), ("2.0a1", "2.0alpha1")],
)
def test_versions_compare_as_releases(first: str, second: str) -> None:
    assert canonical_version(first) == canonical_version(second)
    assert has_version([first], second)


def test_different_versions_differ() -> None:
    assert not has_version(["1.0", "1.1"], "1.0.1")
    assert not has_version(["1.0"], "1.0.post1")
