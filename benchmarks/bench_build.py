"""Builds and build contexts: balena_lab against what a user would use instead.

Three measurements, each side by side in one run on the same engine:

1. ``balena_lab.builder.build.build()`` against ``docker build`` (the Docker CLI, classic
   builder) on the same project, fully cached and with ``--no-cache``;
2. build-context packing: ``balena_lab.context.archive.create()`` against
   docker-py's own ``docker.utils.build.tar()`` on a large tree (20,000 files,
   hundreds of MB, most of it in an ignored ``node_modules``);
3. the same Dockerfile built natively (amd64) and under QEMU (aarch64).

Run:  .venv/bin/python benchmarks/bench_build.py [--repeat 10]
Needs the engine and the base images (``make images``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import docker.utils.build

from balena_lab.builder.build import build
from balena_lab.context import archive as build_context
from balena_lab.context import dockerignore
from balena_lab.engine.client import connect

SMALL_PROJECT = {
    "Dockerfile": (
        "FROM balena-lab/debian:bookworm-amd64\n"
        "RUN echo preparing > /prepared\n"
        "COPY app/ /usr/src/app/\n"
        'CMD ["cat", "/usr/src/app/main.txt"]\n'
    ),
    "app/main.txt": "hello\n",
}

CPU_BOUND = (
    "FROM balena-lab/debian:bookworm-{arch}\n"
    "RUN i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; echo $i\n"
)


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def docker_cli() -> str:
    return "/usr/bin/docker" if os.path.exists("/usr/bin/docker") else shutil.which("docker") or "docker"


def docker_build(path: Path, tag: str, *extra: str) -> None:
    subprocess.run([docker_cli(), "build", "-q", "-t", tag, *extra, str(path)], check=True,
                   capture_output=True, env={**os.environ, "DOCKER_BUILDKIT": "0"})


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def big_tree(root: Path, files: int = 20_000, ignored_share: float = 0.95) -> int:
    """A project with ``files`` files, most of them under an ignored node_modules."""
    payload = os.urandom(16_384)
    ignored = int(files * ignored_share)
    total = 0
    for i in range(files):
        if i < ignored:
            path = root / "node_modules" / f"pkg{i % 400}" / "lib" / f"f{i}.js"
            data = payload[: 4096 + (i % 7) * 2048]
        else:
            path = root / "src" / f"mod{i % 50}" / f"f{i}.py"
            data = payload[:1024]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        total += len(data)
    (root / "Dockerfile").write_text("FROM balena-lab/debian:bookworm-amd64\nCOPY . /app\n")
    (root / ".dockerignore").write_text("node_modules\n**/*.log\n.git\n")
    return total


def fmt(times: list[float]) -> str:
    return f"{statistics.median(times) * 1000:8.1f} ms (min {min(times) * 1000:.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    client = connect()
    rows: list[tuple[str, str, str, str]] = []

    with tempfile.TemporaryDirectory() as tmp:
        project = write(Path(tmp) / "small", SMALL_PROJECT)
        # Warm both caches once.
        build(project, "intel-nuc", client=client, tag="balena-lab/bench:lab")
        docker_build(project, "balena-lab/bench:cli")
        lab = timed(lambda: build(project, "intel-nuc", client=client, tag="balena-lab/bench:lab"),
                    args.repeat)
        cli = timed(lambda: docker_build(project, "balena-lab/bench:cli"), args.repeat)
        rows.append(("cached build, 4 steps", "balena_lab build()", fmt(lab), "docker build: " + fmt(cli)))
        n = max(3, args.repeat // 3)
        lab_u = timed(lambda: build(project, "intel-nuc", client=client, no_cache=True,
                                    tag="balena-lab/bench:lab"), n)
        cli_u = timed(lambda: docker_build(project, "balena-lab/bench:cli", "--no-cache"), n)
        rows.append(("uncached build, 4 steps", "balena_lab build()", fmt(lab_u),
                     "docker build --no-cache: " + fmt(cli_u)))

        tree = Path(tmp) / "big"
        size = big_tree(tree)
        patterns = [str(p) for p in dockerignore.read(tree / ".dockerignore")]

        def ours() -> None:
            archive, _ = build_context.create(tree)
            archive.close()

        def docker_py() -> None:
            docker.utils.build.tar(str(tree), exclude=list(patterns)).close()

        n = max(3, args.repeat // 2)
        rows.append((f"context of 20,000 files ({size / 1e6:.0f} MB, 95% ignored)",
                     "build_context.create()", fmt(timed(ours, n)),
                     "docker-py utils.build.tar(): " + fmt(timed(docker_py, n))))

        for arch in ("amd64", "aarch64"):
            write(Path(tmp) / arch, {"Dockerfile": CPU_BOUND.format(arch=arch)})
        device = {"amd64": "intel-nuc", "aarch64": "raspberrypi4-64"}
        native = timed(lambda: build(Path(tmp) / "amd64", device["amd64"], client=client,
                                     no_cache=True, tag="balena-lab/bench:native"), 3)
        emulated = timed(lambda: build(Path(tmp) / "aarch64", device["aarch64"], client=client,
                                       no_cache=True, tag="balena-lab/bench:emulated"), 3)
        rows.append(("shell loop of 300,000 steps", "native amd64", fmt(native),
                     "aarch64 under QEMU: " + fmt(emulated)))

    for tag in ("lab", "cli", "native", "emulated"):
        try:
            client.images.remove(f"balena-lab/bench:{tag}", force=True)
        except docker.errors.ImageNotFound:
            pass
    print("| measurement | balena_lab | median | compared with |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
