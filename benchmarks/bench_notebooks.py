"""The masterclass notebooks under nbval: wall time of the whole suite, warm image cache.

What a teacher waits for when rerunning notebooks in class: every notebook
``notebooks/0[1-7]-*.ipynb`` run top to bottom by ``pytest --nbval-lax`` (as
``tests/notebooks/test_notebooks.py`` does), with the committed parameters
(``raspberrypi4-64``: ARM, built under QEMU) or another device type.

A warm-up run first makes every image (stand-ins included) so the timed runs
measure a warm cache, as in a class after ``make masterclass``. Then:

- the whole suite in one nbval run (one pytest process, one kernel per
  notebook), ``--repeat`` times: the wall time;
- per notebook, the sum of its cells' times from nbval's JUnit report (kernel
  start-up excluded).

Run:  .venv/bin/python benchmarks/bench_notebooks.py [--repeat 3] [--device-type SLUG]
Needs the engine and the base images (``make images``).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"


def _with_device_type(folder: Path, device_type: str | None) -> list[Path]:
    """The masterclass notebooks, rewritten for ``device_type`` in ``folder`` if given."""
    paths = sorted(NOTEBOOKS.glob("0[1-9]-*.ipynb"))
    if device_type is None:
        return paths
    out = []
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        cell = next(c for c in notebook.cells if "parameters" in c.metadata.get("tags", []))
        cell.source += f"\ndevice_type = {device_type!r}\n"
        target = folder / path.name
        nbformat.write(notebook, target)
        out.append(target)
    # The notebooks find their example projects next to them (read only); see
    # balena_lab.lessons.projects for the other places they look.
    (folder / "projects").symlink_to(NOTEBOOKS / "projects")
    return out


def run_suite(paths: list[Path], junit: Path) -> float:
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-c", "/dev/null", "--rootdir", str(paths[0].parent),
         "-p", "no:cacheprovider", "-q", "--nbval-lax",
         f"--junitxml={junit}", *map(str, paths)],
        cwd=paths[0].parent, capture_output=True, text=True, check=False,
    )
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        sys.exit(f"nbval failed:\n{completed.stdout[-4000:]}")
    return elapsed


def per_notebook(junit: Path) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    for case in ET.parse(junit).getroot().iter("testcase"):
        totals[case.get("classname", "").split("/")[-1]] += float(case.get("time", 0))
    return dict(totals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--device-type", help="override the notebooks' device_type parameter")
    parser.add_argument("--no-warm-up", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-nb-") as scratch:
        folder = Path(scratch)
        paths = _with_device_type(folder, args.device_type)
        if not args.no_warm_up:
            print(f"warm-up: {run_suite(paths, folder / 'warm.xml'):.1f} s")
        times: list[float] = []
        cells: dict[str, list[float]] = defaultdict(list)
        for index in range(args.repeat):
            junit = folder / f"run{index}.xml"
            times.append(run_suite(paths, junit))
            for name, seconds in per_notebook(junit).items():
                cells[name].append(seconds)
    print(f"\nwhole suite under nbval ({len(paths)} notebooks, {args.repeat} runs): "
          f"median {statistics.median(times):.1f} s, min {min(times):.1f} s, "
          f"max {max(times):.1f} s")
    print("\nper notebook, cells only (median s):")
    for name in sorted(cells):
        print(f"  {name:40} {statistics.median(cells[name]):6.1f}")


if __name__ == "__main__":
    main()
