"""`python -m tools.adopt PROJECT`: read, answer, render, plan, apply, check, summarise.

The root Makefile's `make adopt PROJECT=... [DATA=...]` runs this. Errors become one message on
stderr and an exit code, here and nowhere else.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import tomllib  # the standard library's since 3.11, which this repository's tooling requires

from tools.adopt import facts, project
from tools.adopt.answers import answers_for, parse_data
from tools.adopt.errors import AdoptError, ExitCode
from tools.adopt.metadata import read_metadata
from tools.adopt.plan import POETRY_FILES, moved, plan
from tools.adopt.summary import Report, left_to_a_person, summary

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tools.adopt.answers import Answers

BRANCH = "adopt-template"
EPILOG = """\
exit codes: 0 adopted, no conflict, make check green; 1 failed (the message says what state
the project is in); 2 usage (a bad PROJECT or DATA); 3 the project is not ready (not a clean git
repository, no pyproject.toml, already from a template, ...): nothing was changed; 4 copier
refused an answer (the name guard among them): nothing was changed; 5 adopted, with conflicts to
resolve before the commit; 6 adopted, but uv.lock or `make check` is not green.

docs/adopting.md explains the whole path, and what adoption leaves to a person.
"""


def parser() -> argparse.ArgumentParser:
    """The command line: the project, the answers to change, and where the template is."""
    command = argparse.ArgumentParser(
        prog="make adopt",
        description="Bring an existing library into the template, on a new branch of it.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument("project", help="the existing library's git repository (PROJECT=...)")
    command.add_argument(
        "--data",
        action="append",
        default=[],
        metavar="'KEY=VALUE ...'",
        help="answers to give or change: question=value, separated by spaces (DATA=...)",
    )
    command.add_argument("--branch", default=BRANCH, help=f"the new branch (default {BRANCH})")
    command.add_argument(
        "--template", default="", help="the template: a clone or a URL (default: this checkout)"
    )
    command.add_argument("--ref", default="", help="a template tag (default: the newest release)")
    command.add_argument(
        "--dry-run", action="store_true", help="read, answer and plan; change nothing (DRY_RUN=1)"
    )
    command.add_argument(
        "--no-check", action="store_true", help="do not run `make check` afterwards (CHECK=0)"
    )
    return command


def main(argv: Sequence[str] | None = None) -> int:
    """Adopt the project; print the summary, or one line saying why not."""
    arguments = parser().parse_args(argv)
    try:
        return adopt(arguments)
    except AdoptError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.code
    except KeyboardInterrupt:
        print("Interrupted before the project was changed.", file=sys.stderr)
        return ExitCode.FAILED


def adopt(arguments: argparse.Namespace) -> int:
    """Every step of the adoption, in order; the exit code."""
    if not arguments.project.strip():
        msg = "PROJECT: the repository to adopt, e.g. make adopt PROJECT=../ml-workbench"
        raise AdoptError(ExitCode.USAGE, msg)
    root = Path(arguments.project).expanduser().resolve()
    branch = arguments.branch.strip() or BRANCH
    questions = project.questions()
    data = parse_data(arguments.data, questions)
    source = project.template_source(arguments.template.strip())
    project.preflight(root, branch)
    ref = arguments.ref.strip() or project.newest_release(source)

    # Read: the metadata, the package, the facts the files name.
    paths = project.tracked(root)
    document = _pyproject(root)
    metadata = read_metadata(document, lambda path: project.read_text(root, path))
    package = facts.find_package(paths, metadata, data.get("import_name", ""))
    texts = project.texts(root, paths)
    index_urls = [str(index.get("url", "")) for index in metadata.indexes]
    repository, where, others = facts.choose_repository(index_urls, texts)
    repository_files = [
        p for r, files in facts.codeartifact_repositories(texts) if r == repository for p in files
    ]
    answers = answers_for(
        metadata=metadata,
        package=package,
        repository=repository,
        repository_where=where,
        profile=facts.aws_profile(texts),
        github=facts.github_repository(project.origin_url(root)),
        data=data,
    )

    with tempfile.TemporaryDirectory(prefix="adopt-") as scratch:
        rendered = _render(source, ref, answers, Path(scratch) / root.name)
        # The project's files that matter to the plan, under their paths after the move.
        wanted = {*rendered.files, *POETRY_FILES}
        where_now = moved({path: path for path in paths}, package)
        files = {
            new: content
            for new, old in where_now.items()
            if new in wanted and (content := project.read_bytes(root, old)) is not None
        }
        changes = plan(
            rendered=rendered.files,
            project=files,
            metadata=metadata,
            package=package,
            template_version=ref,
            package_name=answers.values["package_name"],
        )
        report = Report(
            project=str(root),
            package_name=answers.values["package_name"],
            template=str(rendered.answers.get("_src_path", source)),
            ref=ref,
            branch=branch,
            answers=answers,
            recorded=rendered.answers,
            defaults={k: str(v.get("default", "")) for k, v in questions.items()},
            plan=changes,
            warnings=rendered.warnings,
            left=left_to_a_person(
                paths=paths,
                texts=texts,
                metadata=metadata,
                package=package,
                repository_files=repository_files,
                other_repositories=others,
                recorded=rendered.answers,
                sources=answers.sources,
                template=str(rendered.answers.get("_src_path", source)),
            ),
        )
        if arguments.dry_run:
            print("\n".join(summary(report)))
            return ExitCode.OK
        report.applied = project.apply(
            root,
            changes,
            package=package,
            branch=branch,
            rendered=rendered.root,
            message=(
                f"Adopt codeartifact-python-template {ref}",
                (
                    f"`make adopt` in the template: {len(changes.of('added'))} files added, "
                    "pyproject.toml converted, .copier-answers.yml records the template release "
                    "for `make update-template`."
                ),
            ),
        )
    if not arguments.no_check:
        print("Running make check in the project ...", file=sys.stderr, flush=True)
        try:
            report.check = project.make_check(root)
        except KeyboardInterrupt:
            report.check = project.Check("skipped", why="interrupted: run it yourself")
    print("\n".join(summary(report)))
    if changes.conflicts:
        return ExitCode.CONFLICTS
    red = report.applied.notes or (report.check is not None and report.check.state == "red")
    return ExitCode.RED if red else ExitCode.OK


def _pyproject(root: Path) -> dict[str, object]:
    text = project.read_text(root, "pyproject.toml") or ""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        msg = (
            f"pyproject.toml is not valid TOML ({error}): fix it, commit, and run make adopt again."
        )
        raise AdoptError(ExitCode.NOT_READY, msg) from None


def _render(source: str, ref: str, answers: Answers, destination: Path) -> project.Rendered:
    """Render the template; a refusal names the answer, where it was read, and the fix."""
    try:
        rendered = project.render(source, ref, answers.data(), destination)
    except project.CopierRefusal as refusal:
        raise AdoptError(ExitCode.REFUSED, _refusal(str(refusal), answers)) from None
    for key in answers.values:
        recorded = rendered.answers.get(key)
        if isinstance(recorded, str) and recorded != answers.values[key]:
            msg = f"copier recorded {key}={rendered.answers[key]!r}, not {answers.values[key]!r}"
            raise AdoptError(ExitCode.FAILED, msg)
    return rendered


def _refusal(output: str, answers: Answers) -> str:
    """Copier's refusal, with where the refused answer came from and how to give another."""
    from codeartifact_python_tools.update.answers import refusal  # noqa: PLC0415 - on failure only

    rule = refusal(output, answers.data())
    if not rule:
        lines = [line for line in output.splitlines() if line.strip()]
        return "copier failed, nothing was changed: " + " ".join(lines[-3:])
    key = rule.split(":", 1)[0]
    source = answers.sources.get(key, "")
    text = f"{rule}\nNothing was changed."
    if source and source != "DATA":
        text += f" The {key} {answers.values.get(key)!r} was read from {source}"
        text += (
            "; if the name is yours, block the public upstream for it in CodeArtifact first, as "
            "`make protect-name` would: aws codeartifact put-package-origin-configuration "
            f"--domain {answers.values.get('codeartifact_domain', 'DOMAIN')} --domain-owner "
            f"{answers.values.get('aws_account_id', 'ACCOUNT')} --region "
            f"{answers.values.get('aws_region', 'REGION')} --repository "
            f"{answers.values.get('codeartifact_repository', 'REPOSITORY')} --format pypi "
            f"--package {answers.values.get('package_name')} --restrictions "
            "publish=ALLOW,upstream=BLOCK. Then run make adopt again."
            if key == "package_name" and "protect-name" in rule
            else f': give another with DATA="{key}=...".'
        )
    return text


if __name__ == "__main__":
    sys.exit(main())
