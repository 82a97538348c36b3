"""Copier adapter: each distinct Jinja source is compiled once per environment, not once per use.

Copier renders every question's default, help, type, validator and `when` through
`Environment.from_string`, which compiles its source each time it is called: a default render
of this template compiled 395 template strings, 148 of them distinct (`str` and the answers
file's name dozens of times each). What Jinja compiles a source to depends only on the source
and on the environment's settings, which copier settles when it creates the environment, so the
code compiled once serves every later template made from the same source. A source that fails to
compile is not remembered: it fails again, with the same message, each time it is used.
"""

# ruff: noqa: INP001 - copier loads this file by path; hooks/ is a directory, not a package

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from jinja2.ext import Extension

if TYPE_CHECKING:
    from typing import Self

    from jinja2 import Environment


def cache_compiles(environment: Environment) -> None:
    """Make `environment.compile` remember what it compiled, for this environment only."""
    # The class's own method, never the cache of the environment an overlay was copied from.
    compile_source = type(environment).compile

    @functools.cache
    def compile_once(*args: Any, **kwargs: Any) -> Any:  # noqa: ANN401 - Jinja's own signature
        return compile_source(environment, *args, **kwargs)

    environment.compile = compile_once  # type: ignore[method-assign]


class CompileCache(Extension):
    """Compile each distinct template source once per Jinja environment."""

    def __init__(self, environment: Environment) -> None:
        """Install the cache on the environment copier creates."""
        super().__init__(environment)
        cache_compiles(environment)

    def bind(self, environment: Environment) -> Self:
        """Give an overlay its own cache: it copies its parent's, which compiles by its settings."""
        cache_compiles(environment)
        return super().bind(environment)
