"""Every error balena_lab raises on purpose.

One tree, one root, so a caller (the CLI, a widget, a grader) can catch
``BalenaLabError`` and show its message, and branch on the subclasses it
cares about::

    BalenaLabError
    ├── InputError                  bad input from a file: carries path and line
    │   ├── DockerfileSyntaxError   a Dockerfile Docker itself would reject
    │   ├── UnreadableInputError    empty, binary, non-UTF-8 or missing input
    │   └── ResolutionError         which Dockerfile balena would build, and its text
    │       ├── NoDockerfileError       nothing to build in the service directory
    │       ├── DockerfileNotFoundError the specified dockerfile path is missing
    │       ├── TemplateError           a Dockerfile template balena's builder rejects
    │       │   ├── TemplateVariableError  %%NAME%% with no value: names NAME and line
    │       │   └── TemplateSyntaxError    <% %>, <%- %>, <%= %> or a JavaScript global:
    │       │                              code balena's builder would run, never run here
    │       ├── PackageJsonError        package.json invalid JSON or wrong types
    │       ├── NodeVersionError        no shipped node version satisfies engines.node
    │       ├── UnknownDeviceTypeError  not a device type slug or alias
    │       └── ComposeError            docker-compose.yml invalid: names service and field
    ├── EngineError                 the Docker engine, as seen from here
    │   ├── EngineUnreachable       no engine answers (how to start one)
    │   └── EmulationUnavailable    no QEMU binfmt_misc handler for an ARM arch
    ├── UnknownArchError            not one of balena's arches
    ├── BaseImageError              the offline base images
    │   ├── BootstrapError          debootstrap, the mirror or QEMU is missing,
    │   │                           or making the rootfs failed
    │   └── BaseImageMissing        a FROM image absent here and not pullable:
    │                               names it and offers the local stand-ins
    ├── BuildError                  a real build on the engine failed
    │   └── BuildStepFailed         a step failed: exit code, last output lines,
    │                               the original (template) source line
    ├── RunError                    a container could not be created or run
    ├── ProjectsNotFound            the masterclass's example projects are nowhere found
    ├── ClassroomError              a class server: its learners, their workspaces, JupyterHub
    └── ExerciseError               an exercise name, its notebook or a grading run
        ├── NotebookError           a file that is not a readable notebook (bad JSON, ...)
        ├── GradingError            grading cannot start (no submissions, bad options)
        └── ReportWriteError        the report could not be written (a full disk, ...):
                                    the previous report is left as it was

Every :class:`ResolutionError` has ``type``, the short name the
``balena-lab resolve --json`` contract uses (``no-dockerfile``, ...).

Every error has ``fix``: the exact command or action that mends it, or
``None`` when there is nothing to run, and ``service``: the compose service
it concerns in a multi-service release, or ``None``.  ``str(error)`` is a complete,
readable message; the CLI prints it and never a traceback.  Where ``fix`` is
phrased for the command line (a flag, a command), ``notebook_fix`` says the
same for a notebook, and :meth:`~BalenaLabError.for_notebook` is the message
a widget or an exercise check shows.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Self


class BalenaLabError(Exception):
    """Root of every error balena_lab raises on purpose."""

    def __init__(self, message: str, *, fix: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        #: ``fix`` for a notebook, where it names a command-line flag or command (None: same)
        self.notebook_fix: str | None = None
        self.service: str | None = None

    def with_notebook_fix(self, fix: str) -> Self:
        """Set :attr:`notebook_fix` and return the error (``raise Error(...).with_notebook_fix(...)``)."""
        self.notebook_fix = fix
        return self

    def __str__(self) -> str:
        if self.fix:
            return f"{self.message}\n  fix: {self.fix}"
        return self.message

    def for_notebook(self) -> str:
        """The message with the fix phrased for a notebook (never a CLI flag)."""
        fix = self.notebook_fix or self.fix
        return f"{self.message}\n  fix: {fix}" if fix else self.message

    def to_dict(self) -> dict[str, str]:
        """``{"type", "message", "fix"}``: how ``--json`` reports an error that ends a command.

        ``type`` is the class's name in kebab case (``UnreadableInputError``:
        ``unreadable-input``); :class:`ResolutionError` has its own contract.
        """
        name = type(self).__name__.removesuffix("Error")
        kind = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower()
        return {"type": kind, "message": self.message, **({"fix": self.fix} if self.fix else {})}


class InputError(BalenaLabError):
    """Bad input read from a file; names the file and, when known, the line."""

    #: What the message names when no path is known (None: name nothing).
    unnamed: str | None = "<input>"

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
        self.reason = message
        where = self.path or self.unnamed
        if where is not None and line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}" if where is not None else message, fix=fix)


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


class ResolutionError(InputError):
    """Resolving what balena would build failed; ``type`` is the CLI's JSON error type.

    ``path`` and ``line`` say where, when a file is to blame; ``candidates`` is
    filled in by the resolver with what it had considered when it failed.
    """

    type: str = "resolution"
    unnamed = None
    #: set by the resolver on the instance it raises
    candidates: tuple[object, ...] = ()

    def to_dict(self) -> dict[str, str]:
        """``{"type", "message"}``: the ``error`` object of the CLI's JSON contracts."""
        return {"type": self.type, "message": self.message}


