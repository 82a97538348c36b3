"""Name rules: pure functions that normalise names and say what is wrong with one, instantly."""

from __future__ import annotations

import fnmatch
import keyword
import re
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

# PEP 508: letters, digits, '.', '_' and '-', starting and ending with a letter or digit.
_PEP508 = re.compile(r"([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])\Z", re.IGNORECASE)
# A console-script name: what a shell can run and an entry point can declare.
_CLI = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
# A prefix is the start of a name: it may end with a separator ("acme-").
_PREFIX = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
_SEPARATORS = re.compile(r"[-_.]+")
# Names become file and directory names (src/<import>/, <name>-<version>-py3-none-any.whl, a
# script in bin/): 100 characters keeps them far below every file system's 255.
MAX_NAME = 100

# Top-level modules added to the standard library after the running interpreter's release: a
# project tested up to the newest Python must not shadow them either.
_NEWER_STDLIB = frozenset({"annotationlib", "compression", "tomllib"})


def normalise_name(name: str) -> str:
    """PEP 503 normalised form: runs of '-', '_' and '.' become '-', all lower case."""
    return _SEPARATORS.sub("-", name).lower()


def same_name(first: str, second: str) -> bool:
    """Whether two distribution names are the same name to an installer."""
    return normalise_name(first) == normalise_name(second)


def stdlib_modules() -> frozenset[str]:
    """Top-level standard-library module names (the running Python's, plus newer ones)."""
    return frozenset(sys.stdlib_module_names) | _NEWER_STDLIB


def name_syntax_problem(name: str) -> str:
    """Why `name` is not a valid distribution name (PEP 508), or "" when it is."""
    if not name:
        return "the name is empty: type a name such as acme-utils"
    if name != name.strip():
        return f"{name!r} has spaces around it: remove them"
    if len(name) > MAX_NAME:
        return f"{name[:20]!r}... is {len(name)} characters long: use at most {MAX_NAME}"
    if not _PEP508.match(name):
        return (
            f"{name!r} is not a valid distribution name (PEP 508): use letters, digits and "
            "'-', '_' or '.', starting and ending with a letter or digit, e.g. acme-utils"
        )
    return ""


@dataclass(frozen=True)
class Policy:
    """An organisation's naming policy: required prefixes and denied names (fnmatch patterns)."""

    prefixes: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()

    @classmethod
    def from_values(cls, prefixes: Iterable[str], deny: Iterable[str]) -> Policy:
        """Build a policy from raw values: empty entries are dropped, all are normalised."""
        return cls(
            prefixes=tuple(dict.fromkeys(normalise_name(p) for p in prefixes if p.strip())),
            deny=tuple(dict.fromkeys(normalise_name(d.strip()) for d in deny if d.strip())),
        )

    @property
    def prefix(self) -> str:
        """The longest required prefix (every other one is a prefix of it), or ""."""
        return max(self.prefixes, key=len, default="")


def split_list(value: str) -> list[str]:
    """Split a comma- or whitespace-separated setting into its entries."""
    return [item for item in re.split(r"[,\s]+", value) if item]


def prefix_problem(prefix: str, required: str = "") -> str:
    """Why `prefix` cannot be a naming prefix, or "" when it can (empty means no prefix)."""
    if not prefix:
        if required:
            return (
                f"the organisation requires the prefix {required!r} (NAME_GUARD_PREFIX): "
                f"answer {required!r} or a longer prefix that starts with it"
            )
        return ""
    if len(prefix) > MAX_NAME // 2 or not _PREFIX.match(prefix):
        return (
            f"{prefix!r} cannot start a distribution name: use letters, digits and '-', '_' "
            "or '.', starting with a letter or digit, e.g. acme-"
        )
    if required and not normalise_name(prefix).startswith(normalise_name(required)):
        return (
            f"{prefix!r} does not start with the organisation's required prefix {required!r} "
            f"(NAME_GUARD_PREFIX): use e.g. {required!r}"
        )
    return ""


