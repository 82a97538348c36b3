"""Adoption's pure parts (tools/adopt/): reading metadata, converting it, planning each file,
the summary; the project's refusals and the undo on a failure; and the name guard's rule for a
project being adopted (hooks/copier_ext.py). The whole path runs in tests/e2e/test_adopt.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import pytest
import tomllib

from tests.conftest import ROOT
from tests.machine import load_file
from tests.unit.conftest import check_package_name
from tools.adopt import facts, metadata, plan, project, pyproject, summary
from tools.adopt.answers import Answers, answers_for, clean_description, parse_data
from tools.adopt.errors import AdoptError, ExitCode
from tools.adopt.facts import Found, Package, Repository
from tools.adopt.plan import Change, Plan

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import ModuleType

    from tests.doubles.codeartifact import FakeCodeArtifact
    from tests.doubles.simple_index import SimpleIndex

SEED_PYPROJECT = {
    "project": {
        "name": "ml-workbench",
        "version": "0.0.1",
        "description": "Experiment tracking helpers",
        "requires-python": ">=3.12",
        "authors": [{"name": "Pheno ML Team", "email": "pheno-ml@example.com"}],
        "dependencies": ["attrs>=23.1"],
        "scripts": {"cli-experiment": "ml_workbench.cli:main"},
    },
    "dependency-groups": {"dev": ["pytest>=8.0", "ruff>=0.6"]},
    "build-system": {"requires": ["hatchling"], "build-backend": "hatchling.build"},
    "tool": {
        "hatch": {"build": {"targets": {"wheel": {"packages": ["ml_workbench"]}}}},
        "pytest": {"ini_options": {"testpaths": ["tests"], "markers": ["slow: a slow test"]}},
        "black": {"line-length": 100},
    },
}
POETRY_PYPROJECT: dict[str, Any] = {
    "tool": {
        "poetry": {
            "name": "lab-utils",
            "version": "1.4.2",
            "description": "Small helpers",
            "authors": ["Data Platform <data-platform@example.com>"],
            "license": "MIT",
            "packages": [{"include": "lab_utils", "from": "src"}],
            "homepage": "https://example.com/lab-utils",
            "dependencies": {
                "python": "^3.11",
                "packaging": "^24.0",
                "rich": {"version": "~13.7", "extras": ["jupyter"], "optional": True},
                "orphan": {"version": "*", "optional": True},
                "tomli": {"version": ">=2", "python": "<3.11"},
                "internal-lib": {"version": "^1.2", "source": "aws_codeartifact"},
                "vendored": {"path": "../vendored", "develop": True},
                "fork": {"git": "https://example.com/fork.git", "tag": "v1"},
            },
            "extras": {"pretty": ["rich"]},
            "group": {"docs": {"dependencies": {"mkdocs": "*"}}},
            "dev-dependencies": {"pytest": "^8.0"},
            "scripts": {"lab-utils": "lab_utils.cli:main"},
            "source": [
                {
                    "name": "aws_codeartifact",
                    "url": "https://acme-123456789012.d.codeartifact.eu-west-1.amazonaws.com/pypi/python/simple/",
                    "priority": "supplemental",
                }
            ],
        },
        "mypy": {"warn_unused_configs": True},
    },
    "build-system": {"build-backend": "poetry.core.masonry.api"},
}


def no_files(_: str) -> str | None:
    return None


def refusal(function: Any, *args: Any, **kwargs: Any) -> AdoptError:  # noqa: ANN401 - any call
    with pytest.raises(AdoptError) as caught:
        function(*args, **kwargs)
    return caught.value


# --- Reading metadata ----------------------------------------------------------------------------


def test_pep621_metadata_is_read_as_written() -> None:
    read = metadata.read_metadata(SEED_PYPROJECT, no_files)
    assert (read.style, read.name, read.version) == ("PEP 621", "ml-workbench", "0.0.1")
    assert read.dependencies == ["attrs>=23.1"]
    assert read.scripts == {"cli-experiment": "ml_workbench.cli:main"}
    assert read.groups == {"dev": ["pytest>=8.0", "ruff>=0.6"]}
    assert read.package_paths == ["ml_workbench"]
    assert read.backend == "hatchling.build"
    assert read.sources["name"] == "pyproject.toml [project] name"


def test_a_dynamic_version_is_read_from_where_the_backend_reads_it() -> None:
    document = {
        "project": {"name": "acme-x", "dynamic": ["version"]},
        "tool": {"hatch": {"version": {"path": "src/acme_x/__about__.py"}}},
    }
    files = {"src/acme_x/__about__.py": '__version__ = "2.1.0"\n'}
    read = metadata.read_metadata(document, files.get)
    assert read.version == "2.1.0"
    assert "was dynamic (`__version__` in src/acme_x/__about__.py)" in read.converted[0]
    # Nowhere to read it from (a version from git tags): the rule and the fix.
    error = refusal(metadata.read_metadata, {"project": document["project"]}, no_files)
    assert error.code == ExitCode.NOT_READY
    assert 'write `version = "X.Y.Z"`' in str(error)


@pytest.mark.parametrize(
    ("document", "says"),
    [
        ({"tool": {"black": {}}}, "neither a [project] table (PEP 621) nor [tool.poetry]"),
        ({"project": {"version": "1.0"}}, "no [project] name"),
        (
            {"project": {"name": "x", "version": "1", "dynamic": ["dependencies"]}},
            "declares dependencies dynamic",
        ),
    ],
)
def test_metadata_adoption_cannot_read_is_refused_with_the_fix(
    document: dict[str, Any], says: str
) -> None:
    error = refusal(metadata.read_metadata, document, no_files)
    assert error.code == ExitCode.NOT_READY
    assert says in str(error)
    assert "commit, and run make adopt again" in str(error)


def test_poetry_metadata_becomes_pep_621_pep_735_and_uv() -> None:
    read = metadata.read_metadata(POETRY_PYPROJECT, no_files)
    assert (read.style, read.name, read.version) == ("poetry", "lab-utils", "1.4.2")
    assert read.authors == [{"name": "Data Platform", "email": "data-platform@example.com"}]
    assert read.requires_python == ">=3.11,<4.0"
    assert read.dependencies == [
        "packaging>=24.0,<25.0",
        'tomli>=2; python_version < "3.11"',
        "internal-lib>=1.2,<2.0",
        "vendored",
        "fork",
    ]
    assert read.optional_dependencies == {"pretty": ["rich[jupyter]>=13.7,<13.8"]}
    assert any(
        note.startswith("optional dependencies in no extra (orphan)") for note in read.converted
    )
    assert read.groups == {"docs": ["mkdocs"], "dev": ["pytest>=8.0,<9.0"]}
    assert read.uv_sources == {
        "internal-lib": {"index": "aws_codeartifact"},
        "vendored": {"path": "../vendored", "editable": True},
        "fork": {"git": "https://example.com/fork.git", "tag": "v1"},
    }
    assert read.indexes[0]["name"] == "aws_codeartifact"
    assert read.urls == {"Homepage": "https://example.com/lab-utils"}
    assert read.package_paths == ["src/lab_utils"]
    assert read.license == "MIT"
    assert "poetry" not in read.tool
    assert read.tool == {"mypy": {"warn_unused_configs": True}}


@pytest.mark.parametrize(
    ("constraint", "specifier"),
    [
        ("^1.2.3", ">=1.2.3,<2.0.0"),
        ("^1.2", ">=1.2,<2.0"),
        ("^1", ">=1,<2"),
        ("^0.2.3", ">=0.2.3,<0.3.0"),
        ("^0.0.3", ">=0.0.3,<0.0.4"),
        ("^0", ">=0,<1"),
        ("~1.2.3", ">=1.2.3,<1.3.0"),
        ("~1.2", ">=1.2,<1.3"),
        ("~1", ">=1,<2"),
        ("~=1.2", "~=1.2"),
        ("1.2.3", "==1.2.3"),
        ("1.2.*", "==1.2.*"),
        ("=1.2", "==1.2"),
        ("*", ""),
        (">= 1.2, < 2.0", ">=1.2,<2.0"),
        (">=1.2 <2.0", ">=1.2,<2.0"),
        ("!=1.3", "!=1.3"),
    ],
)
def test_poetry_constraints_as_pep_440(constraint: str, specifier: str) -> None:
    assert metadata.poetry_constraint(constraint, "x") == specifier


@pytest.mark.parametrize(("constraint", "says"), [("^1 || ^2", "union"), ("^x", "no PEP 440")])
def test_poetry_constraints_without_a_pep_440_form_are_refused(constraint: str, says: str) -> None:
    error = refusal(metadata.poetry_constraint, constraint, "requests")
    assert says in str(error)
    assert str(error).startswith("requests: the poetry constraint")


def test_a_poetry_dependency_with_several_constraints_is_refused() -> None:
    spec = [{"version": "<2", "python": "<3.11"}, {"version": ">=2", "python": ">=3.11"}]
    error = refusal(metadata.poetry_requirement, "numpy", spec)
    assert "several constraints" in str(error)


@pytest.mark.parametrize(
    ("requires", "minimum", "noted"),
    [
        (">=3.12", "3.12", ""),
        (">=3.11,<4.0", "3.11", "no upper bound"),
        ("~=3.10", "3.10", ""),
        (">3.11", "3.12", ""),
        (">=3.8", "3.10", "raised to '>=3.10'"),
        ("", "3.12", "no requires-python"),
        ("<4", "3.12", "names no lower bound"),
    ],
)
def test_python_min_from_requires_python(requires: str, minimum: str, noted: str) -> None:
    found, note = metadata.python_min(requires)
    assert found == minimum
    assert noted in note
    assert bool(note) == bool(noted)


# --- Facts the files name ------------------------------------------------------------------------

SEED_DOC = """
export DOMAIN_NAME="pheno"
aws codeartifact login --tool twine --domain $DOMAIN_NAME --profile integration
repository = https://pheno-111122223333.d.codeartifact.eu-west-1.amazonaws.com/pypi/pheno-pip/
--publish-url https://$DOMAIN_NAME-$AWS_ACCOUNT_ID.d.codeartifact.$AWS_REGION.amazonaws.com/pypi/$REPO/
use https://<domain>-<account-id>.d.codeartifact.<region>.amazonaws.com/pypi/<repository-name>/
pip install -i https://pheno-111122223333.d.codeartifact.eu-west-1.amazonaws.com/pypi/pheno-pip/simple
"""


def test_the_codeartifact_repository_the_docs_name_and_never_a_placeholder() -> None:
    found = facts.codeartifact_repositories({"docs/publishing.md": SEED_DOC})
    assert found == [
        (Repository("pheno", "111122223333", "eu-west-1", "pheno-pip"), ["docs/publishing.md"])
    ]
    assert facts.aws_profile({"docs/publishing.md": SEED_DOC}) == Found(
        "integration", "docs/publishing.md"
    )
    assert facts.aws_profile({"x.md": "--profile ${optional_profile} --profile $P"}) is None


def test_the_index_pyproject_declares_wins_and_the_others_are_named() -> None:
    texts = {
        "README.md": "https://other-210987654321.d.codeartifact.us-east-1.amazonaws.com/pypi/x/",
        "docs/a.md": SEED_DOC,
    }
    declared = [
        "https://acme-123456789012.d.codeartifact.eu-west-1.amazonaws.com/pypi/python/simple/"
    ]
    chosen, where, others = facts.choose_repository(declared, texts)
    assert chosen == Repository("acme", "123456789012", "eu-west-1", "python")
    assert where == "pyproject.toml (its index)"
    assert Repository("pheno", "111122223333", "eu-west-1", "pheno-pip") in others
    chosen, where, _ = facts.choose_repository([], texts)
    assert chosen is not None
    assert chosen.domain == "pheno"  # named twice, the other once
    assert where == "docs/a.md"
    assert facts.choose_repository([], {"README.md": "nothing"}) == (None, "", [])


@pytest.mark.parametrize(
    ("remote", "repository"),
    [
        ("git@github.com:data-platform/lab-utils.git", "data-platform/lab-utils"),
        ("https://github.com/acme/ml-workbench", "acme/ml-workbench"),
        ("https://token@github.com/acme/ml.workbench.git/", "acme/ml.workbench"),
        ("ssh://git@github.com/acme/x.git", "acme/x"),
        ("git@gitlab.com:acme/x.git", ""),
        ("", ""),
    ],
)
def test_github_repository_from_the_origin_remote(remote: str, repository: str) -> None:
    assert facts.github_repository(remote) == repository


def test_the_import_package_flat_or_in_src() -> None:
    seed = metadata.read_metadata(SEED_PYPROJECT, no_files)
    flat = facts.find_package(["ml_workbench/__init__.py", "tests/__init__.py"], seed)
    assert flat == Package("ml_workbench", "ml_workbench")
    assert flat.moves
    assert flat.target == "src/ml_workbench"
    seed.package_paths = []
    found = facts.find_package(["src/ml_workbench/__init__.py", "docs/conf.py"], seed)
    assert found == Package("ml_workbench", "src/ml_workbench")
    assert not found.moves
    chosen = facts.find_package(["a/__init__.py", "b/__init__.py"], seed, "b")
    assert chosen == Package("b", "b")


@pytest.mark.parametrize(
    ("paths", "wanted", "code", "says"),
    [
        (["a/__init__.py", "b/__init__.py"], "", ExitCode.USAGE, "DATA=import_name=a"),
        (["ml_workbench.py"], "", ExitCode.NOT_READY, "git mv pkg.py pkg/__init__.py"),
        (["a/__init__.py"], "c", ExitCode.USAGE, "no package folder c/ or src/c/"),
    ],
)
def test_an_import_package_that_cannot_be_told_is_asked_for(
    paths: list[str], wanted: str, code: ExitCode, says: str
) -> None:
    seed = metadata.read_metadata(SEED_PYPROJECT, no_files)
    seed.package_paths = []
    error = refusal(facts.find_package, paths, seed, wanted)
    assert error.code == code
    assert says in str(error)


# --- pyproject.toml -----------------------------------------------------------------------------


def rendered_pyproject(**answers: object) -> str:
    """The template's own pyproject.toml.jinja, rendered as copier would."""
    environment = jinja2.Environment(  # noqa: S701 - TOML, not HTML
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True
    )
    context: dict[str, object] = {
        "package_name": "ml-workbench",
        "description": "Experiment tracking helpers",
        "python_min": "3.12",
        "python_versions": ["3.12", "3.13", "3.14"],
        "author_name": "Pheno ML Team",
        "author_email": "pheno-ml@example.com",
        "license_expression": "LicenseRef-Proprietary",
        "with_cli": True,
        "cli_name": "cli-experiment",
        "import_name": "ml_workbench",
        "with_docs": True,
        "index_name": "codeartifact",
        "index_url": "https://pheno-111122223333.d.codeartifact.eu-west-1.amazonaws.com/pypi/pheno-pip/simple/",
        "publish_url": "https://pheno-111122223333.d.codeartifact.eu-west-1.amazonaws.com/pypi/pheno-pip/",
        "staged_release": False,
        **answers,
    }
    source = (ROOT / "template" / "pyproject.toml.jinja").read_text(encoding="utf-8")
    return environment.from_string(source).render(context)


