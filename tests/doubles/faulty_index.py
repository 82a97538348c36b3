"""An index on 127.0.0.1 that misbehaves on purpose: one fault per server, for the fault table.

It speaks raw bytes over TCP so that it can also break HTTP itself. Every request it sees is
recorded with its headers, so a test can tell whether a token was sent where it must not go.

Faults:
- ``garbage``: bytes that are not HTTP, then the connection closes.
- ``broken-json``: 200 with the simple API's JSON content type and a JSON document cut in half.
- ``html-error``: 200 with an HTML page that lists no file (a proxy's sign-in or error page).
- ``truncated``: 200 announcing 4096 bytes, sending 40, then closing.
- ``silence``: reads the request and never answers (until the server stops).
- ``expired``: 401 to every request, as an index answers an expired token.
- ``redirect``: 302 to ``redirect_to`` (another origin), for every request.
- ``stall-upload``: a project page answers 404 (nothing published yet), an upload (POST) gets
  no answer at all, its body never read.
- ``drip``: 200 with a whole page announced, then one byte every tenth of a second: each read
  gets an answer in time, the whole never comes.
- ``giant``: 200 announcing a 2 GiB page of file links, sent as fast as the client reads it.
"""

from __future__ import annotations

import contextlib
import socketserver
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from tests.doubles.local_server import LocalServer

if TYPE_CHECKING:
    import socket
    from collections.abc import Iterator

FAULTS = (
    "garbage",
    "broken-json",
    "html-error",
    "truncated",
    "silence",
    "expired",
    "redirect",
    "stall-upload",
    "drip",
    "giant",
)
GIANT = 2 * 1024**3  # bytes the giant page announces


@dataclass
class Seen:
    """One request as the server read it."""

    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    index: FaultyIndex


def _reply(status: str, kind: str, body: bytes, length: int = -1, extra: str = "") -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Type: {kind}\r\n"
    head += f"Content-Length: {len(body) if length < 0 else length}\r\nConnection: close\r\n"
    head += f"{extra}\r\n" if extra else ""
    return head.encode() + b"\r\n" + body


class _Handler(socketserver.BaseRequestHandler):
    request: socket.socket
    server: _Server
    _REPLIES: ClassVar[dict[str, bytes]] = {
        "garbage": b"\x00\x01\x02 SSH-2.0-not-http \xff\xfe\r\n\r\n",
        "broken-json": _reply(
            "200 OK", "application/vnd.pypi.simple.v1+json", b'{"name": "x", "files": ['
        ),
        "html-error": _reply(
            "200 OK", "text/html", b"<html><body><h1>Sign in to continue</h1></body></html>\n"
        ),
        "truncated": _reply(
            "200 OK", "text/html", b'<html><body><a href="x-1.0.tar.gz">x-1.0.tar.gz</a>', 4096
        ),
        "expired": _reply("401 Unauthorized", "text/plain", b"", extra="WWW-Authenticate: Basic"),
        "not-found": _reply("404 Not Found", "text/plain", b""),
    }

    def handle(self) -> None:
        index = self.server.index
        self.request.settimeout(30)
        seen = self._read_head()
        if seen is None:
            return
        with index.lock:
            index.seen.append(seen)
        fault = index.fault
        if fault == "silence" or (fault == "stall-upload" and seen.method == "POST"):
            index.stopped.wait(60)  # never answer; the client's timeout ends it
            return
        if fault in {"drip", "giant"}:
            with contextlib.suppress(OSError):
                self._stream(fault)
            return
        if fault == "stall-upload":
            reply = self._REPLIES["not-found"]
        elif fault == "redirect":
            target = index.redirect_to.rstrip("/") + seen.path
            reply = (
                f"HTTP/1.1 302 Found\r\nLocation: {target}\r\nContent-Length: 0\r\n"
                "Connection: close\r\n\r\n"
            ).encode()
        else:
            reply = self._REPLIES[fault]
        with contextlib.suppress(OSError):
            self.request.sendall(reply)

    def _stream(self, fault: str) -> None:
        """Send a page that never ends in time (drip) or in size (giant), until stopped."""
        index = self.server.index
        line = b'<a href="x-1.0.tar.gz">x-1.0.tar.gz</a>\n'
        size = GIANT if fault == "giant" else 4096
        head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {size}\r\n\r\n"
        self.request.sendall(head.encode())
        if fault == "drip":
            for byte in (line * 100)[:size]:
                if index.stopped.wait(0.1):
                    return
                self.request.sendall(bytes([byte]))
            return
        block, sent = line * (65536 // len(line)), 0
        while sent < size and not index.stopped.is_set():
            self.request.sendall(block)
            sent += len(block)

    def _read_head(self) -> Seen | None:
        data = b""
        with contextlib.suppress(OSError):
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = self.request.recv(4096)
                if not chunk:
                    break
                data += chunk
        if b"\r\n" not in data:
            return None
        lines = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        method, path = ([*lines[0].split(" "), "", ""])[:2]
        headers = {}
        for line in lines[1:]:
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        return Seen(method, path, headers)


class FaultyIndex(LocalServer):
    """A misbehaving index; use `FaultyIndex.running(fault)`, which always stops it."""

    def __init__(self, fault: str, redirect_to: str = "") -> None:
        if fault not in FAULTS:
            msg = f"unknown fault {fault!r}: one of {', '.join(FAULTS)}"
            raise ValueError(msg)
        self.fault = fault
        self.redirect_to = redirect_to
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        server = _Server(("127.0.0.1", 0), _Handler)
        server.index = self
        super().__init__(server)

    @classmethod
    @contextlib.contextmanager
    def running(cls, fault: str, redirect_to: str = "") -> Iterator[FaultyIndex]:
        """Serve the fault for the duration of the block."""
        index = cls(fault, redirect_to)
        with index.serving():
            try:
                yield index
            finally:
                index.stopped.set()  # release the handlers that hold a connection open

    def authorizations(self) -> list[str]:
        """The Authorization headers received, one per request that carried one."""
        with self.lock:
            return [s.headers["authorization"] for s in self.seen if "authorization" in s.headers]
