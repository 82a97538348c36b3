"""The fake `aws` fails and prints as AWS CLI v2 does, so that tests catch what the real CLI would.

Its commands and options come from botocore's models; its messages, exit codes and output forms
from the CLI's own sources (awscli/argparser.py, errorhandler.py, text.py, formatter.py).
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import time
from typing import TYPE_CHECKING, Any

import pytest

from tests.doubles.codeartifact import FakeCodeArtifact

if TYPE_CHECKING:
    from pathlib import Path

WHERE = ("--domain", "acme", "--repository", "python", "--format", "pypi")
REGION = ("--region", "eu-west-1")
USAGE = (
    "aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\n"
    "To see help text, you can run:\n"
    "\n"
    "  aws help\n"
    "  aws <command> help\n"
    "  aws <command> <subcommand> help\n"
)


class Aws:
    """The fake `aws`, run as a program would run it, with an AWS config file of its own."""

    def __init__(self, tmp_path: Path) -> None:
        self.fake = FakeCodeArtifact(tmp_path / "state.json")
        self.executable = self.fake.install(tmp_path / "bin")
        self.config = tmp_path / "aws-config"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
            **self.fake.env(),
            "AWS_CONFIG_FILE": str(self.config),
        }

    def __call__(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.executable), *args],
            capture_output=True,
            text=True,
            check=False,
            env={**self.env, **env},
        )


@pytest.fixture
def aws(tmp_path: Path) -> Aws:
    made = Aws(tmp_path)
    made.fake.add_package("acme-widgets", ["0.1.0", "0.2.0"])
    return made


# --- A bad command line: exit 252 and the usage, before anything is sent ---------------------


def test_an_unknown_option_is_refused_and_nothing_is_sent(aws: Aws) -> None:
    done = aws("codeartifact", "describe-package", *WHERE, "--pakage", "acme-widgets", *REGION)
    assert done.returncode == 252
    # argparse takes --pakage for an abbreviation of nothing: --package is then missing.
    assert "the following arguments are required: --package" in done.stderr
    done = aws(
        "codeartifact",
        *("describe-package", *WHERE, "--package", "acme-widgets", "--bogus", "1", *REGION),
    )
    assert (done.returncode, done.stdout) == (252, "")
    assert done.stderr == f"\nusage: {USAGE}\nUnknown options: --bogus, 1\n\n"
    assert aws.fake.calls == []


@pytest.mark.parametrize(
    ("cli_version", "stderr"),
    [
        ("2.30.0", "\naws: error: the following arguments are required: --domain, --format\n\n"),
        ("2.33.0", "\naws: [ERROR]: the following arguments are required: --domain, --format\n\n"),
        (
            "2.34.0",
            (
                "\naws: [ERROR]: An error occurred (ParamValidation): the following arguments "
                "are required: --domain, --format\n\n"
            ),
        ),
    ],
)
def test_a_missing_required_option_is_named_as_each_release_says_it(
    aws: Aws, cli_version: str, stderr: str
) -> None:
    aws.fake.update(cli_version=cli_version)
    done = aws(
        "codeartifact", "list-package-versions", "--repository", "python", *REGION, "--package", "x"
    )
    assert done.returncode == 252
    assert done.stderr.startswith(stderr)
    assert "usage: aws [options] <command> <subcommand>" in done.stderr


def test_a_mistyped_command_gets_the_clis_suggestions(aws: Aws) -> None:
    done = aws("codeartifact", "describe-pakage", *WHERE)
    assert done.returncode == 252
    assert "argument operation: Found invalid choice 'describe-pakage'" in done.stderr
    assert "Maybe you meant:\n\n  * describe-package\n" in done.stderr
    done = aws("cloudformation", "wait", "stack-create-compete", "--stack-name", "x")
    assert done.returncode == 252
    assert "argument subcommand: Found invalid choice 'stack-create-compete'" in done.stderr


def test_sts_and_cloudformation_commands_are_checked_too(aws: Aws) -> None:
    done = aws("sts", "get-caller-identity", "--outptu", "json")
    assert (done.returncode, done.stderr.splitlines()[-2]) == (
        252,
        "Unknown options: --outptu, json",
    )
    done = aws("cloudformation", "create-change-set", "--stack-name", "x", *REGION)
    assert done.returncode == 252
    assert "the following arguments are required: --change-set-name" in done.stderr
    done = aws("cloudformation", "describe-stacks", "--stack-name", "x", "--output", "jsn")
    assert done.returncode == 252
    assert "argument --output: Found invalid choice 'jsn'" in done.stderr


def test_botocore_refuses_a_value_too_short_and_the_cli_a_number_that_is_not_one(aws: Aws) -> None:
    done = aws(
        "codeartifact", "describe-package", *WHERE[2:], "--domain", "a", "--package", "x", *REGION
    )
    assert done.returncode == 252
    assert done.stderr == (
        "\nParameter validation failed:\n"
        "Invalid length for parameter domain, value: 1, valid min length: 2\n"
    )
    done = aws(
        "codeartifact",
        "list-package-versions",
        *WHERE,
        "--package",
        "x",
        "--max-results",
        "ten",
        *REGION,
    )
    assert done.returncode == 255
    assert "invalid literal for int() with base 10: 'ten'" in done.stderr


def test_the_service_refuses_a_value_outside_its_model(aws: Aws) -> None:
    """Enum values are the service's to check (the CLI sends them): a ValidationException."""
    done = aws(
        "codeartifact", "describe-package", *WHERE[:4], "--format", "pip", "--package", "x", *REGION
    )
    assert done.returncode == 254
    assert done.stderr == (
        "\nAn error occurred (ValidationException) when calling the DescribePackage operation: 1 "
        "validation error detected: Value 'pip' at 'format' failed to satisfy constraint: Member "
        "must satisfy enum value set: [npm, pypi, maven, nuget, generic, ruby, swift, cargo]\n"
    )
    done = aws(
        "codeartifact",
        *("put-package-origin-configuration", *WHERE, "--package", "acme-new", *REGION),
        *("--restrictions", "publish=ALLOW,upstream=NONE"),
    )
    assert done.returncode == 254
    assert "Value 'NONE' at 'restrictions.upstream'" in done.stderr
    assert [call["operation"] for call in aws.fake.calls] == [
        "DescribePackage",
        "PutPackageOriginConfiguration",
    ]


