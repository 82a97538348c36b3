"""The README says what `--help` says: every subcommand's exit codes and environment variables.

Each subcommand's `--help` epilog lists its exit codes (`exit codes: 0 ok, 1 ...`) and the
variables it reads (`environment: ...`); the README has one exit-code table per subcommand (or per
family sharing one list) and a table of variables. These tests read both, so neither can change
alone. The README's `make` table names the generated Makefile's targets, as that Makefile runs them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from codeartifact_python_tools.cli import FAMILIES, main

PACKAGE = Path(__file__).resolve().parents[1]
README = (PACKAGE / "README.md").read_text(encoding="utf-8")
MAKEFILE = PACKAGE.parent / "template" / "Makefile.jinja"


def subcommands() -> list[str]:
    """Every subcommand of the console command (test_cli.py holds the table to argparse's own)."""
    return list(FAMILIES)


def help_text(command: str, capsys: pytest.CaptureFixture[str]) -> str:
    """`codeartifact-python-tools COMMAND --help`, as a user reads it."""
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    return capsys.readouterr().out


def paragraph(text: str, label: str) -> str:
    """The epilog paragraph that starts with `label:`, on one line, without its final period."""
    found = re.search(rf"^{label}: (.*?)(?:\n\n|\Z)", text, re.MULTILINE | re.DOTALL)
    assert found, f"no '{label}:' paragraph in:\n{text}"
    return " ".join(found.group(1).split()).rstrip(".")


def epilog_codes(text: str) -> dict[int, str]:
    """`exit codes: 0 ok, 1 failed (...); 2 usage` -> {0: "ok", 1: "failed (...)", 2: "usage"}."""
    parts = re.split(r"[,;] (?=\d+ )", paragraph(text, "exit codes"))
    codes = {int(code): meaning for code, meaning in (part.split(" ", 1) for part in parts)}
    assert len(codes) == len(parts)
    return codes


def readme_codes(command: str) -> dict[int, str]:
    """The rows of the exit-code table under the heading that names `command`."""
    headings = list(re.finditer(r"^### (.+)$", README, re.MULTILINE))
    mine = [h for h in headings if f"`{command}`" in h.group(1).split(", ")]
    assert len(mine) == 1, f"one README heading should name `{command}`"
    (heading,) = mine
    following = [h.start() for h in headings if h.start() > heading.start()]
    section = README[heading.end() : min([*following, len(README)])]
    rows = re.findall(r"^\| (\d+) \| (.+?) \|$", section, re.MULTILINE)
    return {int(code): meaning for code, meaning in rows}


@pytest.mark.parametrize("command", subcommands())
def test_the_exit_code_table_is_the_help_epilogs(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    documented = readme_codes(command)
    assert documented == epilog_codes(help_text(command, capsys))
    assert 0 in documented


@pytest.mark.parametrize("command", subcommands())
def test_every_variable_the_help_names_is_in_the_readme(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = help_text(command, capsys)
    environment = paragraph(text, "environment") if "\nenvironment: " in text else ""
    named = re.findall(r"\b[A-Z][A-Z0-9_]{2,}\b", environment)
    table = README[README.index("## Environment variables") : README.index("## Where the tools")]
    missing = [variable for variable in named if f"`{variable}`" not in table]
    assert not missing, f"{command}: {missing}"


def test_the_debug_variable_of_the_main_help_is_in_the_readme(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    (variable,) = re.findall(r"\b([A-Z_]{4,})=1\b", capsys.readouterr().out)
    assert f"| `{variable}` |" in README


def test_the_make_table_is_how_the_generated_makefile_runs_the_tools() -> None:
    """Each `make X` row: the Makefile's recipe for X runs `$(TOOLS)` with that subcommand."""
    makefile = MAKEFILE.read_text(encoding="utf-8")
    rows = re.findall(r"^\| `make ([a-z-]+)`[^|]*\| `([a-z-]+)[^`]*`", README, re.MULTILINE)
    assert len(rows) >= 12
    for target, command in rows:
        recipe = re.search(rf"^{target}:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
        assert recipe, f"no target {target} in the generated Makefile"
        runs = re.findall(r"^\t@?\$\(TOOLS\) ([a-z-]+)", recipe.group(1), re.MULTILINE)
        assert runs == [command], (target, recipe.group(1))
