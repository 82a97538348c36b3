"""Every Makefile stays within GNU Make 3.81, the make every Mac ships, and answers a wrong name.

No GNU Make 3.81 can be installed here (Debian and the package registries carry 4.x only), so
the generated Makefiles and this repository's own are read for every feature make added after
3.81, outside a `MAKE_VERSION` guard; make itself (4.x) then runs each `make help` target dry
with `--warn-undefined-variables`, and `make check` as 3.81 would expand it (`MAKE_VERSION=3.81`).
The macOS jobs in both CI workflows run the real 3.81.
"""

from __future__ import annotations

import re
import subprocess
from typing import TYPE_CHECKING

import pytest

from tests.conftest import ROOT, render_files

if TYPE_CHECKING:
    from pathlib import Path

# What GNU Make added after 3.81 (its NEWS file), as it would be written in a Makefile.
# Directives and assignments: read outside recipes only, where the shell's own `!=`/`&` live.
NEWER_DIRECTIVES = (
    (re.compile(r"^\s*\.ONESHELL\s*:"), ".ONESHELL (3.82)"),
    (re.compile(r"^\s*\.RECIPEPREFIX\b"), ".RECIPEPREFIX (3.82)"),
    (re.compile(r"^\s*\.SHELLFLAGS\b"), ".SHELLFLAGS (3.82)"),
    (
        re.compile(r"^\s*(?:override\s+|export\s+)*(?:undefine|private)\s"),
        "undefine/private (3.82)",
    ),
    (re.compile(r"^\s*(?:override\s+)?define\s+\S+\s*(?:\+|\?|::?|!)?="), "define NAME = (3.82)"),
    (re.compile(r"^\s*-?load\s"), "load (4.0)"),
    (re.compile(r"^[^=]*[^:+?!]::=|^[^=]*:::="), "::= or :::= assignment (4.0, 4.4)"),
    (re.compile(r"^[^=:]*\S\s*!="), "!= shell assignment (4.0)"),
    (re.compile(r"^[^=\t]*[^=\s]\s*&::?(?:\s|$)"), "grouped targets &: (4.3)"),
    (
        re.compile(r"^\s*\.(?:EXTRA_PREREQS|NOTINTERMEDIATE)\b"),
        ".EXTRA_PREREQS/.NOTINTERMEDIATE (4.3, 4.4)",
    ),
    (re.compile(r"\.WAIT\b"), ".WAIT (4.4)"),
)
# Functions and options: anywhere, recipes included (a recursive `$(MAKE)` takes options too).
NEWER_ANYWHERE = (
    (re.compile(r"\$[({](?:file|guile|let|intcmp)\s"), "$(file/guile/let/intcmp ...) (4.0-4.4)"),
    (re.compile(r"\$[({]\.SHELLSTATUS[)}]"), ".SHELLSTATUS (4.2)"),
    (re.compile(r"--output-sync|--trace\b|--shuffle\b|--eval\b"), "an option 3.81 refuses"),
    (re.compile(r"\$[({]MAKE[)}][^#\n]*\s-(?:O|E)\b"), "-O/-E on a recursive make (4.0, 3.82)"),
)
GUARD = "MAKE_VERSION"


def newer_than_381(text: str) -> list[str]:
    """`line N: feature` for each post-3.81 feature outside a MAKE_VERSION guard."""
    found = []
    guarded_depth = 0  # inside an ifeq/ifneq/ifdef whose condition reads MAKE_VERSION
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        recipe = line.startswith("\t")
        code = line if recipe else re.sub(r"(?<!\\)#.*", "", line)
        word = code.split(maxsplit=1)[0] if code.strip() else ""
        if not recipe and word in {"ifeq", "ifneq", "ifdef", "ifndef"}:
            depth += 1
            if GUARD in code and not guarded_depth:
                guarded_depth = depth
            continue
        if not recipe and word == "endif":
            if guarded_depth == depth:
                guarded_depth = 0
            depth -= 1
            continue
        if guarded_depth or GUARD in code:
            continue  # what a newer make may use, once make's own version said it can
        checks = NEWER_ANYWHERE if recipe else NEWER_DIRECTIVES + NEWER_ANYWHERE
        found += [f"line {number}: {what}" for pattern, what in checks if pattern.search(code)]
    return found


@pytest.mark.parametrize(
    ("snippet", "feature"),
    [
        (".ONESHELL:\n", ".ONESHELL"),
        (".RECIPEPREFIX = >\n", ".RECIPEPREFIX"),
        ("undefine FOO\n", "undefine"),
        ("define RULE =\nx\nendef\n", "define NAME ="),
        ("FOO ::= bar\n", "::="),
        ("FILES != ls\n", "!= shell"),
        ("a b &: c\n\ttouch a b\n", "grouped targets"),
        ("x:\n\t$(file >out,text)\n", "$(file"),
        ("x:\n\t$(MAKE) --output-sync=target y\n", "an option 3.81 refuses"),
        ("x:\n\t$(MAKE) -O y\n", "-O/-E"),
        ("S := $(.SHELLSTATUS)\n", ".SHELLSTATUS"),
    ],
)
def test_the_reader_finds_each_newer_feature(snippet: str, feature: str) -> None:
    (finding,) = newer_than_381(snippet)
    assert feature in finding


