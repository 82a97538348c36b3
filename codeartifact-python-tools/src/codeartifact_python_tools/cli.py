"""The command line: one subcommand per tool, and the one place errors become an exit code."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from typing import TYPE_CHECKING

from codeartifact_python_tools import __version__
from codeartifact_python_tools.commands import say
from codeartifact_python_tools.doctor import cli as doctor_cli
from codeartifact_python_tools.errors import ToolError
from codeartifact_python_tools.guard import cli as guard_cli
from codeartifact_python_tools.release import cli as release_cli
from codeartifact_python_tools.update import cli as update_cli

if TYPE_CHECKING:
    from collections.abc import Sequence

PROG = "codeartifact-python-tools"
DEBUG_VARIABLE = "TOOLS_DEBUG"
EPILOG = f"""\
Each command has its own exit codes: `{PROG} COMMAND --help`. A generated project runs these
through its Makefile (`make doctor`, `make publish`, ...), which sets the project's settings.
{DEBUG_VARIABLE}=1 shows the traceback of an unexpected error.
"""


def parser() -> argparse.ArgumentParser:
    """The whole command line, every subcommand with its own help and exit codes."""
    root = argparse.ArgumentParser(
        prog=PROG,
        description="The tools of a library made from codeartifact-python-template.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    root.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    root.set_defaults(timeout_exit=1, interrupted="Interrupted.")
    commands = root.add_subparsers(required=True, metavar="COMMAND")
    for family in (doctor_cli, guard_cli, release_cli, update_cli):
        family.register(commands)
    for command in commands.choices.values():
        command.formatter_class = argparse.RawDescriptionHelpFormatter
    return root


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code."""
    arguments = parser().parse_args(argv)
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
