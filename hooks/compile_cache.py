"""Copier adapter: each distinct Jinja source is compiled once per environment, not once per use.

Copier renders every question's default, help, type, validator and `when` through
`Environment.from_string`, which compiles its source each time it is called: a default render
of this template compiled 395 template strings, 148 of them distinct (`str` and the answers
file's name dozens of times each). What Jinja compiles a source to depends only on the source
and on the environment's settings, which copier settles when it creates the environment, so the
code compiled once serves every later template made from the same source. A source that fails to
compile is not remembered: it fails again, with the same message, each time it is used. Those
strings are kept compiled across runs too, beside the files below: they are the same in every
run of a template release. In a default copy here, from_string took 45 to 60 ms compiling them,
and takes 10 to 15 ms loading them.

The template's files (the Makefile, the workflows: copier loads them by name) are kept compiled
across runs too, in Jinja's own bytecode cache in the user's cache folder: copier clones the
template afresh for every run, and compiling its files took about half of a default copy's
rendering here. Jinja keys that cache by the file's path, which is new in every clone; here it
is keyed by the template's name, its source's checksum and the environment's settings instead,
and Jinja checks each entry against the file's source before using it.
"""

# ruff: noqa: INP001 - copier loads this file by path; hooks/ is a directory, not a package

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2.bccache import Bucket, FileSystemBytecodeCache
from jinja2.ext import Extension

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Self

    from jinja2 import Environment


# The name a template string is kept under. Jinja gives from_string's templates none; no file is
# named this (a NUL cannot be in a path), so a string never takes a file's entry.
STRING = "\x00from_string"


def cache_compiles(environment: Environment) -> None:
    """Make `environment.compile` remember what it compiled, a template string across runs too."""
    # The class's own method, never the cache of the environment an overlay was copied from.
    compile_source = type(environment).compile

    @functools.cache
    def compile_once(*args: Any, **kwargs: Any) -> Any:  # noqa: ANN401 - Jinja's own signature
        if len(args) == 1 and not kwargs and isinstance(args[0], str):  # from_string's call
            return compile_string(environment, args[0], compile_source)
        return compile_source(environment, *args, **kwargs)

    environment.compile = compile_once  # type: ignore[method-assign]


def compile_string(
    environment: Environment, source: str, compile_source: Callable[[Environment, str], Any]
) -> Any:  # noqa: ANN401 - Jinja's compiled code
    """Compile a template string, or load its code from the kept bytecode cache."""
    kept = environment.bytecode_cache
    if not isinstance(kept, KeptBytecode):
        return compile_source(environment, source)
    bucket = kept.get_bucket(environment, STRING, None, source)
    if bucket.code is None:
        bucket.code = compile_source(environment, source)  # raises before anything is kept
        kept.set_bucket(bucket)
    return bucket.code


def settings_key(environment: Environment) -> str:
    """Describe what, besides a template's source, decides the code Jinja compiles it to."""
    lexer = (
        environment.block_start_string,
        environment.block_end_string,
        environment.variable_start_string,
        environment.variable_end_string,
        environment.comment_start_string,
        environment.comment_end_string,
        environment.line_statement_prefix,
        environment.line_comment_prefix,
        environment.trim_blocks,
        environment.lstrip_blocks,
        environment.newline_sequence,
        environment.keep_trailing_newline,
    )
    extensions = sorted(
        f"{type(extension).__module__}.{type(extension).__qualname__}"
        for extension in environment.extensions.values()
    )
    settings = (
        jinja2.__version__,
        f"{type(environment).__module__}.{type(environment).__qualname__}",
        lexer,
        environment.optimized,
        environment.is_async,
        _described(environment.autoescape),
        _described(environment.finalize),
        extensions,
    )
    return repr(settings)


def _described(value: object) -> str:
    # A function by its name: its repr carries an address that changes with every run.
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', '')}"
    return repr(value)


class KeptBytecode(FileSystemBytecodeCache):
    """Jinja's bytecode cache in a folder, keyed by template name and environment settings."""

    def get_bucket(
        self, environment: Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        """Jinja's own, with another key: the clone's path (`filename`) is new in every run.

        The source's checksum is part of the key, so that `copier update`, which renders the
        old release and the new one in each project, finds both releases' files compiled.
        """
        del filename
        checksum = self.get_source_checksum(source)
        key = hashlib.sha256(f"{settings_key(environment)}|{name}|{checksum}".encode()).hexdigest()
        bucket = Bucket(environment, key, checksum)
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        """Read an entry; one that cannot be read is compiled again."""
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - a damaged entry is only a miss
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Write an entry; a cache that cannot be written only costs the next run a compile."""
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


# A template release leaves about 150 entries (its files and strings, some 750 KB on disk): the
# folder keeps the newest of about ten releases' worth, not every release a machine ever copied.
MOST_ENTRIES = 1500


def kept_bytecode() -> KeptBytecode | None:
    """Return the cache in $XDG_CACHE_HOME/codeartifact-python-template/jinja, or None."""
    xdg = Path(os.environ.get("XDG_CACHE_HOME", ""))
    base = xdg if xdg.is_absolute() else Path.home() / ".cache"
    folder = base / "codeartifact-python-template" / "jinja"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    bound(folder, MOST_ENTRIES)
    return KeptBytecode(str(folder))


def bound(folder: Path, most: int = MOST_ENTRIES) -> None:
    """Past `most` entries, remove the older half (by when each was written).

    A removed entry still in use is only compiled again, and written anew, by the next run.
    """
    try:
        with os.scandir(folder) as found:
            entries = [entry for entry in found if entry.name.endswith(".cache")]
        if len(entries) <= most:
            return
        entries.sort(key=lambda entry: entry.stat().st_mtime, reverse=True)
    except OSError:  # another run removing the same entries: the next run bounds it
        return
    for entry in entries[most // 2 :]:
        with contextlib.suppress(OSError):
            Path(entry.path).unlink()


class CompileCache(Extension):
    """Compile each distinct template source once per Jinja environment."""

    def __init__(self, environment: Environment) -> None:
        """Install the caches on the environment copier creates."""
        super().__init__(environment)
        cache_compiles(environment)
        if environment.bytecode_cache is None:
            environment.bytecode_cache = kept_bytecode()

    def bind(self, environment: Environment) -> Self:
        """Give an overlay its own cache: it copies its parent's, which compiles by its settings."""
        cache_compiles(environment)
        return super().bind(environment)