def test_a_service_error_shows_its_fields_from_cli_2_34(aws: Aws) -> None:
    args = ("codeartifact", "describe-package", *WHERE, "--package", "acme-new", *REGION)
    message = (
        "An error occurred (ResourceNotFoundException) when calling the DescribePackage "
        "operation: The pypi package 'acme-new' does not exist in repository 'python'."
    )
    assert aws(*args).stderr == f"\n{message}\n"
    aws.fake.update(cli_version="2.34.0")
    assert aws(*args).stderr == (
        f"\naws: [ERROR]: {message}\n"
        "\nAdditional error details:\nresourceId: acme-new\nresourceType: package\n"
    )


# --- What it prints: --output, else AWS_DEFAULT_OUTPUT, else the profile's output --------------

# The CLI's text form: an object's scalars sorted by key, tab-separated; a nested object or list
# on lines of its own, named by its key.
TEXT = (
    "0.2.0\tpypi\tacme-widgets\n"
    "VERSIONS\trev-0.1.0\tPublished\t0.1.0\nORIGIN\tINTERNAL\nDOMAINENTRYPOINT\tpython\n"
    "VERSIONS\trev-0.2.0\tPublished\t0.2.0\nORIGIN\tINTERNAL\nDOMAINENTRYPOINT\tpython\n"
)


@pytest.mark.parametrize(
    ("config", "args", "env", "printed"),
    [
        ("", (), {}, "json"),
        ("[default]\noutput = text\n", (), {}, "text"),
        ("[default]\noutput = text\n", ("--output", "json"), {}, "json"),
        ("[default]\noutput = json\n", (), {"AWS_DEFAULT_OUTPUT": "text"}, "text"),
        ("[profile team]\noutput = text\n", ("--profile", "team"), {}, "text"),
        ("[profile team]\noutput = text\n", (), {"AWS_PROFILE": "team"}, "text"),
        ("[profile team]\noutput = text\n", (), {}, "json"),  # not the profile in use
    ],
    ids=["default", "profile", "option-wins", "environment-wins", "named", "aws-profile", "other"],
)
def test_the_output_format_comes_from_where_the_cli_looks(
    aws: Aws, config: str, args: tuple[str, ...], env: dict[str, str], printed: str
) -> None:
    aws.config.write_text(config, encoding="utf-8")
    command = ("codeartifact", "list-package-versions", *WHERE, "--package", "acme-widgets")
    done = aws(*command, *REGION, "--no-paginate", "--max-results", "2", *args, **env)
    assert done.returncode == 0, done.stderr
    if printed == "json":
        assert json.loads(done.stdout)["versions"][0]["version"] == "0.1.0"
    else:
        assert done.stdout == TEXT


