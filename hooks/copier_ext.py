"""Copier adapter: the name guard's Jinja filters and globals, and how copier shows its verdicts.

The guard itself lives in the tools package, codeartifact-python-tools/ in this repository (pure
rules, verdicts, one I/O module per outside system); copier's clone of the template has its
source, and this file imports it from there: one copy of the guard, in the template and in every
project's tools. This file only decides *when* to run which part, from the few things copier
lets a validator see.
"""

# ruff: noqa: INP001 - copier loads this file by path; hooks/ is a directory, not a package

from __future__ import annotations

import atexit
import contextlib
import hashlib
import importlib
import importlib.util
import inspect
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import weakref
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from jinja2 import Environment, pass_context
from jinja2.ext import Extension

_HOOKS = Path(__file__).resolve().parent
# The tools' source in this template clone: copier-template-extensions executes this one file on
# its own, so the package is importable only with its src/ folder on sys.path.
_TOOLS_SRC = _HOOKS.parent / "codeartifact-python-tools" / "src"
_PACKAGE = "codeartifact_python_tools"
_KEEP = 4  # kept copies of the tools' source (see _kept_copy)


def _fingerprint(package: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _copier_operation() -> str:
    """Say `copy` or `update`, as copier records it for the run ("" when it cannot be told)."""
    try:
        operation = importlib.import_module("copier._main")._operation.get(None)  # noqa: SLF001
    except (ImportError, AttributeError):
        return ""
    return str(operation or "")


def _warm_up(package: str) -> None:
    # A copy looks its name up on the public index: what those reads need (the TLS context above
    # all) is prepared beside the rest of this import and copier's questions, not after them.
    if _copier_operation() != "copy":
        return
    settings = importlib.import_module(f"{package}.guard.settings")
    with contextlib.suppress(Exception):  # a head start only: the first read loads it anyway
        if not settings.Settings.from_env(os.environ).offline:
            importlib.import_module(f"{package}.fetch").warm_up()


def _cache_home() -> Path:
    xdg = Path(os.environ.get("XDG_CACHE_HOME", ""))
    return xdg if xdg.is_absolute() else Path.home() / ".cache"  # a relative one is ignored


def _kept_copy(mine: str) -> Path:
    """Return the folder to import the tools from: a kept copy of this clone's source, or the clone.

    copier clones the template afresh for every run, so Python compiles the guard's modules
    again each time (about 25 ms before the name's lookup can start). A copy of the same source
    kept in the user's cache, named by its fingerprint and checked against it on every use, is
    imported like any installed package, with its bytecode cached beside it. Each template
    release with other tools code gets its own copy; the few newest are kept. Without a usable
    cache the clone's own source is imported, as it always could be.
    """
    root = _cache_home() / "codeartifact-python-template"
    kept = root / f"tools-{mine[:16]}"
    try:
        if not (kept / _PACKAGE).is_dir() or _fingerprint(kept / _PACKAGE) != mine:
            root.mkdir(parents=True, exist_ok=True)
            scratch = Path(tempfile.mkdtemp(prefix=f"{kept.name}.", dir=root))
            shutil.copytree(
                _TOOLS_SRC / _PACKAGE,
                scratch / _PACKAGE,
                ignore=shutil.ignore_patterns("__pycache__"),
            )
            shutil.rmtree(kept, ignore_errors=True)  # a copy that no longer matches
            try:
                scratch.rename(kept)
            except OSError:  # another copier run put its copy there first
                shutil.rmtree(scratch, ignore_errors=True)
            if _fingerprint(kept / _PACKAGE) != mine:
                return _TOOLS_SRC
        os.utime(kept)  # kept by recent use: older copies go first
    except OSError:
        return _TOOLS_SRC
    _prune(root)
    return kept


def _prune(root: Path) -> None:
    def used(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except OSError:  # removed by another run meanwhile
            return 0.0

    for old in sorted(root.glob("tools-*"), key=used)[:-_KEEP]:
        shutil.rmtree(old, ignore_errors=True)


def _use_this_guard() -> None:
    # `copier update` loads the old and the new template in one process, each from its own
    # temporary clone (deleted when its render is done). A tools package with other code (the
    # old version) is dropped so each version runs its own; one with the same code is kept, and
    # with it what this run learnt (the name the updated project owns: see _owned).
    mine = _fingerprint(_TOOLS_SRC / _PACKAGE)
    loaded = sys.modules.get(_PACKAGE)
    if loaded is not None:
        theirs = getattr(loaded, "_copier_fingerprint", None)
        where = Path(loaded.__file__ or "").resolve().parent
        if theirs is None and where.is_dir():
            theirs = _fingerprint(where)
        if theirs == mine:
            loaded._copier_fingerprint = mine  # type: ignore[attr-defined]  # noqa: SLF001
            return
        for module in [m for m in sys.modules if m == _PACKAGE or m.startswith(f"{_PACKAGE}.")]:
            del sys.modules[module]
    source = _kept_copy(mine)
    if str(source) in sys.path:
        sys.path.remove(str(source))
    sys.path.insert(0, str(source))
    writes_bytecode = sys.dont_write_bytecode
    # No bytecode in copier's temporary clone: it is deleted after the run, so nothing would read
    # it again, and writing it would only cost time.
    sys.dont_write_bytecode = writes_bytecode or source == _TOOLS_SRC
    try:
        package = importlib.import_module(_PACKAGE)
        _warm_up(_PACKAGE)
        # The adapter's memory, looked up later: loaded now, from this source.
        importlib.import_module(f"{_PACKAGE}.guard.session")
        importlib.import_module(f"{_PACKAGE}.guard.api")
    finally:
        sys.dont_write_bytecode = writes_bytecode
    package._copier_fingerprint = mine  # type: ignore[attr-defined]  # noqa: SLF001


_use_this_guard()


def _load_answer_rules() -> ModuleType:
    # By its path, like this file: during `copier update` sys.path may still point at the old
    # template's clone, which may not have it.
    spec = importlib.util.spec_from_file_location("answer_rules", _HOOKS / "answer_rules.py")
    if spec is None or spec.loader is None:  # pragma: no cover - the file ships beside this one
        msg = f"cannot load {_HOOKS / 'answer_rules.py'}"
        raise ImportError(msg)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


answer_rules = _load_answer_rules()

# The guard's modules, from the tools' source: they need the sys.path entry above.
from codeartifact_python_tools.guard import api, names  # noqa: E402
from codeartifact_python_tools.guard.settings import Settings  # noqa: E402
from codeartifact_python_tools.guard.verdicts import syntax_verdict  # noqa: E402

if TYPE_CHECKING:
    from types import ModuleType, TracebackType

    from codeartifact_python_tools.guard.session import Session
    from codeartifact_python_tools.guard.verdicts import Verdict
    from jinja2.runtime import Context

_ANSWERS = (
    "codeartifact_domain",
    "aws_account_id",
    "aws_region",
    "codeartifact_repository",
    "aws_profile",
    "name_prefix",
    "name_check_strict",
)
_VALIDATION_ERROR = re.compile(r"^Validation error for question '[^']+': (.*)$", re.DOTALL)


# --- Where a validator runs ----------------------------------------------------------------------
#
# Copier runs a validator (1) on every keystroke in the prompt (prompt_toolkit validates while
# typing), (2) when Enter is pressed, (3) on the default value before the prompt is drawn, and
# (4) once per answer given by --data or --defaults. Only (2) and (4) may ask the network: (1)
# would fire a request per keystroke, and refusing in (3) would end the session before the user
# could type another name.


def _prompt_state() -> tuple[str, Any]:
    """Return ("typing", buffer), ("enter", buffer) inside a prompt, else ("outside", None)."""
    try:
        from prompt_toolkit.application.current import get_app_or_none  # noqa: PLC0415 - prompts only
        from prompt_toolkit.buffer import Buffer  # noqa: PLC0415 - prompts only
    except ImportError:
        return "outside", None
    app = get_app_or_none()
    if app is None or not app.is_running:
        return "outside", None
    # Validation while typing runs in Buffer._validate_async; Enter calls Buffer.validate. Match
    # the code object itself, not a name: if prompt_toolkit renames it, this falls back to the
    # full check per keystroke (slow, but never a name let through unchecked).
    typing_code = getattr(getattr(Buffer, "_validate_async", None), "__code__", None)
    frame = inspect.currentframe()
    while frame is not None:
        if frame.f_code is typing_code:
            return "typing", frame.f_locals.get("self")
        frame = frame.f_back
    return "enter", app.current_buffer


# The prompts' buffers whose Enter already runs the full check (each is wrapped once).
_ENTER_CHECKS_AFRESH: weakref.WeakSet[Any] = weakref.WeakSet()


def _revalidate_on_enter(buffer: Any) -> None:  # noqa: ANN401 - a prompt_toolkit Buffer
    """Make Enter run the full check, whatever the keystroke checks recorded.

    prompt_toolkit records the outcome of validation while typing and, on Enter, reuses it
    instead of calling the validator (Buffer.validate returns early unless the state is
    UNKNOWN). The keystroke check skipped the network, so the buffer's own `validate`, which
    Enter calls, forgets that outcome first. (Setting the state back after each keystroke's
    check, on the event loop's next turn, lost to an Enter handled in the same turn: on a loaded
    machine, a name was accepted without its verdict.)
    """
    if buffer in _ENTER_CHECKS_AFRESH:
        return
    from prompt_toolkit.buffer import ValidationState  # noqa: PLC0415 - prompts only

    validate = buffer.validate

    def validate_afresh(set_cursor: bool = False) -> bool:  # noqa: FBT001, FBT002 - Buffer's signature
        buffer.validation_state = ValidationState.UNKNOWN
        valid: bool = validate(set_cursor=set_cursor)
        return valid

    buffer.validate = validate_afresh
    _ENTER_CHECKS_AFRESH.add(buffer)


def _show_above_prompt(text: str) -> None:
    """Print `text` above the running prompt, which then redraws below it."""
    from prompt_toolkit.application import run_in_terminal  # noqa: PLC0415 - prompts only

    def show() -> None:
        sys.stderr.write(f"\n{text}\n")
        sys.stderr.flush()

    run_in_terminal(show)


def _asks_nothing(ctx: Context) -> bool:
    """Whether copier answers every question of this run without a prompt (--defaults, no tty)."""
    conf = ctx.get("_copier_conf")
    defaults = isinstance(conf, Mapping) and bool(conf.get("defaults"))
    return defaults or not sys.stdin.isatty()


def _batch(ctx: Context, var: str) -> bool:
    """Whether copier answers `var` without a prompt (--defaults, --data, no terminal)."""
    conf = ctx.get("_copier_conf")
    if not isinstance(conf, Mapping):
        return True
    return _asks_nothing(ctx) or var in (conf.get("data") or {})


def _where(ctx: Context, var: str) -> tuple[str, Any]:
    """Return "batch", "typing", "enter" or "default" (a default checked before its prompt)."""
    if _batch(ctx, var):
        return "batch", None
    state, buffer = _prompt_state()
    return ("default", None) if state == "outside" else (state, buffer)


# --- Warnings ------------------------------------------------------------------------------------


def _session() -> Session:
    # Looked up at each call: after a version switch (see the top) the current module is not the
    # one an earlier excepthook or atexit handler was defined with.
    from codeartifact_python_tools.guard.session import SESSION  # noqa: PLC0415 - see above

    return SESSION


def _flush() -> None:
    """Print the warnings that waited for a prompt to close (never while one is on screen)."""
    if _prompt_state()[0] != "outside":
        return
    session = _session()
    with session.lock:
        pending, session.pending[:] = list(session.pending), []
    for text in pending:
        sys.stderr.write(f"{text}\n")
    if pending:
        sys.stderr.flush()


def _warn(text: str, *, in_prompt: bool, level: str = "warning") -> None:
    """Show a warning (or a note) once; in a prompt, after it closes (it would garble it)."""
    text = f"{level}: {text}"
    session = _session()
    with session.lock:
        if text in session.shown:
            return
        session.shown.add(text)
        session.pending.append(text)
    if not in_prompt:
        _flush()


# --- Update of an existing project ---------------------------------------------------------------


def _recorded_name(answers_file: Path) -> str:
    """Return the package_name recorded in a project's answers file, or ""."""
    try:
        text = answers_file.read_text(encoding="utf-8")
    except OSError:
        return ""
    match = re.search(r"^package_name:\s*(['\"]?)(.+?)\1\s*$", text, re.MULTILINE)
    return match.group(2) if match else ""


def _owned(ctx: Context, name: str) -> bool:
    """Whether `name` is the package of the project being updated: never refused then.

    `copier update` renders three times: the old template replayed with the recorded answers
    (their data carries `_commit`), the real project (its answers file records the name), and
    the new template with the final answers; the first two prove ownership for the third.
    """
    norm = names.normalise_name(name)
    session = _session()
    if norm in session.owned:
        return True
    conf = ctx.get("_copier_conf")
    if not isinstance(conf, Mapping):
        return False
    data = conf.get("data") or {}
    replayed = "_commit" in data and names.same_name(str(data.get("package_name", "")), name)
    dst, answers = conf.get("dst_path"), conf.get("answers_file")
    recorded = _recorded_name(Path(str(dst)) / str(answers)) if dst and answers else ""
    if replayed or (recorded and names.same_name(recorded, name)):
        with session.lock:
            session.owned.add(norm)
        return True
    return False


# The `--data` key `make adopt` (tools/adopt/) passes: the package name of the existing project
# the template is brought into. Not a question: copier writes no `_` key to the answers file.
ADOPT_KEY = "_adopt"


def _adopting(ctx: Context, name: str) -> bool:
    """Whether `name` is the package of an existing project being adopted (`make adopt`).

    Such a project has no answers file yet to prove ownership, so the guard checks the name, but
    as it checks the project's own package on `make check-name`: the CodeArtifact repository
    holding it is expected (its earlier releases), and a name that exists only on the public
    upstream, or one the repository took from there, is still refused.
    """
    conf = ctx.get("_copier_conf")
    data = (conf.get("data") or {}) if isinstance(conf, Mapping) else {}
    adopted = data.get(ADOPT_KEY)
    return isinstance(adopted, str) and bool(adopted) and names.same_name(adopted, name)


# --- Filters and globals -------------------------------------------------------------------------


def _refusal(var: str, where: str, message: str) -> str:
    """Name the question in a batch refusal; in the prompt copier already names it."""
    return message if where in {"typing", "enter"} else f"{var}: {message}"


def _settings(ctx: Context, **override: str) -> Settings:
    # The answers name the repository and the policy; from the environment only the guard's own
    # NAME_GUARD_* settings apply (a CODEARTIFACT_* left over from another project must not).
    env = {k: v for k, v in os.environ.items() if k.startswith("NAME_GUARD_")}
    answers: dict[str, str | bool] = {}
    for key in _ANSWERS:
        value = override.get(key, ctx.get(key))
        if isinstance(value, (str, bool)):
            answers[key] = value
    return Settings.from_env(env, **answers)


def _tell(verdict: Verdict, *, in_prompt: bool) -> None:
    """Tell what a usable name came with: its warnings, and notes (a group that covers it)."""
    for warning in verdict.warnings:
        _warn(f"package_name: {warning}", in_prompt=in_prompt)
    for note in verdict.notes:
        _warn(f"package_name: {note}", in_prompt=in_prompt, level="note")


@pass_context
def name_guard(ctx: Context, name: str) -> str:  # noqa: PLR0911 - one outcome per place
    """Validate package_name: "" when it may be used, else the message copier shows."""
    where, buffer = _where(ctx, "package_name")
    _flush()
    if where == "default":
        return ""  # the prompt that follows checks it
    settings = _settings(ctx)
    first = syntax_verdict(name, settings.policy)
    if not first.ok:
        return _refusal("package_name", where, first.message)
    if _owned(ctx, name):
        return ""
    adopting = _adopting(ctx, name)
    key = (name, settings, adopting)
    verdicts = _session().verdicts
    if where == "typing":
        known = verdicts.get(key)
        if known is not None and not known.ok:
            return f"{known.summary} (details above)"  # copier names the question in the prompt
        _revalidate_on_enter(buffer)
        return ""
    verdict = verdicts.get(key)
    if verdict is None and where == "batch" and _asks_nothing(ctx):
        _check_later(key)
        return ""  # name_guard_verdict, the last question's, waits for it
    if verdict is None:
        verdict = _check(key)
        verdicts[key] = verdict
    if verdict.ok:
        _tell(verdict, in_prompt=where == "enter")
        return ""
    if where == "enter":
        # The prompt's error toolbar is one line, cut at the terminal's width: print the whole
        # verdict above the prompt and keep the toolbar short.
        _show_above_prompt(f"package_name: {verdict.message}")
        return f"{verdict.summary} (details above): type another name"
    return f"package_name: {verdict.message}"


# --- A batch copy's verdict waits for the last question -----------------------------------------
#
# With --defaults (or no terminal) copier asks nothing: the questions after package_name are
# answered while its lookups run, and the verdict is waited for by the questionnaire's last
# question, still before anything is written. A refusal then ends the copy with the same message,
# and as the first line, as it would at package_name.


def _check(key: tuple[object, ...]) -> Verdict:
    """Check the name of a verdict key, (name, settings, adopting) as name_guard builds it."""
    name, settings, adopting = key
    return api.check_name(str(name), cast("Settings", settings), new_package=not adopting)


def _check_later(key: tuple[object, ...]) -> None:
    """Start checking the key's name in the background, once; name_guard_verdict waits for it."""
    outcome: list[object] = []

    def check() -> None:
        try:
            outcome.append(_check(key))
        except Exception as error:  # noqa: BLE001 - raised again in the waiting thread
            outcome.append(error)

    session = _session()
    with session.lock:
        if key in session.later:
            return
        thread = threading.Thread(target=check, daemon=True, name="name-verdict")
        session.later[key] = (thread, outcome)
    thread.start()


def name_guard_verdict() -> str:
    """Global: wait for the checks a batch copy left running; "" when the name may be used.

    A refused name raises copier's own validation error for package_name, which ends the copy
    with its message, exactly as a refusal at that question does.
    """
    _flush()
    session = _session()
    with session.lock:
        waiting, session.later = session.later, {}
    for key, (thread, outcome) in waiting.items():
        # The check bounds its own lookups; this bound only guards against one that does not.
        thread.join(4 * cast("Settings", key[1]).timeout + 5)
        found = outcome[0] if outcome else _check(key)
        if isinstance(found, Exception):
            raise found
        verdict = cast("Verdict", found)
        session.verdicts[key] = verdict
        if not verdict.ok:
            refusal = _refusal("package_name", "batch", verdict.message)
            msg = f"Validation error for question 'package_name': {refusal}"  # as copier words it
            raise ValueError(msg)
        _tell(verdict, in_prompt=False)
    return ""


@pass_context
def import_name_problem(ctx: Context, name: str) -> str:
    """Validate import_name: a non-keyword identifier that shadows no standard-library module."""
    where, _ = _where(ctx, "import_name")
    _flush()
    if where == "default":
        return ""
    problem = names.import_name_problem(name)
    return _refusal("import_name", where, problem) if problem else ""


@pass_context
def cli_name_problem(ctx: Context, name: str) -> str:
    """Validate cli_name; a command already on PATH is a warning, not a refusal."""
    where, buffer = _where(ctx, "cli_name")
    _flush()
    if where == "default":
        return ""
    problem = names.cli_name_problem(name)
    if problem:
        return _refusal("cli_name", where, problem)
    if where == "typing":  # PATH is searched once, on Enter
        _revalidate_on_enter(buffer)
        return ""
    warning = names.cli_name_warning(name, shutil.which)
    if warning:
        _warn(f"cli_name: {warning}", in_prompt=where == "enter")
    return ""


@pass_context
def prefix_problem(ctx: Context, prefix: str) -> str:
    """Validate name_prefix against NAME_GUARD_PREFIX, the organisation's own."""
    where, _ = _where(ctx, "name_prefix")
    if where == "default":
        return ""
    required = os.environ.get("NAME_GUARD_PREFIX", "").strip()
    problem = names.prefix_problem(prefix, required)
    return _refusal("name_prefix", where, problem) if problem else ""


def normalise(name: str) -> str:
    """Filter: the PEP 503 normalised name ("Acme_Utils" -> "acme-utils")."""
    _flush()
    return names.normalise_name(str(name))


def import_name(name: str) -> str:
    """Filter: an import name derived from a distribution name ("acme-utils" -> "acme_utils")."""
    _flush()
    return names.derive_import_name(str(name))


def git_config(key: str) -> str:
    """Global: a value from the user's git configuration, or "" (used for author defaults)."""
    _flush()
    try:
        done = subprocess.run(  # noqa: S603 - fixed arguments plus a key from copier.yml
            ["git", "config", "--get", key],  # noqa: S607 - git from PATH, as the user runs it
            capture_output=True,
            text=True,
            check=False,
            timeout=2,
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip()


# --- A refused --data / --defaults answer ends copier with its message, not a traceback -----------


def _excepthook(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    """Print a refused answer's message alone; hand anything else to the previous hook."""
    text = str(exc)
    match = _VALIDATION_ERROR.match(text)
    if not issubclass(exc_type, (ValueError, TypeError)) or not (match or _raised_while_asking(tb)):
        _PREVIOUS_HOOK[0](exc_type, exc, tb)
        return
    _flush()
    # A validator's message names its question; copier's own ("Invalid choice for 'x': ...",
    # 'Question "x" is required', a value of the wrong type) are shown as they are.
    sys.stderr.write((match.group(1) if match else text).strip() + "\n")
    sys.stderr.flush()


def _raised_while_asking(tb: TracebackType | None) -> bool:
    """Whether the error comes from copier parsing or validating the answers."""
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_name == "_ask" and f"{os.sep}copier{os.sep}" in code.co_filename:
            return True
        tb = tb.tb_next
    return False


_PREVIOUS_HOOK: list[Any] = [sys.excepthook]


def _install_excepthook() -> None:
    # With --data/--defaults copier lets a validator's ValueError escape its CLI as a traceback.
    # Validators run before anything is rendered, so no project directory exists: printing the
    # message is all that is left to do, and Python still exits with 1.
    current = sys.excepthook
    if getattr(current, "_name_guard", False):
        return
    _PREVIOUS_HOOK[0] = current
    _excepthook._name_guard = True  # type: ignore[attr-defined]  # noqa: SLF001 - our own marker
    sys.excepthook = _excepthook


# --- A head start: the likely name's lookup begins while copier is still starting up ----------


def _copier_worker() -> Any:  # noqa: ANN401 - copier's Worker, found on the stack
    """Find the copier Worker that is creating this Jinja environment, or None."""
    frame = inspect.currentframe()
    while frame is not None:
        candidate = frame.f_locals.get("self")
        kind = type(candidate)
        if kind.__name__ == "Worker" and kind.__module__.startswith("copier"):
            return candidate
        frame = frame.f_back
    return None


def _prefetch(worker: Any) -> None:  # noqa: ANN401 - copier's Worker
    """Start the public index's lookup of the name a first copy will most likely check.

    With --defaults, --data package_name=... or no terminal, the name is known before copier asks
    anything: the destination folder's, as copier.yml's default derives it. The lookup then overlaps
    copier's start-up, and the validator finds its answer cached. Anything unexpected here only
    means no head start: the validator asks as it always does.
    """
    if _copier_operation() != "copy":
        return
    destination = Path(str(worker.dst_path))
    data = worker.data if isinstance(worker.data, Mapping) else {}
    # Only where no prompt will ask for the name: a person at the prompt may type another one.
    batch = bool(getattr(worker, "defaults", False)) or not sys.stdin.isatty()
    if not (batch or "package_name" in data):
        return
    if "_commit" in data or (destination / ".copier-answers.yml").exists():
        return  # a replay, or a project that owns its name: nothing will be looked up
    folder = destination.resolve().name
    name = str(data.get("package_name") or folder.lower().replace("_", "-").replace(" ", "-"))
    env = {k: v for k, v in os.environ.items() if k.startswith("NAME_GUARD_")}
    answers = {key: data[key] for key in _ANSWERS if isinstance(data.get(key), (str, bool))}
    api.prefetch(name, Settings.from_env(env, **answers))


# --- A recopy never overwrites uncommitted work -------------------------------------------------


def _refuse_a_dirty_recopy(worker: Any) -> None:  # noqa: ANN401 - copier's Worker
    """Stop `copier recopy` (a copy over an existing project) when git has uncommitted changes.

    A recopy overwrites every template file, edits and all, as `make update-template` would
    refuse to; this is the same refusal, before anything is written.
    """
    if _copier_operation() != "copy":
        return
    destination = Path(str(worker.dst_path))
    if not (destination / ".copier-answers.yml").is_file():
        return
    try:
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],  # noqa: S607 - git from PATH
            cwd=destination,
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return  # no git to ask: nothing to protect with it
    changed = status.stdout.splitlines() if status.returncode == 0 else []
    if changed:
        errors = importlib.import_module("copier.errors")
        msg = (
            f"{destination} has {len(changed)} uncommitted change(s) (`git status`): a recopy "
            "overwrites every template file, and those changes with them. Commit or stash them, "
            "then run it again."
        )
        raise errors.UserMessageError(msg)


# --- Every value given from outside is an answer to one of the template's questions --------------


def _refuse_given_values(worker: Any) -> None:  # noqa: ANN401 - copier's Worker
    """Stop a run that gives a value copier would take unchecked, or drop without a word.

    A fact (a `when: false` entry) given by --data, a data file or a settings default is used as
    it is, with no validator (answer_rules.given_facts_problem). On a copy, a --data key that is
    no question (a typo), which copier would ignore, is refused too; not on an update, where copier
    itself replays old answers as data. Checked when copier builds its Jinja environment, before
    the first question.
    """
    questions = getattr(getattr(worker, "template", None), "questions_data", None) or {}
    facts = [name for name, details in questions.items() if details.get("when") is False]
    data = getattr(worker, "data", None) or {}
    settings = getattr(worker, "settings", None)
    given = {
        "--data or --data-file": data,
        "the defaults of your copier settings file": getattr(settings, "defaults", None) or {},
        "copier's user_defaults": getattr(worker, "user_defaults", None) or {},
    }
    problem = answer_rules.given_facts_problem(facts, given)
    if not problem and _copier_operation() == "copy":
        asked = [name for name in questions if name not in facts]
        problem = answer_rules.unknown_data_problem(asked, data)
    if problem:
        errors = importlib.import_module("copier.errors")
        raise errors.UserMessageError(problem)


class NameGuardExtension(Extension):
    """Register the guard's filters and globals, used by copier.yml and the template."""

    def __init__(self, environment: Environment) -> None:
        """Register everything on `environment` and install the excepthook once per process."""
        super().__init__(environment)
        environment.filters["normalise"] = normalise
        environment.filters["import_name"] = import_name
        environment.globals.update(
            name_guard=name_guard,
            name_guard_verdict=name_guard_verdict,
            import_name_problem=import_name_problem,
            cli_name_problem=cli_name_problem,
            prefix_problem=prefix_problem,
            git_config=git_config,
            description_problem=answer_rules.description_problem,
            author_name_problem=answer_rules.author_name_problem,
            email_problem=answer_rules.email_problem,
            github_repository_problem=answer_rules.github_repository_problem,
            region_problem=answer_rules.region_problem,
        )
        _install_excepthook()
        worker = _copier_worker()  # None for an environment copier did not build
        if worker is not None:
            _refuse_a_dirty_recopy(worker)
            _refuse_given_values(worker)
            with contextlib.suppress(Exception):  # a head start only: the validator asks anyway
                _prefetch(worker)
        session = _session()
        if not session.flush_at_exit:
            # Warnings still waiting when the last prompt closes are printed on the way out.
            session.flush_at_exit = True
            atexit.register(_flush)
