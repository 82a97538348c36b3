"""pyproject.toml: the template's rendering, with the team's metadata and settings put into it.

The template's file stays the frame (its comments, hatchling, its tool settings), because every
later template update merges into that shape. Into it go the team's version, dependencies,
scripts, authors, licence, classifiers, optional dependencies, URLs and keywords; their dependency
groups beside the template's; their [tool.*] settings where the template has none. Where both set
the same tool setting differently the template's stays and the summary names both values: never a
silent overwrite. Text edits, not a TOML rewrite, so the template's comments survive; the result is
parsed again and checked against what it must hold.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import tomllib  # the standard library's since 3.11, which this repository's tooling requires
from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from tools.adopt.errors import AdoptError, ExitCode
from tools.adopt.facts import CODEARTIFACT_URL

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from tools.adopt.metadata import Metadata

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")
# Classifiers the template writes itself, or which PEP 639 forbids beside a licence expression.
_TEMPLATE_CLASSIFIERS = ("Programming Language :: Python :: 3", "License :: ", "Private :: ")
# Team settings the conversion itself replaces: said once in the summary, not as a conflict.
_SUPERSEDED = {
    ("hatch", "build", "targets", "wheel", "packages"): "the template builds src/<import_name>",
    ("hatch", "version"): "the version is written in [project] now",
    ("setuptools",): "hatchling builds the project now",
    ("flit",): "hatchling builds the project now",
    ("pdm", "build"): "hatchling builds the project now",
    ("pdm", "version"): "the version is written in [project] now",
}
TEMPLATE_INDEX = "codeartifact"


@dataclass
class Merged:
    """The merged text, what the conversion did, and every team setting the template's won over."""

    text: str
    converted: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)


# --- Writing TOML values -------------------------------------------------------------------------


def toml_key(key: str) -> str:
    """A key as TOML writes it: bare when it can be, else quoted."""
    return key if _BARE_KEY.match(key) else _string(key)


def _string(text: str) -> str:
    # JSON's escapes are TOML's too; DEL is the one character TOML wants escaped and JSON not.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_value(value: object, *, top: bool = False) -> str:  # noqa: PLR0911 - one per TOML type
    """A value as TOML text; at the top of a key=value line a long array takes one item a line."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, dict):
        pairs = ", ".join(f"{toml_key(str(k))} = {toml_value(v)}" for k, v in value.items())
        return f"{{ {pairs} }}" if pairs else "{}"
    if isinstance(value, list):
        items = [toml_value(item) for item in value]
        one_line = f"[{', '.join(items)}]"
        if not top or len(one_line) <= 80:  # noqa: PLR2004 - fits a line with its key
            return one_line
        return "[\n" + "".join(f"    {item},\n" for item in items) + "]"
    isoformat = getattr(value, "isoformat", None)
    if callable(isoformat):  # TOML's dates and times
        return str(isoformat())
    msg = f"no TOML form for {value!r}"
    raise TypeError(msg)


def _header(path: tuple[str, ...]) -> str:
    return ".".join(toml_key(part) for part in path)


def _lines(table: Mapping[str, Any]) -> str:
    return "".join(f"{toml_key(k)} = {toml_value(v, top=True)}\n" for k, v in table.items())


# --- Finding things in the template's text -------------------------------------------------------


def _array_end(text: str, start: int) -> int:  # noqa: C901 - a scanner: one branch per character class
    """The index just past the `]` closing the array whose `[` is at `start`."""
    depth, index, quote = 0, start, ""
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\" and quote == '"':
                index += 1
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#":
            index = text.find("\n", index)
            if index < 0:
                break
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    msg = "pyproject.toml: an array without its closing bracket"
    raise ValueError(msg)


def _section_span(text: str, path: tuple[str, ...]) -> tuple[int, int] | None:
    """Where the body of the table `[path]` is: after its header line, up to the next header."""
    header = re.search(rf"^\[{re.escape(_header(path))}\][ \t]*(?:#.*)?$", text, re.MULTILINE)
    if header is None:
        return None
    following = re.search(r"^\[", text[header.end() :], re.MULTILINE)
    end = header.end() + following.start() if following else len(text)
    return header.end() + 1, end


def _insert_in_section(text: str, path: tuple[str, ...], lines: str) -> str | None:
    """Add key=value lines at the end of the table `[path]`; None if it has no header."""
    span = _section_span(text, path)
    if span is None:
        return None
    start, end = span
    body = text[start:end]
    kept = body.rstrip("\n")
    at = start + len(kept)
    prefix = "\n" if kept else ""
    return f"{text[:at]}{prefix}{lines.rstrip(chr(10))}{text[at:]}"


def _key_array(text: str, section: tuple[str, ...], key: str) -> tuple[int, int]:
    """The span of the array `key = [...]` inside the table `[section]`."""
    span = _section_span(text, section)
    found = (
        re.search(rf"^{re.escape(toml_key(key))} = \[", text[span[0] : span[1]], re.MULTILINE)
        if span
        else None
    )
    if span is None or found is None:
        msg = f"the template's pyproject.toml has no {key} in [{_header(section)}]"
        raise KeyError(msg)
    start = span[0] + found.end() - 1
    return start, _array_end(text, start)


def _append_to_array(text: str, span: tuple[int, int], items: list[str]) -> str:
    """Add item texts before the array's closing bracket, in its own layout."""
    start, end = span
    body = text[start : end - 1]
    if "\n" in body:
        closing = text.rfind("\n", start, end) + 1
        added = "".join(f"    {item},\n" for item in items)
        return f"{text[:closing]}{added}{text[closing:]}"
    inner = body[1:].rstrip().rstrip(",")
    joined = ", ".join([inner, *items]) if inner.strip() else ", ".join(items)
    return f"{text[:start]}[{joined}]{text[end:]}"


