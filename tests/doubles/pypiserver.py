"""A real pypiserver on 127.0.0.1 with authentication: CodeArtifact's PyPI endpoint in the tests.

CodeArtifact answers the simple API under `.../pypi/<repo>/simple/` and takes uploads at
`.../pypi/<repo>/`, with the user `aws` and a token as the password. pypiserver does the same at
`/simple/` and `/`, with every action (list, download, upload) behind basic auth, and refuses an
existing file with 409 like CodeArtifact does. RefusingIndex answers uploads with the refusals
pypiserver cannot give (403 for a missing permission, 404 for an expired token, 409 upstream).
"""

from __future__ import annotations

import contextlib
import http
import http.server
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from passlib.apache import HtpasswdFile

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

USERNAME = "aws"
_START_TIMEOUT = 15.0


def free_port() -> int:
    """A port on 127.0.0.1 nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def closed_index_url() -> str:
    """A simple-index URL on 127.0.0.1 that nothing answers: an index that cannot be reached."""
    return f"http://127.0.0.1:{free_port()}/simple/"


@dataclass
class PypiServer:
    """A running pypiserver: its URLs, its package directory, and the password of user `aws`."""

    port: int
    packages: Path
    password: str
    log: Path
    _process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """The simple index URL, as in `[[tool.uv.index]] url`."""
        return f"http://127.0.0.1:{self.port}/simple/"

    @property
    def upload_url(self) -> str:
        """The upload URL, as in `[[tool.uv.index]] publish-url`."""
        return f"http://127.0.0.1:{self.port}/"

    def files(self) -> list[str]:
        """Names of the distribution files the index holds, sorted."""
        return sorted(p.name for p in self.packages.iterdir() if p.is_file())

    @classmethod
    @contextlib.contextmanager
    def running(cls, workdir: Path, password: str) -> Iterator[PypiServer]:
        """Start pypiserver in `workdir` (packages/, htpasswd, log) and always stop it."""
        packages = workdir / "packages"
        packages.mkdir(parents=True, exist_ok=True)
        htpasswd = HtpasswdFile(str(workdir / "htpasswd"), new=True)
        htpasswd.set_password(USERNAME, password)
        htpasswd.save()
        server = cls(port=free_port(), packages=packages, password=password, log=workdir / "log")
        server.start()
        try:
            yield server
        finally:
            server.stop()

    def start(self) -> None:
        """Start (or restart, on the same port) and wait until the server answers."""
        command = [
            *(sys.executable, "-m", "pypiserver"),
            *("run", "-p", str(self.port), "-i", "127.0.0.1"),
            *("-P", str(self.packages.parent / "htpasswd"), "-a", "update,download,list"),
            # Each request's path in the log: tests check what was asked, and what never was.
            *("-v", "--log-req-frmt", "request %(bottle.request.path)s"),
            *("--disable-fallback", str(self.packages)),
        ]
        with self.log.open("ab") as log:
            self._process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        deadline = time.monotonic() + _START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._process = None
                msg = f"pypiserver exited at start-up: {self.log.read_text(errors='replace')}"
                raise RuntimeError(msg)
            if self._answers():
                return
            time.sleep(0.05)
        self.stop()
        msg = f"pypiserver did not answer on port {self.port} within {_START_TIMEOUT} s"
        raise RuntimeError(msg)

    def stop(self) -> None:
        """Stop the server if it runs; the port is closed when this returns."""
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

    @contextlib.contextmanager
    def stopped(self) -> Iterator[None]:
        """Stop the server for the duration of the block: an unreachable index."""
        self.stop()
        try:
            yield
        finally:
            self.start()

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.upload_url}health", timeout=1) as response:  # noqa: S310 - a local http URL we built
                return bool(response.status == 200)
        except (OSError, urllib.error.URLError):
            return False


@dataclass
class RefusingIndex:
    """An index that lists nothing and answers every upload with one status and body.

    It stands for CodeArtifact's refusals pypiserver cannot produce: 403 for a role without
    codeartifact:PublishPackageVersion, 404 for an expired token, 409 for a version that exists in
    the external connection, 503 for a service that is down.
    """

    status: int
    body: str
    uploads: list[str] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        """The simple index URL."""
        return f"http://127.0.0.1:{self.port}/simple/"

    @classmethod
    @contextlib.contextmanager
    def running(cls, status: int, body: str = "") -> Iterator[RefusingIndex]:
        """Serve on a free port of 127.0.0.1 in a thread; always shut down."""
        index = cls(status, body)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _refusing_handler(index))
        index.port = server.server_address[1]
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield index
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)


def _refusing_handler(index: RefusingIndex) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - base signature
            """Keep the test output clean."""

        def do_GET(self) -> None:
            """No project is listed: the check URL finds nothing to skip."""
            self._send(404, "Not Found")

        def do_POST(self) -> None:
            """Every upload is refused the same way."""
            length = int(self.headers.get("Content-Length", "0"))
            self.rfile.read(length)
            index.uploads.append(self.path)
            self._send(index.status, index.body or http.HTTPStatus(index.status).phrase)

        def _send(self, status: int, text: str) -> None:
            body = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler
