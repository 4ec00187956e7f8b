"""``balena-lab explain FILE``: every instruction of a Dockerfile, in the page's words."""

from __future__ import annotations

import argparse
from typing import Any

from ..dockerfile import parse_file
from ..dockerfile.explain import explain
from ._output import print_json


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "explain",
        help="explain each instruction of a Dockerfile",
        description="Explain each instruction of a Dockerfile: what it does, and what this "
        "line does (FROM, RUN, ADD, COPY and CMD in the words of balena's page).",
    )
    parser.add_argument("file", metavar="FILE", help="the Dockerfile; - reads standard input")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    explanation = explain(parse_file(args.file))
    if args.json:
        print_json(explanation.to_dict())
    else:
        print(explanation, end="")
    return 0
