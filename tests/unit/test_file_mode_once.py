"""hooks/file_mode_once.py: copier asks git for core.fileMode once per destination, not per file."""

from __future__ import annotations

import subprocess
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import copier
import pytest
from copier import _main, _vcs

from tests.machine import load_file

if TYPE_CHECKING:
    from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def file_mode_once(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """hooks/file_mode_once.py as copier loads it; copier's own method is put back afterwards."""
    module = load_file(ROOT / "hooks" / "file_mode_once.py", "file_mode_once")
    monkeypatch.setattr(_main.Worker, module.METHOD, getattr(_main.Worker, module.METHOD))
    return module


def repository(path: Path, file_mode: str | None) -> Path:
    """A git repository at `path`, with core.fileMode set to `file_mode` unless None."""
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    if file_mode is not None:
        subprocess.run(["git", "-C", str(path), "config", "core.fileMode", file_mode], check=True)
    return path


def worker(root: Path) -> Any:  # noqa: ANN401 - stands in for copier's Worker
    """What the wrapper reads of copier's Worker: its destination."""
    return SimpleNamespace(subproject=SimpleNamespace(local_abspath=root))


def test_git_is_asked_once_per_destination_and_copier_syncs_only_where_git_ignores_modes(
    file_mode_once: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[Path] = []
    ask_git = file_mode_once.git_ignores_modes

    def asking(root: Path) -> bool:
        asked.append(root)
        return bool(ask_git(root))

    monkeypatch.setattr(file_mode_once, "git_ignores_modes", asking)
    synced: list[tuple[str, str]] = []
    sync = file_mode_once.ask_once(
        lambda worker, dst_relpath, _mode: synced.append((worker.name, str(dst_relpath)))
    )
    (tmp_path / "plain").mkdir()
    workers = {
        "ignoring": repository(tmp_path / "ignoring", "false"),
        "keeping": repository(tmp_path / "keeping", "true"),
        "unset": repository(tmp_path / "unset", None),
        "plain": tmp_path / "plain",  # no repository at all
    }
    made = {name: worker(root) for name, root in workers.items()}
    for name, each in made.items():
        each.name = name
    for file in ("README.md", "Makefile", "src/run.sh"):
        for each in made.values():
            sync(each, Path(file), 0o755)
    assert synced == [("ignoring", file) for file in ("README.md", "Makefile", "src/run.sh")]
    assert sorted(asked) == sorted(workers.values())  # once per destination, not per file
    sync(worker(workers["keeping"]), Path("README.md"), 0o644)  # a new worker asks again
    assert len(asked) == len(workers) + 1


def test_copiers_method_is_wrapped_once_per_process(file_mode_once: ModuleType) -> None:
    assert file_mode_once.install() is True
    wrapped = getattr(_main.Worker, file_mode_once.METHOD)
    assert file_mode_once.install() is True
    assert getattr(_main.Worker, file_mode_once.METHOD) is wrapped


def test_a_method_with_other_arguments_is_left_as_copier_has_it(
    file_mode_once: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    def other(self: Any, dst_relpath: Path, src_mode: int, *, staged: bool) -> None:  # noqa: ANN401
        """A later copier's method, with another parameter."""

    monkeypatch.setattr(_main.Worker, file_mode_once.METHOD, other)
    assert file_mode_once.install() is False
    assert getattr(_main.Worker, file_mode_once.METHOD) is other


@pytest.mark.usefixtures("file_mode_once")  # copier's own method is put back afterwards
def test_a_copy_asks_git_once_and_still_writes_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = tmp_path / "template"
    (template / "src").mkdir(parents=True)
    (template / "extensions").mkdir()
    extension = (ROOT / "hooks" / "file_mode_once.py").read_text(encoding="utf-8")
    (template / "extensions" / "file_mode_once.py").write_text(extension, encoding="utf-8")
    (template / "copier.yml").write_text(
        "_exclude: [copier.yml, extensions]\n_jinja_extensions:\n"
        "  - copier_template_extensions.TemplateExtensionLoader\n"
        "  - extensions/file_mode_once.py:FileModeOnce\n",
        encoding="utf-8",
    )
    files = [f"src/module_{number}.py" for number in range(6)]
    for file in files:
        (template / file).write_text("VALUE = 1\n", encoding="utf-8")
    asked: list[tuple[str, ...]] = []
    get_git = _vcs.get_git

    class Counting:
        """copier's git command, noting each time it is asked for core.fileMode."""

        def __init__(self, context_dir: Any = None) -> None:  # noqa: ANN401 - a path or None
            self.git = get_git(context_dir)

        def __call__(self, *args: str) -> Any:  # noqa: ANN401 - what plumbum returns
            if "core.fileMode" in args:
                asked.append(args)
            return self.git(*args)

        def __getitem__(self, args: Any) -> Any:  # noqa: ANN401 - plumbum's bound command
            return self.git[args]

        def __getattr__(self, name: str) -> Any:  # noqa: ANN401 - plumbum's command
            return getattr(self.git, name)

    monkeypatch.setattr(_vcs, "get_git", Counting)
    monkeypatch.setattr(_main, "get_git", Counting)
    destination = repository(tmp_path / "project", None)
    copier.run_copy(str(template), destination, unsafe=True, defaults=True, quiet=True)
    assert all((destination / file).read_text(encoding="utf-8") == "VALUE = 1\n" for file in files)
    assert len(asked) == 1  # copier alone asks once per file: six times here
