"""Container requirements: the Supervisor needs /tmp/balena for update locks."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ...dockerfile._paths import is_remote
from ...dockerfile.model import Dockerfile, Instruction
from ...dockerfile.shell import removes_tmp_balena, removes_tmp_balena_argv, stage_commands
from ..build_context import ContextFiles
from ..registry import Context, Hit, rule

_START = frozenset({"CMD", "ENTRYPOINT"})
_RUN = frozenset({"RUN"})
_SCRIPT_SUFFIXES = (".sh", ".bash", ".ash")
MAX_SCRIPT_BYTES = 1 << 20


def _removals(context: Context, names: frozenset[str]) -> Iterator[tuple[Instruction, str]]:
    """``(instruction, path)`` for each of ``names`` whose command removes /tmp/balena.

    Exec form is matched without globbing (no shell expands ``/tmp/*`` there); a CMD
    given to a shell ENTRYPOINT (``ENTRYPOINT ["sh", "-c"]``) is read as its script.
    """
    for stage in context.stages():
        for instruction, argv, _ in stage_commands(stage):
            if instruction.name in names and (path := removes_tmp_balena_argv(argv)):
                yield instruction, path


@rule("BL009")
def start_removes_tmp_balena(context: Context) -> Iterator[Hit]:
    for instruction, path in _removals(context, _START):
        yield Hit.at(
            instruction,
            f"{instruction.name} removes {path} when the container starts: the Supervisor "
            "needs /tmp/balena for update locks",
        )


@rule("BL010")
def run_removes_tmp_balena(context: Context) -> Iterator[Hit]:
    for instruction, path in _removals(context, _RUN):
        yield Hit.at(
            instruction,
            f"RUN removes {path}: harmless at build time, but never do this when the "
            "container starts, the Supervisor needs /tmp/balena",
        )


@dataclass(frozen=True, slots=True)
class _ScriptHit:
    instruction: Instruction
    path: str  # relative to the context root
    line: int
    removed: str


@dataclass(frozen=True, slots=True)
class _Scan:
    hits: tuple[_ScriptHit, ...]
    files_read: int
    stopped: str | None  # why the scan stopped early, None when it saw everything


def _script_text(path: Path) -> str | None:
    try:
        if path.stat().st_size > MAX_SCRIPT_BYTES:
            return None
        with path.open("rb") as handle:
            head = handle.read(80)
            if not (
                path.name.endswith(_SCRIPT_SUFFIXES) or (head.startswith(b"#!") and b"sh" in head)
            ):
                return None
            data = head + handle.read()
    except OSError:
        return None
    return data.decode("utf-8", errors="replace")


# The last scan, shared by BL011 and BL020 within one lint() call (same Context object).
_last: list[tuple[Context, _Scan]] = []


def _scan(context: Context) -> _Scan:
    if _last and _last[0][0] is context:
        return _last[0][1]
    assert context.build_context is not None
    scan = _read_context(context.dockerfile, context.build_context.resolve())
    _last[:] = [(context, scan)]
    return scan


def _read_context(dockerfile: Dockerfile, root: Path) -> _Scan:
    walker = ContextFiles(root)
    hits: list[_ScriptHit] = []
    seen: set[tuple[int, str]] = set()
    for instruction in dockerfile.instructions:
        if instruction.name not in ("COPY", "ADD") or instruction.flag("from") is not None:
            continue
        for source in instruction.args[:-1]:
            if is_remote(source):
                continue
            for path, rel in walker.copied(source):
                if (instruction.start_line, rel) in seen:
                    continue
                seen.add((instruction.start_line, rel))
                text = _script_text(path)
                if text is None:
                    continue
                for number, line in enumerate(text.splitlines(), start=1):
                    if line.lstrip().startswith("#"):
                        continue
                    removed = removes_tmp_balena(line)
                    if removed:
                        hits.append(_ScriptHit(instruction, rel, number, removed))
    return _Scan(tuple(hits), walker.visited, walker.stopped)


@rule("BL011")
def script_removes_tmp_balena(context: Context) -> Iterator[Hit]:
    if context.build_context is None:
        return
    for hit in _scan(context).hits:
        yield Hit.at(
            hit.instruction,
            f"{hit.path} line {hit.line} removes {hit.removed}: the "
            "Supervisor needs /tmp/balena for update locks",
        )


@rule("BL020")
def context_scan_incomplete(context: Context) -> Iterator[Hit]:
    if context.build_context is None:
        return
    stopped = _scan(context).stopped
    if stopped:
        first = context.dockerfile.instructions[0]
        yield Hit.at(first, f"BL011 {stopped}: scripts beyond that were not checked")
