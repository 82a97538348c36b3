"""The package index (CodeArtifact's PyPI endpoint): uv's credentials, and what the index lists."""

from __future__ import annotations

import base64
import os
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from scripts.name_guard import lookups
from scripts.release.errors import ExitCode, ReleaseError
from scripts.release.settings import PASSWORD_VARIABLE, USERNAME, USERNAME_VARIABLE, Settings
from scripts.release.tools import output, run

_ACCEPT = "application/vnd.pypi.simple.v1+json, text/html;q=0.1"
TIMEOUT = 10.0


@dataclass(frozen=True)
class Credentials:
    """What uv will send to the index; the password stays out of repr and messages."""

    username: str
    password: str = field(repr=False)
    source: str


def find_credentials(settings: Settings) -> Credentials | None:
    """Find the credentials uv uses for the index: the environment first, then uv's store."""
    password = os.environ.get(PASSWORD_VARIABLE, "")
    if password:
        username = os.environ.get(USERNAME_VARIABLE, "") or USERNAME
        return Credentials(username, password, f"the environment ({PASSWORD_VARIABLE})")
    process = run(["uv", "auth", "token", "--username", USERNAME, settings.service], timeout=30)
    if process.returncode == 0 and process.stdout.strip():
        return Credentials(USERNAME, process.stdout.strip(), "uv's credential store")
    return None


def store_credentials(settings: Settings, token: str) -> None:
    """Give the token to uv's credential store, through stdin: never on a command line."""
    args = ["uv", "auth", "login", "--username", USERNAME, "--password", "-", settings.service]
    process = run(args, stdin=token, timeout=30)
    if process.returncode != 0:
        msg = f"`uv auth login` could not store the token: {output(process)}"
        raise ReleaseError(ExitCode.FAILED, msg.replace(token, "***"))


@dataclass(frozen=True)
class Listing:
    """The answer of the index for one project: HTTP status and the file names it lists."""

    status: int
    files: frozenset[str]


def fetch_listing(url: str, credentials: Credentials | None) -> Listing:
    """GET a project's simple-API page (PEP 691 JSON or PEP 503 HTML); OSError if unreachable."""
    if not url.startswith(("https://", "http://")):
        msg = f"Not an http(s) index URL: {url}"
        raise ReleaseError(ExitCode.CONFIG, msg)
    request = urllib.request.Request(url, headers={"Accept": _ACCEPT})  # noqa: S310 - scheme checked above
    if credentials is not None:
        pair = f"{credentials.username}:{credentials.password}".encode()
        request.add_header("Authorization", f"Basic {base64.b64encode(pair).decode()}")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - scheme checked above
            body = response.read().decode("utf-8", "replace")
            kind = response.headers.get("Content-Type", "")
            return Listing(response.status, frozenset(lookups.file_names(body, kind)))
    except urllib.error.HTTPError as error:
        return Listing(error.code, frozenset())
