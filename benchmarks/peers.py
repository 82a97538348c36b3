"""Time this template against its peers, side by side: render, first green, warm `make check`.

Peers are optional: give a local git clone (or bare mirror) of each with `--copier-uv PATH` and
`--cookie PATH`, or the environment variables BENCH_COPIER_UV and BENCH_COOKIE. Their code is
only read here, never copied into this repository.

Every measurement alternates between the templates round by round, so a change of load on a
shared machine falls on all of them alike; the table shows medians. What each step runs:

- render: `copier copy --trust --defaults --skip-tasks` from a local git clone of each template
  (copier clones it and checks out its newest tag, the same work for all three). This
  template's name guard is live: it asks a local simple index standing in for the public one,
  or with BENCH_UPSTREAM=configured the index this machine is configured with (upstream.py).
- first green: a fresh `.venv`, no tool caches (`.mypy_cache`, `.ruff_cache`,
  `.pytest_cache`, `dist/`), uv's download cache warm. This template: `uv sync`, `make check`,
  `make build`. Cookie: `uv sync`, then the Python tools of its pre-commit configuration at
  the versions pinned there (ruff check and format, mypy with the hook's files and extra
  dependencies, codespell), `uv run pytest` and `uv build`, one after the other as its task
  runner would. Its hooks run directly, without prek or nox around them, so cookie is timed at
  its fastest.
- warm check: the same checks again, caches warm: `make check`; cookie's lint, types, tests.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tests.releases import packed, working_tree_release

if TYPE_CHECKING:
    from collections.abc import Sequence

ROOT = Path(__file__).resolve().parent.parent
COPIER = str(Path(sys.executable).parent / "copier")
Step = tuple[str, ...]
COOKIE_DATA = {
    "project_name": "acme-widgets",
    "org": "acme",
    "full_name": "Jane Doe",
    "email": "jane@example.com",
    "license": "MIT",
    "backend": "hatch",
    "docs": "sphinx",
    "vcs": "false",
}
COPIER_UV_DATA = {"project_name": "acme-widgets", "project_description": "Widgets for ACME"}
# The tools folder of this checkout, as a copy from it gets by default, not of the scratch clone
# the bench renders from: that one is deleted after the run, and its long temporary path went
# into tools.py, over ruff's line length (`make check` failed on it).
THIS_TEMPLATE_DATA = {"tools_index": str(ROOT / "codeartifact-python-tools")}
TOOL_CACHES = (".venv", ".mypy_cache", ".ruff_cache", ".pytest_cache", "dist", "build")
# Cookie's checks, with the versions its .pre-commit-config.yaml pins (read at run time).
COOKIE_LINT: tuple[Step, ...] = (
    ("uvx", "ruff@{ruff}", "check", "."),
    ("uvx", "ruff@{ruff}", "format", "--check", "."),
    ("uvx", "codespell@{codespell}"),
)
COOKIE_TYPES: tuple[Step, ...] = (
    ("uv", "run", "--with", "mypy=={mypy}", "--with", "nox", "mypy", "src", "tests", "noxfile.py"),
)
COOKIE_TESTS: tuple[Step, ...] = (("uv", "run", "pytest"),)


@dataclass
class Template:
    """One template under test: where it is, how to answer it, what makes its project green."""

    name: str
    source: Path
    data: dict[str, str] = field(default_factory=dict)
    green: tuple[Step, ...] = ()
    check: tuple[Step, ...] = ()
    builds: bool = True  # whether its project is also timed (first green, warm check)
    project: Path | None = None
    samples: dict[str, list[float]] = field(default_factory=dict)

    @property
    def built(self) -> Path:
        """Return the project `prepare_project` made."""
        if self.project is None:
            msg = f"{self.name}: no project prepared"
            raise RuntimeError(msg)
        return self.project

    def sample(self, measure: str, seconds: float) -> None:
        """Record one timing."""
        self.samples.setdefault(measure, []).append(seconds)

    def median(self, measure: str) -> float | None:
        """Return the median of a measure, or None if it was not taken."""
        values = self.samples.get(measure)
        return statistics.median(values) if values else None

    def fastest(self, measure: str) -> float | None:
        """Return the fastest sample of a measure, or None if it was not taken."""
        values = self.samples.get(measure)
        return min(values) if values else None


def _run(args: Sequence[str], cwd: Path | None = None) -> None:
    result = subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL
    )
    if result.returncode != 0:
        msg = f"{' '.join(args)} failed in {cwd}:\n{result.stdout}\n{result.stderr}"
        raise RuntimeError(msg)


def _timed_steps(steps: Sequence[Step], cwd: Path) -> float:
    started = time.perf_counter()
    for step in steps:
        _run(step, cwd)
    return time.perf_counter() - started


def git_clone(source: Path, destination: Path) -> Path:
    """Clone a template (a clone or a bare mirror) into a working tree; copier clones it again.

    Every template is timed from packed objects, as a clone from a git host has them: copier
    clones the template first, and loose objects (a fresh commit, a working copy) made that
    clone slower than the same objects packed.
    """
    _run(["git", "clone", "--quiet", str(source), str(destination)])
    return packed(destination)


def this_template_clone(destination: Path) -> Path:
    """Commit, tag and pack the working tree, uncommitted changes included, in a scratch repo."""
    return working_tree_release(destination, "99.0.0")


def render(template: Template, destination: Path, *, tasks: bool = False) -> float:
    """Seconds one `copier copy --defaults` takes."""
    args = [COPIER, "copy", "--trust", "--defaults", "--quiet"]
    if not tasks:
        args.append("--skip-tasks")
    for key, value in template.data.items():
        args += ["--data", f"{key}={value}"]
    started = time.perf_counter()
    _run([*args, str(template.source), str(destination)])
    return time.perf_counter() - started


def _pre_commit_rev(project: Path, repo_tail: str) -> str:
    """Read the version a pre-commit configuration pins for one hook repository."""
    lines = (project / ".pre-commit-config.yaml").read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if line.strip().startswith("- repo:") and line.rstrip().endswith(repo_tail):
            return lines[number + 1].split(":", 1)[1].strip().strip("\"'").removeprefix("v")
    msg = f"no {repo_tail} in {project}/.pre-commit-config.yaml"
    raise LookupError(msg)


def cookie_steps(project: Path) -> tuple[tuple[Step, ...], tuple[Step, ...]]:
    """Cookie's first-green and warm-check steps, with its pinned tool versions filled in."""
    pins = {
        "ruff": _pre_commit_rev(project, "ruff-pre-commit"),
        "mypy": _pre_commit_rev(project, "mirrors-mypy"),
        "codespell": _pre_commit_rev(project, "codespell"),
    }
    checks = tuple(
        tuple(part.format(**pins) for part in step)
        for step in (*COOKIE_LINT, *COOKIE_TYPES, *COOKIE_TESTS)
    )
    return (("uv", "sync"), *checks, ("uv", "build")), checks


