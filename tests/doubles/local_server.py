"""A test server on 127.0.0.1: a free port, a thread that serves, a stop that always runs."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from socketserver import TCPServer


class LocalServer:
    """Serve `server` (bound to 127.0.0.1, port 0) in a daemon thread for a `with` block."""

    def __init__(self, server: TCPServer) -> None:
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)

    @contextmanager
    def serving(self) -> Iterator[None]:
        """Serve until the block ends, however it ends."""
        self._thread.start()
        try:
            yield
        finally:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """The simple index URL on that port, as a user (or CODEARTIFACT_INDEX_URL) gives it."""
        return f"http://127.0.0.1:{self.port}/simple/"
