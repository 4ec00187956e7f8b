"""Container requirements: a start script that cleans /tmp but keeps /tmp/balena."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core import Check, CheckFailed, Exercise
from ._facts import builds_for, run_failure

if TYPE_CHECKING:
    from ..context import CheckContext

DEVICE = "intel-nuc"
DOCKERFILE = """FROM balena-lab/debian:bookworm-amd64
# Leftovers of an earlier run, and the Supervisor's update lock
RUN mkdir -p /tmp/balena /tmp/old-cache \\
 && touch /tmp/balena/updates.lock /tmp/old-cache/stale.dat /tmp/leftover.pid
COPY start.sh /usr/src/app/start.sh
CMD ["sh", "/usr/src/app/start.sh"]
"""
PROBE = ("sh /usr/src/app/start.sh >/dev/null 2>&1; "
         "[ -e /tmp/balena/updates.lock ] && echo LOCK-KEPT; "
         "[ -e /tmp/old-cache ] || [ -e /tmp/leftover.pid ] || echo LEFTOVERS-GONE")


def has_script(context: CheckContext) -> str | None:
    text = context.text("start.sh") or ""
    if not text.strip():
        raise CheckFailed("start.sh is empty")
    return None


builds = builds_for(DEVICE)


def prints_ready(context: CheckContext) -> str | None:
    result = context.run(DEVICE)
    return run_failure(result, "ready", what="start.sh")


def keeps_lock(context: CheckContext) -> str | None:
    if "LOCK-KEPT" not in context.run(DEVICE, PROBE).output:
        return "after start.sh ran, /tmp/balena/updates.lock was gone"
    return None


def cleans(context: CheckContext) -> str | None:
    if "LEFTOVERS-GONE" not in context.run(DEVICE, PROBE).output:
        return "after start.sh ran, /tmp/old-cache or /tmp/leftover.pid was still there"
    return None


EXERCISE = Exercise(
    name="keep-tmp-balena",
    title="A start script that keeps /tmp/balena",
    section="Container Requirements",
    notebook="07-keep-tmp-balena.ipynb",
    answers={"START_SH": "start.sh"},
    cells={"answer-start-script": ("START_SH",)},
    given={"Dockerfile": DOCKERFILE},
    checks=(
        Check("has-script", "start.sh has something in it", "Write the script in START_SH.",
              has_script),
        Check("builds", "the image builds (intel-nuc)", "Read the failing step.", builds,
              needs_engine=True, after=("has-script",)),
        Check("prints-ready", "start.sh finishes and prints ready",
              "End the script by printing ready; do not wait forever.", prints_ready,
              needs_engine=True, after=("builds",)),
        Check("keeps-tmp-balena", "/tmp/balena survives the start script",
              "Read the Container Requirements section: what must a start script never "
              "remove?", keeps_lock, needs_engine=True, after=("builds",)),
        Check("cleans-leftovers", "the leftovers of earlier runs are gone from /tmp",
              "Remove everything in /tmp except one folder.", cleans, needs_engine=True,
              after=("builds",)),
    ),
)
