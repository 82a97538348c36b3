"""The name guard's added time on `copier copy`: lookups answered in 50 ms, and a silent upstream.

`measure(rounds)` returns rows for the lead's table (benchmarks/bench.py); run this file alone
(`uv run python -m benchmarks.guard`) for just these rows.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.table import print_table
from tests.doubles.codeartifact import STATE_ENV, FakeCodeArtifact
from tests.doubles.simple_index import SimpleIndex

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parent.parent
COPIER = str(Path(sys.executable).parent / "copier")
LATENCY = 0.05  # each double answers after 50 ms, like a nearby index and AWS region
SILENT_TIMEOUT = 1.0  # NAME_GUARD_TIMEOUT for the silent-upstream case


@contextmanager
def _environment(**changes: str) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update(changes)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _copy(dst: Path) -> float:
    """Seconds one `copier copy --defaults` takes (render only, tasks skipped)."""
    started = time.perf_counter()
    subprocess.run(
        # HEAD: the template as checked out, not its newest release tag.
        [
            COPIER,
            "copy",
            "--trust",
            "--defaults",
            "--quiet",
            "--skip-tasks",
            "--vcs-ref",
            "HEAD",
            str(ROOT),
            str(dst),
        ],
        check=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def measure(rounds: int = 5) -> list[tuple[str, str, str]]:
    """Rows (what, median, target): the guard's added time per case, against lookups off.

    The three cases take turns within each round, as the peers' measurements do, so a change of
    load on the machine falls on all of them alike. Measured one block after another, the added
    time with 50 ms lookups read from 0.12 s to 0.40 s across this machine's recent runs.
    """
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as servers:
        work = Path(tmp)
        fake = FakeCodeArtifact(work / "aws-state.json")
        fake.update(latency=LATENCY)
        bin_dir = fake.install(work / "bin").parent
        upstream = servers.enter_context(
            SimpleIndex.running(projects={"requests": ["2.32.3"]}, latency=LATENCY)
        )
        silent = servers.enter_context(SimpleIndex.running(latency=30.0))
        cases = {
            "off": {"NAME_GUARD_OFFLINE": "1", "NAME_GUARD_AWS": "none"},
            "answered": {
                "NAME_GUARD_OFFLINE": "0",
                "NAME_GUARD_AWS": "cli",
                "NAME_GUARD_UPSTREAM_URL": upstream.url,
                "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
                STATE_ENV: str(fake.state_file),
            },
            "silent": {
                "NAME_GUARD_OFFLINE": "0",
                "NAME_GUARD_AWS": "none",
                "NAME_GUARD_UPSTREAM_URL": silent.url,
                "NAME_GUARD_TIMEOUT": str(SILENT_TIMEOUT),
            },
        }
        with _environment(**cases["off"]):
            _copy(work / "warm-up" / "acme-widgets")
        samples: dict[str, list[float]] = {case: [] for case in cases}
        for index in range(rounds):
            for case, env in cases.items():
                with _environment(**env):
                    samples[case].append(_copy(work / f"{case}{index}" / "acme-widgets"))
        asked = len(upstream.requests), len(fake.calls)
    baseline, answered, unanswered = (statistics.median(samples[case]) for case in cases)
    # One concurrent round per copy: the name and the alternatives a taken name would be offered.
    names, calls = asked
    if names == calls and names and names % rounds == 0:
        note = f" ({names // rounds} names each)"
    else:
        note = f" (asked {names} upstream and {calls} CodeArtifact in {rounds} copies)"
    return [
        ("copier copy, name guard off (baseline)", f"{baseline:6.2f} s", "-"),
        (
            "name guard added, both lookups 50 ms" + note,
            f"{answered - baseline:6.2f} s",
            "≤ 0.3 s",
        ),
        (
            f"name guard added, upstream silent ({SILENT_TIMEOUT:g} s timeout)",
            f"{unanswered - baseline:6.2f} s",
            f"≤ {SILENT_TIMEOUT:g} s + 0.2 s",
        ),
    ]


def main() -> int:
    """Print the guard's rows as a small table."""
    rows = measure()
    print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
