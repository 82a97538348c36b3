"""The adoption's plan: for every file the template renders, what happens to the project's.

Pure: it takes the rendered files and the project's (as they will be after the move into src/)
and returns the files to write, the files to remove and one `Change` per decision, for the
summary. The rules, in order:

- the template's example code (sizes.py, its CLI and their tests) is never added: the team's code
  takes its place; where the team has a file at the same path, theirs stays;
- pyproject.toml is the template's, with the team's metadata and settings put in (`pyproject`);
- .gitignore and the Makefile: the template's, with the team's extra lines and targets appended;
- CHANGELOG.md and LICENSE: the team's stay (copier's `_skip_if_exists` keeps CHANGELOG.md on
  updates too); a new CHANGELOG.md has an entry for the adoption, so the next release has notes;
- a file only the template has is added, an identical one left alone;
- any other file both have and differ on gets inline conflict markers, yours then the template's.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from tools.adopt.pyproject import merge_pyproject

if TYPE_CHECKING:
    from collections.abc import Mapping

    from tools.adopt.facts import Package
    from tools.adopt.metadata import Metadata

T = TypeVar("T")
ANSWERS_FILE = ".copier-answers.yml"
YOURS = "<" * 7 + " yours"
SEPARATOR = "=" * 7
# Files the team's own version of always wins over the template's.
KEEP_THEIRS = {
    "CHANGELOG.md": "yours, as copier's _skip_if_exists keeps it on every update",
    "LICENSE": "yours: the licence text is the project's, not the template's",
    ".python-version": "yours: the Python the team develops with (uv reads it)",
}
# Files that replace the old packaging once it is converted.
POETRY_FILES = ("poetry.lock", "poetry.toml")
# The fewest shared lines kept outside a conflict: shorter runs (a blank line, a `---`) would cut
# one conflict into confusing pieces.
SHARED_RUN = 3


@dataclass(frozen=True)
class Change:
    """One decision about one file (or setting), as the summary lists it."""

    kind: str  # added, converted, merged, kept, example, conflict, removed, replaced
    path: str
    detail: str = ""


@dataclass
class Plan:
    """What adoption writes and removes in the project, and why."""

    writes: dict[str, bytes] = field(default_factory=dict)
    removals: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def conflicts(self) -> list[str]:
        """The files left with inline conflict markers."""
        return [change.path for change in self.changes if change.kind == "conflict"]

    def of(self, kind: str) -> list[Change]:
        """The changes of one kind, in the order they were planned."""
        return [change for change in self.changes if change.kind == kind]


def example_files(import_name: str) -> dict[str, str]:
    """The template's example code, by path: what the team's code takes the place of."""
    package = f"src/{import_name}"
    return {
        f"{package}/__init__.py": "the example package's exports",
        f"{package}/sizes.py": "the example API",
        f"{package}/cli.py": "the example command line",
        f"{package}/__main__.py": "`python -m` for the example command line",
        "tests/test_sizes.py": "the example API's tests",
        "tests/test_cli.py": "the example command line's tests",
        "tests/test_packaging.py": (
            "checks the template's own CLI and a `__version__` attribute; add it once your "
            "package has both"
        ),
    }


def moved(paths: Mapping[str, T], package: Package) -> dict[str, T]:
    """The project's files as they are after its package moves into src/."""
    if not package.moves:
        return dict(paths)
    prefix = f"{package.folder}/"
    return {
        (f"{package.target}/{path[len(prefix) :]}" if path.startswith(prefix) else path): data
        for path, data in paths.items()
    }


