"""Migrations `copier update` runs in an existing project, and the re-lock after every update.

Copier runs this file as a script from the NEW template version (see `_migrations` in
copier.yml), in the project being updated. Each command is a small, idempotent step that never
fails the update: a file the team deleted, or a step that already ran, is a no-op, and anything
only a person can do is printed as exact instructions instead.

- `rename OLD NEW`: before copier merges, move the team's file to the template's new path (in
  git's index too: copier diffs the index), so the merge keeps their edits instead of deleting
  them with the old file; after the merge, keep the team's copy and list links to the old name.
- `version OLD`: keep the team's project version through a release that moves pyproject.toml's
  version line (OLD is the line's value in the old template).
- `retire FOLDER MANIFEST`: before the merge, remove the files the template shipped in FOLDER
  (0.3.0: scripts/, now the tools package); a file the team changed is kept aside as
  `<name>.kept`, with an ACTION NEEDED line naming it.
- `tail FILE ANCHOR`: keep what the team appended to FILE after its last template line
  (ANCHOR), through a release that changes that line: set aside before the merge, appended after.
- `say TEXT`: print what a person must do, once, on the update that crosses that version.
- `relock`: after the merge, bring uv.lock in line with the merged pyproject.toml, and
  tools.py.lock with the tools version the new template names.
"""

# ruff: noqa: INP001 - copier runs this file by path; hooks/ is a directory, not a package

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import project_steps
from project_steps import GIT_TIMEOUT, ok, run

if TYPE_CHECKING:
    from collections.abc import Sequence

PREFIX = "template migration"


@dataclass(frozen=True)
class Rename:
    """What the first half of a rename should do, decided from which of the two paths exist."""

    action: str  # "move", "none" or "both"
    message: str


def plan_rename(old: str, new: str, *, old_exists: bool, new_exists: bool) -> Rename:
    """Decide a rename without touching anything: pure, so every case is a one-line test."""
    if old_exists and not new_exists:
        return Rename("move", f"moved {old} to {new}, so the update keeps your edits to it")
    if old_exists and new_exists:
        return Rename(
            "both",
            f"ACTION NEEDED: both {old} and {new} exist: the template now uses {new}; move what "
            f"you still need from {old} into it, then `git rm {old}`",
        )
    # Already moved (a second run), or the team deleted the file: nothing to keep.
    return Rename("none", "")


def has_conflict_markers(text: str) -> bool:
    """Whether copier's inline merge left conflict markers in a file's text."""
    return any(line.startswith(("<<<<<<< ", ">>>>>>> ")) for line in text.splitlines())


def stale_links(old: str, new: str, pages: dict[str, str]) -> list[str]:
    """Lines of the team's own docs pages that still link to the old page, as `path:line`."""
    old_name, new_name = PurePosixPath(old).name, PurePosixPath(new).name
    found = []
    for path, text in sorted(pages.items()):
        for number, line in enumerate(text.splitlines(), start=1):
            if f"]({old_name}" in line or f"({old_name}#" in line:
                found.append(f"{path}:{number} links to {old_name}: change it to {new_name}")
    return found


def _git(args: Sequence[str], cwd: Path) -> str | None:
    result = run(["git", *args], GIT_TIMEOUT, cwd=cwd)
    return result.stdout.strip() if ok(result) else None


def _stash(root: Path, new: str) -> Path:
    """Where the team's copy waits between the two stages: inside .git, never in the work tree."""
    inside = _git(["rev-parse", "--git-path", f"template-migrations/{new}"], root)
    return root / inside if inside else root / ".git" / "template-migrations" / new


def rename_before(old: str, new: str, root: Path) -> str:
    """Before the merge: move OLD to NEW, in git's index too (copier diffs the index)."""
    source, target = root / old, root / new
    plan = plan_rename(old, new, old_exists=source.is_file(), new_exists=target.exists())
    if plan.action != "move":
        return plan.message
    stash = _stash(root, new)
    stash.parent.mkdir(parents=True, exist_ok=True)
    stash.write_bytes(source.read_bytes())
    target.parent.mkdir(parents=True, exist_ok=True)
    if _git(["mv", "--", old, new], root) is None:
        source.rename(target)  # not tracked, or no git: a plain move still keeps the content
    return plan.message


def rename_after(old: str, new: str, root: Path) -> str:
    """After the merge: keep the team's copy of a renamed file, then point at stale links.

    The template added NEW and the team's index has NEW too, so copier merges the two against
    an empty base and marks every line the team changed as a conflict. A rename is released on
    its own (NEW is the old file, unchanged), so the team's copy is the right merge result.
    """
    notes = []
    stash, target = _stash(root, new), root / new
    if stash.is_file():
        if target.is_file() and has_conflict_markers(target.read_text(encoding="utf-8")):
            target.write_bytes(stash.read_bytes())
            _git(["add", "--", new], root)  # the rename is resolved: no unmerged entry is left
        stash.unlink()
    docs = root / "docs"
    pages = (
        {
            page.relative_to(root).as_posix(): page.read_text(encoding="utf-8", errors="replace")
            for page in sorted(docs.rglob("*.md"))
        }
        if docs.is_dir()
        else {}
    )
    notes += [f"ACTION NEEDED: {link}" for link in stale_links(old, new, pages)]
    return "\n".join(notes)