def prepare_project(template: Template, destination: Path) -> None:
    """Render with the template's own tasks, then commit and lock as its users would."""
    if template.name == "this template":
        render(template, destination, tasks=True)  # the post-copy task locks and commits
    else:
        render(template, destination)
        identity = ["-c", "user.name=bench", "-c", "user.email=bench@example.com"]
        for args in (["init", "-q"], ["add", "-A"], [*identity, "commit", "-qm", "start"]):
            _run(["git", *args], destination)
        _run(["uv", "lock", "--quiet"], destination)
        template.green, template.check = cookie_steps(destination)
    template.project = destination
    _timed_steps(template.green, destination)  # fills uv's download cache; not timed


def clear_tool_caches(project: Path) -> None:
    """Remove what a fresh clone lacks: the virtual environment and every tool's cache."""
    for name in TOOL_CACHES:
        shutil.rmtree(project / name, ignore_errors=True)


def measure(templates: list[Template], rounds: int, work: Path) -> None:
    """Take every sample, alternating templates within each round."""
    for template in templates:
        render(template, work / "warm-up" / template.name.replace(" ", "-") / "acme-widgets")
    for index in range(rounds):
        for template in templates:
            slug = template.name.replace(" ", "-")
            seconds = render(template, work / f"render{index}" / slug / "acme-widgets")
            template.sample("render", seconds)
    greens = [template for template in templates if template.builds]
    for template in greens:
        slug = template.name.replace(" ", "-")
        prepare_project(template, work / "green" / slug / "acme-widgets")
    for _ in range(rounds):
        for template in greens:
            clear_tool_caches(template.built)
            template.sample("first green", _timed_steps(template.green, template.built))
    for _ in range(rounds):
        for template in greens:
            template.sample("warm check", _timed_steps(template.check, template.built))


