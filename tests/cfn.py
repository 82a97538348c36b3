"""Read org/codeartifact.yml and resolve its intrinsic functions for given parameter values.

Enough of CloudFormation's functions (Ref, Sub, GetAtt, Join, Split, Select, If, Equals, Not) to
compare the stack's policies with the generated project's docs/iam/ files, statement by statement,
and the AWS::LanguageExtensions transform's Fn::ForEach, expanded the way its documentation says
(`${Identifier}` and `&{Identifier}` in keys and strings, `Ref: Identifier` in values).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "org" / "codeartifact.yml"
_FUNCTIONS = ("Ref", "Sub", "GetAtt", "Join", "Split", "If", "Equals", "Not", "Select")
_LOOPS = ("Conditions", "Resources", "Outputs")  # where Fn::ForEach may stand


def _substitute(node: Any, identifier: str, item: str) -> Any:  # noqa: ANN401 - any template node
    """One Fn::ForEach fragment for one item: its identifier replaced, as the transform does."""
    if isinstance(node, list):
        return [_substitute(value, identifier, item) for value in node]
    if isinstance(node, str):
        alphanumeric = re.sub(r"[^A-Za-z0-9]", "", item)
        return node.replace(f"${{{identifier}}}", item).replace(f"&{{{identifier}}}", alphanumeric)
    if not isinstance(node, dict):
        return node
    if node == {"Ref": identifier}:
        return item
    return {
        _substitute(k, identifier, item): _substitute(v, identifier, item) for k, v in node.items()
    }


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


def load(path: Path = TEMPLATE) -> dict[str, Any]:
    """The stack template (org/codeartifact.yml unless told) as plain data."""
    data: dict[str, Any] = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
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
            assert value is not None, f"{name} has no default: give it a value"
            if spec["Type"] == "CommaDelimitedList":
                value = [item.strip() for item in str(value).split(",")]
            self.values[name] = value
        # The transform runs first: the functions then see the expanded template.
        self.template = {
            section: self._expand(body) if section in _LOOPS else body
            for section, body in template.items()
        }

    def _expand(self, section: dict[str, Any]) -> dict[str, Any]:
        """A section with every Fn::ForEach loop replaced by its fragments, one per item."""
        expanded: dict[str, Any] = {}
        for key, body in section.items():
            if not key.startswith("Fn::ForEach::"):
                expanded[key] = body
                continue
            identifier, collection, fragment = body
            for item in self.resolve(collection):
                replaced = _substitute(fragment, identifier, str(item))
                for name, value in self._expand(replaced).items():
                    assert name not in expanded, f"Fn::ForEach made {name} twice"
                    expanded[name] = value
        return expanded

    def resources(self) -> dict[str, dict[str, Any]]:
        """The resources the stack creates for these parameters (their Condition holds)."""
        return {
            logical: resource
            for logical, resource in self.template["Resources"].items()
            if "Condition" not in resource or self.condition(resource["Condition"])
        }

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
        if function == "Fn::Select":
            return self.resolve(argument[1])[int(self.resolve(argument[0]))]
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
