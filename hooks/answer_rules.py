"""Rules for the free-text answers: pure functions that say what is wrong with one, or "".

Each answer lands in several languages at once (TOML in pyproject.toml, YAML in mkdocs.yml,
Markdown in the README, a Python docstring, the package metadata's one-line headers), so the
rules refuse what any one of them would break on, and name the rule and an example. The last two
judge where values come from: a computed fact given one from outside, a --data key that is no
question.
"""

# ruff: noqa: INP001 - copier's adapter imports it from hooks/, which is a directory, not a package

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

# The regions with a CodeArtifact endpoint, from AWS's "AWS CodeArtifact endpoints and quotas"
# page (General Reference), the same 13 botocore's endpoints.json lists. None is in the China
# (aws-cn) or GovCloud (aws-us-gov) partitions.
CODEARTIFACT_REGIONS = (
    "ap-northeast-1",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "eu-central-1",
    "eu-north-1",
    "eu-south-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "us-east-1",
    "us-east-2",
    "us-west-2",
)
_REGION = re.compile(r"[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]+\Z")
_GITHUB_OWNER = re.compile(r"[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}\Z")
_GITHUB_NAME = re.compile(r"[A-Za-z0-9._-]{1,100}\Z")
_DOMAIN_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\Z")
# Characters that break one of the target languages even inside a quoted string: TOML's and
# YAML's string delimiters and escape, Markdown/HTML tags, doctest's prompt (`>>>` in the
# package docstring would run as a test), and `%`, which argparse formats in the CLI's --help.
_DESCRIPTION_FORBIDDEN = '"\\<>`%'
MAX_DESCRIPTION = 200
MAX_AUTHOR = 100
MAX_EMAIL = 254  # RFC 5321's limit for a path; the local part is at most 64


def partition(region: str) -> str:
    """Return the AWS partition of a region: aws-cn for cn-*, aws-us-gov for us-gov-*, else aws."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def unprintable(value: str) -> str:
    """Name the first character that is not printable text (controls, U+2028...), or ""."""
    for char in value:
        category = unicodedata.category(char)
        if category.startswith("C") or category in {"Zl", "Zp"}:
            return f"U+{ord(char):04X} ({unicodedata.name(char, 'a control character')})"
    return ""


def _text_problem(question: str, value: str, limit: int, example: str) -> str:
    if not value.strip():
        return f"{question}: must not be empty, e.g. {example}"
    bad = unprintable(value)
    if bad:
        return f"{question}: one line of printable text; {bad} is not allowed, e.g. {example}"
    if value != value.strip():
        return f"{question}: remove the spaces around it, e.g. {example}"
    if len(value) > limit:
        return f"{question}: at most {limit} characters (this is {len(value)}), e.g. {example}"
    return ""


def description_problem(value: str) -> str:
    """Why `value` cannot be the one-line description, or ""."""
    example = "Helpers for the ACME widget catalogue"
    problem = _text_problem("description", value, MAX_DESCRIPTION, example)
    if problem:
        return problem
    found = sorted({c for c in value if c in _DESCRIPTION_FORBIDDEN})
    if found:
        shown = " ".join(found)
        return (
            f"description: plain text without {shown} (they break the TOML, YAML, Markdown, "
            f"docstring or --help the description is written into), e.g. {example}"
        )
    if not value[0].isalnum():
        return (
            "description: start with a letter or digit (a leading '#', '-' or '*' turns the "
            f"README's first line into Markdown syntax), e.g. {example}"
        )
    return ""


def author_name_problem(value: str) -> str:
    """Why `value` cannot be the author's name, or ""."""
    example = "Jane Doe"
    problem = _text_problem("author_name", value, MAX_AUTHOR, example)
    if problem:
        return problem
    found = sorted({c for c in value if c in '"\\<>@'})
    if found:
        return (
            f"author_name: a name without {' '.join(found)} (they break pyproject.toml or the "
            f"package's Author-email header), e.g. {example}"
        )
    return ""


def email_problem(value: str) -> str:
    """Why `value` cannot be the author's email, judged as hatchling will when it builds, or ""."""
    example = "jane.doe@example.com"
    rule = f"author_email: an email address such as {example}"
    if not value or unprintable(value) or any(c.isspace() or c in '"\\' for c in value):
        return f"{rule}, without spaces, quotes or backslashes"
    if len(value) > MAX_EMAIL:
        return f"{rule}, of at most {MAX_EMAIL} characters"
    # hatchling writes the Author-email header with this class, and fails the build on what it
    # refuses. Imported here: copier loads this module on every run, most never need it.
    from email.errors import HeaderParseError, MessageDefect  # noqa: PLC0415
    from email.headerregistry import Address  # noqa: PLC0415

    try:
        address = Address(addr_spec=value)
    except (ValueError, IndexError, HeaderParseError, MessageDefect) as error:
        return f"{rule} ({error})"
    local, _, domain = address.addr_spec.rpartition("@")
    labels = domain.split(".")
    if address.addr_spec != value or len(local) > 64 or len(labels) < 2:  # noqa: PLR2004
        return f"{rule}: a local part of at most 64 characters, '@', and a domain with a dot"
    if not all(_DOMAIN_LABEL.match(label) for label in labels):
        return f"{rule}: the domain is letters, digits and '-' between dots"
    return ""