def _replace_line(text: str, pattern: str, line: str) -> str:
    found = re.search(pattern, text, re.MULTILINE)
    if found is None:
        msg = f"the template's pyproject.toml has no line matching {pattern!r}"
        raise KeyError(msg)
    return f"{text[: found.start()]}{line}{text[found.end() :]}"


def _insert_before(text: str, marker: str, block: str) -> str:
    at = text.find(marker)
    if at < 0:
        return text.rstrip("\n") + "\n\n" + block.strip("\n") + "\n"
    return f"{text[:at]}{block.rstrip()}\n{text[at:]}"


# --- The merge ------------------------------------------------------------------------------------


def merge_pyproject(rendered: str, metadata: Metadata) -> Merged:
    """The template's pyproject.toml with the team's metadata, groups and settings put in."""
    try:
        return _merge(rendered, metadata)
    except (KeyError, ValueError) as error:
        msg = (
            f"pyproject.toml could not be merged ({error}): this adoption tool does not know "
            "this template release's pyproject.toml. Report it to the template's maintainers."
        )
        raise AdoptError(ExitCode.FAILED, msg) from None


def _merge(rendered: str, metadata: Metadata) -> Merged:
    ours = tomllib.loads(rendered)
    merged = Merged(rendered)
    _project(merged, ours["project"], metadata)
    _groups(merged, ours.get("dependency-groups", {}), metadata.groups)
    tool = dict(metadata.tool)
    sources = _indexes(merged, metadata, tool)
    if sources:
        block = f"[tool.uv.sources]\n{_lines(sources)}"
        merged.text = _insert_before(merged.text, "\n[tool.ruff]", "\n" + block)
    _tool(merged, ours.get("tool", {}), tool)
    if metadata.backend and metadata.backend != "hatchling.build":
        merged.converted.append(f"build backend: {metadata.backend} -> hatchling.build")
    _check(merged.text, metadata)
    return merged


def _project(merged: Merged, ours: Mapping[str, Any], metadata: Metadata) -> None:
    """Fill [project] with the team's values."""
    text = _replace_line(
        merged.text, r'^version = "[^"\n]*"$', f"version = {_string(metadata.version)}"
    )
    if metadata.dependencies:
        text = _replace_line(
            text,
            r"^dependencies = \[\]$",
            f"dependencies = {toml_value(metadata.dependencies, top=True)}",
        )
    if metadata.authors and metadata.authors != ours.get("authors"):
        text = _replace_line(
            text, r"^authors = \[.*\]$", f"authors = {toml_value(metadata.authors)}"
        )
    license_line = _license(metadata.license, str(ours.get("license", "")), merged)
    if license_line:
        text = _replace_line(text, r'^license = "[^"\n]*"$', license_line)
    merged.text = _project_extras(text, ours, metadata)
    readme = metadata.readme
    if readme and readme != ours.get("readme"):
        merged.replaced.append(
            f"[project] readme: yours {readme!r}, the template's {ours.get('readme')!r} kept"
        )


