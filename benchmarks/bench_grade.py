"""Grading a class of 30: `balena_lab.exercises.grade()` against papermill one after another.

    .venv/bin/python benchmarks/bench_grade.py [--size 30] [--jobs 2] [--timeout SECONDS]

A class is generated from the reference solution and the starter of one
exercise (default ``dockerfile-basics``: a real amd64 build and run per
answer): mostly correct answers, then wrong, untouched, failing builds, cells
that raise, deleted cells, invalid JSON, two endless loops and one kernel
that dies.  The time limit is the exercise's own (``--timeout`` overrides it).  In the same run it is graded three ways:

- ``grade(jobs=N)``: the grader (a worker process and kernel per submission,
  N at a time; checks run in the worker, images removed at the end);
- ``grade(jobs=1)``: the same, one at a time, to separate the gain of
  parallelism from the cost of the worker processes;
- papermill, one notebook after another in one process: each submission
  executed as is, its own self-check cell doing the same checks in the
  kernel (an endless loop stopped by papermill's per-cell timeout).

Kernel start-up is the time from papermill's start of a notebook to the
start of its first cell, read from the executed notebooks.
"""

from __future__ import annotations

import argparse
import logging
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from balena_lab.engine.client import connect
from balena_lab.exercises import get_exercise, grade
from balena_lab.exercises.notebook import inspect_executed
from tests.exercises.classgen import write_class

logging.getLogger("papermill").setLevel(logging.ERROR)


def class_kinds(size: int) -> list[str]:
    """Half the class broken in every way (two endless loops, a kernel that dies), the
    other half correct."""
    broken = ["wrong", "untouched", "failing-build", "cell-error", "deleted-answer",
              "broken-json", "reordered", "wrong", "untouched", "failing-build", "broken-json"]
    broken = broken[: max(0, size // 2 - 3)] + ["infinite-loop", "infinite-loop",
                                                 "crashed-kernel"]
    kinds = broken + ["correct"] * max(0, size - len(broken))
    return kinds[:size]


def sequential_papermill(folder: Path, out: Path, timeout: float) -> tuple[float, list[float],
                                                                        list[float]]:
    out.mkdir(parents=True, exist_ok=True)
    times, kernels = [], []
    started = time.monotonic()
    for path in sorted(folder.iterdir()):
        begun = time.monotonic()
        target = out / (path.stem + ".ipynb")
        try:
            papermill.execute_notebook(str(path), str(target), kernel_name="balena-lab",
                                       progress_bar=False, execution_timeout=int(timeout),
                                       cwd=str(out))
        except Exception as error:  # noqa: BLE001 - broken submissions: what a teacher's loop meets
            print(f"  papermill: {path.name}: {type(error).__name__}", file=sys.stderr)
        times.append(time.monotonic() - begun)
        try:
            facts = inspect_executed(nbformat.read(str(target), as_version=4))
            if facts.kernel_start is not None:
                kernels.append(facts.kernel_start)
        except (OSError, ValueError):
            pass
    return time.monotonic() - started, times, kernels


def row(name: str, wall: float, times: list[float], kernels: list[float], size: int) -> str:
    return (f"| {name} | {wall:.1f} s | {wall / size:.2f} s | {statistics.median(times):.2f} s | "
            f"{max(times):.1f} s | {statistics.median(kernels):.2f} s |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds per notebook (default: the exercise's time limit)")
    parser.add_argument("--exercise", default="dockerfile-basics")
    parser.add_argument("--skip-serial-grade", action="store_true")
    args = parser.parse_args()
    kinds = class_kinds(args.size)
    timeout = args.timeout or get_exercise(args.exercise).time_limit
    print(f"class of {len(kinds)}: " + ", ".join(f"{kinds.count(k)} {k}"
                                                for k in dict.fromkeys(kinds)))
    with tempfile.TemporaryDirectory(prefix="bench-grade-") as scratch:
        root = Path(scratch)
        write_class(root / "class", args.exercise, kinds)
        rows = []
        report = grade(root / "class", args.exercise, jobs=args.jobs, output_dir=root / "g",
                       timeout=timeout)
        print(report.summary())
        times = [r.seconds for r in report.results]
        kernels = [r.kernel_start for r in report.results if r.kernel_start is not None]
        rows.append(row(f"`grade(jobs={args.jobs})`", report.wall_seconds, times, kernels,
                        len(kinds)))
        if not args.skip_serial_grade:
            serial = grade(root / "class", args.exercise, jobs=1, output_dir=root / "g1",
                           timeout=timeout)
            rows.append(row("`grade(jobs=1)`", serial.wall_seconds,
                            [r.seconds for r in serial.results],
                            [r.kernel_start for r in serial.results if r.kernel_start is not None],
                            len(kinds)))
        wall, seq_times, seq_kernels = sequential_papermill(root / "class", root / "pm",
                                                            timeout)
        rows.append(row("papermill, one after another", wall, seq_times, seq_kernels,
                        len(kinds)))
        client = connect()
        # the self-check cells' images (tagged, and the untagged ones each retag left)
        for image in client.images.list(filters={"label": "io.balena-lab.submission=self-check"}):
            client.images.remove(image.id, force=True)
    print(f"\n{platform.node()}: Python {platform.python_version()}, {args.jobs} jobs, "
          f"timeout {timeout:g} s, exercise {args.exercise}\n")
    print("| run | wall time | wall / submission | median per submission | slowest | "
          "median kernel start |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