def test_the_template_pyproject_takes_the_team_metadata_and_names_every_clash() -> None:
    read = metadata.read_metadata(SEED_PYPROJECT, no_files)
    read.keywords = ["ml", "experiments"]
    read.classifiers = ["Development Status :: 4 - Beta", "License :: OSI Approved", "Topic :: X"]
    merged = pyproject.merge_pyproject(rendered_pyproject(), read)
    document = tomllib.loads(merged.text)
    project_table = document["project"]
    assert project_table["version"] == "0.0.1"
    assert project_table["dependencies"] == ["attrs>=23.1"]
    assert project_table["keywords"] == ["ml", "experiments"]
    assert "Development Status :: 4 - Beta" in project_table["classifiers"]
    assert "Development Status :: 3 - Alpha" not in project_table["classifiers"]
    assert "Topic :: X" in project_table["classifiers"]
    assert "License :: OSI Approved" not in project_table["classifiers"]  # PEP 639 forbids it
    assert document["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == [
        "src/ml_workbench"
    ]
    assert document["tool"]["pytest"]["ini_options"]["markers"] == ["slow: a slow test"]
    assert document["tool"]["pytest"]["ini_options"]["testpaths"] == ["src", "tests"]
    assert document["tool"]["black"] == {"line-length": 100}
    assert document["dependency-groups"]["dev"][-1] == "zizmor>=1.30.1"  # nothing added: all known
    # The template's comments survive; every team value the template's won over is named.
    assert "# The team's line (`make bump-*` moves it)" in merged.text
    assert merged.replaced == [
        "[dependency-groups] dev: yours 'pytest>=8.0', the template's 'pytest>=8.3' kept",
        "[dependency-groups] dev: yours 'ruff>=0.6', the template's 'ruff>=0.12' kept",
        (
            '[tool.pytest.ini_options] testpaths: yours ["tests"], the template\'s '
            '["src", "tests"] kept'
        ),
    ]
    assert (
        "dropped [tool.hatch.build.targets.wheel] packages: the template builds src/<import_name>"
        in merged.converted
    )