def plan(  # noqa: PLR0913 - the two trees and the facts the plan needs, keyword-only
    *,
    rendered: Mapping[str, bytes],
    project: Mapping[str, bytes],
    metadata: Metadata,
    package: Package,
    template_version: str,
    package_name: str,
) -> Plan:
    """Decide each rendered file's fate against the project's files (after the move)."""
    result = Plan()
    examples = example_files(package.import_name)
    for path in sorted(rendered):
        ours, theirs = rendered[path], project.get(path)
        if path in examples:
            kept = Change("kept", path, "yours, in place of the template's example")
            result.changes.append(
                Change("example", path, examples[path]) if theirs is None else kept
            )
        elif path == "pyproject.toml":
            _pyproject(result, ours, metadata)
        elif path == "CHANGELOG.md":
            _changelog(result, theirs, package_name, metadata.version, template_version)
        elif theirs is None:
            result.writes[path] = ours
            result.changes.append(Change("added", path))
        elif theirs != ours:
            _both(result, path, theirs, ours, f"template {template_version}")
    if metadata.style == "poetry":
        for path in POETRY_FILES:
            if path in project:
                result.removals.append(path)
                result.changes.append(
                    Change(
                        "removed",
                        path,
                        "poetry no longer manages the project; uv.lock replaces poetry.lock",
                    )
                )
    return result


def _both(result: Plan, path: str, theirs: bytes, ours: bytes, label: str) -> None:
    """A file both have, and differ on: keep theirs, merge, or mark the conflict inline."""
    if path in KEEP_THEIRS:
        result.changes.append(Change("kept", path, KEEP_THEIRS[path]))
    elif path == ".gitignore":
        text, count = merge_ignores(_text(theirs), _text(ours))
        result.writes[path] = text.encode()
        detail = (
            f"the template's, then {count} line(s) of yours it lacked"
            if count
            else "the template's, which has every line of yours"
        )
        result.changes.append(Change("merged", path, detail))
    elif path == "Makefile" and (merged := merge_makefile(_text(theirs), _text(ours))):
        _makefile(result, merged)
    else:
        _conflict(result, path, theirs, ours, label)


def _text(data: bytes) -> str:
    return data.decode("utf-8")


def _pyproject(result: Plan, rendered: bytes, metadata: Metadata) -> None:
    merged = merge_pyproject(_text(rendered), metadata)
    result.writes["pyproject.toml"] = merged.text.encode()
    count = len(metadata.dependencies)
    details = [
        (
            f"the template's, with your version {metadata.version}, {count} "
            f"dependenc{'y' if count == 1 else 'ies'}, scripts "
            f"({', '.join(metadata.scripts) or 'none'}) and groups "
            f"({', '.join(metadata.groups) or 'none'})"
        ),
        *metadata.converted,
        *merged.converted,
    ]
    result.changes += [Change("converted", "pyproject.toml", detail) for detail in details]
    result.changes += [Change("replaced", "pyproject.toml", detail) for detail in merged.replaced]


def _conflict(result: Plan, path: str, theirs: bytes, ours: bytes, label: str) -> None:
    try:
        text = conflict_text(_text(theirs), _text(ours), label)
    except UnicodeDecodeError:
        result.changes.append(
            Change("kept", path, f"yours: not text, so not merged with the {label}'s")
        )
        return
    result.writes[path] = text.encode()
    result.changes.append(Change("conflict", path))


# --- Merging text ---------------------------------------------------------------------------------


def conflict_text(theirs: str, ours: str, label: str) -> str:
    """Both versions in one file: shared runs of lines once, every difference as a conflict.

    A 3-way merge against an empty base, as `git merge-file` would make it: each side added the
    whole file, so nothing merges by itself. Runs of fewer than three shared lines (a blank line,
    a `---`) stay inside the conflict around them rather than cutting it into pieces.
    """
    mine, other = theirs.splitlines(keepends=True), ours.splitlines(keepends=True)
    for lines in (mine, other):
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
    matcher = difflib.SequenceMatcher(a=mine, b=other, autojunk=False)
    blocks = [
        b
        for b in matcher.get_matching_blocks()
        if b.size >= SHARED_RUN or b.size == len(mine) == len(other)
    ]
    out: list[str] = []
    a = b = 0
    for block in [*blocks, difflib.Match(len(mine), len(other), 0)]:
        left, right = mine[a : block.a], other[b : block.b]
        if left or right:
            out += [f"{YOURS}\n", *left, f"{SEPARATOR}\n", *right, f">>>>>>> {label}\n"]
        out += mine[block.a : block.a + block.size]
        a, b = block.a + block.size, block.b + block.size
    return "".join(out)


