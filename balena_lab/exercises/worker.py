"""``python -m balena_lab.exercises.worker``: grade submissions in a process of its own.

The grader keeps one worker process per job slot, so that imports (papermill,
the Docker SDK) are paid once per slot, not once per submission, while each
submission still gets a kernel of its own.  The protocol is one JSON line per
submission on stdin (the keyword arguments of
:func:`~.submission.grade_submission` plus ``path`` and ``result``, the file
to write the :class:`~.submission.SubmissionResult` to) and one ``done``
line back on stdout.  Anything else the process prints goes to stderr, the
grader's log.  A worker that does not answer in time is killed by the grader
and replaced.

``python -m balena_lab.exercises.worker SPEC.json`` grades one submission.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any

from .submission import grade_submission, write_result

DONE = "done"


def grade_one(spec: dict[str, Any]) -> None:
    spec = dict(spec)
    result_path = spec.pop("result")
    path = spec.pop("path")
    write_result(grade_submission(path, **spec), result_path)


def serve() -> int:
    # The protocol keeps the real stdout; everything else printed goes to stderr.
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            grade_one(json.loads(line))
        except Exception:  # noqa: BLE001 - the grader reports a missing result itself
            traceback.print_exc()
        protocol.write(DONE + "\n")
    return 0


def main(argv: list[str]) -> int:
    if argv == ["--serve"]:
        return serve()
    if len(argv) != 1:
        print("usage: python -m balena_lab.exercises.worker (--serve | SPEC.json)",
              file=sys.stderr)
        return 2
    grade_one(json.loads(Path(argv[0]).read_text(encoding="utf-8")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
