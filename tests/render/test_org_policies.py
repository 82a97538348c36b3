"""One source of truth: the org stack's policies say what the generated project's docs/iam/ say.

The project is rendered with the stack's values (the `defaults` answer set: domain acme, account
123456789012, eu-west-1, repository python, package acme-widgets, repository acme/acme-widgets), and
the stack's documents are resolved for the same values: the package's own release role (its trust
and publish policies), and the managed policies with the package pattern set to the package's name.
Statements are compared as data (actions and resources as sets), not as text. Then both are
evaluated as IAM would (tests/iam.py): the project's repository publishes its package, and another
repository, or another package, is refused.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from tests import cfn, iam
from tests.conftest import render

if TYPE_CHECKING:
    from pathlib import Path

    from pytest_copie.plugin import Copie

# The package's own release role, as Fn::ForEach names it for acme-widgets=acme/acme-widgets.
ROLE = "PackageReleaseRoleacmewidgetsacmeacmewidgets"
# docs/iam/<file>.json -> where the stack carries the same document.
DOCUMENTS: dict[str, tuple[str | int, ...]] = {
    "codeartifact-read": ("ReadPolicy", "PolicyDocument"),
    "codeartifact-publish": (ROLE, "Policies", 0, "PolicyDocument"),
    "codeartifact-name-guard": ("NameGuardPolicy", "PolicyDocument"),
    "codeartifact-origin-controls": ("OriginControlsPolicy", "PolicyDocument"),
    "github-oidc-trust": (ROLE, "AssumeRolePolicyDocument"),
}
PARAMETERS = {
    "DomainName": "acme",
    "RepositoryName": "python",
    "Publishers": "acme-widgets=acme/acme-widgets",
    "PackageNamePattern": "acme-widgets",
    "GitHubOwner": "acme",
}


def _as_set(value: Any) -> frozenset[str]:  # noqa: ANN401 - a JSON value
    return frozenset([value] if isinstance(value, str) else value)


def _condition(condition: dict[str, dict[str, Any]]) -> dict[str, dict[str, frozenset[str]]]:
    """Conditions as sets; StringLike without a wildcard means the same as StringEquals."""
    merged: dict[str, dict[str, frozenset[str]]] = {}
    for op, keys in condition.items():
        for key, value in keys.items():
            values = _as_set(value)
            literal = op == "StringLike" and not any(c in v for v in values for c in "*?")
            merged.setdefault("StringEquals" if literal else op, {})[key] = values
    return merged


def statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    """A policy's statements with the order of actions, resources and values taken out."""
    return sorted(
        (
            {
                "Sid": s.get("Sid"),
                "Effect": s["Effect"],
                "Principal": s.get("Principal"),
                "Action": _as_set(s["Action"]),
                "Resource": _as_set(s.get("Resource", [])),
                "Condition": _condition(s.get("Condition", {})),
            }
            for s in document["Statement"]
        ),
        key=lambda s: str(s["Sid"]),
    )


@pytest.fixture(scope="module")
def project(copie_session: Copie) -> Path:
    return render(copie_session, "defaults", package_name="acme-widgets")


def shipped(project: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (project / "docs" / "iam" / f"{name}.json").read_text(encoding="utf-8")
    )
    return data


def in_the_stack(resolver: cfn.Resolver, *path: str | int) -> dict[str, Any]:
    """A resource's property, resolved first: a staged stack picks a role's policies with Fn::If."""
    node: Any = resolver.resolve(resolver.template["Resources"][path[0]]["Properties"])
    for key in path[1:]:
        node = node[key]
    resolved: dict[str, Any] = node
    return resolved


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_the_stack_and_the_project_grant_the_same(project: Path, name: str) -> None:
    resolved = in_the_stack(cfn.Resolver(cfn.load(), PARAMETERS), *DOCUMENTS[name])
    assert resolved["Version"] == shipped(project, name)["Version"]
    assert statements(resolved) == statements(shipped(project, name))


def test_the_publish_policy_for_people_says_the_same_for_the_same_package(project: Path) -> None:
    """PublishPolicy, attached to people by hand, with PackageNamePattern set to the package."""
    resolved = in_the_stack(cfn.Resolver(cfn.load(), PARAMETERS), "PublishPolicy", "PolicyDocument")
    assert statements(resolved) == statements(shipped(project, "codeartifact-publish"))


@pytest.mark.parametrize(
    ("repository", "environment", "package", "verdict"),
    [
        ("acme/acme-widgets", "release", "acme-widgets", "allowed"),
        ("acme/acme-widgets", "release", "acme-tools", "denied"),  # A publishing B
        ("acme/acme-tools", "release", "acme-widgets", "denied"),  # B publishing A
        ("acme/acme-widgets-extra", "release", "acme-widgets", "denied"),
        ("acme/acme-widgets", None, "acme-widgets", "denied"),  # a branch, not the environment
        ("acme/acme-widgets", "staging", "acme-widgets", "denied"),
    ],
)
def test_the_projects_documents_let_its_repository_publish_its_package_only(
    project: Path, repository: str, environment: str | None, package: str, verdict: str
) -> None:
    """docs/iam/ as one role: the trust policy and the publish policy, evaluated as IAM does."""
    role = iam.Role(
        "acme-widgets-release",
        shipped(project, "github-oidc-trust"),
        [shipped(project, "codeartifact-publish"), shipped(project, "codeartifact-read")],
    )
    provider = shipped(project, "github-oidc-trust")["Statement"][0]["Principal"]["Federated"]
    assumed = role.trusts(iam.github_job(repository, environment), provider)
    published = all(role.may(action, iam.package_arn(package)) for action in iam.PUBLISH)
    assert ("allowed" if assumed and published else "denied") == verdict


