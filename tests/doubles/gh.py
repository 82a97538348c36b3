"""GitHub's REST API through the `gh` CLI, for tests: a fake `gh` executable serving a dict.

The state is a JSON file (path in FAKE_GH_STATE): whether the user is logged in, and endpoint →
JSON body (the builders below give GitHub's documented shapes: repositories, contents, pull
requests, tags, environments). `gh api ENDPOINT` answers as GitHub documents it: the body for a
known endpoint, `404 Not Found` (gh: exit 1, the error body on stdout, `gh: Not Found (HTTP 404)`
on stderr) for an unknown one, list endpoints paginated by `per_page` (default 30, at most 100)
and `page`, every page with `--paginate` (each page a separate JSON array, as gh prints them
without `--slurp`), and `state`/`head` filters on pull-request lists. Logged out, `gh api` exits
4 (`gh help exit-codes`). Every call is appended to the state's `calls`.

The pull-request commands a project's drift check uses act on the current repository
(`repository`, acme/acme-widgets unless given) through the same pull-request list that
`gh api repos/{repository}/pulls` serves: `pr list --head BRANCH --json number --jq '.[].number'`
(the open numbers, or nothing), `pr create` (prints the URL), `pr edit` (`--title`,
`--body-file`, `--add-label`), `label create`, `auth setup-git`, and `workflow run WORKFLOW --ref
REF`, which records a workflow_dispatch in the state's `dispatches` and, like gh without a
terminal, prints nothing. `release view TAG` (exit 1, `release not found`, for a tag without a
release) and `release create TAG --target SHA --title T --notes-file F [--prerelease] FILES...`
(prints the release's URL) keep the repository's releases in the state's `releases`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from tests.doubles import install_cli
from tests.doubles.state import StateFile, locked
from tests.doubles.state import read as read_state
from tests.doubles.state import write as write_state

if TYPE_CHECKING:
    from collections.abc import Iterator

STATE_ENV = "FAKE_GH_STATE"
DOCS = "https://docs.github.com/rest"
NOT_LOGGED_IN = "You are not logged into any GitHub hosts. To log in, run: gh auth login\n"


class FakeGitHub(StateFile):
    """Endpoints of one GitHub host, and the `gh` CLI that reaches them."""

    def __init__(
        self, state_file: Path, *, logged_in: bool = True, repository: str = "acme/acme-widgets"
    ) -> None:
        super().__init__(
            state_file,
            {
                "logged_in": logged_in,
                "repository": repository,
                "endpoints": {},
                "errors": {},
                "calls": [],
                "dispatches": [],
                "releases": {},
            },
        )

    def serve(self, endpoint: str, body: Any) -> None:  # noqa: ANN401 - any JSON body
        """Answer `gh api ENDPOINT` (path without query or leading slash) with BODY."""
        state = self._read()
        state["endpoints"][endpoint.strip("/")] = body
        self._write(state)

    def fail(self, endpoint: str, status: int, message: str) -> None:
        """Answer ENDPOINT with an HTTP error, e.g. 403 for a rate limit."""
        state = self._read()
        state["errors"][endpoint.strip("/")] = {"status": status, "message": message}
        self._write(state)

    def log_out(self) -> None:
        """Forget the login, as `gh auth logout` does."""
        state = self._read()
        state["logged_in"] = False
        self._write(state)

    def add_file(self, repository: str, path: str, text: str) -> None:
        """Serve a file through the contents API of REPOSITORY (`owner/name`)."""
        self.serve(f"repos/{repository}/contents/{path}", contents_response(path, text))

    @property
    def calls(self) -> list[list[str]]:
        """The argument lists `gh` was called with, in order."""
        calls: list[list[str]] = self._read()["calls"]
        return calls

    @property
    def dispatches(self) -> list[dict[str, str]]:
        """The workflow_dispatch events `gh workflow run` created: workflow and ref."""
        dispatches: list[dict[str, str]] = self._read().get("dispatches", [])
        return dispatches

    @property
    def pulls(self) -> list[dict[str, Any]]:
        """The current repository's pull requests, as `gh api .../pulls?state=all` lists them."""
        state = self._read()
        pulls: list[dict[str, Any]] = state["endpoints"].get(_pulls_endpoint(state), [])
        return pulls

    @property
    def releases(self) -> dict[str, dict[str, Any]]:
        """The GitHub releases `gh release create` made, by tag."""
        found: dict[str, dict[str, Any]] = self._read().get("releases", {})
        return found

    def install(self, bin_dir: Path) -> Path:
        """Write an executable `gh` into `bin_dir` that serves this state; return its path."""
        return install_cli(bin_dir, "gh", "gh")

    def env(self) -> dict[str, str]:
        """The environment variables the fake `gh` needs."""
        return {STATE_ENV: str(self.state_file)}


