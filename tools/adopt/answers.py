"""The template's answers for an existing project: what it says about itself, then DATA.

Pure. Each answer keeps where it came from, for the summary; an answer the project gives but
the template's rules refuse (a description with a quote, an author without an email) is
cleaned or left to copier's default, and said. The name guard gets `_adopt`: the package name
of the project being adopted (hooks/copier_ext.py).
"""

from __future__ import annotations

import contextlib
import importlib.util
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codeartifact_python_tools.guard import names
from codeartifact_python_tools.update.answers import parse_all
from codeartifact_python_tools.update.errors import UpdateError
from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression

from tools.adopt.errors import AdoptError, ExitCode
from tools.adopt.metadata import python_min

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from types import ModuleType

    from tools.adopt.facts import Found, Package, Repository
    from tools.adopt.metadata import Metadata

ADOPT_KEY = "_adopt"  # hooks/copier_ext.py's ADOPT_KEY
LICENSES = {"MIT": "MIT", "Apache-2.0": "Apache-2.0", "LicenseRef-Proprietary": "Proprietary"}
_FORBIDDEN = '"\\<>`%'  # hooks/answer_rules.py: what a description may not hold
_RULES = Path(__file__).resolve().parents[2] / "hooks" / "answer_rules.py"


@cache
def rules() -> ModuleType:
    """hooks/answer_rules.py, the rules copier.yml's validators apply, loaded by its path."""
    spec = importlib.util.spec_from_file_location("answer_rules", _RULES)
    if spec is None or spec.loader is None:  # pragma: no cover - the file is in this checkout
        msg = f"cannot load {_RULES}"
        raise ImportError(msg)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Answers:
    """The answers to give copier, where each came from, and what had to be adjusted."""

    values: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def give(self, key: str, value: str, source: str) -> None:
        """Answer `key` with `value`, read from `source`."""
        self.values[key] = value
        self.sources[key] = source

    def data(self) -> list[str]:
        """Copier's --data items, the adoption's own key last."""
        return [
            *(f"{key}={value}" for key, value in self.values.items()),
            f"{ADOPT_KEY}={self.values['package_name']}",
        ]


def parse_data(texts: Iterable[str], questions: Iterable[str]) -> dict[str, str]:
    """DATA's answers, as `make update-template` reads them; AdoptError on a bad one."""
    try:
        items = parse_all(list(texts))
    except UpdateError as error:
        raise AdoptError(ExitCode.USAGE, str(error)) from None
    pairs = dict(item.split("=", 1) for item in items)
    known = list(questions)
    unknown = [key for key in pairs if key not in known]
    if unknown:
        msg = (
            f"DATA: {', '.join(unknown)} is not a question of the template; its questions are "
            f"{', '.join(known)}."
        )
        raise AdoptError(ExitCode.USAGE, msg)
    return pairs


def clean_description(text: str) -> str:
    """A description the template's rule accepts: one line, no forbidden characters, 200 long."""
    line = " ".join("".join(c for c in text if c not in _FORBIDDEN).split())
    line = re.sub(r"^[^A-Za-z0-9]+", "", line)
    if len(line) > 200:  # noqa: PLR2004 - the rule's limit (answer_rules.MAX_DESCRIPTION)
        line = line[:200].rsplit(" ", 1)[0].rstrip(" ,;:-")
    return line


def cli_script(scripts: Mapping[str, str], import_name: str) -> str:
    """The console script the docs call the command line: `<import>.cli:main`, else the first."""
    for name, target in scripts.items():
        if target == f"{import_name}.cli:main":
            return name
    return next(iter(scripts), "")


def answers_for(  # noqa: C901, PLR0912, PLR0913 - one answer per question, keyword-only facts
    *,
    metadata: Metadata,
    package: Package,
    repository: Repository | None,
    repository_where: str,
    profile: Found | None,
    github: str,
    data: Mapping[str, str],
) -> Answers:
    """The answers the project gives, overridden by DATA; each with its source."""
    answers = Answers()
    answers.give("package_name", metadata.name, metadata.sources.get("name", "pyproject.toml"))
    answers.give("import_name", package.import_name, f"the package folder {package.folder}/")
    if repository is not None:
        for key, value in repository.answers().items():
            answers.give(key, value, repository_where)
    if profile is not None:
        answers.give("aws_profile", profile.value, f"--profile in {profile.where}")
    answers.give("with_cli", "true" if metadata.scripts else "false", "[project.scripts]")
    script = cli_script(metadata.scripts, package.import_name)
    if script:
        problem = names.cli_name_problem(script)
        if problem:
            answers.notes.append(
                f"cli_name: your script {script!r} breaks the template's rule ({problem}): the "
                "docs name the default instead; your scripts are kept as they are"
            )
        else:
            answers.give("cli_name", script, f"[project.scripts] {script}")
    if metadata.description:
        cleaned = clean_description(metadata.description)
        if cleaned and not rules().description_problem(cleaned):
            answers.give("description", cleaned, "pyproject.toml description")
            if cleaned != metadata.description:
                answers.notes.append(
                    f"description: yours {metadata.description!r} breaks the template's rule "
                    f"(one line, no quotes, backslashes, <, >, backticks or %): written as "
                    f"{cleaned!r}"
                )
    author = next((person for person in metadata.authors if person.get("email")), None)
    author = author or (metadata.authors[0] if metadata.authors else None)
    if author:
        for key, value, check in (
            ("author_name", author.get("name", ""), rules().author_name_problem),
            ("author_email", author.get("email", ""), rules().email_problem),
        ):
            problem = check(value) if value else ""
            if value and not problem:
                answers.give(key, value, "pyproject.toml authors")
            elif value:
                answers.notes.append(f"{key}: yours breaks the template's rule ({problem})")
    minimum, note = python_min(metadata.requires_python)
    answers.give("python_min", minimum, f"requires-python {metadata.requires_python!r}")
    if note:
        answers.notes.append(note)
    _license(answers, metadata.license)
    if github:
        answers.give("github_repository", github, "git remote origin")
    for key, value in data.items():
        answers.give(key, value, "DATA")
    return answers


def _license(answers: Answers, expression: str) -> None:
    if not expression:
        return
    canonical: str = expression
    with contextlib.suppress(InvalidLicenseExpression):  # not SPDX: compared as written
        canonical = canonicalize_license_expression(expression)
    choice = LICENSES.get(canonical)
    if choice:
        answers.give("license", choice, "pyproject.toml license")
    else:
        answers.notes.append(
            f"license: yours ({expression}) is none of the template's choices (Proprietary, MIT, "
            "Apache-2.0): pyproject.toml keeps yours, and the answer is copier's default"
        )


def answer_value(recorded: Mapping[str, Any], key: str) -> str:
    """An answer as copier recorded it, as text (booleans as `true`/`false`)."""
    value = recorded.get(key, "")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