def _project_extras(text: str, ours: Mapping[str, Any], metadata: Metadata) -> str:
    """[project]'s classifiers, keywords, scripts and the tables the template does not set."""
    extra = _classifiers(metadata.classifiers, list(ours.get("classifiers", [])))
    status = [c for c in extra if c.startswith("Development Status ::")]
    if status:
        text = _replace_line(
            text, r'^    "Development Status :: [^"\n]*",$', f"    {_string(status[0])},"
        )
        extra.remove(status[0])
    if extra:
        text = _append_to_array(
            text, _key_array(text, ("project",), "classifiers"), [_string(c) for c in extra]
        )
    if metadata.keywords:
        span = _key_array(text, ("project",), "dependencies")
        keywords = f"keywords = {toml_value(metadata.keywords, top=True)}"
        text = f"{text[: span[1]]}\n{keywords}{text[span[1] :]}"
    scripts = _section_span(text, ("project", "scripts"))
    if scripts and metadata.scripts:
        start, end = scripts
        rest = text[end:].lstrip("\n")
        text = f"{text[:start]}{_lines(metadata.scripts)}" + (f"\n{rest}" if rest else "")
    elif scripts:
        # No console script of the team's: the template's would point at its example CLI.
        begins = text.rfind("\n[project.scripts]", 0, scripts[0]) + 1
        text = text[:begins] + text[scripts[1] :]
    elif metadata.scripts:
        text = _insert_before(
            text, "\n[dependency-groups]", f"\n[project.scripts]\n{_lines(metadata.scripts)}"
        )
    tables: list[tuple[str, Mapping[str, Any]]] = [
        ("project.optional-dependencies", metadata.optional_dependencies),
        ("project.gui-scripts", metadata.gui_scripts),
        ("project.urls", metadata.urls),
        *((f"project.entry-points.{toml_key(g)}", p) for g, p in metadata.entry_points.items()),
    ]
    for header, table in tables:
        if table:
            text = _insert_before(text, "\n[dependency-groups]", f"\n[{header}]\n{_lines(table)}")
    return text


def _license(theirs: str, ours: str, merged: Merged) -> str:
    """The licence line to write, "" to keep the template's; a note when theirs cannot be."""
    if not theirs:
        return ""
    try:
        expression = canonicalize_license_expression(theirs)
    except InvalidLicenseExpression:
        merged.replaced.append(
            f"[project] license: yours {theirs!r} is no SPDX licence expression, which "
            f"hatchling requires; the template's {ours!r} kept: write yours as SPDX (e.g. MIT), "
            "or LicenseRef-Proprietary"
        )
        return ""
    return "" if expression == ours else f"license = {_string(expression)}"


def _classifiers(theirs: list[str], ours: list[str]) -> list[str]:
    return [
        c
        for c in theirs
        if c not in ours
        and not (
            c.startswith(_TEMPLATE_CLASSIFIERS)
            and c != "Programming Language :: Python :: 3 :: Only"
        )
    ]


def _package(item: object) -> str:
    if not isinstance(item, str):
        return ""
    try:
        return canonicalize_name(Requirement(item).name)
    except InvalidRequirement:
        return ""


def _expanded(
    groups: Mapping[str, list[Any]], group: str, seen: frozenset[str] = frozenset()
) -> list[Any]:
    """A group's items with the groups it includes, for the question "is this package in it?"."""
    items: list[Any] = []
    for item in groups.get(group, []):
        included = item.get("include-group") if isinstance(item, dict) else None
        if isinstance(included, str) and included not in seen:
            items += _expanded(groups, included, seen | {group})
        else:
            items.append(item)
    return items


def _groups(merged: Merged, ours: Mapping[str, list[Any]], theirs: Mapping[str, list[Any]]) -> None:
    """The team's dependency groups beside the template's; a package in both keeps ours."""
    for group, items in theirs.items():
        if group not in ours:
            line = f"{toml_key(group)} = {toml_value(items, top=True)}\n"
            merged.text = (
                _insert_in_section(merged.text, ("dependency-groups",), line) or merged.text
            )
            continue
        present = {_package(item): item for item in _expanded(ours, group) if _package(item)}
        added = []
        for item in items:
            name = _package(item)
            if item in ours[group] or (not name and item in _expanded(ours, group)):
                continue
            if name in present:
                if present[name] != item:
                    merged.replaced.append(
                        f"[dependency-groups] {group}: yours {item!r}, the template's "
                        f"{present[name]!r} kept"
                    )
                continue
            added.append(toml_value(item))
        if added:
            span = _key_array(merged.text, ("dependency-groups",), group)
            merged.text = _append_to_array(merged.text, span, added)


