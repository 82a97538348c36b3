"""The release scripts' index client: credentials go to the configured origin and nowhere else."""

from __future__ import annotations

import sys
import urllib.request
from http.client import HTTPMessage
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The generated project runs them as `python -m scripts.release`, from its root: template/ here.
if str(ROOT / "template") not in sys.path:
    sys.path.insert(0, str(ROOT / "template"))

from scripts.release import index  # noqa: E402 - needs the sys.path entry above
from scripts.release.errors import ExitCode, ReleaseError  # noqa: E402

if TYPE_CHECKING:
    from tests.doubles.simple_index import SimpleIndex

START = "https://acme-123456789012.d.codeartifact.eu-west-1.amazonaws.com/pypi/python/simple/x/"
AUTH = "Basic YXdzOnNlY3JldA=="


def follow(start: str, target: str) -> urllib.request.Request | None:
    handler = index._SameOriginRedirects(start, AUTH)  # noqa: SLF001 - the policy under test
    request = urllib.request.Request(start)  # noqa: S310 - never opened
    request.add_unredirected_header("Authorization", AUTH)
    # The generated project type-checks scripts/; here they are untyped (mypy override).
    new: urllib.request.Request | None = handler.redirect_request(
        request, None, 302, "Found", HTTPMessage(), target
    )
    return new


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
    with pytest.raises(ReleaseError) as raised:
        follow(START, target)
    assert raised.value.code == ExitCode.BAD_ANSWER == 19
    assert "the token was not sent" in raised.value.message


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
    [("", 10.0), ("2.5", 2.5), ("nonsense", 10.0), ("0", 0.5), ("1e9", 120.0)],
)
def test_the_http_timeout_comes_from_the_environment_within_bounds(
    value: str, expected: float
) -> None:
    assert index.http_timeout({"RELEASE_HTTP_TIMEOUT": value}) == expected


@pytest.mark.parametrize(
    ("region", "host"),
    [("eu-west-1", "eu-west-1.amazonaws.com"), ("cn-north-1", "cn-north-1.amazonaws.com.cn")],
)
def test_the_index_url_follows_the_regions_partition(region: str, host: str) -> None:
    from scripts.release import settings  # noqa: PLC0415

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
