"""Dockerfiles: ADD only where its auto-extraction is needed, COPY everywhere else."""

from __future__ import annotations

import io
import tarfile
from typing import TYPE_CHECKING

from ..core import Check, Exercise
from ._facts import builds_for, linted, page_rules, ran, run_failure, stamp_words

if TYPE_CHECKING:
    from ..context import CheckContext

DEVICE = "intel-nuc"
README = "assets unpacked by ADD\n"
SCRIPT = '#!/bin/sh\necho "app says hello"\n'


def _assets_tar(readme: str = README) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        data = readme.encode()
        info = tarfile.TarInfo("readme.txt")
        info.size, info.mtime, info.mode = len(data), 1700000000, 0o644
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def stamped(marker: str) -> dict[str, str | bytes]:
    """The given files as a check run builds them: the archive's readme carries the
    run's marker, and the script prints a word only running it shows."""
    head, tail, _ = stamp_words(marker)
    return {"assets.tar": _assets_tar(f"{README}{marker}\n"),
            "app/hello.sh": SCRIPT + f'run={head}\necho "run ${{run}}{tail}"\n'}


def no_needless_add(context: CheckContext) -> str | None:
    lines = [f.start_line for f in linted(context, "Dockerfile").findings if f.rule == "BL004"]
    if lines:
        return "ADD copies plain local files on line " + ", ".join(map(str, lines))
    return None


builds = builds_for(DEVICE)


def archive_unpacked(context: CheckContext) -> str | None:
    # The marker is in this run's archive only: no RUN of the learner's can write it.
    result = context.run(DEVICE, "cat /usr/src/app/assets/readme.txt")
    if context.marker not in result.output:
        listing = context.run(DEVICE, "ls -1 /usr/src/app/assets 2>&1 | head -5").output
        return f"/usr/src/app/assets holds: {' '.join(listing.split()) or '(nothing)'}"
    return None


def script_runs(context: CheckContext) -> str | None:
    result = context.run(DEVICE)
    failure = run_failure(result, "app says hello", hide=context.marker)
    if failure is None and stamp_words(context.marker)[2] not in result.output:
        return ran(result, hide=context.marker) + ", but app/hello.sh itself did not run"
    return failure


EXERCISE = Exercise(
    name="add-to-copy",
    title="Replace the ADD that should be a COPY",
    section="Dockerfiles",
    notebook="02-add-to-copy.ipynb",
    answers={"DOCKERFILE": "Dockerfile"},
    cells={"answer-dockerfile": ("DOCKERFILE",)},
    given={"app/hello.sh": SCRIPT, "assets.tar": _assets_tar()},
    stamped=stamped,
    checks=(
        Check("no-needless-add", "no ADD where COPY would do",
              "The best practices say: COPY unless you need ADD's auto-extraction.",
              no_needless_add),
        Check("page-rules", "the Dockerfile keeps the page's other rules (CMD still last)",
              "The rule and its line are named above; keep the rest of the file as it was.",
              page_rules("Dockerfile", skip=("BL004",)), after=("no-needless-add",)),
        Check("builds", "the image builds (intel-nuc)", "Read the failing step and its line.",
              builds, needs_engine=True, after=("no-needless-add",)),
        Check("archive-unpacked", "the assets archive still arrives unpacked in "
              "/usr/src/app/assets", "One of the files is a tar archive: which instruction "
              "unpacks local archives?", archive_unpacked, needs_engine=True, after=("builds",)),
        Check("script-runs", "the app's script still runs at start",
              "The script must still end up where CMD looks for it.", script_runs,
              needs_engine=True, after=("builds",)),
    ),
)