def _indexes(merged: Merged, metadata: Metadata, tool: dict[str, Any]) -> dict[str, Any]:
    """The team's uv indexes and sources: CodeArtifact's become the template's `codeartifact`."""
    renamed: dict[str, str] = {}
    kept: list[dict[str, Any]] = []
    for index in metadata.indexes:
        name = str(index.get("name", ""))
        if CODEARTIFACT_URL.match(str(index.get("url", ""))):
            renamed[name] = TEMPLATE_INDEX
            if name != TEMPLATE_INDEX:
                merged.converted.append(
                    f"index {name!r} (CodeArtifact): now the template's {TEMPLATE_INDEX!r} index"
                )
        else:
            kept.append(index)
    for index in kept:
        block = f"\n[[tool.uv.index]]\n{_lines(index)}"
        merged.text = _insert_before(merged.text, "\n[tool.ruff]", block)
    if kept:
        shown = ", ".join(str(index.get("name")) for index in kept)
        merged.converted.append(f"kept your other index(es) {shown} in [[tool.uv.index]]")
    sources: dict[str, Any] = {}
    for package, source in metadata.uv_sources.items():
        if isinstance(source, dict) and source.get("index") in renamed:
            source = {**source, "index": renamed[source["index"]]}  # noqa: PLW2901 - the renamed copy
        sources[package] = source
    if tool.get("uv") == {}:
        del tool["uv"]
    return sources


def _leaves(
    table: Mapping[str, Any], path: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], dict[str, Any], bool]]:
    """Each table of a tree: its path, its non-table values, and whether it is an array item."""
    values = {
        k: v
        for k, v in table.items()
        if not isinstance(v, dict)
        and not (isinstance(v, list) and v and all(isinstance(i, dict) for i in v))
    }
    if values:
        yield path, values, False
    for key, value in table.items():
        if isinstance(value, dict):
            yield from _leaves(value, (*path, key))
        elif isinstance(value, list) and value and all(isinstance(i, dict) for i in value):
            for item in value:
                yield (*path, key), dict(item), True


def _at(tree: Mapping[str, Any], path: tuple[str, ...]) -> object:
    node: object = tree
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _superseded(path: tuple[str, ...], key: str) -> tuple[str, str] | None:
    """(what, why) when the conversion replaces the setting `key` of [tool.<path>]."""
    for prefix, why in _SUPERSEDED.items():
        if path[: len(prefix)] == prefix:
            return f"[{_header(('tool', *prefix))}]", why
        if (*path, key) == prefix:
            return f"[{_header(('tool', *path))}] {key}", why
    return None


def _tool(merged: Merged, ours: Mapping[str, Any], theirs: Mapping[str, Any]) -> None:
    """The team's [tool.*] settings: theirs where the template has none, both named otherwise."""
    kept: list[str] = []
    dropped: dict[str, str] = {}
    for path, values, is_item in _leaves(theirs, ()):
        full = ("tool", *path)
        if is_item:
            existing = _at(ours, path)
            if not (isinstance(existing, list) and values in existing):
                merged.text = (
                    merged.text.rstrip("\n") + f"\n\n[[{_header(full)}]]\n{_lines(values)}"
                )
                kept.append(f"[[{_header(full)}]]")
            continue
        table = _at(ours, path)
        new = _new_settings(merged, path, values, table, dropped)
        if not new:
            continue
        inserted = _insert_in_section(merged.text, full, _lines(new))
        if isinstance(table, dict) and inserted is not None:
            merged.text = inserted
            kept.append(f"[{_header(full)}] {', '.join(new)}")
        else:
            merged.text = merged.text.rstrip("\n") + f"\n\n[{_header(full)}]\n{_lines(new)}"
            kept.append(f"[{_header(full)}]")
    if kept:
        merged.converted.append(f"kept your settings: {'; '.join(kept)}")
    merged.converted += [f"dropped {where}: {why}" for where, why in dropped.items()]


def _new_settings(
    merged: Merged,
    path: tuple[str, ...],
    values: Mapping[str, Any],
    table: object,
    dropped: dict[str, str],
) -> dict[str, Any]:
    """The team's settings of one table the template lacks; the ones it sets otherwise, named."""
    new: dict[str, Any] = {}
    for key, value in values.items():
        superseded = _superseded(path, key)
        if superseded:
            dropped[superseded[0]] = superseded[1]
        elif not isinstance(table, dict) or key not in table:
            new[key] = value
        elif table[key] != value:
            merged.replaced.append(
                f"[{_header(('tool', *path))}] {key}: yours {toml_value(value)}, the template's "
                f"{toml_value(table[key])} kept"
            )
    return new


def _check(text: str, metadata: Metadata) -> None:
    """The merged file parses and holds the team's version, dependencies and scripts."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        msg = f"the merged text is no TOML ({error})"
        raise ValueError(msg) from None
    project = document["project"]
    wanted = {
        "version": metadata.version,
        "dependencies": metadata.dependencies,
        "scripts": metadata.scripts,
    }
    found = {
        "version": project.get("version"),
        "dependencies": project.get("dependencies", []),
        "scripts": project.get("scripts", {}),
    }
    for key, value in wanted.items():
        if found[key] != value:
            msg = f"the merged [project] {key} is {found[key]!r}, not the project's {value!r}"
            raise ValueError(msg)
