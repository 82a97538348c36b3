"""Settings: where to look and how hard, read from environment variables and answers (pure)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from codeartifact_python_tools.guard.names import Policy, split_list

if TYPE_CHECKING:
    from collections.abc import Mapping

MAX_TIMEOUT = 3.0
AWS_MODES = ("auto", "boto3", "cli", "none")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in _TRUE


def in_ci(env: Mapping[str, str]) -> bool:
    """Whether this runs in CI (GitHub Actions, or any CI that sets CI=true)."""
    return env.get("GITHUB_ACTIONS") == "true" or _flag(env.get("CI"))


def _timeout(value: str | None) -> float:
    try:
        seconds = float(value) if value else MAX_TIMEOUT
    except ValueError:
        seconds = MAX_TIMEOUT
    return min(max(seconds, 0.1), MAX_TIMEOUT)


@dataclass(frozen=True)
class CodeArtifact:
    """The CodeArtifact repository a package is published to."""

    domain: str = ""
    domain_owner: str = ""
    region: str = ""
    repository: str = ""
    profile: str = ""

    @property
    def configured(self) -> bool:
        """Whether domain, owner, region and repository are all known."""
        return all((self.domain, self.domain_owner, self.region, self.repository))

    def describe(self) -> str:
        """How messages name the repository."""
        if not self.configured:
            return "the CodeArtifact repository"
        return (
            f"CodeArtifact repository {self.repository!r} (domain {self.domain!r}, "
            f"account {self.domain_owner}, {self.region})"
        )


@dataclass(frozen=True)
class Settings:
    """Everything a check needs besides the name; `Settings.from_env()` for the usual sources."""

    codeartifact: CodeArtifact = field(default_factory=CodeArtifact)
    policy: Policy = field(default_factory=Policy)
    upstream_url: str = ""
    timeout: float = MAX_TIMEOUT
    strict: bool = False
    offline: bool = False
    aws: str = "auto"
    suggest: bool = True  # look up free alternatives to suggest for a taken name

    @classmethod
    def from_env(cls, env: Mapping[str, str], **answers: str | bool) -> Settings:
        """Read NAME_GUARD_*, CODEARTIFACT_*, NAME_PREFIX and NAME_CHECK_STRICT; answers fill gaps.

        Answers (keyword arguments) use copier's names: codeartifact_domain, aws_account_id,
        aws_region, codeartifact_repository, aws_profile, name_prefix, name_check_strict and
        upstream_url. The organisation's NAME_GUARD_PREFIX and NAME_GUARD_DENY always apply.
        """

        def pick(env_key: str, answer_key: str) -> str:
            return env.get(env_key) or str(answers.get(answer_key) or "")

        aws = env.get("NAME_GUARD_AWS", "auto").strip().lower() or "auto"
        return cls(
            codeartifact=CodeArtifact(
                domain=pick("CODEARTIFACT_DOMAIN", "codeartifact_domain"),
                domain_owner=pick("CODEARTIFACT_DOMAIN_OWNER", "aws_account_id"),
                region=pick("CODEARTIFACT_REGION", "aws_region"),
                repository=pick("CODEARTIFACT_REPOSITORY", "codeartifact_repository"),
                profile=pick("CODEARTIFACT_PROFILE", "aws_profile"),
            ),
            policy=Policy.from_values(
                [env.get("NAME_GUARD_PREFIX", ""), pick("NAME_PREFIX", "name_prefix")],
                split_list(env.get("NAME_GUARD_DENY", "")),
            ),
            upstream_url=pick("NAME_GUARD_UPSTREAM_URL", "upstream_url"),
            timeout=_timeout(env.get("NAME_GUARD_TIMEOUT")),
            strict=_flag(env.get("NAME_GUARD_STRICT"))
            or _flag(env.get("NAME_CHECK_STRICT"))
            or answers.get("name_check_strict") is True,
            offline=_flag(env.get("NAME_GUARD_OFFLINE")),
            # Off: only the name itself leaves the machine, never an invented alternative.
            suggest=(env.get("NAME_GUARD_SUGGEST") or "1").strip().lower() not in _FALSE,
            aws=aws if aws in AWS_MODES else "auto",
        )

    def replace(self, **changes: object) -> Settings:
        """Return a copy with some fields changed."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]
