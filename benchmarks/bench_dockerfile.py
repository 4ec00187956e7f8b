"""Benchmark: balena_lab's Dockerfile parser and linter against the two parsers on PyPI.

    .venv/bin/python benchmarks/bench_dockerfile.py [--repeat 200] [--big-lines 5000]

Times, in one run on the same inputs:

* ``balena_lab.dockerfile.parse`` and ``parse`` + ``lint`` (+ ``explain``),
* ``dockerfile-parse`` (``DockerfileParser(fileobj=...).structure``; regex based),
* ``dockerfile`` (``parse_string``; BuildKit's Go parser through a C extension),

on a big generated Dockerfile (thousands of lines) and on the small Dockerfiles
of the test corpus that all three accept.  Prints a Markdown table for
benchmarks/README.md.  Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import io
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import dockerfile
from dockerfile_parse import DockerfileParser

from balena_lab.dockerfile import parse
from balena_lab.dockerfile.explain import explain
from balena_lab.lint import lint

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "dockerfile" / "corpus"
TYPICAL = CORPUS / "balena-node-template.Dockerfile"

_BLOCK = """\
# stage {n}: build tools
FROM debian:bookworm AS stage{n}
ARG VERSION_{n}=1.{n}
ENV APP_{n}=/opt/app{n} \\
    LANG=C.UTF-8
RUN apt-get update \\
    # the compilers
    && apt-get install -y --no-install-recommends build-essential curl \\
    && rm -rf /var/lib/apt/lists/*
COPY --chown=1000:1000 src/ /opt/app{n}/
ADD https://example.com/tool-{n}.tar.gz /opt/
WORKDIR /opt/app{n}
RUN ["make", "-j4", "install"]
LABEL io.balena.example="{n}" version="1.{n}"
EXPOSE 80{n}
CMD ["node", "/opt/app{n}/main.js"]
"""


def big_dockerfile(lines: int) -> str:
    blocks = []
    n = 0
    while sum(b.count("\n") for b in blocks) < lines:
        blocks.append(_BLOCK.format(n=n % 100))
        n += 1
    return "\n".join(blocks)


def _dockerfile_parse(text: str) -> object:
    return DockerfileParser(fileobj=io.BytesIO(text.encode()), env_replace=False).structure


TOOLS: dict[str, Callable[[str], object]] = {
    "balena_lab parse": parse,
    "balena_lab parse+lint": lambda text: lint(parse(text)),
    "balena_lab parse+lint+explain": lambda text: (lint(d := parse(text)), explain(d)),
    "dockerfile-parse": _dockerfile_parse,
    "dockerfile (Go)": dockerfile.parse_string,
}


def _time(function: Callable[[str], object], text: str, repeat: int) -> float:
    """Median seconds of one call, after a warm-up call."""
    function(text)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function(text)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _accepted_by_all(paths: list[Path]) -> list[str]:
    """The corpus files every tool reads: a file one tool rejects is not comparable."""
    texts = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        if all(_accepts(function, text) for function in TOOLS.values()):
            texts.append(text)
    return texts


def _accepts(function: Callable[[str], object], text: str) -> bool:
    try:
        function(text)
    except Exception:  # noqa: BLE001 - each tool raises its own error types
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--big-lines", type=int, default=5000)
    args = parser.parse_args()

    big = big_dockerfile(args.big_lines)
    small = _accepted_by_all(sorted(CORPUS.glob("*.Dockerfile")))
    typical = TYPICAL.read_text(encoding="utf-8")
    print(
        f"Python {platform.python_version()}, {platform.machine()}; big Dockerfile: "
        f"{big.count(chr(10))} lines, {len(big) / 1024:.0f} KiB; corpus: {len(small)} files; "
        f"typical: {TYPICAL.name} ({typical.count(chr(10))} lines); repeat {args.repeat}",
        file=sys.stderr,
    )
    results: dict[str, tuple[float, float, float]] = {}
    for name, function in TOOLS.items():
        big_time = _time(function, big, max(3, args.repeat // 20))
        small_time = statistics.median(_time(function, t, args.repeat) for t in small)
        typical_time = _time(function, typical, args.repeat)
        results[name] = (big_time, small_time, typical_time)

    base = results["balena_lab parse"]
    print("| time per file (× balena_lab parse) | big file | small files (median) | typical file |")
    print("|---|---|---|---|")
    for name, times in results.items():
        cells = [
            f"{t * 1e3:.{1 if i == 0 else 3}f} ms ({t / b:.2f}×)"
            for i, (t, b) in enumerate(zip(times, base))
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
