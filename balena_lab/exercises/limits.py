"""The time limits of exercise runs, in one light module the command line can read."""

from __future__ import annotations

#: Seconds a whole notebook may run (kernel start included).
DEFAULT_TIMEOUT = 300.0
#: Seconds one build inside a check may take.
DEFAULT_BUILD_TIMEOUT = 240.0
