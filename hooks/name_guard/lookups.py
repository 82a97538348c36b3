"""The one I/O edge: the public index's simple API and CodeArtifact's control plane, bounded.

The public index's URL is never written here: it comes from NAME_GUARD_UPSTREAM_URL or an answer,
else UV_DEFAULT_INDEX / UV_INDEX_URL / PIP_INDEX_URL, else the user's uv.toml / pip.conf, else the
installer's own default (pip's if pip is importable, else the one `uv help pip install` states).
CodeArtifact is asked through its control plane only: requesting a name through a repository's
simple endpoint can ingest the public package into the repository as a side effect.
"""

from __future__ import annotations

import configparser
import http.client
import importlib
import json
import os
import re
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from .guard import Origin, RepositoryFinding, Status, UpstreamFinding
from .names import has_version, normalise_name
from .settings import in_ci

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from .settings import Settings

T = TypeVar("T")

ACCEPT = (
    "application/vnd.pypi.simple.v1+json, "
    "application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"
)
USER_AGENT = "name-guard (copier template name check)"
_UV_DEFAULT = re.compile(r"by default: <(https?://[^>\s]+)>")


# --- Bounded concurrency -------------------------------------------------------------------------


def run_bounded(calls: Mapping[str, Callable[[], T]], timeout: float) -> dict[str, T | None]:
    """Run `calls` in parallel daemon threads; a call unfinished after `timeout` gives None.

    Daemon threads, not a ThreadPoolExecutor: its workers are joined at exit, so one stuck socket
    would hold the whole program past the bound.
    """
    results: dict[str, T | None] = dict.fromkeys(calls)

    def run(key: str, call: Callable[[], T]) -> None:
        try:
            results[key] = call()
        except Exception:  # noqa: BLE001 - a failed lookup is an unanswered one, never a crash
            results[key] = None

    threads = [
        threading.Thread(target=run, args=(key, call), daemon=True, name=f"name-guard-{key}")
        for key, call in calls.items()
    ]
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return {
        key: results[key] if not thread.is_alive() else None
        for key, thread in zip(calls, threads, strict=True)
    }


class _Cache:
    """Results per key for the life of the process: one network round per name."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[tuple[object, ...], object] = {}

    def get_or_run(self, key: tuple[object, ...], run: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                return self._items[key]  # type: ignore[return-value]
        value = run()
        with self._lock:
            self._items.setdefault(key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


CACHE = _Cache()


def clear_cache() -> None:
    """Forget every cached lookup (tests, or a long-lived process)."""
    CACHE.clear()


# --- The public index ----------------------------------------------------------------------------


def redact(url: str) -> str:
    """Drop credentials from a URL shown in messages."""
    parts = urllib.parse.urlsplit(url)
    if parts.username or parts.password:
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
        return urllib.parse.urlunsplit(parts._replace(netloc=netloc))
    return url


def _usable_index(url: str) -> str:
    """`url` as an index base ending in '/', or "" when it must not be asked about names."""
    url = url.strip()
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return ""
    # A CodeArtifact endpoint is not the public upstream, and asking it for a name can make the
    # repository ingest the public package.
    if ".codeartifact." in parts.hostname:
        return ""
    return url if url.endswith("/") else url + "/"


def _load_toml(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    for module in ("tomllib", "tomli"):  # tomllib is 3.11+; tomli is its backport
        try:
            loader = importlib.import_module(module)
        except ImportError:
            continue
        try:
            data: dict[str, Any] = loader.loads(text)
        except ValueError:
            return {}
        return data
    # Python 3.10 without tomli: the top-level key is all a simple config needs.
    match = re.search(r"""^\s*index-url\s*=\s*["']([^"']+)["']""", text, re.MULTILINE)
    return {"index-url": match.group(1)} if match else {}


def _uv_config_url(data: Mapping[str, Any]) -> str:
    indexes = data.get("index")
    if isinstance(indexes, list):
        for index in indexes:
            if isinstance(index, dict) and index.get("default") and index.get("url"):
                return str(index["url"])
    pip = data.get("pip")
    for section in (data, pip if isinstance(pip, dict) else {}):
        for key in ("default-index", "index-url"):
            if section.get(key):
                return str(section[key])
    return ""


def _config_dirs(env: Mapping[str, str], home: Path) -> list[Path]:
    xdg = env.get("XDG_CONFIG_HOME")
    return [Path(xdg) if xdg else home / ".config"]


def config_index_url(env: Mapping[str, str], home: Path) -> tuple[str, str]:
    """Find the index URL in the user's uv.toml or pip.conf; return it and the file."""
    uv_files = [Path(env["UV_CONFIG_FILE"])] if env.get("UV_CONFIG_FILE") else []
    uv_files += [d / "uv" / "uv.toml" for d in _config_dirs(env, home)]
    uv_files += [Path("/etc/xdg/uv/uv.toml"), Path("/etc/uv/uv.toml")]
    for path in uv_files:
        try:
            url = _uv_config_url(_load_toml(path))
        except OSError:
            continue
        if url:
            return url, str(path)
    pip_files = [Path(env["PIP_CONFIG_FILE"])] if env.get("PIP_CONFIG_FILE") else []
    pip_files += [d / "pip" / "pip.conf" for d in _config_dirs(env, home)]
    pip_files += [home / ".pip" / "pip.conf", Path("/etc/xdg/pip/pip.conf"), Path("/etc/pip.conf")]
    for path in pip_files:
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read(path, encoding="utf-8")
        except (OSError, configparser.Error):
            continue
        for section in ("install", "global"):
            url = parser.get(section, "index-url", fallback="")
            if url:
                return url, str(path)
    return "", ""


