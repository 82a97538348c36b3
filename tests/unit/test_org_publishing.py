"""Who may publish what with the organisation stack: its roles' trust and permission policies,
resolved for a few parameter sets and evaluated as IAM does (tests/iam.py), for a GitHub Actions
job of one repository publishing one package.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests import cfn, iam

BASE = {"DomainName": "acme", "GitHubOwner": "acme"}
TWO_TEAMS = {**BASE, "Publishers": "acme-widgets=acme/widgets,acme-tools=acme/tools"}


def resolver(**parameters: str) -> cfn.Resolver:
    return cfn.Resolver(cfn.load(), {**TWO_TEAMS, **parameters})


# --- The evaluator, on the cases AWS's documentation spells out -------------------------------


def test_string_like_takes_wildcards_and_string_equals_does_not() -> None:
    trust: dict[str, Any] = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Principal": {"Federated": "idp"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringLike": {"k": "repo:acme/*:environment:release"}},
        },
    }

    def assume(value: str, federated: str = "idp") -> bool:
        request = iam.Request(iam.ASSUME, federated=federated, context={"k": value})
        return iam.allows([trust], request)

    assert assume("repo:acme/anything:environment:release")
    assert assume("repo:acme/a/b:environment:release")  # * takes a slash too
    assert not assume("repo:ACME/x:environment:release")  # case-sensitive
    assert not assume("repo:acme/x:environment:release", federated="another-idp")
    trust["Statement"]["Condition"] = {"StringEquals": {"k": "repo:acme/*:environment:release"}}
    assert not assume("repo:acme/anything:environment:release")
    assert assume("repo:acme/*:environment:release")  # only the very string


def test_all_keys_must_hold_any_value_may_and_a_missing_key_fails() -> None:
    policy: dict[str, Any] = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "codeartifact:Publish*",
                "Resource": "arn:aws:codeartifact:eu-west-1:1:package/d/r/pypi//acme-*",
                "Condition": {"StringEquals": {"a": ["1", "2"], "b": "3"}},
            }
        ],
    }
    resource = "arn:aws:codeartifact:eu-west-1:1:package/d/r/pypi//acme-x"

    def publish(
        context: dict[str, str], action: str = "codeartifact:publishpackageversion"
    ) -> bool:
        return iam.allows([policy], iam.Request(action, resource, context=context))

    assert publish({"a": "2", "b": "3"})  # actions are case-insensitive
    assert not publish({"a": "2", "b": "4"})
    assert not publish({"a": "2"})
    assert not publish({"a": "2", "b": "3"}, action="codeartifact:PutPackageMetadata")
    deny = {"Version": "2012-10-17", "Statement": [{**policy["Statement"][0], "Effect": "Deny"}]}
    request = iam.Request(
        "codeartifact:PublishPackageVersion", resource, context={"a": "1", "b": "3"}
    )
    assert not iam.allows([policy, deny], request)  # an explicit Deny wins
    assert not iam.allows([], request)  # nothing allows it: denied


def test_arn_like_matches_part_by_part() -> None:
    arn = "arn:aws:codeartifact:eu-west-1:123456789012:package/acme/python/pypi//acme-widgets"
    assert iam.arn_like("arn:aws:codeartifact:eu-west-1:123456789012:package/acme/*", arn)
    assert not iam.arn_like("arn:aws:codeartifact:eu-west-1:123456789012:package/acme/x/*", arn)
    assert not iam.arn_like("arn:aws:codeartifact:eu-west-2:123456789012:package/acme/*", arn)
    with pytest.raises(iam.Unsupported):  # a trailing * there may reach past the colon
        iam.arn_like("arn:aws:codeartifact:*:123456789012:package/*", arn)


def test_what_it_does_not_model_it_refuses() -> None:
    request = iam.Request("s3:GetObject", "arn:aws:s3:::b/k")
    for statement in (
        {"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::${aws:username}/*"},
        {"Effect": "Allow", "Action": "*", "Condition": {"StringEqualsIfExists": {"a": "b"}}},
    ):
        with pytest.raises(iam.Unsupported):
            iam.allows([{"Version": "2012-10-17", "Statement": [statement]}], request)


# --- The stack --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("repository", "package", "roles"),
    [
        ("acme/widgets", "acme-widgets", ["acme-widgets-release"]),
        ("acme/tools", "acme-tools", ["acme-tools-release"]),
        # Repository A publishing package B, either way: denied.
        ("acme/widgets", "acme-tools", []),
        ("acme/tools", "acme-widgets", []),
        # A public name nobody has published here yet, or one more of the team's own.
        ("acme/widgets", "requests", []),
        ("acme/widgets", "acme-widgets-extra", []),
        # A repository nobody listed, in the organisation or outside it; look-alike names.
        ("acme/new-repository", "acme-widgets", []),
        ("acme/widgets-fork", "acme-widgets", []),
        ("other/widgets", "acme-widgets", []),
        ("ACME/WIDGETS", "acme-widgets", []),
    ],
)
def test_by_default_a_repository_publishes_its_own_package_and_nothing_else(
    repository: str, package: str, roles: list[str]
) -> None:
    assert iam.publishing_roles(resolver(), repository, package) == roles


@pytest.mark.parametrize("environment", [None, "Release", "release-candidate", "production"])
def test_only_the_release_environment_may_publish(environment: str | None) -> None:
    """A job on a branch (no environment) or in another environment gets no role."""
    assert iam.publishing_roles(resolver(), "acme/widgets", "acme-widgets", environment) == []


def test_the_default_stack_has_no_role_that_any_repository_can_assume() -> None:
    stack = resolver()
    names = [role.name for role in iam.roles(stack)]
    assert names == ["acme-widgets-release", "acme-tools-release"]
    assert "ReleaseRole" not in stack.resources()
    # The publish policy for people (PackageNamePattern "*") is attached to no role.
    for role in iam.roles(stack):
        assert not role.may("codeartifact:PublishPackageVersion", iam.package_arn("anything"))
        # Each role still reads, and looks names up for the name guard, as a release needs.
        assert role.may(
            "codeartifact:ReadFromRepository",
            "arn:aws:codeartifact:eu-west-1:123456789012:repository/acme/python",
        )
        assert role.may("codeartifact:DescribePackage", iam.package_arn("requests"))
        assert not role.may(
            "codeartifact:PutPackageOriginConfiguration", iam.package_arn("acme-tools")
        )


def test_the_wider_role_exists_only_when_spelled_out_and_then_does_what_it_says() -> None:
    wide = resolver(AllowAnyRepositoryToPublishAnyPackage="true")
    # Any repository of the owner, in its own release environment, publishes any package.
    assert iam.publishing_roles(wide, "acme/new-repository", "acme-widgets") == [
        "codeartifact-release"
    ]
    assert iam.publishing_roles(wide, "acme/new-repository", "requests") == ["codeartifact-release"]
    assert iam.publishing_roles(wide, "acme/widgets", "acme-widgets") == [
        "acme-widgets-release",
        "codeartifact-release",
    ]
    # Not outside the owner, and still only from a release environment.
    assert iam.publishing_roles(wide, "other/widgets", "acme-widgets") == []
    assert iam.publishing_roles(wide, "acme/widgets", "acme-tools", environment=None) == []


def test_the_wider_role_narrowed_to_listed_repositories_and_a_name_pattern() -> None:
    narrowed = resolver(
        AllowAnyRepositoryToPublishAnyPackage="true",
        GitHubRepositories="acme/widgets,acme/tools",
        PackageNamePattern="acme-*",
    )
    # Still across teams: the listed repositories publish each other's packages.
    assert iam.publishing_roles(narrowed, "acme/widgets", "acme-tools") == ["codeartifact-release"]
    assert iam.publishing_roles(narrowed, "acme/widgets", "requests") == []
    assert iam.publishing_roles(narrowed, "acme/new-repository", "acme-widgets") == []


def test_the_wider_role_is_a_named_choice_with_its_risk_beside_it() -> None:
    """CloudFormation takes only the words in AllowedValues: nothing but `true` widens."""
    spec = cfn.load()["Parameters"]["AllowAnyRepositoryToPublishAnyPackage"]
    assert (spec["Default"], spec["AllowedValues"]) == ("false", ["false", "true"])
    assert "RISK: anyone who can create a repository under GitHubOwner" in spec["Description"]


def test_one_repository_may_publish_several_packages_each_with_its_own_role() -> None:
    stack = resolver(Publishers="acme-tools=acme/tools,acme-tools-cli=acme/tools")
    assert iam.publishing_roles(stack, "acme/tools", "acme-tools") == ["acme-tools-release"]
    assert iam.publishing_roles(stack, "acme/tools", "acme-tools-cli") == ["acme-tools-cli-release"]
    assert iam.publishing_roles(stack, "acme/widgets", "acme-tools-cli") == []
