"""The ``balena-lab`` command as a person types it: whole processes, side by side.

Each row is a whole process started the way a user starts it (the installed
``balena-lab`` script), timed from exec to exit, against what that user would
run instead, in the same run on the same machine:

- ``balena-lab --version``, ``lint`` and ``explain`` against ``hadolint`` on the
  same Dockerfile (target: at most 10x hadolint);
- ``balena-lab resolve`` (target: within 0.2 s);
- a cached one-step ``balena-lab build`` against ``balena build`` of the same
  project (balena CLI, when ``--balena PATH`` names it) and ``docker build``
  (target: at most 0.75x ``balena build``, or ``docker build`` + 0.3 s where the
  balena CLI cannot be installed).

Run:  .venv/bin/python benchmarks/bench_cli.py [--repeat 20] [--balena PATH]
Needs ``make images`` for the build rows (skipped without an engine).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DOCKERFILE = ROOT / "notebooks" / "projects" / "template-arch" / "Dockerfile.template"
PROJECT = ROOT / "notebooks" / "projects" / "template-arch"
ONE_STEP = "FROM balena-lab/debian:bookworm-amd64\nCMD [\"cat\", \"/etc/os-release\"]\n"


def timed(command: list[str], repeat: int, env: dict[str, str] | None = None) -> list[float]:
    """Wall times of ``repeat`` runs of ``command`` after one warm-up run.

    Exit statuses are not judged (a linter exits 1 on findings); a command that
    cannot run at all is.
    """
    warm = subprocess.run(command, capture_output=True, env=env, check=False)
    if warm.returncode not in (0, 1):
        raise SystemExit(f"{command[0]} failed: {warm.stderr.decode()[-500:]}")
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, env=env, check=False)
        times.append(time.perf_counter() - started)
    return times


def row(name: str, times: list[float], baseline: float | None = None) -> str:
    median = statistics.median(times)
    ratio = f"{median / baseline:5.1f}x" if baseline else "     "
    return f"| {name:<44} | {median * 1000:8.1f} ms | {min(times) * 1000:8.1f} ms | {ratio} |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--balena", help="the balena CLI (e.g. node_modules/.bin/balena)")
    args = parser.parse_args()
    cli = str(BIN / "balena-lab")
    hadolint = shutil.which("hadolint", path=str(BIN)) or shutil.which("hadolint")
    print("| command | median | fastest | vs first row |")
    print("|---|---:|---:|---:|")
    base = None
    if hadolint:
        times = timed([hadolint, str(DOCKERFILE)], args.repeat)
        base = statistics.median(times)
        print(row("hadolint Dockerfile.template", times))
    for name, command in [
        ("balena-lab --version", [cli, "--version"]),
        ("balena-lab lint Dockerfile.template", [cli, "lint", str(DOCKERFILE)]),
        ("balena-lab explain Dockerfile.template", [cli, "explain", str(DOCKERFILE)]),
        ("balena-lab resolve DIR --device-type raspberrypi4-64",
         [cli, "resolve", str(PROJECT), "--device-type", "raspberrypi4-64"]),
        ("balena-lab resolve DIR --matrix", [cli, "resolve", str(PROJECT), "--matrix"]),
    ]:
        print(row(name, timed(command, args.repeat), base))
    docker = shutil.which("docker")
    if docker is None or subprocess.run([docker, "info"], capture_output=True, check=False).returncode:
        print("\n(no engine: build rows skipped)")
        return 0
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder) / "one-step"
        project.mkdir()
        (project / "Dockerfile").write_text(ONE_STEP)
        env = {**os.environ, "DOCKER_BUILDKIT": "0"}
        docker_times = timed([docker, "build", "-q", "-t", "bench-cli/docker:one-step",
                              str(project)], args.repeat, env)
        baseline = statistics.median(docker_times)
        print(row("docker build (cached, one step)", docker_times))
        target = baseline
        if args.balena:
            balena_times = timed([args.balena, "build", str(project), "--deviceType",
                                  "genericx86-64-ext", "--arch", "amd64", "--emulated"],
                                 args.repeat, env)
            print(row("balena build (cached, one step)", balena_times, baseline))
            target = statistics.median(balena_times)  # the target: 0.75x balena build
        ours = timed([cli, "build", str(project), "--device-type", "genericx86-64-ext",
                      "--tag", "bench-cli/balena-lab:one-step"], args.repeat)
        print(row("balena-lab build (cached, one step)", ours, target))
        print(f"\ndocker build + 0.3 s = {(baseline + 0.3) * 1000:.1f} ms")
        for tag in ("bench-cli/docker:one-step", "bench-cli/balena-lab:one-step"):
            subprocess.run([docker, "rmi", "-f", tag], capture_output=True, check=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
