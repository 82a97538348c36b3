"""The copier adapter: filters and globals as copier.yml calls them; when the network is asked."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pytest
from jinja2 import Environment
from prompt_toolkit import PromptSession
from prompt_toolkit.buffer import Buffer, ValidationState
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.validation import ValidationError, Validator

from tests.machine import load_file
from tests.unit.conftest import check_package_name

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from types import ModuleType

    from prompt_toolkit.document import Document

    from tests.doubles.simple_index import SimpleIndex

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def ext(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """hooks/copier_ext.py loaded the way copier-template-extensions loads it: by file path."""
    monkeypatch.setenv("NAME_GUARD_AWS", "none")
    saved_hook = sys.excepthook
    yield load_file(ROOT / "hooks" / "copier_ext.py", "copier_ext_under_test")
    sys.excepthook = saved_hook


@pytest.fixture
def env(ext: ModuleType) -> Environment:
    return Environment(extensions=[ext.NameGuardExtension])  # noqa: S701 - copier renders text, not HTML


def conf(
    *, defaults: bool = True, data: dict[str, Any] | None = None, dst: Path | None = None
) -> dict[str, Any]:
    return {
        "defaults": defaults,
        "data": data or {},
        "dst_path": dst or Path("/nonexistent/acme"),
        "answers_file": Path(".copier-answers.yml"),
    }


ANSWERS = {
    "codeartifact_domain": "acme",
    "aws_account_id": "123456789012",
    "aws_region": "eu-west-1",
    "codeartifact_repository": "python",
    "aws_profile": "",
    "name_prefix": "",
    "name_check_strict": False,
}


def validate(env: Environment, name: str, **context: Any) -> str:  # noqa: ANN401
    """package_name's check, as copier runs it with a context like copier's."""
    context = {**ANSWERS, "_copier_conf": conf(), **context, "package_name": name}
    return check_package_name(env, context)


class FakeTTY:
    """An interactive stdin, as copier has when it prompts."""

    def isatty(self) -> bool:
        return True


def test_filters(env: Environment) -> None:
    assert env.from_string("{{ 'Acme_Utils' | normalise }}").render() == "acme-utils"
    assert env.from_string("{{ 'acme-data.tools' | import_name }}").render() == "acme_data_tools"


def test_a_free_name_passes_with_a_warning_for_what_was_not_checked(
    env: Environment,
    upstream: SimpleIndex,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NAME_GUARD_AWS", "none")
    assert validate(env, "acme-widgets") == ""
    # The name once; its alternatives start in the same round, and a free name waits for none.
    assert upstream.requests.count("/simple/acme-widgets/") == 1
    err = capsys.readouterr().err
    assert "warning: package_name: acme-widgets was not checked in CodeArtifact" in err
    assert "NAME_GUARD_AWS=none" in err
    assert "make check-name" in err
    assert validate(env, "acme-widgets") == ""
    assert capsys.readouterr().err == ""  # once per name


def test_a_name_taken_upstream_is_refused_in_batch_mode(
    env: Environment, upstream: SimpleIndex
) -> None:
    message = validate(
        env, "Flask_SQLAlchemy", _copier_conf=conf(data={"package_name": "Flask_SQLAlchemy"})
    )
    assert message.startswith(
        "package_name: Flask_SQLAlchemy (normalised: flask-sqlalchemy) is taken"
    )
    assert upstream.url + "flask-sqlalchemy/" in message
    assert "acme-flask-sqlalchemy" in message  # a suggestion, checked free


def test_a_copy_that_asks_nothing_refuses_a_taken_name_at_the_last_question(
    env: Environment, upstream: SimpleIndex
) -> None:
    # copier goes on with the questions after package_name while its lookups run; the verdict
    # is waited for by the last question (name_verdict), before anything is written.
    context = {**ANSWERS, "_copier_conf": conf(), "package_name": "requests"}
    assert env.from_string("{{ name_guard(package_name) }}").render(context) == ""
    last = env.from_string("{{ name_guard_verdict() }}")
    with pytest.raises(ValueError, match="is taken") as refusal:
        last.render(context)
    assert str(refusal.value).startswith(
        "Validation error for question 'package_name': package_name: requests is taken"
    )
    assert upstream.url + "requests/" in str(refusal.value)
    assert last.render(context) == ""  # waited for once


def test_a_copy_that_prompts_for_the_rest_refuses_a_taken_name_at_once(
    env: Environment, upstream: SimpleIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    # --data package_name=... at a terminal: the other questions are asked, so the verdict must
    # not wait for them.
    monkeypatch.setattr(sys, "stdin", FakeTTY())
    data = {"package_name": "requests"}
    context = {
        **ANSWERS,
        "_copier_conf": conf(defaults=False, data=data),
        "package_name": "requests",
    }
    message = env.from_string("{{ name_guard(package_name) }}").render(context)
    assert message.startswith("package_name: requests is taken")
    assert upstream.url + "requests/" in message


@pytest.mark.usefixtures("upstream")
def test_data_equal_to_the_answer_does_not_make_a_copy_an_update(env: Environment) -> None:
    # On `copier copy --data package_name=requests`, _copier_answers holds the name too.
    context = {"_copier_answers": {"package_name": "requests"}}
    assert "is taken" in validate(env, "requests", **context)


def test_the_project_being_updated_owns_its_name(
    env: Environment, upstream: SimpleIndex, tmp_path: Path
) -> None:
    (tmp_path / ".copier-answers.yml").write_text("_commit: 1.0.0\npackage_name: Requests\n")
    assert validate(env, "requests", _copier_conf=conf(dst=tmp_path)) == ""
    # ... and so does the new template's render in a temporary directory, later in the run.
    assert validate(env, "requests", _copier_conf=conf(data={"package_name": "requests"})) == ""
    assert upstream.requests == []


def test_the_old_template_replay_owns_its_name(env: Environment, upstream: SimpleIndex) -> None:
    replay = conf(data={"_commit": "1.0.0", "_src_path": "x", "package_name": "requests"})
    assert validate(env, "requests", _copier_conf=replay) == ""
    assert upstream.requests == []


def test_syntax_and_policy_are_checked_first(
    env: Environment, upstream: SimpleIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "PEP 508" in validate(env, "-widgets")
    assert "prefix 'acme-'" in validate(env, "widgets", name_prefix="acme-")
    monkeypatch.setenv("NAME_GUARD_DENY", "acme-legacy")
    assert "deny list" in validate(env, "acme-legacy")
    assert upstream.requests == []


def test_strict_refuses_an_unreachable_upstream(
    env: Environment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NAME_GUARD_UPSTREAM_URL", "http://127.0.0.1:9/simple/")
    message = validate(env, "acme-widgets", name_check_strict=True)
    assert "strict" in message
    assert "unreachable" in message


def test_a_default_shown_before_the_prompt_is_never_refused(
    env: Environment, upstream: SimpleIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", FakeTTY())
    assert validate(env, "requests", _copier_conf=conf(defaults=False)) == ""
    assert validate(env, "-bad", _copier_conf=conf(defaults=False)) == ""
    assert upstream.requests == []


def test_other_validators(
    env: Environment, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def render(template: str, **context: Any) -> str:  # noqa: ANN401
        return env.from_string(template).render({"_copier_conf": conf(), **context}).strip()

    assert "keyword" in render("{{ import_name_problem('class') }}")
    assert render("{{ import_name_problem('acme_widgets') }}") == ""
    assert render("{{ cli_name_problem('bad name') }}").startswith("cli_name: ")
    assert "every shell relies on" in render("{{ cli_name_problem('ls') }}")  # refused
    assert render("{{ cli_name_problem('head') }}") == ""  # on PATH, not reserved: a warning
    assert "the command 'head' already exists on PATH" in capsys.readouterr().err
    assert render("{{ prefix_problem('Acme ') }}").startswith("name_prefix: ")
    monkeypatch.setenv("NAME_GUARD_PREFIX", "acme-")
    assert "required prefix" in render("{{ prefix_problem('beta-') }}")
    assert render("{{ prefix_problem('acme-data-') }}") == ""


def test_git_config_reads_the_users_identity(
    env: Environment, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".gitconfig").write_text("[user]\n\tname = Jane Doe\n")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / ".gitconfig"))
    assert env.from_string("{{ git_config('user.name') }}").render() == "Jane Doe"
    assert env.from_string("{{ git_config('user.nothing') }}").render() == ""


def test_the_excepthook_prints_only_a_validators_message(
    ext: ModuleType, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another copy of the adapter (copier loads it by path during renders) may have installed
    # its hook already: start from Python's own, so this module's hook is the one under test.
    monkeypatch.setattr(sys, "excepthook", sys.__excepthook__)
    ext._install_excepthook()  # noqa: SLF001
    seen: list[BaseException] = []
    ext._PREVIOUS_HOOK[0] = lambda _type, exc, _tb: seen.append(exc)  # noqa: SLF001
    error = ValueError(
        "Validation error for question 'package_name': package_name: taken.\nSecond line"
    )
    sys.excepthook(ValueError, error, None)
    assert capsys.readouterr().err == "package_name: taken.\nSecond line\n"
    other = RuntimeError("boom")
    sys.excepthook(RuntimeError, other, None)
    assert seen == [other]


def answer_at_prompt(question: str, check: Callable[[str], str], *rounds: list[str]) -> str:
    """Type `rounds` into a prompt that checks as copier's does (per keystroke, then on Enter).

    A round's keys go 0.05 s apart, and half a second passes between rounds, as a user reads the
    verdict on screen. `check` returns the message a refusal shows, or "". Returns the answer.
    """

    class CopierLike(Validator):
        def validate(self, document: Document) -> None:
            message = check(document.text)
            if message:
                raise ValidationError(message=message, cursor_position=len(document.text))

    with create_pipe_input() as pipe:
        session: PromptSession[str] = PromptSession(
            validator=CopierLike(), validate_while_typing=True, input=pipe, output=DummyOutput()
        )

        def typist() -> None:
            for number, keys in enumerate(rounds):
                if number:
                    time.sleep(0.5)
                for text in keys:
                    pipe.send_text(text)
                    time.sleep(0.05)

        thread = threading.Thread(target=typist, daemon=True)
        thread.start()
        answer = session.prompt(f"{question}: ")
        thread.join(5)
    return answer


def test_typing_asks_nothing_and_enter_gives_the_verdict_at_the_prompt(
    env: Environment, upstream: SimpleIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """prompt_toolkit as copier drives it: validation while typing, then Enter."""
    monkeypatch.setattr(sys, "stdin", FakeTTY())
    messages: list[str] = []

    def check(text: str) -> str:
        message = validate(env, text, _copier_conf=conf(defaults=False))
        if message:
            messages.append(message)
        return message

    answer = answer_at_prompt(
        "package_name",
        check,
        ["r", "e", "q", "u", "e", "s", "t", "s", "\r"],
        ["\x7f" * 8, "acme-", "free", "\r"],
    )
    assert answer == "acme-free"
    assert any("requests is taken on the public index" in m for m in messages)
    asked = [
        p
        for p in upstream.requests
        if p in {f"/simple/{n}/" for n in ("r", "re", "req", "acme-", "acme-f")}
    ]
    assert asked == []  # nothing per keystroke
    assert upstream.project_requests("requests") == ["/simple/requests/"]
    assert upstream.project_requests("acme-free") == ["/simple/acme-free/"]


def test_a_command_name_already_on_path_is_a_warning_after_enter(
    env: Environment,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Typed at the prompt: PATH is searched on Enter, never per keystroke, and Enter warns."""
    monkeypatch.setattr(sys, "stdin", FakeTTY())
    (tmp_path / "acme-tool").write_text("#!/bin/sh\n", encoding="utf-8")
    (tmp_path / "acme-tool").chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    searched: list[str] = []
    which = shutil.which

    def recording_which(name: str, *args: Any, **kwargs: Any) -> str | None:  # noqa: ANN401
        searched.append(name)
        return which(name, *args, **kwargs)

    monkeypatch.setattr(shutil, "which", recording_which)
    context = {"_copier_conf": conf(defaults=False)}

    def check(text: str) -> str:
        problem = env.from_string("{{ cli_name_problem(cli_name) }}")
        return problem.render({**context, "cli_name": text}).strip()

    answer = answer_at_prompt("cli_name", check, [*"acme-tool", "\r"])
    assert answer == "acme-tool"
    assert searched == ["acme-tool"]  # once, on Enter
    # Shown once the prompt has closed: when copier checks the next answer.
    env.from_string("{{ cli_name_problem('acme-other') }}").render(context)
    assert "warning: cli_name: the command 'acme-tool' already exists on PATH" in (
        capsys.readouterr().err
    )