_VERSION_LINE = re.compile(r'^version = "([^"]+)"$', re.MULTILINE)


def swap_version(text: str, version: str) -> tuple[str, str | None]:
    """Set the first `version = "..."` line's value; return the new text and the old value."""
    match = _VERSION_LINE.search(text)
    if match is None:
        return text, None
    new = f"{text[: match.start(1)]}{version}{text[match.end(1) :]}"
    return new, match.group(1)


def version_before(template_version: str, root: Path) -> str:
    """Before the merge: set the team's version aside, so a moved version line merges cleanly.

    With the template's own value in its place (in git's index too: copier diffs the index), the
    team's side of the merge does not touch the line the template moves.
    """
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return ""
    text, team_version = swap_version(pyproject.read_text(encoding="utf-8"), template_version)
    if team_version is None or team_version == template_version:
        return ""
    stash = _stash(root, "version")
    stash.parent.mkdir(parents=True, exist_ok=True)
    stash.write_text(team_version, encoding="utf-8")
    pyproject.write_text(text, encoding="utf-8")
    _git(["add", "--", "pyproject.toml"], root)
    return ""


def version_after(template_version: str, root: Path) -> str:
    """After the merge: put the team's version back, wherever the template moved the line."""
    stash, pyproject = _stash(root, "version"), root / "pyproject.toml"
    if not stash.is_file():
        return ""
    team_version = stash.read_text(encoding="utf-8").strip()
    stash.unlink()
    if not pyproject.is_file():
        return f"ACTION NEEDED: pyproject.toml is gone: your version was {team_version}"
    text, found = swap_version(pyproject.read_text(encoding="utf-8"), team_version)
    if found != template_version:
        return f'ACTION NEEDED: set `version = "{team_version}"` in pyproject.toml again'
    pyproject.write_text(text, encoding="utf-8")
    _git(["reset", "--quiet", "--", "pyproject.toml"], root)  # the index as the team left it
    return f"kept your version {team_version} in pyproject.toml's new version line"


def split_tail(text: str, anchor: str) -> tuple[str, str]:
    """Split the text after its last line ANCHOR: (the template's part, what the team added)."""
    lines = text.splitlines(keepends=True)
    last = max((i for i, line in enumerate(lines) if line.rstrip("\n") == anchor), default=None)
    if last is None:
        return text, ""
    head, tail = "".join(lines[: last + 1]), "".join(lines[last + 1 :])
    return (head, tail) if tail.strip() else (text, "")


def tail_before(path: str, anchor: str, root: Path) -> str:
    """Before the merge: set aside what the team appended after the template's last line.

    A team appends its own targets to the Makefile; a release that changes the last template
    lines would otherwise put every one of them in a conflict.
    """
    target = root / path
    if not target.is_file():
        return ""
    head, tail = split_tail(target.read_text(encoding="utf-8"), anchor)
    if not tail:
        return ""
    stash = _stash(root, f"{path}.tail")
    stash.parent.mkdir(parents=True, exist_ok=True)
    stash.write_text(tail, encoding="utf-8")
    target.write_text(head, encoding="utf-8")
    _git(["add", "--", path], root)  # copier diffs the index: the team's side ends there now
    return ""


def tail_after(path: str, root: Path) -> str:
    """After the merge: append what the team had added, below the new template's last line."""
    stash, target = _stash(root, f"{path}.tail"), root / path
    if not stash.is_file():
        return ""
    tail = stash.read_text(encoding="utf-8")
    stash.unlink()
    if not target.is_file():
        return f"ACTION NEEDED: {path} is gone: what you had added to it was:\n{tail}"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.rstrip("\n") + "\n" + tail, encoding="utf-8")
    _git(["reset", "--quiet", "--", path], root)  # the index as the team left it
    return f"kept what you had added at the end of {path}"


KEPT_SUFFIX = ".kept"


