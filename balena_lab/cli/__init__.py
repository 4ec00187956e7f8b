"""The ``balena-lab`` command line: parses arguments and calls the library.

Each subcommand is one module in this package exposing::

    def add_parser(subparsers) -> None      # declares its arguments
    def run(args: argparse.Namespace) -> int  # calls the library, returns the exit code

``main()`` only dispatches.  Every :class:`~balena_lab.errors.BalenaLabError`
that escapes a subcommand is printed as one clear message (exit status 2);
other exceptions are bugs and keep their traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from .._version import __version__
from ..errors import BalenaLabError

# Subcommand -> the module of this package that implements it, in the order
# `balena-lab --help` lists them.
SUBCOMMANDS: dict[str, str] = {
    "doctor": "doctor",
    "images": "images",
    "explain": "explain",
    "lint": "lint",
    "resolve": "resolve",
    "compose": "compose",
    "build": "build",
    "run": "container",
    "exercise": "exercise",
    "grade": "grade",
}

EXIT_USAGE_OR_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="balena-lab",
        description="Learn how balena defines containers: explain, resolve, build and run.",
    )
    parser.add_argument("--version", action="version", version=f"balena-lab {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in SUBCOMMANDS.values():
        module = importlib.import_module(f"{__name__}.{module_name}")
        module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    # Everything after a bare "--" belongs to the subcommand as it is (a command to run).
    words = list(sys.argv[1:] if argv is None else argv)
    rest: list[str] = []
    if "--" in words:
        cut = words.index("--")
        words, rest = words[:cut], words[cut + 1:]
    args = parser.parse_args(words)
    args.rest = rest
    if not getattr(args, "run", None):
        parser.print_help()
        return EXIT_USAGE_OR_INPUT
    try:
        return int(args.run(args))
    except BalenaLabError as error:
        print(f"balena-lab: error: {error}", file=sys.stderr)
        return EXIT_USAGE_OR_INPUT
    except KeyboardInterrupt:
        print("balena-lab: interrupted", file=sys.stderr)
        return 130
