"""The side-by-side benchmark's pure parts: the peers' pinned tools, and the table it prints."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.peers import Template, cookie_steps, peer_path, table

PRE_COMMIT = """\
repos:
  - repo: https://github.com/astral-sh/ruff-pre-commit
    rev: "v0.15.17"
    hooks:
      - id: ruff-check
  - repo: https://github.com/pre-commit/mirrors-mypy
    rev: "v2.1.0"
    hooks:
      - id: mypy
  - repo: https://github.com/codespell-project/codespell
    rev: "v2.4.2"
    hooks:
      - id: codespell
"""


def test_cookie_steps_use_the_versions_its_pre_commit_configuration_pins(tmp_path: Path) -> None:
    (tmp_path / ".pre-commit-config.yaml").write_text(PRE_COMMIT, encoding="utf-8")
    green, check = cookie_steps(tmp_path)
    assert green[0] == ("uv", "sync")
    assert green[-1] == ("uv", "build")
    assert green[1:-1] == check
    assert ("uvx", "ruff@0.15.17", "check", ".") in check
    assert ("uvx", "codespell@2.4.2") in check
    assert any("mypy==2.1.0" in step for step in check)


def test_cookie_steps_name_a_missing_hook(tmp_path: Path) -> None:
    (tmp_path / ".pre-commit-config.yaml").write_text("repos: []\n", encoding="utf-8")
    with pytest.raises(LookupError, match="ruff-pre-commit"):
        cookie_steps(tmp_path)


def test_the_table_sets_each_measure_against_each_peer_with_its_goal() -> None:
    ours = Template("this template", Path())
    uv_peer = Template("copier-uv", Path(), builds=False)
    cookie = Template("cookie", Path())
    for template, seconds in ((ours, 1.0), (uv_peer, 2.0), (cookie, 4.0)):
        template.sample("render", seconds)
        template.sample("render", seconds + 10)
        template.sample("render", seconds - 0.5)
    ours.sample("first green", 3.0)
    cookie.sample("first green", 6.0)
    lines = table(ours, [uv_peer, cookie])
    assert lines[0] == "| measure | this template | peer | ratio | fastest runs' ratio | goal |"
    render = [line for line in lines if line.startswith("| render")]
    # Medians 1.0 against 2.0 and 4.0; fastest runs 0.5 against 1.5 and 3.5.
    assert render[0].endswith("| 1.00 s | copier-uv 2.00 s | 0.50 | 0.33 | ≤ 1.0 |")
    assert render[1].endswith("| 1.00 s | cookie 4.00 s | 0.25 | 0.14 | ≤ 1.2 |")
    (green,) = [line for line in lines if line.startswith("| first green")]
    assert green.endswith("| 3.00 s | cookie 6.00 s | 0.50 | 0.50 | ≤ 0.7 |")
    (warm,) = [line for line in lines if line.startswith("| warm")]
    assert warm.endswith("| - | - | - | - | - |")  # measured for nobody: shown, not invented


def test_a_peer_is_optional(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BENCH_COOKIE", raising=False)
    assert peer_path(None, "BENCH_COOKIE") is None
    assert peer_path(str(tmp_path / "absent"), "BENCH_COOKIE") is None
    monkeypatch.setenv("BENCH_COOKIE", str(tmp_path))
    assert peer_path(None, "BENCH_COOKIE") == tmp_path
