"""resolve() against balena's own resolver over the oracle corpus, per project, both warm.

    .venv/bin/python benchmarks/bench_resolve.py [--repeat N] [--device-type SLUG]

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--device-type", default="raspberrypi3")
    args = parser.parse_args()
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
