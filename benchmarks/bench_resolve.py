"""resolve() against balena's own resolver over the oracle corpus, per project, both warm.

    .venv/bin/python benchmarks/bench_resolve.py [--repeat N] [--device-type SLUG]
    .venv/bin/python benchmarks/bench_resolve.py --generated 500 [--repeat N] [--seed S]

The second form times projects nobody wrote by hand: ``tests/oracle/generate.py``'s
projects (their own device type, arch, specified dockerfile and variables), drawn
with a fixed seed, summarized by the builder's outcome.

balena_lab reads the project folder from disk each call; balena's resolver
(@balena/compose 8.0.5, run by tests/oracle/resolve.js) gets the project as an
in-memory tar, as balena CLI streams it. Each side runs once to warm up, then
N timed runs; the per-project mean is reported in milliseconds.
Needs scripts/install-oracle.sh for the balena column (else it is skipped).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from balena_lab.catalog.devicetypes import get_device_type
from balena_lab.errors import ResolutionError
from balena_lab.resolution.nodejs import node_versions
from balena_lab.resolution.resolver import resolve
from tests.oracle._oracle import Oracle, missing_reason, pack
from tests.oracle.corpus import CORPUS
from tests.oracle.generate import GeneratedProject


def time_ours(folder: Path, device_type: str, dockerfile: str | None,
              variables: dict[str, str], repeat: int) -> tuple[float, str]:
    def once() -> str:
        try:
            return resolve(folder, device_type, dockerfile=dockerfile, variables=variables).kind
        except ResolutionError as error:
            return error.type
    outcome = once()  # warm-up
    start = time.perf_counter()
    for _ in range(repeat):
        once()
    return (time.perf_counter() - start) * 1000 / repeat, outcome


def time_ours_arch(project: GeneratedProject, folder: Path, repeat: int) -> tuple[float, str]:
    def once() -> str:
        try:
            return resolve(folder, project.device_type, project.arch,
                           dockerfile=project.dockerfile, variables=project.variables).kind
        except ResolutionError as error:
            return error.type
    outcome = once()
    start = time.perf_counter()
    for _ in range(repeat):
        once()
    return (time.perf_counter() - start) * 1000 / repeat, outcome


def draw_projects(count: int, seed: int) -> list[GeneratedProject]:
    """``count`` generated projects, the same ones for the same seed."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as fixed_seed

    from tests.oracle.generate import projects

    drawn: list[GeneratedProject] = []

    @fixed_seed(seed)
    @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(project=projects())
    def collect(project: GeneratedProject) -> None:
        drawn.append(project)

    collect()
    return drawn[:count]


def run_generated(args: argparse.Namespace, oracle: Oracle | None) -> int:
    projects = draw_projects(args.generated, args.seed)
    versions = list(node_versions())
    by_outcome: dict[str, list[tuple[float, float | None]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for number, project in enumerate(projects):
            folder = project.write(Path(tmp) / str(number))
            ours_ms, outcome = time_ours_arch(project, folder, args.repeat)
            theirs_ms = None
            if oracle is not None:
                tar = Path(tmp) / f"{number}.tar"
                tar.write_bytes(pack(folder))
                theirs_ms = oracle.resolve(
                    tar, project.device_type, project.arch,
                    dockerfile=project.dockerfile or None,
                    variables={"BALENA_SERVICE_NAME": "main", **project.variables},
                    node_versions=versions, repeat=args.repeat)["ms"]
            by_outcome.setdefault(outcome, []).append((ours_ms, theirs_ms))
    print(f"{len(projects)} generated projects (seed {args.seed}), {args.repeat} warm runs each\n")
    print(f"{'outcome':22} {'projects':>8} {'balena_lab ms':>14} {'balena ms':>10} {'ratio':>6}")
    rows = sorted(by_outcome.items(), key=lambda item: -len(item[1]))
    for outcome, times in [*rows, ("all", [t for _, ts in rows for t in ts])]:
        ours_median = statistics.median(t[0] for t in times)
        theirs = [t[1] for t in times if t[1] is not None]
        theirs_median = statistics.median(theirs) if theirs else None
        theirs_text = f"{theirs_median:10.3f}" if theirs_median is not None else f"{'-':>10}"
        ratio = f"{theirs_median / ours_median:6.1f}" if theirs_median else f"{'-':>6}"
        print(f"{outcome:22} {len(times):8} {ours_median:14.3f} {theirs_text} {ratio}")
    print("\n(medians per project; balena_lab reads the folder from disk, balena gets the tar)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--device-type", default="raspberrypi3")
    parser.add_argument("--generated", type=int, metavar="N",
                        help="time N generated projects instead of the corpus")
    parser.add_argument("--seed", type=int, default=12, help="the generated set's seed")
    args = parser.parse_args()
    if args.generated:
        reason = missing_reason()
        oracle = Oracle() if reason is None else None
        if reason:
            print(f"(balena column skipped: {reason})")
        try:
            return run_generated(args, oracle)
        finally:
            if oracle is not None:
                oracle.close()
    device = get_device_type(args.device_type)
    reason = missing_reason()
    oracle = Oracle() if reason is None else None
    if reason:
        print(f"(balena column skipped: {reason})")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for project in CORPUS:
            folder = project.write(root / "projects")
            tar = root / f"{project.name}.tar"
            tar.write_bytes(pack(folder))
            ours_ms, outcome = time_ours(folder, device.slug, project.dockerfile,
                                         project.variables, args.repeat)
            theirs_ms = None
            if oracle is not None:
                theirs = oracle.resolve(
                    tar, device.slug, device.arch, dockerfile=project.dockerfile,
                    variables={"BALENA_SERVICE_NAME": "main", **project.variables},
                    node_versions=list(node_versions()), repeat=args.repeat)
                theirs_ms = theirs["ms"]
            rows.append((project.name, outcome, ours_ms, theirs_ms))
    if oracle is not None:
        oracle.close()

    print(f"device type {device.slug} ({device.arch}), {args.repeat} warm runs per project\n")
    print(f"{'project':34} {'outcome':20} {'balena_lab ms':>13} {'balena ms':>10} {'ratio':>6}")
    for name, outcome, ours_ms, theirs_ms in rows:
        theirs_text = f"{theirs_ms:10.3f}" if theirs_ms is not None else f"{'-':>10}"
        ratio = f"{theirs_ms / ours_ms:6.1f}" if theirs_ms else f"{'-':>6}"
        print(f"{name:34} {outcome:20} {ours_ms:13.3f} {theirs_text} {ratio}")
    ours_all = [r[2] for r in rows]
    print(f"\nbalena_lab: median {statistics.median(ours_all):.3f} ms, "
          f"max {max(ours_all):.3f} ms over {len(rows)} projects")
    theirs_all = [r[3] for r in rows if r[3] is not None]
    if theirs_all:
        print(f"balena:     median {statistics.median(theirs_all):.3f} ms, "
              f"max {max(theirs_all):.3f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
