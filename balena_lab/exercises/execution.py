"""Run one notebook with papermill in its own kernel, within a time limit.

``execute`` hands papermill a kernel manager of its own, so that a watchdog
can kill exactly that kernel (and what it started) when the notebook's time
is up: an endless loop costs ``timeout`` seconds and no more, and the
notebook saved so far still says which cell was running.  A kernel that dies
on its own (``os._exit``, a segfault, the OOM killer) is told apart from one
the watchdog stopped.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import papermill
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from .limits import DEFAULT_TIMEOUT
from .notebook import KERNEL_NAME, ExecutionFacts, inspect_executed
from .processes import kill_tree

# papermill logs every cell at INFO; a grading run of thirty notebooks wants none of it.
logging.getLogger("papermill").setLevel(logging.WARNING)

START_TIMEOUT = 60  # seconds a kernel may take to start


@dataclass(frozen=True)
class Execution:
    """How running a notebook ended.

    ``status``: ``completed`` (every cell ran; cells may have raised),
    ``timeout`` (stopped at the time limit), ``kernel-died`` (the kernel
    exited or crashed), ``failed`` (papermill could not run it at all).
    """

    status: str
    message: str
    seconds: float
    facts: ExecutionFacts


class _KernelManager(AsyncKernelManager):
    """An async kernel manager that adds ``extra_env`` to the kernel's environment."""

    def __init__(self, extra_env: dict[str, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._extra_env = extra_env

    async def _async_pre_start_kernel(
        self, **kw: Any
    ) -> tuple[list[str], dict[str, Any]]:
        kw["env"] = {**kw.get("env", os.environ), **self._extra_env}
        return await super()._async_pre_start_kernel(**kw)


def _kill_kernel(manager: AsyncKernelManager) -> None:
    provisioner = getattr(manager, "provisioner", None)
    pid = getattr(provisioner, "pid", None)
    if pid is not None:
        kill_tree(pid)


def execute(
    notebook: nbformat.NotebookNode,
    output_path: str | Path,
    *,
    parameters: dict[str, Any] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    cwd: str | Path | None = None,
    env: dict[str, str] | None = None,
) -> Execution:
    """Execute ``notebook`` with papermill, save it to ``output_path``, never raise for it.

    ``env``: variables added to the kernel's environment (not to this process's).
    """
    # An async manager: with a blocking one nbclient cannot time a cell out.
    manager = _KernelManager(dict(env or {}), kernel_name=KERNEL_NAME)
    fired = threading.Event()

    def watchdog() -> None:
        fired.set()
        _kill_kernel(manager)

    timer = threading.Timer(timeout, watchdog)
    timer.daemon = True
    started = time.monotonic()
    status, message = "completed", "ran to the end"
    timer.start()
    try:
        papermill.execute_notebook(
            notebook, str(output_path), parameters=parameters or {}, kernel_name=KERNEL_NAME,
            language="python", progress_bar=False, start_timeout=START_TIMEOUT,
            execution_timeout=max(1, int(timeout)), cwd=str(cwd) if cwd else None, km=manager,
        )
    except papermill.PapermillExecutionError:
        pass  # a cell raised; the saved notebook says which (cells run on regardless)
    except (CellTimeoutError, TimeoutError):
        status = "timeout"
    except DeadKernelError:
        status = "timeout" if fired.is_set() else "kernel-died"
    except Exception as error:  # noqa: BLE001 - papermill refused it: bad kernel, bad parameters cell...
        status = "timeout" if fired.is_set() else "failed"
        message = f"{type(error).__name__}: {str(error).strip().splitlines()[0][:200] if str(error).strip() else ''}"
    finally:
        timer.cancel()
        try:
            if manager.has_kernel:
                run_sync(manager.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - the kernel is gone already
            _kill_kernel(manager)
    seconds = time.monotonic() - started
    try:
        facts = inspect_executed(nbformat.read(str(output_path), as_version=4))  # type: ignore[no-untyped-call]
    except (OSError, ValueError):
        facts = ExecutionFacts()
    where = f" while running {facts.last_started}" if facts.last_started else ""
    if status == "timeout":
        message = f"stopped at the time limit of {timeout:g} s{where} (an endless loop?)"
    elif status == "kernel-died":
        message = f"the kernel died{where} (os._exit, a crash or out of memory)"
    return Execution(status, message, seconds, facts)
