"""A GitHub Actions job played on this machine, for the tests of a generated project's workflows.

Its `run:` steps go through bash as GitHub's runner runs them (`shell: bash`: `bash --noprofile
--norc -eo pipefail`), in the job's workspace, with the variables the runner sets; its `uses:`
steps are played by stand-ins the test gives (a checkout is a clone, an artifact a folder). Only
what the template's workflows use is understood: expressions of references, 'literals', `==`,
`!=`, `!`, `&&`, `||` and the status functions, in `if`, `env`, `with` and outputs. A script with
an expression in it is refused: values reach scripts through `env`, as zizmor requires.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

_EXPRESSION = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")
_STATUS = {"success()": "true", "always()": "true", "cancelled()": "", "failure()": ""}
# Contexts whose unknown keys are empty strings on GitHub (an unset variable, a missing output).
_EMPTY_WHEN_UNKNOWN = {"vars", "secrets", "steps", "needs"}


def evaluate(expression: str, context: Mapping[str, str]) -> str:
    """The value of one expression; "" is false, anything else true (GitHub's truthiness)."""
    text = expression.strip()
    for operator in ("||", "&&"):
        if operator in text:
            values = [evaluate(part, context) for part in text.split(operator)]
            # `a || b`: the first true value; `a && b`: the first false one; else the last.
            stop = operator == "||"
            return next((value for value in values if bool(value) == stop), values[-1])
    compared = re.fullmatch(r"(.+?)\s*(==|!=)\s*(.+)", text)
    if compared:
        # GitHub compares strings ignoring case.
        same = (
            evaluate(compared[1], context).casefold() == evaluate(compared[3], context).casefold()
        )
        return "true" if same == (compared[2] == "==") else ""
    if text.startswith("!"):
        return "" if evaluate(text[1:], context) else "true"
    return _value(text, context)


def _value(text: str, context: Mapping[str, str]) -> str:
    """A 'literal', a status function or a reference."""
    if len(text) > 1 and text[0] == text[-1] == "'":
        return text[1:-1]
    found = _STATUS.get(text, context.get(text))
    if found is not None:
        return found
    if text.split(".", 1)[0] in _EMPTY_WHEN_UNKNOWN:
        return ""
    msg = f"the test gives no value for `{text}`"
    raise KeyError(msg)


def substitute(value: object, context: Mapping[str, str]) -> str:
    """A YAML value as the runner passes it on (booleans as true/false), each `${{ }}` evaluated."""
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return _EXPRESSION.sub(lambda match: evaluate(match[1], context), text)


def condition(text: object, context: Mapping[str, str]) -> bool:
    """Whether an `if:` holds (bare, or wrapped in `${{ }}`)."""
    if text is None:
        return True
    match = _EXPRESSION.fullmatch(str(text).strip())
    return bool(evaluate(match[1] if match else str(text), context))


@dataclass
class Place:
    """Where a job runs: its workspace (the checkout) and RUNNER_TEMP."""

    workspace: Path
    temp: Path


@dataclass
class Step:
    """A step that ran: its name, `with:` or environment, outputs and log."""

    name: str
    inputs: dict[str, str] = field(default_factory=dict)  # `with:` of an action
    env: dict[str, str] = field(default_factory=dict)  # the environment of a script
    outputs: dict[str, str] = field(default_factory=dict)
    log: str = ""


@dataclass
class Result:
    """A job's run: whether its `if` held, whether every step passed, its outputs and steps."""

    ran: bool
    ok: bool = True
    outputs: dict[str, str] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)

    @property
    def status(self) -> str:
        """`needs.<job>.result` as the jobs after this one see it."""
        if not self.ran:
            return "skipped"
        return "success" if self.ok else "failure"

    @property
    def log(self) -> str:
        """Everything the job's scripts printed, in order."""
        return "".join(step.log for step in self.steps)


def _outputs(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    return dict(line.split("=", 1) for line in lines if "=" in line)


def run_job(  # noqa: PLR0913 - a job's spec, its surroundings and the test's stand-ins
    workflow: Mapping[str, Any],
    name: str,
    *,
    place: Place,
    context: Mapping[str, str],
    # A stand-in per action: its resolved `with:` and the job's place in, its outputs out.
    actions: Mapping[str, Callable[[dict[str, str], Place], dict[str, str]]],
    env: Mapping[str, str],
    needs: Mapping[str, Result] | None = None,
) -> Result:
    """Run job NAME of WORKFLOW as GitHub would after NEEDS; stop at the first failing step."""
    job = workflow["jobs"][name]
    needs = needs or {}
    context = {"runner.temp": str(place.temp), **context}
    for need, result in needs.items():
        context[f"needs.{need}.result"] = result.status
        context.update({f"needs.{need}.outputs.{k}": v for k, v in result.outputs.items()})
    test = job.get("if")
    # Without a status function, GitHub runs a job only when every job it needs succeeded.
    if not any(function in str(test) for function in _STATUS) and any(
        result.status != "success" for result in needs.values()
    ):
        return Result(ran=False)
    if not condition(test, context):
        return Result(ran=False)
    place.temp.mkdir(parents=True, exist_ok=True)
    result = Result(ran=True)
    shell = job.get("defaults", workflow.get("defaults", {})).get("run", {}).get("shell", "")
    for number, spec in enumerate(job["steps"]):
        if not condition(spec.get("if"), context):
            continue
        step = Step(name=str(spec.get("name") or spec.get("id") or spec.get("uses") or number))
        if "uses" in spec:
            step.inputs = {k: substitute(v, context) for k, v in spec.get("with", {}).items()}
            step.outputs = actions[spec["uses"].split("@", 1)[0]](step.inputs, place)
        else:
            script = str(spec["run"])
            assert "${{" not in script, f"{name}/{step.name}: an expression in a script"
            assert spec.get("shell", shell) == "bash", f"{name}/{step.name}: not bash"
            declared = {**workflow.get("env", {}), **job.get("env", {}), **spec.get("env", {})}
            output = place.temp / f"output-{number}"
            step.env = {
                **env,
                **{k: substitute(v, context) for k, v in declared.items()},
                "CI": "true",
                "GITHUB_ACTIONS": "true",
                "GITHUB_OUTPUT": str(output),
                "GITHUB_WORKSPACE": str(place.workspace),
                "RUNNER_TEMP": str(place.temp),
            }
            file = place.temp / f"step-{number}.sh"
            file.write_text(script, encoding="utf-8")
            done = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(file)],
                cwd=place.workspace,
                env=step.env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                check=False,
                timeout=900,
            )
            step.log, step.outputs = done.stdout, _outputs(output)
            result.ok = done.returncode == 0
        result.steps.append(step)
        if "id" in spec:
            context.update({f"steps.{spec['id']}.outputs.{k}": v for k, v in step.outputs.items()})
        if not result.ok:
            return result
    result.outputs = {k: substitute(v, context) for k, v in job.get("outputs", {}).items()}
    return result
