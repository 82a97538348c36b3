"""Verdicts: pure functions that turn what the lookups found into a decision and its messages."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from codeartifact_python_tools.guard.names import (
    Policy,
    has_version,
    latest_version,
    name_syntax_problem,
    normalise_name,
    policy_problem,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

CHECK_LATER = "`make check-name` (in the project)"


class Status(enum.Enum):
    """What one lookup learnt about a name."""

    FREE = "free"
    TAKEN = "taken"
    UNKNOWN = "unknown"  # tried and failed: offline, no credentials, timeout
    SKIPPED = "skipped"  # not tried, on purpose (NAME_GUARD_OFFLINE=1, NAME_GUARD_AWS=none)


class Kind(enum.IntEnum):
    """Classes of refusal; the value is the CLI's exit code."""

    INVALID = 3  # syntax or organisation policy
    TAKEN = 4  # name or version exists upstream or in the repository
    UNVERIFIED = 5  # could not check, and the check is strict


@dataclass(frozen=True)
class UpstreamFinding:
    """The public index's answer for one name."""

    status: Status
    url: str = ""
    versions: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class Origin:
    """A package's origin controls in CodeArtifact (ALLOW or BLOCK each)."""

    publish: str
    upstream: str

    @property
    def protected(self) -> bool:
        """Direct publishing allowed, the public upstream blocked."""
        return self.publish == "ALLOW" and self.upstream == "BLOCK"

    def __str__(self) -> str:  # noqa: D105 - "publish=ALLOW, upstream=BLOCK"
        return f"publish={self.publish}, upstream={self.upstream}"


@dataclass(frozen=True)
class PackageGroup:
    """The package group whose origin controls apply to a name (its most specific match).

    Each restriction is the group's effective mode (an INHERIT resolved to its parent's): ALLOW,
    BLOCK or ALLOW_SPECIFIC_REPOSITORIES. A name matches exactly one group, the domain's root
    group `/*` when no other does.
    """

    pattern: str
    publish: str
    external_upstream: str
    internal_upstream: str

    @property
    def blocks_upstream(self) -> bool:
        """No repository of the domain may take versions of the name from the public upstream.

        ALLOW_SPECIFIC_REPOSITORIES does not count: which repositories it lists takes another
        call (ListAllowedRepositoriesForGroup), so such a group is not relied on.
        """
        return self.external_upstream == "BLOCK"

    @property
    def blocks_publishing(self) -> bool:
        """No repository of the domain accepts a version published directly."""
        return self.publish == "BLOCK"

    def __str__(self) -> str:  # noqa: D105 - "the package group /pypi//acme-~ (publish ...)"
        return (
            f"the package group {self.pattern} (publish {self.publish}, external upstream "
            f"{self.external_upstream}, internal upstream {self.internal_upstream})"
        )


def covered_by_group(group: PackageGroup | None, own: Origin | None) -> bool:
    """The name's group blocks the public upstream, and its own controls leave publishing open.

    AWS's "Package group origin controls" page: where a package's own origin controls and its
    group's disagree, BLOCK wins. A group that blocks the external upstream protects the name
    whatever the package's own `upstream` says; a package whose own controls block publishing
    (its first version came from the upstream) stays blocked until they are changed.
    """
    return group is not None and group.blocks_upstream and (own is None or own.publish != "BLOCK")


@dataclass(frozen=True)
class RepositoryFinding:
    """The CodeArtifact control plane's answer for one name (and version)."""

    status: Status
    where: str = "the CodeArtifact repository"
    origin: Origin | None = None
    versions: tuple[str, ...] = ()
    external_versions: tuple[str, ...] = ()  # ingested from the public upstream
    version_status: Status = Status.SKIPPED
    version_external: bool = False
    reason: str = ""
    group: PackageGroup | None = None  # None: not asked, or the lookup failed


@dataclass(frozen=True)
class Problem:
    """One reason to refuse."""

    kind: Kind
    text: str  # what was found, where, what would go wrong, what to do
    summary: str = ""  # a few words for a one-line prompt toolbar


