"""IAM's policy evaluation, for the few statement shapes the organisation stack and docs/iam/ use.

Who may assume a role with a GitHub Actions OIDC token (the role's trust policy alone decides an
`sts:AssumeRoleWithWebIdentity`), and what the role may do then (its inline and managed policies).
It follows AWS's IAM User Guide: "Policy evaluation logic" (an explicit Deny wins, then any
Allow, else the request is denied), "IAM JSON policy elements: Condition operators" (StringEquals
is exact and case-sensitive; StringLike is case-sensitive, `*` any run of characters, `?` one;
ArnEquals and ArnLike compare each of the six colon-separated parts, wildcards within a part),
"Creating a condition with multiple keys or values" (all operators and keys must hold, any one
value of a key will do; a key missing from the request context fails its test), "IAM JSON policy
elements: Action" (case-insensitive, wildcards) and "IAM JSON policy elements: Resource".

Anything else raises `Unsupported` instead of guessing: Not* elements, IfExists and set
operators, policy variables, and wildcards in an ARN's partition, service, region or account
(where AWS lets a trailing `*` reach past the colon).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from tests.cfn import Resolver

GITHUB = "token.actions.githubusercontent.com"
ASSUME = "sts:AssumeRoleWithWebIdentity"
PUBLISH = ("codeartifact:PublishPackageVersion", "codeartifact:PutPackageMetadata")
COPY = "codeartifact:CopyPackageVersions"
READ = "codeartifact:ReadFromRepository"
PROVIDER = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
_OPERATORS = ("StringEquals", "StringLike", "ArnEquals", "ArnLike")


class Unsupported(Exception):  # noqa: N818 - says what it is: a shape this evaluator refuses
    """A policy this evaluator does not model: the test must not pass or fail on a guess."""


@dataclass(frozen=True)
class Request:
    """One call: the action, the resource ARN, who asks (for a trust policy) and the context."""

    action: str
    resource: str = ""
    federated: str = ""  # the identity provider's ARN, for AssumeRoleWithWebIdentity
    context: Mapping[str, str] = field(default_factory=dict)


def _glob(pattern: str, value: str, *, case: bool = True) -> bool:
    """Match `value` against `pattern`, in which `*` is any run of characters and `?` one."""
    regex = "".join(
        ".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern
    )
    return re.fullmatch(regex, value, re.DOTALL | (0 if case else re.IGNORECASE)) is not None


def _arn_parts(arn: str) -> list[str]:
    parts = arn.split(":", 5)
    if len(parts) != 6:  # arn:partition:service:region:account:resource
        msg = f"not an ARN: {arn!r}"
        raise Unsupported(msg)
    return parts


def arn_like(pattern: str, arn: str) -> bool:
    """ArnLike (and ArnEquals, which AWS documents the same way), part by part."""
    if pattern == "*":
        return True
    wanted, given = _arn_parts(pattern), _arn_parts(arn)
    if any(c in part for part in wanted[:5] for c in "*?"):
        msg = f"a wildcard before the resource part may span colons: {pattern!r}"
        raise Unsupported(msg)
    return all(_glob(w, g) for w, g in zip(wanted, given, strict=True))


def _values(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _condition_holds(condition: dict[str, dict[str, Any]], context: Mapping[str, str]) -> bool:
    for operator, tests in condition.items():
        if operator not in _OPERATORS:
            msg = f"condition operator {operator} is not modelled"
            raise Unsupported(msg)
        for key, expected in tests.items():
            if key not in context:
                return False  # a key missing from the request context: the test fails
            given = context[key]
            if operator == "StringEquals":
                matched = given in _values(expected)
            elif operator == "StringLike":
                matched = any(_glob(value, given) for value in _values(expected))
            else:
                matched = any(arn_like(value, given) for value in _values(expected))
            if not matched:
                return False
    return True


def _check_shape(document: dict[str, Any]) -> list[dict[str, Any]]:
    if document.get("Version") != "2012-10-17":
        msg = f"policy version {document.get('Version')!r}"
        raise Unsupported(msg)
    if "${" in repr(document):
        msg = "policy variables are not modelled"
        raise Unsupported(msg)
    statements = document["Statement"]
    statements = [statements] if isinstance(statements, dict) else statements
    for statement in statements:
        unknown = set(statement) - {"Sid", "Effect", "Principal", "Action", "Resource", "Condition"}
        if unknown:
            msg = f"statement elements {sorted(unknown)} are not modelled"
            raise Unsupported(msg)
    return list(statements)


def _principal_matches(principal: Any, request: Request) -> bool:  # noqa: ANN401 - JSON
    if principal is None:
        return True  # an identity-based policy: the principal is whoever holds it
    if principal == "*":
        return True
    if set(principal) != {"Federated"}:
        msg = f"principal {principal!r} is not modelled"
        raise Unsupported(msg)
    return request.federated in _values(principal["Federated"])


def _statement_matches(statement: dict[str, Any], request: Request) -> bool:
    if not _principal_matches(statement.get("Principal"), request):
        return False
    if not any(_glob(a, request.action, case=False) for a in _values(statement["Action"])):
        return False
    if "Resource" in statement and not any(
        arn_like(r, request.resource) for r in _values(statement["Resource"])
    ):
        return False
    return _condition_holds(statement.get("Condition", {}), request.context)


def allows(documents: Iterable[dict[str, Any]], request: Request) -> bool:
    """Whether the policies allow the request: no matching Deny, and at least one matching Allow."""
    matching = [
        statement
        for document in documents
        for statement in _check_shape(document)
        if _statement_matches(statement, request)
    ]
    if any(statement["Effect"] == "Deny" for statement in matching):
        return False
    return any(statement["Effect"] == "Allow" for statement in matching)


# --- GitHub Actions and the organisation stack's roles --------------------------------------------


def github_job(repository: str, environment: str | None = "release") -> dict[str, str]:
    """The request context of a job's OIDC token for AWS, as GitHub documents its claims.

    `sub` names the environment when the job has one, else the ref; `aud` is the audience that
    aws-actions/configure-aws-credentials asks for.
    """
    where = f"environment:{environment}" if environment else "ref:refs/heads/main"
    context = {
        f"{GITHUB}:sub": f"repo:{repository}:{where}",
        f"{GITHUB}:aud": "sts.amazonaws.com",
        f"{GITHUB}:repository": repository,
        f"{GITHUB}:repository_owner": repository.split("/", maxsplit=1)[0],
    }
    if environment:
        context[f"{GITHUB}:environment"] = environment
    return context


@dataclass(frozen=True)
class Role:
    """A role of the stack: its name, trust policy and permission policies, resolved."""

    name: str
    trust: dict[str, Any]
    permissions: list[dict[str, Any]]

    def trusts(self, context: Mapping[str, str], provider: str) -> bool:
        """Whether a web identity with this context may assume the role."""
        return allows([self.trust], Request(ASSUME, federated=provider, context=context))

    def may(self, action: str, resource: str) -> bool:
        """Whether the role's own policies allow the action on the resource."""
        return allows(self.permissions, Request(action, resource))

    def may_publish(self, package: str, repository: str = "python") -> bool:
        """Whether the role may upload versions of `package` to `repository`."""
        return all(
            self.may(action, package_arn(package, repository=repository)) for action in PUBLISH
        )

    def may_copy(self, package: str, source: str, destination: str) -> bool:
        """Whether the role may copy versions of `package` from `source` into `destination`.

        AWS's "Copy packages between repositories": ReadFromRepository on the source repository,
        CopyPackageVersions on the destination; the Service Authorization Reference lists both a
        package and a repository as required resources of CopyPackageVersions. The package is
        taken to be the destination's (the version the copy writes), as the stack's policy has it.
        """
        return (
            self.may(COPY, package_arn(package, repository=destination))
            and self.may(COPY, repository_arn(destination))
            and self.may(READ, repository_arn(source))
        )