def test_a_poetry_project_pyproject_is_pep_621_with_uv_sources() -> None:
    read = metadata.read_metadata(POETRY_PYPROJECT, no_files)
    merged = pyproject.merge_pyproject(
        rendered_pyproject(package_name="lab-utils", cli_name="lab-utils", import_name="lab_utils"),
        read,
    )
    document = tomllib.loads(merged.text)
    assert document["project"]["license"] == "MIT"
    assert document["project"]["optional-dependencies"] == {"pretty": ["rich[jupyter]>=13.7,<13.8"]}
    assert document["project"]["urls"] == {"Homepage": "https://example.com/lab-utils"}
    assert document["project"]["scripts"] == {"lab-utils": "lab_utils.cli:main"}
    assert document["dependency-groups"]["docs"][-1] == "mkdocs"
    assert document["tool"]["uv"]["sources"] == {
        "internal-lib": {"index": "codeartifact"},  # the poetry source is the template's index
        "vendored": {"path": "../vendored", "editable": True},
        "fork": {"git": "https://example.com/fork.git", "tag": "v1"},
    }
    assert [index["name"] for index in document["tool"]["uv"]["index"]] == ["codeartifact"]
    assert document["tool"]["mypy"]["warn_unused_configs"] is True
    assert "build backend: poetry.core.masonry.api -> hatchling.build" in merged.converted


