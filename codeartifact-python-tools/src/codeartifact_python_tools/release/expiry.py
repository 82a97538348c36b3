"""When the stored CodeArtifact token expires: `make login` records it, `make doctor` reads it.

uv keeps the token itself; CodeArtifact tells its expiry only when handing it out, so `make login`
writes the expiry down here, per index service. Never the token: a short fingerprint of it only,
so a token stored some other way later is not mistaken for the recorded one. The file lives in the
user's state directory (XDG, like uv's own credential store under ~/.local/share/uv), outside
every project and git, readable by the user alone.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

TEMPLATE = "codeartifact-python-template"


def state_file(env: Mapping[str, str]) -> Path:
    """$XDG_STATE_HOME/codeartifact-python-template/tokens.json, or under ~/.local/state."""
    base = env.get("XDG_STATE_HOME", "")
    if not Path(base).is_absolute():  # the XDG spec: a relative path is to be ignored
        base = str(Path(env.get("HOME") or Path.home()) / ".local" / "state")
    return Path(base) / TEMPLATE / "tokens.json"


def fingerprint(token: str) -> str:
    """Enough of the token's SHA-256 to tell tokens apart; nothing to log in with."""
    return hashlib.sha256(token.encode()).hexdigest()[:16]


def record(env: Mapping[str, str], service: str, token: str, expires: datetime | None) -> str:
    """Write down when `token` for `service` expires; return a note if it could not be."""
    try:
        path = state_file(env)
    except RuntimeError as error:  # no HOME and no user entry to find it in
        return f"could not record the token's expiry: {error}"
    entries = _read(path)
    entries.pop(service, None)  # an unknown expiry must not leave the previous token's behind
    if expires is not None:
        when = expires.astimezone(timezone.utc).isoformat(timespec="seconds")
        entries[service] = {"expires": when, "fingerprint": fingerprint(token)}
    text = json.dumps(entries, indent=2, sort_keys=True) + "\n"
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        temporary.replace(path)  # whole or not at all, never a half-written file
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        return f"could not record the token's expiry in {path} ({error.strerror or error})"
    return ""


def recorded(env: Mapping[str, str], service: str, token: str) -> datetime | None:
    """When `token` expires, if `make login` stored it (None: stored another way, or unknown)."""
    try:
        entry = _read(state_file(env)).get(service)
    except RuntimeError:  # no HOME and no user entry to find it in
        return None
    if not isinstance(entry, dict) or entry.get("fingerprint") != fingerprint(token):
        return None
    try:
        return datetime.fromisoformat(str(entry.get("expires"))).astimezone(timezone.utc)
    except ValueError:
        return None


def _read(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