def test_query_is_jmespath_in_every_format(aws: Aws) -> None:
    command = (
        "codeartifact",
        "list-package-versions",
        *WHERE,
        "--package",
        "acme-widgets",
        *REGION,
    )
    query = ("--query", "versions[].version")
    assert aws(*command, *query, "--output", "text").stdout == "0.1.0\t0.2.0\n"
    assert json.loads(aws(*command, *query).stdout) == ["0.1.0", "0.2.0"]
    assert aws(*command, *query, "--output", "yaml").stdout == "- 0.1.0\n- 0.2.0\n"
    table = aws(*command, "--output", "table").stdout
    assert table.startswith("-")
    assert "ListPackageVersions" in table


# --- Pages ---------------------------------------------------------------------------------------


def test_list_package_versions_pages_as_aws_documents(aws: Aws) -> None:
    aws.fake.add_package("acme-widgets", [f"1.{n}.0" for n in range(3)])  # five versions in all
    command = (
        "codeartifact",
        "list-package-versions",
        *WHERE,
        "--package",
        "acme-widgets",
        *REGION,
    )
    seen: list[str] = []
    token: list[str] = []
    for _ in range(3):  # two per page: 2 + 2 + 1
        page = json.loads(aws(*command, "--no-paginate", "--max-results", "2", *token).stdout)
        seen += [entry["version"] for entry in page["versions"]]
        token = ["--next-token", page["nextToken"]] if "nextToken" in page else []
    assert (seen, token) == (["0.1.0", "0.2.0", "1.0.0", "1.1.0", "1.2.0"], [])
    # Without a paging option of its own, the CLI asks for every page and prints them as one.
    aws.fake.update(page_limit=2)
    whole = json.loads(aws(*command).stdout)
    assert len(whole["versions"]) == 5
    assert "nextToken" not in whole
    forged = base64.urlsafe_b64encode(b'{"package": "other", "offset": 1}').decode()
    done = aws(*command, "--next-token", forged)
    assert done.returncode == 254
    assert "ValidationException" in done.stderr
    done = aws(*command, "--no-paginate", "--page-size", "2")
    assert done.returncode == 252
    assert (
        "Cannot specify --no-paginate along with pagination arguments: --page-size" in done.stderr
    )


# --- Timestamps: the profile's cli_timestamp_format ----------------------------------------------


@pytest.mark.parametrize(
    ("config", "printed"),
    [
        ("", "2026-12-02T17:41:05.123000+01:00"),
        ("[default]\ncli_timestamp_format = iso8601\n", "2026-12-02T17:41:05.123000+01:00"),
        ("[default]\ncli_timestamp_format = wire\n", "1796229665.123"),
    ],
)
def test_the_tokens_expiry_is_printed_as_the_profile_says(
    aws: Aws, config: str, printed: str
) -> None:
    aws.config.write_text(config, encoding="utf-8")
    aws.fake.update(token_expiration="2026-12-02T16:41:05.123000+00:00")  # noqa: S106 - a time
    done = aws(
        *("codeartifact", "get-authorization-token", "--domain", "acme", *REGION),
        *("--query", "expiration", "--output", "text"),
        TZ="CET-1",
    )
    assert (done.returncode, done.stdout) == (0, f"{printed}\n")


def test_a_caller_killed_while_the_fake_waits_changes_nothing(aws: Aws) -> None:
    """A timeout kills the `aws` process during its latency: the call is never served."""

    def origin() -> dict[str, Any]:
        done = aws("codeartifact", "describe-package", *WHERE, "--package", "acme-widgets", *REGION)
        found: dict[str, Any] = json.loads(done.stdout)["package"]["originConfiguration"]
        return found

    before = origin()
    aws.fake.update(latency=1.0)
    command = [
        str(aws.executable),
        *("codeartifact", "put-package-origin-configuration", *WHERE, *REGION),
        *("--package", "acme-widgets", "--restrictions", "publish=BLOCK,upstream=ALLOW"),
    ]
    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired):
        subprocess.run(command, capture_output=True, check=False, env=aws.env, timeout=0.3)
    # Past the latency: a call still running after its caller was killed would be served by now.
    time.sleep(max(0.0, started + 1.5 - time.monotonic()))
    aws.fake.update(latency=0.0)
    assert origin() == before != {"restrictions": {"publish": "BLOCK", "upstream": "ALLOW"}}
    asked = ["DescribePackage", "PutPackageOriginConfiguration", "DescribePackage"]
    assert aws.fake.operations() == asked  # the killed call was asked, never answered


