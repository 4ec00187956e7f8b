"""Dockerfiles: ADD only where its auto-extraction is needed, COPY everywhere else."""

from __future__ import annotations

import io
import tarfile
from typing import TYPE_CHECKING

from ..core import Check, Exercise
from ._facts import builds_for, linted, parsed, run_failure

if TYPE_CHECKING:
    from ..context import CheckContext

DEVICE = "intel-nuc"
README = "assets unpacked by ADD\n"
SCRIPT = '#!/bin/sh\necho "app says hello"\n'


def _assets_tar() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        data = README.encode()
        info = tarfile.TarInfo("readme.txt")
        info.size, info.mtime, info.mode = len(data), 1700000000, 0o644
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def no_needless_add(context: CheckContext) -> str | None:
    lines = [f.start_line for f in linted(context, "Dockerfile").findings if f.rule == "BL004"]
    if lines:
        return "ADD copies plain local files on line " + ", ".join(map(str, lines))
    return None


def cmd_last(context: CheckContext) -> str | None:
    last = parsed(context, "Dockerfile").instructions[-1]
    return None if last.name == "CMD" else f"the last instruction is {last.name}"


builds = builds_for(DEVICE)


def archive_unpacked(context: CheckContext) -> str | None:
    result = context.run(DEVICE, "cat /usr/src/app/assets/readme.txt")
    if README.strip() not in result.output:
        listing = context.run(DEVICE, "ls -1 /usr/src/app/assets 2>&1 | head -5").output
        return f"/usr/src/app/assets holds: {' '.join(listing.split()) or '(nothing)'}"
    return None


def script_runs(context: CheckContext) -> str | None:
    return run_failure(context.run(DEVICE), "app says hello")


EXERCISE = Exercise(
    name="add-to-copy",
    title="Replace the ADD that should be a COPY",
    section="Dockerfiles",
    notebook="02-add-to-copy.ipynb",
    answers={"DOCKERFILE": "Dockerfile"},
    cells={"answer-dockerfile": ("DOCKERFILE",)},
    given={"app/hello.sh": SCRIPT, "assets.tar": _assets_tar()},
    checks=(
        Check("no-needless-add", "no ADD where COPY would do",
              "The best practices say: COPY unless you need ADD's auto-extraction.",
              no_needless_add),
        Check("cmd-last", "CMD is still the last instruction", "Keep CMD at the end.", cmd_last),
        Check("builds", "the image builds (intel-nuc)", "Read the failing step and its line.",
              builds, needs_engine=True),
        Check("archive-unpacked", "the assets archive still arrives unpacked in "
              "/usr/src/app/assets", "One of the files is a tar archive: which instruction "
              "unpacks local archives?", archive_unpacked, needs_engine=True, after=("builds",)),
        Check("script-runs", "the app's script still runs at start",
              "The script must still end up where CMD looks for it.", script_runs,
              needs_engine=True, after=("builds",)),
    ),
)
