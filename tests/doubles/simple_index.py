"""A local simple index (PEP 503 HTML, PEP 691 JSON) standing in for the public upstream."""

from __future__ import annotations

import hashlib
import html
import json
import re
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, ClassVar, Literal

from tests.doubles.local_server import LocalServer

if TYPE_CHECKING:
    from collections.abc import Iterator

Format = Literal["json", "html", "both"]

JSON_TYPE = "application/vnd.pypi.simple.v1+json"
HTML_TYPE = "application/vnd.pypi.simple.v1+html"


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


class SimpleIndex(LocalServer):
    """A seeded index on 127.0.0.1; use `SimpleIndex.running(...)`, which always stops it."""

    def __init__(
        self, projects: dict[str, list[str]], latency: float = 0.0, fmt: Format = "both"
    ) -> None:
        self.latency = latency
        self.fmt: Format = fmt
        self.requests: list[str] = []
        self.accepts: list[str] = []
        self._projects: dict[str, list[str]] = {}
        self._lock = threading.Lock()
        for name, versions in projects.items():
            self.add(name, versions)
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        server.daemon_threads = True
        super().__init__(server)

    @classmethod
    @contextmanager
    def running(
        cls,
        projects: dict[str, list[str]] | None = None,
        latency: float = 0.0,
        fmt: Format = "both",
    ) -> Iterator[SimpleIndex]:
        """Serve the index for the duration of the block."""
        index = cls(projects or {}, latency=latency, fmt=fmt)
        with index.serving():
            yield index

    def add(self, name: str, versions: list[str]) -> None:
        """Publish a project (or more versions of one)."""
        with self._lock:
            self._projects.setdefault(_normalise(name), []).extend(versions)

    def project_requests(self, name: str) -> list[str]:
        """The requests seen for one project's page."""
        return [path for path in self.requests if path.rstrip("/").endswith("/" + name)]

    def versions(self, name: str) -> list[str] | None:
        """The versions of a project, or None when it is unknown."""
        with self._lock:
            found = self._projects.get(_normalise(name))
            return None if found is None else list(found)

    def names(self) -> list[str]:
        """Every project name, normalised."""
        with self._lock:
            return sorted(self._projects)


def _files(name: str, versions: list[str]) -> list[dict[str, object]]:
    stem = name.replace("-", "_")
    files: list[dict[str, object]] = []
    for version in versions:
        for filename in (f"{stem}-{version}-py3-none-any.whl", f"{stem}-{version}.tar.gz"):
            digest = hashlib.sha256(filename.encode()).hexdigest()
            files.append(
                {
                    "filename": filename,
                    "url": f"../../files/{filename}",
                    "hashes": {"sha256": digest},
                }
            )
    return files


def _handler_for(index: SimpleIndex) -> type[BaseHTTPRequestHandler]:  # noqa: C901 - one class
    class Handler(BaseHTTPRequestHandler):
        protocol_version: ClassVar[str] = "HTTP/1.1"  # type: ignore[misc]

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - base signature
            """Stay quiet: tests read `index.requests` instead."""

        def do_GET(self) -> None:
            accept = self.headers.get("Accept", "")
            with index._lock:  # noqa: SLF001 - the handler belongs to the index
                index.requests.append(self.path)
                index.accepts.append(accept)
            if index.latency:
                time.sleep(index.latency)
            parts = [p for p in self.path.split("?")[0].split("/") if p]
            if parts == ["simple"]:
                self._send_listing(accept)
            elif len(parts) == 2 and parts[0] == "simple":
                self._send_project(parts[1], accept)
            else:
                self._send(404, "text/plain", b"not found\n")

        def _wants_json(self, accept: str) -> bool:
            if index.fmt != "both":
                return index.fmt == "json"
            return JSON_TYPE in accept

        def _send_listing(self, accept: str) -> None:
            names = index.names()
            if self._wants_json(accept):
                body = {"meta": {"api-version": "1.1"}, "projects": [{"name": n} for n in names]}
                self._send(200, JSON_TYPE, json.dumps(body).encode())
                return
            links = "".join(f'<a href="{n}/">{n}</a>\n' for n in names)
            self._send(200, self._html_type(), _page("Simple index", links).encode())

        def _send_project(self, requested: str, accept: str) -> None:
            name = _normalise(requested)
            if requested != name:
                # What the public index does for a name that is not normalised (PEP 503).
                self.send_response(301)
                self.send_header("Location", f"/simple/{name}/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            versions = index.versions(name)
            if versions is None:
                self._send(404, "text/plain", b"not found\n")
                return
            files = _files(name, versions)
            if self._wants_json(accept):
                body = {
                    "meta": {"api-version": "1.1"},
                    "name": name,
                    "files": files,
                    "versions": versions,
                }
                self._send(200, JSON_TYPE, json.dumps(body).encode())
                return
            links = "".join(
                '<a href="{}#sha256={}">{}</a><br/>\n'.format(
                    html.escape(str(f["url"])),
                    f["hashes"]["sha256"],  # type: ignore[index]
                    html.escape(str(f["filename"])),
                )
                for f in files
            )
            self._send(200, self._html_type(), _page(f"Links for {name}", links).encode())

        def _html_type(self) -> str:
            # An index that predates PEP 691 answers plain HTML whatever the client asks for.
            return "text/html; charset=utf-8" if index.fmt == "html" else HTML_TYPE

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test): nothing to answer

    return Handler


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html>\n<head>\n"
        '<meta name="pypi:repository-version" content="1.0">\n'
        f"<title>{title}</title>\n</head>\n<body>\n<h1>{title}</h1>\n{body}</body>\n</html>\n"
    )
