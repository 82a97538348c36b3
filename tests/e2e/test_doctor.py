"""`make doctor` in generated projects, on the laptops a new team member may have.

Two projects are rendered once by the real copier CLI: `fresh` with the template's demo answers,
`team` with a team's own. CodeArtifact's control plane is the fake `aws`, its PyPI endpoint a
local pypiserver with authentication, GitHub the fake `gh`; each test then runs `make doctor`
with another environment and asserts the lines it prints and its exit code (make exits 2 when
doctor exits 1).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

import pytest
from codeartifact_python_tools.release import expiry

from tests.doubles import gh
from tests.doubles.codeartifact import STATE_ENV, FakeCodeArtifact
from tests.doubles.pypiserver import PypiServer, closed_index_url
from tests.e2e.copier_cli import copier, lock_tools

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.e2e

TEAM = {
    "aws_account_id": "210987654321",
    "codeartifact_domain": "globex",
    "author_name": "Globex Widgets Team",
    "author_email": "dev@globex.example",
}
NAME = "globex-widgets"
REPOSITORY = "globex/globex-widgets"  # github_repository's default: <domain>/<package>


@dataclass
class Laptop:
    """The doubles every run shares, and the environment a test starts from."""

    fresh: Path
    team: Path
    source: Path  # the template repository the team project was made from
    fake: FakeCodeArtifact
    index: PypiServer
    github: gh.FakeGitHub
    env: dict[str, str]
    work: Path

    def doctor(self, project: Path, **env: str) -> subprocess.CompletedProcess[str]:
        started = time.monotonic()
        result = subprocess.run(
            ["make", "--no-print-directory", "doctor"],
            cwd=project,
            # A home of its own: AWS's SSO cache is ~/.aws/sso/cache, with no variable to move it.
            env={**self.env, "HOME": str(self.work / "home"), **env},
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
        # Every call is bounded to 3 s and they run concurrently: offline or not, it is quick.
        assert time.monotonic() - started < 15, result.stdout
        assert "Traceback" not in result.stdout + result.stderr
        return result


def render(source: Path, dst: Path, *flags: str) -> Path:
    result = copier("copy", "--trust", "--defaults", *flags, str(source), str(dst))
    assert result.returncode == 0, result.stdout + result.stderr
    lock_tools(dst)  # what the skipped post-copy task would have done for the tools
    return dst


@pytest.fixture(scope="module")
def laptop(template_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Laptop]:
    work = tmp_path_factory.mktemp("doctor")
    # A clone of our own: a test tags a newer template release in it.
    source = work / "template"
    subprocess.run(["git", "clone", "-q", str(template_repo), str(source)], check=True)
    # doctor needs neither git nor uv.lock: the post-copy task is skipped, to save time; the
    # tools' own lock (tools.py.lock) is written as the task writes it.
    fresh = render(source, work / "acme-widgets", "--skip-tasks")
    team = render(
        source, work / NAME, "--skip-tasks", *(f"--data={k}={v}" for k, v in TEAM.items())
    )
    token = f"ca-{secrets.token_hex(24)}"
    fake = FakeCodeArtifact(work / "fake-aws.json", domain="globex", domain_owner="210987654321")
    fake.update(token=token)
    fake.add_package(NAME, ["0.1.0"], publish="ALLOW", upstream="BLOCK")
    bin_dir = fake.install(work / "bin").parent
    github = gh.FakeGitHub(work / "fake-gh.json", repository=REPOSITORY)
    github.install(bin_dir)
    github.serve(f"repos/{REPOSITORY}", gh.repository(REPOSITORY))
    environment = gh.environment(REPOSITORY, reviewers=("release-manager",), wait_timer=5)
    github.serve(f"repos/{REPOSITORY}/environments/release", environment)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("UV_INDEX_", "CODEARTIFACT_", "COPIER_")) and key != "VIRTUAL_ENV"
    }
    env.update(
        {
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            STATE_ENV: str(fake.state_file),
            **github.env(),
            "NAME_GUARD_AWS": "cli",
            "UV_CREDENTIALS_DIR": str(work / "uv-credentials"),
            "UV_KEYRING_PROVIDER": "disabled",
            "XDG_STATE_HOME": str(work / "state"),  # where `make login` records the expiry
        }
    )
    with PypiServer.running(work / "index", password=token) as index:
        (index.packages / "globex_widgets-0.1.0.tar.gz").write_bytes(b"not really an sdist")
        env["CODEARTIFACT_INDEX_URL"] = index.url
        yield Laptop(fresh, team, source, fake, index, github, env, work)


def sso_profile(laptop: Laptop, expires: datetime) -> None:
    """An SSO default profile, and the AWS CLI's cached session for it."""
    aws = laptop.work / "home" / ".aws"
    (aws / "sso" / "cache").mkdir(parents=True, exist_ok=True)
    config = aws / "config"
    config.write_text(
        "[default]\nsso_session = corp\nregion = eu-west-1\n\n"
        "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n"
        "sso_region = eu-west-1\n",
        encoding="utf-8",
    )
    cached = {
        "startUrl": "https://corp.awsapps.com/start",
        "region": "eu-west-1",
        "accessToken": "sso-access-token-never-printed",
        "expiresAt": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    (aws / "sso" / "cache" / "0123abcd.json").write_text(json.dumps(cached), encoding="utf-8")
    laptop.env["AWS_CONFIG_FILE"] = str(config)


def store_token(laptop: Laptop, token: str) -> None:
    """What `make login` leaves behind (test_publish.py runs it): a token in uv's store."""
    service = laptop.index.upload_url
    result = subprocess.run(
        ["uv", "auth", "login", "--username", "aws", "--password", "-", service],
        input=token, env=laptop.env, capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def record_expiry(laptop: Laptop, token: str, expires: datetime | None) -> None:
    """The expiry `make login` records beside it (test_publish.py checks that it does)."""
    assert expiry.record(laptop.env, laptop.index.upload_url, token, expires) == ""


def test_a_fresh_laptop_with_a_demo_project_is_told_everything_at_once(laptop: Laptop) -> None:
    laptop.fake.update(credentials=False)
    sso_profile(laptop, datetime.now(timezone.utc) - timedelta(hours=1))
    try:
        result = laptop.doctor(laptop.fresh, UV_CREDENTIALS_DIR=str(laptop.work / "no-credentials"))
    finally:
        laptop.fake.update(credentials=True)
    out = result.stdout
    assert result.returncode == 2, out + result.stderr  # doctor exited 1
    assert "✗ AWS: no credentials\n    fix: aws configure sso  # then: aws sso login\n" in out
    assert re.search(r"✗ AWS SSO session expired at \S+ \S+ UTC\n    fix: aws sso login\n", out)
    service = laptop.index.upload_url
    assert f"✗ no CodeArtifact token stored for {service}\n    fix: make login\n" in out
    assert "✗ demo value AWS account 123456789012 still in .copier-answers.yml, Makefile, " in out
    assert "docs/iam/ (5 files)" in out
    assert "✗ demo value CodeArtifact domain acme still in .copier-answers.yml, Makefile" in out
    # The release role trusts the demo repository; the metadata names the demo author.
    assert "✗ demo value GitHub repository acme/acme-widgets still in .copier-answers.yml, " in out
    assert "docs/iam/github-oidc-trust.json" in out
    assert "✗ demo value author name ACME Platform Team still in .copier-answers.yml, " in out
    # One update sets every answer: one fix, after the last of them.
    assert out.count("fix: make update-template DATA=") == 1
    assert (
        '    fix: make update-template DATA="aws_account_id=YOUR_ACCOUNT_ID '
        "codeartifact_domain=YOUR_DOMAIN author_name=Your Team author_email=YOU@YOUR_COMPANY "
        'github_repository=YOUR_ORG/acme-widgets"  # with your own values\n'
    ) in out
    assert "problem(s) block `make check` or a release" in out
    assert "sso-access-token-never-printed" not in out


def test_everything_fine_then_an_expired_token(laptop: Laptop) -> None:
    sso_profile(laptop, datetime.now(timezone.utc) + timedelta(hours=5))
    store_token(laptop, laptop.index.password)
    record_expiry(laptop, laptop.index.password, datetime.now(timezone.utc) + timedelta(hours=7))
    result = laptop.doctor(laptop.team)
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert re.search(
        r"^✓ uv \d+\.\d+\.\d+ \(pyproject\.toml requires >=[\d.]+\)$", out, re.MULTILINE
    )
    assert "✓ git identity Template Tests <tests@example.com>\n" in out
    assert "✓ AWS: signed in as arn:aws:sts::210987654321:assumed-role/Developer/jane\n" in out
    assert re.search(
        r"^✓ AWS SSO session valid until \d\d:\d\d UTC \(4 h \d\d min left\)$", out, re.MULTILINE
    )
    assert re.search(
        r"^✓ CodeArtifact token stored, valid until \d\d:\d\d UTC \(in 6 h \d\d min\)$",
        out,
        re.MULTILINE,
    )
    assert f"✓ the index accepts the token ({laptop.index.url})\n" in out
    # It asked for a name that cannot exist, never for the project's own page: through a
    # CodeArtifact upstream, that could pull in a public package of the same name.
    asked = laptop.index.log.read_text(encoding="utf-8", errors="replace")
    assert "-doctor-probe-" in asked
    assert f"/simple/{NAME}/" not in asked
    assert "✓ globex-widgets: origin controls publish ALLOW, upstream BLOCK\n" in out
    assert (
        "✓ the `release` environment of globex/globex-widgets requires a review (1 reviewer(s))\n"
    ) in out
    assert "✓ template 99.0.0 is the newest\n" in out
    assert (
        "✓ no demo values from the template (account, domain, author, GitHub repository)\n" in out
    )
    assert "✗" not in out
    assert "Nothing blocks `make check` or a release." in out
    assert laptop.fake.package(NAME)["origin"] == {"publish": "ALLOW", "upstream": "BLOCK"}  # type: ignore[index]

    # The token the index knows is not the one uv stored any more: it expired. Stored by hand,
    # its expiry is unknown: said, without failing; the index's refusal is what fails.
    store_token(laptop, f"ca-{secrets.token_hex(24)}")
    expired = laptop.doctor(laptop.team)
    assert expired.returncode == 2, expired.stdout + expired.stderr
    assert (
        "✓ CodeArtifact token stored, expiry not recorded (not stored by `make login`; "
        "tokens last 12 hours)\n"
    ) in expired.stdout
    # pypiserver answers a wrong password with 403, CodeArtifact an expired token with 401.
    assert re.search(
        r"^✗ the index refused the token \(40[13]\): it expired or is for another domain\n"
        r"    fix: make login$",
        expired.stdout,
        re.MULTILINE,
    )
    store_token(laptop, laptop.index.password)  # a working token for the other tests

    # The index still takes it, but `make login` recorded that it ended an hour ago.
    ended = datetime.now(timezone.utc) - timedelta(hours=1)
    record_expiry(laptop, laptop.index.password, ended)
    try:
        past = laptop.doctor(laptop.team)
    finally:
        record_expiry(laptop, laptop.index.password, None)
    assert past.returncode == 2, past.stdout + past.stderr
    assert (
        f"✗ CodeArtifact token expired at {ended:%Y-%m-%d %H:%M} UTC\n    fix: make login\n"
    ) in past.stdout
    assert "the index accepts the token" not in past.stdout  # one line, one fix
    assert laptop.index.password not in past.stdout + past.stderr


def test_the_package_group_that_covers_the_project_is_named(laptop: Laptop) -> None:
    """The organisation stack's group for globex-: a ✓ line naming it, not the package's own."""
    laptop.fake.add_package_group(
        "/pypi//globex-~",
        publish="ALLOW_SPECIFIC_REPOSITORIES",
        external_upstream="BLOCK",
        internal_upstream="BLOCK",
        repositories={"PUBLISH": ["python"]},
    )
    try:
        covered = laptop.doctor(laptop.team)
        # The group's BLOCK wins over the package's own ALLOW: still covered.
        laptop.fake.add_package(NAME, ["0.1.0"], publish="ALLOW", upstream="ALLOW")
        own_open = laptop.doctor(laptop.team)
    finally:
        laptop.fake.remove_package_group("/pypi//globex-~")
        laptop.fake.add_package(NAME, ["0.1.0"], publish="ALLOW", upstream="BLOCK")
    line = (
        "✓ globex-widgets: covered by the package group /pypi//globex-~, which blocks the public "
        "upstream (publish ALLOW_SPECIFIC_REPOSITORIES, internal upstream BLOCK)\n"
    )
    assert line in covered.stdout
    assert "origin controls publish ALLOW, upstream BLOCK" not in covered.stdout
    assert line in own_open.stdout
    assert "the public upstream is not blocked" not in own_open.stdout
    asked = [c["args"] for c in laptop.fake.calls if c["operation"] == "GetAssociatedPackageGroup"]
    assert asked[-1]["package"] == NAME
    assert "repository" not in asked[-1]


def test_an_old_uv_is_reported_before_uv_runs_anything(laptop: Laptop) -> None:
    """A uv 0.8 first on PATH: it would run no tools (nor `uv auth` for `make login`)."""
    shim_dir = laptop.work / "old-uv"
    shim_dir.mkdir(exist_ok=True)
    shim = shim_dir / "uv"
    shim.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        "if sys.argv[1:2] == ['--version']:\n"
        "    print('uv 0.8.0')\n"
        "    sys.exit(0)\n"
        "sys.stderr.write('uv 0.8.0 was asked to run ' + ' '.join(sys.argv[1:]) + '\\n')\n"
        "sys.exit(3)\n",
        encoding="utf-8",
    )
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    result = laptop.doctor(laptop.team, PATH=f"{shim_dir}{os.pathsep}{laptop.env['PATH']}")
    pyproject = (laptop.team / "pyproject.toml").read_text(encoding="utf-8")
    required = re.search(r'required-version = ">=([\d.]+)"', pyproject)
    assert required is not None
    floor = required.group(1)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == (
        f"✗ uv 0.8.0 is older than pyproject.toml's required-version (>={floor})\n"
        f"    fix: uv self update  # or: python3 -m pip install --upgrade 'uv>={floor}'\n"
    )
    assert "was asked to run" not in result.stderr  # nothing but `uv --version`


def test_no_uv_at_all_is_reported_with_its_fix(laptop: Laptop) -> None:
    """A new laptop without uv: doctor says so, and how to install it, with the shell alone."""
    tools = laptop.work / "no-uv-bin"
    tools.mkdir(exist_ok=True)
    for program in ("make", "sh", "sed", "awk"):
        found = shutil.which(program)
        assert found is not None
        link = tools / program
        if not link.exists():
            link.symlink_to(found)
    result = laptop.doctor(laptop.team, PATH=str(tools))
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout.startswith("✗ uv is not on PATH (or does not run)\n    fix: ")
    assert "pip install --user 'uv>=" in result.stdout


def test_offline_it_says_what_it_could_not_check(laptop: Laptop) -> None:
    laptop.fake.update(latency=10.0)  # the AWS CLI never answers in time
    closed = closed_index_url()
    try:
        result = laptop.doctor(laptop.team, CODEARTIFACT_INDEX_URL=closed)
    finally:
        laptop.fake.update(latency=0.0)
    out = result.stdout
    assert "? AWS not checked: STS did not answer (no answer within 3 s)\n" in out
    assert "? origin controls not checked" in out
    assert "could not run (offline or a tool missing)" in out


def test_a_newer_template_release_is_pointed_out(laptop: Laptop) -> None:
    subprocess.run(["git", "tag", "v99.1.0"], cwd=laptop.source, check=True)
    try:
        result = laptop.doctor(laptop.team)
    finally:
        subprocess.run(["git", "tag", "-d", "v99.1.0"], cwd=laptop.source, check=True)
    assert (
        "! template 99.0.0 is behind: 99.1.0 is out\n    fix: make update-template REF=v99.1.0\n"
    ) in result.stdout


def test_a_project_made_from_an_untagged_commit_is_told_which_release_to_take(
    laptop: Laptop,
) -> None:
    """Copier records such a commit as its hash: `?` would leave the team without a next step."""
    answers = laptop.team / ".copier-answers.yml"
    recorded = answers.read_text(encoding="utf-8")
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=laptop.source,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    answers.write_text(recorded.replace("_commit: 99.0.0", f"_commit: {commit}"), encoding="utf-8")
    try:
        result = laptop.doctor(laptop.team)
    finally:
        answers.write_text(recorded, encoding="utf-8")
    assert (
        f"! template {commit} is a commit of {laptop.source}, not a release: updates go from "
        "release to release\n    fix: make update-template REF=99.0.0\n"
    ) in result.stdout


def test_a_release_environment_nobody_approves_is_pointed_out(laptop: Laptop) -> None:
    """GitHub creates `release` empty the first time the workflow names it: no one approves."""
    endpoint = f"repos/{REPOSITORY}/environments/release"
    settings = f"https://github.com/{REPOSITORY}/settings/environments"
    plans = "(in a private repository, required reviewers need GitHub Enterprise)"
    created_by_a_workflow = gh.environment(REPOSITORY, branches=False)
    laptop.github.serve(endpoint, created_by_a_workflow)
    state = json.loads(laptop.github.state_file.read_text(encoding="utf-8"))
    try:
        empty = laptop.doctor(laptop.team)
        del state["endpoints"][endpoint]  # no environment at all: GitHub answers 404
        laptop.github.state_file.write_text(json.dumps(state), encoding="utf-8")
        missing = laptop.doctor(laptop.team)
        laptop.github.log_out()
        logged_out = laptop.doctor(laptop.team)
    finally:
        laptop.github.serve(endpoint, gh.environment(REPOSITORY, reviewers=("release-manager",)))
        state = json.loads(laptop.github.state_file.read_text(encoding="utf-8"))
        state["logged_in"] = True
        laptop.github.state_file.write_text(json.dumps(state), encoding="utf-8")
    assert empty.returncode == 0, empty.stdout  # a warning: it blocks nothing
    assert (
        f"! the `release` environment of {REPOSITORY} has no required reviewers: whoever can "
        "push a release branch publishes without approval\n"
        f"    fix: add required reviewers: {settings}/{created_by_a_workflow['id']}/edit {plans}\n"
    ) in empty.stdout
    assert (
        f"! {REPOSITORY} has no `release` environment: the first release creates it without "
        "reviewers, and publishes without anyone's approval\n"
        f"    fix: create it with required reviewers: {settings}/new {plans}\n"
    ) in missing.stdout
    assert "? release environment not checked: gh is not logged in (gh auth login)\n" in (
        logged_out.stdout
    )
    # It only read: a GET for the environment, and one for the repository (a 404 says either).
    asked = [call for call in laptop.github.calls if call[:1] == ["api"]]
    assert {call[-1] for call in asked if REPOSITORY in call[-1]} == {
        endpoint,
        f"repos/{REPOSITORY}",
    }
    assert not any("-X" in call or "--method" in call for call in asked)
