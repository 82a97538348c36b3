"""A project's packaging metadata, read from pyproject.toml as PEP 621 or poetry describe it.

Pure functions on the parsed document; `read_file` reads a file of the project when a value
lives there (a dynamic version's `__version__`). Poetry's constraints (`^1.2`, `~1.2`, `1.2.3`)
become PEP 440 specifiers, its groups PEP 735 dependency groups, its sources uv indexes. What
cannot be converted without guessing stops the adoption with the rule and the fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet

from tools.adopt.errors import AdoptError, ExitCode

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

# The Python versions the template offers (copier.yml's python_min choices), oldest first.
PYTHONS = ("3.10", "3.11", "3.12", "3.13", "3.14")
DEFAULT_PYTHON = "3.12"
_VERSION_LINE = re.compile(
    r"^__version__\s*(?::\s*str\s*)?=\s*(['\"])v?(?P<version>[^'\"]+)\1", re.MULTILINE
)
_AUTHOR = re.compile(r"^\s*(?P<name>[^<]*?)\s*(?:<(?P<email>[^>]+)>)?\s*$")


@dataclass
class Metadata:
    """What the project declares, whatever tool declared it, in PEP 621 and PEP 735 terms."""

    style: str  # "PEP 621" or "poetry": which table the values came from
    name: str
    version: str
    description: str = ""
    authors: list[dict[str, str]] = field(default_factory=list)
    requires_python: str = ""
    dependencies: list[str] = field(default_factory=list)
    optional_dependencies: dict[str, list[str]] = field(default_factory=dict)
    groups: dict[str, list[Any]] = field(default_factory=dict)  # PEP 735: strings or includes
    scripts: dict[str, str] = field(default_factory=dict)
    gui_scripts: dict[str, str] = field(default_factory=dict)
    entry_points: dict[str, dict[str, str]] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)
    keywords: list[str] = field(default_factory=list)
    classifiers: list[str] = field(default_factory=list)
    license: str = ""  # an SPDX expression, or "" when the project names none
    readme: str = ""
    package_paths: list[str] = field(default_factory=list)  # the import packages its build names
    uv_sources: dict[str, Any] = field(default_factory=dict)
    indexes: list[dict[str, Any]] = field(default_factory=list)  # uv index tables
    backend: str = ""  # build-system.build-backend
    tool: dict[str, Any] = field(default_factory=dict)  # [tool.*] tables left after conversion
    converted: list[str] = field(default_factory=list)  # what the conversion did, for the summary
    sources: dict[str, str] = field(default_factory=dict)  # field -> where it was read


def read_metadata(document: Mapping[str, Any], read_file: Callable[[str], str | None]) -> Metadata:
    """Read pyproject.toml's parsed `document`: its [project] table, else [tool.poetry]."""
    tool = document.get("tool", {})
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    project = document.get("project")
    if isinstance(poetry, dict) and (not isinstance(project, dict) or "name" in poetry):
        metadata = _from_poetry(document, poetry)
    elif isinstance(project, dict):
        metadata = _from_pep621(document, project, read_file)
    else:
        msg = (
            "pyproject.toml has neither a [project] table (PEP 621) nor [tool.poetry]: adoption "
            "reads the name, version and dependencies from one of them. Describe the project "
            "in [project] (https://packaging.python.org/en/latest/guides/writing-pyproject-toml/), "
            "commit, and run make adopt again."
        )
        raise AdoptError(ExitCode.NOT_READY, msg)
    build = document.get("build-system", {})
    metadata.backend = str(build.get("build-backend", "")) if isinstance(build, dict) else ""
    return metadata


# --- PEP 621 -------------------------------------------------------------------------------------