@dataclass(frozen=True)
class Verdict:
    """The decision about a name: refusals, warnings, and free alternatives when it is taken."""

    name: str
    problems: tuple[Problem, ...] = ()
    warnings: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = field(default=())
    checked: tuple[str, ...] = ()  # the places that answered: "the public index (URL)"
    unchecked: tuple[str, ...] = ()  # the places that did not, each with why
    notes: tuple[str, ...] = ()  # facts worth knowing that are neither refusals nor warnings

    @property
    def complete(self) -> bool:
        """Every place was asked and answered: "no collision" means what it says."""
        return not self.unchecked

    @property
    def ok(self) -> bool:
        """No refusal (there may be warnings)."""
        return not self.problems

    @property
    def exit_code(self) -> int:
        """0, or the most serious refusal's code: 4 taken, 3 invalid, 5 unverified."""
        if not self.problems:
            return 0
        kinds = {p.kind for p in self.problems}
        for kind in (Kind.TAKEN, Kind.INVALID, Kind.UNVERIFIED):
            if kind in kinds:
                return int(kind)
        return 1  # pragma: no cover - every Kind is listed above

    @property
    def message(self) -> str:
        """The refusals as one paragraph each, "" when there is none."""
        return "\n".join(p.text for p in self.problems)

    @property
    def summary(self) -> str:
        """The refusals in a few words each, for a one-line toolbar."""
        return "; ".join(p.summary or p.text for p in self.problems)


def _versions(versions: Sequence[str]) -> str:
    if not versions:
        return "no versions"
    latest = latest_version(versions)  # by PEP 440: an index lists files in any order
    return f"{len(versions)} version{'s' * (len(versions) != 1)}, latest {latest}"


def _suggest(suggestions: Sequence[str]) -> str:
    if not suggestions:
        return "Choose another name, e.g. with your organisation's prefix."
    names = ", ".join(suggestions)
    return f"Choose another name; these are free on both: {names}."


def syntax_verdict(name: str, policy: Policy) -> Verdict:
    """Judge the instant part: PEP 508 syntax and the organisation policy."""
    problem = name_syntax_problem(name) or policy_problem(name, policy)
    return Verdict(name, (Problem(Kind.INVALID, problem),) if problem else ())


