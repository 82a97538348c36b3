"""The session's uv configuration: the default index trusted for a while, or the machine's kept."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

import pytest
import tomllib

from tests.machine import index_trust_environment, run

if TYPE_CHECKING:
    from pathlib import Path

TRUSTED = {"UV_DEFAULT_INDEX": None, "UV_INDEX_URL": None}  # the variable moves into the file


def machine_env(home: Path, **extra: str) -> dict[str, str]:
    """A user with this HOME and no uv configuration of their own."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "XDG_CONFIG_HOME"))}
    return {**kept, "HOME": str(home), **extra}


def session_index(session: Path) -> dict[str, object]:
    """The one index the session's uv.toml names."""
    (index,) = tomllib.loads((session / "uv" / "uv.toml").read_text())["index"]
    assert isinstance(index, dict)
    return index


def test_uvs_own_default_index_gets_a_lifetime_and_pip_keeps_its_configuration(
    tmp_path: Path,
) -> None:
    home, session = tmp_path / "home", tmp_path / "session"
    (home / ".config" / "pip").mkdir(parents=True)
    (home / ".config" / "pip" / "pip.conf").write_text("[global]\nfind-links = /wheels\n")

    env = index_trust_environment(session, machine_env(home), system_configs=())

    assert env == {"XDG_CONFIG_HOME": str(session), **TRUSTED}
    index = session_index(session)
    said = run(["uv", "help", "pip", "install"]).stdout
    assert f"by default: <{index['url']}>" in re.sub(r"\s+", " ", said)
    assert index["default"] is True
    assert index["cache-control"] == {
        "api": "max-age=600",
        "files": "max-age=31536000, immutable",
    }
    pip = (session / "pip" / "pip.conf").read_text()
    assert pip == "[global]\nfind-links = /wheels\n"


@pytest.mark.parametrize("variable", ["UV_DEFAULT_INDEX", "UV_INDEX_URL"])
def test_an_index_a_variable_names_moves_into_the_file_with_its_lifetime(
    tmp_path: Path, variable: str
) -> None:
    url = "http://127.0.0.1:9/simple"
    env = machine_env(tmp_path / "home", **{variable: url})
    assert index_trust_environment(tmp_path / "session", env, system_configs=()) == {
        "XDG_CONFIG_HOME": str(tmp_path / "session"),
        **TRUSTED,
    }
    assert session_index(tmp_path / "session")["url"] == url


def test_uv_default_index_wins_over_uv_index_url_as_in_uv(tmp_path: Path) -> None:
    env = machine_env(
        tmp_path / "home",
        UV_INDEX_URL="http://127.0.0.1:8/simple",
        UV_DEFAULT_INDEX="http://127.0.0.1:9/simple",
    )
    index_trust_environment(tmp_path / "session", env, system_configs=())
    assert session_index(tmp_path / "session")["url"] == "http://127.0.0.1:9/simple"


@pytest.mark.parametrize(
    "variables",
    [
        {"UV_DEFAULT_INDEX": "http://aws:secret-token@127.0.0.1:9/simple"},
        {"UV_CONFIG_FILE": "/somewhere/uv.toml"},
        {"UV_NO_CONFIG": "1"},
    ],
)
def test_credentials_and_a_configuration_of_the_machines_are_left_alone(
    tmp_path: Path, variables: dict[str, str]
) -> None:
    env = machine_env(tmp_path / "home", **variables)
    assert index_trust_environment(tmp_path / "session", env, system_configs=()) == {}
    assert not (tmp_path / "session").exists()


@pytest.mark.parametrize("where", ["user", "system"])
def test_a_uv_toml_of_the_machine_is_left_alone(tmp_path: Path, where: str) -> None:
    home = tmp_path / "home"
    user = home / ".config" / "uv" / "uv.toml"
    system = tmp_path / "etc" / "uv" / "uv.toml"
    mine = user if where == "user" else system
    mine.parent.mkdir(parents=True)
    mine.write_text('index-url = "http://127.0.0.1:9/simple/"\n')
    env = machine_env(home)
    assert index_trust_environment(tmp_path / "session", env, system_configs=(system,)) == {}
    assert not (tmp_path / "session").exists()
