"""One source of truth: the org stack's policies say what the generated project's docs/iam/ say.

The project is rendered with the stack's values (the `defaults` answer set: domain acme, account
123456789012, eu-west-1, repository python, package acme-widgets, repository acme/acme-widgets), and
the stack's documents are resolved for the same values with the package pattern set to the
package's name. Statements are compared as data (actions and resources as sets), not as text.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from tests import cfn
from tests.conftest import render

if TYPE_CHECKING:
    from pathlib import Path

    from pytest_copie.plugin import Copie

# docs/iam/<file>.json -> the stack resource that carries the same document.
DOCUMENTS = {
    "codeartifact-read": ("ReadPolicy", "PolicyDocument"),
    "codeartifact-publish": ("PublishPolicy", "PolicyDocument"),
    "codeartifact-name-guard": ("NameGuardPolicy", "PolicyDocument"),
    "codeartifact-origin-controls": ("OriginControlsPolicy", "PolicyDocument"),
    "github-oidc-trust": ("ReleaseRole", "AssumeRolePolicyDocument"),
}
PARAMETERS = {
    "DomainName": "acme",
    "RepositoryName": "python",
    "PackageNamePattern": "acme-widgets",
    "GitHubOwner": "acme",
    "GitHubRepositories": "acme/acme-widgets",
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


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_the_stack_and_the_project_grant_the_same(project: Path, name: str) -> None:
    shipped = json.loads((project / "docs" / "iam" / f"{name}.json").read_text(encoding="utf-8"))
    template = cfn.load()
    resource, key = DOCUMENTS[name]
    resolved = cfn.Resolver(template, PARAMETERS).resolve(
        template["Resources"][resource]["Properties"][key]
    )
    assert resolved["Version"] == shipped["Version"]
    assert statements(resolved) == statements(shipped)
