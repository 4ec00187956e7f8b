"""A lesson's scratch project, and the release ``up`` ran from it, gone when its kernel dies.

:mod:`.scratch` removes its copies at exit; but a kernel that is killed (a notebook
runner's shutdown, ``kill -9``, a JupyterLab that is stopped) runs no ``atexit``, and
a release's containers have ``restart: always``: they would run for ever.  So each
scratch copy has a watcher of its own, ``python -m balena_lab.lessons.scratchreaper
COPY PID``, in a session of its own.  When process ``PID`` is gone it takes the copy's
release down (nothing to do if none was started) and removes the copy's folder.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from ..engine.reaper import alive

_POLL = 1.0


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m balena_lab.lessons.scratchreaper COPY PID", file=sys.stderr)
        return 2
    copy, pid = Path(argv[0]), int(argv[1])
    while alive(pid):
        time.sleep(_POLL)
    from ..errors import BalenaLabError
    from ..supervisor.release import down

    try:
        down(copy)
    except BalenaLabError:  # no engine: nothing of it runs either
        pass
    shutil.rmtree(copy.parent, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