def assess(  # noqa: C901, PLR0912, PLR0913, PLR0915 - one decision table, keyword-only inputs
    name: str,
    *,
    policy: Policy,
    upstream: UpstreamFinding,
    repository: RepositoryFinding,
    new_package: bool,
    strict: bool,
    version: str = "",
    allow_in_repository: bool = False,
    suggestions: Sequence[str] = (),
) -> Verdict:
    """Decide about `name` (and `version`) from what the lookups found.

    new_package: the name is for a project that does not exist yet (`copier copy`), so finding
    it in the repository is a collision; otherwise the repository is expected to hold it.
    allow_in_repository: the version being in the repository is not a refusal (a publish re-run
    after a partial upload, which `uv publish`'s check URL turns into a no-op).
    """
    first = syntax_verdict(name, policy)
    if not first.ok:
        return first
    norm = normalise_name(name)
    problems: list[Problem] = []
    warnings: list[str] = []
    shown = name if name == norm else f"{name} (normalised: {norm})"
    protected = repository.origin is not None and repository.origin.protected
    group = repository.group
    # The group's controls apply whatever the package's own say (BLOCK wins): see covered_by_group.
    group_blocks = group is not None and group.blocks_upstream
    gaps: list[tuple[str, str, Status]] = []  # lookups that did not answer: where, why, status
    checked: list[str] = []
    unchecked: list[str] = []

    # The public upstream.
    if upstream.status is Status.TAKEN:
        where = f"the public index ({upstream.url}, {_versions(upstream.versions)})"
        if version and has_version(upstream.versions, version):
            problems.append(
                Problem(
                    Kind.TAKEN,
                    f"Version {version} of {shown} exists on {where}. CodeArtifact refuses to "
                    "publish a version its upstream has (409 Conflict), and installers could "
                    "pick either one. Bump the version (make bump-patch) or rename the package.",
                    f"version {version} exists on the public index",
                )
            )
        elif new_package:
            # Even where a package group keeps the public package out of CodeArtifact, an
            # installer that also reads the public index can pick it: a new project must not
            # start with a name someone else publishes.
            consequence = (
                f"{_capital(group)} blocks the public upstream for it, so CodeArtifact would "
                "serve only yours, but"
                if group_blocks
                else "Publishing it to CodeArtifact would fail with 409 Conflict once a version "
                "matches, and"
            )
            problems.append(
                Problem(
                    Kind.TAKEN,
                    f"{shown} is taken on {where}. {consequence} anyone whose index order or "
                    "credentials are wrong would install the public package instead of yours "
                    f"(dependency confusion). {_suggest(suggestions)}",
                    f"{name} is taken on the public index",
                )
            )
        elif protected or group_blocks:
            blocker = (
                f"{repository.where} blocks the upstream for it ({repository.origin})"
                if protected
                else f"{_capital(group)} blocks the public upstream for it in every repository "
                "of the domain"
            )
            warnings.append(
                f"{shown} also exists on {where}. {blocker}, so installs from CodeArtifact get "
                "yours; a consumer that adds the public index as an extra index could still get "
                "the public one."
            )
        else:
            problems.append(
                Problem(
                    Kind.TAKEN,
                    f"{shown} exists on {where}, and {repository.where} does not block the "
                    "upstream for it: installers could pick the public package (dependency "
                    "confusion), and CodeArtifact may ingest it. Run `make protect-name` "
                    "(publish=ALLOW, upstream=BLOCK) if the name is yours, or rename the package.",
                    f"{name} exists on the public index and is not protected",
                )
            )
    elif upstream.status in (Status.UNKNOWN, Status.SKIPPED):
        where = f"the public index{f' ({upstream.url})' if upstream.url else ''}"
        gaps.append((f"on {where}", upstream.reason, upstream.status))
    if upstream.status in (Status.FREE, Status.TAKEN):
        checked.append(f"the public index ({upstream.url})" if upstream.url else "the public index")

    # The CodeArtifact repository.
    if repository.status is Status.TAKEN:
        origin = f"origin controls {repository.origin}" if repository.origin else "no origin info"
        where = f"{repository.where}, with {_versions(repository.versions)} and {origin}"
        if new_package:
            problems.append(
                Problem(
                    Kind.TAKEN,
                    f"{shown} already exists in {where}. A new project with this name would "
                    "publish into another package's history and be refused or mixed up with it. "
                    "If this is your project, take template updates in it instead "
                    "(`make update-template`). "
                    f"{_suggest(suggestions)}",
                    f"{name} already exists in the CodeArtifact repository",
                )
            )
        elif repository.origin is not None and repository.origin.publish == "BLOCK":
            problems.append(
                Problem(
                    Kind.TAKEN,
                    f"Publishing {shown} to {where} is blocked: its first version came from the "
                    "public upstream, so CodeArtifact refuses direct uploads. If the name is "
                    "yours, run `make protect-name` (publish=ALLOW, upstream=BLOCK); otherwise "
                    "rename the package.",
                    f"publishing {name} is blocked in the CodeArtifact repository",
                )
            )
        if version and repository.version_status is Status.TAKEN:
            if repository.version_external:
                problems.append(
                    Problem(
                        Kind.TAKEN,
                        f"Version {version} of {shown} in {repository.where} was ingested from "
                        "the public upstream: the name is someone else's there. Rename the "
                        "package, or bump the version and run `make protect-name`.",
                        f"version {version} came from the public upstream",
                    )
                )
            elif not allow_in_repository:
                problems.append(
                    Problem(
                        Kind.TAKEN,
                        f"Version {version} of {shown} already exists in {repository.where}. "
                        "Published versions are immutable: uploading different files under it "
                        "is refused. Bump the version (make bump-patch) and publish that.",
                        f"version {version} already exists in the CodeArtifact repository",
                    )
                )
        elif version and repository.version_status is Status.UNKNOWN:
            text = (
                f"Version {version} of {shown} was not checked in {repository.where}: "
                f"{repository.reason or 'no answer'}. Check later with {CHECK_LATER}."
            )
            _unverified(text, Status.UNKNOWN, strict=strict, problems=problems, warnings=warnings)
    elif repository.status in (Status.UNKNOWN, Status.SKIPPED):
        gaps.append((f"in {repository.where}", repository.reason, repository.status))
    if repository.status in (Status.FREE, Status.TAKEN):
        checked.append(repository.where)
        if version and repository.version_status is Status.UNKNOWN:
            unchecked.append(f"version {version} in {repository.where}: {repository.reason}")

    # The package group the name belongs to, when its lookup answered.
    if group is not None and group.blocks_publishing:
        problems.append(
            Problem(
                Kind.INVALID,
                f"{_capital(group)} matches {shown} and blocks publishing it to every repository "
                "of the domain: a release would be refused. Ask whoever runs the organisation's "
                "CodeArtifact stack to allow publishing for the group, or choose a name outside "
                "it.",
                f"{group.pattern} blocks publishing {name}",
            )
        )
    notes: list[str] = []
    if covered_by_group(group, repository.origin) and upstream.status is not Status.TAKEN:
        notes.append(
            f"{shown} is covered by {group}: it blocks the public upstream for every name it "
            "matches, in every repository of the domain, so `make protect-name` has nothing to do."
        )

    if gaps:
        whys = {why or "no answer" for _, why, _ in gaps}
        if len(whys) == 1:
            places = " nor ".join(where for where, _, _ in gaps) + f": {whys.pop()}"
        else:
            places = "; nor ".join(f"{where}: {why or 'no answer'}" for where, why, _ in gaps)
        text = (
            f"{shown} was not checked {places}. If the name is taken there, publishing fails "
            "(409 Conflict) or installers may pick another package with the same name. Check "
            f"later with {CHECK_LATER}."
        )
        worst = Status.UNKNOWN if any(g[2] is Status.UNKNOWN for g in gaps) else Status.SKIPPED
        _unverified(text, worst, strict=strict, problems=problems, warnings=warnings)

    return Verdict(
        name,
        tuple(problems),
        tuple(warnings),
        tuple(suggestions) if problems else (),
        checked=tuple(checked),
        unchecked=(*(f"{where[3:]}: {why or 'no answer'}" for where, why, _ in gaps), *unchecked),
        notes=tuple(notes),
    )


def _capital(group: PackageGroup | None) -> str:
    """`The package group ...`, to open a sentence."""
    text = str(group)
    return text[:1].upper() + text[1:]


def _unverified(
    text: str, status: Status, *, strict: bool, problems: list[Problem], warnings: list[str]
) -> None:
    """A lookup that gave no answer: a warning, or with a strict check a refusal.

    Strict refuses a lookup that was switched off too (NAME_GUARD_OFFLINE, NAME_GUARD_AWS=none):
    otherwise one variable would be a way around the organisation's policy.
    """
    if not strict:
        warnings.append(text)
        return
    why = (
        "retry when the lookup can answer"
        if status is Status.UNKNOWN
        else "switch the lookups back on (unset NAME_GUARD_OFFLINE, or NAME_GUARD_AWS=auto)"
    )
    problems.append(
        Problem(
            Kind.UNVERIFIED,
            f"{text} Refused because the name check is strict (name_check_strict, "
            f"NAME_GUARD_STRICT=1 or NAME_CHECK_STRICT=1): {why}.",
            "could not be checked, and the check is strict",
        )
    )
