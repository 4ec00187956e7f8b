"""Container requirements: a start script that cleans /tmp but keeps /tmp/balena."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core import Check, CheckFailed, Exercise
from ._facts import builds_for, page_rules, run_failure

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


def stamped(marker: str) -> dict[str, str]:
    """The Dockerfile as a check run builds it, line for line the one shown (so a line
    number in a check means the same line): the leftovers have names, and the lock a
    content, that only this run knows, so a script cannot remove or remake them by name."""
    return {"Dockerfile": f"""FROM balena-lab/debian:bookworm-amd64
# Leftovers of an earlier run, and the Supervisor's update lock
RUN mkdir -p /tmp/balena /tmp/old-cache-{marker} && echo {marker} > /tmp/balena/updates.lock \\
 && touch /tmp/old-cache-{marker}/stale.dat /tmp/leftover-{marker}.pid /tmp/.hidden-{marker}
COPY start.sh /usr/src/app/start.sh
CMD ["sh", "/usr/src/app/start.sh"]
"""}


def _probe(marker: str) -> str:
    """Run start.sh, then say what is left in /tmp (from the check's own shell).  The lock
    must be the very file the image made (same inode, same content), not a copy put back."""
    lock = "/tmp/balena/updates.lock"
    return (f"before=$(stat -c %i {lock}); sh /usr/src/app/start.sh >/dev/null 2>&1; "
            f"[ \"$(stat -c %i {lock} 2>/dev/null)\" = \"$before\" ] && "
            f"[ \"$(cat {lock} 2>/dev/null)\" = {marker} ] && echo LOCK-KEPT; "
            f"[ -e /tmp/old-cache-{marker} ] || [ -e /tmp/leftover-{marker}.pid ] || "
            f"[ -e /tmp/.hidden-{marker} ] || echo LEFTOVERS-GONE")


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
    if "LOCK-KEPT" not in context.run(DEVICE, _probe(context.marker)).output:
        return "after start.sh ran, /tmp/balena/updates.lock was gone (or made anew)"
    return None


def cleans(context: CheckContext) -> str | None:
    if "LEFTOVERS-GONE" not in context.run(DEVICE, _probe(context.marker)).output:
        return "after start.sh ran, some of the earlier leftovers were still in /tmp"
    return None


EXERCISE = Exercise(
    name="keep-tmp-balena",
    title="A start script that keeps /tmp/balena",
    section="Container Requirements",
    notebook="07-keep-tmp-balena.ipynb",
    answers={"START_SH": "start.sh"},
    cells={"answer-start-script": ("START_SH",)},
    given={"Dockerfile": DOCKERFILE},
    stamped=stamped,
    checks=(
        Check("has-script", "start.sh has something in it", "Write the script in START_SH.",
              has_script, counts=False),
        Check("builds", "the image builds (intel-nuc)", "Read the failing step.", builds,
              needs_engine=True, after=("has-script",), counts=False),
        Check("keeps-tmp-balena", "/tmp/balena survives the start script",
              "Read the Container Requirements section: what must a start script never "
              "remove?", keeps_lock, needs_engine=True, after=("builds",)),
        # /tmp/balena itself is judged at run time, above: the lint engine's static reading
        # of a script (BL011) can mistake a careful find -not -path for a removal.
        Check("page-rules", "the Dockerfile and start.sh keep the page's other rules",
              "The rule and its line are named above.", page_rules("Dockerfile",
                                                                     skip=("BL011",)),
              after=("keeps-tmp-balena",)),
        Check("prints-ready", "start.sh finishes and prints ready",
              "End the script by printing ready; do not wait forever.", prints_ready,
              needs_engine=True, after=("keeps-tmp-balena",)),
        Check("cleans-leftovers", "the leftovers of earlier runs are gone from /tmp",
              "Remove everything in /tmp except one folder (hidden files too).", cleans,
              needs_engine=True, after=("keeps-tmp-balena",)),
    ),
)
