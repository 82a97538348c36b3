"""HTTP reads from package indexes, bounded in time and in size whatever the server does.

Every read the tools make goes through `get`: the public index (the name guard), CodeArtifact's
PyPI endpoint (a release's probe and read-back, `doctor`). A socket timeout alone bounds each
wait, not the whole read: a server that sends one byte a second, or a page of gigabytes, would
hold a release job (and its AWS credentials) for hours. So each read has a total deadline and a
size cap, and credentials never follow a redirect off the index's origin.
"""

from __future__ import annotations

import codecs
import http.client
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

MAX_BYTES = 32 * 1024 * 1024  # a project page of the largest public projects is a few MiB
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Response:
    """What the index answered: HTTP status, content type and body (empty for an error status)."""

    status: int
    content_type: str = ""
    body: bytes = b""


class Unreachable(OSError):  # noqa: N818 - a state, like ConnectionRefusedError
    """No answer: refused, reset, not resolved, or not complete within the deadline; retryable."""


class BadAnswer(Exception):  # noqa: N818 - what the index did, like the other answers
    """An answer that is not one: not HTTP, cut short, too large, or a redirect off the origin."""


_TLS: list[ssl.SSLContext] = []
_TLS_LOCK = threading.Lock()


def _tls() -> ssl.SSLContext:
    """One TLS context for the process: loading the system's certificates once, not per read."""
    with _TLS_LOCK:
        if not _TLS:
            _TLS.append(ssl.create_default_context())
        return _TLS[0]


def warm_up() -> None:
    """Start preparing, in the background, what the first read needs, for reads that come later.

    OpenSSL parses the system's CA bundle for the TLS context (about 150 certificates; 20 to
    50 ms here) without holding the GIL, so it runs beside the caller's own start-up instead of
    before the first request; so does the import of the codec that resolving a host name needs.
    A read that comes first waits for the context (see _tls).
    """

    def prepare() -> None:
        codecs.lookup("idna")
        _tls()

    threading.Thread(target=prepare, daemon=True, name="read-warm-up").start()


def redact(url: str) -> str:
    """Drop credentials from a URL shown in messages."""
    parts = urllib.parse.urlsplit(url)
    if parts.username or parts.password:
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
        return urllib.parse.urlunsplit(parts._replace(netloc=netloc))
    return url


def origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port: the only place credentials for `url` may be sent."""
    parts = urllib.parse.urlsplit(url)
    port = parts.port or {"https": 443, "http": 80}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """With credentials, follow a redirect only within the index's origin.

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
        if self._authorization and origin(newurl) != self._origin:
            text = (
                f"the index at {redact(req.full_url)} redirected to {redact(newurl)}, outside its "
                "own origin (another host, port or scheme): the request was stopped there and "
                "the credentials were not sent"
            )
            raise BadAnswer(text)
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and self._authorization:
            new.add_unredirected_header("Authorization", self._authorization)
        return new


def get(
    url: str,
    *,
    headers: Mapping[str, str],
    timeout: float,
    authorization: str | None = None,
    limit: int = MAX_BYTES,
) -> Response:
    """GET `url`: its answer within `timeout` seconds in all and `limit` bytes of body.

    Raises Unreachable (worth a retry) or BadAnswer; an HTTP error status is a Response.
    """
    if not url.startswith(("https://", "http://")):
        msg = f"not an http(s) URL: {redact(url)}"
        raise BadAnswer(msg)
    deadline = time.monotonic() + timeout
    outcome: list[Response | Exception] = []

    def read() -> None:
        try:
            outcome.append(_read(url, headers, authorization, (deadline, timeout), limit))
        except Exception as error:  # noqa: BLE001 - handed to the caller's thread below
            outcome.append(error)

    # The read runs in a daemon thread, so the caller's wait ends at the deadline even while a
    # slow server keeps the socket busy; the thread gives up on its own soon after.
    worker = threading.Thread(target=read, daemon=True, name="bounded-read")
    worker.start()
    worker.join(timeout)
    if not outcome:
        raise Unreachable(_late(timeout))
    result = outcome[0]
    if isinstance(result, Exception):
        raise result
    return result


def _read(
    url: str,
    headers: Mapping[str, str],
    authorization: str | None,
    bound: tuple[float, float],
    limit: int,
) -> Response:
    deadline, timeout = bound
    request = urllib.request.Request(url, headers=dict(headers))  # noqa: S310 - http(s) checked by get()
    if authorization:
        request.add_unredirected_header("Authorization", authorization)
    opener = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=_tls()), _SameOriginRedirects(url, authorization)
    )
    wait = max(deadline - time.monotonic(), 0.05)
    try:
        with opener.open(request, timeout=wait) as response:
            kind = response.headers.get("Content-Type", "")
            return Response(response.status, kind, _body(response, deadline, limit))
    except urllib.error.HTTPError as error:
        return Response(error.code, error.headers.get("Content-Type", "") if error.headers else "")
    except http.client.RemoteDisconnected as error:
        raise Unreachable(str(error) or "the connection closed without an answer") from None
    except http.client.IncompleteRead as error:
        msg = f"the index cut its answer short ({len(error.partial)} bytes)"
        raise BadAnswer(msg) from None
    except http.client.HTTPException as error:
        msg = f"the index did not answer in HTTP ({type(error).__name__})"
        raise BadAnswer(msg) from None
    except (Unreachable, BadAnswer):
        raise
    except OSError as error:  # refused, reset, not resolved, timed out; URLError wraps them
        raise _no_answer(error, timeout) from None


def _no_answer(error: OSError, timeout: float) -> Unreachable:
    reason = getattr(error, "reason", error)
    if isinstance(reason, TimeoutError):
        return Unreachable(_late(timeout))
    return Unreachable(str(getattr(reason, "strerror", None) or reason))


def _late(timeout: float) -> str:
    return f"no answer within {timeout:g} s"


def _body(response: http.client.HTTPResponse, deadline: float, limit: int) -> bytes:
    """Read the body a piece at a time, stopping at the deadline or past the size cap."""
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            msg = "the index sent its answer too slowly: not complete within the deadline"
            raise Unreachable(msg)
        # read1: whatever one receive brings, so a drip-fed body cannot hold a read past the
        # deadline the way read(n), which waits for n bytes, would.
        chunk = response.read1(_CHUNK)
        if not chunk:
            if response.length:  # the server closed before the length it announced
                msg = f"the index cut its answer short ({size} bytes)"
                raise BadAnswer(msg)
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            msg = f"the index answered more than {limit // (1024 * 1024)} MiB: not a project page"
            raise BadAnswer(msg)
        chunks.append(chunk)
