"""The simple repository API's pages (PEP 503 HTML, PEP 691 JSON): pure parsing, no I/O."""

from __future__ import annotations

import json
from html.parser import HTMLParser

ACCEPT = (
    "application/vnd.pypi.simple.v1+json, "
    "application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"
)


class _Links(HTMLParser):
    """File names from a PEP 503 project page: the text of each anchor, and its link."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        self.hrefs: dict[str, str] = {}  # file name -> the anchor's href
        self._in_anchor = False
        self._href = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Enter an anchor."""
        self._in_anchor = tag == "a"
        if self._in_anchor:
            self._href = next((value or "" for key, value in attrs if key == "href"), "")

    def handle_endtag(self, tag: str) -> None:
        """Leave an anchor."""
        if tag == "a":
            self._in_anchor = False

    def handle_data(self, data: str) -> None:
        """Collect an anchor's text."""
        if self._in_anchor and data.strip():
            self.names.append(data.strip())
            self.hrefs[data.strip()] = self._href


_SDIST_SUFFIXES = (".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".zip")


def version_from_filename(filename: str) -> str:
    """Return the version in a wheel or sdist file name, or ""."""
    if filename.endswith((".whl", ".egg")):
        parts = filename.split("-")
        return parts[1] if len(parts) > 2 else ""  # noqa: PLR2004 - name-version-rest
    for suffix in _SDIST_SUFFIXES:
        if filename.endswith(suffix):
            return filename[: -len(suffix)].rpartition("-")[2]
    return ""


def file_names(text: str, content_type: str) -> list[str]:
    """Return the file names a simple-API project page lists (PEP 691 JSON or PEP 503 HTML)."""
    return listed_files(text, content_type)[0]


def listed_files(text: str, content_type: str) -> tuple[list[str], dict[str, str]]:
    """The file names a project page lists, and each one's SHA-256 where the page gives one.

    PEP 691's `hashes`, or PEP 503's `#sha256=` link fragment: how an index says which bytes it
    serves. One parse of the page for both.
    """
    hashes: dict[str, str] = {}
    if "json" in content_type:
        entries = [f for f in json.loads(text).get("files", []) if isinstance(f, dict)]
        for entry in entries:
            given = entry.get("hashes")
            if isinstance(given, dict) and given.get("sha256"):
                hashes[str(entry.get("filename", ""))] = str(given["sha256"]).lower()
        return [str(f.get("filename", "")) for f in entries], hashes
    parser = _Links()
    parser.feed(text)
    for name, href in parser.hrefs.items():
        kind, _, digest = href.partition("#")[2].partition("=")
        if kind == "sha256" and digest:
            hashes[name] = digest.lower()
    return parser.names, hashes


def versions_from_page(body: bytes, content_type: str) -> tuple[str, ...]:
    """The versions a project page lists; ValueError for a page that is not a project page."""
    text = body.decode("utf-8", errors="replace")
    if "json" in content_type:
        versions = json.loads(text).get("versions")
        if isinstance(versions, list):
            return tuple(str(v) for v in versions)
    names = file_names(text, content_type)
    if not names and "pypi:repository-version" not in text and "<a " not in text.lower():
        msg = "an HTML page that is no PEP 503 project page (an error or sign-in page?)"
        raise ValueError(msg)
    found = (version_from_filename(f) for f in names)
    return tuple(dict.fromkeys(v for v in found if v))