GROUP_LOOKUP = "codeartifact:GetAssociatedPackageGroup"


@pytest.mark.parametrize(
    ("pattern", "domain", "verdict"),
    [
        ("/*", "acme", "allowed"),  # the domain's root group: the answer for most names
        ("/pypi//acme-~", "acme", "allowed"),  # the organisation stack's group
        ("/pypi//acme-widgets$", "acme", "allowed"),
        ("/pypi//acme-~", "globex", "denied"),  # another domain's groups
    ],
)
@pytest.mark.parametrize("name", ["codeartifact-name-guard", "codeartifact-origin-controls"])
def test_the_guard_and_protect_name_may_ask_which_group_covers_a_name(
    project: Path, name: str, pattern: str, domain: str, verdict: str
) -> None:
    """GetAssociatedPackageGroup's resource is a package group (the Service Authorization
    Reference's package-group type), whichever one the name belongs to: any of the domain's."""
    request = iam.Request(GROUP_LOOKUP, iam.package_group_arn(pattern, domain))
    assert ("allowed" if iam.allows([shipped(project, name)], request) else "denied") == verdict
    # Reading groups is all: neither document may create or change one.
    for action in ("CreatePackageGroup", "UpdatePackageGroupOriginConfiguration"):
        change = iam.Request(f"codeartifact:{action}", iam.package_group_arn(pattern))
        assert not iam.allows([shipped(project, name)], change)


def test_each_release_role_may_ask_for_its_names_group() -> None:
    """The release runs check-name: the role of every package in Publishers has the lookup."""
    resolver = cfn.Resolver(cfn.load(), {**PARAMETERS, "NamePrefix": "acme-"})
    (role,) = iam.roles(resolver)
    assert role.name == "acme-widgets-release"
    assert role.may(GROUP_LOOKUP, iam.package_group_arn("/pypi//acme-~"))
    assert not role.may(GROUP_LOOKUP, iam.package_group_arn("/pypi//acme-~", "globex"))


# --- Staged releases: the project's documents for both roles, and the stack's ---------------------

STAGE_ROLE = "PackageStageRoleacmewidgetsacmeacmewidgets"
STAGED_DOCUMENTS: dict[str, tuple[str | int, ...]] = {
    "codeartifact-stage": (STAGE_ROLE, "Policies", 0, "PolicyDocument"),
    "github-oidc-trust-staging": (STAGE_ROLE, "AssumeRolePolicyDocument"),
    "codeartifact-promote": (ROLE, "Policies", 0, "PolicyDocument"),
    "github-oidc-trust": (ROLE, "AssumeRolePolicyDocument"),
    "codeartifact-read": ("ReadPolicy", "PolicyDocument"),
}
STAGED_PARAMETERS = {**PARAMETERS, "StagingRepositoryName": "python-staging"}


@pytest.fixture(scope="module")
def staged_project(copie_session: Copie) -> Path:
    return render(copie_session, "staged", package_name="acme-widgets")


@pytest.mark.parametrize("name", sorted(STAGED_DOCUMENTS))
def test_a_staged_projects_documents_are_the_stacks_roles(staged_project: Path, name: str) -> None:
    resolved = in_the_stack(cfn.Resolver(cfn.load(), STAGED_PARAMETERS), *STAGED_DOCUMENTS[name])
    assert statements(resolved) == statements(shipped(staged_project, name))


def _documented_roles(project: Path) -> dict[str, iam.Role]:
    """docs/iam/ as the two roles docs/releasing.md tells a team to create."""
    return {
        "stage": iam.Role(
            "acme-widgets-stage",
            shipped(project, "github-oidc-trust-staging"),
            [
                shipped(project, name)
                for name in ("codeartifact-read", "codeartifact-stage", "codeartifact-name-guard")
            ],
        ),
        "release": iam.Role(
            "acme-widgets-release",
            shipped(project, "github-oidc-trust"),
            [shipped(project, name) for name in ("codeartifact-read", "codeartifact-promote")],
        ),
    }


@pytest.mark.parametrize(
    ("environment", "verdict"),
    [
        ("staging", "stages only"),
        ("release", "promotes only"),
        (None, "nothing"),
        ("prod", "nothing"),
    ],
)
def test_the_staged_documents_split_the_release_between_two_environments(
    staged_project: Path, environment: str | None, verdict: str
) -> None:
    """The role a job can assume stages or promotes, never both, and never uploads to python."""
    provider = shipped(staged_project, "github-oidc-trust")["Statement"][0]["Principal"][
        "Federated"
    ]
    job = iam.github_job("acme/acme-widgets", environment)
    roles = [r for r in _documented_roles(staged_project).values() if r.trusts(job, provider)]
    stages = any(r.may_publish("acme-widgets", "python-staging") for r in roles)
    promotes = any(r.may_copy("acme-widgets", "python-staging", "python") for r in roles)
    said = {(True, False): "stages only", (False, True): "promotes only", (False, False): "nothing"}
    assert said[stages, promotes] == verdict
    assert not any(r.may_publish("acme-widgets", "python") for r in roles)
    assert not any(r.may_copy("acme-tools", "python-staging", "python") for r in roles)
    another = iam.github_job("acme/acme-tools", environment)
    assert not [
        r for r in _documented_roles(staged_project).values() if r.trusts(another, provider)
    ]
