"""Verdicts: each finding becomes a refusal or a warning: what, where, why, and what to do."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field

import pytest
from codeartifact_python_tools.guard import api
from codeartifact_python_tools.guard import cli as guard_cli
from codeartifact_python_tools.guard.names import Policy, candidate_names, normalise_name
from codeartifact_python_tools.guard.settings import CodeArtifact, Settings
from codeartifact_python_tools.guard.verdicts import (
    Kind,
    Origin,
    PackageGroup,
    RepositoryFinding,
    Status,
    UpstreamFinding,
    Verdict,
    assess,
    covered_by_group,
)

FREE_UP = UpstreamFinding(Status.FREE, "http://127.0.0.1:1/simple/x/")
FREE_REPO = RepositoryFinding(Status.FREE, "CodeArtifact repository 'python'")
TAKEN_UP = UpstreamFinding(
    Status.TAKEN, "http://127.0.0.1:1/simple/requests/", versions=("2.31.0", "2.32.3")
)
REPO = "CodeArtifact repository 'python'"
# The organisation stack's group for the prefix acme- (org/codeartifact.yml), as resolved.
GROUP = PackageGroup("/pypi//acme-~", "ALLOW_SPECIFIC_REPOSITORIES", "BLOCK", "BLOCK")
ROOT = PackageGroup("/*", "ALLOW", "ALLOW", "ALLOW")  # every domain's root group, unchanged


def judge(name: str = "requests", **kwargs: object) -> Verdict:
    defaults: dict[str, object] = {
        "policy": Policy(),
        "upstream": FREE_UP,
        "repository": FREE_REPO,
        "new_package": True,
        "strict": False,
    }
    return assess(name, **{**defaults, **kwargs})  # type: ignore[arg-type]


def test_a_free_name_passes_silently() -> None:
    verdict = judge("acme-widgets")
    assert verdict.ok
    assert verdict.exit_code == 0
    assert verdict.warnings == ()


def test_taken_upstream_is_refused_with_where_why_and_free_names() -> None:
    verdict = judge(upstream=TAKEN_UP, suggestions=("acme-requests", "requests-lib"))
    assert not verdict.ok
    assert verdict.exit_code == int(Kind.TAKEN) == 4
    text = verdict.message
    assert "requests is taken on the public index" in text  # what and where
    assert "http://127.0.0.1:1/simple/requests/" in text
    assert "2 versions, latest 2.32.3" in text
    assert "409 Conflict" in text  # what would go wrong
    assert "dependency confusion" in text
    assert "acme-requests, requests-lib" in text  # what to do


def test_the_message_shows_the_normalised_form() -> None:
    taken = UpstreamFinding(Status.TAKEN, "u", versions=("3.1.1",))
    verdict = judge("Flask_SQLAlchemy", upstream=taken)
    assert "Flask_SQLAlchemy (normalised: flask-sqlalchemy)" in verdict.message


def test_taken_in_the_repository_is_refused_for_a_new_package() -> None:
    taken = RepositoryFinding(
        Status.TAKEN, REPO, origin=Origin("ALLOW", "BLOCK"), versions=("0.1.0",)
    )
    verdict = judge("acme-widgets", repository=taken)
    assert verdict.exit_code == 4
    assert f"already exists in {REPO}" in verdict.message
    assert "publish=ALLOW, upstream=BLOCK" in verdict.message
    assert "make update-template" in verdict.message


def test_the_projects_own_package_in_the_repository_is_fine() -> None:
    taken = RepositoryFinding(Status.TAKEN, REPO, origin=Origin("ALLOW", "BLOCK"))
    assert judge("acme-widgets", repository=taken, new_package=False).ok


def test_a_repository_that_blocks_publishing_is_refused_with_protect_advice() -> None:
    ingested = RepositoryFinding(Status.TAKEN, REPO, origin=Origin("BLOCK", "ALLOW"))
    verdict = judge("acme-widgets", repository=ingested, new_package=False)
    assert verdict.exit_code == 4
    assert "make protect-name" in verdict.message


def test_taken_upstream_but_protected_is_only_a_warning_for_the_owner() -> None:
    protected = RepositoryFinding(Status.TAKEN, REPO, origin=Origin("ALLOW", "BLOCK"))
    verdict = judge(upstream=TAKEN_UP, repository=protected, new_package=False)
    assert verdict.ok
    assert "blocks the upstream" in verdict.warnings[0]


def test_taken_upstream_and_unprotected_asks_for_protection() -> None:
    open_ = RepositoryFinding(Status.TAKEN, REPO, origin=Origin("ALLOW", "ALLOW"))
    verdict = judge(upstream=TAKEN_UP, repository=open_, new_package=False)
    assert verdict.exit_code == 4
    assert "make protect-name" in verdict.message


@pytest.mark.parametrize("status", [Status.UNKNOWN, Status.SKIPPED])
def test_unverifiable_is_a_warning_naming_what_and_how_to_check_later(status: Status) -> None:
    upstream = UpstreamFinding(status, "http://127.0.0.1:9/simple/x/", reason="unreachable")
    repository = RepositoryFinding(status, REPO, reason="no valid AWS credentials")
    verdict = judge("acme-widgets", upstream=upstream, repository=repository)
    assert verdict.ok
    (warning,) = verdict.warnings
    assert "not checked on the public index" in warning
    assert f"nor in {REPO}" in warning
    assert "unreachable" in warning
    assert "no valid AWS credentials" in warning
    assert "make check-name" in warning


def test_strict_refuses_what_failed_and_what_was_switched_off() -> None:
    failed = UpstreamFinding(Status.UNKNOWN, reason="no answer within 3 s")
    verdict = judge("acme-widgets", upstream=failed, strict=True)
    assert verdict.exit_code == int(Kind.UNVERIFIED) == 5
    assert "strict" in verdict.message
    assert "retry when the lookup can answer" in verdict.message
    # Switched off on purpose is no way around a strict check: one variable would be enough.
    off = UpstreamFinding(Status.SKIPPED, reason="lookups are off (NAME_GUARD_OFFLINE=1)")
    refused = judge("acme-widgets", upstream=off, strict=True)
    assert refused.exit_code == 5
    assert "lookups are off (NAME_GUARD_OFFLINE=1)" in refused.message
    assert "switch the lookups back on" in refused.message
    skipped = RepositoryFinding(Status.SKIPPED, REPO, reason="NAME_GUARD_AWS=none")
    assert judge("acme-widgets", repository=skipped, strict=True).exit_code == 5
    assert judge("acme-widgets", upstream=off).ok  # not strict: a warning


def test_invalid_names_and_policy_come_first() -> None:
    assert judge("-x").exit_code == int(Kind.INVALID) == 3
    policy = Policy.from_values(["acme-"], [])
    verdict = judge("widgets", policy=policy, upstream=TAKEN_UP)
    assert verdict.exit_code == 3
    assert "prefix" in verdict.message


def test_a_version_on_the_public_index_is_refused() -> None:
    protected = RepositoryFinding(Status.TAKEN, REPO, origin=Origin("ALLOW", "BLOCK"))
    verdict = judge(upstream=TAKEN_UP, repository=protected, new_package=False, version="2.32.3")
    assert verdict.exit_code == 4
    assert "Version 2.32.3 of requests exists on the public index" in verdict.message
    assert "Bump the version" in verdict.message


def test_a_version_in_the_repository_is_refused_unless_allowed() -> None:
    repo = RepositoryFinding(
        Status.TAKEN, REPO, origin=Origin("ALLOW", "BLOCK"), version_status=Status.TAKEN
    )
    refused = judge("acme-widgets", repository=repo, new_package=False, version="0.1.0")
    assert refused.exit_code == 4
    assert f"Version 0.1.0 of acme-widgets already exists in {REPO}" in refused.message
    allowed = judge(
        "acme-widgets",
        repository=repo,
        new_package=False,
        version="0.1.0",
        allow_in_repository=True,
    )
    assert allowed.ok


def test_a_version_ingested_from_upstream_is_refused_even_when_allowed() -> None:
    repo = RepositoryFinding(
        Status.TAKEN,
        REPO,
        origin=Origin("ALLOW", "ALLOW"),
        version_status=Status.TAKEN,
        version_external=True,
    )
    verdict = judge(
        "acme-widgets",
        repository=repo,
        new_package=False,
        version="0.1.0",
        allow_in_repository=True,
    )
    assert verdict.exit_code == 4
    assert "ingested from the public upstream" in verdict.message


# --- Package groups: a name whose group blocks the public upstream -----------------------------


def test_a_group_that_blocks_the_upstream_makes_a_public_twin_a_warning_for_the_owner() -> None:
    """Like a package's own upstream BLOCK: CodeArtifact cannot hand out the public one."""
    own_open = RepositoryFinding(Status.TAKEN, REPO, origin=Origin("ALLOW", "ALLOW"), group=GROUP)
    verdict = judge(upstream=TAKEN_UP, repository=own_open, new_package=False)
    assert verdict.ok
    (warning,) = verdict.warnings
    assert "The package group /pypi//acme-~ (publish ALLOW_SPECIFIC_REPOSITORIES, " in warning
    assert "blocks the public upstream for it in every repository of the domain" in warning
    assert "extra index could still get the public one" in warning
    # Not yet published: the group applies to the name all the same.
    unpublished = RepositoryFinding(Status.FREE, REPO, group=GROUP)
    assert judge(upstream=TAKEN_UP, repository=unpublished, new_package=False).ok