def _from_pep621(
    document: Mapping[str, Any],
    project: Mapping[str, Any],
    read_file: Callable[[str], str | None],
) -> Metadata:
    name = _required(project, "name", "[project] name")
    dynamic = [str(item) for item in project.get("dynamic", [])]
    tool = _tool_tables(document)
    metadata = Metadata(style="PEP 621", name=name, version="")
    metadata.sources.update(name="pyproject.toml [project] name")
    if "version" in dynamic:
        metadata.version, where = _dynamic_version(name, tool, read_file)
        metadata.sources["version"] = where
        metadata.converted.append(
            f"version {metadata.version}: was dynamic ({where}); now written in pyproject.toml, "
            "where `make bump-*` moves it"
        )
    else:
        metadata.version = _required(project, "version", "[project] version")
        metadata.sources["version"] = "pyproject.toml [project] version"
    for key in ("dependencies", "optional-dependencies"):
        if key in dynamic:
            msg = (
                f"pyproject.toml declares {key} dynamic: adoption keeps a project's dependencies "
                f"by reading them. Write them in [project] {key} (e.g. `uv add -r "
                "requirements.txt`), commit, and run make adopt again."
            )
            raise AdoptError(ExitCode.NOT_READY, msg)
    metadata.description = str(project.get("description", ""))
    metadata.authors = _people(project.get("authors", []))
    metadata.requires_python = str(project.get("requires-python", ""))
    metadata.dependencies = [str(item) for item in project.get("dependencies", [])]
    metadata.optional_dependencies = {
        str(extra): [str(item) for item in items]
        for extra, items in project.get("optional-dependencies", {}).items()
    }
    metadata.scripts = _strings(project.get("scripts", {}))
    metadata.gui_scripts = _strings(project.get("gui-scripts", {}))
    metadata.entry_points = {
        str(group): _strings(points) for group, points in project.get("entry-points", {}).items()
    }
    metadata.urls = _strings(project.get("urls", {}))
    metadata.keywords = [str(item) for item in project.get("keywords", [])]
    metadata.classifiers = [str(item) for item in project.get("classifiers", [])]
    metadata.license = _license(project.get("license"))
    readme = project.get("readme", "")
    metadata.readme = str(readme.get("file", "")) if isinstance(readme, dict) else str(readme)
    metadata.groups = {
        str(group): list(items) for group, items in document.get("dependency-groups", {}).items()
    }
    metadata.package_paths = _build_packages(tool)
    poetry = tool.pop("poetry", None)
    if isinstance(poetry, dict):
        # Poetry 2 reads [project], and keeps its groups, sources and packages in [tool.poetry].
        sources = {
            str(source.get("name")): str(source.get("url", ""))
            for source in poetry.get("source", [])
            if isinstance(source, dict)
        }
        metadata.indexes += [{"name": index_name(n), "url": u} for n, u in sources.items() if u]
        _take_poetry_groups(poetry, sources, metadata)
        metadata.package_paths = metadata.package_paths or _poetry_packages(poetry)
        metadata.converted.append("[tool.poetry]: its groups and sources now PEP 735 and uv's")
    _take_uv(tool, metadata)
    metadata.tool = tool
    return metadata


def _poetry_packages(poetry: Mapping[str, Any]) -> list[str]:
    return [
        f"{package.get('from', '')}/{package['include']}".strip("/")
        for package in poetry.get("packages", [])
        if isinstance(package, dict) and isinstance(package.get("include"), str)
    ]


def _dynamic_version(
    name: str, tool: dict[str, Any], read_file: Callable[[str], str | None]
) -> tuple[str, str]:
    """The version a dynamic [project] version resolves to, and the file it was read from."""
    candidates: list[str] = []
    hatch_path = tool.get("hatch", {}).get("version", {}).get("path")
    if isinstance(hatch_path, str):
        candidates.append(hatch_path)
    setuptools = tool.get("setuptools", {}).get("dynamic", {}).get("version", {})
    if isinstance(setuptools, dict) and isinstance(setuptools.get("attr"), str):
        module = setuptools["attr"].rsplit(".", 1)[0].replace(".", "/")
        for root in ("", "src/"):
            candidates += [f"{root}{module}.py", f"{root}{module}/__init__.py"]
    if isinstance(setuptools, dict) and isinstance(setuptools.get("file"), str):
        text = read_file(setuptools["file"])
        if text and text.strip():
            return text.strip(), f"the file {setuptools['file']}"
    module = name.lower().replace("-", "_").replace(".", "_")
    candidates += [f"{module}/__init__.py", f"src/{module}/__init__.py"]
    for path in candidates:
        text = read_file(path)
        found = _VERSION_LINE.search(text or "")
        if found:
            return found.group("version"), f"`__version__` in {path}"
    msg = (
        "pyproject.toml declares the version dynamic, and adoption found no `__version__` "
        "where the build backend would read it (from git tags, say). The template writes the "
        'version in [project] (`make bump-*` moves it): write `version = "X.Y.Z"` there, the '
        "version you released last, commit, and run make adopt again."
    )
    raise AdoptError(ExitCode.NOT_READY, msg)