def merge_ignores(theirs: str, ours: str) -> tuple[str, int]:
    """The template's .gitignore, then the patterns of the team's that it lacks."""
    known = {line.strip() for line in ours.splitlines()}
    extra = [
        line.rstrip()
        for line in theirs.splitlines()
        if line.strip() and not line.startswith("#") and line.strip() not in known
    ]
    if not extra:
        return ours, 0
    block = "\n".join(["# Kept from the project's own .gitignore", *dict.fromkeys(extra)])
    return f"{ours.rstrip(chr(10))}\n\n{block}\n", len(dict.fromkeys(extra))


@dataclass
class MakefileMerge:
    """The template's Makefile with the team's own targets and variables appended."""

    text: str
    kept: list[str]
    replaced: list[str]


_ASSIGNMENT = re.compile(
    r"^(?:export\s+|override\s+)?(?P<name>[A-Za-z_.][A-Za-z0-9_.-]*)\s*(?::{1,3}=|\?=|\+=|!=|=)"
)
_EXPORT = re.compile(
    r"^(?:export|unexport)\s+(?P<names>[A-Za-z_][\w.-]*(?:\s+[A-Za-z_][\w.-]*)*)\s*$"
)
_RULE = re.compile(r"^(?P<targets>[^\s:=#][^:=#]*?)\s*::?(?!=)(?P<rest>.*)$")
_DIRECTIVE = re.compile(
    r"^\s*(?:ifeq|ifneq|ifdef|ifndef|else|endif|define|endef|include|-include|sinclude|vpath)\b"
)


def _makefile_blocks(  # noqa: C901 - one branch per kind of line
    text: str, *, strict: bool = True
) -> list[tuple[str, list[str], list[str]]] | None:
    """The Makefile as ("rule", targets, lines) and ("var", [names], lines) blocks.

    None when it uses what this merge does not follow (conditionals, includes, define, a line
    that is no rule or assignment); with strict=False such lines are skipped instead.
    """
    blocks: list[tuple[str, list[str], list[str]]] = []
    comments: list[str] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if _DIRECTIVE.match(line):
            if strict:
                return None
            continue
        if not line.strip():
            comments = []
            continue
        if line.startswith("#"):
            comments.append(line)
            continue
        body = [*comments, line]
        comments = []
        assignment = _ASSIGNMENT.match(line)
        exported = None if assignment else _EXPORT.match(line)
        rule = None if assignment or exported else _RULE.match(line)
        while body[-1].endswith("\\") and index < len(lines):
            body.append(lines[index])
            index += 1
        if assignment:
            blocks.append(("var", [assignment["name"]], body))
        elif exported:
            blocks.append(("var", exported["names"].split(), body))
        elif rule:
            while index < len(lines) and lines[index].startswith("\t"):
                body.append(lines[index])
                index += 1
            blocks.append(("rule", rule["targets"].split(), body))
        elif strict:
            return None
    return blocks


