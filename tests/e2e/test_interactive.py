"""An interactive `copier copy` in a pseudo-terminal: a taken name is refused at the prompt."""

from __future__ import annotations

import io
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pexpect
import pytest

if TYPE_CHECKING:
    from tests.doubles.simple_index import SimpleIndex

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent
# Every other question is answered with --data, so the one prompt is package_name's.
OTHER_ANSWERS = {
    "aws_account_id": "123456789012",
    "aws_region": "eu-west-1",
    "codeartifact_domain": "acme",
    "codeartifact_repository": "python",
    "codeartifact_staging_repository": "",
    "aws_profile": "",
    "name_prefix": "",
    "name_check_strict": "false",
    "import_name": "acme_free",
    "with_cli": "true",
    "cli_name": "acme-free",
    "description": "Widgets",
    "author_name": "Jane Doe",
    "author_email": "jane@example.com",
    "team": "platform",
    "github_repository": "acme/acme-free",
    "python_min": "3.12",
    "license": "MIT",
    "with_docs": "false",
    "tools_index": "default",
}


def type_slowly(child: pexpect.spawn, text: str) -> None:
    """Type like a person: one key at a time, so the prompt validates after each one."""
    for char in text:
        child.send(char)
        time.sleep(0.04)


def test_a_taken_name_is_refused_at_the_prompt_and_another_one_accepted(
    template_repo: Path, tmp_path: Path, upstream: SimpleIndex
) -> None:
    # The folder's name is the default answer, and it is taken: the session must survive it.
    dst = tmp_path / "requests"
    args = ["copy", "--trust", "--skip-tasks"]
    for key, value in OTHER_ANSWERS.items():
        args += ["--data", f"{key}={value}"]
    child = pexpect.spawn(
        str(BIN / "copier"),
        [*args, str(template_repo), str(dst)],
        env={**os.environ, "TERM": "xterm"},
        encoding="utf-8",
        dimensions=(40, 120),
        timeout=30,
    )
    screen = io.StringIO()
    child.logfile_read = screen
    try:
        child.expect("Distribution name")
        time.sleep(0.3)
        assert upstream.requests == []  # nothing asked for the default before the prompt

        child.send("\r")  # accept the default: "requests", taken
        # The whole verdict is printed above the prompt, which stays open for another name.
        child.expect(r"requests is taken on the public index \(http://127\.0\.0\.1")
        child.expect("these are free on both: acme-requests")

        child.send("\x15")  # Ctrl-U: clear the line
        type_slowly(child, "Flask_SQLAlchemy")
        child.send("\r")
        child.expect(r"normalised: flask-sqlalchemy\) is taken")

        child.send("\x15")
        type_slowly(child, "acme-free")
        child.send("\r")
        child.expect("Your library acme-free is ready")
        child.expect(pexpect.EOF, timeout=60)
    finally:
        child.close()
    assert child.exitstatus == 0
    # The prompt's one-line error toolbar carries the short form.
    assert "requests is taken on the public index (details above)" in screen.getvalue()
    assert "'package_name': package_name:" not in screen.getvalue()  # named once, by copier
    assert 'name = "acme-free"' in (dst / "pyproject.toml").read_text()

    # One request per finished name (plus the suggestions' own checks), none per keystroke.
    typed = ["Flask_SQLAlchemy", "acme-free"]
    partial = {
        f"/simple/{text[:i].lower().replace('_', '-')}/"
        for text in typed
        for i in range(1, len(text))
    }
    assert partial.isdisjoint(upstream.requests), upstream.requests
    for name in ("requests", "flask-sqlalchemy", "acme-free"):
        assert upstream.project_requests(name) == [f"/simple/{name}/"]