def policy_problem(name: str, policy: Policy) -> str:
    """Why `name` breaks the organisation's policy, or "" when it follows it."""
    normalised = normalise_name(name)
    for prefix in policy.prefixes:
        if not normalised.startswith(prefix):
            return (
                f"{name!r} does not start with the organisation's prefix {prefix!r}: "
                "internal names carry it so they never collide with public ones; "
                f"use e.g. {prefix}{normalised}"
            )
    for pattern in policy.deny:
        if fnmatch.fnmatchcase(normalised, pattern):
            shown = "" if pattern == normalised else f" (pattern {pattern!r})"
            return (
                f"{name!r} is on the organisation's deny list{shown} (NAME_GUARD_DENY): "
                "choose another name"
            )
    return ""


def derive_import_name(name: str) -> str:
    """Derive an import name: normalised, '-' as '_', never a bad identifier."""
    candidate = normalise_name(name.strip()).replace("-", "_")
    candidate = re.sub(r"[^0-9a-z_]", "_", candidate)
    if not candidate:
        return "package"
    if candidate[0].isdigit():
        candidate = "_" + candidate
    if keyword.iskeyword(candidate) or candidate in stdlib_modules():
        candidate += "_lib"
    return candidate


def import_name_problem(name: str) -> str:
    """Why `name` cannot be the package's import name, or "" when it can."""
    if len(name) > MAX_NAME:
        return f"{name[:20]!r}... is {len(name)} characters long: use at most {MAX_NAME}"
    if not name.isidentifier() or not name.isascii():
        fixed = derive_import_name(name)
        return (
            f"{name!r} is not a Python identifier, so `import {name}` would be a syntax error: "
            f"use ASCII letters, digits and '_', not starting with a digit, e.g. {fixed}"
        )
    if keyword.iskeyword(name):
        return (
            f"{name!r} is a Python keyword, so `import {name}` would be a syntax error: "
            f"use e.g. {name}_lib"
        )
    if name in stdlib_modules():
        return (
            f"{name!r} is a module of the standard library: the package would shadow it (or be "
            f"shadowed by it) in every environment it is installed in; use e.g. {name}_lib"
        )
    return ""


# Commands a command name must never be. The project's own environment needs the first group:
# uv refuses a script named `python`, and any of the others would be replaced in .venv/bin by the
# library's CLI. Every shell session relies on the second group: installed anywhere on PATH, the
# library would shadow them. Another command already on PATH is a warning (cli_name_warning).
RESERVED_COMMANDS = frozenset(
    {
        *("python", "python3", "pip", "pip3", "uv", "uvx", "activate", "deactivate"),
        *("pytest", "py.test", "mypy", "dmypy", "ruff", "coverage", "zizmor", "mkdocs", "twine"),
        *("ls", "cd", "cp", "mv", "rm", "ln", "cat", "echo", "test", "env", "sh", "bash", "sudo"),
        *("make", "git", "ssh", "curl", "grep", "sed", "awk", "find", "tar", "aws", "gh"),
        "copier",
    }
)
_VERSIONED_COMMAND = re.compile(r"(python|pip)[0-9.]*\Z")


def cli_name_problem(name: str) -> str:
    """Why `name` cannot be a console-script name, or "" when it can."""
    if len(name) > MAX_NAME:
        return f"{name[:20]!r}... is {len(name)} characters long: use at most {MAX_NAME}"
    if not _CLI.match(name):
        return (
            f"{name!r} is not a usable command name: use letters, digits and '-', '_' or "
            "'.', starting with a letter or digit, e.g. acme-utils"
        )
    if name.lower() in RESERVED_COMMANDS or _VERSIONED_COMMAND.match(name.lower()):
        return (
            f"{name!r} is a command the project's environment or every shell relies on: "
            "installing the library would replace it; choose a name of its own, e.g. "
            "acme-utils"
        )
    return ""


def cli_name_warning(name: str, which: Callable[[str], str | None]) -> str:
    """Warn when command `name` already exists on PATH (found by `which`), else ""."""
    found = which(name)
    if not found:
        return ""
    return (
        f"the command {name!r} already exists on PATH ({found}): once the package is installed, "
        f"whichever comes first on PATH wins; pick another command name unless that is intended"
    )


