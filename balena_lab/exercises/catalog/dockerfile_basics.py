"""Dockerfiles: FROM first, COPY the app in, CMD last; it builds and says hello."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core import Check, Exercise
from ._facts import (
    builds_for,
    instructions,
    linted,
    page_rules,
    parsed,
    ran,
    run_failure,
    stamp_words,
)

if TYPE_CHECKING:
    from ..context import CheckContext

DEVICE = "intel-nuc"
HELLO = '#!/bin/sh\necho "Hello from $(uname -m)"\n'
GREETING = "Hello from x86_64"


def stamped(marker: str) -> dict[str, str]:
    """hello.sh as a check run builds it: it also prints a word only running it shows."""
    head, tail, _ = stamp_words(marker)
    return {"hello.sh": HELLO + f'run={head}\necho "run ${{run}}{tail}"\n'}


def from_first(context: CheckContext) -> str | None:
    report = linted(context, "Dockerfile")
    first = parsed(context, "Dockerfile").instructions[0]
    if "BL001" in report.rules():
        return f"the first instruction is {first.name} (line {first.start_line})"
    return None


def copies_script(context: CheckContext) -> str | None:
    for instruction in instructions(context, "Dockerfile", "COPY"):
        if any(source.lstrip("./") == "hello.sh" for source in instruction.args[:-1]):
            return None
    adds = instructions(context, "Dockerfile", "ADD")
    if adds:
        return "hello.sh goes in with ADD (lines " + ", ".join(
            str(i.start_line) for i in adds) + ")"
    return "no COPY instruction takes hello.sh"


def cmd_last(context: CheckContext) -> str | None:
    last = parsed(context, "Dockerfile").instructions[-1]
    if last.name != "CMD":
        return f"the last instruction is {last.name} (line {last.start_line})"
    return None


builds = builds_for(DEVICE)


def says_hello(context: CheckContext) -> str | None:
    result = context.run(DEVICE)
    failure = run_failure(result, GREETING, hide=context.marker)
    if failure is None and stamp_words(context.marker)[2] not in result.output:
        return ran(result, hide=context.marker) + ", but hello.sh itself did not run"
    return failure


EXERCISE = Exercise(
    name="dockerfile-basics",
    title="Write your first Dockerfile",
    section="Dockerfiles",
    notebook="01-dockerfile-basics.ipynb",
    answers={"DOCKERFILE": "Dockerfile"},
    cells={"answer-dockerfile": ("DOCKERFILE",)},
    given={"hello.sh": HELLO},
    stamped=stamped,
    checks=(
        Check("from-first", "FROM is the first instruction", "Every valid Dockerfile starts "
              "by naming its base image; only ARG may come before it.", from_first),
        Check("copies-script", "hello.sh is copied into the image with COPY",
              "Which of the two copy instructions does the page recommend for plain files?",
              copies_script),
        Check("cmd-last", "CMD is the last instruction", "The page says where CMD belongs.",
              cmd_last),
        Check("page-rules", "the Dockerfile keeps the page's other rules",
              "The rule and its line are named above; the Dockerfiles section explains it.",
              page_rules("Dockerfile", skip=("BL001", "BL002", "BL004")),
              after=("from-first",)),
        Check("builds", "the image builds for an x86 device (intel-nuc)",
              "Read the failing step and its line; the base image must exist here "
              "(balena-lab/debian:bookworm-amd64, or debian:bookworm with stand-ins).",
              builds, needs_engine=True, after=("from-first",)),
        Check("says-hello", "the container runs hello.sh when it starts",
              "CMD should run the script where you copied it; exec form needs the full path.",
              says_hello, needs_engine=True, after=("builds",)),
    ),
)