def test_a_new_package_whose_name_is_public_is_refused_even_inside_the_group() -> None:
    """An installer that also reads the public index can still pick the other package."""
    inside = RepositoryFinding(Status.FREE, REPO, group=GROUP)
    verdict = judge(upstream=TAKEN_UP, repository=inside, suggestions=("acme-requests",))
    assert verdict.exit_code == 4
    assert "requests is taken on the public index" in verdict.message
    assert "The package group /pypi//acme-~ (" in verdict.message
    assert "blocks the public upstream for it, so CodeArtifact would serve only yours" in (
        verdict.message
    )
    assert "409" not in verdict.message  # with the upstream blocked, publishing would not clash
    assert "dependency confusion" in verdict.message
    assert "acme-requests" in verdict.message


def test_a_free_name_inside_the_group_is_noted_and_needs_no_protect_name() -> None:
    verdict = judge("acme-widgets", repository=RepositoryFinding(Status.FREE, REPO, group=GROUP))
    assert verdict.ok
    assert verdict.warnings == ()
    (note,) = verdict.notes
    assert note.startswith("acme-widgets is covered by the package group /pypi//acme-~ (")
    assert "`make protect-name` has nothing to do" in note
    err = io.StringIO()
    assert guard_cli.report(verdict, "acme-widgets", err) == 0
    assert err.getvalue().splitlines()[0] == f"name guard: note: {note}"


