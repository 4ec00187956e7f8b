"""Every error balena_lab raises on purpose.

One tree, one root, so a caller (the CLI, a widget, a grader) can catch
``BalenaLabError`` and show its message, and branch on the subclasses it
cares about::

    BalenaLabError
    ├── InputError                  bad input from a file: carries path and line
    │   ├── DockerfileSyntaxError   a Dockerfile Docker itself would reject
    │   └── UnreadableInputError    empty, binary, non-UTF-8 or missing input
    ├── EngineError                 the Docker engine, as seen from here
    │   ├── EngineUnreachable       no engine answers (how to start one)
    │   └── EmulationUnavailable    no QEMU binfmt_misc handler for an ARM arch
    ├── UnknownArchError            not one of balena's arches
    └── BaseImageError              the offline base images
        └── BootstrapError          debootstrap, the mirror or QEMU is missing,
                                    or making the rootfs failed

Every error has ``fix``: the exact command or action that mends it, or
``None`` when there is nothing to run.  ``str(error)`` is a complete,
readable message; the CLI prints it and never a traceback.
"""

from __future__ import annotations

from pathlib import Path


class BalenaLabError(Exception):
    """Root of every error balena_lab raises on purpose."""

    def __init__(self, message: str, *, fix: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        if self.fix:
            return f"{self.message}\n  fix: {self.fix}"
        return self.message


class InputError(BalenaLabError):
    """Bad input read from a file; names the file and, when known, the line."""

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        fix: str | None = None,
    ) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        where = self.path or "<input>"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}", fix=fix)
        self.reason = message


class DockerfileSyntaxError(InputError):
    """A Dockerfile that Docker's own parser would reject."""


class UnreadableInputError(InputError):
    """Input that cannot be read as text at all (missing, binary, bad encoding)."""


class EngineError(BalenaLabError):
    """Something about the Docker engine."""


class EngineUnreachable(EngineError):
    """No Docker engine answers at the configured address."""


class EmulationUnavailable(EngineError):
    """The engine cannot run binaries of this arch: no QEMU binfmt_misc handler."""


class UnknownArchError(BalenaLabError):
    """A name that is not one of balena's arches."""


class BaseImageError(BalenaLabError):
    """Something about balena_lab's local base images."""


class BootstrapError(BaseImageError):
    """Making a base image from Debian's packages failed, or cannot start."""