def read_manifest(text: str) -> dict[str, set[str]]:
    """`sha256  path` lines (comments and blanks skipped) as {path: the hashes it ever had}."""
    known: dict[str, set[str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            digest, _, path = line.partition("  ")
            known.setdefault(path.strip(), set()).add(digest.strip())
    return known


def plan_retirement(
    found: dict[str, str], known: dict[str, set[str]]
) -> tuple[list[str], list[str]]:
    """Split the files found (path: sha256) into those to remove and those to keep aside.

    A file at a path the template shipped goes; the team's changes to it (a hash the template
    never shipped there) are kept aside first. A file the template never shipped there is the
    team's own: neither list names it.
    """
    remove = sorted(path for path in found if path in known)
    keep = [path for path in remove if found[path] not in known[path]]
    return remove, keep


def retire(folder: str, manifest: Path, root: Path) -> str:
    """Before the merge: take the template's old files out of FOLDER, keeping the team's edits.

    Copier deletes every file a new release no longer ships, edited or not; the team's edits are
    kept aside as `<file>.kept` (never committed here: the update's summary lists them as new
    files, and an ACTION NEEDED line says what to do with each).
    """
    base = root / folder
    if not base.is_dir():
        return ""
    known = read_manifest(manifest.read_text(encoding="utf-8"))
    for cache in [p for p in base.rglob("__pycache__") if p.is_dir()]:
        shutil.rmtree(cache, ignore_errors=True)  # bytecode of the old scripts, ignored by git
    found = {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(base.rglob("*"))
        if path.is_file() and not path.name.endswith(KEPT_SUFFIX)
    }
    remove, keep = plan_retirement(found, known)
    for path in keep:
        shutil.copy2(root / path, root / f"{path}{KEPT_SUFFIX}")
    if (
        remove
        and _git(["rm", "--quiet", "--force", "--ignore-unmatch", "--", *remove], root) is None
    ):
        for path in remove:  # not a git checkout: the files alone
            (root / path).unlink(missing_ok=True)
    for path in remove:
        (root / path).unlink(missing_ok=True)
    for directory in sorted((p for p in base.rglob("*") if p.is_dir()), reverse=True):
        if not any(directory.iterdir()):
            directory.rmdir()
    if base.is_dir() and not any(base.iterdir()):
        base.rmdir()
    gone = f"removed {folder}/: the template's tools are one package now, which tools.py runs"
    notes = [gone] if remove else []
    notes += [
        f"ACTION NEEDED: you had changed {path}, which the template no longer ships (its tools are "
        f"the codeartifact-python-tools package now): your copy is kept as {path}{KEPT_SUFFIX}. "
        "Carry the change over (to your fork of the template's tools, or to the Makefile), then "
        f"delete {path}{KEPT_SUFFIX}"
        for path in keep
    ]
    return "\n".join(notes)


def relock(root: Path) -> str:
    """Lock uv.lock to the merged pyproject.toml, and tools.py.lock to the new tools' version.

    A note instead of failing, for each lock that could not be written.
    """
    notes = []
    pyproject, tools = root / "pyproject.toml", root / project_steps.TOOLS_SCRIPT
    if pyproject.is_file():
        if has_conflict_markers(pyproject.read_text(encoding="utf-8")):
            notes.append("pyproject.toml has conflict markers: resolve them, then run `uv lock`")
        else:
            notes.append(project_steps.lock(root))
    if tools.is_file():
        if has_conflict_markers(tools.read_text(encoding="utf-8")):
            notes.append(
                f"{tools.name} has conflict markers: resolve them, then run "
                f"`uv lock --script {tools.name}`"
            )
        else:
            notes.append(project_steps.lock_tools(root))
    return "\n".join(note for note in notes if note)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one migration step in the current directory; always exit 0."""
    parser = argparse.ArgumentParser(prog="hooks/migrations.py", description=__doc__)
    steps = parser.add_subparsers(dest="step", required=True)
    move = steps.add_parser("rename", help="move a file the template renamed")
    move.add_argument("old")
    move.add_argument("new")
    tell = steps.add_parser("say", help="print what a person must do")
    tell.add_argument("text")
    end = steps.add_parser("tail", help="keep what the team appended to a file")
    end.add_argument("path")
    end.add_argument("anchor", help="the template's last line, as the old release wrote it")
    old = steps.add_parser("retire", help="remove a folder the template no longer ships")
    old.add_argument("folder")
    old.add_argument("manifest", type=Path, help="`sha256  path` of every file it ever shipped")
    keep = steps.add_parser("version", help="keep the team's version through a moved line")
    keep.add_argument("template_version", help="the version line's value in the old template")
    steps.add_parser("relock", help="re-lock uv.lock and tools.py.lock after the merge")
    args = parser.parse_args(argv)
    root = Path.cwd()
    # Copier runs two-stage migrations in both stages and says which in STAGE.
    stage = os.environ.get("STAGE", "before")
    if args.step == "rename":
        step = rename_after if stage == "after" else rename_before
        note = step(args.old, args.new, root)
    elif args.step == "version":
        keep_version = version_after if stage == "after" else version_before
        note = keep_version(args.template_version, root)
    elif args.step == "tail":
        note = (
            tail_after(args.path, root)
            if stage == "after"
            else tail_before(args.path, args.anchor, root)
        )
    elif args.step == "retire":
        note = retire(args.folder, args.manifest, root) if stage == "before" else ""
    elif args.step == "say":
        note = f"ACTION NEEDED: {args.text.strip()}"
    else:
        note = relock(root)
    for line in note.splitlines():
        print(f"{PREFIX}: {line}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