@pytest.mark.parametrize(
    "group",
    [
        ROOT,
        # Which repositories may take from the public upstream is another call's answer.
        PackageGroup("/pypi//acme-~", "ALLOW", "ALLOW_SPECIFIC_REPOSITORIES", "BLOCK"),
        None,  # unknown: its lookup failed
    ],
    ids=["root", "specific-repositories", "unknown"],
)
def test_a_group_that_does_not_block_the_upstream_changes_nothing(
    group: PackageGroup | None,
) -> None:
    open_ = RepositoryFinding(Status.TAKEN, REPO, origin=Origin("ALLOW", "ALLOW"), group=group)
    verdict = judge(upstream=TAKEN_UP, repository=open_, new_package=False)
    assert verdict.exit_code == 4
    assert "make protect-name" in verdict.message
    assert verdict.notes == ()


def test_a_packages_own_publish_block_wins_over_its_group() -> None:
    """AWS: BLOCK wins. The first version came from the upstream; the group does not undo it."""
    ingested = RepositoryFinding(Status.TAKEN, REPO, origin=Origin("BLOCK", "ALLOW"), group=GROUP)
    verdict = judge("acme-widgets", repository=ingested, new_package=False)
    assert verdict.exit_code == 4
    assert "Publishing acme-widgets to" in verdict.message
    assert "make protect-name" in verdict.message
    assert verdict.notes == ()  # protect-name has something to do here