def test_the_reader_lets_3_81_syntax_and_guarded_features_through() -> None:
    fine = (
        "# --output-sync in a comment is prose\n"
        "SYNC := $(if $(filter 3.%,$(MAKE_VERSION)),,--output-sync=target)\n"
        "ifeq ($(filter 3.%,$(MAKE_VERSION)),)\n"
        "SYNC2 := --output-sync=target\n"
        "else ifeq ($(OS),Darwin)\n"  # `else ifeq` on one line: 3.81 has it
        "SYNC2 :=\n"
        "endif\n"
        "A := 1\nB ?= 2\nC += 3\nD = $(A)\n"
        'x: ## Help\n\t@[ "$$a" != "b" ] && echo ok & wait\n'
        "\t$(MAKE) --no-print-directory --jobs=4 $(SYNC) y\n"
    )
    assert newer_than_381(fine) == []
    # After the guarded block ends, the same feature counts again.
    assert newer_than_381(fine + "Z ::= 1\n") == [
        f"line {fine.count(chr(10)) + 1}: ::= or :::= assignment (4.0, 4.4)"
    ]


@pytest.fixture(scope="module")
def makefiles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The template's own Makefile and the generated ones, docs on and off (no tasks run)."""
    found = {"template": ROOT}
    for answer_set in ("defaults", "everything-off"):
        destination = tmp_path_factory.mktemp(answer_set) / "acme-widgets"
        found[answer_set] = render_files(destination, answer_set)
    return found


def make(directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=directory,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def make_version() -> str:
    """The version of the make on PATH: `3.81` on a Mac."""
    said = subprocess.run(["make", "--version"], capture_output=True, text=True, check=True)
    found = re.match(r"GNU Make (\S+)", said.stdout)
    assert found is not None, said.stdout
    return found.group(1)


def help_targets(directory: Path) -> dict[str, str]:
    """`make help`'s targets, each with its help text."""
    listed = make(directory, "help")
    assert listed.returncode == 0, listed.stderr
    return dict(re.findall(r"^  (\S+)\s+(.*)$", listed.stdout, re.MULTILINE))


@pytest.mark.parametrize("which", ["template", "defaults", "everything-off"])
def test_every_makefile_keeps_to_gnu_make_3_81(makefiles: dict[str, Path], which: str) -> None:
    text = (makefiles[which] / "Makefile").read_text(encoding="utf-8")
    assert newer_than_381(text) == []


@pytest.mark.parametrize("which", ["template", "defaults", "everything-off"])
def test_every_target_expands_dry_with_no_variable_but_its_options_undefined(
    makefiles: dict[str, Path], which: str
) -> None:
    """A typo in a variable is an empty string to make: `--warn-undefined-variables` says so."""
    directory = makefiles[which]
    text = (directory / "Makefile").read_text(encoding="utf-8")
    for target, help_text in help_targets(directory).items():
        dry = make(directory, "-n", "--warn-undefined-variables", target)
        assert dry.returncode == 0, f"make -n {target}: {dry.stderr}"
        for name in re.findall(r"warning: undefined variable [`'](\w+)'", dry.stderr):
            # A command-line option of the target's: named in its help, or tested for emptiness.
            option = f"{name}=" in help_text or f"$(if $({name})," in text
            assert option, f"make -n {target}: {name} is undefined"


def test_check_runs_its_four_checks_in_parallel_on_3_81_without_output_sync(
    makefiles: dict[str, Path],
) -> None:
    project = makefiles["defaults"]
    this = make(project, "-n", "check")
    assert this.returncode == 0, this.stderr
    if make_version().startswith("3."):  # the real 3.81: the macOS job
        assert "--output-sync" not in this.stdout
    else:
        assert "--jobs=4 --output-sync=target lint type test audit" in this.stdout
    # As make 3.81 expands it: its own version on the command line.
    old = make(project, "-n", "check", "MAKE_VERSION=3.81")
    assert old.returncode == 0, old.stderr
    assert "--output-sync" not in old.stdout
    assert re.search(r"--jobs=4 +lint type test audit", old.stdout)


@pytest.mark.parametrize("which", ["template", "defaults"])
def test_a_wrong_target_points_at_make_and_files_are_left_alone(
    makefiles: dict[str, Path], which: str
) -> None:
    directory = makefiles[which]
    for args in (["chekc"], ["-n", "chekc"], ["help", "chekc"]):
        wrong = make(directory, *args)
        assert wrong.returncode == 2, (args, wrong.stdout, wrong.stderr)
        assert wrong.stderr.strip().endswith(
            "no target 'chekc' here: run `make` for the list of targets.  Stop."
        ), wrong.stderr
        assert "No rule to make target" not in wrong.stderr
    # A file with no rule is up to date, as before; every real target still runs, dry too.
    existing = make(directory, "README.md")
    assert existing.returncode == 0, existing.stderr
    assert "is up to date" in existing.stdout
    assert make(directory, "-n", "help").returncode == 0
    assert make(directory).returncode == 0