# --- Documented response shapes ------------------------------------------------------------------


def repository(full_name: str, *, archived: bool = False, branch: str = "main") -> dict[str, Any]:
    """A repository as `GET /orgs/{org}/repos` lists it (the fields tools read)."""
    owner, name = full_name.split("/")
    return {
        "id": int(hashlib.sha256(full_name.encode()).hexdigest()[:8], 16),
        "name": name,
        "full_name": full_name,
        "owner": {"login": owner, "type": "Organization"},
        "private": True,
        "fork": False,
        "archived": archived,
        "default_branch": branch,
        "html_url": f"https://github.com/{full_name}",
    }


def contents_response(path: str, text: str) -> dict[str, Any]:
    """`GET /repos/{owner}/{repo}/contents/{path}` for a file: base64 in lines of 60, as GitHub."""
    raw = base64.b64encode(text.encode()).decode()
    content = "".join(raw[i : i + 60] + "\n" for i in range(0, len(raw), 60))
    return {
        "type": "file",
        "encoding": "base64",
        "size": len(text.encode()),
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "content": content,
        "sha": hashlib.sha1(text.encode()).hexdigest(),  # noqa: S324 - git's blob ids are SHA-1
    }


def pull_request(  # noqa: PLR0913 - the fields a test sets
    repository: str,
    number: int,
    branch: str,
    *,
    state: str = "open",
    title: str = "",
    base: str = "main",
    body: str = "",
    labels: tuple[str, ...] = (),
) -> dict[str, Any]:
    """A pull request as `GET /repos/{owner}/{repo}/pulls` lists it."""
    owner = repository.split("/", maxsplit=1)[0]
    return {
        "number": number,
        "state": state,
        "title": title or f"Pull request {number}",
        "body": body,
        "labels": [{"name": label} for label in labels],
        "html_url": f"https://github.com/{repository}/pull/{number}",
        "head": {"ref": branch, "label": f"{owner}:{branch}"},
        "base": {"ref": base},
    }


def environment(
    repository: str,
    name: str = "release",
    *,
    reviewers: tuple[str, ...] = (),
    wait_timer: int = 0,
    branches: bool = True,
) -> dict[str, Any]:
    """An environment as `GET /repos/{owner}/{repo}/environments/{name}` returns it.

    GitHub's REST reference ("Get an environment"): `protection_rules` holds a `wait_timer` rule,
    a `required_reviewers` rule (its `reviewers` users or teams) and a `branch_policy` rule, each
    only when set. One that a workflow created by naming it has none, and no branch policy.
    """
    number = int(hashlib.sha256(f"{repository}:{name}".encode()).hexdigest()[:8], 16)
    rules: list[dict[str, Any]] = []
    if wait_timer:
        rules.append(
            {"id": number + 1, "node_id": "GA_wait", "type": "wait_timer", "wait_timer": wait_timer}
        )
    if reviewers:
        rules.append(
            {
                "id": number + 2,
                "node_id": "GA_reviewers",
                "type": "required_reviewers",
                "prevent_self_review": True,
                "reviewers": [
                    {"type": "User", "reviewer": {"login": login, "id": index + 1, "type": "User"}}
                    for index, login in enumerate(reviewers)
                ],
            }
        )
    if branches:
        rules.append({"id": number + 3, "node_id": "GA_branches", "type": "branch_policy"})
    return {
        "id": number,
        "node_id": f"EN_{number}",
        "name": name,
        "url": f"https://api.github.com/repos/{repository}/environments/{name}",
        "html_url": (
            f"https://github.com/{repository}/deployments/activity_log?environments_filter={name}"
        ),
        "created_at": "2026-11-23T22:00:40Z",
        "updated_at": "2026-11-23T22:00:40Z",
        "can_admins_bypass": True,
        "protection_rules": rules,
        "deployment_branch_policy": (
            {"protected_branches": False, "custom_branch_policies": True} if branches else None
        ),
    }


