"""Merge the organisation's answers (org/copier-settings.yml) into copier's user settings file.

Run once per laptop, through `make org-laptop`. copier reads that file on every `copier copy`:
its `defaults:` become the prompts' defaults and its `trust:` lets the template run its name guard
without `--trust`. Other settings in the file are kept; the organisation's keys win.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import yaml
from platformdirs import user_config_path

ORG_SETTINGS = Path(__file__).resolve().parent / "copier-settings.yml"


def settings_path(environ: dict[str, str] | os._Environ[str]) -> Path:
    """Where copier reads its settings: COPIER_SETTINGS_PATH, else the user config directory."""
    chosen = environ.get("COPIER_SETTINGS_PATH", "")
    # The same default copier uses (copier/_settings.py): <user config dir>/copier/settings.yml.
    return Path(chosen) if chosen else user_config_path("copier", appauthor=False) / "settings.yml"


def merge(current: dict[str, Any], org: dict[str, Any]) -> dict[str, Any]:
    """Return the user's settings with the organisation's defaults and trusted URLs added."""
    merged = dict(current)
    merged["defaults"] = {**(current.get("defaults") or {}), **(org.get("defaults") or {})}
    trust = list(current.get("trust") or [])
    trust += [url for url in org.get("trust") or [] if url not in trust]
    merged["trust"] = trust
    return merged


def _load(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        msg = f"{path} is not a YAML mapping: fix or move it, then run `make org-laptop` again."
        raise TypeError(msg)
    return data


def main(argv: list[str]) -> int:
    """Merge the file named on the command line (default org/copier-settings.yml); say where."""
    source = Path(argv[0]) if argv else ORG_SETTINGS
    target = settings_path(os.environ)
    if not source.is_file():
        sys.stderr.write(f"error: {source} does not exist: the organisation's answers go there.\n")
        return 1
    try:
        merged = merge(_load(target), _load(source))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(yaml.safe_dump(merged, sort_keys=False), encoding="utf-8")
    except (OSError, TypeError, yaml.YAMLError) as error:
        sys.stderr.write(f"error: {error}\n")
        return 1
    names = ", ".join(merged["defaults"])
    sys.stdout.write(
        f"copier settings written to {target}: defaults for {names}; trusted: "
        f"{', '.join(merged['trust'])}. `copier copy` now offers them without --trust.\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