def installer_index_url(timeout: float) -> tuple[str, str]:
    """Ask the installer for its default index: pip when importable, else uv's help."""
    try:
        pip_index = importlib.import_module("pip._internal.models.index")
        url = str(pip_index.PyPI.simple_url)
    except (ImportError, AttributeError):
        url = ""
    if url:
        return url, "pip's default index"
    uv = shutil.which("uv")
    if uv:
        try:
            out = subprocess.run(  # noqa: S603 - uv from PATH, fixed arguments
                [uv, "help", "pip", "install"],
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            ).stdout
        except (OSError, subprocess.TimeoutExpired):
            out = ""
        match = _UV_DEFAULT.search(out)
        if match:
            return match.group(1), "uv's default index"
    return "", ""


def upstream_index(
    settings: Settings, env: Mapping[str, str] | None = None, home: Path | None = None
) -> tuple[str, str]:
    """Choose the public index to ask; return its URL and source, or ("", why not)."""
    env = os.environ if env is None else env
    home = Path.home() if home is None else home
    candidates: list[tuple[str, str]] = [(settings.upstream_url, "NAME_GUARD_UPSTREAM_URL")]
    candidates += [
        (env.get(k, ""), k) for k in ("UV_DEFAULT_INDEX", "UV_INDEX_URL", "PIP_INDEX_URL")
    ]
    skipped = [source for url, source in candidates if url and not _usable_index(url)]
    for url, source in candidates:
        if _usable_index(url):
            return _usable_index(url), source
    url, source = config_index_url(env, home)
    if _usable_index(url):
        return _usable_index(url), source
    if url:
        skipped.append(source)
    url, source = installer_index_url(settings.timeout)
    if _usable_index(url):
        return _usable_index(url), source
    why = "no public index URL found (set NAME_GUARD_UPSTREAM_URL)"
    if skipped:
        why += f"; not asked: {', '.join(skipped)} (a CodeArtifact or non-HTTP URL)"
    return "", why