def _cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def _ratio(ours: float | None, theirs: float | None) -> str:
    return "-" if ours is None or theirs is None else f"{ours / theirs:.2f}"


GOALS = {
    ("render", "copier-uv"): "≤ 1.0",
    ("render", "cookie"): "≤ 1.2",
    ("first green", "cookie"): "≤ 0.45",
    ("warm check", "cookie"): "≤ 0.6",
}
LABELS = {
    "render": "render, copier copy --defaults --skip-tasks, name guard live",
    "first green": "first green: fresh venv, empty tool caches (sync, lint, types, tests, build)",
    "warm check": "warm make check (peer: its lint, types, tests)",
}


def table(ours: Template, peers: list[Template]) -> list[str]:
    """Format a Markdown table: each measure against each peer that has it."""
    lines = [
        "| measure | this template | peer | ratio | fastest runs' ratio | goal |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for measure, label in LABELS.items():
        mine = ours.median(measure)
        shown = False
        for peer in peers:
            theirs = peer.median(measure)
            if theirs is None:
                continue
            goal = GOALS.get((measure, peer.name), "-")
            # Medians decide (the goals are set on them); the fastest runs' ratio is the one a
            # busy machine disturbs least, shown so that noise can be told from a real change.
            fastest = _ratio(ours.fastest(measure), peer.fastest(measure))
            cells = [label, _cell(mine), f"{peer.name} {_cell(theirs)}", _ratio(mine, theirs)]
            lines.append(f"| {' | '.join([*cells, fastest, goal])} |")
            shown = True
        if not shown:
            lines.append(f"| {label} | {_cell(mine)} | - | - | - | - |")
    return lines


def peer_templates(copier_uv: Path | None, cookie: Path | None, work: Path) -> list[Template]:
    """Set up the peers available locally, each cloned into the scratch directory."""
    peers = []
    if copier_uv is not None:
        source = git_clone(copier_uv, work / "sources" / "copier-uv")
        peers.append(Template("copier-uv", source, COPIER_UV_DATA, builds=False))
    if cookie is not None:
        source = git_clone(cookie, work / "sources" / "cookie")
        # Cookie's steps are known once a project exists: `prepare_project` fills them in.
        peers.append(Template("cookie", source, COOKIE_DATA))
    return peers


def compare(rounds: int, copier_uv: Path | None, cookie: Path | None) -> list[str]:
    """Measure this template and the available peers; return the table's lines."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        ours = Template(
            "this template",
            this_template_clone(work / "sources" / "this-template"),
            THIS_TEMPLATE_DATA,
            green=(("uv", "sync"), ("make", "check"), ("make", "build")),
            check=(("make", "check"),),
        )
        peers = peer_templates(copier_uv, cookie, work)
        measure([ours, *peers], rounds, work)
    return table(ours, peers)


def peer_path(given: str | None, variable: str) -> Path | None:
    """Find a peer's local path in the argument or the environment; None if it is absent."""
    text = given or os.environ.get(variable, "")
    path = Path(text) if text else None
    return path if path is not None and path.exists() else None
