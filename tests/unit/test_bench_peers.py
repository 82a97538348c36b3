"""The benchmark's parts that need no render: the peers' pinned tools, the table, the upstream.

The upstream tests ask local indexes on 127.0.0.1 only: NAME_GUARD_UPSTREAM_URL comes first in
the guard's own order, so the machine's configured index is never reached.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks import bench, upstream
from benchmarks.peers import THIS_TEMPLATE_DATA, Template, cookie_steps, peer_path, table
from tests.doubles.simple_index import SimpleIndex

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
    assert green.endswith("| 3.00 s | cookie 6.00 s | 0.50 | 0.50 | ≤ 0.45 |")
    (warm,) = [line for line in lines if line.startswith("| warm")]
    assert warm.endswith("| - | - | - | - | - |")  # measured for nobody: shown, not invented


def test_a_peer_is_optional(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BENCH_COOKIE", raising=False)
    assert peer_path(None, "BENCH_COOKIE") is None
    assert peer_path(str(tmp_path / "absent"), "BENCH_COOKIE") is None
    monkeypatch.setenv("BENCH_COOKIE", str(tmp_path))
    assert peer_path(None, "BENCH_COOKIE") == tmp_path


def test_renders_name_this_checkouts_tools_not_the_scratch_clones() -> None:
    # The scratch clone is deleted after the run, and its path is long enough to fail ruff.
    tools = Path(THIS_TEMPLATE_DATA["tools_index"])
    assert tools == Path(__file__).resolve().parents[2] / "codeartifact-python-tools"
    assert (tools / "pyproject.toml").is_file()


def test_the_upstream_is_local_unless_chosen_otherwise() -> None:
    assert upstream.choose(None, {}) == "local"
    assert upstream.choose(None, {"BENCH_UPSTREAM": " Configured "}) == "configured"
    assert upstream.choose("local", {"BENCH_UPSTREAM": "configured"}) == "local"
    with pytest.raises(upstream.UpstreamError, match="choose one of local, configured"):
        upstream.choose(None, {"BENCH_UPSTREAM": "pypi"})


def test_the_header_names_the_source_not_the_host() -> None:
    local = upstream.describe("local", "", 0.001)
    assert "local index on 127.0.0.1" in local
    assert local.endswith("one lookup 0.00 s")
    configured = upstream.describe("configured", "pip's default index", 0.136)
    assert "the configured index (pip's default index)" in configured
    assert configured.endswith("one lookup 0.14 s")


def test_local_points_the_guard_at_a_local_index_for_the_block(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NAME_GUARD_UPSTREAM_URL", "http://127.0.0.1:9/simple/")
    with upstream.chosen("local") as line:
        assert os.environ["NAME_GUARD_UPSTREAM_URL"].startswith("http://127.0.0.1:")
        assert os.environ["NAME_GUARD_UPSTREAM_URL"] != "http://127.0.0.1:9/simple/"
        assert "local index on 127.0.0.1" in line
    assert os.environ["NAME_GUARD_UPSTREAM_URL"] == "http://127.0.0.1:9/simple/"


def test_configured_asks_the_index_the_guard_would(monkeypatch: pytest.MonkeyPatch) -> None:
    with SimpleIndex.running(projects={"requests": ["2.32.3"]}) as index:
        monkeypatch.setenv("NAME_GUARD_UPSTREAM_URL", index.url)
        with upstream.chosen("configured") as line:
            assert os.environ["NAME_GUARD_UPSTREAM_URL"] == index.url
        assert index.requests  # probed once before the runs
    assert "the configured index (NAME_GUARD_UPSTREAM_URL)" in line
    assert "127.0.0.1" not in line


def test_configured_stops_when_the_renders_name_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    with SimpleIndex.running(projects={upstream.NAME: ["1.0"]}) as index:
        monkeypatch.setenv("NAME_GUARD_UPSTREAM_URL", index.url)
        with (
            pytest.raises(upstream.UpstreamError, match="taken there"),
            upstream.chosen("configured"),
        ):
            pass


def test_configured_stops_when_the_index_does_not_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NAME_GUARD_UPSTREAM_URL", "http://127.0.0.1:9/simple/")
    monkeypatch.setenv("NAME_GUARD_TIMEOUT", "0.5")
    with (
        pytest.raises(upstream.UpstreamError, match="NAME_GUARD_UPSTREAM_URL"),
        upstream.chosen("configured"),
    ):
        pass


def test_configured_stops_when_no_index_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    def nothing(*_: object) -> tuple[str, str]:
        return "", "no public index URL found"

    monkeypatch.setattr(upstream, "upstream_index", nothing)
    with (
        pytest.raises(upstream.UpstreamError, match="no public index URL found"),
        upstream.chosen("configured"),
    ):
        pass


def test_bench_refuses_an_unknown_upstream_before_any_work(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BENCH_UPSTREAM", "elsewhere")
    monkeypatch.setattr(bench, "_bench", lambda *_: pytest.fail("the bench ran"))
    assert bench.main([]) == 1
    assert "BENCH_UPSTREAM='elsewhere'" in capsys.readouterr().err