class _Links(HTMLParser):
    """File names from a PEP 503 project page: the text of each anchor."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        self._in_anchor = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Enter an anchor."""
        del attrs
        self._in_anchor = tag == "a"

    def handle_endtag(self, tag: str) -> None:
        """Leave an anchor."""
        if tag == "a":
            self._in_anchor = False

    def handle_data(self, data: str) -> None:
        """Collect an anchor's text."""
        if self._in_anchor and data.strip():
            self.names.append(data.strip())


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
    if "json" in content_type:
        data = json.loads(text)
        return [str(f.get("filename", "")) for f in data.get("files", []) if isinstance(f, dict)]
    parser = _Links()
    parser.feed(text)
    return parser.names


def _versions_from_page(body: bytes, content_type: str) -> tuple[str, ...]:
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


def fetch_upstream(name: str, index_url: str, timeout: float) -> UpstreamFinding:  # noqa: PLR0911 - one finding per failure class
    """Ask the index's simple API whether project `name` exists (404 means free)."""
    url = urllib.parse.urljoin(index_url, normalise_name(name) + "/")
    shown = redact(url)
    headers = {"Accept": ACCEPT, "User-Agent": USER_AGENT}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http(s) only: _usable_index
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - as above
            body = response.read()
            content_type = response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        if error.code in {404, 410}:
            return UpstreamFinding(Status.FREE, shown)
        return UpstreamFinding(
            Status.UNKNOWN, shown, reason=f"the index answered HTTP {error.code}"
        )
    except TimeoutError:
        return UpstreamFinding(Status.UNKNOWN, shown, reason=f"no answer within {timeout:g} s")
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError):
            return UpstreamFinding(Status.UNKNOWN, shown, reason=f"no answer within {timeout:g} s")
        return UpstreamFinding(Status.UNKNOWN, shown, reason=f"unreachable ({reason})")
    except http.client.HTTPException as error:  # not HTTP, or a body cut short
        why = f"the index did not answer in HTTP ({type(error).__name__})"
        return UpstreamFinding(Status.UNKNOWN, shown, reason=why)
    try:
        versions = _versions_from_page(body, content_type)
    except (ValueError, AttributeError, TypeError):
        # A 200 that is not a simple-API page (broken JSON, an error page) proves nothing.
        why = f"the index answered something that is not a project page ({content_type})"
        return UpstreamFinding(Status.UNKNOWN, shown, reason=why)
    return UpstreamFinding(Status.TAKEN, shown, versions)


def lookup_upstream(name: str, settings: Settings) -> UpstreamFinding:
    """Look `name` up on the public index, once per name."""
    if settings.offline:
        return UpstreamFinding(Status.SKIPPED, reason="lookups are off (NAME_GUARD_OFFLINE=1)")
    index_url, source = upstream_index(settings)
    if not index_url:
        return UpstreamFinding(Status.UNKNOWN, reason=source)
    key = ("upstream", normalise_name(name), index_url, settings.timeout)
    return CACHE.get_or_run(key, lambda: fetch_upstream(name, index_url, settings.timeout))


# --- CodeArtifact's control plane ----------------------------------------------------------------


class AwsError(Exception):
    """An error from AWS, by its error code ("ResourceNotFoundException", "NoCredentials"...)."""

    def __init__(self, code: str, message: str, resource_type: str = "") -> None:  # noqa: D107
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.resource_type = resource_type  # what was not found: domain, repository, package...

    @property
    def package_missing(self) -> bool:
        """The package (or version) does not exist, as opposed to the domain or repository."""
        if self.code != "ResourceNotFoundException":
            return False
        if self.resource_type:
            return self.resource_type in {"package", "package-version"}
        # The CLI prints only the message: "Package ... not found ..." versus a domain or
        # repository that does not exist (wrong region or settings).
        return "package" in self.message.lower()


class ControlPlane(Protocol):
    """CodeArtifact operations by their boto3 names, with boto3's parameters and responses."""

    def call(
        self, operation: str, params: dict[str, Any], timeout: float | None = None
    ) -> dict[str, Any]:
        """Run one operation within `timeout` seconds if given; raise AwsError."""
        ...