def github_repository_problem(value: str) -> str:
    """Why `value` is not `owner/name` of a GitHub repository, or ""."""
    rule = (
        "github_repository: owner/name of a GitHub repository (owner: 1-39 letters, digits and "
        "single hyphens, not at either end; name: 1-100 letters, digits, '.', '_' and '-', not "
        "'.' or '..'), e.g. acme/acme-widgets"
    )
    owner, slash, name = value.partition("/")
    if not slash or not _GITHUB_OWNER.match(owner) or not _GITHUB_NAME.match(name):
        return rule
    if name in {".", ".."}:
        return rule
    return ""


# A region AWS opens CodeArtifact in after this release: named here, it is accepted.
EXTRA_REGIONS_VARIABLE = "CODEARTIFACT_EXTRA_REGIONS"


def region_problem(value: str, extra: str | None = None) -> str:
    """Why `value` cannot be the CodeArtifact domain's region, or "".

    `extra`: more regions (comma-separated) to accept; default: CODEARTIFACT_EXTRA_REGIONS.
    """
    if not _REGION.match(value):
        return "aws_region: an AWS region code such as eu-west-1 or us-east-2"
    regions = ", ".join(CODEARTIFACT_REGIONS)
    if partition(value) != "aws" or "-iso" in value:
        return (
            f"aws_region: CodeArtifact has no endpoint in {value} (AWS lists none outside the "
            f"standard partition, so no index URL or IAM ARN can be written for it); choose one "
            f"of {regions}"
        )
    extra = os.environ.get(EXTRA_REGIONS_VARIABLE, "") if extra is None else extra
    accepted = {*CODEARTIFACT_REGIONS, *(r.strip() for r in extra.split(",") if r.strip())}
    if value in accepted:
        return ""
    area = value.rpartition("-")[0] + "-"  # eu-west-9: another number in eu-west- first
    near = [r for r in CODEARTIFACT_REGIONS if r.startswith(area)]
    near = near or difflib.get_close_matches(value, CODEARTIFACT_REGIONS, n=1)
    hint = f"did you mean {near[0]}? " if near else ""
    return (
        f"aws_region: CodeArtifact has no endpoint in {value}: {hint}It runs in {regions} "
        f"(AWS's CodeArtifact endpoints page, as in this release). For a region AWS added "
        f"since, set {EXTRA_REGIONS_VARIABLE}={value} in copier's environment."
    )


def given_facts_problem(facts: Iterable[str], given: Mapping[str, Iterable[str]]) -> str:
    """Name the facts given a value from outside, where from, and the fix; "" when none was.

    `facts`: copier.yml's `when: false` entries, which the template works out from the answers
    (the index URLs from the domain, account and region; the name guard's verdict). `given`: the
    keys each outside source holds, by a name the user knows it by. Copier takes a fact's value
    from --data, --data-file or a settings default without asking it to pass any rule, so it
    would reach the files unchecked; a given `name_verdict` would skip the name guard itself.
    """
    known = set(facts)
    found = [(where, sorted(known.intersection(keys))) for where, keys in given.items()]
    found = [(where, keys) for where, keys in found if keys]
    if not found:
        return ""
    named = " and ".join(f"{', '.join(keys)} (from {where})" for where, keys in found)
    one = sum(len(keys) for _, keys in found) == 1
    what = "is not a question but a fact" if one else "are not questions but facts"
    return (
        f"{named} {what} the template works out from your other answers, so "
        f"{'it takes' if one else 'they take'} no value from outside. Remove "
        f"{'it' if one else 'them'} there; to change {'it' if one else 'one'}, change the "
        "answers it comes from (index_url, for one, follows from codeartifact_domain, "
        "aws_account_id, aws_region and codeartifact_repository)."
    )


def unknown_data_problem(questions: Iterable[str], keys: Iterable[str]) -> str:
    """Name the --data keys that are no question of the template (a typo, say); "" when none is.

    Copier keeps such a key without a word and the question it was meant for takes its default.
    Keys that start with `_` are copier's own or a tool's (make adopt passes `_adopt`).
    """
    known = list(questions)
    unknown = [key for key in keys if not key.startswith("_") and key not in known]
    if not unknown:
        return ""
    named = []
    for key in unknown:
        near = difflib.get_close_matches(key, known, n=1)
        named.append(f"{key} (did you mean {near[0]}?)" if near else key)
    what = "is not a question" if len(named) == 1 else "are not questions"
    return (
        f"{', '.join(named)} (from --data or --data-file) {what} of this template, so copier "
        f"would ignore {'it' if len(named) == 1 else 'them'}: "
        f"{'correct it or leave it out' if len(named) == 1 else 'correct or leave out each'}. "
        f"Its questions are {', '.join(known)}."
    )