def roles(resolver: Resolver) -> list[Role]:
    """Every IAM role the stack creates for the resolver's parameters."""
    resources = resolver.template["Resources"]
    found = []
    for resource in resolver.resources().values():
        if resource["Type"] != "AWS::IAM::Role":
            continue
        properties = resource["Properties"]
        # Resolved first: a staged stack chooses a role's policies with Fn::If.
        permissions = [
            policy["PolicyDocument"] for policy in resolver.resolve(properties.get("Policies", []))
        ]
        for reference in resolver.resolve(properties.get("ManagedPolicyArns", [])):
            # Each is a Ref to one of the stack's managed policies: its document counts.
            managed = resources[reference.rpartition("/")[2]]["Properties"]["PolicyDocument"]
            permissions.append(resolver.resolve(managed))
        name = str(resolver.resolve(properties["RoleName"]))
        found.append(
            Role(name, resolver.resolve(properties["AssumeRolePolicyDocument"]), permissions)
        )
    return found


def package_arn(package: str, domain: str = "acme", repository: str = "python") -> str:
    """A package's ARN in the stack's account and region (tests.cfn's pseudo parameters)."""
    return (
        f"arn:aws:codeartifact:eu-west-1:123456789012:package/{domain}/{repository}/pypi//{package}"
    )


def repository_arn(repository: str = "python", domain: str = "acme") -> str:
    """A repository's ARN in the stack's account and region."""
    return f"arn:aws:codeartifact:eu-west-1:123456789012:repository/{domain}/{repository}"


def package_group_arn(pattern: str, domain: str = "acme") -> str:
    """A package group's ARN, as the CodeArtifact User Guide's permissions reference writes it:
    package-group/<domain>/<encoded pattern> (the pattern without its leading slash, encoded)."""
    from urllib.parse import quote  # noqa: PLC0415 - only here

    encoded = quote(pattern.removeprefix("/"), safe="")
    return f"arn:aws:codeartifact:eu-west-1:123456789012:package-group/{domain}/{encoded}"


def publishing_roles(
    resolver: Resolver, repository: str, package: str, environment: str | None = "release"
) -> list[str]:
    """The roles through which a job of `repository` could publish a version of `package`."""
    return sorted(
        role.name
        for role in assumable(resolver, repository, environment)
        if role.may_publish(package)
    )


def assumable(resolver: Resolver, repository: str, environment: str | None) -> list[Role]:
    """The roles a job of `repository` in `environment` (None: no environment) may assume."""
    context = github_job(repository, environment)
    return [role for role in roles(resolver) if role.trusts(context, PROVIDER)]