def candidate_names(name: str, policy: Policy, org: str = "") -> list[str]:
    """Alternative names for a taken `name`, in order of preference (not checked here)."""
    base = normalise_name(name)
    prefix = policy.prefix
    org = normalise_name(org).strip("-")
    stem = base[len(prefix) :] if prefix and base.startswith(prefix) else base
    tails = ["-lib", "-tools", "-internal"]
    if prefix:
        candidates = [prefix + stem] + [prefix + stem + tail for tail in tails]
    elif org:
        candidates = [f"{org}-{stem}", f"{stem}-{org}"] + [stem + tail for tail in tails[:2]]
    else:
        candidates = [stem + tail for tail in tails]
    return [
        c
        for c in dict.fromkeys(candidates)
        if c != base and not name_syntax_problem(c) and not policy_problem(c, policy)
    ]


_VERSION = re.compile(r"^\s*v?(?:(\d+)!)?(\d+(?:\.\d+)*)(.*?)\s*$", re.IGNORECASE)


def canonical_version(version: str) -> str:
    """Make a PEP 440 version comparable: "v1.0" and "1.0.0" are the same release."""
    match = _VERSION.match(version)
    if not match:
        return version.strip().lower()
    epoch, release, rest = match.groups()
    parts = [int(p) for p in release.split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    head = f"{int(epoch)}!" if epoch and int(epoch) else ""
    tail = re.sub(r"[-_.]", "", rest.lower())
    tail = re.sub(r"(alpha|a)", "a", tail)
    tail = re.sub(r"(beta|b)", "b", tail)
    tail = re.sub(r"(preview|pre|c|rc)", "rc", tail)
    return head + ".".join(map(str, parts)) + tail


def has_version(versions: Iterable[str], version: str) -> bool:
    """Whether `version` is among `versions`, compared as PEP 440 releases."""
    wanted = canonical_version(version)
    return any(canonical_version(v) == wanted for v in versions)


_PEP440 = re.compile(
    r"""v?(?:(?P<epoch>\d+)!)?(?P<release>\d+(?:\.\d+)*)
    (?:[-_.]?(?P<pre>a|b|c|rc|alpha|beta|pre|preview)[-_.]?(?P<pre_n>\d+)?)?
    (?P<post>-(?P<post_implicit>\d+)|[-_.]?(?:post|rev|r)[-_.]?(?P<post_n>\d+)?)?
    (?P<dev>[-_.]?dev[-_.]?(?P<dev_n>\d+)?)?
    (?:\+(?P<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?""",
    re.VERBOSE | re.IGNORECASE,
)
_PRE_RANK = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "c": 2, "rc": 2, "pre": 2, "preview": 2}
_INF = float("inf")
_NEG_INF = float("-inf")

VersionKey = tuple[object, ...]


def version_key(version: str) -> VersionKey:
    """Sort key ordering versions as PEP 440 does: 1.10 > 1.9, 2.0rc1 < 2.0 < 2.0.post1.

    Not `packaging`: the guard also runs under the project's `make doctor`, on whatever Python
    the laptop has and its standard library alone (tests hold this key to packaging's order). A
    string that is no PEP 440 version sorts below every version.
    """
    match = _PEP440.fullmatch(version.strip())
    if not match:
        return (0, version)
    release = [int(part) for part in match["release"].split(".")]
    while len(release) > 1 and release[-1] == 0:
        release.pop()
    pre_kind, dev, post = match["pre"], match["dev_n"], match["post_implicit"] or match["post_n"]
    has_dev, has_post = match["dev"] is not None, match["post"] is not None
    if pre_kind:
        pre: tuple[float, int] = (_PRE_RANK[pre_kind.lower()], int(match["pre_n"] or 0))
    elif has_dev and not has_post:
        pre = (_NEG_INF, 0)  # 1.0.dev1 comes before 1.0a1
    else:
        pre = (_INF, 0)
    post_key = int(post or 0) if has_post else -1
    dev_key = int(dev or 0) if has_dev else _INF
    local = tuple(
        (1, int(part), "") if part.isdigit() else (0, 0, part)
        for part in re.split(r"[-_.]", (match["local"] or "").lower())
        if part
    )
    return (1, int(match["epoch"] or 0), tuple(release), pre, post_key, dev_key, local)


def latest_version(versions: Iterable[str]) -> str:
    """Return the highest of `versions` by PEP 440, or "" when there is none."""
    return max(versions, key=version_key, default="")