def test_a_setuptools_project_is_built_by_hatchling_and_says_what_went() -> None:
    document = {
        "project": {
            "name": "acme-x",
            "dynamic": ["version"],
            "dependencies": ["requests>=2"],
            "license": {"text": "MIT"},
        },
        "tool": {
            "setuptools": {
                "packages": ["acme_x", "acme_x.sub"],
                "package-dir": {"": "src"},
                "dynamic": {"version": {"attr": "acme_x.__version__"}},
            }
        },
        "build-system": {"build-backend": "setuptools.build_meta"},
    }
    files = {"src/acme_x/__init__.py": "__version__: str = '0.9.1'\n"}
    read = metadata.read_metadata(document, files.get)
    assert (read.version, read.license, read.package_paths) == ("0.9.1", "MIT", ["src/acme_x"])
    merged = pyproject.merge_pyproject(
        rendered_pyproject(package_name="acme-x", import_name="acme_x"), read
    )
    assert "setuptools" not in tomllib.loads(merged.text)["tool"]
    assert "dropped [tool.setuptools]: hatchling builds the project now" in merged.converted
    assert "build backend: setuptools.build_meta -> hatchling.build" in merged.converted


def test_a_licence_that_is_no_spdx_expression_keeps_the_template_one_and_says_so() -> None:
    read = metadata.read_metadata(SEED_PYPROJECT, no_files)
    read.license = "All rights reserved"
    merged = pyproject.merge_pyproject(rendered_pyproject(), read)
    assert tomllib.loads(merged.text)["project"]["license"] == "LicenseRef-Proprietary"
    assert any("no SPDX licence expression" in line for line in merged.replaced)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ('a "quoted" \\ value', '"a \\"quoted\\" \\\\ value"'),
        (True, "true"),
        (3, "3"),
        ({"index": "codeartifact", "x y": 1}, '{ index = "codeartifact", "x y" = 1 }'),
        ([], "[]"),
    ],
)
def test_toml_values(value: object, text: str) -> None:
    assert pyproject.toml_value(value) == text
    assert tomllib.loads(f"k = {text}")["k"] == value