def test_an_enter_right_after_a_keystroke_check_still_runs_the_full_check(ext: ModuleType) -> None:
    """The keystroke check's VALID is never what Enter reuses, however fast Enter follows it.

    prompt_toolkit records a keystroke check's outcome and Enter reuses it (Buffer.validate);
    here Enter is handled before the event loop turns again, as on a loaded machine.
    """
    checked: list[str] = []

    class Recording(Validator):
        def validate(self, document: Document) -> None:
            checked.append(document.text)

    buffer = Buffer(validator=Recording())
    buffer.text = "acme-free"

    async def keystroke_check_then_enter() -> bool:
        # What a keystroke check that passed does (twice: the buffer is wrapped once).
        ext._revalidate_on_enter(buffer)  # noqa: SLF001 - the prompt's side of the guard
        ext._revalidate_on_enter(buffer)  # noqa: SLF001
        buffer.validation_state = ValidationState.VALID  # what prompt_toolkit records for it
        return buffer.validate(set_cursor=True)  # Enter

    assert asyncio.run(keystroke_check_then_enter())
    assert checked == ["acme-free"]  # the full check ran once, on Enter


PACKAGE = "codeartifact_python_tools"


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A copy of the template's hooks and tools source, as copier's temporary clone has them."""
    import shutil  # noqa: PLC0415

    clone = tmp_path / "clone"
    no_cache = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "hooks", clone / "hooks", ignore=no_cache)
    source = ROOT / "codeartifact-python-tools" / "src"
    shutil.copytree(source, clone / "codeartifact-python-tools" / "src", ignore=no_cache)
    return clone


def load_as_copier_does(clone: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Load the adapter from `clone` as a fresh copier process does; return the guard's folder."""
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
        monkeypatch.delitem(sys.modules, name)  # a first load, as in a fresh copier process
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)  # as users run copier
    load_file(clone / "hooks" / "copier_ext.py", "copier_ext_fresh")
    assert sys.modules[f"{PACKAGE}.guard.session"]  # loaded with the package, not later
    assert sys.dont_write_bytecode is False  # the setting is the user's again
    return Path(sys.modules[PACKAGE].__file__ or "").parent


