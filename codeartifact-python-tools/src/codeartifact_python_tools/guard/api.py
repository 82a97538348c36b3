"""The guard's entry points: a name or a release checked against both places, and protection."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Protocol

from codeartifact_python_tools import codeartifact, upstream
from codeartifact_python_tools.bounded import Calls
from codeartifact_python_tools.guard.names import candidate_names
from codeartifact_python_tools.guard.settings import Settings
from codeartifact_python_tools.guard.verdicts import (
    RepositoryFinding,
    Status,
    UpstreamFinding,
    Verdict,
    assess,
    syntax_verdict,
)

if TYPE_CHECKING:
    from collections.abc import Callable

MAX_SUGGESTIONS = 3


class Lookups(Protocol):
    """Where findings come from: the network by default, a dict in unit tests."""

    def upstream(self, name: str) -> UpstreamFinding:
        """Return the public index's finding."""
        ...

    def repository(self, name: str, version: str, *, group: bool = True) -> RepositoryFinding:
        """Return the CodeArtifact repository's finding; with `group`, the name's package group."""
        ...

    def repository_lookups_are_processes(self) -> bool:
        """Whether each repository lookup starts a process (the aws CLI), too costly to waste."""
        ...


@dataclass(frozen=True)
class NetworkLookups:
    """The real lookups (upstream.py, codeartifact.py): bounded, concurrent, cached per name."""

    settings: Settings

    def upstream(self, name: str) -> UpstreamFinding:
        """Ask the public index."""
        return upstream.lookup_upstream(name, self.settings)

    def repository(self, name: str, version: str, *, group: bool = True) -> RepositoryFinding:
        """Ask CodeArtifact's control plane."""
        return codeartifact.lookup_repository(name, self.settings, version, group=group)

    def repository_lookups_are_processes(self) -> bool:
        """Whether CodeArtifact is asked through the aws CLI, a process for each lookup."""
        return codeartifact.asks_through_the_cli(self.settings)


def _round(
    names: list[str], version: str, source: Lookups, timeout: float
) -> dict[str, tuple[UpstreamFinding, RepositoryFinding]]:
    """Look every name up in both places in one concurrent round, bounded by one timeout.

    The first name is the one being checked, the others its alternatives: they are asked in the
    same round (a refusal with suggestions costs one timeout, not two), but waited for only when
    the first name is taken. A free name's verdict does not wait for them. Through the aws CLI,
    where each CodeArtifact lookup is a process (about half a second of CPU), the alternatives'
    CodeArtifact lookups start only once the name is known to be taken, with a bound of their
    own: a free name, the usual case, starts two processes instead of up to six, and a refusal's
    suggestions wait for one more CodeArtifact call.
    """
    first = names[0]
    calls: dict[str, Callable[[], UpstreamFinding | RepositoryFinding]] = {}
    later: dict[str, Callable[[], UpstreamFinding | RepositoryFinding]] = {}
    processes = source.repository_lookups_are_processes()
    for index, name in enumerate(names):
        # Only the name itself is checked with a version and its package group: an alternative
        # needs only to be free.
        wanted = version if index == 0 else ""
        calls[f"upstream:{name}"] = partial(source.upstream, name)
        ask = partial(source.repository, name, wanted, group=index == 0)
        (later if processes and name != first else calls)[f"repository:{name}"] = ask
    # The lookups bound themselves; this outer bound only guards against one that does not.
    deadline = time.monotonic() + timeout + 0.5
    started = Calls(calls)
    found = started.wait([f"upstream:{first}", f"repository:{first}"], deadline)
    if any(getattr(found[key], "status", None) is Status.TAKEN for key in found):
        then = Calls(later)
        found |= started.wait(calls, deadline)
        found |= then.wait(later, max(deadline, time.monotonic() + timeout + 0.5))
    late = f"no answer within {timeout:g} s"
    results: dict[str, tuple[UpstreamFinding, RepositoryFinding]] = {}
    for name in names:
        upstream, repository = found.get(f"upstream:{name}"), found.get(f"repository:{name}")
        if not isinstance(upstream, UpstreamFinding):
            upstream = UpstreamFinding(Status.UNKNOWN, reason=late)
        if not isinstance(repository, RepositoryFinding):
            repository = RepositoryFinding(Status.UNKNOWN, reason=late)
        results[name] = (upstream, repository)
    return results


