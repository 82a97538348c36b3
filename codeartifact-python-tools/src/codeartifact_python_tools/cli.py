"""The command line: one subcommand per tool, and the one place errors become an exit code."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from importlib import import_module
from typing import TYPE_CHECKING

from codeartifact_python_tools import __version__
from codeartifact_python_tools.commands import say
from codeartifact_python_tools.errors import ToolError

if TYPE_CHECKING:
    from collections.abc import Sequence

PROG = "codeartifact-python-tools"
DEBUG_VARIABLE = "TOOLS_DEBUG"
EPILOG = f"""\
Each command has its own exit codes: `{PROG} COMMAND --help`. A generated project runs these
through its Makefile (`make doctor`, `make publish`, ...), which sets the project's settings.
{DEBUG_VARIABLE}=1 shows the traceback of an unexpected error.
"""


# Each command's family: the module that registers and runs it. A run imports only its own
# command's family (a `make check-name` skips about 50 ms of the others' imports); `--help`, no
# command or an unknown one get every family, so argparse lists them all.
RELEASE = (
    "login",
    "bump",
    "build",
    "publish",
    "stage",
    "smoke",
    "promote",
    "notes",
    "github-release",
)
FAMILIES = {
    "doctor": "doctor",
    "check-name": "guard",
    "protect-name": "guard",
    **dict.fromkeys(RELEASE, "release"),
    "update-template": "update",
    "template-drift": "update",
}


def parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line: `command`'s family alone, or every subcommand when it names none.

    Each subcommand has its own help and exit codes.
    """
    root = argparse.ArgumentParser(
        prog=PROG,
        description="The tools of a library made from codeartifact-python-template.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    root.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    root.set_defaults(timeout_exit=1, interrupted="Interrupted.")
    commands = root.add_subparsers(required=True, metavar="COMMAND")
    families = [FAMILIES[command]] if command in FAMILIES else sorted(set(FAMILIES.values()))
    for family in families:
        import_module(f"codeartifact_python_tools.{family}.cli").register(commands)
    for subcommand in commands.choices.values():
        subcommand.formatter_class = argparse.RawDescriptionHelpFormatter
    return root


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code."""
    given = sys.argv[1:] if argv is None else list(argv)
    # The root's own options (--help, --version) take no value: the first word is the command.
    command = next((word for word in given if not word.startswith("-")), None)
    arguments = parser(command).parse_args(given)
    try:
        return int(arguments.handler(arguments) or 0)
    except ToolError as error:
        say(f"error: {error.message}")
        return error.code
    except subprocess.TimeoutExpired as error:
        command = " ".join(map(str, error.cmd[:3])) if isinstance(error.cmd, list) else error.cmd
        say(
            f"error: `{command}` did not finish within {error.timeout:g} s; check your network, "
            "then try again."
        )
        return int(arguments.timeout_exit)
    except KeyboardInterrupt:
        say(arguments.interrupted)
        return 130
    except Exception as error:
        # The known failures have their own messages; anything else is one line here, and the
        # traceback only when asked for.
        if os.environ.get(DEBUG_VARIABLE):
            raise
        say(
            f"error: unexpected {type(error).__name__}: {error}. Re-run with {DEBUG_VARIABLE}=1 "
            "for the traceback, and report it with that output."
        )
        return 1
    finally:
        sys.stdout.flush()
