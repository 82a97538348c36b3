"""Read org/codeartifact.yml and resolve its intrinsic functions for given parameter values.

Enough of CloudFormation's functions (Ref, Sub, GetAtt, Join, Split, If, Equals, Not) to compare
the stack's policies with the generated project's docs/iam/ files, statement by statement.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "org" / "codeartifact.yml"
_FUNCTIONS = ("Ref", "Sub", "GetAtt", "Join", "Split", "If", "Equals", "Not", "Select")


class _Loader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags (!Ref, !Sub...) read as their long forms."""


def _construct(name: str) -> Any:  # noqa: ANN401 - a yaml constructor
    key = name if name == "Ref" else f"Fn::{name}"

    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if name == "GetAtt":
                value = str(value).split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
        return {key: value}

    return construct


for _name in _FUNCTIONS:
    _Loader.add_constructor(f"!{_name}", _construct(_name))


def load() -> dict[str, Any]:
    """The stack template as plain data."""
    data: dict[str, Any] = yaml.load(TEMPLATE.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    return data


class Resolver:
    """Evaluates the template's functions for one set of parameters, in one account and region."""

    def __init__(self, template: dict[str, Any], parameters: dict[str, str], **pseudo: str) -> None:
        """Parameters get their defaults; pseudo parameters their aws-partition values."""
        self.template = template
        self.values: dict[str, Any] = {
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::Region": "eu-west-1",
            "AWS::AccountId": "123456789012",
            **{f"AWS::{k}": v for k, v in pseudo.items()},
        }
        for name, spec in template["Parameters"].items():
            value = parameters.get(name, spec.get("Default"))
            if spec["Type"] == "CommaDelimitedList":
                value = [item.strip() for item in str(value).split(",")]
            self.values[name] = value

    def condition(self, name: str) -> bool:
        """A named condition's value."""
        return bool(self.resolve(self.template["Conditions"][name]))

    def attribute(self, logical: str, attribute: str) -> str:
        """GetAtt for the attributes the stack uses: a resource's name."""
        properties = self.template["Resources"][logical]["Properties"]
        key = {"Domain": "DomainName"}.get(logical, "RepositoryName")
        assert attribute == "Name", attribute
        return str(self.resolve(properties[key]))

    def resolve(self, node: Any) -> Any:  # noqa: ANN401, C901, PLR0911 - one branch per function
        """The value of a node, functions evaluated."""
        if isinstance(node, list):
            return [self.resolve(item) for item in node]
        if not isinstance(node, dict):
            return node
        if len(node) != 1 or not next(iter(node)).startswith(("Ref", "Fn::")):
            return {key: self.resolve(value) for key, value in node.items()}
        ((function, argument),) = node.items()
        if function == "Ref":
            return self.values.get(argument, f"arn:aws:iam::policy/{argument}")
        if function == "Fn::GetAtt":
            return self.attribute(*argument)
        if function == "Fn::Sub":
            text, extra = (argument, {}) if isinstance(argument, str) else argument
            variables = {k: self.resolve(v) for k, v in extra.items()}
            return re.sub(r"\$\{([^}]+)\}", lambda m: self._variable(m.group(1), variables), text)
        if function == "Fn::Join":
            return argument[0].join(str(item) for item in self.resolve(argument[1]))
        if function == "Fn::Split":
            return str(self.resolve(argument[1])).split(argument[0])
        if function == "Fn::If":
            return self.resolve(argument[1] if self.condition(argument[0]) else argument[2])
        if function == "Fn::Equals":
            return self.resolve(argument[0]) == self.resolve(argument[1])
        if function == "Fn::Not":
            return not self.resolve(argument[0])
        msg = f"unsupported function {function}"
        raise AssertionError(msg)

    def _variable(self, name: str, variables: dict[str, Any]) -> str:
        if name in variables:
            return str(variables[name])
        if "." in name and not name.startswith("AWS::"):
            return self.attribute(*name.split(".", 1))
        return str(self.values[name])
