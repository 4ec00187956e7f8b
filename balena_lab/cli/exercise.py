"""``balena-lab exercise``: list the exercises, or run one notebook and print its checks."""

from __future__ import annotations

import argparse
import ast
from typing import Any

from ..exercises.limits import DEFAULT_TIMEOUT
from ._output import print_json

EXIT_FAILED_CHECKS = 1
EXIT_NOT_RUN = 3  # the notebook could not be read, timed out, or its kernel died


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("exercise", help="run an exercise notebook and check it")
    commands = parser.add_subparsers(dest="exercise_command", metavar="ACTION")
    listing = commands.add_parser("list", help="the exercises and their starter notebooks")
    listing.set_defaults(run=run_list)
    one = commands.add_parser("run", help="run NOTEBOOK with papermill, then print its checks")
    one.add_argument("notebook", metavar="NOTEBOOK")
    one.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                     metavar=("NAME", "VALUE"), help="a notebook parameter (check_builds False)")
    one.add_argument("--exercise", metavar="NAME", help="default: the notebook's own")
    one.add_argument("--timeout", type=float, default=None,
                     help="seconds the notebook may run (default: the exercise's own limit, "
                     f"{DEFAULT_TIMEOUT:g} s unless it declares one)")
    one.add_argument("--output", metavar="DIR", help="keep the executed copy in DIR")
    one.add_argument("--keep-images", action="store_true",
                     help="keep the images the checks built (labelled per notebook)")
    one.add_argument("--json", action="store_true", help="print the result as JSON")
    one.set_defaults(run=run)
    parser.set_defaults(run=lambda args: parser.print_help() or 2)


def _value(text: str) -> Any:
    """papermill's -p convention: Python literals (True, 3, 'x'), else the text itself."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, RecursionError, MemoryError):  # deep nesting too
        return text


def run_list(args: argparse.Namespace) -> int:
    from ..exercises.catalog import all_exercises

    for exercise in all_exercises():
        print(f"{exercise.name:<24} {exercise.section:<30} {exercise.time_limit:>4g} s  "
              f"notebooks/exercises/{exercise.notebook}")
    return 0


def run(args: argparse.Namespace) -> int:
    from ..exercises.headless import run_notebook

    parameters = {name: _value(value) for name, value in args.parameter}
    result = run_notebook(args.notebook, exercise=args.exercise, parameters=parameters,
                          timeout=args.timeout, output_dir=args.output,
                          keep_images=args.keep_images)
    if args.json:
        print_json(result.to_dict())
    else:
        print(f"{result.file}: {result.status}: {result.message}")
        for note in result.notes:
            print(f"  note: {note}")
        print(result.report)
    if result.status != "graded":
        return EXIT_NOT_RUN
    return 0 if result.report.all_passed else EXIT_FAILED_CHECKS
