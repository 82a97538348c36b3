"""The public index the name guard asks while renders are timed: a local one, or this machine's.

`--upstream` or BENCH_UPSTREAM chooses:

- local (the default): a simple index on 127.0.0.1 that knows no project and answers at once, set
  as NAME_GUARD_UPSTREAM_URL, so a render's time is the template's own.
- configured: the index this machine is configured with, found as the guard finds it
  (NAME_GUARD_UPSTREAM_URL, UV_DEFAULT_INDEX / UV_INDEX_URL / PIP_INDEX_URL, uv.toml / pip.conf,
  else the installer's default), so a render waits for it as a user's here does.

Either way one lookup is made before the runs, and the bench stops unless the index answers that
the renders' name is free. The tables name the source (a variable, a file, an installer's
default), never the index's host.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING

from codeartifact_python_tools.guard.settings import Settings
from codeartifact_python_tools.guard.verdicts import Status
from codeartifact_python_tools.upstream import fetch_upstream, upstream_index

from tests.doubles.simple_index import SimpleIndex

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

MODES = ("local", "configured")
VARIABLE = "BENCH_UPSTREAM"
NAME = "acme-widgets"  # every timed render's package name (its destination folder's name)


class UpstreamError(RuntimeError):
    """No index to time against: an unknown mode, none found, no answer, or the name taken."""


def choose(given: str | None, env: Mapping[str, str]) -> str:
    """Return the mode `--upstream` names, else BENCH_UPSTREAM, else local."""
    mode = (given or env.get(VARIABLE, "") or "local").strip().lower()
    if mode not in MODES:
        msg = f"{VARIABLE}={mode!r}: choose one of {', '.join(MODES)}"
        raise UpstreamError(msg)
    return mode


def describe(mode: str, source: str, seconds: float) -> str:
    """Return the header line: the index the renders asked, and one lookup's time."""
    where = (
        "local index on 127.0.0.1 (knows no project, answers at once)"
        if mode == "local"
        else f"the configured index ({source})"
    )
    return f"Name guard's public upstream in the renders: {where}; one lookup {seconds:.2f} s"


def probe(url: str, what: str, timeout: float) -> float:
    """Ask the index about NAME once, as the guard will; return the seconds it took."""
    started = time.perf_counter()
    finding = fetch_upstream(NAME, url, timeout)
    seconds = time.perf_counter() - started
    if finding.status is Status.FREE:
        return seconds
    if finding.status is Status.TAKEN:
        why = f"{NAME} is taken there, so every render would be refused"
    else:
        why = finding.reason or "no answer"
    msg = f"{what} cannot stand behind the timings: {why}"
    raise UpstreamError(msg)


@contextmanager
def chosen(mode: str) -> Iterator[str]:
    """Point the name guard at the mode's index for the block; yield the line that names it."""
    saved = os.environ.get("NAME_GUARD_UPSTREAM_URL")
    settings = Settings.from_env(os.environ)
    try:
        if mode == "local":
            with SimpleIndex.running(projects={}) as index:
                os.environ["NAME_GUARD_UPSTREAM_URL"] = index.url
                yield describe(mode, "", probe(index.url, "the local index", settings.timeout))
            return
        url, source = upstream_index(settings)
        if not url:
            msg = f"{VARIABLE}=configured: {source}"
            raise UpstreamError(msg)
        what = f"the configured index ({source})"
        yield describe(mode, source, probe(url, what, settings.timeout))
    finally:
        if saved is None:
            os.environ.pop("NAME_GUARD_UPSTREAM_URL", None)
        else:
            os.environ["NAME_GUARD_UPSTREAM_URL"] = saved