def tag(name: str) -> dict[str, Any]:
    """A tag as `GET /repos/{owner}/{repo}/tags` lists it."""
    sha = hashlib.sha1(name.encode()).hexdigest()  # noqa: S324 - a stand-in commit id
    return {"name": name, "commit": {"sha": sha}}


# --- The executable ------------------------------------------------------------------------------


class _HttpError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _filtered(path: str, items: list[Any], query: dict[str, list[str]]) -> list[Any]:
    """Apply the filters GitHub documents for pull-request lists: `state` and `head`."""
    if not path.endswith("/pulls"):
        return items
    state = query.get("state", ["open"])[0]
    if state != "all":
        items = [item for item in items if item["state"] == state]
    if "head" in query:
        items = [item for item in items if item["head"]["label"] == query["head"][0]]
    return items


def _pages(items: list[Any], query: dict[str, list[str]], *, paginate: bool) -> Iterator[str]:
    size = min(int(query.get("per_page", ["30"])[0]), 100)
    chunks = [items[i : i + size] for i in range(0, len(items), size)] or [[]]
    if paginate:
        yield from (json.dumps(chunk) for chunk in chunks)
        return
    page = int(query.get("page", ["1"])[0])
    yield json.dumps(chunks[page - 1] if page <= len(chunks) else [])


def _answer(state: dict[str, Any], endpoint: str, *, paginate: bool) -> Iterator[str]:
    parts = urlsplit(endpoint)
    path = parts.path.strip("/")
    query = parse_qs(parts.query)
    if path in state["errors"]:
        error = state["errors"][path]
        raise _HttpError(error["status"], error["message"])
    if path not in state["endpoints"]:
        raise _HttpError(404, "Not Found")
    body = state["endpoints"][path]
    if isinstance(body, list):
        yield from _pages(_filtered(path, body, query), query, paginate=paginate)
    else:
        yield json.dumps(body)


def _api(state: dict[str, Any], args: list[str]) -> int:
    paginate = False
    endpoint = ""
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--paginate":
            paginate = True
        elif arg in {"-H", "--header", "--hostname"} and rest:
            rest.pop(0)
        elif arg in {"-X", "--method"} and rest:
            if rest.pop(0).upper() != "GET":
                sys.stderr.write("fake gh: only GET requests are served\n")
                return 1
        elif arg.startswith("-"):
            sys.stderr.write(f"unknown flag: {arg}\n")
            return 1
        else:
            endpoint = arg
    if not endpoint:
        sys.stderr.write("accepts 1 arg(s), received 0\n")
        return 1
    try:
        sys.stdout.write("".join(_answer(state, endpoint, paginate=paginate)))
    except _HttpError as error:
        body = {"message": error.message, "documentation_url": DOCS, "status": str(error.status)}
        sys.stdout.write(json.dumps(body))
        sys.stderr.write(f"gh: {error.message} (HTTP {error.status})\n")
        return 1
    return 0


def _pulls_endpoint(state: dict[str, Any]) -> str:
    return f"repos/{state['repository']}/pulls"


def _option(args: list[str], name: str) -> str:
    return args[args.index(name) + 1] if name in args else ""


def _pr(state: dict[str, Any], args: list[str]) -> int:
    """`gh pr list|create|edit` on the current repository: its exit code."""
    pulls: list[dict[str, Any]] = state["endpoints"].setdefault(_pulls_endpoint(state), [])
    verb = args[0] if args else ""
    if verb == "list":
        head = _option(args, "--head")
        numbers = [p["number"] for p in pulls if p["state"] == "open" and p["head"]["ref"] == head]
        sys.stdout.write("".join(f"{number}\n" for number in numbers))
        return 0
    if verb == "create":
        pull = pull_request(
            state["repository"],
            len(pulls) + 1,
            _option(args, "--head"),
            title=_option(args, "--title"),
            base=_option(args, "--base") or "main",
            body=Path(_option(args, "--body-file")).read_text(encoding="utf-8"),
            labels=(_option(args, "--label"),) if "--label" in args else (),
        )
        pulls.append(pull)
        sys.stdout.write(f"{pull['html_url']}\n")
        return 0
    if verb == "edit" and len(args) > 1:
        for pull in pulls:
            # gh takes a number, a URL or a branch.
            if args[1] in (str(pull["number"]), pull["html_url"], pull["head"]["ref"]):
                pull["title"] = _option(args, "--title") or pull["title"]
                if "--body-file" in args:
                    body = Path(_option(args, "--body-file")).read_text(encoding="utf-8")
                    pull["body"] = body
                label = _option(args, "--add-label")
                if label and {"name": label} not in pull["labels"]:
                    pull["labels"].append({"name": label})
                sys.stdout.write(f"{pull['html_url']}\n")
                return 0
        sys.stderr.write(f"no pull requests found for {args[1]}\n")
        return 1
    sys.stderr.write(f"fake gh: `gh pr {verb}` is not served by this test double\n")
    return 1