@dataclass
class Boto3Plane:
    """The control plane through a boto3 `codeartifact` client (real, or stubbed in tests)."""

    client: Any

    def call(
        self, operation: str, params: dict[str, Any], timeout: float | None = None
    ) -> dict[str, Any]:
        """Run one operation; boto3's exceptions become AwsError (the client has timeouts)."""
        del timeout
        exceptions = importlib.import_module("botocore.exceptions")
        try:
            response: dict[str, Any] = getattr(self.client, operation)(**params)
        except exceptions.ClientError as error:
            err = error.response.get("Error", {})
            raise AwsError(
                str(err.get("Code", "ClientError")),
                str(err.get("Message", "")),
                str(error.response.get("resourceType", "")),
            ) from error
        except exceptions.NoCredentialsError as error:
            code = "NoCredentials"
            raise AwsError(code, str(error)) from error
        except exceptions.BotoCoreError as error:
            raise AwsError(type(error).__name__, str(error)) from error
        return response

    @classmethod
    def create(cls, settings: Settings) -> Boto3Plane:
        """Create a client for the configured region and profile that fails fast."""
        boto3 = importlib.import_module("boto3")
        config = importlib.import_module("botocore.config")
        exceptions = importlib.import_module("botocore.exceptions")
        ca = settings.codeartifact
        try:
            session = boto3.Session(profile_name=ca.profile or None, region_name=ca.region)
        except exceptions.ProfileNotFound as error:
            code = "ProfileNotFound"
            raise AwsError(code, str(error)) from error
        client = session.client(
            "codeartifact",
            config=config.Config(
                connect_timeout=settings.timeout,
                read_timeout=settings.timeout,
                retries={"total_max_attempts": 1},
            ),
        )
        return cls(client)


_CLI_ERROR = re.compile(r"An error occurred \((\w+)\)(?: when calling the \w+ operation)?: (.*)")
_CLI_PARAMS = {
    "domain": "--domain",
    "domainOwner": "--domain-owner",
    "repository": "--repository",
    "format": "--format",
    "package": "--package",
    "packageVersion": "--package-version",
    "maxResults": "--max-results",
}


@dataclass
class CliPlane:
    """The control plane through the `aws` CLI found on PATH."""

    aws: str
    settings: Settings

    def command(self, operation: str, params: Mapping[str, Any]) -> list[str]:
        """Build the `aws codeartifact ...` command line for one operation."""
        ca = self.settings.codeartifact
        argv = [self.aws, "codeartifact", operation.replace("_", "-")]
        for key, value in params.items():
            if key == "restrictions":
                argv += ["--restrictions", ",".join(f"{k}={v}" for k, v in value.items())]
            else:
                argv += [_CLI_PARAMS[key], str(value)]
        argv += ["--region", ca.region, "--output", "json", "--no-paginate"]
        timeout = str(max(1, int(self.settings.timeout)))
        argv += ["--cli-connect-timeout", timeout, "--cli-read-timeout", timeout]
        if ca.profile:
            argv += ["--profile", ca.profile]
        return argv

    def call(
        self, operation: str, params: dict[str, Any], timeout: float | None = None
    ) -> dict[str, Any]:
        """Run one operation; the CLI's errors become AwsError."""
        timeout = self.settings.timeout if timeout is None else timeout
        env = {**os.environ, "AWS_PAGER": ""}
        try:
            done = subprocess.run(  # noqa: S603 - the aws CLI from PATH, arguments built here
                self.command(operation, params),
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
                env=env,
            )
        except subprocess.TimeoutExpired as error:
            msg = f"no answer within {timeout:g} s"
            code = "Timeout"
            raise AwsError(code, msg) from error
        except OSError as error:
            code = "CliError"
            raise AwsError(code, str(error)) from error
        if done.returncode != 0:
            raise _cli_error(done.stderr, self.aws, done.returncode)
        try:
            data: dict[str, Any] = json.loads(done.stdout or "{}")
        except ValueError as error:
            raise broken_cli(self.aws, done.stdout, done.returncode) from error
        if not isinstance(data, dict):
            raise broken_cli(self.aws, done.stdout, done.returncode)
        return data