def test_a_group_that_blocks_publishing_refuses_the_name_as_organisation_policy() -> None:
    closed = PackageGroup("/pypi//acme-~", "BLOCK", "BLOCK", "BLOCK")
    verdict = judge("acme-widgets", repository=RepositoryFinding(Status.FREE, REPO, group=closed))
    assert verdict.exit_code == int(Kind.INVALID) == 3
    assert "blocks publishing it to every repository of the domain" in verdict.message


@pytest.mark.parametrize(
    ("group", "own", "verdict"),
    [
        (GROUP, None, "covered"),  # no package yet
        (GROUP, Origin("ALLOW", "ALLOW"), "covered"),  # the group's BLOCK wins over the own ALLOW
        (GROUP, Origin("ALLOW", "BLOCK"), "covered"),
        (GROUP, Origin("BLOCK", "ALLOW"), "open"),  # publishing stays blocked: protect-name's job
        (ROOT, None, "open"),
        (None, None, "open"),
    ],
)
def test_what_a_group_covers(group: PackageGroup | None, own: Origin | None, verdict: str) -> None:
    assert ("covered" if covered_by_group(group, own) else "open") == verdict


# --- check_name / check_release with injected lookups -------------------------------------------


def test_the_group_is_asked_for_the_name_only_not_its_alternatives() -> None:
    source = DictLookups(upstream_taken={"requests": ("2.32.3",)})
    verdict = api.check_name("requests", SETTINGS, new_package=True, source=source)
    assert verdict.suggestions
    assert source.groups_asked == ["requests"]


@dataclass
class DictLookups:
    """Findings from dicts; records every name asked."""

    upstream_taken: dict[str, tuple[str, ...]] = field(default_factory=dict)
    repository_taken: dict[str, RepositoryFinding] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    def upstream(self, name: str) -> UpstreamFinding:
        self.asked.append(name)
        versions = self.upstream_taken.get(normalise_name(name))
        if versions is None:
            return UpstreamFinding(Status.FREE, "local")
        return UpstreamFinding(Status.TAKEN, "local", versions)

    groups_asked: list[str] = field(default_factory=list)

    repository_asked: list[str] = field(default_factory=list)
    processes: bool = False  # True: as through the aws CLI, a process for each repository lookup

    def repository(self, name: str, version: str, *, group: bool = True) -> RepositoryFinding:
        del version
        self.repository_asked.append(name)
        if group:
            self.groups_asked.append(name)
        return self.repository_taken.get(normalise_name(name), FREE_REPO)

    def repository_lookups_are_processes(self) -> bool:
        return self.processes


SETTINGS = Settings(codeartifact=CodeArtifact("acme", "123456789012", "eu-west-1", "python"))


def test_suggestions_are_checked_and_only_free_ones_offered() -> None:
    source = DictLookups(upstream_taken={"requests": ("2.32.3",), "acme-requests": ("1.0",)})
    source.repository_taken["requests-acme"] = RepositoryFinding(Status.TAKEN, REPO)
    verdict = api.check_name("requests", SETTINGS, new_package=True, source=source)
    assert not verdict.ok
    assert verdict.suggestions
    assert "acme-requests" not in verdict.suggestions  # taken upstream
    assert "requests-acme" not in verdict.suggestions  # taken in the repository
    assert verdict.suggestions == ("requests-lib", "requests-tools")
    assert "acme-requests" in source.asked  # each suggestion was looked up


def test_through_the_cli_a_free_name_starts_no_lookup_of_its_alternatives_in_codeartifact() -> None:
    """Each lookup through the aws CLI is a process: only a taken name's alternatives need one."""
    source = DictLookups(processes=True)
    verdict = api.check_name("acme-widgets", SETTINGS, new_package=True, source=source)
    assert verdict.ok
    assert source.repository_asked == ["acme-widgets"]
    assert len(source.asked) > 1  # the public index is still asked about them in the same round


