"""A fake `gh` for the drift check's pull requests: it records each call and keeps open PRs.

`GhDouble.install(bin_dir)` writes an executable `gh` that runs `cli_main` below. The state (calls
made, pull requests open) is one JSON file named by GH_DOUBLE_STATE, so a test reads what the
code under test asked GitHub for. It answers the few commands the drift check uses, as the real
`gh` prints them: `pr list --json number --jq '.[].number'` (the numbers, or nothing),
`pr create` (the URL), `pr edit`, `label create`, `auth setup-git`.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

STATE_ENV = "GH_DOUBLE_STATE"
REPOSITORY = "acme/acme-widgets"


class GhDouble:
    """The state file, and the executable that serves it."""

    def __init__(self, state_file: Path) -> None:
        """Start with no calls and no pull requests."""
        self.state_file = state_file
        self._save({"calls": [], "pulls": []})

    def _save(self, state: dict[str, Any]) -> None:
        self.state_file.write_text(json.dumps(state), encoding="utf-8")

    @property
    def calls(self) -> list[list[str]]:
        """Every command line `gh` was called with, in order."""
        return list(json.loads(self.state_file.read_text(encoding="utf-8"))["calls"])

    @property
    def pulls(self) -> list[dict[str, Any]]:
        """The pull requests opened so far."""
        return list(json.loads(self.state_file.read_text(encoding="utf-8"))["pulls"])

    def install(self, bin_dir: Path) -> Path:
        """Write an executable `gh` into `bin_dir`; return its path."""
        bin_dir.mkdir(parents=True, exist_ok=True)
        gh = bin_dir / "gh"
        gh.write_text(
            f"#!{sys.executable}\n"
            "import sys\n"
            f"sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})\n"
            "import gh\n"
            "sys.exit(gh.cli_main(sys.argv[1:]))\n",
            encoding="utf-8",
        )
        gh.chmod(gh.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        return gh

    def env(self) -> dict[str, str]:
        """The environment variables the fake `gh` needs."""
        return {STATE_ENV: str(self.state_file)}


def _option(args: list[str], name: str) -> str:
    return args[args.index(name) + 1] if name in args else ""


def cli_main(args: list[str]) -> int:
    """Serve one `gh` command from the state file."""
    path = Path(os.environ[STATE_ENV])
    state = json.loads(path.read_text(encoding="utf-8"))
    state["calls"].append(args)
    code, out = 0, ""
    open_pulls = [p for p in state["pulls"] if p["state"] == "open"]
    if args[:2] == ["pr", "list"]:
        head = _option(args, "--head")
        numbers = [p["number"] for p in open_pulls if p["head"] == head]
        out = f"{numbers[0]}\n" if numbers else ""
    elif args[:2] == ["pr", "create"]:
        number = len(state["pulls"]) + 1
        body = Path(_option(args, "--body-file")).read_text(encoding="utf-8")
        state["pulls"].append(
            {
                "number": number,
                "state": "open",
                "head": _option(args, "--head"),
                "base": _option(args, "--base"),
                "title": _option(args, "--title"),
                "label": _option(args, "--label"),
                "body": body,
            }
        )
        out = f"https://github.com/{REPOSITORY}/pull/{number}\n"
    elif args[:2] == ["pr", "edit"]:
        for pull in state["pulls"]:
            if str(pull["number"]) == args[2]:
                pull["title"] = _option(args, "--title")
                pull["body"] = Path(_option(args, "--body-file")).read_text(encoding="utf-8")
    elif args[:2] not in (["label", "create"], ["auth", "setup-git"]):
        sys.stderr.write(f"gh double: unknown command {args[:2]}\n")
        code = 1
    path.write_text(json.dumps(state), encoding="utf-8")
    sys.stdout.write(out)
    return code