def broken_cli(aws: str, said: str, returncode: int) -> AwsError:
    """Explain an `aws` that answers no AWS error and no JSON: a shim, a crash, another program."""
    text = said.strip()
    first = text.splitlines()[0].strip() if text else f"exit code {returncode}, no output"
    if "pyenv" in text:
        why = (
            f"it is a pyenv shim ({first}): the Python version this directory selects has no "
            "aws; install the AWS CLI v2 outside pyenv, or `pyenv shell` a version that has it"
        )
    else:
        why = f"it printed no AWS error and no JSON ({first[:120]})"
    fix = "put a working AWS CLI v2 first on PATH, or install boto3 (NAME_GUARD_AWS=boto3)"
    return AwsError("CliBroken", f"the aws CLI at {aws} does not work: {why}; {fix}")


def _cli_error(stderr: str, aws: str = "aws", returncode: int = 1) -> AwsError:
    text = stderr.strip()
    match = _CLI_ERROR.search(text)
    if match:
        return AwsError(match.group(1), match.group(2).strip())
    lowered = text.lower()
    if "unable to locate credentials" in lowered or "token has expired" in lowered:
        return AwsError("NoCredentials", text.splitlines()[0] if text else "")
    if "could not be found" in lowered and "profile" in lowered:
        return AwsError("ProfileNotFound", text.splitlines()[0])
    if "could not connect" in lowered or "timed out" in lowered:
        return AwsError("EndpointConnectionError", text.splitlines()[0])
    if "aws" in lowered and ("usage:" in lowered or "error:" in lowered):
        # The CLI's own usage error (an option this version lacks): one line of it is enough.
        lines = [line for line in text.splitlines() if "error" in line.lower()]
        return AwsError("CliError", (lines or text.splitlines())[-1].strip())
    return broken_cli(aws, text, returncode)


# Where AWS's credential chain looks before the instance metadata service: the environment (keys,
# a profile, a web identity, a container's endpoint) and the two shared files.
_CREDENTIAL_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_PROFILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
)
NO_CREDENTIALS = (
    "no AWS credentials configured (no AWS_* credentials in the environment, no AWS config or "
    "credentials file); sign in first, e.g. `aws configure sso` then `aws sso login`, or set "
    "NAME_GUARD_AWS=boto3 to use an EC2 instance role"
)


def credentials_in_sight(env: Mapping[str, str], home: Path) -> bool:
    """Whether the credential chain has anything to find short of the instance metadata service.

    Cheap: no import, no process. When it is false on a laptop, starting boto3 or the aws CLI
    (about a second either way) can only end in "Unable to locate credentials".
    """
    if any(env.get(name) for name in _CREDENTIAL_VARIABLES):
        return True
    files = (
        env.get("AWS_SHARED_CREDENTIALS_FILE") or home / ".aws" / "credentials",
        env.get("AWS_CONFIG_FILE") or home / ".aws" / "config",
    )
    return any(Path(file).is_file() for file in files)


def control_plane(settings: Settings) -> ControlPlane | str:
    """Create the client NAME_GUARD_AWS asks for, or say why there is none.

    `auto` outside CI first looks for credentials where they can be seen without AWS's tools:
    a new laptop is told at once. CI (where a runner's instance role is common) and the explicit
    modes always ask the whole credential chain.
    """
    # os.path's expanduser: pathlib's raises where no home directory can be found.
    home = Path(os.path.expanduser("~"))  # noqa: PTH111
    if (
        settings.aws == "auto"
        and not in_ci(os.environ)
        and not credentials_in_sight(os.environ, home)
    ):
        return NO_CREDENTIALS
    return _client(settings)