def test_through_the_cli_a_taken_names_suggestions_are_still_checked_in_codeartifact() -> None:
    source = DictLookups(upstream_taken={"requests": ("2.32.3",), "acme-requests": ("1.0",)})
    source.processes = True
    source.repository_taken["requests-acme"] = RepositoryFinding(Status.TAKEN, REPO)
    verdict = api.check_name("requests", SETTINGS, new_package=True, source=source)
    assert not verdict.ok
    assert source.repository_asked[0] == "requests"
    assert sorted(source.repository_asked[1:]) == sorted(
        candidate_names("requests", Policy(), "acme")
    )
    assert verdict.suggestions == ("requests-lib", "requests-tools")


def test_no_alternative_leaves_the_machine_when_suggestions_are_off() -> None:
    """NAME_GUARD_SUGGEST=0: the public index is asked about the name alone."""
    settings = Settings.from_env(
        {"NAME_GUARD_SUGGEST": "0"},
        codeartifact_domain="acme",
        aws_account_id="123456789012",
        aws_region="eu-west-1",
        codeartifact_repository="python",
    )
    assert settings.suggest is False
    source = DictLookups(upstream_taken={"requests": ("2.32.3",)})
    verdict = api.check_name("requests", settings, new_package=True, source=source)
    assert not verdict.ok
    assert verdict.suggestions == ()
    assert set(source.asked) == {"requests"}
    assert "Choose another name" in verdict.message
    assert Settings.from_env({}).suggest is True


def test_suggestions_keep_the_organisation_prefix() -> None:
    settings = Settings(
        codeartifact=SETTINGS.codeartifact, policy=Policy.from_values(["acme-"], [])
    )
    source = DictLookups(upstream_taken={"acme-requests": ("1.0",)})
    verdict = api.check_name("acme-requests", settings, new_package=True, source=source)
    assert verdict.suggestions
    assert all(s.startswith("acme-") for s in verdict.suggestions)


def test_a_syntax_problem_asks_nothing() -> None:
    source = DictLookups()
    assert api.check_name("-x", SETTINGS, source=source).exit_code == 3
    assert source.asked == []


def test_check_release_allows_a_rerun_but_not_an_upstream_version() -> None:
    repo = RepositoryFinding(
        Status.TAKEN, REPO, origin=Origin("ALLOW", "BLOCK"), version_status=Status.TAKEN
    )
    source = DictLookups(repository_taken={"acme-widgets": repo})
    assert not api.check_release("acme-widgets", "0.1.0", SETTINGS, source=source).ok
    rerun = api.check_release(
        "acme-widgets", "0.1.0", SETTINGS, allow_in_repository=True, source=source
    )
    assert rerun.ok
    source.upstream_taken["acme-widgets"] = ("0.1.0",)
    upstream = api.check_release(
        "acme-widgets", "0.1.0", SETTINGS, allow_in_repository=True, source=source
    )
    assert upstream.exit_code == 4
    assert "public index" in upstream.message


def test_settings_from_the_environment() -> None:
    env = {
        "CODEARTIFACT_DOMAIN": "acme",
        "CODEARTIFACT_DOMAIN_OWNER": "000123456789",
        "CODEARTIFACT_REGION": "us-east-2",
        "CODEARTIFACT_REPOSITORY": "python-internal",
        "CODEARTIFACT_PROFILE": "",
        "NAME_PREFIX": "acme-",
        "NAME_CHECK_STRICT": "1",
        "NAME_GUARD_PREFIX": "acme",
        "NAME_GUARD_DENY": "acme-test,acme-tmp-*",
        "NAME_GUARD_TIMEOUT": "30",
        "NAME_GUARD_AWS": "bogus",
    }
    settings = Settings.from_env(env, aws_profile="integration")
    assert settings.codeartifact == CodeArtifact(
        "acme", "000123456789", "us-east-2", "python-internal", "integration"
    )
    assert settings.policy.prefixes == ("acme", "acme-")
    assert settings.policy.deny == ("acme-test", "acme-tmp-*")
    assert settings.strict
    assert settings.timeout == 3.0  # never more than 3 s
    assert settings.aws == "auto"


# --- Hardening: PEP 440 order, one round for suggestions, what was and wasn't checked ----------


