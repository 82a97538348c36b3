"""The I/O edge against local doubles: a simple index on 127.0.0.1, Stubber, a fake `aws`."""

from __future__ import annotations

import importlib
import os
import resource
import shutil
import socket
import time
from typing import TYPE_CHECKING, Any

import pytest
from codeartifact_python_tools import bounded, codeartifact, fetch, simple_api, upstream
from codeartifact_python_tools.guard import api
from codeartifact_python_tools.guard.settings import CodeArtifact, Settings
from codeartifact_python_tools.guard.verdicts import (
    Origin,
    PackageGroup,
    RepositoryFinding,
    Status,
    UpstreamFinding,
)

from tests.doubles import codeartifact as codeartifact_double
from tests.doubles.codeartifact import (
    FakeCodeArtifact,
    add_not_found,
    associated_group_response,
    describe_package_response,
    group_params,
    list_versions_response,
    package_params,
    stubbed_client,
)
from tests.doubles.faulty_index import FaultyIndex
from tests.doubles.simple_index import SimpleIndex

if TYPE_CHECKING:
    from pathlib import Path
    from types import ModuleType


CA = CodeArtifact("acme", "123456789012", "eu-west-1", "python")
# Each call of the fake `aws` starts a Python: on a loaded two-core machine a few of them can
# take a second, which the tests that are not about time must not fail for.
CLI_TIMEOUT = 10.0


def settings(url: str = "", **changes: Any) -> Settings:  # noqa: ANN401
    return Settings(codeartifact=CA, upstream_url=url, timeout=1.0).replace(**changes)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port  # nothing listens there once the socket is closed


# --- The public index ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "html", "both"])
def test_a_taken_name_is_found_with_its_versions_in_every_format(fmt: str) -> None:
    with SimpleIndex.running(projects={"flask-sqlalchemy": ["3.0.0", "3.1.1"]}, fmt=fmt) as index:  # type: ignore[arg-type]
        found = upstream.fetch_upstream("Flask_SQLAlchemy", index.url, 1.0)
        assert index.requests == ["/simple/flask-sqlalchemy/"]  # asked by its normalised name
        assert "application/vnd.pypi.simple.v1+json" in index.accepts[0]
    assert found.status is Status.TAKEN
    assert found.versions == ("3.0.0", "3.1.1")
    assert found.url.endswith("/simple/flask-sqlalchemy/")


def test_a_missing_project_is_free() -> None:
    with SimpleIndex.running(projects={"requests": ["2.32.3"]}) as index:
        found = upstream.fetch_upstream("acme-widgets", index.url, 1.0)
    assert found.status is Status.FREE


def test_a_closed_port_is_unreachable_not_free() -> None:
    url = f"http://127.0.0.1:{closed_port()}/simple/"
    started = time.monotonic()
    found = upstream.fetch_upstream("acme-widgets", url, 1.0)
    assert found.status is Status.UNKNOWN
    assert "unreachable" in found.reason
    assert time.monotonic() - started < 1.0


def test_a_slow_index_times_out_within_the_bound() -> None:
    with SimpleIndex.running(projects={"requests": ["1.0"]}, latency=5.0) as index:
        started = time.monotonic()
        found = api.check_name("requests", settings(index.url, timeout=0.5, aws="none"))
        elapsed = time.monotonic() - started
    assert elapsed < 0.5 + 2.0  # the timeout, plus slack for a loaded machine; far below 5 s
    assert found.ok  # unverifiable: a warning, not a refusal
    assert "no answer within 0.5 s" in found.warnings[0]


def test_lookups_are_cached_per_name() -> None:
    with SimpleIndex.running(projects={"requests": ["2.32.3"]}) as index:
        first = upstream.lookup_upstream("Requests", settings(index.url))
        second = upstream.lookup_upstream("requests", settings(index.url))
        assert first == second
        assert index.requests == ["/simple/requests/"]