def _client(settings: Settings) -> ControlPlane | str:
    mode = settings.aws
    if mode in {"auto", "boto3"}:
        try:
            importlib.import_module("boto3")
        except ImportError:
            if mode == "boto3":
                return "boto3 is not installed (NAME_GUARD_AWS=boto3)"
        else:
            try:
                return Boto3Plane.create(settings)
            except AwsError as error:
                return _reason(error, settings, "DescribePackage")
    aws = shutil.which("aws")
    if aws:
        return CliPlane(aws, settings)
    if mode == "cli":
        return "the aws CLI is not on PATH (NAME_GUARD_AWS=cli)"
    return "neither boto3 nor the aws CLI is available"


def _reason(error: AwsError, settings: Settings, operation: str) -> str:  # noqa: PLR0911 - a message per error class
    """Explain an AWS error to the user."""
    ca = settings.codeartifact
    profile = f"profile {ca.profile!r}" if ca.profile else "the default credential chain"
    if error.code in {"NoCredentials", "ExpiredTokenException", "UnrecognizedClientException"}:
        login = f"aws sso login --profile {ca.profile}" if ca.profile else "aws sso login"
        return f"no valid AWS credentials ({profile}); sign in, e.g. `{login}`"
    if error.code == "CliBroken":
        return error.message
    if error.code == "ProfileNotFound":
        return f"the AWS profile {ca.profile!r} does not exist in your AWS config"
    if error.code == "AccessDeniedException":
        return (
            f"access denied: your AWS identity ({profile}) lacks codeartifact:{operation} on "
            f"domain {ca.domain!r}, repository {ca.repository!r} ({error.message})"
        )
    if error.code in {"Timeout", "ConnectTimeoutError", "ReadTimeoutError"}:
        return f"CodeArtifact did not answer within {settings.timeout:g} s"
    if error.code == "ResourceNotFoundException":
        return (
            f"CodeArtifact has no such {error.resource_type or 'domain or repository'} "
            f"({error.message}): check the domain {ca.domain!r}, account {ca.domain_owner}, "
            f"region {ca.region} and repository {ca.repository!r}"
        )
    if error.code in {"EndpointConnectionError", "ConnectionClosedError"}:
        return f"CodeArtifact is unreachable in {ca.region} ({error.message})"
    return f"{error.code}: {error.message}"


def _package_params(name: str, settings: Settings) -> dict[str, Any]:
    ca = settings.codeartifact
    return {
        "domain": ca.domain,
        "domainOwner": ca.domain_owner,
        "repository": ca.repository,
        "format": "pypi",
        "package": normalise_name(name),
    }


def ask_repository(
    name: str, version: str, settings: Settings, plane: ControlPlane
) -> RepositoryFinding:
    """Ask the control plane about `name` (and `version`), within one timeout overall.

    One call answers the usual case (a free name); the package's versions are asked only when
    it exists. The calls are sequential so that a stubbed client sees a fixed order.
    """
    where = settings.codeartifact.describe()
    base = _package_params(name, settings)
    deadline = time.monotonic() + settings.timeout
    late = f"CodeArtifact did not answer within {settings.timeout:g} s"

    def ask(operation: str, params: dict[str, Any]) -> dict[str, Any] | AwsError:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return AwsError("Timeout", late)
        try:
            return plane.call(operation, params, timeout=remaining)
        except AwsError as error:
            return error

    package = ask("describe_package", base)
    if isinstance(package, AwsError):
        if package.package_missing:
            version_status = Status.FREE if version else Status.SKIPPED
            return RepositoryFinding(Status.FREE, where, version_status=version_status)
        reason = (
            late if package.code == "Timeout" else _reason(package, settings, "DescribePackage")
        )
        return RepositoryFinding(Status.UNKNOWN, where, reason=reason)
    restrictions = package.get("package", {}).get("originConfiguration", {}).get("restrictions")
    origin = (
        Origin(str(restrictions.get("publish", "")), str(restrictions.get("upstream", "")))
        if isinstance(restrictions, dict)
        else None
    )
    listed = ask("list_package_versions", {**base, "maxResults": 1000})
    entries = listed.get("versions", []) if isinstance(listed, dict) else []
    versions = tuple(str(e.get("version", "")) for e in entries)
    external = tuple(
        str(e.get("version", ""))
        for e in entries
        if e.get("origin", {}).get("originType") == "EXTERNAL"
    )
    version_status, version_external, reason = Status.SKIPPED, False, ""
    if version and has_version(versions, version):
        version_status, version_external = Status.TAKEN, has_version(external, version)
    elif version:
        answer = ask("describe_package_version", {**base, "packageVersion": version})
        if isinstance(answer, dict):
            version_status = Status.TAKEN
            origin_type = answer.get("packageVersion", {}).get("origin", {}).get("originType")
            version_external = origin_type == "EXTERNAL"
        elif answer.package_missing:
            version_status = Status.FREE
        else:
            version_status = Status.UNKNOWN
            reason = (
                late
                if answer.code == "Timeout"
                else _reason(answer, settings, "DescribePackageVersion")
            )
    return RepositoryFinding(
        Status.TAKEN,
        where,
        origin=origin,
        versions=versions,
        external_versions=external,
        version_status=version_status,
        version_external=version_external,
        reason=reason,
    )


