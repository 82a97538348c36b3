"""The release scripts' index client: credentials go to the configured origin and nowhere else."""

from __future__ import annotations

import io
import json
import subprocess
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from http.client import HTTPMessage
from typing import TYPE_CHECKING

import pytest
from codeartifact_python_tools import fetch
from codeartifact_python_tools.release import expiry, index, publish
from codeartifact_python_tools.release.errors import ExitCode, ReleaseError

if TYPE_CHECKING:
    from pathlib import Path

    from tests.doubles.codeartifact import FakeCodeArtifact
    from tests.doubles.simple_index import SimpleIndex

START = "https://acme-123456789012.d.codeartifact.eu-west-1.amazonaws.com/pypi/python/simple/x/"
AUTH = "Basic YXdzOnNlY3JldA=="


def follow(start: str, target: str) -> urllib.request.Request | None:
    handler = fetch._SameOriginRedirects(start, AUTH)  # noqa: SLF001 - the policy under test
    request = urllib.request.Request(start)  # noqa: S310 - never opened
    request.add_unredirected_header("Authorization", AUTH)
    return handler.redirect_request(request, io.BytesIO(), 302, "Found", HTTPMessage(), target)


@pytest.mark.parametrize(
    "target",
    [
        START.replace("https://", "http://"),  # https -> http
        "https://evil.example.com/pypi/python/simple/x/",  # another host
        START.replace(".amazonaws.com/", ".amazonaws.com:8443/"),  # another port
    ],
    ids=["https-to-http", "another-host", "another-port"],
)
def test_a_redirect_off_the_origin_is_refused_before_anything_is_sent(target: str) -> None:
    with pytest.raises(fetch.BadAnswer) as raised:
        follow(START, target)
    assert "the credentials were not sent" in str(raised.value)


def test_a_redirect_within_the_origin_keeps_the_credentials() -> None:
    new = follow(START, START.replace("/x/", "/x-y/"))
    assert new is not None
    assert new.unredirected_hdrs.get("Authorization") == AUTH
    assert "Authorization" not in new.headers  # never a header urllib would carry further


def test_credentials_reach_the_index_and_follow_its_own_redirects(upstream: SimpleIndex) -> None:
    # The local index redirects a name that is not normalised, within its own origin.
    credentials = index.Credentials("aws", "secret", "a test")
    listing = index.fetch_listing(upstream.url + "Flask_SQLAlchemy/", credentials)
    assert listing.status == 200
    assert "flask_sqlalchemy-3.1.1.tar.gz" in listing.files
    assert upstream.project_requests("flask-sqlalchemy") == ["/simple/flask-sqlalchemy/"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", 10.0), ("2.5", 2.5), ("nonsense", 10.0), ("nan", 10.0), ("0", 0.5), ("1e9", 120.0)],
)
def test_the_http_timeout_comes_from_the_environment_within_bounds(
    value: str, expected: float
) -> None:
    assert index.http_timeout({"RELEASE_HTTP_TIMEOUT": value}) == expected


@pytest.mark.parametrize(
    ("value", "waits"),
    [("", [1, 2, 4]), ("0.5", [0.5, 1, 2]), ("0", [0, 0, 0]), ("-3", [0, 0, 0]), ("x", [1, 2, 4])],
)
def test_an_unreachable_index_is_retried_with_doubling_waits(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    value: str,
    waits: list[float],
) -> None:
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    monkeypatch.setenv("RELEASE_RETRY_WAIT", value)

    def down() -> None:
        raise ConnectionRefusedError(111, "Connection refused")

    with pytest.raises(ReleaseError) as raised:
        publish.retrying(down, "uploading", "http://127.0.0.1:9/")
    assert raised.value.code == ExitCode.UNREACHABLE
    assert "after 4 attempts" in raised.value.message
    assert slept == waits
    assert f"retrying in {waits[0]:g} s (1/4)" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("region", "host"),
    [("eu-west-1", "eu-west-1.amazonaws.com"), ("cn-north-1", "cn-north-1.amazonaws.com.cn")],
)
def test_the_index_url_follows_the_regions_partition(region: str, host: str) -> None:
    from codeartifact_python_tools.release import settings  # noqa: PLC0415

    env = {
        "CODEARTIFACT_DOMAIN": "acme",
        "CODEARTIFACT_DOMAIN_OWNER": "123456789012",
        "CODEARTIFACT_REGION": region,
        "CODEARTIFACT_REPOSITORY": "python",
    }
    loaded = settings.load(env)
    assert (
        loaded.index_url == f"https://acme-123456789012.d.codeartifact.{host}/pypi/python/simple/"
    )