def test_a_region_is_needed(aws: Aws) -> None:
    done = aws("codeartifact", "describe-package", *WHERE, "--package", "acme-widgets")
    assert done.returncode == 253
    assert "You must specify a region." in done.stderr
    aws.config.write_text("[default]\nregion = eu-west-1\n", encoding="utf-8")
    assert (
        aws("codeartifact", "describe-package", *WHERE, "--package", "acme-widgets").returncode == 0
    )


# --- Package groups, as AWS's CodeArtifact User Guide describes them ----------------------------

DOMAIN = ("--domain", "acme")


def _group_of(aws: Aws, package: str) -> dict[str, object]:
    done = aws(
        "codeartifact",
        *("get-associated-package-group", *DOMAIN, "--format", "pypi", "--package", package),
        *REGION,
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, object] = json.loads(done.stdout)
    return found


def _modes(answer: dict[str, object]) -> dict[str, tuple[str, str]]:
    group = answer["packageGroup"]
    assert isinstance(group, dict)
    return {
        kind: (restriction["mode"], restriction["effectiveMode"])
        for kind, restriction in group["originConfiguration"]["restrictions"].items()
    }


def test_every_name_belongs_to_the_root_group_until_another_matches(aws: Aws) -> None:
    """A package no repository holds has a group too: the domain's root /*, ALLOW everywhere."""
    answer = _group_of(aws, "nobody-has-this")
    assert answer["associationType"] == "STRONG"
    assert answer["packageGroup"]["pattern"] == "/*"  # type: ignore[index]
    assert set(_modes(answer).values()) == {("ALLOW", "ALLOW")}


def test_a_group_is_created_inheriting_then_given_its_origin_controls(aws: Aws) -> None:
    created = aws(
        "codeartifact", "create-package-group", *DOMAIN, "--package-group", "/pypi//acme-~", *REGION
    )
    assert created.returncode == 0, created.stderr
    described = json.loads(created.stdout)["packageGroup"]
    assert described["parent"]["pattern"] == "/*"
    assert {r["mode"] for r in described["originConfiguration"]["restrictions"].values()} == {
        "INHERIT"
    }
    updated = aws(
        "codeartifact",
        *("update-package-group-origin-configuration", *DOMAIN, "--package-group", "/pypi//acme-~"),
        *("--restrictions", "PUBLISH=ALLOW_SPECIFIC_REPOSITORIES,EXTERNAL_UPSTREAM=BLOCK"),
        *("--add-allowed-repositories", "originRestrictionType=PUBLISH,repositoryName=python"),
        *REGION,
    )
    assert updated.returncode == 0, updated.stderr
    assert json.loads(updated.stdout)["allowedRepositoryUpdates"] == {
        "PUBLISH": {"ADDED": ["python"]}
    }
    # Matched by the normalised name; INTERNAL_UPSTREAM still inherits the root's ALLOW.
    assert _modes(_group_of(aws, "Acme_Widgets")) == {
        "PUBLISH": ("ALLOW_SPECIFIC_REPOSITORIES", "ALLOW_SPECIFIC_REPOSITORIES"),
        "EXTERNAL_UPSTREAM": ("BLOCK", "BLOCK"),
        "INTERNAL_UPSTREAM": ("INHERIT", "ALLOW"),
    }
    assert _group_of(aws, "acme")["packageGroup"]["pattern"] == "/*"  # type: ignore[index]
    again = aws(
        "codeartifact", "create-package-group", *DOMAIN, "--package-group", "/pypi//acme-~", *REGION
    )
    assert again.returncode == 254
    assert "(ConflictException)" in again.stderr


