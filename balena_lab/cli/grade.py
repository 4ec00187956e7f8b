"""``balena-lab grade SUBMISSIONS_DIR --exercise NAME``: grade a class, write the report."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from ..exercises.limits import DEFAULT_BUILD_TIMEOUT, DEFAULT_TIMEOUT, ENGINE_WAIT

if TYPE_CHECKING:
    from ..exercises.submission import SubmissionResult
from ._output import print_json


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "grade", help="run every submitted notebook in its own kernel and write a class report")
    parser.add_argument("submissions", metavar="SUBMISSIONS_DIR")
    parser.add_argument("--exercise", required=True, metavar="NAME",
                        help="the exercise, by name or by its notebook's file name "
                        "(templates-mixed-fleet or 04-templates-mixed-fleet)")
    parser.add_argument("--jobs", type=int, default=2, help="submissions graded at once (2)")
    parser.add_argument("--output", metavar="DIR",
                        help="report and executed copies (default: SUBMISSIONS_DIR-graded)")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds each notebook may run (default: the exercise's own "
                        f"limit, {DEFAULT_TIMEOUT:g} s unless it declares one; "
                        "`exercise list` shows them)")
    parser.add_argument("--build-timeout", type=float, default=DEFAULT_BUILD_TIMEOUT,
                        help="seconds each build inside a check may take "
                             f"(default {DEFAULT_BUILD_TIMEOUT:g})")
    parser.add_argument("--engine-wait", type=float, default=ENGINE_WAIT, metavar="SECONDS",
                        help="how long to wait for a Docker engine that stopped answering, "
                        "to grade its submissions again (default "
                        f"{ENGINE_WAIT:g}); exit status 3 if some stay ungraded")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="run each notebook in a kernel of this machine instead of a "
                        "container of its own (the learners' code then has your privileges)")
    parser.add_argument("--keep-images", action="store_true",
                        help="keep the images built while grading (labelled per submission)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..exercises.grading import grade

    def progress(result: SubmissionResult) -> None:
        if not args.json:
            print(f"  {result.learner}: {result.passed}/{result.total} {result.status}",
                  file=sys.stderr, flush=True)

    def waiting(message: str) -> None:
        print(f"balena-lab: {message}", file=sys.stderr, flush=True)

    try:
        report = grade(args.submissions, args.exercise, jobs=args.jobs, output_dir=args.output,
                       timeout=args.timeout, keep_images=args.keep_images, on_result=progress,
                       build_timeout=args.build_timeout, engine_wait=args.engine_wait,
                       on_wait=waiting, sandbox=not args.no_sandbox)
    except KeyboardInterrupt:
        print("balena-lab: interrupted: the workers and their kernels are stopped, the run's "
              "images removed; what was graded is in report.partial.html", file=sys.stderr)
        return 130
    status = ENGINE_FAILED if report.engine_errors else 0
    if args.json:
        print_json(report.to_dict())
        return status
    print("\n".join(report.lines()))
    print(report.summary())
    print(f"report: {report.output_dir}/report.html and report.csv")
    return status


#: Exit status when the engine left submissions ungraded (1 and 2 are errors and usage).
ENGINE_FAILED = 3