SERVICE = "https://acme-123456789012.d.codeartifact.eu-west-1.amazonaws.com/"


def test_login_records_the_expiry_never_the_token(tmp_path: Path) -> None:
    env = {"XDG_STATE_HOME": str(tmp_path / "state"), "HOME": str(tmp_path / "home")}
    token = "ca-secret-token-value"  # noqa: S105 - a made-up token
    ends = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2)))
    assert expiry.record(env, SERVICE, token, ends) == ""
    path = tmp_path / "state" / "codeartifact-python-template" / "tokens.json"
    assert expiry.state_file(env) == path
    text = path.read_text(encoding="utf-8")
    assert token not in text
    assert json.loads(text)[SERVICE]["expires"] == "2030-01-02T01:04:05+00:00"
    assert path.stat().st_mode & 0o777 == 0o600  # like uv's own credential store: the user's
    assert expiry.recorded(env, SERVICE, token) == ends
    # Another token (stored by hand since) has no recorded expiry; nor has another index.
    assert expiry.recorded(env, SERVICE, "ca-another-token") is None
    assert expiry.recorded(env, "https://other.example/", token) is None
    # A login whose expiry is unknown drops the old record instead of leaving it behind.
    assert expiry.record(env, SERVICE, token, None) == ""
    assert expiry.recorded(env, SERVICE, token) is None
    assert [p.name for p in path.parent.iterdir()] == ["tokens.json"]  # no temporary left


def test_the_state_directory_follows_xdg(tmp_path: Path) -> None:
    home = tmp_path / "home"
    for given in ("", "relative/state"):  # unset or relative: the spec's default
        env = {"XDG_STATE_HOME": given, "HOME": str(home)}
        expected = home / ".local" / "state" / "codeartifact-python-template" / "tokens.json"
        assert expiry.state_file(env) == expected


