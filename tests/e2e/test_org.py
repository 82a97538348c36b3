"""The organisation's make targets: org-plan and org-deploy against the fake `aws`, org-laptop
with the real copier CLI reading the merged settings (no --trust typed)."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.doubles.codeartifact import FakeCodeArtifact
from tests.doubles.simple_index import SimpleIndex
from tests.e2e.copier_cli import copier

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
# The resources every stack has. The fake lists the template's resources as written, without
# the transform's expansion or conditions: the package roles and the shared role are judged on
# the template itself (tests/unit/test_org_publishing.py).
RESOURCES = [
    "Domain",
    "UpstreamRepository",
    "Repository",
    "ReadPolicy",
    "PublishPolicy",
    "NameGuardPolicy",
    "OriginControlsPolicy",
    "GitHubOidcProvider",
]


@pytest.fixture
def org(tmp_path: Path) -> tuple[FakeCodeArtifact, Path, dict[str, str]]:
    """A fake `aws` on PATH, and a copy of org/stack.json the make targets are pointed at."""
    fake = FakeCodeArtifact(tmp_path / "fake-aws.json")
    bin_dir = fake.install(tmp_path / "bin").parent
    stack = tmp_path / "stack.json"
    stack.write_text((ROOT / "org" / "stack.json").read_text(encoding="utf-8"), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env.update({"PATH": f"{bin_dir}{os.pathsep}{env['PATH']}", **fake.env()})
    return fake, stack, env


def make(target: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(ROOT), target, *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


def test_plan_then_deploy_then_plan_again(
    org: tuple[FakeCodeArtifact, Path, dict[str, str]],
) -> None:
    fake, stack, env = org
    config = f"ORG_STACK={stack}"
    planned = make("org-plan", env, config)
    assert planned.returncode == 0, planned.stdout + planned.stderr
    assert "Account 123456789012 as arn:aws:sts::123456789012:assumed-role/Developer/jane" in (
        planned.stdout
    )
    assert "(CREATE) for stack codeartifact-python:" in planned.stdout
    for logical in RESOURCES:
        assert f"Add      {logical}" in planned.stdout
    assert "`make org-deploy` applies these changes" in planned.stdout
    assert fake.stack("codeartifact-python") is not None  # REVIEW_IN_PROGRESS, nothing created
    assert fake.stack("codeartifact-python")["StackStatus"] == "REVIEW_IN_PROGRESS"  # type: ignore[index]

    calls = fake.calls
    assert [c["operation"] for c in calls] == [
        "GetCallerIdentity",
        "DescribeStacks",
        "CreateChangeSet",
        "wait change-set-create-complete",
        "DescribeChangeSet",
    ]
    create = calls[2]["args"]
    name = create["change-set-name"]
    assert name.startswith("codeartifact-python-")
    assert create == {
        "stack-name": "codeartifact-python",
        "change-set-name": name,
        "change-set-type": "CREATE",
        "template-body": f"file://{ROOT / 'org' / 'codeartifact.yml'}",
        "parameters": create["parameters"],
        # The stack's transform (one role per package) needs CAPABILITY_AUTO_EXPAND.
        "capabilities": "CAPABILITY_NAMED_IAM CAPABILITY_AUTO_EXPAND",
        "output": "json",
        "region": "eu-west-1",
    }
    parameters = {p["ParameterKey"]: p["ParameterValue"] for p in json.loads(create["parameters"])}
    written = json.loads(stack.read_text(encoding="utf-8"))["Parameters"]
    # Publishers as CloudFormation takes it: package=owner/repository, comma-separated.
    assert parameters == {**written, "Publishers": "acme-widgets=acme/acme-widgets"}
    # Who may publish, as the plan's roles allow it.
    assert (
        "Who may publish, once these changes are applied:\n"
        "  acme-widgets: only from acme/acme-widgets's release environment, with the role "
        "arn:aws:iam::123456789012:role/acme-widgets-release\n"
        "  nothing else: AllowAnyRepositoryToPublishAnyPackage is false\n"
        "Names the public upstream cannot supply: none by the stack (NamePrefix is empty): each "
        "project blocks the public upstream for its own name, once, with `make protect-name`.\n"
    ) in planned.stdout

    deployed = make("org-deploy", env, config)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    operations = [c["operation"] for c in fake.calls[len(calls) :]]
    assert operations == [
        "GetCallerIdentity",
        "DescribeStacks",
        "CreateChangeSet",
        "wait change-set-create-complete",
        "DescribeChangeSet",
        "ExecuteChangeSet",
        "wait stack-create-complete",
        "DescribeStacks",
    ]
    assert "Stack codeartifact-python: CREATE_COMPLETE." in deployed.stdout
    index = "https://acme-123456789012.d.codeartifact.eu-west-1.amazonaws.com/pypi/python/simple/"
    assert f"IndexUrl: {index}" in deployed.stdout
    assert "Who may publish:\n  acme-widgets: only from acme/acme-widgets's release" in (
        deployed.stdout
    )
    assert (
        "  gh variable set CODEARTIFACT_ROLE_ARN --repo acme/acme-widgets "
        "--body arn:aws:iam::123456789012:role/acme-widgets-release\n"
    ) in deployed.stdout

    # The same parameters again: CloudFormation has nothing to change, and the plan says so.
    again = make("org-plan", env, config)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Stack codeartifact-python is up to date: nothing to change." in again.stdout
    assert fake.calls[-1]["operation"] == "DeleteChangeSet"
    assert fake.calls[-4]["args"]["change-set-type"] == "UPDATE"


def test_a_profile_that_prints_text_plans_and_deploys_all_the_same(
    org: tuple[FakeCodeArtifact, Path, dict[str, str]], tmp_path: Path
) -> None:
    """`output = text` in the AWS config: every call still asks for JSON, and is read."""
    fake, stack, env = org
    config = tmp_path / "aws-config"
    config.write_text("[default]\nregion = eu-west-1\noutput = text\n", encoding="utf-8")
    env = {**env, "AWS_CONFIG_FILE": str(config)}
    planned = make("org-plan", env, f"ORG_STACK={stack}")
    assert planned.returncode == 0, planned.stdout + planned.stderr
    deployed = make("org-deploy", env, f"ORG_STACK={stack}")  # the planned stack is read back
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    assert "(CREATE) for stack codeartifact-python:" in deployed.stdout
    assert "Stack codeartifact-python: CREATE_COMPLETE." in deployed.stdout
    assert {call["args"].get("output") for call in fake.calls} == {"json"}


def test_the_readmes_tear_down_commands_run_as_written(
    org: tuple[FakeCodeArtifact, Path, dict[str, str]],
) -> None:
    fake, stack, env = org
    data = json.loads(stack.read_text(encoding="utf-8"))
    data["Parameters"]["NamePrefix"] = "acme-"
    stack.write_text(json.dumps(data), encoding="utf-8")
    deployed = make("org-deploy", env, f"ORG_STACK={stack}")
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    assert fake.package_group("/pypi//acme-~") is not None
    readme = (ROOT / "org" / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Tear it down\n.*?```sh\n(.*?)```", readme, re.DOTALL)
    assert block is not None
    before = len(fake.calls)
    for line in block.group(1).splitlines():
        done = subprocess.run(
            shlex.split(line), env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, f"{line}: {done.stderr}"
    assert [(c["operation"], c["args"].get("repository")) for c in fake.calls[before:]] == [
        ("DeleteStack", None),
        ("wait stack-delete-complete", None),
        ("DeleteRepository", "python"),
        ("DeleteRepository", "pypi-store"),
        ("DeleteDomain", None),
    ]
    assert fake.stack("codeartifact-python") is None
    assert fake.package_group("/pypi//acme-~") is None  # the group went with the stack


def check_name(env: dict[str, str], name: str) -> subprocess.CompletedProcess[str]:
    """The tools' `check-name`, as a project's Makefile runs it, against the fake `aws`."""
    project = {
        "CODEARTIFACT_DOMAIN": "acme",
        "CODEARTIFACT_DOMAIN_OWNER": "123456789012",
        "CODEARTIFACT_REGION": "eu-west-1",
        "CODEARTIFACT_REPOSITORY": "python",
        "NAME_GUARD_AWS": "cli",
        "NAME_GUARD_SUGGEST": "0",
    }
    return subprocess.run(
        [sys.executable, "-m", "codeartifact_python_tools", "check-name", name],
        env={**env, **project},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_a_name_prefix_deploys_a_package_group_that_check_name_sees(
    org: tuple[FakeCodeArtifact, Path, dict[str, str]],
) -> None:
    """The stack's group in the account (here the fake's state) the moment it is deployed."""
    fake, stack, env = org
    data = json.loads(stack.read_text(encoding="utf-8"))
    data["Parameters"]["NamePrefix"] = "acme-"
    stack.write_text(json.dumps(data), encoding="utf-8")
    planned = make("org-plan", env, f"ORG_STACK={stack}")
    assert planned.returncode == 0, planned.stdout + planned.stderr
    assert "Add      InternalNamesGroup     AWS::CodeArtifact::PackageGroup" in planned.stdout
    assert (
        "Names the public upstream cannot supply: every package whose name starts with acme-, "
        "present or future, in every repository of the domain: the package group /pypi//acme-~ "
        "blocks the public upstream for them and lets them be published to python only"
    ) in planned.stdout
    assert fake.package_group("/pypi//acme-~") is None  # planned, not deployed

    deployed = make("org-deploy", env, f"ORG_STACK={stack}")
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    assert "  InternalNamesGroup: /pypi//acme-~\n" in deployed.stdout
    group = fake.package_group("/pypi//acme-~")
    assert group is not None
    assert group["restrictions"] == {
        "PUBLISH": "ALLOW_SPECIFIC_REPOSITORIES",
        "EXTERNAL_UPSTREAM": "BLOCK",
        "INTERNAL_UPSTREAM": "BLOCK",
    }
    assert group["repositories"]["PUBLISH"] == ["python"]

    # A name nobody has published yet, and one the public index has: both are covered now.
    with SimpleIndex.running(projects={"acme-requests": ["1.0"]}) as index:
        env = {**env, "NAME_GUARD_UPSTREAM_URL": index.url}
        free = check_name(env, "acme-widgets")
        twin = check_name(env, "acme-requests")
        outside = check_name(env, "widgets")
    assert free.returncode == 0, free.stderr
    assert "name guard: note: acme-widgets is covered by the package group /pypi//acme-~ " in (
        free.stderr
    )
    assert twin.returncode == 0, twin.stderr  # an existing project's name: a warning
    assert "The package group /pypi//acme-~ (publish ALLOW_SPECIFIC_REPOSITORIES, external " in (
        twin.stderr
    )
    assert "covered by" not in outside.stderr

    # Without the prefix, the next deploy deletes the group; the packages would stay.
    data["Parameters"]["NamePrefix"] = ""
    stack.write_text(json.dumps(data), encoding="utf-8")
    again = make("org-deploy", env, f"ORG_STACK={stack}")
    assert again.returncode == 0, again.stdout + again.stderr
    assert fake.package_group("/pypi//acme-~") is None


def test_plan_refuses_another_account_and_a_missing_session(
    org: tuple[FakeCodeArtifact, Path, dict[str, str]],
) -> None:
    fake, stack, env = org
    data = json.loads(stack.read_text(encoding="utf-8"))
    stack.write_text(json.dumps({**data, "AccountId": "210987654321", "Profile": "platform"}))
    wrong = make("org-plan", env, f"ORG_STACK={stack}")
    assert wrong.returncode != 0
    assert (
        "error: You are signed in to account 123456789012, but org/stack.json names "
        "210987654321: sign in to 210987654321 or fix AccountId in org/stack.json."
    ) in wrong.stderr
    assert fake.calls[-1]["args"] == {
        "output": "json",
        "region": "eu-west-1",
        "profile": "platform",
    }
    assert "Traceback" not in wrong.stderr

    fake.update(sso_expired=True)
    expired = make("org-plan", env, f"ORG_STACK={stack}")
    assert expired.returncode != 0
    assert "No AWS session (Error when retrieving token from sso: Token has expired" in (
        expired.stderr
    )
    assert "sign in, e.g. `aws sso login --profile platform`, then run the target again." in (
        expired.stderr
    )
    assert [c["operation"] for c in fake.calls] == ["GetCallerIdentity", "GetCallerIdentity"]


def test_org_laptop_makes_copier_use_the_organisations_answers(
    template_repo: Path, tmp_path: Path
) -> None:
    """A fork's facts become every prompt's default, and its URL is trusted: no --trust typed."""
    org_settings = tmp_path / "org.yml"
    org_settings.write_text(
        yaml.safe_dump(
            {
                "defaults": {
                    "aws_account_id": "210987654321",
                    "aws_region": "us-east-2",
                    "codeartifact_domain": "globex",
                    "codeartifact_repository": "libraries",
                    "name_prefix": "globex-",
                    "github_repository": "globex-eng/{{ package_name | normalise }}",
                },
                "trust": [str(template_repo)],
            }
        ),
        encoding="utf-8",
    )
    user_settings = tmp_path / "config" / "copier" / "settings.yml"
    user_settings.parent.mkdir(parents=True)
    user_settings.write_text("defaults:\n  team: data\ntrust:\n  - gh:someone/else\n")
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env["COPIER_SETTINGS_PATH"] = str(user_settings)
    merged = make("org-laptop", env, f"ORG_SETTINGS={org_settings}")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert f"copier settings written to {user_settings}" in merged.stdout
    settings = yaml.safe_load(user_settings.read_text(encoding="utf-8"))
    assert settings["defaults"]["team"] == "data"  # the user's own settings survive
    assert settings["trust"] == ["gh:someone/else", str(template_repo)]

    dst = tmp_path / "globex-widgets"
    rendered = copier("copy", "--defaults", str(template_repo), str(dst), env=env)
    assert rendered.returncode == 0, rendered.stdout + rendered.stderr
    answers = yaml.safe_load((dst / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert {key: answers[key] for key in ("aws_account_id", "codeartifact_domain", "team")} == {
        "aws_account_id": "210987654321",
        "codeartifact_domain": "globex",
        "team": "data",
    }
    assert answers["github_repository"] == "globex-eng/globex-widgets"
    makefile = (dst / "Makefile").read_text(encoding="utf-8")
    assert "CODEARTIFACT_REPOSITORY := libraries" in makefile
    assert "CODEARTIFACT_REGION := us-east-2" in makefile
    assert "NAME_PREFIX := globex-" in makefile


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (
            {"AccountId": "12345678901"},
            "AccountId: '12345678901' is not an AWS account id: exactly 12 digits 0-9",
        ),
        ({"Region": "eu-west-9"}, "Region: 'eu-west-9': CodeArtifact has no endpoint in eu-west-9"),
    ],
)
def test_a_wrong_value_in_the_stack_file_stops_before_any_aws_call(
    org: tuple[FakeCodeArtifact, Path, dict[str, str]], change: dict[str, str], said: str
) -> None:
    fake, stack, env = org
    data = json.loads(stack.read_text(encoding="utf-8"))
    stack.write_text(json.dumps({**data, **change}), encoding="utf-8")
    for target in ("org-plan", "org-deploy"):
        refused = make(target, env, f"ORG_STACK={stack}")
        assert refused.returncode != 0
        assert (
            f"error: {stack}: fix these, then run the target again (nothing was sent to AWS):"
            in (refused.stderr)
        )
        assert f"\n  {said}" in refused.stderr
        assert "Traceback" not in refused.stderr
    assert fake.calls == []


def test_moving_a_package_to_another_repository_is_refused_before_a_change_set(
    org: tuple[FakeCodeArtifact, Path, dict[str, str]],
) -> None:
    fake, stack, env = org
    deployed = make("org-deploy", env, f"ORG_STACK={stack}")
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    data = json.loads(stack.read_text(encoding="utf-8"))
    data["Parameters"]["Publishers"] = {"acme-widgets": "acme/widgets-v2"}
    stack.write_text(json.dumps(data), encoding="utf-8")
    before = len(fake.calls)
    moved = make("org-plan", env, f"ORG_STACK={stack}")
    assert moved.returncode != 0
    assert "error: Publishers: acme-widgets moves from acme/acme-widgets to acme/widgets-v2" in (
        moved.stderr
    )
    assert [c["operation"] for c in fake.calls[before:]] == ["GetCallerIdentity", "DescribeStacks"]