# --- The plan -----------------------------------------------------------------------------------

PACKAGE = Package("ml_workbench", "ml_workbench")


def planned(rendered: dict[str, str], existing: dict[str, str], style: str = "PEP 621") -> Plan:
    read = metadata.read_metadata(SEED_PYPROJECT, no_files)
    read.style = style
    return plan.plan(
        rendered={path: text.encode() for path, text in rendered.items()},
        project={path: text.encode() for path, text in existing.items()},
        metadata=read,
        package=PACKAGE,
        template_version="v9.9.9",
        package_name="ml-workbench",
    )


def test_every_file_is_added_kept_merged_or_marked_never_silently_dropped() -> None:
    result = planned(
        {
            "Makefile.ok": "same\n",
            "tools.py": "x\n",
            "README.md": "# template\n",
            "LICENSE": "proprietary\n",
            "CHANGELOG.md": "# Changelog\n",
            ".gitignore": ".venv/\n",
            "src/ml_workbench/sizes.py": "x\n",
            "src/ml_workbench/cli.py": "template cli\n",
        },
        {
            "Makefile.ok": "same\n",
            "README.md": "# ours\n",
            "LICENSE": "MIT\n",
            ".gitignore": ".venv/\n.idea/\n",
            "src/ml_workbench/cli.py": "our cli\n",
            "poetry.lock": "",
        },
        style="poetry",
    )
    kinds = {(change.kind, change.path) for change in result.changes}
    assert kinds == {
        ("added", "tools.py"),
        ("conflict", "README.md"),
        ("kept", "LICENSE"),
        ("added", "CHANGELOG.md"),
        ("merged", ".gitignore"),
        ("example", "src/ml_workbench/sizes.py"),
        ("kept", "src/ml_workbench/cli.py"),
        ("removed", "poetry.lock"),
    }
    assert sorted(result.writes) == [".gitignore", "CHANGELOG.md", "README.md", "tools.py"]
    assert result.removals == ["poetry.lock"]
    assert result.conflicts == ["README.md"]
    assert result.writes["README.md"] == (
        b"<<<<<<< yours\n# ours\n=======\n# template\n>>>>>>> template v9.9.9\n"
    )
    assert (
        result.writes[".gitignore"]
        .decode()
        .endswith("# Kept from the project's own .gitignore\n.idea/\n")
    )