def _build_packages(tool: Mapping[str, Any]) -> list[str]:
    """The import packages (folders) the build backend was told to ship, if it was told."""
    wheel = tool.get("hatch", {}).get("build", {}).get("targets", {}).get("wheel", {})
    packages = wheel.get("packages") if isinstance(wheel, dict) else None
    if isinstance(packages, list):
        return [str(path).strip("/") for path in packages]
    setuptools = tool.get("setuptools", {})
    listed = setuptools.get("packages") if isinstance(setuptools, dict) else None
    if isinstance(listed, list):
        tops = sorted({str(package).split(".")[0] for package in listed})
        where = setuptools.get("package-dir", {}).get("", "")
        return [f"{where}/{top}".strip("/") for top in tops]
    return []


def _take_uv(tool: dict[str, Any], metadata: Metadata) -> None:
    """Move [tool.uv]'s dev-dependencies, sources and indexes into the metadata."""
    uv = tool.get("uv")
    if not isinstance(uv, dict):
        return
    dev = uv.pop("dev-dependencies", None)
    if isinstance(dev, list) and dev:
        metadata.groups.setdefault("dev", [])
        metadata.groups["dev"] += [item for item in dev if item not in metadata.groups["dev"]]
        metadata.converted.append("[tool.uv] dev-dependencies: now the `dev` dependency group")
    sources = uv.pop("sources", None)
    if isinstance(sources, dict):
        metadata.uv_sources.update(sources)
    indexes = uv.pop("index", None)
    if isinstance(indexes, list):
        metadata.indexes += [dict(index) for index in indexes if isinstance(index, dict)]
    if not uv:
        del tool["uv"]


# --- Poetry --------------------------------------------------------------------------------------


def _from_poetry(document: Mapping[str, Any], poetry: Mapping[str, Any]) -> Metadata:
    project = document.get("project") if isinstance(document.get("project"), dict) else {}
    assert isinstance(project, dict)  # noqa: S101 - narrowed just above, for mypy
    name = str(project.get("name") or _required(poetry, "name", "[tool.poetry] name"))
    version = str(project.get("version") or _required(poetry, "version", "[tool.poetry] version"))
    metadata = Metadata(style="poetry", name=name, version=version)
    metadata.sources.update(
        name="pyproject.toml [tool.poetry] name", version="pyproject.toml [tool.poetry] version"
    )
    metadata.description = str(project.get("description") or poetry.get("description", ""))
    authors = project.get("authors") or poetry.get("authors", [])
    metadata.authors = _people(authors)
    metadata.license = _license(project.get("license") or poetry.get("license"))
    readme = poetry.get("readme", "")
    metadata.readme = str(readme[0] if isinstance(readme, list) and readme else readme)
    metadata.keywords = [str(item) for item in poetry.get("keywords", [])]
    metadata.classifiers = [str(item) for item in poetry.get("classifiers", [])]
    for key, label in (("homepage", "Homepage"), ("repository", "Repository")):
        if isinstance(poetry.get(key), str):
            metadata.urls[label] = poetry[key]
    if isinstance(poetry.get("documentation"), str):
        metadata.urls["Documentation"] = poetry["documentation"]
    metadata.urls.update(_strings(poetry.get("urls", {})))
    sources = {
        str(source.get("name")): str(source.get("url", ""))
        for source in poetry.get("source", [])
        if isinstance(source, dict)
    }
    metadata.indexes = [
        {"name": index_name(name), "url": url} for name, url in sources.items() if url
    ]
    _take_poetry_dependencies(poetry, sources, metadata)
    _take_poetry_groups(poetry, sources, metadata)
    metadata.scripts = {
        str(script): _poetry_script(script, target)
        for script, target in poetry.get("scripts", {}).items()
    }
    metadata.entry_points = {
        str(group): _strings(points) for group, points in poetry.get("plugins", {}).items()
    }
    metadata.package_paths = _poetry_packages(poetry)
    tool = _tool_tables(document)
    tool.pop("poetry", None)
    _take_uv(tool, metadata)
    metadata.tool = tool
    metadata.converted.append(
        "[tool.poetry]: name, version, description, authors, licence, dependencies "
        f"({len(metadata.dependencies)}), groups ({', '.join(metadata.groups) or 'none'}), "
        f"scripts ({len(metadata.scripts)}) now in [project] and [dependency-groups] (PEP 621, "
        "PEP 735); poetry's ^ and ~ constraints as PEP 440 ranges"
    )
    if sources:
        metadata.converted.append(
            f"[[tool.poetry.source]] {', '.join(sources)}: now [[tool.uv.index]] entries"
        )
    return metadata


