"""Start the fake CLIs quickly: each call is a fork of one process that has already imported them.

A fake `aws` or `gh` written by `install_cli` is a small client: it sends its command line,
environment and working directory, and hands over its standard streams, to this server over a
Unix socket. The server forks; the child takes the client's environment, directory and streams,
runs the fake's `cli_main` exactly as the fake's own process would, and sends its exit code
back. So a call costs an interpreter start-up without imports plus a fork, instead of an
interpreter that imports the fake, argparse and the rest: about half the CPU of the suite's
several hundred calls. Behaviour is the old process's, down to a kill: a client killed while the
fake waits out its `latency` (a timeout, in the test) stops the call before it is served.

One server per test process, started at the first install and stopped when that process exits;
it also stops on its own once the process that started it is gone.
"""

from __future__ import annotations

import atexit
import contextlib
import marshal
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import SupportsIndex

ROOT = Path(__file__).resolve().parents[2]
FAKES = ("codeartifact", "gh")  # the modules whose `cli_main` the server runs
_STREAMS = (0, 1, 2)


class _Server:
    """This process's server: its socket, once started."""

    socket: Path | None = None


# The client: no `site`, no imports beyond built-in modules: about 18 ms of CPU a call. A
# stream the caller closed is not sent; the fake then gets /dev/null in its place.
CLIENT = """#!{python} -IS
import _socket, marshal, os, sys
streams = []
for fd in (0, 1, 2):
    try:
        os.fstat(fd)
    except OSError:
        continue
    streams.append(fd)
payload = marshal.dumps(({module!r}, sys.argv, dict(os.environ), os.getcwd(), streams))
connection = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
connection.connect({socket!r})
fds = b"".join(fd.to_bytes(4, sys.byteorder) for fd in streams)
connection.sendmsg(
    [len(payload).to_bytes(8, "big") + payload],
    [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, fds)],
)
code = connection.recv(1)
sys.exit(code[0] if code else 255)
"""


def socket_path() -> Path:
    """The running server's socket, starting the server first if this process has none."""
    if _Server.socket is None:
        folder = Path(tempfile.mkdtemp(prefix="fake-cli-"))
        path = folder / "socket"
        start = f"from tests.doubles import forkserver; forkserver.serve({str(path)!r})"
        server = subprocess.Popen(
            [sys.executable, "-c", start],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        if server.stdout is None or server.stdout.readline() != b"ready\n":
            msg = "the fake CLIs' fork server did not start"
            raise RuntimeError(msg)
        server.stdout.close()
        atexit.register(_stop, server, folder)
        _Server.socket = path
    return _Server.socket


def _stop(server: subprocess.Popen[bytes], folder: Path) -> None:
    server.terminate()
    server.wait(timeout=10)
    shutil.rmtree(folder, ignore_errors=True)


def client(module: str) -> str:
    """The text of an executable that runs `module.cli_main` through the server."""
    return CLIENT.format(python=sys.executable, module=module, socket=str(socket_path()))


def serve(path: str) -> None:
    """Accept calls on `path` until stopped, or until the process that started it is gone."""
    for name in FAKES:
        import_module(f"tests.doubles.{name}")
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the children are reaped by the kernel
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    listener.settimeout(1.0)
    parent = os.getppid()
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # the parent reads no further
    while os.getppid() == parent:
        try:
            connection, _ = listener.accept()
        except TimeoutError:
            continue
        if os.fork() == 0:
            listener.close()
            _call(connection)
        connection.close()


def _receive(connection: socket.socket) -> tuple[bytes, list[int]]:
    data, fds, _, _ = socket.recv_fds(connection, 1 << 16, len(_STREAMS))
    size = int.from_bytes(data[:8], "big")
    payload = data[8:]
    while len(payload) < size:
        more = connection.recv(size - len(payload))
        if not more:
            break
        payload += more
    return payload, fds


def _call(connection: socket.socket) -> None:
    """In the forked child: become the fake's own process for one call, answer, and exit."""
    try:
        code = _run(connection)
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):  # the caller closed it: as a pipe would
                stream.flush()
        with contextlib.suppress(OSError):
            connection.sendall(bytes([code & 0xFF]))
    finally:
        os._exit(0)  # never back into the server's loop


def _run(connection: socket.socket) -> int:
    """Take the caller's streams, environment and directory, then run the fake; its exit code."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    connection.settimeout(None)
    try:
        payload, fds = _receive(connection)
        # From our own client: the socket's folder is this user's alone (mkdtemp).
        module, argv, env, cwd, streams = marshal.loads(payload)  # noqa: S302
        null = os.open(os.devnull, os.O_RDWR)
        given = dict(zip(streams, fds, strict=True))
        for fd in _STREAMS:
            os.dup2(given.get(fd, null), fd)
        for fd in (null, *fds):
            os.close(fd)
        os.environ.clear()
        os.environ.update(env)
        time.tzset()  # local time as the caller's TZ says, as a process of its own reads it
        os.chdir(cwd)
        sys.argv = argv
        time.sleep = _sleep_while_the_caller_waits(connection)
        code: int = import_module(f"tests.doubles.{module}").cli_main(argv[1:])
    except SystemExit as leaving:
        return leaving.code if isinstance(leaving.code, int) else 1
    except BaseException:  # noqa: BLE001 - the fake's own failure reaches its caller's stderr
        traceback.print_exc()
        return 1
    return code


def _sleep_while_the_caller_waits(
    connection: socket.socket,
) -> Callable[[float | SupportsIndex], None]:
    """A `time.sleep` that ends the call when its caller is killed meanwhile (a timeout)."""

    def sleep(seconds: float | SupportsIndex) -> None:
        timeout = seconds if isinstance(seconds, int | float) else seconds.__index__()
        readable, _, _ = select.select([connection], [], [], timeout)
        if readable:  # the client never writes again: readable means it is gone
            os._exit(0)

    return sleep
