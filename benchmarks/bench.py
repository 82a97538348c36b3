"""Time what users wait for: generation, the name guard, and the generated project's `make check`.

Run with `make bench`. Prints a table of medians; targets on a 2-core machine: generation
≤ 1.0 s, warm `make check` ≤ 2.5 s, the guard's added time ≤ 0.3 s with 50 ms lookups.

The renders' name guard asks a public index chosen with `--upstream` or BENCH_UPSTREAM
(benchmarks/upstream.py): `local` (the default), a local index on 127.0.0.1 that answers at once;
`configured`, the index this machine is configured with (NAME_GUARD_UPSTREAM_URL, uv or pip
configuration, else the installer's default), network included. A line above the tables names
it. The guard's own rows always use local doubles with 50 ms lookups.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks import guard, peers, upstream
from benchmarks.table import print_table
from tests.machine import path_with_interpreters

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

COPIER = str(Path(sys.executable).parent / "copier")


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _run(args: Sequence[str], cwd: Path | None = None) -> None:
    subprocess.run(args, cwd=cwd, check=True, capture_output=True, stdin=subprocess.DEVNULL)


def _copy(source: Path, dst: Path, *extra: str) -> None:
    # HEAD: the template as checked out, not its newest release tag.
    args = ["copy", "--trust", "--defaults", "--quiet", "--vcs-ref", "HEAD", *extra]
    args += [f"--data={key}={value}" for key, value in peers.THIS_TEMPLATE_DATA.items()]
    _run([COPIER, *args, str(source), str(dst)])


def median(samples: list[float]) -> str:
    """Format the median of some samples for the table."""
    return f"{statistics.median(samples):6.2f} s"


def measure(rounds: int) -> list[tuple[str, str, str]]:
    """Each row: what was timed, its median, the target."""
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        # The working tree, committed and packed in a scratch repository, as the side-by-side
        # table times it.
        source = peers.this_template_clone(work / "source")
        # The folder names the package: every render asks the guard about the same free name.
        project = work / "full" / upstream.NAME
        _copy(source, work / "warm-up" / upstream.NAME, "--skip-tasks")  # fills bytecode caches
        generation = [
            _timed(partial(_copy, source, work / f"gen{i}" / upstream.NAME, "--skip-tasks"))
            for i in range(rounds)
        ]
        rows.append(("copier copy --defaults (render only)", median(generation), "≤ 1.0 s"))

        with_tasks = [_timed(lambda: _copy(source, project))]
        rows.append(("copier copy --defaults (+ uv lock, git)", median(with_tasks), "-"))

        cold = [_timed(lambda: _run(["make", "check"], cwd=project))]
        rows.append(("make check, cold (first run)", median(cold), "-"))
        warm = [_timed(lambda: _run(["make", "check"], cwd=project)) for _ in range(rounds)]
        rows.append(("make check, warm", median(warm), "≤ 2.5 s"))
    rows.extend(guard.measure(rounds))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """Print the table of medians."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="samples per measurement")
    parser.add_argument("--copier-uv", help="local clone of copier-uv (else $BENCH_COPIER_UV)")
    parser.add_argument("--cookie", help="local clone of scientific-python/cookie ($BENCH_COOKIE)")
    parser.add_argument("--peers-only", action="store_true", help="only the side-by-side table")
    parser.add_argument(
        "--upstream",
        choices=upstream.MODES,
        help=f"the renders' public index (else ${upstream.VARIABLE}, else local)",
    )
    args = parser.parse_args(argv)
    if shutil.which("make") is None:
        print("make is not on PATH", file=sys.stderr)
        return 1
    try:
        return _bench(args, upstream.choose(args.upstream, os.environ))
    except upstream.UpstreamError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1


def _bench(args: argparse.Namespace, mode: str) -> int:
    os.environ["PATH"] = path_with_interpreters()
    # Users' Pythons cache bytecode; without it every copier run recompiles copier (~0.7 s).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    os.environ["NAME_GUARD_AWS"] = "none"
    copier_uv = peers.peer_path(args.copier_uv, "BENCH_COPIER_UV")
    cookie = peers.peer_path(args.cookie, "BENCH_COOKIE")
    with upstream.chosen(mode) as where:
        print(where, flush=True)  # now, too: the runs take minutes
        rows = [] if args.peers_only else measure(args.rounds)
        side_by_side = peers.compare(args.rounds, copier_uv, cookie)
    print(f"\n{where}")
    if rows:
        print_table(rows)
        print()
    print(f"Load when done (uptime): {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
    print("\n".join(side_by_side))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
