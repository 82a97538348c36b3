"""The named answer sets every render test draws from: defaults, the extremes, each option value."""

from __future__ import annotations

from typing import Any

# Each set is rendered into a folder named after its package, so `defaults` gets `acme-widgets`.
ANSWER_SETS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "everything-off": {
        "with_cli": False,
        "with_docs": False,
        "python_min": "3.13",
    },
    "everything-on": {
        "aws_account_id": "000123456789",
        "aws_region": "us-east-2",
        "codeartifact_domain": "acme-corp",
        "codeartifact_repository": "python-internal",
        "aws_profile": "integration",
        "name_prefix": "acme-",
        "name_check_strict": True,
        "package_name": "acme-data.tools",
        # Odd but valid free text: it must survive TOML, YAML, Markdown, the docstring and the
        # package metadata, and the project still builds and passes its own checks.
        "description": "Tools for the ACME data platform: 'ETL' & reports, naïve #1 in 2025",
        "author_name": "Zoë O'Brien-Smith, Jr.",
        "author_email": "zoe.o'brien+data@acme-corp.example.com",
        "team": "data-platform",
        "github_repository": "acme-corp/data-tools",
        "python_min": "3.10",
        "license": "Apache-2.0",
        "with_cli": True,
        "with_docs": True,
    },
    "mit-py311": {"license": "MIT", "python_min": "3.11", "package_name": "Acme_Utils"},
    "py314": {"python_min": "3.14", "with_docs": False},
    # Releases staged in the organisation stack's staging repository, then promoted.
    "staged": {"codeartifact_staging_repository": "python-staging"},
}

# The sets whose generated project also runs its own make targets, builds and installs.
FULL_SETS = ("defaults", "everything-on")
