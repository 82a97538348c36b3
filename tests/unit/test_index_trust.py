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


def machine_env(home: Path, **extra: str) -> dict[str, str]:
    """A user with this HOME and no uv configuration of their own."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "XDG_CONFIG_HOME"))}
    return {**kept, "HOME": str(home), **extra}


def test_uvs_own_default_index_gets_a_lifetime_and_pip_keeps_its_configuration(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    (home / ".config" / "pip").mkdir(parents=True)
    (home / ".config" / "pip" / "pip.conf").write_text("[global]\nfind-links = /wheels\n")

    env = index_trust_environment(tmp_path / "session", machine_env(home), system_configs=())

    assert env == {"XDG_CONFIG_HOME": str(tmp_path / "session")}
    config = tomllib.loads((tmp_path / "session" / "uv" / "uv.toml").read_text())
    (index,) = config["index"]
    said = run(["uv", "help", "pip", "install"]).stdout
    assert f"by default: <{index['url']}>" in re.sub(r"\s+", " ", said)
    assert index["default"] is True
    assert index["cache-control"]["api"] == "max-age=600"
    pip = (tmp_path / "session" / "pip" / "pip.conf").read_text()
    assert pip == "[global]\nfind-links = /wheels\n"


@pytest.mark.parametrize(
    "variable", ["UV_DEFAULT_INDEX", "UV_INDEX_URL", "UV_INDEX", "UV_CONFIG_FILE", "UV_NO_CONFIG"]
)
def test_an_index_the_machine_names_by_a_variable_is_left_alone(
    tmp_path: Path, variable: str
) -> None:
    env = machine_env(tmp_path / "home", **{variable: "http://127.0.0.1:9/simple/"})
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