def test_warming_up_loads_the_tls_context_in_the_background(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading  # noqa: PLC0415

    monkeypatch.setattr(fetch, "_TLS", [])
    fetch.warm_up()
    for thread in threading.enumerate():
        if thread.name == "read-warm-up":
            thread.join(10)
    assert len(fetch._TLS) == 1  # noqa: SLF001 - loaded before any read asked for it
    assert fetch._tls() is fetch._TLS[0]  # noqa: SLF001 - and the reads use that one


def test_a_head_start_finds_the_index_before_its_lookup_thread_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The lookup's thread then starts with the request, not with reading configuration files
    # while the caller (copier) holds the interpreter.
    import threading  # noqa: PLC0415

    where: list[str] = []

    def found_in(chosen: Settings) -> tuple[str, str]:
        where.append(threading.current_thread().name)
        return chosen.upstream_url, "NAME_GUARD_UPSTREAM_URL"

    monkeypatch.setattr(upstream, "upstream_index", found_in)
    bounded.clear_cache()
    with SimpleIndex.running() as index:
        api.prefetch("acme-gadgets", settings(index.url, aws="none"))
        assert where == [threading.current_thread().name]
        found = upstream.lookup_upstream("acme-gadgets", settings(index.url, aws="none"))
        assert index.requests == ["/simple/acme-gadgets/"]  # the head start's one request
    assert found.status is Status.FREE
    assert len(where) == 1
    bounded.clear_cache()


def test_offline_asks_nothing() -> None:
    with SimpleIndex.running() as index:
        found = upstream.lookup_upstream("requests", settings(index.url, offline=True))
        assert index.requests == []
    assert found.status is Status.SKIPPED
    assert "NAME_GUARD_OFFLINE=1" in found.reason


@pytest.mark.parametrize(
    ("filename", "version"),
    [
        ("flask_sqlalchemy-3.1.1-py3-none-any.whl", "3.1.1"),
        ("Flask-SQLAlchemy-3.1.1.tar.gz", "3.1.1"),
        ("zope.interface-6.4.zip", "6.4"),
        ("README.txt", ""),
    ],
)
def test_versions_come_from_file_names(filename: str, version: str) -> None:
    assert simple_api.version_from_filename(filename) == version


# --- Which index is the public upstream ----------------------------------------------------------


def test_the_url_setting_comes_first(tmp_path: Path) -> None:
    env = {"UV_DEFAULT_INDEX": "http://127.0.0.1:2/simple"}
    url, source = upstream.upstream_index(settings("http://127.0.0.1:1/simple"), env, tmp_path)
    assert (url, source) == ("http://127.0.0.1:1/simple/", "NAME_GUARD_UPSTREAM_URL")


def test_installer_environment_variables_are_next(tmp_path: Path) -> None:
    env = {"UV_INDEX_URL": "http://127.0.0.1:3/simple/", "PIP_INDEX_URL": "http://127.0.0.1:4/"}
    assert upstream.upstream_index(settings(), env, tmp_path) == (
        "http://127.0.0.1:3/simple/",
        "UV_INDEX_URL",
    )


def test_a_codeartifact_url_is_never_asked_about_names(tmp_path: Path) -> None:
    repo = (
        "https://aws:token@acme-123456789012.d.codeartifact.eu-west-1.example/pypi/python/simple/"
    )
    env = {"UV_DEFAULT_INDEX": repo, "PIP_INDEX_URL": "http://127.0.0.1:5/simple/"}
    assert upstream.upstream_index(settings(), env, tmp_path)[0] == "http://127.0.0.1:5/simple/"


def test_the_users_uv_config_is_read(tmp_path: Path) -> None:
    config = tmp_path / ".config" / "uv" / "uv.toml"
    config.parent.mkdir(parents=True)
    config.write_text(
        '[[index]]\nname = "other"\nurl = "http://127.0.0.1:7/other/"\n\n'
        '[[index]]\nname = "main"\nurl = "http://127.0.0.1:6/simple/"\ndefault = true\n'
    )
    url, source = upstream.upstream_index(settings(), {}, tmp_path)
    assert url == "http://127.0.0.1:6/simple/"
    assert source == str(config)


def test_the_users_pip_config_is_read(tmp_path: Path) -> None:
    config = tmp_path / ".config" / "pip" / "pip.conf"
    config.parent.mkdir(parents=True)
    config.write_text("[global]\nindex-url = http://127.0.0.1:8/simple\n")
    assert upstream.upstream_index(settings(), {}, tmp_path) == (
        "http://127.0.0.1:8/simple/",
        str(config),
    )


def test_without_configuration_the_installer_says_where_it_installs_from(tmp_path: Path) -> None:
    url, source = upstream.upstream_index(settings(), {}, tmp_path)
    assert url.startswith("https://")
    assert url.endswith("/simple/")
    assert source in {"pip's default index", "uv's default index"}


# --- CodeArtifact through a stubbed boto3 client ------------------------------------------------


def test_stubbed_taken_package_reports_versions_and_origin() -> None:
    params = package_params("Acme_Widgets")
    with stubbed_client() as (client, stubber):
        stubber.add_response("describe_package", describe_package_response("acme-widgets"), params)
        stubber.add_response(
            "get_associated_package_group",
            associated_group_response(),
            group_params("acme-widgets"),
        )
        stubber.add_response(
            "list_package_versions",
            list_versions_response("acme-widgets", ["0.1.0", "0.2.0"]),
            {**params, "maxResults": 1000},
        )
        found = codeartifact.ask_repository(
            "Acme_Widgets", "0.2.0", settings(), codeartifact.Boto3Plane(client)
        )
    assert found.status is Status.TAKEN
    assert found.origin == Origin("ALLOW", "BLOCK")
    assert found.versions == ("0.1.0", "0.2.0")
    assert found.version_status is Status.TAKEN
    assert found.group == PackageGroup("/*", "ALLOW", "ALLOW", "ALLOW")  # the domain's root


def test_stubbed_version_not_listed_is_described() -> None:
    params = package_params("acme-widgets")
    with stubbed_client() as (client, stubber):
        stubber.add_response("describe_package", describe_package_response("acme-widgets"), params)
        stubber.add_response(
            "get_associated_package_group",
            associated_group_response(),
            group_params("acme-widgets"),
        )
        stubber.add_response(
            "list_package_versions",
            list_versions_response("acme-widgets", []),
            {**params, "maxResults": 1000},
        )
        add_not_found(
            stubber,
            "describe_package_version",
            resource_type="package-version",
            resource_id="x",
            message="Package version not found",
            expected_params={**params, "packageVersion": "0.3.0"},
        )
        found = codeartifact.ask_repository(
            "acme-widgets", "0.3.0", settings(), codeartifact.Boto3Plane(client)
        )
    assert found.version_status is Status.FREE


def test_stubbed_free_package_is_two_calls_the_second_its_group() -> None:
    """A group applies to a name no repository holds yet: it is asked about a free name too."""
    with stubbed_client() as (client, stubber):
        add_not_found(
            stubber,
            "describe_package",
            resource_type="package",
            resource_id="acme-new",
            message="Package acme-new not found",
            expected_params=package_params("acme-new"),
        )
        stubber.add_response(
            "get_associated_package_group",
            associated_group_response(
                "/pypi//acme-~",
                publish="ALLOW_SPECIFIC_REPOSITORIES",
                external_upstream="BLOCK",
                internal_upstream="BLOCK",
            ),
            group_params("acme-new"),
        )
        found = codeartifact.ask_repository(
            "acme-new", "", settings(), codeartifact.Boto3Plane(client)
        )
    assert found.status is Status.FREE
    assert found.group == PackageGroup(
        "/pypi//acme-~", "ALLOW_SPECIFIC_REPOSITORIES", "BLOCK", "BLOCK"
    )
    assert found.group.blocks_upstream


def test_stubbed_group_denied_leaves_the_group_unknown_and_the_finding_as_it_was() -> None:
    """An identity whose policy predates GetAssociatedPackageGroup: no group, no crash."""
    with stubbed_client() as (client, stubber):
        add_not_found(
            stubber,
            "describe_package",
            resource_type="package",
            resource_id="acme-new",
            message="Package acme-new not found",
        )
        stubber.add_client_error(
            "get_associated_package_group",
            service_error_code="AccessDeniedException",
            service_message="not authorized to perform codeartifact:GetAssociatedPackageGroup",
            http_status_code=403,
        )
        found = codeartifact.ask_repository(
            "acme-new", "0.1.0", settings(), codeartifact.Boto3Plane(client)
        )
    assert found == RepositoryFinding(Status.FREE, CA.describe(), version_status=Status.FREE)


def test_stubbed_missing_repository_is_not_a_free_name() -> None:
    with stubbed_client() as (client, stubber):
        add_not_found(
            stubber,
            "describe_package",
            resource_type="repository",
            resource_id="python",
            message="Repository python not found",
        )
        found = codeartifact.ask_repository(
            "acme-new", "", settings(), codeartifact.Boto3Plane(client)
        )
    assert found.status is Status.UNKNOWN
    assert "no such repository" in found.reason


def test_stubbed_versions_are_read_to_the_last_page() -> None:
    """ListPackageVersions pages: the version asked about is on the last one."""
    params = package_params("acme-widgets")
    first = [f"0.{n}.0" for n in range(1000)]
    with stubbed_client() as (client, stubber):
        stubber.add_response("describe_package", describe_package_response("acme-widgets"), params)
        stubber.add_response(
            "get_associated_package_group",
            associated_group_response(),
            group_params("acme-widgets"),
        )
        stubber.add_response(
            "list_package_versions",
            list_versions_response("acme-widgets", first, next_page="page-2"),
            {**params, "maxResults": 1000},
        )
        stubber.add_response(
            "list_package_versions",
            list_versions_response("acme-widgets", ["1.0.0"]),
            {**params, "maxResults": 1000, "nextToken": "page-2"},
        )
        found = codeartifact.ask_repository(
            "acme-widgets", "1.0.0", settings(), codeartifact.Boto3Plane(client)
        )
    assert found.version_status is Status.TAKEN  # not "free" for want of the second page
    assert found.versions == (*first, "1.0.0")


def test_stubbed_page_after_the_deadline_leaves_the_version_unknown() -> None:
    """A page that arrives after the deadline is not used: the version is UNKNOWN, never FREE."""
    params = package_params("acme-widgets")

    class SlowSecondPage(codeartifact.Boto3Plane):
        pages = 0

        def call(
            self, operation: str, params: dict[str, Any], timeout: float | None = None
        ) -> dict[str, Any]:
            answer = super().call(operation, params, timeout)
            if operation == "list_package_versions":
                self.pages += 1
                if self.pages == 2:
                    time.sleep(0.4)  # boto3's own timeouts are per socket read, not overall
            return answer

    with stubbed_client() as (client, stubber):
        stubber.add_response("describe_package", describe_package_response("acme-widgets"), params)
        stubber.add_response(
            "get_associated_package_group",
            associated_group_response(),
            group_params("acme-widgets"),
        )
        stubber.add_response(
            "list_package_versions",
            list_versions_response("acme-widgets", ["0.1.0"], next_page="page-2"),
            {**params, "maxResults": 1000},
        )
        stubber.add_response(
            "list_package_versions",
            list_versions_response("acme-widgets", ["1.0.0"]),
            {**params, "maxResults": 1000, "nextToken": "page-2"},
        )
        found = codeartifact.ask_repository(
            "acme-widgets", "1.0.0", settings(timeout=0.3), SlowSecondPage(client)
        )
    assert found.status is Status.TAKEN  # the package itself answered in time
    assert found.version_status is Status.UNKNOWN
    assert found.reason == "CodeArtifact did not answer within 0.3 s"
    assert found.versions == ("0.1.0",)


@pytest.mark.parametrize(
    ("resource_type", "message", "status"),
    [
        ("package", "The pypi package 'acme-new' does not exist in repository 'python'.", "free"),
        # What is missing is the domain or the repository, whatever the names say.
        (
            "domain",
            "Domain not found. Domain 'packages' owned by account '123456789012'",
            "unknown",
        ),
        ("repository", "The pypi package 'acme-new' does not exist in repository 'x'.", "unknown"),
    ],
)
def test_stubbed_not_found_is_read_from_the_resource_type(
    resource_type: str, message: str, status: str
) -> None:
    with stubbed_client() as (client, stubber):
        add_not_found(
            stubber,
            "describe_package",
            resource_type=resource_type,
            resource_id="x",
            message=message,
        )
        found = codeartifact.ask_repository(
            "acme-new", "", settings(), codeartifact.Boto3Plane(client)
        )
    assert found.status is Status(status)


def test_stubbed_access_denied_names_the_missing_permission() -> None:
    with stubbed_client() as (client, stubber):
        stubber.add_client_error(
            "describe_package",
            service_error_code="AccessDeniedException",
            service_message="User is not authorized to perform codeartifact:DescribePackage",
            http_status_code=403,
        )
        found = codeartifact.ask_repository(
            "acme-new", "", settings(), codeartifact.Boto3Plane(client)
        )
    assert found.status is Status.UNKNOWN
    assert "codeartifact:DescribePackage" in found.reason
    assert "access denied" in found.reason


def test_stubbed_origin_controls_are_written() -> None:
    params = {
        **package_params("Acme_New"),
        "restrictions": {"publish": "ALLOW", "upstream": "BLOCK"},
    }
    response = {"originConfiguration": {"restrictions": {"publish": "ALLOW", "upstream": "BLOCK"}}}
    with stubbed_client() as (client, stubber):
        # The root group lets the upstream in: the package's own controls must do it.
        stubber.add_response(
            "get_associated_package_group", associated_group_response(), group_params("acme-new")
        )
        stubber.add_response("put_package_origin_configuration", response, params)
        result = api.protect_name("Acme_New", settings(), codeartifact.Boto3Plane(client))
    assert result.ok
    assert result.changed
    assert result.origin == Origin("ALLOW", "BLOCK")


BLOCKING_GROUP = associated_group_response(
    "/pypi//acme-~",
    publish="ALLOW_SPECIFIC_REPOSITORIES",
    external_upstream="BLOCK",
    internal_upstream="BLOCK",
)


def test_stubbed_protect_has_nothing_to_do_inside_a_group_that_blocks_the_upstream() -> None:
    with stubbed_client() as (client, stubber):
        stubber.add_response(
            "get_associated_package_group", BLOCKING_GROUP, group_params("acme-new")
        )
        add_not_found(
            stubber,
            "describe_package",
            resource_type="package",
            resource_id="acme-new",
            message="The pypi package 'acme-new' does not exist in repository 'python'.",
            expected_params=package_params("acme-new"),
        )
        result = api.protect_name("acme-new", settings(), codeartifact.Boto3Plane(client))
    # No PutPackageOriginConfiguration: the Stubber would have failed on an unqueued call.
    assert result.ok
    assert not result.changed
    assert result.group is not None
    assert result.group.pattern == "/pypi//acme-~"


def test_stubbed_protect_still_opens_publishing_that_the_package_itself_blocks() -> None:
    """First version ingested from the upstream: publish BLOCK, which wins over any group."""
    params = {
        **package_params("acme-new"),
        "restrictions": {"publish": "ALLOW", "upstream": "BLOCK"},
    }
    response = {"originConfiguration": {"restrictions": {"publish": "ALLOW", "upstream": "BLOCK"}}}
    with stubbed_client() as (client, stubber):
        stubber.add_response(
            "get_associated_package_group", BLOCKING_GROUP, group_params("acme-new")
        )
        stubber.add_response(
            "describe_package",
            describe_package_response("acme-new", publish="BLOCK", upstream="ALLOW"),
            package_params("acme-new"),
        )
        stubber.add_response("put_package_origin_configuration", response, params)
        result = api.protect_name("acme-new", settings(), codeartifact.Boto3Plane(client))
    assert result.ok
    assert result.changed
    assert result.origin == Origin("ALLOW", "BLOCK")


def test_boto3_without_credentials_is_unverifiable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "")
    found = codeartifact.lookup_repository("acme-new", settings(aws="boto3"))
    assert found.status is Status.UNKNOWN
    assert "no valid AWS credentials" in found.reason