def _workflow(state: dict[str, Any], args: list[str]) -> int:
    """`gh workflow run WORKFLOW [--ref REF]`: a workflow_dispatch on the current repository."""
    if args[:1] != ["run"] or len(args) < 2 or args[1].startswith("-"):
        sys.stderr.write("fake gh: only `gh workflow run WORKFLOW [--ref REF]` is served\n")
        return 1
    ref = _option(args, "--ref") or "main"
    state.setdefault("dispatches", []).append({"workflow": args[1], "ref": ref})
    return 0


def _release(state: dict[str, Any], args: list[str]) -> int:
    """`gh release view TAG` and `gh release create TAG ... FILES` on the current repository."""
    releases = state.setdefault("releases", {})
    if args[:1] == ["view"] and len(args) > 1:
        found = releases.get(args[1])
        if found is None:
            sys.stderr.write("release not found\n")
            return 1
        sys.stdout.write(json.dumps({"tagName": args[1]}) + "\n")
        return 0
    if args[:1] != ["create"] or len(args) < 2:
        sys.stderr.write("fake gh: only `gh release view` and `gh release create` are served\n")
        return 1
    tag, rest = args[1], args[2:]
    options: dict[str, str] = {}
    files: list[str] = []
    prerelease = "--prerelease" in rest
    rest = [arg for arg in rest if arg != "--prerelease"]
    while rest:
        if rest[0].startswith("--"):
            options[rest[0][2:]], rest = rest[1], rest[2:]
        else:
            files.append(Path(rest[0]).name)
            rest = rest[1:]
    if tag in releases:
        sys.stderr.write(f"a release with the same tag name already exists: {tag}\n")
        return 1
    notes = Path(options.pop("notes-file")).read_text(encoding="utf-8")
    releases[tag] = {**options, "prerelease": prerelease, "notes": notes, "files": files}
    sys.stdout.write(f"https://github.com/{state['repository']}/releases/tag/{tag}\n")
    return 0


def cli_main(argv: list[str]) -> int:
    """The fake `gh`: `auth`, `api [--paginate] ENDPOINT`, `pr`, `label` and `workflow run`."""
    state_file = Path(os.environ[STATE_ENV])
    with locked(state_file):
        state = read_state(state_file)
        state["calls"].append(argv)
        code = None
        if argv[:1] == ["pr"] and state["logged_in"]:
            code = _pr(state, argv[1:])
        elif argv[:1] == ["workflow"] and state["logged_in"]:
            code = _workflow(state, argv[1:])
        elif argv[:1] == ["release"] and state["logged_in"]:
            code = _release(state, argv[1:])
        write_state(state_file, state)
    if argv[:2] in (["auth", "setup-git"], ["label", "create"]) and state["logged_in"]:
        code = 0
    if code is not None:
        return code
    if argv[:2] == ["auth", "status"]:
        if not state["logged_in"]:
            sys.stderr.write(NOT_LOGGED_IN)
            return 1
        sys.stdout.write("github.com\n  ✓ Logged in to github.com account tests (keyring)\n")
        return 0
    if argv[:1] == ["api"]:
        if not state["logged_in"]:
            sys.stderr.write("To get started with GitHub CLI, please run:  gh auth login\n")
            return 4
        return _api(state, argv[1:])
    sys.stderr.write(f"fake gh: `gh {' '.join(argv[:2])}` is not served by this test double\n")
    return 1
