"""`make docs` is a gate: ProperDocs builds the site, and every warning fails the build.

A project rendered by the real copier CLI, built with its own `make docs` as a team would; each
broken input is one edit, undone after its test.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import urllib.request
from typing import TYPE_CHECKING

import pytest
import yaml

from tests.doubles.pypiserver import closed_index_url, free_port
from tests.e2e.copier_cli import copier
from tests.machine import git, run, said

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.e2e

# What a build under MkDocs 1.x prints: Material's end-of-life banner (9.8; 9.7 warned of MkDocs
# 2.0 instead), and the notice plugins print in favour of ProperDocs. Each switch below hides one;
# neither may be what keeps them away.
BANNERS = (
    "end of life",
    "Zensical is its maintained successor",
    "Warning from the Material for MkDocs team",
    "MkDocs may break",
)
HIDING_SWITCHES = ("NO_MKDOCS_2_WARNING", "DISABLE_MKDOCS_2_WARNING")


class MkDocsLoader(yaml.SafeLoader):
    """A safe loader that reads mkdocs.yml's `!!python/name:` tags as plain strings."""


MkDocsLoader.add_multi_constructor(
    "tag:yaml.org,2002:python/name:", lambda _loader, suffix, _node: suffix
)


def environment() -> dict[str, str]:
    """This session's environment, less the switches that hide the banners."""
    return {key: value for key, value in os.environ.items() if key not in HIDING_SWITCHES}


def make_docs(project: Path) -> subprocess.CompletedProcess[str]:
    return run(["make", "docs"], cwd=project, env=environment(), timeout=600)


@pytest.fixture(scope="module")
def project(template_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default answers, rendered and committed by the post-copy task.

    Copied where no index holds the template's tools, as on a fresh machine with no published
    release: the docs need none of them (test_copy.py shows the same of check and build).
    """
    dst = tmp_path_factory.mktemp("docs") / "acme-widgets"
    nowhere = ("--data", f"tools_index={closed_index_url()}")  # nothing answers
    result = copier("copy", "--trust", "--defaults", *nowhere, str(template_repo), str(dst))
    assert result.returncode == 0, result.stderr
    assert not (dst / "tools.py.lock").exists()  # the tools could not be locked, and need not be
    return dst


@pytest.fixture
def edits(project: Path) -> Iterator[list[str]]:
    """The files a test changes: put back as git has them, or removed if new, afterwards."""
    changed: list[str] = []
    yield changed
    for name in changed:
        if git("ls-files", "--", name, cwd=project).strip():
            git("checkout", "--", name, cwd=project)
        else:
            (project / name).unlink()
    assert git("status", "--porcelain", "--untracked-files=all", cwd=project) == ""


def write(project: Path, edits: list[str], name: str, text: str) -> None:
    edits.append(name)
    (project / name).write_text(text, encoding="utf-8")


def append(project: Path, edits: list[str], name: str, text: str) -> None:
    write(project, edits, name, (project / name).read_text(encoding="utf-8") + text)


def test_a_clean_project_builds_with_properdocs_and_shows_no_end_of_life_banner(
    project: Path,
) -> None:
    done = make_docs(project)
    output = said(done)
    assert done.returncode == 0, output
    assert "properdocs build --strict --config-file mkdocs.yml" in output
    assert "mkdocs build" not in output
    for banner in BANNERS:
        assert banner not in output
    index = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert "acme-widgets" in index
    # The API page is made from the docstrings.
    assert "parse_size" in (project / "site" / "api" / "index.html").read_text(encoding="utf-8")
    # What the build wrote is ignored by git, a cache included (Zensical keeps one in .cache/).
    assert git("status", "--porcelain", "--untracked-files=all", cwd=project) == ""
    ignored = run(["git", "check-ignore", "--quiet", ".cache/anything"], cwd=project)
    assert ignored.returncode == 0


EXTRA_MODULE = '''"""Helpers the team added."""


def double(value: int) -> int:
    """Return twice the value.

    Args:
        value: the number to double.
        factor: a parameter this function does not have.

    Returns:
        The value times two.
    """
    return value * 2
'''


def test_a_missing_page_a_lost_reference_and_a_wrong_docstring_each_fail_the_build(
    project: Path, edits: list[str]
) -> None:
    """Each mistake is a warning, and strict mode fails the build on any warning.

    One build with the three: each one's message at warning level proves it alone would fail it.
    """
    append(project, edits, "docs/usage.md", "\nSee [the guide](guide.md).\n")
    append(project, edits, "docs/usage.md", "\nSee [the parser][acme_widgets.sizes.no_such].\n")
    write(project, edits, "src/acme_widgets/extra.py", EXTRA_MODULE)
    append(project, edits, "docs/api.md", "\n::: acme_widgets.extra\n")
    done = make_docs(project)
    output = said(done)
    assert done.returncode != 0, output
    warnings = [line for line in output.splitlines() if line.startswith("WARNING")]
    for message in (
        "contains a link 'guide.md', but the target is not found",
        "Could not find cross-reference target 'acme_widgets.sizes.no_such'",
        "Parameter 'factor' does not appear in the function signature",
    ):
        assert [line for line in warnings if message in line], output
    assert f"Aborted with {len(warnings)} warnings in strict mode!" in output
    for banner in BANNERS:
        assert banner not in output


def test_every_plugin_in_the_config_is_one_both_engines_run(project: Path) -> None:
    """ProperDocs refuses a plugin it cannot load; Zensical drops one it lacks without a word."""
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = yaml.load(text, Loader=MkDocsLoader)  # noqa: S506 - a SafeLoader, plus one tag
    names = {next(iter(p)) if isinstance(p, dict) else p for p in config["plugins"]}
    assert names == {"search", "mkdocstrings"}


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - 127.0.0.1 only
        body: bytes = response.read()
    return body.decode("utf-8")


def test_docs_serve_serves_the_site_on_the_address_given(project: Path, tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w", encoding="utf-8") as out:
        # Its own process group: make, uv and properdocs are stopped together, and only they.
        server = subprocess.Popen(
            ["make", "docs-serve", f"DOCS_ADDR=127.0.0.1:{port}"],
            cwd=project,
            env=environment(),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            page = ""
            deadline = time.monotonic() + 300  # the first run installs the docs group
            while time.monotonic() < deadline and server.poll() is None:
                try:
                    page = fetch(f"http://127.0.0.1:{port}/")
                    break
                except OSError:
                    time.sleep(0.5)
        finally:
            with contextlib.suppress(ProcessLookupError):  # the group may have ended on its own
                os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=20)
    output = log.read_text(encoding="utf-8")
    assert "<title>acme-widgets" in page, output
    assert f"Serving on http://127.0.0.1:{port}/" in output
    assert "'src'" in output  # it watches the docstrings too
    for banner in BANNERS:
        assert banner not in output
    assert git("status", "--porcelain", "--untracked-files=all", cwd=project) == ""
