"""Stopping a process and everything it started: the one kill-a-tree helper.

A kernel a watchdog stops, or a grading worker that is past its time, may
have children of its own (a learner's ``subprocess``); all of them go, but
for container reapers (:mod:`~..engine.reaper`): they must outlive the worker
that started them, to remove its container once it has gone.
"""

from __future__ import annotations

import psutil

from ..engine.reaper import is_reaper


def kill_tree(pid: int, *, env: tuple[str, str] | None = None) -> None:
    """Kill ``pid`` and its children; with ``env`` (a name and a value), also every
    process whose environment carries it (children orphaned when their parent died)."""
    victims: list[psutil.Process] = []
    try:
        process = psutil.Process(pid)
        victims = [*process.children(recursive=True), process]
    except psutil.NoSuchProcess:
        pass
    if env is not None:
        name, value = env
        for candidate in psutil.process_iter():
            try:
                if candidate.environ().get(name) == value:
                    victims.append(candidate)
            except (psutil.Error, OSError):
                pass  # gone, or not ours to read
    for victim in victims:
        try:
            if not is_reaper(victim.cmdline()):
                victim.kill()
        except psutil.Error:
            pass