def test_the_guard_is_imported_from_a_kept_copy_with_its_bytecode(
    clone: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # copier's clone is deleted after the run: bytecode written there would serve nobody, and
    # compiling the guard in every run delays the name's lookup. A copy kept in the user's
    # cache serves every later run of the same tools source, its bytecode with it.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    kept = load_as_copier_does(clone, monkeypatch)
    assert kept.parent.parent == tmp_path / "cache" / "codeartifact-python-template"
    assert kept.parent.name.startswith("tools-")
    assert not list((clone / "codeartifact-python-tools").rglob("__pycache__"))
    assert list((kept / "guard" / "__pycache__").glob("api.*.pyc"))
    source = clone / "codeartifact-python-tools" / "src" / PACKAGE
    for path in source.rglob("*.py"):
        assert (kept / path.relative_to(source)).read_bytes() == path.read_bytes()
    # The next run (a new clone of the same release) imports the same copy.
    assert load_as_copier_does(clone, monkeypatch) == kept


def test_a_kept_copy_that_differs_from_the_clone_is_replaced(
    clone: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    kept = load_as_copier_does(clone, monkeypatch)
    edited = kept / "guard" / "api.py"
    edited.write_text(edited.read_text(encoding="utf-8") + "raise SystemExit(9)\n", "utf-8")
    assert load_as_copier_does(clone, monkeypatch) == kept
    source = clone / "codeartifact-python-tools" / "src" / PACKAGE / "guard" / "api.py"
    assert edited.read_bytes() == source.read_bytes()


def test_without_a_usable_cache_the_clone_is_imported_and_left_without_bytecode(
    clone: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    loaded = load_as_copier_does(clone, monkeypatch)
    assert loaded == clone / "codeartifact-python-tools" / "src" / PACKAGE
    assert not list((clone / "codeartifact-python-tools").rglob("__pycache__"))


@pytest.mark.parametrize(
    ("operation", "offline", "warmed"),
    [("copy", "", True), ("copy", "1", False), ("update", "", False)],
)
def test_a_copy_starts_loading_the_tls_context_as_the_adapter_loads(
    operation: Literal["copy", "update"],
    offline: str,
    *,
    warmed: bool,
    clone: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A copy will look its name up: OpenSSL loads the CA bundle beside copier's start-up. An
    # update of a project that owns its name, or lookups switched off, asks nothing.
    import threading  # noqa: PLC0415

    from copier import _main  # noqa: PLC0415 - copier's record of the operation under way

    monkeypatch.setenv("XDG_CACHE_HOME", str(clone.parent / "cache"))
    monkeypatch.setenv("NAME_GUARD_OFFLINE", offline)
    token = _main._operation.set(operation)  # noqa: SLF001 - what copier sets
    try:
        load_as_copier_does(clone, monkeypatch)
    finally:
        _main._operation.reset(token)  # noqa: SLF001
    for thread in threading.enumerate():
        if thread.name == "read-warm-up":
            thread.join(10)
    assert bool(sys.modules[f"{PACKAGE}.fetch"]._TLS) is warmed  # noqa: SLF001


def test_only_the_newest_kept_copies_stay(
    clone: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os  # noqa: PLC0415

    root = tmp_path / "cache" / "codeartifact-python-template"
    for age in range(6):  # copies of older releases, the oldest last
        old = root / f"tools-old{age}"
        (old / PACKAGE).mkdir(parents=True)
        os.utime(old, (1_000_000 - age, 1_000_000 - age))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    kept = load_as_copier_does(clone, monkeypatch).parent
    left = sorted(path.name for path in root.iterdir())
    assert left == sorted([kept.name, "tools-old0", "tools-old1", "tools-old2"])


def test_the_likely_name_is_looked_up_while_copier_starts(
    ext: ModuleType, upstream: SimpleIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first copy with --defaults: the destination folder's name is asked as the adapter loads.

    The validator that runs later finds the answer waiting (one request for the name in all).
    """
    from copier import _main  # noqa: PLC0415 - copier's record of the operation under way

    class Worker:  # as copier's: the adapter finds it on the stack that builds the environment
        def __init__(self, dst_path: Path) -> None:
            self.dst_path = dst_path
            self.data: dict[str, Any] = {}

        def jinja_env(self) -> Environment:
            return Environment(extensions=[ext.NameGuardExtension])  # noqa: S701 - no HTML

    monkeypatch.setattr(Worker, "__module__", "copier._main")
    token = _main._operation.set("copy")  # noqa: SLF001 - what `copier copy` sets
    try:
        environment = Worker(tmp_path / "Acme_Gadgets").jinja_env()
        deadline = time.monotonic() + 5
        while "/simple/acme-gadgets/" not in upstream.requests and time.monotonic() < deadline:
            time.sleep(0.01)
        assert upstream.requests == ["/simple/acme-gadgets/"]  # before any question is asked
        assert validate(environment, "acme-gadgets") == ""
        assert upstream.requests.count("/simple/acme-gadgets/") == 1
        # An update (or a folder that holds a project already) starts nothing.
        (tmp_path / "owned").mkdir()
        (tmp_path / "owned" / ".copier-answers.yml").write_text("package_name: owned\n")
        Worker(tmp_path / "owned").jinja_env()
    finally:
        _main._operation.reset(token)  # noqa: SLF001
    time.sleep(0.2)
    assert "/simple/owned/" not in upstream.requests
