"""The package index (CodeArtifact's PyPI endpoint): uv's credentials, and what the index lists."""

from __future__ import annotations

import base64
import http.client
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from scripts.name_guard import lookups
from scripts.release.errors import ExitCode, ReleaseError
from scripts.release.settings import (
    PASSWORD_VARIABLE,
    USERNAME,
    USERNAME_VARIABLE,
    Settings,
    seconds,
)
from scripts.release.tools import output, run

if TYPE_CHECKING:
    from collections.abc import Mapping

_ACCEPT = "application/vnd.pypi.simple.v1+json, text/html;q=0.1"
TIMEOUT = 10.0  # seconds a read from the index may stay silent (RELEASE_HTTP_TIMEOUT)
TIMEOUT_VARIABLE = "RELEASE_HTTP_TIMEOUT"


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


def http_timeout(environ: Mapping[str, str] | None = None) -> float:
    """Seconds one read from the index may stay silent: RELEASE_HTTP_TIMEOUT, default 10."""
    return seconds(TIMEOUT_VARIABLE, TIMEOUT, (0.5, 120.0), environ)


def origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port: the only place credentials for `url` may be sent."""
    parts = urllib.parse.urlsplit(url)
    port = parts.port or {"https": 443, "http": 80}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only within the index's origin; never carry the token elsewhere.

    urllib copies headers added with `add_header` onto a redirected request, to any host and
    from https to http. Credentials are added with `add_unredirected_header`, so urllib drops
    them on every redirect; this handler puts them back for the same origin only, and refuses a
    redirect that leaves it (another host, another port, or https to http).
    """

    def __init__(self, start: str, authorization: str | None) -> None:
        super().__init__()
        self._origin = origin(start)
        self._authorization = authorization

    def redirect_request(  # noqa: PLR0913, PLR0917 - urllib's signature
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        """Build the redirected request, or refuse one that leaves the index's origin."""
        if origin(newurl) != self._origin:
            shown = lookups.redact(newurl)
            msg = (
                f"The index at {lookups.redact(req.full_url)} redirected to {shown}, outside its "
                "own origin (another host, port or scheme): the request was stopped there and "
                "the token was not sent. Check CODEARTIFACT_INDEX_URL and your network "
                "(a proxy or captive portal answering for the index)."
            )
            raise ReleaseError(ExitCode.BAD_ANSWER, msg)
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and self._authorization:
            new.add_unredirected_header("Authorization", self._authorization)
        return new


def fetch_listing(url: str, credentials: Credentials | None) -> Listing:
    """GET a project's simple-API page (PEP 691 JSON or PEP 503 HTML); OSError if unreachable.

    A reply that is not a simple-API page (not HTTP, broken JSON, a truncated body, an HTML
    page without a single file link, a redirect off the index) is a ReleaseError BAD_ANSWER.
    """
    if not url.startswith(("https://", "http://")):
        msg = f"Not an http(s) index URL: {url}"
        raise ReleaseError(ExitCode.CONFIG, msg)
    request = urllib.request.Request(url, headers={"Accept": _ACCEPT})  # noqa: S310 - scheme checked above
    authorization = None
    if credentials is not None:
        pair = f"{credentials.username}:{credentials.password}".encode()
        authorization = f"Basic {base64.b64encode(pair).decode()}"
        request.add_unredirected_header("Authorization", authorization)
    opener = urllib.request.build_opener(_SameOriginRedirects(url, authorization))
    shown = lookups.redact(url)
    try:
        with opener.open(request, timeout=http_timeout()) as response:
            body = response.read()
            kind = response.headers.get("Content-Type", "")
            status = response.status
    except urllib.error.HTTPError as error:
        return Listing(error.code, frozenset())
    except http.client.RemoteDisconnected:
        raise  # an OSError too: the connection dropped before any answer, worth a retry
    except http.client.IncompleteRead as error:
        msg = f"The index at {shown} cut its answer short ({len(error.partial)} bytes): try again."
        raise ReleaseError(ExitCode.BAD_ANSWER, msg) from None
    except http.client.HTTPException as error:
        msg = (
            f"The index at {shown} did not answer in HTTP ({type(error).__name__}): check "
            "CODEARTIFACT_INDEX_URL; something else listens there."
        )
        raise ReleaseError(ExitCode.BAD_ANSWER, msg) from None
    return Listing(status, frozenset(_file_names(body, kind, shown)))


def _file_names(body: bytes, kind: str, shown: str) -> list[str]:
    text = body.decode("utf-8", "replace")
    try:
        names = lookups.file_names(text, kind)
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
    return names