def test_the_files_are_seen_as_they_are_after_the_move() -> None:
    files = {"ml_workbench/a.py": b"a", "tests/t.py": b"t", "ml_workbench_extra.txt": b"x"}
    assert plan.moved(files, PACKAGE) == {
        "src/ml_workbench/a.py": b"a",
        "tests/t.py": b"t",
        "ml_workbench_extra.txt": b"x",
    }


def test_a_conflict_keeps_the_shared_lines_once() -> None:
    mine = "# Title\nours\n\nshared 1\nshared 2\nshared 3\nmine at the end\n"
    template = "# Title\ntemplate\n\nshared 1\nshared 2\nshared 3\n"
    text = plan.conflict_text(mine, template, "template v1")
    assert text == (
        "<<<<<<< yours\n# Title\nours\n=======\n# Title\ntemplate\n>>>>>>> template v1\n"
        "\nshared 1\nshared 2\nshared 3\n"
        "<<<<<<< yours\nmine at the end\n=======\n>>>>>>> template v1\n"
    )


TEMPLATE_MAKEFILE = """\
PACKAGE := acme
export PACKAGE
.PHONY: help check test

help: ## Show this list
\t@awk '...' $(MAKEFILE_LIST)

test: ## Run the tests
\tuv run pytest

# --- Your own targets ---
"""


def test_a_makefile_keeps_the_team_targets_the_template_lacks() -> None:
    theirs = (
        "# Tasks\n.PHONY: install test data\n\nPACKAGE = theirs\nDATA_DIR := data\n\n"
        "install:\n\tpoetry install\n\ntest:\n\tpoetry run pytest\n\n"
        "# Download the datasets.\ndata: $(DATA_DIR)\n\tcurl -o $(DATA_DIR)/x \\\n\t\thttps://example.com/x\n"
    )
    merged = plan.merge_makefile(theirs, TEMPLATE_MAKEFILE)
    assert merged is not None
    assert merged.kept == ["variable DATA_DIR", "install", "data"]
    assert merged.replaced == ["variable PACKAGE", "`test`"]
    assert merged.text.startswith(TEMPLATE_MAKEFILE)
    assert merged.text.endswith(
        "# Kept from the project's own Makefile (targets the template does not define).\n"
        ".PHONY: install data\n\nDATA_DIR := data\n\ninstall:\n\tpoetry install\n\n"
        "# Download the datasets.\ndata: $(DATA_DIR)\n\tcurl -o $(DATA_DIR)/x \\\n"
        "\t\thttps://example.com/x\n"
    )
    # A Makefile with what this merge does not follow is a conflict for a person instead.
    assert plan.merge_makefile("ifeq ($(CI),1)\nX = 1\nendif\n", TEMPLATE_MAKEFILE) is None
    result = planned({"Makefile": TEMPLATE_MAKEFILE}, {"Makefile": "include common.mk\n"})
    assert result.conflicts == ["Makefile"]


def test_the_changelog_gets_an_entry_for_the_next_release_notes() -> None:
    added = planned({"CHANGELOG.md": "template's\n"}, {})
    text = added.writes["CHANGELOG.md"].decode()
    assert "## [Unreleased]\n\n### Changed\n\n- Built, checked and released with" in text
    assert "## [0.0.1]\n\n- Released before this changelog" in text
    theirs = "# Changes\n\n## [Unreleased]\n\n## [0.0.1] - 2025-01-02\n\n- First.\n"
    kept = planned({"CHANGELOG.md": "template's\n"}, {"CHANGELOG.md": theirs})
    assert (
        kept.writes["CHANGELOG.md"]
        .decode()
        .startswith("# Changes\n\n## [Unreleased]\n\n### Changed\n\n- Built, checked")
    )
    assert (
        kept.writes["CHANGELOG.md"].decode().endswith("\n\n## [0.0.1] - 2025-01-02\n\n- First.\n")
    )
    other = planned({"CHANGELOG.md": "template's\n"}, {"CHANGELOG.md": "v0.0.1: first\n"})
    assert other.writes == {}
    assert "no `## [Unreleased]` section" in other.changes[0].detail


# --- Answers ------------------------------------------------------------------------------------