def _take_poetry_dependencies(
    poetry: Mapping[str, Any], sources: Mapping[str, str], metadata: Metadata
) -> None:
    """Poetry's python, dependencies and extras as requires-python, PEP 508 and extras."""
    dependencies = dict(poetry.get("dependencies", {}))
    python = dependencies.pop("python", None)
    if python is not None:
        metadata.requires_python = poetry_constraint(str(python), "python")
    extras: dict[str, list[str]] = {
        str(extra): [str(item) for item in items]
        for extra, items in poetry.get("extras", {}).items()
    }
    optional: dict[str, str] = {}
    for package, spec in dependencies.items():
        requirement, source, is_optional = poetry_requirement(package, spec)
        if source:
            metadata.uv_sources[package] = _uv_source(source, sources)
        if is_optional:
            optional[package] = requirement
        else:
            metadata.dependencies.append(requirement)
    for extra, packages in extras.items():
        metadata.optional_dependencies[extra] = [optional.get(p, p) for p in packages]
    unused = sorted(set(optional) - {p for packages in extras.values() for p in packages})
    if unused:
        metadata.converted.append(
            f"optional dependencies in no extra ({', '.join(unused)}): poetry never installs "
            "them, so they are left out; name them in an extra if they are wanted"
        )


def _take_poetry_groups(
    poetry: Mapping[str, Any], sources: Mapping[str, str], metadata: Metadata
) -> None:
    """Poetry's dependency groups (and 1.x dev-dependencies) as PEP 735 groups."""
    groups = {
        str(group): dict(table.get("dependencies", {}))
        for group, table in poetry.get("group", {}).items()
        if isinstance(table, dict)
    }
    legacy = poetry.get("dev-dependencies")
    if isinstance(legacy, dict):
        groups.setdefault("dev", {}).update(legacy)
    for group, table in groups.items():
        items: list[Any] = list(metadata.groups.get(group, []))
        for package, spec in table.items():
            requirement, source, _ = poetry_requirement(package, spec)
            if source:
                metadata.uv_sources[package] = _uv_source(source, sources)
            items.append(requirement)
        metadata.groups[group] = items


def index_name(source: str) -> str:
    """A uv index name for a poetry source name (uv takes letters, digits, `-`, `_`, `.`)."""
    return re.sub(r"[^A-Za-z0-9._-]", "-", source) or "index"


def _uv_source(source: dict[str, Any], poetry_sources: Mapping[str, str]) -> dict[str, Any]:
    if "index" in source and source["index"] not in poetry_sources:
        msg = (
            f"a poetry dependency names the source {source['index']!r}, which [tool.poetry.source] "
            "does not define: fix the source name, commit, and run make adopt again."
        )
        raise AdoptError(ExitCode.NOT_READY, msg)
    if "index" in source:
        return {"index": index_name(str(source["index"]))}
    return source


def _poetry_script(script: str, target: object) -> str:
    if isinstance(target, str):
        return target
    if isinstance(target, dict):
        value = target.get("reference") or target.get("callable")
        if isinstance(value, str) and target.get("type", "console") == "console":
            return value
    msg = (
        f"[tool.poetry.scripts] {script} is not a console script adoption can convert (a "
        "`module:function` string): write it in [project.scripts], commit, and run make adopt "
        "again."
    )
    raise AdoptError(ExitCode.NOT_READY, msg)