def merge_makefile(theirs: str, ours: str) -> MakefileMerge | None:
    """Append the team's targets and variables the template's Makefile lacks; None if unsure.

    A target or variable the template defines too is the template's (its `make check` is what
    CI runs) and is named in the summary; `.PHONY` keeps the team's targets that stay.
    """
    mine, template = _makefile_blocks(theirs), _makefile_blocks(ours, strict=False)
    if mine is None or template is None:
        return None
    targets = {t for kind, names, _ in template if kind == "rule" for t in names}
    variables = {n for kind, names, _ in template if kind == "var" for n in names}
    kept_blocks: list[list[str]] = []
    kept: list[str] = []
    replaced: list[str] = []
    phony: list[str] = []
    for kind, names, lines in mine:
        if kind == "rule" and names == [".PHONY"]:
            phony += lines[-1].split(":", 1)[1].split()
            continue
        clash = [n for n in names if n in (targets if kind == "rule" else variables)]
        if clash:
            replaced += [f"`{n}`" if kind == "rule" else f"variable {n}" for n in clash]
            continue
        kept_blocks.append(lines)
        kept += names if kind == "rule" else [f"variable {n}" for n in names]
    if not kept_blocks:
        return MakefileMerge(ours, kept, replaced)
    staying = [t for t in phony if t in kept]
    appended = [f".PHONY: {' '.join(staying)}"] if staying else []
    for lines in kept_blocks:
        appended += ["", *lines]
    header = "# Kept from the project's own Makefile (targets the template does not define)."
    text = f"{ours.rstrip(chr(10))}\n\n{header}\n" + "\n".join(appended).lstrip("\n") + "\n"
    return MakefileMerge(text, kept, replaced)


def _makefile(result: Plan, merged: MakefileMerge) -> None:
    result.writes["Makefile"] = merged.text.encode()
    detail = "the template's"
    if merged.kept:
        detail += f", then your {', '.join(merged.kept)}"
    result.changes.append(Change("merged", "Makefile", detail))
    if merged.replaced:
        result.changes.append(
            Change(
                "replaced",
                "Makefile",
                f"your {', '.join(merged.replaced)}: the template's (its `make check` is what "
                "CI runs); yours stay in the history of the branch you adopted from",
            )
        )


# --- CHANGELOG.md ---------------------------------------------------------------------------------

_UNRELEASED = re.compile(r"^## +\[?Unreleased\]?[ \t]*$", re.MULTILINE | re.IGNORECASE)


def adoption_entry(template_version: str) -> str:
    """The changelog entry the adoption adds, so the next release has notes."""
    return (
        f"- Built, checked and released with codeartifact-python-template {template_version}: "
        "`make check`, `make publish` and the release workflow; template updates with "
        "`make update-template`."
    )


def _changelog(
    result: Plan, theirs: bytes | None, package_name: str, version: str, template_version: str
) -> None:
    entry = adoption_entry(template_version)
    if theirs is None:
        text = (
            "# Changelog\n\n"
            f"All notable changes to {package_name} are documented here. The format follows\n"
            "[Keep a Changelog](https://keepachangelog.com/en/1.1.0/), and versions follow\n"
            "[Semantic Versioning](https://semver.org/spec/v2.0.0.html).\n\n"
            f"## [Unreleased]\n\n### Changed\n\n{entry}\n\n"
            f"## [{version}]\n\n"
            "- Released before this changelog: the git history has its changes.\n"
        )
        result.writes["CHANGELOG.md"] = text.encode()
        result.changes.append(
            Change(
                "added",
                "CHANGELOG.md",
                f"one entry under [Unreleased] for the adoption, and {version}",
            )
        )
        return
    text = _text(theirs)
    found = _UNRELEASED.search(text)
    if found is None:
        result.changes.append(
            Change(
                "kept",
                "CHANGELOG.md",
                "yours, unchanged: it has no `## [Unreleased]` section, which `make bump-*` and "
                "the release notes need (Keep a Changelog; docs/releasing.md)",
            )
        )
        return
    at = found.end()
    rest = text[at:].lstrip("\n")
    text = f"{text[:at]}\n\n### Changed\n\n{entry}\n" + (f"\n{rest}" if rest else "")
    result.writes["CHANGELOG.md"] = text.encode()
    result.changes.append(
        Change("kept", "CHANGELOG.md", "yours, with one entry under [Unreleased] for the adoption")
    )