def test_answers_say_where_each_came_from_and_data_wins() -> None:
    read = metadata.read_metadata(SEED_PYPROJECT, no_files)
    read.description = 'The "workbench" <for> `ML`: 100%'
    read.license = "mit"
    answers = answers_for(
        metadata=read,
        package=PACKAGE,
        repository=Repository("pheno", "111122223333", "eu-west-1", "pheno-pip"),
        repository_where="docs/publishing.md",
        profile=Found("integration", "docs/publishing.md"),
        github="",
        data={"team": "pheno-ml", "aws_profile": ""},
    )
    assert answers.values["description"] == "The workbench for ML: 100"
    assert answers.values["license"] == "MIT"
    assert answers.values["cli_name"] == "cli-experiment"
    assert answers.values["aws_profile"] == ""
    assert answers.sources["aws_profile"] == "DATA"
    assert answers.sources["codeartifact_domain"] == "docs/publishing.md"
    assert answers.sources["team"] == "DATA"
    assert any(note.startswith("description: yours") for note in answers.notes)
    assert answers.data()[-1] == "_adopt=ml-workbench"


def test_data_is_checked_against_the_template_questions() -> None:
    questions = project.questions()
    assert parse_data(["team=ml aws_profile=integration"], questions) == {
        "team": "ml",
        "aws_profile": "integration",
    }
    error = refusal(parse_data, ["version=1.0"], questions)
    assert error.code == ExitCode.USAGE
    assert "version is not a question of the template" in str(error)
    assert refusal(parse_data, ["_commit=v1"], questions).code == ExitCode.USAGE


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("Helpers", "Helpers"),
        ("  * A `fast` <lib>\n for x ", "A fast lib for x"),
        ("word " * 50, ("word " * 40).strip()),
    ],
)
def test_descriptions_are_cleaned_to_the_template_rule(text: str, cleaned: str) -> None:
    assert clean_description(text) == cleaned


# --- The summary --------------------------------------------------------------------------------


def test_a_red_check_names_what_failed_and_how_to_see_it() -> None:
    output = (
        "make[1]: *** [Makefile:52: lint] Error 1\nmake[1]: *** [Makefile:58: type] Error 1\n"
        "make: *** [Makefile:71: check] Error 2\n"
    )
    failed = project.failed_targets(output)
    assert failed == ["lint", "type"]
    report = summary.Report(
        project="/p",
        package_name="x",
        template="/t",
        ref="v1",
        branch="adopt-template",
        answers=Answers(),
        recorded={},
        defaults={},
        plan=Plan(changes=[Change("conflict", "README.md")]),
        applied=project.Applied("adopt-template", "main", "0" * 40),
        check=project.Check("red", failed, ".git/adopt-make-check.log"),
    )
    text = "\n".join(summary.summary(report))
    assert "make check: RED in lint, type" in text
    assert "`make lint`, `make type`" in text
    assert "Conflicts to resolve: 1\n  README.md" in text
    assert "Not committed: resolve the conflicts" in text


def test_what_is_left_to_a_person_is_found_in_the_project() -> None:
    read = metadata.read_metadata(SEED_PYPROJECT, no_files)
    left = summary.left_to_a_person(
        paths=[
            "pytest.ini",
            ".github/workflows/publish.yml",
            ".github/workflows/ci.yml",
            "Dockerfile",
        ],
        texts={
            "Dockerfile": "COPY ml_workbench/ /app/ml_workbench/\n",
            "docs/x.md": "src/ml_workbench/",
        },
        metadata=read,
        package=PACKAGE,
        repository_files=["docs/publishing.md", "pyproject.toml"],
        other_repositories=[],
        recorded={"tools_index": "default", "github_repository": "pheno/ml-workbench"},
        sources={"codeartifact_repository": "docs/publishing.md"},
        template="gh:acme/codeartifact-python-template",
    )
    text = "\n".join(left)
    assert "pytest.ini: pytest reads it instead of" in text
    assert "your workflows .github/workflows/publish.yml run beside" in text
    assert ".github/workflows/ci.yml run" not in text
    assert "Dockerfile still name ml_workbench/, now src/ml_workbench/" in text
    assert "docs/x.md" not in text
    assert "docs/publishing.md names the CodeArtifact repository" in text
    assert "github_repository is a guess (pheno/ml-workbench)" in text
    assert "copier's defaults were used" not in text
    assert "tools_index" not in text
    assert "_src_path" not in text