def lookup_repository(
    name: str, settings: Settings, version: str = "", plane: ControlPlane | None = None
) -> RepositoryFinding:
    """Look `name` (and `version`) up in the CodeArtifact repository, once per name."""
    where = settings.codeartifact.describe()
    if plane is None:
        if settings.offline:
            reason = "lookups are off (NAME_GUARD_OFFLINE=1)"
            return RepositoryFinding(Status.SKIPPED, where, reason=reason)
        if settings.aws == "none":
            reason = "CodeArtifact lookups are off (NAME_GUARD_AWS=none)"
            return RepositoryFinding(Status.SKIPPED, where, reason=reason)
    if not settings.codeartifact.configured:
        reason = "the CodeArtifact domain, account, region or repository is not set"
        return RepositoryFinding(Status.UNKNOWN, where, reason=reason)
    key = (
        "repository",
        normalise_name(name),
        version,
        settings.codeartifact,
        settings.aws,
        id(plane),
    )

    def run() -> RepositoryFinding:
        chosen = control_plane(settings) if plane is None else plane
        if isinstance(chosen, str):
            return RepositoryFinding(Status.UNKNOWN, where, reason=chosen)
        return ask_repository(name, version, settings, chosen)

    return CACHE.get_or_run(key, run)


@dataclass(frozen=True)
class Protection:
    """The outcome of setting a package's origin controls."""

    ok: bool
    message: str
    origin: Origin | None = None


def set_origin_controls(
    name: str, settings: Settings, plane: ControlPlane | None = None
) -> Protection:
    """Set publish=ALLOW, upstream=BLOCK for `name` (works before its first version exists)."""
    ca = settings.codeartifact
    if not ca.configured:
        return Protection(
            ok=False,
            message="the CodeArtifact domain, account, region or repository is not set "
            "(CODEARTIFACT_DOMAIN, CODEARTIFACT_DOMAIN_OWNER, CODEARTIFACT_REGION, "
            "CODEARTIFACT_REPOSITORY)",
        )
    chosen = plane
    if chosen is None:
        if settings.aws == "none":
            return Protection(ok=False, message="CodeArtifact calls are off (NAME_GUARD_AWS=none)")
        found = control_plane(settings)
        if isinstance(found, str):
            return Protection(ok=False, message=found)
        chosen = found
    params = {
        **_package_params(name, settings),
        "restrictions": {"publish": "ALLOW", "upstream": "BLOCK"},
    }
    try:
        response = chosen.call("put_package_origin_configuration", params)
    except AwsError as error:
        return Protection(
            ok=False, message=_reason(error, settings, "PutPackageOriginConfiguration")
        )
    restrictions = response.get("originConfiguration", {}).get("restrictions", {})
    origin = Origin(str(restrictions.get("publish", "")), str(restrictions.get("upstream", "")))
    return Protection(ok=origin.protected, message=str(origin), origin=origin)