def test_the_most_specific_group_wins_and_inherits_from_its_parent(aws: Aws) -> None:
    aws.fake.add_package_group("/pypi/*", publish="ALLOW", external_upstream="ALLOW")
    aws.fake.add_package_group("/pypi//acme-~", external_upstream="BLOCK")
    aws.fake.add_package_group("/pypi//acme-w~", internal_upstream="BLOCK")
    aws.fake.add_package_group("/pypi//acme-widgets$", publish="BLOCK")
    answer = _group_of(aws, "acme-widgets")
    group = answer["packageGroup"]
    assert group["pattern"] == "/pypi//acme-widgets$"  # type: ignore[index]
    assert group["parent"]["pattern"] == "/pypi//acme-w~"  # type: ignore[index]
    restrictions = group["originConfiguration"]["restrictions"]  # type: ignore[index]
    assert restrictions["EXTERNAL_UPSTREAM"]["inheritedFrom"]["pattern"] == "/pypi//acme-~"
    assert _modes(answer) == {
        "PUBLISH": ("BLOCK", "BLOCK"),
        "EXTERNAL_UPSTREAM": ("INHERIT", "BLOCK"),
        "INTERNAL_UPSTREAM": ("INHERIT", "BLOCK"),
    }
    assert _group_of(aws, "acme-wx")["packageGroup"]["pattern"] == "/pypi//acme-w~"  # type: ignore[index]
    assert _group_of(aws, "requests")["packageGroup"]["pattern"] == "/pypi/*"  # type: ignore[index]


@pytest.mark.parametrize(
    ("pattern", "said"),
    [
        # The guide's Python example says /python//; the API's format is pypi (see the double).
        ("/python//acme-~", "Invalid package format 'python'"),
        ("/pypi/acme/x~", "Packages of format pypi have no namespace"),
        ("/pypi/acme~", "Packages of format pypi have no namespace"),
        ("/pypi//Acme_~", "must name acme-, normalised"),
        ("/pypi//acme", "is not a package group pattern"),
        ("pypi//acme~", "is not a package group pattern"),
    ],
)
def test_a_pattern_against_the_documented_syntax_is_refused(
    aws: Aws, pattern: str, said: str
) -> None:
    done = aws("codeartifact", "create-package-group", *DOMAIN, "--package-group", pattern, *REGION)
    assert done.returncode == 254
    assert "(ValidationException)" in done.stderr
    assert said in done.stderr


def test_describe_package_shows_the_packages_own_controls_inside_a_group(aws: Aws) -> None:
    """What applies is the combination (BLOCK wins); DescribePackage has the package's own."""
    aws.fake.add_package("acme-widgets", ["0.1.0"], publish="ALLOW", upstream="ALLOW")
    aws.fake.add_package_group("/pypi//acme-~", external_upstream="BLOCK")
    done = aws("codeartifact", "describe-package", *WHERE, "--package", "acme-widgets", *REGION)
    assert done.returncode == 0, done.stderr
    origin = json.loads(done.stdout)["package"]["originConfiguration"]["restrictions"]
    assert origin == {"publish": "ALLOW", "upstream": "ALLOW"}


def test_a_missing_group_is_not_found_with_its_resource_type(aws: Aws) -> None:
    aws.fake.update(cli_version="2.34.0")
    done = aws(
        "codeartifact", "describe-package-group", *DOMAIN, "--package-group", "/pypi//x~", *REGION
    )
    assert done.returncode == 254
    assert "(ResourceNotFoundException)" in done.stderr
    assert "resourceType: package-group" in done.stderr


# --- CopyPackageVersions: a version's files, from one repository's folder to another's --------

COPY = ("--source-repository", "python-staging", "--destination-repository", "python")


@pytest.fixture
def two_repositories(aws: Aws, tmp_path: Path) -> tuple[Path, Path]:
    """Staging and release, each keeping its package files in a folder, as a local index does."""
    staging, release = tmp_path / "staging", tmp_path / "release"
    for repository, folder in (("python-staging", staging), ("python", release)):
        folder.mkdir()
        aws.fake.add_repository(repository, files=folder)
    for name in ("acme_widgets-0.1.0-py3-none-any.whl", "acme_widgets-0.1.0.tar.gz"):
        (staging / name).write_bytes(name.encode())
    (staging / "acme_widgets-0.2.0.tar.gz").write_bytes(b"later")  # another version stays
    return staging, release


