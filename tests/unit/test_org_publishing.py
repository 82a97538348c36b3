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


# --- Staged releases: a role that stages, a role that promotes, neither doing the other's work ----

STAGED = {"StagingRepositoryName": "python-staging"}


def test_a_staging_repository_gives_each_package_a_stage_role_beside_its_release_role() -> None:
    stack = resolver(**STAGED)
    assert [role.name for role in iam.roles(stack)] == [
        "acme-widgets-release",
        "acme-tools-release",
        "acme-widgets-stage",
        "acme-tools-stage",
    ]
    assert "StagingRepository" in stack.resources()
    assert "StagingRepository" not in resolver().resources()
    assert [role.name for role in iam.roles(resolver())] == [
        "acme-widgets-release",
        "acme-tools-release",
    ]


@pytest.mark.parametrize(
    ("repository", "environment", "roles"),
    [
        ("acme/widgets", "staging", ["acme-widgets-stage"]),
        ("acme/widgets", "release", ["acme-widgets-release"]),  # the subject it always had
        ("acme/widgets", None, []),  # a job on a branch
        ("acme/widgets", "production", []),
        ("acme/tools", "staging", ["acme-tools-stage"]),
        ("acme/widgets-fork", "staging", []),
    ],
)
def test_each_role_trusts_one_environment_of_one_repository(
    repository: str, environment: str | None, roles: list[str]
) -> None:
    assumable = iam.assumable(resolver(**STAGED), repository, environment)
    assert [role.name for role in assumable] == roles


def _role(name: str) -> iam.Role:
    (found,) = (role for role in iam.roles(resolver(**STAGED)) if role.name == name)
    return found


def test_the_stage_role_uploads_to_staging_only_and_cannot_write_to_the_release_repository() -> (
    None
):
    stage = _role("acme-widgets-stage")
    assert stage.may_publish("acme-widgets", "python-staging")
    assert stage.may("codeartifact:ReadFromRepository", iam.repository_arn("python-staging"))
    # The release repository: no upload, no copy into it, from anywhere.
    assert not stage.may_publish("acme-widgets", "python")
    for source in ("python-staging", "pypi-store", "python"):
        assert not stage.may_copy("acme-widgets", source, "python"), source
    assert not stage.may_copy("acme-widgets", "python", "python-staging")
    # Another team's package, even in staging.
    assert not stage.may_publish("acme-tools", "python-staging")
    # It runs the name guard before the upload.
    assert stage.may("codeartifact:DescribePackage", iam.package_arn("requests"))


def test_the_release_role_copies_staged_versions_in_and_uploads_nothing() -> None:
    release = _role("acme-widgets-release")
    assert release.may_copy("acme-widgets", "python-staging", "python")
    # No upload anywhere: only what staging holds can reach the release repository.
    for repository in ("python", "python-staging"):
        assert not release.may_publish("acme-widgets", repository), repository
    # Only its own package, only from staging (never the public upstream's store), only into
    # the release repository.
    assert not release.may_copy("acme-tools", "python-staging", "python")
    assert not release.may_copy("acme-widgets", "pypi-store", "python")
    assert not release.may_copy("acme-widgets", "python", "python-staging")
    # It reads what it promotes, and the release repository it reads back from.
    for repository in ("python-staging", "python"):
        assert release.may("codeartifact:ReadFromRepository", iam.repository_arn(repository))


@pytest.mark.parametrize(
    ("environment", "verdict"), [("staging", "stages"), ("release", "promotes"), (None, "nothing")]
)
def test_what_a_job_can_do_depends_on_its_environment_alone(
    environment: str | None, verdict: str
) -> None:
    """Whatever a job runs: what its environment's role allows, and nothing more."""
    assumable = iam.assumable(resolver(**STAGED), "acme/widgets", environment)
    staged = any(role.may_publish("acme-widgets", "python-staging") for role in assumable)
    promoted = any(role.may_copy("acme-widgets", "python-staging", "python") for role in assumable)
    done = {(True, False): "stages", (False, True): "promotes", (False, False): "nothing"}
    assert done[staged, promoted] == verdict
    assert not any(role.may_publish("acme-widgets", "python") for role in assumable)


def test_the_package_group_lets_both_of_the_organisations_repositories_in() -> None:
    stack = resolver(NamePrefix="acme-", **STAGED)
    (properties,) = (
        r["Properties"]
        for r in stack.resources().values()
        if r["Type"] == "AWS::CodeArtifact::PackageGroup"
    )
    publish = stack.resolve(properties["OriginConfiguration"]["Restrictions"]["Publish"])
    assert publish == {
        "RestrictionMode": "ALLOW_SPECIFIC_REPOSITORIES",
        "Repositories": ["python", "python-staging"],
    }