class NoDockerfileError(ResolutionError):
    """No Dockerfile, template, arch-specific file or package.json to build."""

    type = "no-dockerfile"


class DockerfileNotFoundError(ResolutionError):
    """The specified dockerfile (compose ``build.dockerfile``) and its siblings are absent."""

    type = "dockerfile-not-found"


class TemplateError(ResolutionError):
    """A template balena's builder would reject or treat as code; has line and column."""

    type = "template-syntax"

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
        fix: str | None = None,
    ) -> None:
        super().__init__(message, path=path, line=line, fix=fix)
        self.column = column


class TemplateVariableError(TemplateError):
    """``%%NAME%%`` where NAME has no value; ``variable`` is NAME."""

    type = "template-variable"

    def __init__(
        self,
        message: str,
        *,
        variable: str,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
        fix: str | None = None,
    ) -> None:
        super().__init__(message, path=path, line=line, column=column, fix=fix)
        self.variable = variable


class TemplateSyntaxError(TemplateError):
    """JavaScript the builder's template engine would run or reject; never evaluated here."""

    type = "template-syntax"


class PackageJsonError(ResolutionError):
    """package.json is not valid JSON or has a field of the wrong type."""

    type = "package-json"


class NodeVersionError(ResolutionError):
    """No node version in the shipped catalogue satisfies ``engines.node``; ``range`` is it."""

    type = "node-version"

    def __init__(
        self,
        message: str,
        *,
        range: str,
        path: str | Path | None = None,
        fix: str | None = None,
    ) -> None:
        super().__init__(message, path=path, fix=fix)
        self.range = range


class UnknownDeviceTypeError(ResolutionError):
    """Not a device type slug or alias; ``suggestions`` are the nearest slugs."""

    type = "unknown-device-type"

    def __init__(
        self,
        message: str,
        *,
        name: str,
        suggestions: tuple[str, ...] = (),
        fix: str | None = None,
    ) -> None:
        super().__init__(message, fix=fix)
        self.name = name
        self.suggestions = suggestions


class ComposeError(ResolutionError):
    """A docker-compose.yml balena would reject; ``service`` and ``field`` say where."""

    type = "compose"

    def __init__(
        self,
        message: str,
        *,
        service: str | None = None,
        field: str | None = None,
        path: str | Path | None = None,
        fix: str | None = None,
    ) -> None:
        super().__init__(message, path=path, fix=fix)
        self.service = service
        self.field = field


class BaseImageMissing(BaseImageError):
    """A ``FROM`` image that is neither present nor pullable."""

    def __init__(self, message: str, *, image: str, stand_ins: tuple[str, ...] = (),
                 fix: str | None = None) -> None:
        super().__init__(message, fix=fix)
        self.image = image
        self.stand_ins = stand_ins


class BuildError(BalenaLabError):
    """A build on the engine failed; ``log`` holds the build output so far."""

    def __init__(self, message: str, *, log: tuple[str, ...] = (), fix: str | None = None) -> None:
        super().__init__(message, fix=fix)
        self.log = log


class BuildStepFailed(BuildError):
    """One step of a build failed.

    ``path`` and ``line`` point at the instruction in the ORIGINAL file (the
    template line, not the substituted one); ``exit_code`` is the command's
    exit status when the step ran a command.
    """

    def __init__(
        self,
        message: str,
        *,
        step: int,
        instruction: str,
        path: str | None,
        line: int | None,
        source: str | None,
        exit_code: int | None,
        log: tuple[str, ...] = (),
        headline: str | None = None,
        fix: str | None = None,
    ) -> None:
        super().__init__(message, log=log, fix=fix)
        #: The message without the step's output (for a view that shows the log already).
        self.headline = headline or message
        self.step = step
        self.instruction = instruction
        self.path = path
        self.line = line
        self.source = source
        self.exit_code = exit_code


class RunError(BalenaLabError):
    """A container could not be created or run (missing image, bad command, ...)."""


class ExerciseError(BalenaLabError):
    """An exercise that does not exist, or cannot be run or graded as asked."""


class NotebookError(ExerciseError):
    """A file that is not a readable Jupyter notebook; ``path`` names it."""

    def __init__(self, message: str, *, path: str | Path, fix: str | None = None) -> None:
        super().__init__(f"{path}: {message}", fix=fix)
        self.path = str(path)
        self.reason = message


class GradingError(ExerciseError):
    """A grading run that cannot start: no submissions, a bad option."""


class ReportWriteError(ExerciseError):
    """A class report that could not be written; no file of it was replaced."""


class ClassroomError(BalenaLabError):
    """A class server that cannot be set up or served as asked (not root, a bad learner
    name, a Python the learners cannot run, no proxy, ...)."""


class ProjectsNotFound(BalenaLabError):
    """The masterclass's example projects are in none of the places looked at."""

    def __init__(self, name: str, looked: list[Path], *, env: str) -> None:
        where = "\n".join(f"  - {path}" for path in looked) or "  (nowhere)"
        super().__init__(
            f"cannot find the masterclass project {name!r}; looked in:\n{where}",
            fix=f"run the notebook from the repository's notebooks/ folder, or set "
                f"{env}=/path/to/balena_lab/notebooks")
        self.name = name
        self.looked = tuple(looked)