def test_latest_version_is_the_highest_by_pep_440_not_the_last_listed() -> None:
    listed = ("1.10.0", "2.0.0rc1", "1.9.0", "2.0.0.dev3", "1.10.0.post1")
    verdict = judge(upstream=UpstreamFinding(Status.TAKEN, "local", versions=listed))
    assert "5 versions, latest 2.0.0rc1" in verdict.message


@pytest.mark.parametrize(
    "versions",
    [
        ["1.0", "1.0.0", "1.0.post1", "1.0a1", "1.0b2", "1.0rc1", "1.0.dev1", "1.0a1.dev2"],
        ["1.0.post1.dev3", "1.10", "1.9", "2!0.1", "1.0+local.1", "1.0+local.a", "0.9"],
        ["1.0rc1.post1", "1.0-1", "1.0.post0", "1.1.dev0", "1.0c2", "v1.2", "1.0.post", "1.0r3"],
    ],
)
def test_the_version_order_is_packagings(versions: list[str]) -> None:
    from codeartifact_python_tools.guard.names import version_key  # noqa: PLC0415
    from packaging.version import Version  # noqa: PLC0415 - the reference, in tests only

    assert sorted(versions, key=version_key) == sorted(versions, key=Version)
    assert version_key("not a version") < version_key("0")


@dataclass
class SlowLookups(DictLookups):
    """DictLookups where every lookup takes `delay` seconds, as over a slow network."""

    delay: float = 1.0  # well above a loaded machine's thread start-up, so one round is clear

    def upstream(self, name: str) -> UpstreamFinding:
        time.sleep(self.delay)
        return super().upstream(name)

    def repository(self, name: str, version: str, *, group: bool = True) -> RepositoryFinding:
        time.sleep(self.delay)
        return super().repository(name, version, group=group)


def test_a_taken_name_and_its_suggestions_take_one_lookup_round() -> None:
    source = SlowLookups(upstream_taken={"requests": ("2.32.3",)})
    started = time.monotonic()
    verdict = api.check_name("requests", SETTINGS, new_package=True, source=source)
    elapsed = time.monotonic() - started
    assert verdict.suggestions
    assert len(source.asked) > 2  # the name and its alternatives...
    # ...asked concurrently: two sequential rounds would take 2 x 1 s at least.
    assert elapsed < 2 * source.delay, elapsed


def test_a_verdict_says_what_was_checked_and_what_was_not() -> None:
    skipped = RepositoryFinding(Status.SKIPPED, REPO, reason="NAME_GUARD_AWS=none")
    verdict = judge("acme-widgets", repository=skipped)
    assert verdict.ok
    assert not verdict.complete
    assert verdict.checked == ("the public index (http://127.0.0.1:1/simple/x/)",)
    assert verdict.unchecked == (f"{REPO}: NAME_GUARD_AWS=none",)
    assert judge("acme-widgets").complete


def test_a_reason_already_in_a_warning_is_not_printed_again() -> None:
    """`make publish` without AWS credentials printed the how-to-sign-in paragraph twice."""
    why = (
        "no AWS credentials configured (no AWS_* credentials in the environment, no AWS config "
        "or credentials file); sign in first, e.g. `aws configure sso` then `aws sso login`"
    )
    unknown = RepositoryFinding(Status.UNKNOWN, REPO, reason=why)
    verdict = judge("acme-widgets", repository=unknown)
    err = io.StringIO()
    assert guard_cli.report(verdict, "acme-widgets 0.1.0", err) == 0
    said = err.getvalue()
    assert said.count(why) == 1
    warning, incomplete = said.splitlines()
    assert warning.startswith(f"name guard: warning: acme-widgets was not checked in {REPO}: ")
    assert incomplete == (
        "name guard: incomplete: acme-widgets 0.1.0: checked the public index "
        f"(http://127.0.0.1:1/simple/x/); NOT checked {REPO} (the warning above says why)"
    )
    # A place no warning explains keeps its reason on the last line.
    later = RepositoryFinding(
        Status.FREE, REPO, version_status=Status.UNKNOWN, reason="the version lookup timed out"
    )
    err = io.StringIO()
    guard_cli.report(judge("acme-widgets", version="0.1.0", repository=later), "x", err)
    assert f"NOT checked version 0.1.0 in {REPO}: the version lookup timed out" in err.getvalue()
