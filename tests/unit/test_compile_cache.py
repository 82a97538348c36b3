"""hooks/compile_cache.py: copier's Jinja environment compiles each distinct source once."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import pytest
from jinja2 import Environment, TemplateSyntaxError

from tests.machine import load_file
from tests.unit.conftest import this_template

if TYPE_CHECKING:
    from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compile_cache() -> ModuleType:
    """hooks/compile_cache.py as copier loads it: a file, not part of a package."""
    return load_file(ROOT / "hooks" / "compile_cache.py", "compile_cache")


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Count what Jinja really compiles, per source, from here on."""
    counts: Counter[str] = Counter()
    compile_source = jinja2.Environment.compile

    def counting(self: Environment, source: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: ANN401
        counts[str(source)] += 1
        return compile_source(self, source, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return counts


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's cache folder, empty for each test: where compiled code is kept across runs."""
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


def kept_entries(cache_home: Path) -> list[Path]:
    """The compiled entries kept in the user's cache folder."""
    folder = cache_home / "codeartifact-python-template" / "jinja"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def environment(compile_cache: ModuleType, **options: Any) -> Environment:  # noqa: ANN401
    # Plain text, as copier renders it: no HTML here to escape.
    return Environment(extensions=[compile_cache.CompileCache], autoescape=False, **options)  # noqa: S701


def test_a_source_used_again_is_compiled_once_and_renders_as_before(
    compile_cache: ModuleType, compiled: Counter[str]
) -> None:
    env = environment(compile_cache)
    source = "{{ name | upper }}-{{ n + 1 }}"
    first = env.from_string(source).render(name="acme", n=1)
    again = env.from_string(source).render(name="widgets", n=41)
    assert (first, again) == ("ACME-2", "WIDGETS-42")
    assert compiled[source] == 1


def test_without_the_extension_every_use_compiles_again(compiled: Counter[str]) -> None:
    # What the cache is for: Jinja's from_string never remembers (copier calls it ~400 times).
    env = Environment(autoescape=False)  # noqa: S701 - plain text
    env.from_string("{{ 1 }}").render()
    env.from_string("{{ 1 }}").render()
    assert compiled["{{ 1 }}"] == 2


def test_each_environment_compiles_by_its_own_settings(
    compile_cache: ModuleType, compiled: Counter[str]
) -> None:
    source = "a\n{% if true %}\nb{% endif %}"
    plain = environment(compile_cache)
    trimmed = environment(compile_cache, trim_blocks=True)
    assert plain.from_string(source).render() == "a\n\nb"
    assert trimmed.from_string(source).render() == "a\nb"
    # An overlay copies its parent's attributes, the cache among them: it must not reuse the
    # parent's compiled code, made with other settings. (It finds `trimmed`'s, kept with the
    # same settings, so nothing more is compiled.)
    assert plain.overlay(trim_blocks=True).from_string(source).render() == "a\nb"
    assert plain.from_string(source).render() == "a\n\nb"
    assert compiled[source] == 2


def test_a_source_that_does_not_compile_fails_every_time_with_its_message(
    compile_cache: ModuleType, cache_home: Path
) -> None:
    for _ in range(2):  # in one run, and in the next
        env = environment(compile_cache)
        for _ in range(2):
            with pytest.raises(TemplateSyntaxError, match="Expected an expression"):
                env.from_string("{{ }}")
    assert kept_entries(cache_home) == []  # nothing kept for it
    # copier hands non-strings (a question's `when: true`) to from_string to learn they are not
    # templates: the TypeError must still reach it.
    with pytest.raises(TypeError):
        env.from_string(True)  # type: ignore[arg-type]  # noqa: FBT003 - copier's own call


def test_copiers_environment_for_this_template_compiles_each_source_once(
    tmp_path: Path, compiled: Counter[str]
) -> None:
    # The extension is listed in copier.yml, so copier's own environment caches: a question's
    # default, validator and `when` are rendered again and again in a real run.
    with this_template(tmp_path) as worker:
        for _ in range(3):
            rendered = worker.jinja_env.from_string("{{ 'Acme_Widgets' | normalise }}").render()
            assert rendered == "acme-widgets"
    assert compiled["{{ 'Acme_Widgets' | normalise }}"] == 1


# --- Across runs: template strings and the template's files, compiled once ----------------------


def test_a_template_string_is_compiled_once_across_runs(
    compile_cache: ModuleType, compiled: Counter[str], tmp_path: Path, cache_home: Path
) -> None:
    source = "{{ name | upper }}-{{ n + 1 }}"
    # Three copier runs: each creates its own environment and renders the question again.
    rendered = [
        environment(compile_cache).from_string(source).render(name="a", n=r) for r in range(3)
    ]
    assert rendered == ["A-1", "A-2", "A-3"]
    assert compiled[source] == 1
    assert len(kept_entries(cache_home)) == 1
    # Other settings compile it again...
    trimmed = environment(compile_cache, trim_blocks=True)
    assert trimmed.from_string(source).render(name="b", n=0) == "B-1"
    assert compiled[source] == 2
    # ...and a file with the same text, loaded by name, has an entry of its own.
    env = file_environment(compile_cache, clone_with(tmp_path / "clone", source))
    assert env.get_template("Makefile.jinja").render(name="c", n=2) == "C-3"
    assert compiled[source] == 3
    assert len(kept_entries(cache_home)) == 3


def file_environment(compile_cache: ModuleType, folder: Path, **options: Any) -> Environment:  # noqa: ANN401
    """An environment that loads templates by name from `folder`, as copier loads its files."""
    loader = jinja2.FileSystemLoader(folder)
    extensions = [compile_cache.CompileCache]
    return Environment(loader=loader, extensions=extensions, autoescape=False, **options)  # noqa: S701 - plain text, as copier renders it


def clone_with(folder: Path, source: str) -> Path:
    """A template folder holding one file, Makefile.jinja: a new clone of the template."""
    folder.mkdir(parents=True)
    (folder / "Makefile.jinja").write_text(source, encoding="utf-8")
    return folder


MAKEFILE = "{% for t in targets %}\n{{ t }}:{% endfor %}"


def makefile(env: Environment, *targets: str) -> str:
    """Render the clone's Makefile.jinja, loaded by name as copier loads a template file."""
    return env.get_template("Makefile.jinja").render(targets=list(targets))


def test_a_file_is_compiled_once_across_runs_from_new_clones(
    compile_cache: ModuleType, compiled: Counter[str], tmp_path: Path, cache_home: Path
) -> None:
    rendered = [  # three copier runs, each with its own clone of the template
        makefile(
            file_environment(compile_cache, clone_with(tmp_path / f"clone{run}", MAKEFILE)),
            "check",
            "build",
        )
        for run in range(3)
    ]
    assert rendered == ["\ncheck:\nbuild:"] * 3
    assert compiled[MAKEFILE] == 1
    assert kept_entries(cache_home)


@pytest.mark.usefixtures("cache_home")
def test_a_changed_file_or_other_settings_compile_again(
    compile_cache: ModuleType, compiled: Counter[str], tmp_path: Path
) -> None:
    first = file_environment(compile_cache, clone_with(tmp_path / "first", MAKEFILE))
    assert makefile(first, "a") == "\na:"
    changed = MAKEFILE.replace(":", " ::")  # a new release changed the file
    later = file_environment(compile_cache, clone_with(tmp_path / "later", changed))
    assert makefile(later, "a") == "\na ::"
    # `copier update` renders the old release again beside the new one: both stay compiled.
    again = file_environment(compile_cache, clone_with(tmp_path / "again", MAKEFILE))
    assert makefile(again, "a") == "\na:"
    assert (compiled[MAKEFILE], compiled[changed]) == (1, 1)
    # The same file under other settings (trim_blocks) compiles to other code.
    clone = clone_with(tmp_path / "trimmed", MAKEFILE)
    assert makefile(file_environment(compile_cache, clone, trim_blocks=True), "a", "b") == "a:b:"
    assert (compiled[MAKEFILE], compiled[changed]) == (2, 1)


def test_without_a_usable_cache_folder_files_still_render(
    compile_cache: ModuleType,
    compiled: Counter[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    for run in range(2):
        env = file_environment(compile_cache, clone_with(tmp_path / f"clone{run}", MAKEFILE))
        assert makefile(env, "x") == "\nx:"
    assert compiled[MAKEFILE] == 2  # compiled in each run, as Jinja does without a cache


def test_the_kept_entries_are_bounded_and_the_newest_stay(
    compile_cache: ModuleType, tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = cache_home / "codeartifact-python-template" / "jinja"
    folder.mkdir(parents=True)
    for age in range(10):  # entry 0 the newest
        entry = folder / f"__jinja2_{age}.cache"
        entry.write_bytes(b"")
        os.utime(entry, (1_000_000 - age, 1_000_000 - age))
    (folder / "notes.txt").write_text("not an entry", encoding="utf-8")
    monkeypatch.setattr(compile_cache, "MOST_ENTRIES", 10)
    assert compile_cache.kept_bytecode() is not None
    assert len(list(folder.iterdir())) == 11  # at the bound: nothing removed
    (folder / "__jinja2_new.cache").write_bytes(b"")  # written now: the newest
    assert compile_cache.kept_bytecode() is not None
    kept = sorted(path.name for path in folder.iterdir())
    newest = ["__jinja2_0.cache", "__jinja2_1.cache", "__jinja2_2.cache", "__jinja2_3.cache"]
    assert kept == [*newest, "__jinja2_new.cache", "notes.txt"]
    # What was removed is compiled again when it is used again.
    clone = clone_with(tmp_path / "clone", MAKEFILE)
    assert makefile(file_environment(compile_cache, clone), "x") == "\nx:"
