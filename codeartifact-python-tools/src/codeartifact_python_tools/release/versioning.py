"""Release version numbers (a PEP 440 subset), and the `uv version --bump` giving the next."""

from __future__ import annotations

import re
from dataclasses import dataclass

_VERSION = re.compile(
    r"^v?(?P<major>\d+)\.(?P<minor>\d+)\.(?P<patch>\d+)"
    r"(?:(?P<pre>a|b|rc)(?P<pre_number>\d+))?(?:\.post(?P<post>\d+))?(?:\.dev(?P<dev>\d+))?$"
)
LEVELS = ("patch", "minor", "major")


@dataclass(frozen=True)
class Version:
    """A release version such as 1.2.3, 1.2.3rc1 or 1.2.3.post1."""

    text: str
    major: int
    minor: int
    patch: int
    pre: str

    @classmethod
    def parse_or_none(cls, text: str) -> Version | None:
        """Parse a version; None if the text is not one."""
        match = _VERSION.match(text.strip())
        if match is None:
            return None
        pre = f"{match['pre']}{match['pre_number']}" if match["pre"] else ""
        if match["dev"] is not None:
            pre = f"{pre}.dev{match['dev']}"
        number = (int(match["major"]), int(match["minor"]), int(match["patch"]))
        return cls(text.strip().removeprefix("v"), *number, pre=pre)

    def __str__(self) -> str:
        """Return the version as written in pyproject.toml."""
        return self.text

    @property
    def is_prerelease(self) -> bool:
        """An alpha, beta, release candidate or development version."""
        return bool(self.pre)

    @property
    def base(self) -> tuple[int, int, int]:
        """The final release this version leads to (or is)."""
        return (self.major, self.minor, self.patch)

    @property
    def level(self) -> str:
        """What kind of release the final version is: patch, minor or major."""
        if self.patch:
            return "patch"
        return "minor" if self.minor else "major"


def bump_arguments(current: Version, kind: str) -> list[str]:
    """Return the `--bump` values for uv: `kind` is patch, minor, major or pre (a candidate).

    uv bumps 0.2.0rc1 by `--bump minor` to 0.3.0; a team finishing 0.2.0rc1 wants 0.2.0, so a
    bump no larger than the candidate's own level releases the candidate (`--bump stable`).
    """
    if kind == "pre":
        return ["rc"] if current.is_prerelease else ["patch", "rc"]
    if current.is_prerelease and LEVELS.index(kind) <= LEVELS.index(current.level):
        return ["stable"]
    return [kind]
