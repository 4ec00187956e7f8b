"""The time limits of exercise runs, in one light module the command line can read."""

from __future__ import annotations

#: Seconds a graded notebook may run (kernel start included), unless its exercise
#: declares its own: every reference solution runs in about 3 s on the project's
#: 2-core machine (kernel start 0.5 s), so 15 s leaves a margin of five for a
#: machine busy grading, and an endless loop costs 15 s, not minutes.
DEFAULT_TIMEOUT = 15.0
#: Seconds one build inside a check may take.
DEFAULT_BUILD_TIMEOUT = 240.0
#: Seconds a grading run waits for a Docker engine that stopped answering, before it
#: gives up on grading the submissions the outage cut short.
ENGINE_WAIT = 120.0