def _copy(aws: Aws, *args: str) -> dict[str, Any]:
    done = aws(
        "codeartifact", "copy-package-versions", *DOMAIN, *COPY, "--format", "pypi",
        "--package", "Acme_Widgets", *args, *REGION,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


def test_a_copy_moves_the_versions_files_and_answers_which_versions_it_copied(
    aws: Aws, two_repositories: tuple[Path, Path]
) -> None:
    staging, release = two_repositories
    answer = _copy(aws, "--versions", "0.1.0")
    assert answer["failedVersions"] == {}
    assert answer["successfulVersions"]["0.1.0"]["status"] == "Published"
    assert sorted(p.name for p in release.iterdir()) == [
        "acme_widgets-0.1.0-py3-none-any.whl",
        "acme_widgets-0.1.0.tar.gz",
    ]
    assert (release / "acme_widgets-0.1.0.tar.gz").read_bytes() == b"acme_widgets-0.1.0.tar.gz"
    assert len(list(staging.iterdir())) == 3  # a copy: the source keeps its files
    assert aws.fake.calls[-1]["args"]["versions"] == "0.1.0"
    # The repository the name guard asks about now lists the version.
    assert "0.1.0" in aws.fake.package("acme-widgets")["versions"]  # type: ignore[index]


def test_a_version_already_there_is_already_exists_whatever_its_files(
    aws: Aws, two_repositories: tuple[Path, Path]
) -> None:
    """allowOverwrite's documentation: without it, an existing version is ALREADY_EXISTS."""
    _, release = two_repositories
    _copy(aws, "--versions", "0.1.0")
    again = _copy(aws, "--versions", "0.1.0")
    assert again["successfulVersions"] == {}
    assert again["failedVersions"]["0.1.0"]["errorCode"] == "ALREADY_EXISTS"
    (release / "acme_widgets-0.1.0.tar.gz").write_bytes(b"another build")
    assert _copy(aws, "--versions", "0.1.0")["failedVersions"]["0.1.0"]["errorCode"] == (
        "ALREADY_EXISTS"
    )
    overwritten = _copy(aws, "--versions", "0.1.0", "--allow-overwrite")
    assert "0.1.0" in overwritten["successfulVersions"]
    assert (release / "acme_widgets-0.1.0.tar.gz").read_bytes() == b"acme_widgets-0.1.0.tar.gz"


def test_each_version_has_its_own_outcome(aws: Aws, two_repositories: tuple[Path, Path]) -> None:
    aws.fake.fail_copy("0.2.0", "NOT_ALLOWED", "Origin configuration does not allow it.")
    answer = _copy(aws, "--versions", "0.1.0", "0.2.0", "0.3.0", "--include-from-upstream")
    assert list(answer["successfulVersions"]) == ["0.1.0"]
    assert {v: e["errorCode"] for v, e in answer["failedVersions"].items()} == {
        "0.2.0": "NOT_ALLOWED",
        "0.3.0": "NOT_FOUND",
    }
    _, release = two_repositories
    assert not list(release.glob("*0.2.0*"))


def test_a_revision_that_is_not_the_sources_is_mismatched(
    aws: Aws, two_repositories: tuple[Path, Path]
) -> None:
    del two_repositories
    answer = _copy(aws, "--version-revisions", '{"0.1.0": "not-its-revision"}')
    assert answer["failedVersions"]["0.1.0"]["errorCode"] == "MISMATCHED_REVISION"


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        ((), "(ValidationException)", "You must specify versions or versionRevisions"),
        (
            ("--versions", "0.1.0", "--version-revisions", '{"0.1.0": "r"}'),
            "(ValidationException)",
            "You cannot specify both",
        ),
    ],
)
def test_versions_or_revisions_exactly_one(
    aws: Aws, two_repositories: tuple[Path, Path], args: tuple[str, ...], code: str, said: str
) -> None:
    del two_repositories
    done = aws(
        "codeartifact", "copy-package-versions", *DOMAIN, *COPY, "--format", "pypi",
        "--package", "acme-widgets", *args, *REGION,
    )  # fmt: skip
    assert done.returncode == 254
    assert code in done.stderr
    assert said in done.stderr


def test_a_repository_the_domain_lacks_is_not_found(aws: Aws) -> None:
    aws.fake.update(cli_version="2.34.0")
    done = aws(
        "codeartifact", "copy-package-versions", *DOMAIN, "--source-repository", "nowhere",
        "--destination-repository", "python", "--format", "pypi", "--package", "acme-widgets",
        "--versions", "0.1.0", *REGION,
    )  # fmt: skip
    assert done.returncode == 254
    assert "(ResourceNotFoundException)" in done.stderr
    assert "resourceType: repository" in done.stderr
