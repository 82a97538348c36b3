"""The console command: a run imports its own command's family only, and every command is listed."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest
from codeartifact_python_tools.cli import FAMILIES, parser


def registered(root: argparse.ArgumentParser) -> list[str]:
    """The subcommands a parser holds, in the order `--help` lists them."""
    (found,) = (a for a in root._actions if isinstance(a, argparse._SubParsersAction))  # noqa: SLF001 - argparse lists subcommands nowhere public
    return list(found.choices)


def test_every_command_is_registered_by_the_family_the_table_names() -> None:
    assert sorted(registered(parser())) == sorted(FAMILIES)
    for command, family in FAMILIES.items():
        same_family = sorted(name for name, owner in FAMILIES.items() if owner == family)
        assert sorted(registered(parser(command))) == same_family, command


@pytest.mark.parametrize("unknown", [None, "no-such-command"])
def test_no_command_or_an_unknown_one_gets_every_family(unknown: str | None) -> None:
    assert sorted(registered(parser(unknown))) == sorted(FAMILIES)


PROBE = """
import sys
from codeartifact_python_tools.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
families = ("doctor", "guard", "release", "update")
loaded = [f for f in families if f"codeartifact_python_tools.{f}.cli" in sys.modules]
sys.stderr.write(" ".join(loaded))
"""


def imported_families(*argv: str) -> set[str]:
    """The command families a fresh interpreter has imported after running `argv`."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, check=True, timeout=60
    )
    return set(done.stderr.split())


def test_a_command_imports_its_own_family_only() -> None:
    assert imported_families("check-name", "--help") == {"guard"}
    assert imported_families("update-template", "--help") == {"update"}
    assert imported_families("--help") == {"doctor", "guard", "release", "update"}
