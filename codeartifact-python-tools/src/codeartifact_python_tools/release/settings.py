"""The project's CodeArtifact settings, read from the environment the Makefile exports."""

from __future__ import annotations

import dataclasses
import math
import os
import re
import urllib.parse
from dataclasses import dataclass
from typing import TYPE_CHECKING

from codeartifact_python_tools.release.errors import ExitCode, ReleaseError

if TYPE_CHECKING:
    from collections.abc import Mapping

INDEX_NAME = "codeartifact"  # [[tool.uv.index]] name in pyproject.toml
USERNAME = "aws"  # CodeArtifact's only user name
PASSWORD_VARIABLE = "UV_INDEX_CODEARTIFACT_PASSWORD"  # noqa: S105 - a variable name
USERNAME_VARIABLE = "UV_INDEX_CODEARTIFACT_USERNAME"
# A staged release's repository: its [[tool.uv.index]] name, and the Makefile's variable.
STAGING_INDEX_NAME = "codeartifact-staging"
STAGING_VARIABLE = "CODEARTIFACT_STAGING_REPOSITORY"
_REQUIRED = (
    "CODEARTIFACT_DOMAIN",
    "CODEARTIFACT_DOMAIN_OWNER",
    "CODEARTIFACT_REGION",
    "CODEARTIFACT_REPOSITORY",
)


@dataclass(frozen=True)
class Settings:
    """Where the project publishes: the Makefile's constants, or a test index given by URL."""

    domain: str
    owner: str
    region: str
    repository: str
    profile: str
    index_url: str
    publish_url: str
    overridden: bool
    index_name: str = INDEX_NAME  # its [[tool.uv.index]] name: STAGING_INDEX_NAME for staging

    @property
    def staging(self) -> bool:
        """Whether this is a staged release's staging repository."""
        return self.index_name == STAGING_INDEX_NAME

    @property
    def password_variable(self) -> str:
        """The variable uv reads this index's password from: UV_INDEX_<NAME>_PASSWORD."""
        return f"UV_INDEX_{_variable_part(self.index_name)}_PASSWORD"

    @property
    def username_variable(self) -> str:
        """The variable uv reads this index's user name from: UV_INDEX_<NAME>_USERNAME."""
        return f"UV_INDEX_{_variable_part(self.index_name)}_USERNAME"

    @property
    def service(self) -> str:
        """Return the origin uv stores the token for: one token serves the whole domain."""
        parts = urllib.parse.urlsplit(self.index_url)
        return f"{parts.scheme}://{parts.netloc}/"

    def project_url(self, name: str) -> str:
        """Return the simple-API page of one project on the index."""
        return f"{self.index_url}{normalise(name)}/"


def seconds(
    variable: str,
    default: float,
    bounds: tuple[float, float],
    environ: Mapping[str, str] | None = None,
) -> float:
    """A duration from an environment variable: the default if unset or not a number, clamped."""
    env = os.environ if environ is None else environ
    try:
        value = float(env.get(variable, "") or default)
    except ValueError:
        value = default
    if math.isnan(value):
        value = default
    low, high = bounds
    return min(max(value, low), high)


def normalise(name: str) -> str:
    """PEP 503 normalised project name: CodeArtifact and the simple API both use it."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _variable_part(index_name: str) -> str:
    """An index name as uv writes it in variable names: upper case, `-` as `_`."""
    return index_name.upper().replace("-", "_")


def dns_suffix(region: str) -> str:
    """Return the endpoints' domain in the region's AWS partition (China's differs)."""
    return "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"


def load(environ: Mapping[str, str] | None = None) -> Settings:
    """Read the settings; CODEARTIFACT_INDEX_URL (and _PUBLISH_URL) point uv at another index."""
    env = os.environ if environ is None else environ
    missing = [key for key in _REQUIRED if not env.get(key, "").strip()]
    if missing:
        msg = (
            f"{', '.join(missing)} not set: these come from the Makefile's header. "
            "Run the make target (e.g. `make publish`), not the tools on their own."
        )
        raise ReleaseError(ExitCode.CONFIG, msg)
    domain, owner, region, repository = (env[key].strip() for key in _REQUIRED)
    index_url, publish_url = _urls(env, "CODEARTIFACT", (domain, owner, region, repository))
    return Settings(
        domain=domain,
        owner=owner,
        region=region,
        repository=repository,
        profile=env.get("CODEARTIFACT_PROFILE", "").strip(),
        index_url=index_url,
        publish_url=publish_url,
        overridden=bool(env.get("CODEARTIFACT_INDEX_URL", "").strip()),
    )


def _urls(env: Mapping[str, str], prefix: str, where: tuple[str, str, str, str]) -> tuple[str, str]:
    """The index and publish URLs of (domain, owner, region, repository).

    <prefix>_INDEX_URL (and <prefix>_PUBLISH_URL) name another index instead, e.g. a local one.
    """
    domain, owner, region, repository = where
    host = f"{domain}-{owner}.d.codeartifact.{region}.{dns_suffix(region)}"
    base = f"https://{host}/pypi/{repository}/"
    index_url = env.get(f"{prefix}_INDEX_URL", "").strip()
    publish_url = env.get(f"{prefix}_PUBLISH_URL", "").strip()
    if index_url:
        index_url = index_url.rstrip("/") + "/"
        publish_url = publish_url or re.sub(r"simple/$", "", index_url)
    return index_url or f"{base}simple/", publish_url or base


def load_staging(environ: Mapping[str, str] | None = None) -> Settings:
    """The staging repository of a staged release: CODEARTIFACT_STAGING_REPOSITORY, same domain.

    CODEARTIFACT_STAGING_INDEX_URL (and _PUBLISH_URL) point uv at another index, as
    CODEARTIFACT_INDEX_URL does for the release repository.
    """
    env = os.environ if environ is None else environ
    release = load(env)
    repository = env.get(STAGING_VARIABLE, "").strip()
    if not repository:
        msg = (
            f"{STAGING_VARIABLE} is not set: this project publishes straight to "
            f"{release.repository} (`make publish`), its copier answer "
            "codeartifact_staging_repository is empty. To stage its releases, "
            "`make update-template DATA=codeartifact_staging_repository=NAME` with the "
            "organisation's staging repository."
        )
        raise ReleaseError(ExitCode.CONFIG, msg)
    if repository == release.repository:
        msg = (
            f"{STAGING_VARIABLE} names the release repository {repository}: staging must be "
            "another repository, one consumers never read (the Makefile's header)."
        )
        raise ReleaseError(ExitCode.CONFIG, msg)
    prefix = "CODEARTIFACT_STAGING"
    where = (release.domain, release.owner, release.region, repository)
    index_url, publish_url = _urls(env, prefix, where)
    return dataclasses.replace(
        release,
        repository=repository,
        index_url=index_url,
        publish_url=publish_url,
        overridden=bool(env.get(f"{prefix}_INDEX_URL", "").strip()),
        index_name=STAGING_INDEX_NAME,
    )