def poetry_requirement(package: str, spec: object) -> tuple[str, dict[str, Any] | None, bool]:
    """A poetry dependency as a PEP 508 requirement, its uv source (or None), and `optional`."""
    if isinstance(spec, str):
        return _requirement(package, poetry_constraint(spec, package), [], ""), None, False
    if not isinstance(spec, dict):
        msg = (
            f"poetry dependency {package} has several constraints (one per marker); PEP 621 has "
            "no such form adoption could write without guessing. Write it in [project] "
            "dependencies as PEP 508 requirements with markers, commit, and run make adopt again."
        )
        raise AdoptError(ExitCode.NOT_READY, msg)
    extras = [str(extra) for extra in spec.get("extras", [])]
    markers = [str(spec["markers"])] if isinstance(spec.get("markers"), str) else []
    if isinstance(spec.get("python"), str):
        markers.append(python_marker(poetry_constraint(spec["python"], f"{package}'s python")))
    source: dict[str, Any] | None = None
    if isinstance(spec.get("git"), str):
        source = {"git": spec["git"]}
        source.update(
            {key: spec[key] for key in ("rev", "tag", "branch", "subdirectory") if key in spec}
        )
    elif isinstance(spec.get("path"), str):
        source = {"path": spec["path"]}
        if spec.get("develop"):
            source["editable"] = True
    elif isinstance(spec.get("url"), str):
        source = {"url": spec["url"]}
    elif isinstance(spec.get("source"), str):
        source = {"index": spec["source"]}
    constraint = poetry_constraint(str(spec.get("version", "*")), package)
    requirement = _requirement(
        package,
        constraint,
        extras,
        " and ".join(f"({m})" for m in markers) if len(markers) > 1 else "".join(markers),
    )
    return requirement, source, bool(spec.get("optional"))


def _requirement(package: str, constraint: str, extras: list[str], marker: str) -> str:
    text = package + (f"[{','.join(extras)}]" if extras else "") + constraint
    text += f"; {marker}" if marker else ""
    try:
        Requirement(text)
    except InvalidRequirement as error:
        msg = (
            f"poetry dependency {package} converts to `{text}`, which is not a PEP 508 "
            f"requirement ({error}): write it in [project] dependencies, commit, and run make "
            "adopt again."
        )
        raise AdoptError(ExitCode.NOT_READY, msg) from None
    return text


_OPERATOR = re.compile(r"(\^|~=|~|===|==|!=|<=|>=|<|>|=)\s+")
_RELEASE = re.compile(r"\d+(?:\.\d+)*")


def poetry_constraint(text: str, what: str) -> str:
    """A poetry version constraint as a PEP 440 specifier: `^1.2` -> `>=1.2,<2.0` ("" for any)."""
    text = _OPERATOR.sub(r"\1", text.strip())
    if "|" in text:
        msg = (
            f"{what}: the poetry constraint {text!r} is a union (`||`), which PEP 440 cannot "
            "express: write the dependency in [project] as the range you mean, commit, and run "
            "make adopt again."
        )
        raise AdoptError(ExitCode.NOT_READY, msg)
    parts: list[str] = []
    for part in (p for p in re.split(r"[\s,]+", text) if p and p != "*"):
        if part.startswith("^"):
            parts += _caret(part[1:])
        elif part.startswith("~") and not part.startswith("~="):
            parts += _tilde(part[1:])
        elif part.startswith(("==", "!=", "<=", ">=", "<", ">", "~=")):
            parts.append(part)
        elif part.startswith("="):
            parts.append(f"={part}")
        else:
            parts.append(f"=={part}")
    specifier = ",".join(parts)
    try:
        SpecifierSet(specifier)
    except InvalidSpecifier:
        msg = (
            f"{what}: the poetry constraint {text!r} has no PEP 440 form adoption can write "
            "without guessing: write it in [project] as a PEP 440 range, commit, and run make "
            "adopt again."
        )
        raise AdoptError(ExitCode.NOT_READY, msg) from None
    return specifier


def _release(version: str) -> list[int]:
    found = _RELEASE.match(version)
    if found is None:
        return []
    return [int(number) for number in found.group(0).split(".")]


def _caret(version: str) -> list[str]:
    """Poetry's `^`: up to the next change of the leftmost non-zero part (`^0.2.3` -> <0.3.0)."""
    release = _release(version)
    if not release:
        return [f"^{version}"]  # not a version: the SpecifierSet check refuses it
    index = next((i for i, number in enumerate(release) if number), len(release) - 1)
    upper = [*release[:index], release[index] + 1]
    upper += [0] * (len(release) - len(upper))
    return [f">={version}", f"<{'.'.join(map(str, upper))}"]


