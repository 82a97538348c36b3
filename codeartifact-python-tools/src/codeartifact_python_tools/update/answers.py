"""`DATA`, the answers an update changes: several in one string, and the rule copier refused one by.

`make update-template DATA="aws_account_id=111122223333 author_name=Globex Platform Team"` sets
two answers in one update. A new answer starts at a word `name=` (a question's name: letters,
digits, underscores), so a value may hold spaces without quotes; a value that holds such a word
itself is quoted, `description='Sets x=1 for you'`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from codeartifact_python_tools.update.errors import ExitCode, UpdateError

if TYPE_CHECKING:
    from collections.abc import Iterable

KEY = r"[A-Za-z_][A-Za-z0-9_]*"
# Where a value ends: before the next `name=`, or at the end.
_END = rf"(?=\s+{KEY}=|\s*\Z)"
_ANSWER = re.compile(
    rf"\s*(?P<key>{KEY})=(?:'(?P<single>.*?)'{_END}|\"(?P<double>.*?)\"{_END}|(?P<plain>.*?){_END})",
    re.DOTALL,
)
RULE = (
    'DATA is question=value answers separated by spaces, e.g. DATA="aws_account_id=111122223333 '
    'author_name=Globex Platform Team"; quote a value that holds a word like name= itself: '
    "description='Sets x=1 for you'"
)


def parse(text: str) -> list[tuple[str, str]]:
    """The (question, value) pairs DATA names, in its order; UpdateError with the rule if bad."""
    found: list[tuple[str, str]] = []
    position = 0
    while text[position:].strip():
        match = _ANSWER.match(text, position)
        if match is None:
            bad = text[position:].strip().split()[0]
            raise UpdateError(ExitCode.USAGE, f"{RULE}. `{bad}` is not question=value.")
        key = match.group("key")
        value = next(v for v in match.group("single", "double", "plain") if v is not None)
        if match.group("plain") is not None:
            value = value.strip()
            if value[:1] in {"'", '"'} and not (len(value) > 1 and value[-1] == value[0]):
                msg = f"{RULE}. The value of {key} starts with {value[0]} but does not end with it."
                raise UpdateError(ExitCode.USAGE, msg)
        if key.startswith("_"):
            msg = f"{key} is copier's own record, not a question: DATA changes answers only."
            raise UpdateError(ExitCode.USAGE, msg)
        found.append((key, value))
        position = match.end()
    return found


def parse_all(texts: Iterable[str]) -> list[str]:
    """Every `--data` given, each with one or more answers, as copier's `key=value` items."""
    pairs = [pair for text in texts for pair in parse(text)]
    keys = [key for key, _ in pairs]
    twice = sorted({key for key in keys if keys.count(key) > 1})
    if twice:
        msg = f"DATA gives {', '.join(twice)} twice: give each answer once."
        raise UpdateError(ExitCode.USAGE, msg)
    return [f"{key}={value}" for key, value in pairs]


def refusal(said: str, data: Iterable[str]) -> str:
    """The rule copier refused one of DATA's answers by, from what it printed; "" if none was."""
    keys = {item.partition("=")[0] for item in data}
    lines = said.splitlines()
    for number, line in enumerate(lines):
        text = line.strip()
        # copier before 9.17 (COPIER=...) ends a traceback with this line.
        wrapped = re.search(rf"Validation error for question '?({KEY})'?: (.+)", text)
        if wrapped:
            key, rule = wrapped.groups()
            return rule if rule.startswith(f"{key}:") else f"{key}: {rule}"
        key = text.partition(":")[0]
        if key in keys and text.startswith(f"{key}: "):
            # The template's rules name their question first; a long one runs on to a blank line.
            rest = []
            for following in lines[number + 1 :]:
                if not following.strip():
                    break
                rest.append(following.strip())
            return " ".join([text, *rest])
    return ""
