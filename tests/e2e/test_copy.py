"""`copier copy` through the real CLI: bad answers refused cleanly, good ones green on day one."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.answer_sets import ANSWER_SETS, FULL_SETS
from tests.doubles.pypiserver import closed_index_url
from tests.e2e.copier_cli import TOOLS_COMMAND, copier, lock_tools
from tests.machine import run

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent


def data_args(answers: dict[str, object]) -> list[str]:
    args: list[str] = []
    for key, value in answers.items():
        text = str(value).lower() if isinstance(value, bool) else str(value)
        args += ["--data", f"{key}={text}"]
    return args


# answer -> words the message must contain: one refusal of each kind the CLI meets (a pattern, the
# name guard, a question whose rule the template's extension computes, a control character in
# the message, a region CodeArtifact lacks). Every rule, with its boundaries, is tested against
# copier.yml in tests/unit/test_answers.py; here, that the CLI refuses before anything is written.
BAD_ANSWERS = [
    ({"aws_account_id": "12345"}, "exactly 12 digits"),
    ({"package_name": "my package"}, "my package"),
    ({"import_name": "json"}, "standard library"),
    ({"description": "an\x1b[31mescape"}, "U+001B"),
    ({"aws_region": "cn-north-1"}, "CodeArtifact has no endpoint in cn-north-1"),
]


@pytest.mark.parametrize(
    ("answers", "words"), BAD_ANSWERS, ids=[next(iter(a.items()))[1] for a, _ in BAD_ANSWERS]
)
def test_a_bad_answer_is_refused_with_its_rule_and_leaves_nothing(
    template_repo: Path, tmp_path: Path, answers: dict[str, object], words: str
) -> None:
    dst = tmp_path / "acme-widgets"
    result = copier(
        "copy", "--trust", "--defaults", *data_args(answers), str(template_repo), str(dst)
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert words in output
    assert "Traceback" not in output
    assert not dst.exists()


def test_an_answer_outside_the_choices_is_refused(template_repo: Path, tmp_path: Path) -> None:
    dst = tmp_path / "acme-widgets"
    result = copier(
        "copy", "--trust", "--defaults", "--data", "python_min=2.7", str(template_repo), str(dst)
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "2.7" in output
    assert "Traceback" not in output
    assert not dst.exists()


# A value copier would take unchecked or drop, from each place copier takes one: a fact
# (copier.yml's `when: false`: the guard's verdict, which given would skip the guard; a URL; a
# YAML list; the tools' version), and a --data key that is no question.
GIVEN: dict[str, tuple[str, str, object, str]] = {
    "verdict-in-data": ("data", "name_verdict", "", "name_verdict (from --data or --data-file) is"),
    "url-in-data": ("data", "index_url", "https://elsewhere.example/simple/", "index_url (from"),
    "list-in-data-file": ("data-file", "python_versions", ["2.7"], "python_versions (from --data"),
    "version-in-settings": (
        "settings",
        "tools_version",
        "0.0.1",
        "tools_version (from the defaults",
    ),
    "typo-in-data": ("data", "pacakge_name", "acme-widgets", "(did you mean package_name?)"),
}


@pytest.mark.parametrize("case", GIVEN)
def test_a_value_copier_would_take_unchecked_is_refused_and_leaves_nothing(
    template_repo: Path, tmp_path: Path, case: str
) -> None:
    source, key, value, words = GIVEN[case]
    given = tmp_path / "given.yml"
    document = {"defaults": {key: value}} if source == "settings" else {key: value}
    given.write_text(yaml.safe_dump(document), encoding="utf-8")
    args = {
        "data": ["--data", f"{key}={value}"],
        "data-file": ["--data-file", str(given)],
        "settings": [],
    }[source]
    env = {**os.environ, "COPIER_SETTINGS_PATH": str(given)} if source == "settings" else None
    dst = tmp_path / "acme-widgets"
    result = copier("copy", "--trust", "--defaults", *args, str(template_repo), str(dst), env=env)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert words in output
    assert "Traceback" not in output
    assert not dst.exists()


@pytest.mark.usefixtures("no_copier_settings")
def test_defaults_render_without_a_single_prompt(template_repo: Path, tmp_path: Path) -> None:
    dst = tmp_path / "acme-widgets"
    result = copier("copy", "--trust", "--defaults", str(template_repo), str(dst))
    assert result.returncode == 0, result.stderr
    assert (dst / "pyproject.toml").is_file()
    assert 'name = "acme-widgets"' in (dst / "pyproject.toml").read_text()
    said = result.stdout + result.stderr
    assert "make check" in said  # the next steps are shown
    # ...and where the tools come from: this checkout, as the template was copied from one.
    tools = template_repo / "codeartifact-python-tools"
    assert f"are codeartifact-python-tools, from\nyour template checkout at {tools}" in said


def test_a_change_to_the_checkouts_tools_reaches_the_project(
    template_repo: Path, tmp_path: Path
) -> None:
    """Copied from a checkout, a project runs the checkout's tools as they are now.

    uv rebuilds a folder's package when one of its cache keys changes: the tools list their
    sources among them, so an edit is never hidden behind a build uv cached before it.
    """
    tools = tmp_path / "codeartifact-python-tools"
    shutil.copytree(template_repo / "codeartifact-python-tools", tools)
    dst = tmp_path / "acme-widgets"
    data = ["--data", f"tools_index={tools}"]
    done = copier(
        "copy", "--trust", "--defaults", "--skip-tasks", *data, str(template_repo), str(dst)
    )
    assert done.returncode == 0, done.stderr
    lock_tools(dst)

    def check_name_help() -> str:
        helped = run([*TOOLS_COMMAND, "check-name", "-h"], cwd=dst, timeout=300)
        assert helped.returncode == 0, helped.stderr
        return " ".join(helped.stdout.split())

    assert "Check a package name against the naming policy" in check_name_help()
    source = tools / "src" / "codeartifact_python_tools" / "guard" / "cli.py"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("Check a package name", "Vet a package name", 1), "utf-8")
    assert "Vet a package name against the naming policy" in check_name_help()


def make(target: str, project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", target], cwd=project, capture_output=True, text=True, check=False, timeout=600
    )


@pytest.fixture(scope="module", params=FULL_SETS)
def full_project(
    request: pytest.FixtureRequest, template_repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path]:
    """A set rendered by the real CLI, post-copy task included (git init, uv lock)."""
    answer_set: str = request.param
    dst = tmp_path_factory.mktemp(answer_set) / "acme-widgets"
    answers = dict(ANSWER_SETS[answer_set])
    if answer_set == "defaults":
        # Copied where no index holds the tools, as on a fresh machine with no published
        # release: its green check and build show that neither needs the tools (and
        # test_docs.py's copy, made the same way, that the docs do not).
        # Only tools.py's source line differs from a plain default copy.
        answers["tools_index"] = closed_index_url()  # nothing answers
    result = copier(
        "copy", "--trust", "--defaults", *data_args(answers), str(template_repo), str(dst)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    if answer_set == "defaults":  # the copy says how to lock the tools later, and goes on
        assert "`uv lock --script tools.py` did not complete" in result.stdout + result.stderr
        assert not (dst / "tools.py.lock").exists()
    return answer_set, dst


def test_make_check_build_and_docs_are_green(full_project: tuple[str, Path]) -> None:
    answer_set, project = full_project
    for target in ("check", "build"):
        result = make(target, project)
        assert result.returncode == 0, f"make {target}\n{result.stdout}\n{result.stderr}"
    wheels = sorted((project / "dist").glob("*.whl"))
    sdists = sorted((project / "dist").glob("*.tar.gz"))
    assert len(wheels) == 1
    assert len(sdists) == 1
    twine = subprocess.run(
        [str(BIN / "twine"), "check", "--strict", str(wheels[0]), str(sdists[0])],
        capture_output=True,
        text=True,
        check=False,
    )
    assert twine.returncode == 0, twine.stdout + twine.stderr
    # The default project's docs: test_docs.py builds them, from a copy with no tools index too.
    if answer_set != "defaults" and ANSWER_SETS[answer_set].get("with_docs", True):
        docs = make("docs", project)
        assert docs.returncode == 0, docs.stdout + docs.stderr
        assert (project / "site" / "index.html").is_file()


def test_make_check_runs_its_parts_side_by_side_and_fails_with_any(
    full_project: tuple[str, Path],
) -> None:
    answer_set, project = full_project
    if answer_set != "defaults":
        pytest.skip("one project shows it: every answer set has the same Makefile and CI")
    failing = project / "tests" / "test_failing.py"
    failing.write_text("def test_failing() -> None:\n    assert 1 + 1 == 3\n", encoding="utf-8")
    # A workflow edit that weakens security: a pull request's title pasted into a shell.
    ci = project / ".github" / "workflows" / "ci.yml"
    safe = ci.read_text(encoding="utf-8")
    injected = (
        '      - run: make lint\n      - run: echo "${{ github.event.pull_request.title }}"\n'
    )
    ci.write_text(safe.replace("      - run: make lint\n", injected, 1), encoding="utf-8")
    try:
        result = make("check", project)
    finally:
        failing.unlink()
        ci.write_text(safe, encoding="utf-8")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "1 failed" in output
    assert "error[template-injection]" in output  # zizmor's finding, offline
    # The other parts still ran to the end, each one's output kept together.
    assert "All checks passed!" in output
    assert "Success: no issues found" in output
    assert re.search(r"uv run --frozen --exact pytest\n=+ test session starts =+\n", output), output
    assert make("audit", project).returncode == 0  # and green again once the edit is undone


def test_the_wheel_installs_and_its_cli_answers(
    full_project: tuple[str, Path], tmp_path: Path
) -> None:
    _, project = full_project
    if not list((project / "dist").glob("*.whl")):
        assert make("build", project).returncode == 0
    wheel = next((project / "dist").glob("*.whl"))
    python_min = (project / ".python-version").read_text().strip()
    venv = tmp_path / "venv"
    uv = shutil.which("uv") or "uv"
    subprocess.run([uv, "venv", "--quiet", "--python", python_min, str(venv)], check=True)
    subprocess.run(
        [uv, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"), str(wheel)],
        check=True,
    )
    pyproject = (project / "pyproject.toml").read_text()
    cli = pyproject.split("[project.scripts]\n", 1)[1].split(" = ", 1)[0].strip()
    command = str(venv / "bin" / cli)
    env = {**os.environ, "NO_COLOR": "1"}
    version = subprocess.run(
        [command, "--version"], capture_output=True, text=True, env=env, check=False
    )
    assert version.returncode == 0
    assert "0.1.0" in version.stdout
    helped = subprocess.run(
        [command, "--help"], capture_output=True, text=True, env=env, check=False
    )
    assert helped.returncode == 0
    assert "usage:" in helped.stdout
    assert helped.stdout.count("\n") > 3
    # The example command: the library's API behind the CLI, and its errors on stderr.
    example = subprocess.run(
        [command, "size", "1536"], capture_output=True, text=True, env=env, check=False
    )
    assert (example.returncode, example.stdout) == (0, "1.5 KiB\n")
    refused = subprocess.run(
        [command, "size", "12XB"], capture_output=True, text=True, env=env, check=False
    )
    assert refused.returncode == 1
    assert "unknown unit 'XB'" in refused.stderr
    assert refused.stdout == ""


def test_checks_run_in_an_environment_that_matches_the_lock_exactly(
    full_project: tuple[str, Path],
) -> None:
    """A dependency taken out of pyproject.toml (and uv.lock) is gone from the checks too.

    `uv run --frozen` alone never removes an installed package, so a test that still imports a
    dependency the project no longer declares would pass on a laptop and fail for a consumer.
    """
    answer_set, project = full_project
    if answer_set != "defaults":
        pytest.skip("one project shows it")
    uv = shutil.which("uv") or "uv"
    pyproject = project / "pyproject.toml"
    lock = project / "uv.lock"
    declared, locked = pyproject.read_text(encoding="utf-8"), lock.read_text(encoding="utf-8")
    uses = project / "tests" / "test_uses_attrs.py"
    try:
        subprocess.run([uv, "add", "--quiet", "attrs>=23.1"], cwd=project, check=True)
        uses.write_text("import attrs\n\n\ndef test_attrs() -> None:\n    assert attrs\n", "utf-8")
        assert make("test", project).returncode == 0
        # As `copier recopy` once did: the dependency leaves pyproject.toml, uv.lock follows,
        # and .venv still holds it.
        pyproject.write_text(declared, encoding="utf-8")
        subprocess.run([uv, "lock", "--quiet"], cwd=project, check=True)
        result = make("test", project)
        assert result.returncode != 0, result.stdout
        assert "No module named 'attrs'" in result.stdout + result.stderr
    finally:
        uses.unlink(missing_ok=True)
        pyproject.write_text(declared, encoding="utf-8")
        lock.write_text(locked, encoding="utf-8")


def test_outside_src_and_tests_the_only_python_is_the_launcher(
    full_project: tuple[str, Path],
) -> None:
    """The template's tools are a package: a project carries none of their code, in any form."""
    _, project = full_project
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=project, capture_output=True, text=True, check=True
    ).stdout.split()
    python = [p for p in tracked if p.endswith(".py") and not p.startswith(("src/", "tests/"))]
    assert python == ["tools.py"]
    statements = ast.parse((project / "tools.py").read_text(encoding="utf-8")).body
    assert [type(statement).__name__ for statement in statements] == [
        "Expr",
        "ImportFrom",
        "Raise",
    ]
    assert not [p for p in tracked if p.endswith((".whl", ".pyz", ".zip"))]


def test_a_copy_over_existing_files_commits_none_of_them(
    template_repo: Path, tmp_path: Path
) -> None:
    """`copier copy --overwrite` into a folder with a secret, notes and code: nothing committed."""
    dst = tmp_path / "acme-widgets"
    (dst / "src").mkdir(parents=True)
    (dst / ".env").write_text("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG\n", encoding="utf-8")
    (dst / "notes.txt").write_text("ideas\n", encoding="utf-8")
    (dst / "src" / "mine.py").write_text("VALUE = 1\n", encoding="utf-8")
    result = copier("copy", "--trust", "--defaults", "--overwrite", str(template_repo), str(dst))
    said = result.stdout + result.stderr
    assert result.returncode == 0, said
    assert "nothing was committed" in said
    assert "never a `.env`" in said
    log = subprocess.run(["git", "log"], cwd=dst, capture_output=True, text=True, check=False)
    assert log.returncode != 0  # no commit at all: the user picks what the first one holds
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=dst,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "?? notes.txt" in status
    assert "?? src/mine.py" in status
    assert ".env" not in status  # the generated .gitignore keeps secrets out of git's view