# --- Which credentials there are to find ---------------------------------------------------------


@pytest.mark.parametrize(
    ("variables", "files", "expected"),
    [
        ({}, [], False),
        ({"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE"}, [], True),
        ({"AWS_PROFILE": "integration"}, [], True),
        ({"AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token"}, [], True),
        ({"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials"}, [], True),
        ({}, [".aws/config"], True),
        ({}, [".aws/credentials"], True),
        ({"AWS_CONFIG_FILE": "{home}/elsewhere"}, ["elsewhere"], True),
        (
            {"AWS_CONFIG_FILE": "{home}/missing", "AWS_SHARED_CREDENTIALS_FILE": "{home}/gone"},
            [".aws/config"],
            False,
        ),
    ],
    ids=[
        "nothing",
        "keys",
        "profile",
        "web-identity",
        "container",
        "config",
        "credentials",
        "config-elsewhere",
        "files-moved-away",
    ],
)
def test_credentials_in_sight_follows_the_chain_short_of_instance_metadata(
    tmp_path: Path, variables: dict[str, str], files: list[str], expected: object
) -> None:
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("[default]\n")
    env = {key: value.format(home=tmp_path) for key, value in variables.items()}
    assert codeartifact.credentials_in_sight(env, tmp_path) is expected


def test_a_laptop_without_credentials_is_told_without_starting_aws_tools(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[str] = []
    real_import = importlib.import_module

    def import_module(name: str) -> ModuleType:
        started.append(name)
        return real_import(name)

    def which(name: str) -> str | None:
        started.append(name)
        return None

    monkeypatch.setattr(importlib, "import_module", import_module)
    monkeypatch.setattr(shutil, "which", which)
    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "CI", "GITHUB_ACTIONS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.aws at all
    found = codeartifact.lookup_repository("acme-widgets", settings(aws="auto"))
    assert found.status is Status.UNKNOWN
    assert found.reason == codeartifact.NO_CREDENTIALS
    assert "aws sso login" in found.reason
    assert started == []  # neither boto3 nor the aws CLI was started

    # In CI a runner's instance role is common: the whole chain is asked there.
    monkeypatch.setenv("CI", "true")
    bounded.clear_cache()
    found = codeartifact.lookup_repository("acme-widgets", settings(aws="auto"))
    assert "boto3" in started or "aws" in started
    assert found.reason != codeartifact.NO_CREDENTIALS


# --- CodeArtifact through the fake `aws` CLI ----------------------------------------------------


def test_cli_taken_package(fake_aws: FakeCodeArtifact) -> None:
    fake_aws.add_package("acme-widgets", ["0.1.0"], publish="ALLOW", upstream="ALLOW")
    found = codeartifact.lookup_repository(
        "Acme.Widgets", settings(aws="cli", timeout=CLI_TIMEOUT), "0.1.0"
    )
    assert found.status is Status.TAKEN
    assert found.origin == Origin("ALLOW", "ALLOW")
    assert found.version_status is Status.TAKEN
    assert fake_aws.operations() == [
        "DescribePackage",
        "GetAssociatedPackageGroup",
        "ListPackageVersions",
    ]
    first = fake_aws.calls[0]["args"]
    assert first["package"] == "acme-widgets"  # normalised
    assert first["format"] == "pypi"
    assert first["region"] == "eu-west-1"


def test_cli_external_versions_are_recognised(fake_aws: FakeCodeArtifact) -> None:
    fake_aws.add_package("requests", ["2.32.3"], publish="BLOCK", upstream="ALLOW", external=True)
    found = codeartifact.lookup_repository(
        "requests", settings(aws="cli", timeout=CLI_TIMEOUT), "2.32.3"
    )
    assert found.external_versions == ("2.32.3",)
    assert found.version_external


def test_cli_free_package(fake_aws: FakeCodeArtifact) -> None:
    found = codeartifact.lookup_repository(
        "acme-new", settings(aws="cli", timeout=CLI_TIMEOUT), "0.1.0"
    )
    assert found.status is Status.FREE
    assert found.version_status is Status.FREE
    assert found.group == PackageGroup("/*", "ALLOW", "ALLOW", "ALLOW")
    assert fake_aws.operations() == ["DescribePackage", "GetAssociatedPackageGroup"]


def test_cli_the_most_specific_group_is_read_with_its_effective_modes(
    fake_aws: FakeCodeArtifact,
) -> None:
    fake_aws.add_package_group(
        "/pypi//acme-~",
        publish="ALLOW_SPECIFIC_REPOSITORIES",
        external_upstream="BLOCK",
        internal_upstream="BLOCK",
        repositories={"PUBLISH": ["python"]},
    )
    fake_aws.add_package_group("/pypi//acme-legacy$", external_upstream="ALLOW")  # the rest INHERIT
    inside = codeartifact.lookup_repository(
        "Acme_Widgets", settings(aws="cli", timeout=CLI_TIMEOUT)
    )
    assert inside.group == PackageGroup(
        "/pypi//acme-~", "ALLOW_SPECIFIC_REPOSITORIES", "BLOCK", "BLOCK"
    )
    asked = [c["args"] for c in fake_aws.calls if c["operation"] == "GetAssociatedPackageGroup"]
    assert asked[0]["package"] == "acme-widgets"  # normalised
    assert "repository" not in asked[0]
    legacy = codeartifact.lookup_repository("acme-legacy", settings(aws="cli", timeout=CLI_TIMEOUT))
    # Its own ALLOW for the upstream; the rest inherited from /pypi//acme-~.
    assert legacy.group == PackageGroup(
        "/pypi//acme-legacy$", "ALLOW_SPECIFIC_REPOSITORIES", "ALLOW", "BLOCK"
    )
    outside = codeartifact.lookup_repository("requests", settings(aws="cli", timeout=CLI_TIMEOUT))
    assert outside.group is not None
    assert outside.group.pattern == "/*"


def test_cli_a_group_lookup_that_fails_changes_nothing(fake_aws: FakeCodeArtifact) -> None:
    fake_aws.fail("GetAssociatedPackageGroup", "AccessDeniedException", "not authorized")
    found = codeartifact.lookup_repository(
        "acme-new", settings(aws="cli", timeout=CLI_TIMEOUT), "0.1.0"
    )
    assert found.status is Status.FREE
    assert found.version_status is Status.FREE
    assert found.group is None


def test_cli_wrong_region_is_not_a_free_name(fake_aws: FakeCodeArtifact) -> None:
    wrong = Settings(codeartifact=CodeArtifact("acme", "123456789012", "eu-west-2", "python"))
    found = codeartifact.lookup_repository("acme-new", wrong.replace(aws="cli", timeout=2.0))
    assert found.status is Status.UNKNOWN
    assert "eu-west-2" in found.reason
    assert fake_aws.operations() == ["DescribePackage"]  # no group asked for a place that is not


@pytest.mark.parametrize(
    ("setup", "words"),
    [
        (
            {"errors": {"DescribePackage": {"code": "AccessDeniedException", "message": "no"}}},
            "codeartifact:DescribePackage",
        ),
        ({"credentials": False}, "no valid AWS credentials"),
        ({"profiles": ["other"]}, "profile 'integration' does not exist"),
    ],
)
def test_cli_failures_are_unverifiable_with_the_reason(
    fake_aws: FakeCodeArtifact, setup: dict[str, Any], words: str
) -> None:
    fake_aws.update(**setup)
    ca = CodeArtifact("acme", "123456789012", "eu-west-1", "python", profile="integration")
    found = codeartifact.lookup_repository(
        "acme-new", Settings(codeartifact=ca, aws="cli", timeout=2.0)
    )
    assert found.status is Status.UNKNOWN
    assert words in found.reason
    assert [c["args"].get("profile") for c in fake_aws.calls] == ["integration"]


@pytest.mark.parametrize(
    ("count", "page_limit", "pages"),
    [(1001, codeartifact_double.PAGE_LIMIT, 2), (5, 2, 3)],
    ids=["more-than-maxResults", "pages-smaller-than-maxResults"],
)
def test_cli_versions_are_read_to_the_last_page(
    fake_aws: FakeCodeArtifact, count: int, page_limit: int, pages: int
) -> None:
    versions = [f"0.0.{n}" for n in range(count)]
    fake_aws.add_package("acme-widgets", versions)
    fake_aws.update(page_limit=page_limit)
    found = codeartifact.lookup_repository(
        "acme-widgets", settings(aws="cli", timeout=CLI_TIMEOUT), versions[-1]
    )
    assert found.version_status is Status.TAKEN
    assert found.versions == tuple(versions)
    listed = [c["args"] for c in fake_aws.calls if c["operation"] == "ListPackageVersions"]
    assert len(listed) == pages
    assert [("next-token" in args, args["max-results"]) for args in listed] == [
        (number > 0, "1000") for number in range(pages)
    ]
    assert fake_aws.operations() == [
        "DescribePackage",
        "GetAssociatedPackageGroup",
        *["ListPackageVersions"] * pages,
    ]


@pytest.mark.parametrize("cli_version", ["2.33.0", "2.34.0"])
@pytest.mark.parametrize(
    ("domain", "repository"),
    [("packages", "python"), ("acme", "packages")],
    ids=["domain", "repository"],
)
def test_cli_a_missing_domain_or_repository_is_never_a_free_name(
    fake_aws: FakeCodeArtifact, cli_version: str, domain: str, repository: str
) -> None:
    """Named `packages`, their "not found" says "package": still not the package's."""
    fake_aws.update(cli_version=cli_version)
    ca = CodeArtifact(domain, "123456789012", "eu-west-1", repository)
    found = codeartifact.lookup_repository(
        "acme-new", Settings(codeartifact=ca, aws="cli", timeout=CLI_TIMEOUT), "0.1.0"
    )
    assert found.status is Status.UNKNOWN
    assert "CodeArtifact has no such" in found.reason


NOT_FOUND = (
    "\nAn error occurred (ResourceNotFoundException) when calling the DescribePackage operation: "
)
NOT_FOUND_2_34 = (
    "\naws: [ERROR]: An error occurred (ResourceNotFoundException) when calling the "
    "DescribePackage operation: "
)
DETAILS = "\n\nAdditional error details:\nresourceId: x\nresourceType: "
NO_CREDENTIALS_2_34 = (
    "\naws: [ERROR]: An error occurred (NoCredentials): Unable to locate credentials. "
    'You can configure credentials by running "aws login".\n'
)
CLI_ERRORS = [
    # CLI v2 before 2.34 (and v1): the message alone, in AWS's words.
    (
        NOT_FOUND + "The pypi package 'acme-new' does not exist in repository 'python'.\n",
        ("ResourceNotFoundException", "", True),
    ),
    (
        NOT_FOUND + "Domain not found. Domain 'packages' owned by account '123456789012' does "
        "not exist.\n",
        ("ResourceNotFoundException", "", False),
    ),
    (
        NOT_FOUND + "Repository not found. Repository 'packages' in domain 'acme' owned by "
        "account '123456789012' does not exist.\n",
        ("ResourceNotFoundException", "", False),
    ),
    # Nothing says what is missing: not read as the package.
    (NOT_FOUND + "Requested resource not found\n", ("ResourceNotFoundException", "", False)),
    # From 2.34: a prefix, and the error's fields after its message.
    (
        NOT_FOUND_2_34 + "The pypi package 'acme-new' version '0.1.0' does not exist in "
        "repository 'python'." + DETAILS + "package-version\n",
        ("ResourceNotFoundException", "package-version", True),
    ),
    (
        NOT_FOUND_2_34
        + "The pypi package 'x' does not exist in repository 'python'."
        + DETAILS
        + "repository\n",
        ("ResourceNotFoundException", "repository", False),
    ),
    (NO_CREDENTIALS_2_34, ("NoCredentials", "", False)),
]


@pytest.mark.parametrize(
    ("stderr", "expected"),
    CLI_ERRORS,
    ids=[
        "package",
        "domain",
        "repository",
        "no-subject",
        "2.34-version",
        "2.34-repository",
        "2.34-creds",
    ],
)
def test_cli_errors_are_read_by_their_fields_or_awss_own_words(
    stderr: str, expected: tuple[str, str, bool]
) -> None:
    error = codeartifact._cli_error(stderr)  # noqa: SLF001 - the CLI's stderr, read
    assert (error.code, error.resource_type, error.package_missing) == expected


TOOLS_CALLS = [
    ("describe_package", {}),
    ("list_package_versions", {"maxResults": 1000}),
    ("describe_package_version", {"packageVersion": "0.1.0"}),
    (
        "put_package_origin_configuration",
        {"restrictions": {"publish": "ALLOW", "upstream": "BLOCK"}},
    ),
]


@pytest.mark.parametrize(("operation", "extra"), TOOLS_CALLS, ids=[c[0] for c in TOOLS_CALLS])
@pytest.mark.parametrize("profile", ["", "integration"])
def test_cli_every_command_line_the_tools_build_is_one_the_cli_takes(
    fake_aws: FakeCodeArtifact, operation: str, extra: dict[str, Any], profile: str
) -> None:
    """Options, values and output as AWS CLI v2's own model has them: the call is answered."""
    fake_aws.add_package("acme-widgets", ["0.1.0"])
    ca = CodeArtifact("acme", "123456789012", "eu-west-1", "python", profile=profile)
    plane = codeartifact.CliPlane("aws", Settings(codeartifact=ca, aws="cli", timeout=CLI_TIMEOUT))
    answer = plane.call(operation, {**package_params("acme-widgets"), **extra})
    assert answer  # JSON, read
    token = plane.call("get_authorization_token", {"domain": "acme", "domainOwner": "123456789012"})
    assert token["authorizationToken"]
    group = plane.call("get_associated_package_group", group_params("acme-widgets"))
    assert codeartifact.package_group(group) == PackageGroup("/*", "ALLOW", "ALLOW", "ALLOW")


def test_cli_origin_controls_written_then_read(fake_aws: FakeCodeArtifact) -> None:
    result = api.protect_name("Acme_New", settings(aws="cli", timeout=CLI_TIMEOUT))
    assert result.ok
    assert fake_aws.package("acme-new") == {
        "origin": {"publish": "ALLOW", "upstream": "BLOCK"},
        "versions": {},
    }
    found = codeartifact.lookup_repository("acme-new", settings(aws="cli", timeout=CLI_TIMEOUT))
    assert found.origin == Origin("ALLOW", "BLOCK")
    # The root group lets the upstream in: nothing else to ask before setting the controls.
    assert fake_aws.operations()[:2] == [
        "GetAssociatedPackageGroup",
        "PutPackageOriginConfiguration",
    ]


def test_cli_protect_inside_a_group_sets_nothing(fake_aws: FakeCodeArtifact) -> None:
    fake_aws.add_package_group(
        "/pypi//acme-~", publish="ALLOW", external_upstream="BLOCK", internal_upstream="BLOCK"
    )
    result = api.protect_name("acme-new", settings(aws="cli", timeout=CLI_TIMEOUT))
    assert result.ok
    assert not result.changed
    assert fake_aws.operations() == ["GetAssociatedPackageGroup", "DescribePackage"]
    assert fake_aws.package("acme-new") is None  # PutPackageOriginConfiguration creates one


def test_cli_protect_falls_back_to_the_packages_controls_when_the_group_is_unknown(
    fake_aws: FakeCodeArtifact,
) -> None:
    fake_aws.add_package_group("/pypi//acme-~", external_upstream="BLOCK")
    fake_aws.fail("GetAssociatedPackageGroup", "AccessDeniedException", "not authorized")
    result = api.protect_name("acme-new", settings(aws="cli", timeout=CLI_TIMEOUT))
    assert result.ok
    assert result.changed
    assert fake_aws.operations() == ["GetAssociatedPackageGroup", "PutPackageOriginConfiguration"]


def test_cli_protect_denied_says_which_permission(fake_aws: FakeCodeArtifact) -> None:
    fake_aws.fail("PutPackageOriginConfiguration", "AccessDeniedException", "not authorized")
    result = api.protect_name("acme-new", settings(aws="cli", timeout=2.0))
    assert not result.ok
    assert "codeartifact:PutPackageOriginConfiguration" in result.message


def test_no_client_available_is_unverifiable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    found = codeartifact.lookup_repository("acme-new", settings(aws="cli"))
    assert found.status is Status.UNKNOWN
    assert "aws CLI is not on PATH" in found.reason


def test_run_bounded_gives_up_on_a_stuck_call() -> None:
    started = time.monotonic()

    def stuck() -> int:
        time.sleep(3)
        return 2

    results = bounded.run_bounded({"fast": lambda: 1, "stuck": stuck}, 0.3)
    assert results == {"fast": 1, "stuck": None}
    assert time.monotonic() - started < 1.0


# --- The public index misbehaving: never "taken" or "free" on a reply that proves nothing -------

INDEX_FAULTS = [
    ("garbage", "did not answer in HTTP"),
    ("broken-json", "not a project page"),
    ("html-error", "not a project page"),
    ("truncated", "cut its answer short"),
    ("silence", "no answer within 1 s"),
    ("expired", "the index answered HTTP 401"),
    ("drip", "no answer within 1 s"),  # in all: each byte came in time, the page never did
    ("giant", "answered more than 32 MiB"),
]


@pytest.mark.parametrize(("fault", "words"), INDEX_FAULTS, ids=[f[0] for f in INDEX_FAULTS])
def test_a_faulty_public_index_leaves_the_name_unchecked_within_the_timeout(
    fault: str, words: str
) -> None:
    with FaultyIndex.running(fault) as faulty:
        started = time.monotonic()
        found = upstream.fetch_upstream("acme-widgets", faulty.url, timeout=1.0)
        elapsed = time.monotonic() - started
    assert found.status is Status.UNKNOWN
    assert words in found.reason
    assert elapsed < 1.0 + 2.0  # one timeout, plus slack for a loaded machine


def test_a_giant_page_is_cut_off_with_memory_to_spare() -> None:
    """A 2 GiB page: the read stops past fetch.MAX_BYTES, and this process never holds the page."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    with (
        FaultyIndex.running("giant") as giant,
        pytest.raises(fetch.BadAnswer, match="more than 32 MiB"),
    ):
        fetch.get(giant.url + "acme-widgets/", headers={}, timeout=10.0)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown < 4 * fetch.MAX_BYTES // 1024  # KiB: a few copies of the cap at most


def test_an_aws_shim_is_one_line_naming_the_tool_and_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shim = FakeCodeArtifact.install_pyenv_shim(tmp_path / "shims")
    monkeypatch.setenv("PATH", f"{shim.parent}{os.pathsep}{os.environ['PATH']}")
    found = codeartifact.lookup_repository("acme-widgets", settings(aws="cli"))
    assert found.status is Status.UNKNOWN
    assert found.reason.startswith(f"the aws CLI at {shim} does not work: it is a pyenv shim")
    assert "put a working AWS CLI v2 first on PATH" in found.reason
    assert "\n" not in found.reason
    assert "python2 and python3" not in found.reason


def test_a_lookup_under_way_is_waited_for_not_started_again() -> None:
    """The copier adapter's head start and the validator's check share one request."""
    started: list[float] = []

    def slow() -> str:
        started.append(time.monotonic())
        time.sleep(0.3)
        return "answer"

    cache = bounded._Cache()  # noqa: SLF001 - a cache of its own, not the process's
    first = bounded.Calls({"first": lambda: cache.get_or_run(("key",), slow)})
    time.sleep(0.05)  # the first call is under way
    assert cache.get_or_run(("key",), slow) == "answer"
    assert first.wait(["first"], time.monotonic() + 1) == {"first": "answer"}
    assert len(started) == 1


def test_a_free_name_does_not_wait_for_its_alternatives() -> None:
    """Alternatives are asked in the same round, but only a taken name waits for them."""

    class Slow:
        def upstream(self, name: str) -> UpstreamFinding:
            if name != "acme-widgets":
                time.sleep(2)  # an alternative's lookup, still running
            return UpstreamFinding(Status.FREE, f"http://127.0.0.1:1/simple/{name}/")

        def repository(self, name: str, version: str, *, group: bool = True) -> RepositoryFinding:
            del name, version, group
            return RepositoryFinding(Status.FREE)

        def repository_lookups_are_processes(self) -> bool:
            return False

    started = time.monotonic()
    verdict = api.check_name("acme-widgets", settings(), new_package=True, source=Slow())
    assert verdict.ok
    assert time.monotonic() - started < 1.5