def _tilde(version: str) -> list[str]:
    """Poetry's `~`: patch changes only, or minor ones for a major version alone (`~1`)."""
    release = _release(version)
    if not release:
        return [f"~{version}"]
    upper = [release[0] + 1] if len(release) == 1 else [release[0], release[1] + 1]
    upper += [0] * (len(release) - len(upper))
    return [f">={version}", f"<{'.'.join(map(str, upper))}"]


def python_marker(specifier: str) -> str:
    """A requires-python specifier as a marker: `>=3.11` -> python_version >= "3.11"."""
    return " and ".join(
        f'python_version {spec.operator} "{spec.version}"' for spec in SpecifierSet(specifier)
    )


# --- Shared --------------------------------------------------------------------------------------


def python_min(requires_python: str) -> tuple[str, str]:
    """The template's python_min for a requires-python, and a note when they differ ("" if not).

    The lower bound, as one of the versions the template offers: below the oldest it is raised
    (and said), without one the template's default is taken (and said).
    """
    lowest = ""
    try:
        specifiers = list(SpecifierSet(requires_python))
    except InvalidSpecifier:
        specifiers = []
    for spec in specifiers:
        release = _release(spec.version)
        if spec.operator in {">=", "~=", "==", "==="} and len(release) >= 2:  # noqa: PLR2004 - X.Y
            lowest = f"{release[0]}.{release[1]}"
        elif spec.operator == ">" and len(release) >= 2:  # noqa: PLR2004 - X.Y
            lowest = f"{release[0]}.{release[1] + (len(release) == 2)}"  # noqa: PLR2004 - >3.11 is 3.12
    if not lowest:
        note = (
            f"requires-python {requires_python!r} names no lower bound: the template's "
            f"{DEFAULT_PYTHON} is taken"
            if requires_python
            else f"no requires-python: the template's {DEFAULT_PYTHON} is taken"
        )
        return DEFAULT_PYTHON, note
    if lowest in PYTHONS:
        upper = [s for s in specifiers if s.operator in {"<", "<="}]
        note = (
            f"requires-python {requires_python!r} becomes '>={lowest}' (the template "
            "states no upper bound)"
            if upper
            else ""
        )
        return lowest, note
    key = tuple(int(part) for part in lowest.split("."))
    if key < (3, 10):
        return PYTHONS[0], (
            f"requires-python {requires_python!r} is raised to '>={PYTHONS[0]}': the template "
            f"and its tools support {PYTHONS[0]} and newer"
        )
    return PYTHONS[
        -1
    ], f"requires-python {requires_python!r}: the template offers up to {PYTHONS[-1]}"


def _required(table: Mapping[str, Any], key: str, where: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        msg = f"pyproject.toml has no {where}: write it, commit, and run make adopt again."
        raise AdoptError(ExitCode.NOT_READY, msg)
    return value.strip()


def _people(items: object) -> list[dict[str, str]]:
    """PEP 621 author tables from PEP 621 tables or poetry's `Name <email>` strings."""
    people: list[dict[str, str]] = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            person = {k: str(item[k]) for k in ("name", "email") if item.get(k)}
        else:
            found = _AUTHOR.match(str(item))
            person = {}
            if found and found.group("name"):
                person["name"] = found.group("name")
            if found and found.group("email"):
                person["email"] = found.group("email")
        if person:
            people.append(person)
    return people


def _license(value: object) -> str:
    """The project's licence as an SPDX expression: PEP 639's string, or a PEP 621 `text`."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict) and isinstance(value.get("text"), str):
        return str(value["text"]).strip()
    return ""


def _strings(table: object) -> dict[str, str]:
    return {str(k): str(v) for k, v in table.items()} if isinstance(table, dict) else {}


def _tool_tables(document: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of [tool], which the conversion takes apart."""

    def copy(value: Any) -> Any:  # noqa: ANN401 - any TOML value
        if isinstance(value, dict):
            return {k: copy(v) for k, v in value.items()}
        if isinstance(value, list):
            return [copy(v) for v in value]
        return value

    tool = document.get("tool", {})
    return copy(tool) if isinstance(tool, dict) else {}