def _free(found: dict[str, tuple[UpstreamFinding, RepositoryFinding]]) -> list[str]:
    return [
        name
        for name, (upstream, repository) in found.items()
        if upstream.status is Status.FREE and repository.status is not Status.TAKEN
    ][:MAX_SUGGESTIONS]


def prefetch(name: str, settings: Settings) -> None:
    """Start the public index's lookup of `name` now, in the background; its answer is cached.

    The copier adapter calls it as it loads, with the name a --defaults copy will use, so the
    network wait overlaps copier's own start-up instead of following it. A later check of the
    same name waits for this lookup instead of starting another.
    """
    if settings.offline or not syntax_verdict(name, settings.policy).ok:
        return
    # Where to ask is found here, before the lookup's thread starts: the thread then begins with
    # the request while the caller goes on, instead of sharing the interpreter with it first.
    upstream.index_of_the_run(settings)
    Calls({"prefetch": partial(NetworkLookups(settings).upstream, name)})


def check_name(  # noqa: PLR0913 - keyword-only options of one public call
    name: str,
    settings: Settings | None = None,
    *,
    new_package: bool = False,
    version: str = "",
    allow_in_repository: bool = False,
    source: Lookups | None = None,
) -> Verdict:
    """Check `name` (and `version`): syntax and policy first, then both lookups, concurrently.

    new_package=True is `copier copy`: the name must not exist in the CodeArtifact repository
    either, and the alternatives to suggest are looked up in the same round as the name, so a
    verdict with suggestions takes one lookup timeout, not two. Otherwise the repository is
    expected to hold the name (the project's own package).
    """
    settings = Settings.from_env(os.environ) if settings is None else settings
    first = syntax_verdict(name, settings.policy)
    if not first.ok:
        return first
    source = NetworkLookups(settings) if source is None else source
    candidates = (
        candidate_names(name, settings.policy, org=settings.codeartifact.domain)
        if new_package and settings.suggest
        else []
    )
    found = _round([name, *candidates], version, source, settings.timeout)
    upstream, repository = found.pop(name)
    verdict = assess(
        name,
        policy=settings.policy,
        upstream=upstream,
        repository=repository,
        new_package=new_package,
        strict=settings.strict,
        version=version,
        allow_in_repository=allow_in_repository,
        suggestions=_free(found),
    )
    if Status.TAKEN not in (upstream.status, repository.status):
        return replace(verdict, suggestions=())  # suggestions are for a taken name only
    return verdict


def check_release(
    name: str,
    version: str,
    settings: Settings | None = None,
    *,
    allow_in_repository: bool = False,
    source: Lookups | None = None,
) -> Verdict:
    """Check that `version` of the project's own package `name` may be published.

    Refused: the version (or, unprotected, the name) exists on the public index; the version
    exists in the repository; the repository blocks direct publishing. With
    allow_in_repository=True the version already being in the repository is accepted, as long
    as it was published there and not ingested from the upstream: a publish script whose upload
    skips identical files (`uv publish` with a check URL) can then be re-run after a partial
    upload.
    """
    return check_name(
        name,
        settings,
        new_package=False,
        version=version,
        allow_in_repository=allow_in_repository,
        source=source,
    )


def protect_name(
    name: str, settings: Settings | None = None, plane: codeartifact.ControlPlane | None = None
) -> codeartifact.Protection:
    """Block the public upstream for `name` in the repository: publish=ALLOW, upstream=BLOCK.

    Nothing is set when the name's package group blocks the public upstream already and the
    package's own controls leave publishing open (`changed` is False in the result).
    """
    settings = Settings.from_env(os.environ) if settings is None else settings
    first = syntax_verdict(name, settings.policy)
    if not first.ok:
        return codeartifact.Protection(ok=False, message=first.message)
    return codeartifact.set_origin_controls(name, settings, plane)
