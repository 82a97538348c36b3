"""The package index (CodeArtifact's PyPI endpoint): uv's credentials, and what the index lists."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from codeartifact_python_tools import fetch, simple_api
from codeartifact_python_tools.commands import output
from codeartifact_python_tools.release.errors import ExitCode, ReleaseError
from codeartifact_python_tools.release.settings import (
    PASSWORD_VARIABLE,
    USERNAME,
    USERNAME_VARIABLE,
    Settings,
    seconds,
)
from codeartifact_python_tools.release.tools import run

if TYPE_CHECKING:
    from collections.abc import Mapping

TIMEOUT = 10.0  # seconds a read from the index may stay silent (RELEASE_HTTP_TIMEOUT)
TIMEOUT_VARIABLE = "RELEASE_HTTP_TIMEOUT"


@dataclass(frozen=True)
class Credentials:
    """What uv will send to the index; the password stays out of repr and messages."""

    username: str
    password: str = field(repr=False)
    source: str


def find_credentials(settings: Settings) -> Credentials | None:
    """Find the credentials uv uses for the index: the environment first, then uv's store.

    The index's own variables first (UV_INDEX_CODEARTIFACT_STAGING_PASSWORD for staging), then
    the release repository's: a CodeArtifact token serves every repository of its domain.
    """
    for username_variable, password_variable in dict.fromkeys(
        [
            (settings.username_variable, settings.password_variable),
            (USERNAME_VARIABLE, PASSWORD_VARIABLE),
        ]
    ):
        password = os.environ.get(password_variable, "")
        if password:
            username = os.environ.get(username_variable, "") or USERNAME
            return Credentials(username, password, f"the environment ({password_variable})")
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
    """The answer of the index for one project: status, file names, and their SHA-256.

    A file's hash is there when the page gives one (CodeArtifact's and pypiserver's do).
    """

    status: int
    files: frozenset[str]
    hashes: Mapping[str, str] = field(default_factory=dict)


def http_timeout(environ: Mapping[str, str] | None = None) -> float:
    """Seconds one read from the index may take in all: RELEASE_HTTP_TIMEOUT, default 10."""
    return seconds(TIMEOUT_VARIABLE, TIMEOUT, (0.5, 120.0), environ)


def authorization(credentials: Credentials | None) -> str | None:
    """The Authorization header for the credentials, if any."""
    if credentials is None:
        return None
    pair = f"{credentials.username}:{credentials.password}".encode()
    return f"Basic {base64.b64encode(pair).decode()}"


def fetch_listing(url: str, credentials: Credentials | None) -> Listing:
    """GET a project's simple-API page (PEP 691 JSON or PEP 503 HTML); OSError if unreachable.

    The read is bounded in time (RELEASE_HTTP_TIMEOUT in all) and size (fetch.MAX_BYTES). A reply
    that is not a simple-API page (not HTTP, broken JSON, a truncated or oversized body, an HTML
    page without a single file link, a redirect off the index) is a ReleaseError BAD_ANSWER.
    """
    if not url.startswith(("https://", "http://")):
        msg = f"Not an http(s) index URL: {url}"
        raise ReleaseError(ExitCode.CONFIG, msg)
    shown = fetch.redact(url)
    try:
        answer = fetch.get(
            url,
            headers={"Accept": simple_api.ACCEPT},
            timeout=http_timeout(),
            authorization=authorization(credentials),
        )
    except fetch.BadAnswer as error:
        msg = (
            f"The index at {shown} gave no usable answer: {error}. Check CODEARTIFACT_INDEX_URL "
            "and your network (a proxy or captive portal answering for the index), then try again."
        )
        raise ReleaseError(ExitCode.BAD_ANSWER, msg) from None
    if answer.status != 200:  # noqa: PLR2004 - HTTP OK
        return Listing(answer.status, frozenset())
    names, hashes = _file_names(answer.body, answer.content_type, shown)
    return Listing(answer.status, frozenset(names), hashes)


def _file_names(body: bytes, kind: str, shown: str) -> tuple[list[str], dict[str, str]]:
    text = body.decode("utf-8", "replace")
    try:
        names, hashes = simple_api.listed_files(text, kind)
    except (ValueError, AttributeError, TypeError):
        msg = f"The index at {shown} answered broken JSON ({kind}): try again later."
        raise ReleaseError(ExitCode.BAD_ANSWER, msg) from None
    if not names and "json" not in kind and "<a " not in text.lower():
        first = " ".join(text.split())[:80]
        msg = (
            f"The index at {shown} answered a page that is not a package listing "
            f"({kind or 'no content type'}: {first!r}): an error or sign-in page from a proxy? "
            "Check your network and CODEARTIFACT_INDEX_URL."
        )
        raise ReleaseError(ExitCode.BAD_ANSWER, msg)
    return names, hashes
