"""`copier update` pulls a new template version into a project that already owns its name."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import yaml

if TYPE_CHECKING:
    from pathlib import Path

    from tests.doubles.codeartifact import FakeCodeArtifact
from tests.e2e.copier_cli import copier
from tests.machine import git

pytestmark = pytest.mark.e2e


@pytest.fixture
def template(template_repo: Path, tmp_path: Path) -> Path:
    """A clone of the tagged template that this test may release new versions of."""
    clone = tmp_path / "template"
    git("clone", "--quiet", str(template_repo), str(clone), cwd=tmp_path)
    return clone


def release(template: Path, version: str, path: str, addition: str) -> None:
    """Change one template file and tag the change as a new template version."""
    target = template / path
    target.write_text(target.read_text(encoding="utf-8") + addition, encoding="utf-8")
    git("commit", "--quiet", "--all", "--message", f"Release {version}", cwd=template)
    git("tag", version, cwd=template)


def test_the_next_release_is_seen_guarded_then_taken_keeping_the_teams_edits(
    template: Path, tmp_path: Path, fake_aws: FakeCodeArtifact
) -> None:
    """One project meets the template's next release: check-update, recopy, update."""
    project = tmp_path / "acme-widgets"
    created = copier("copy", "--trust", "--defaults", str(template), str(project), cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    assert git("status", "--porcelain", cwd=project) == ""  # the post-copy task committed it

    # The library has since been published: CodeArtifact holds the name now.
    fake_aws.add_package("acme-widgets", ["0.1.0"])
    # The team edits its project...
    readme = project / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\nOur own notes.\n", encoding="utf-8")
    git("commit", "--quiet", "--all", "--message", "Add notes", cwd=project)
    # ...and the template moves on.
    release(template, "99.1.0", "template/.editorconfig", "\n[*.sql]\nindent_size = 2\n")

    checked = copier("check-update", "--output-format", "json", cwd=project)
    assert checked.returncode == 0, checked.stderr
    assert "99.1.0" in checked.stdout

    # recopy overwrites every template file: it refuses while work is uncommitted.
    committed = readme.read_text(encoding="utf-8")
    draft = committed + "\nA draft nobody committed.\n"
    readme.write_text(draft, encoding="utf-8")
    recopied = copier("recopy", "--trust", "--defaults", "--overwrite", cwd=project)
    said = recopied.stdout + recopied.stderr
    assert recopied.returncode != 0
    assert "1 uncommitted change(s)" in said
    assert "Commit or stash them" in said
    assert "Traceback" not in said
    assert readme.read_text(encoding="utf-8") == draft  # nothing was overwritten
    readme.write_text(committed, encoding="utf-8")

    updated = copier("update", "--trust", "--defaults", cwd=project)

    assert updated.returncode == 0, updated.stdout + updated.stderr
    assert "[*.sql]" in (project / ".editorconfig").read_text(encoding="utf-8")
    assert "Our own notes." in readme.read_text(encoding="utf-8")
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["_commit"] == "99.1.0"
    assert answers["package_name"] == "acme-widgets"
    assert not list(project.rglob("*.rej"))
