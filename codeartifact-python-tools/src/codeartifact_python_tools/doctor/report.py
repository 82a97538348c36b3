"""Report lines: a mark, what was found, and for a problem the command that fixes it."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Mark(enum.Enum):
    """How a check came out; only FAIL makes `make doctor` exit non-zero."""

    OK = ("✓", "ok")
    FAIL = ("✗", "FAIL")  # blocks `make check` or a release
    WARN = ("!", "warn")  # worth fixing, blocks nothing
    UNKNOWN = ("?", "??")  # could not check (offline, a tool missing): blocks nothing

    def symbol(self, *, unicode: bool) -> str:
        """The mark as printed: a symbol, or a word where the terminal cannot show it."""
        return self.value[0] if unicode else self.value[1]


@dataclass(frozen=True)
class Line:
    """One finding. `fix` is a command to run, given for FAIL and WARN."""

    mark: Mark
    text: str
    fix: str = ""


def ok(text: str) -> Line:
    """A check that passed."""
    return Line(Mark.OK, text)


def fail(text: str, fix: str) -> Line:
    """A problem that blocks `make check` or a release, and its fix."""
    return Line(Mark.FAIL, text, fix)


def warn(text: str, fix: str) -> Line:
    """A problem that blocks nothing yet, and its fix."""
    return Line(Mark.WARN, text, fix)


def unknown(text: str) -> Line:
    """Something that could not be checked, and why."""
    return Line(Mark.UNKNOWN, text)


def render(lines: list[Line], *, unicode: bool) -> str:
    """The report: one line per finding, its fix indented below, then a summary."""
    out = []
    for line in lines:
        out.append(f"{line.mark.symbol(unicode=unicode)} {line.text}")
        if line.fix and line.mark in {Mark.FAIL, Mark.WARN}:
            out.append(f"    fix: {line.fix}")
    failed = sum(line.mark is Mark.FAIL for line in lines)
    unchecked = sum(line.mark is Mark.UNKNOWN for line in lines)
    if failed:
        summary = f"{failed} problem(s) block `make check` or a release: run the fixes above."
    else:
        summary = "Nothing blocks `make check` or a release."
    if unchecked:
        summary += f" {unchecked} check(s) could not run (offline or a tool missing): see `?`."
    out.append(summary)
    return "\n".join(out) + "\n"


def exit_code(lines: list[Line]) -> int:
    """1 when anything blocks `make check` or a release, else 0."""
    return int(any(line.mark is Mark.FAIL for line in lines))