# --- The project: refusals before anything, and the undo -----------------------------------------


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A committed project with a pyproject.toml, on main."""
    root = tmp_path / "lib"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "lib"\nversion = "1.0"\n')
    (root / "lib").mkdir()
    (root / "lib" / "__init__.py").write_text("")
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "--message", "lib")
    return root


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ("dirty", "1 uncommitted change(s)"),
        ("answers", "already has .copier-answers.yml"),
        ("branch", "already has a branch adopt-template"),
        ("no pyproject", "no pyproject.toml: adoption reads PEP 621 or poetry metadata"),
        ("not git", "is not a git repository"),
    ],
)
def test_a_project_that_is_not_ready_is_refused_before_anything(
    repository: Path, change: str, says: str
) -> None:
    if change == "dirty":
        (repository / "notes.txt").write_text("draft")
    elif change == "answers":
        (repository / ".copier-answers.yml").write_text("_commit: v1\n")
        git(repository, "add", "--all")
        git(repository, "commit", "--quiet", "--message", "copier")
    elif change == "branch":
        git(repository, "branch", "adopt-template")
    elif change == "no pyproject":
        git(repository, "rm", "--quiet", "pyproject.toml")
        git(repository, "commit", "--quiet", "--message", "no pyproject")
    else:
        subprocess.run(["rm", "-rf", str(repository / ".git")], check=True)
    error = refusal(project.preflight, repository, "adopt-template")
    assert error.code == ExitCode.NOT_READY
    assert says in str(error)


def test_a_failure_half_way_puts_the_project_back(repository: Path) -> None:
    (repository / "blocked").write_text("a file where the plan needs a folder")
    git(repository, "add", "--all")
    git(repository, "commit", "--quiet", "--message", "blocked")
    before = git(repository, "rev-parse", "HEAD")
    broken = Plan(writes={"added.txt": b"x", "blocked/inside.txt": b"y"})
    error = refusal(
        project.apply,
        repository,
        broken,
        package=Package("lib", "lib"),  # moves to src/lib first: a commit to undo too
        branch="adopt-template",
        rendered=repository,
        message=("m", "b"),
    )
    assert error.code == ExitCode.FAILED
    assert "Nothing was changed: the branch adopt-template was deleted" in str(error)
    assert git(repository, "branch", "--show-current") == "main\n"
    assert git(repository, "branch", "--list", "adopt-template") == ""
    assert git(repository, "rev-parse", "HEAD") == before
    assert git(repository, "status", "--porcelain") == ""
    assert (repository / "lib" / "__init__.py").is_file()


# --- The name guard, for a project being adopted -------------------------------------------------


@pytest.fixture
def ext(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """hooks/copier_ext.py loaded the way copier-template-extensions loads it: by file path."""
    monkeypatch.setenv("NAME_GUARD_AWS", "none")
    saved_hook = sys.excepthook
    yield load_file(ROOT / "hooks" / "copier_ext.py", "copier_ext_adopt")
    sys.excepthook = saved_hook


def validate(ext: ModuleType, name: str, data: dict[str, str]) -> str:
    """package_name's check as copier runs it with --data (batch mode)."""
    environment = jinja2.Environment(extensions=[ext.NameGuardExtension])  # noqa: S701 - text
    context = {
        "codeartifact_domain": "acme",
        "aws_account_id": "123456789012",
        "aws_region": "eu-west-1",
        "codeartifact_repository": "python",
        "aws_profile": "",
        "name_prefix": "",
        "name_check_strict": False,
        "package_name": name,
        "_copier_conf": {
            "defaults": True,
            "data": {"package_name": name, **data},
            "dst_path": Path("/nonexistent/adopt"),
            "answers_file": Path(".copier-answers.yml"),
        },
    }
    return check_package_name(environment, context)


@pytest.mark.usefixtures("upstream")
def test_adoption_owns_a_name_the_repository_holds_and_a_new_project_does_not(
    ext: ModuleType, fake_aws: FakeCodeArtifact
) -> None:
    fake_aws.add_package("ml-workbench", ["0.0.1"])
    assert validate(ext, "ml-workbench", {"_adopt": "ml-workbench"}) == ""
    assert "DescribePackage" in fake_aws.operations()  # checked, not waved through
    refused = validate(ext, "ml-workbench", {})
    assert "already exists in CodeArtifact repository 'python'" in refused
    # `_adopt` names the package being adopted: another name is a new package's.
    other = validate(ext, "ml-workbench", {"_adopt": "something-else"})
    assert "already exists in" in other


@pytest.mark.usefixtures("fake_aws")
def test_adoption_still_refuses_a_name_only_the_public_upstream_has(
    ext: ModuleType, upstream: SimpleIndex
) -> None:
    refused = validate(ext, "requests", {"_adopt": "requests"})
    assert refused.startswith("package_name: requests exists on the public index")
    assert "make protect-name" in refused
    assert upstream.url + "requests/" in refused