def test_an_unwritable_state_directory_is_a_note_not_a_failure(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("", encoding="utf-8")
    env = {"XDG_STATE_HOME": str(blocker)}
    note = expiry.record(env, SERVICE, "ca-secret", datetime.now(timezone.utc))
    assert note.startswith(f"could not record the token's expiry in {blocker}/")
    assert "ca-secret" not in note
    assert expiry.recorded(env, SERVICE, "ca-secret") is None
    (blocker.parent / "corrupt").mkdir()
    garbled = blocker.parent / "corrupt" / "codeartifact-python-template"
    garbled.mkdir()
    (garbled / "tokens.json").write_text("{not json", encoding="utf-8")
    env = {"XDG_STATE_HOME": str(blocker.parent / "corrupt")}
    assert expiry.recorded(env, SERVICE, "ca-secret") is None
    assert expiry.record(env, SERVICE, "ca-secret", None) == ""  # rewritten whole


def test_make_login_on_a_laptop_without_credentials_says_sign_in() -> None:
    from codeartifact_python_tools import codeartifact  # noqa: PLC0415
    from codeartifact_python_tools.release import settings, tokens  # noqa: PLC0415

    where = settings.load(
        {
            "CODEARTIFACT_DOMAIN": "acme",
            "CODEARTIFACT_DOMAIN_OWNER": "123456789012",
            "CODEARTIFACT_REGION": "eu-west-1",
            "CODEARTIFACT_REPOSITORY": "python",
        }
    )
    error = tokens.explain_failure(codeartifact.NO_CREDENTIALS, where)
    assert error.code == ExitCode.CREDENTIALS
    assert error.code == 10
    assert "aws sso login" in error.message


# --- The token's expiry, in every form AWS's tools give it ---------------------------------------

ENDS = datetime(2026, 12, 2, 16, 41, 5, 123000, tzinfo=timezone.utc)
ONE_HOUR_EAST = timezone(timedelta(hours=1))


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        # CLI v2's default (cli_timestamp_format iso8601): local time with its offset, and a
        # fraction unless the second is whole.
        ("2026-12-02T17:41:05.123000+01:00", ENDS),
        ("2026-12-02T17:41:05+01:00", ENDS.replace(microsecond=0)),
        ("2026-12-02T16:41:05.123000+00:00", ENDS),
        ("2026-12-02T16:41:05Z", ENDS.replace(microsecond=0)),
        # v2's `wire` and v1's default: CodeArtifact's epoch seconds, a JSON number, or text.
        (1796229665.123, ENDS),
        (1796229665, ENDS.replace(microsecond=0)),
        ("1796229665.123", ENDS),
        # boto3: a datetime in the local zone.
        (ENDS.astimezone(ONE_HOUR_EAST), ENDS),
    ],
    ids=[
        "v2-fraction",
        "v2-whole-second",
        "v2-utc",
        "zulu",
        "epoch",
        "epoch-int",
        "epoch-text",
        "boto3",
    ],
)
def test_the_tokens_expiry_is_read_in_every_form_the_cli_prints(
    given: object, expected: datetime
) -> None:
    from codeartifact_python_tools.release import tokens  # noqa: PLC0415

    parsed = tokens.parse_expiration(given)
    assert parsed == expected
    assert parsed is not None
    assert parsed.tzinfo is not None  # an instant, comparable with any other


@pytest.mark.parametrize("given", [None, "", "soon", "2026-13-45T99:00:00", True, {}])
def test_an_unreadable_expiry_is_unknown(given: object) -> None:
    from codeartifact_python_tools.release import tokens  # noqa: PLC0415

    assert tokens.parse_expiration(given) is None


def test_a_naive_expiry_is_local_time(monkeypatch: pytest.MonkeyPatch) -> None:
    from codeartifact_python_tools.release import tokens  # noqa: PLC0415

    monkeypatch.setenv("TZ", "CET-1")
    time.tzset()
    try:
        assert tokens.parse_expiration("2026-12-02T17:41:05.123000") == ENDS
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.parametrize(
    ("timestamps", "printed"),
    [("iso8601", '"2026-12-02T17:41:05.123000+01:00"'), ("wire", "1796229665.123")],
)
def test_make_login_reads_the_expiry_the_aws_cli_prints(
    fake_aws: FakeCodeArtifact,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    timestamps: str,
    printed: str,
) -> None:
    """Through the aws CLI in each timestamp format; recorded to the second, never later."""
    from codeartifact_python_tools.release import settings, tokens  # noqa: PLC0415

    config = tmp_path / "aws-config"
    config.write_text(f"[default]\ncli_timestamp_format = {timestamps}\n", encoding="utf-8")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("TZ", "CET-1")  # the CLI prints local time: here one hour east of UTC
    fake_aws.update(token_expiration=ENDS.isoformat())
    where = settings.load(
        {
            "CODEARTIFACT_DOMAIN": "acme",
            "CODEARTIFACT_DOMAIN_OWNER": "123456789012",
            "CODEARTIFACT_REGION": "eu-west-1",
            "CODEARTIFACT_REPOSITORY": "python",
        }
    )
    shown = subprocess.run(
        [
            *("aws", "codeartifact", "get-authorization-token", "--domain", "acme"),
            *("--region", "eu-west-1", "--query", "expiration", "--output", "json"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout == f"{printed}\n"

    token = tokens.get_token(where)
    assert token.expiration == ENDS
    env = {"XDG_STATE_HOME": str(tmp_path / "state")}
    assert expiry.record(env, where.service, token.value, token.expiration) == ""
    assert expiry.recorded(env, where.service, token.value) == ENDS.replace(microsecond=0)
