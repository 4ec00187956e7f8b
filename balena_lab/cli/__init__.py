"""The ``balena-lab`` command line: parses arguments and calls the library.

Each subcommand is one module in this package exposing::

    def add_parser(subparsers) -> None      # declares its arguments
    def run(args: argparse.Namespace) -> int  # calls the library, returns the exit code

``main()`` only dispatches, and lazily: it imports the module of the one
subcommand named on the command line and nothing else, so ``balena-lab
--version`` or ``lint`` never pays for the Docker SDK, papermill or the
widgets.  A subcommand module imports the library inside ``run()`` where
that library is heavy.  Every :class:`~balena_lab.errors.BalenaLabError` that
escapes a subcommand is printed as one clear message (exit status 2); other
exceptions are bugs and keep their traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Sequence

from .._version import __version__
from ..errors import BalenaLabError

# Subcommand -> (the module of this package that implements it, its one-line
# help), in the order `balena-lab --help` lists them.  The help is here so
# that the top-level help needs no subcommand module.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "doctor": ("doctor", ("check Python, the Docker engine, QEMU, base images, JupyterLab "
                          "and the kernel")),
    "images": ("images", "make, list and prune balena_lab's local base images"),
    "devices": ("devices", "list balena's device types, or find one by what you call it"),
    "explain": ("explain", "explain each instruction of a Dockerfile"),
    "lint": ("lint", "lint a Dockerfile (exit 1 on errors)"),
    "resolve": ("resolve", "which Dockerfile balena builds for a device type, and what it says"),
    "compose": ("compose", "the generated or validated docker-compose.yml of a project"),
    "build": ("build", "build a project for a device type on the local engine"),
    "run": ("container", ("run an image's CMD (or a command) in a container that is then "
                          "removed")),
    "up": ("up", "build a release and run it as balena's Supervisor would, or update it"),
    "down": ("down", "remove a release's containers, volumes, network and lock folders"),
    "exercise": ("exercise", "list the exercises, or run one notebook and check it"),
    "grade": ("grade", ("run every submitted notebook in its own kernel and write a class "
                        "report")),
    "class": ("classroom", "run a class on one server: learners' accounts and JupyterHub"),
}

EXIT_USAGE_OR_INPUT = 2


def _named_command(words: Sequence[str]) -> str | None:
    """The subcommand the words name: the first word that is not an option."""
    for word in words:
        if not word.startswith("-"):
            return word if word in SUBCOMMANDS else None
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``only``, the arguments of that one subcommand and the others'
    names and help (enough for ``--help`` and for a usage error naming them)."""
    parser = argparse.ArgumentParser(
        prog="balena-lab",
        description="Learn how balena defines containers: explain, resolve, build and run.",
    )
    parser.add_argument("--version", action="version", version=f"balena-lab {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        if only is None or name == only:
            module = importlib.import_module(f"{__name__}.{module_name}")
            module.add_parser(subparsers)
        else:
            subparsers.add_parser(name, help=help_text, add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # Everything after a bare "--" belongs to the subcommand as it is (a command to run).
    words = list(sys.argv[1:] if argv is None else argv)
    rest: list[str] = []
    if "--" in words:
        cut = words.index("--")
        words, rest = words[:cut], words[cut + 1:]
    command = _named_command(words)
    parser = build_parser(only=command or "")
    args = parser.parse_args(words)
    args.rest = rest
    if not getattr(args, "run", None):
        parser.print_help()
        return EXIT_USAGE_OR_INPUT
    try:
        return int(args.run(args))
    except BalenaLabError as error:
        print(f"balena-lab: error: {error}", file=sys.stderr)
        if getattr(args, "json", False):  # --json answers with one object, errors included
            print(json.dumps({"error": error.to_dict()}, indent=2))
        return EXIT_USAGE_OR_INPUT
    except KeyboardInterrupt:
        print("balena-lab: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `balena-lab resolve --json | head`: the reader left.  Point stdout at
        # /dev/null so that the interpreter's last flush cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
