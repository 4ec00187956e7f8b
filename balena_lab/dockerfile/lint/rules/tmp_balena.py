"""Container requirements: the Supervisor needs /tmp/balena for update locks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ...model import Instruction
from ..registry import Context, Hit, rule
from ..shell import removes_tmp_balena, removes_tmp_balena_argv

_START = frozenset({"CMD", "ENTRYPOINT"})
_SCRIPT_SUFFIXES = (".sh", ".bash", ".ash")
MAX_SCRIPT_BYTES = 1 << 20
MAX_FILES_PER_SOURCE = 500


def _removed(instruction: Instruction) -> str | None:
    if instruction.form == "exec":
        return removes_tmp_balena_argv(list(instruction.args))
    if instruction.form == "shell":
        return removes_tmp_balena(instruction.args[0])
    return None


@rule("BL009")
def start_removes_tmp_balena(context: Context) -> Iterator[Hit]:
    for instruction in context.dockerfile.instructions:
        if instruction.name in _START and (path := _removed(instruction)):
            yield Hit.at(
                instruction,
                f"{instruction.name} removes {path} when the container starts: the Supervisor "
                "needs /tmp/balena for update locks",
            )


@rule("BL010")
def run_removes_tmp_balena(context: Context) -> Iterator[Hit]:
    for instruction in context.dockerfile.instructions:
        if instruction.name == "RUN" and (path := _removed(instruction)):
            yield Hit.at(
                instruction,
                f"RUN removes {path}: harmless at build time, but never do this when the "
                "container starts, the Supervisor needs /tmp/balena",
            )


def _inside(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except ValueError:
        return False
    return True


def _copied_files(root: Path, source: str) -> Iterator[Path]:
    """Files of the build context that ``COPY source`` takes (wildcards and folders too)."""
    pattern = source.lstrip("/") or "."
    matches = sorted(root.glob(pattern)) if any(c in pattern for c in "*?[") else [root / pattern]
    count = 0
    for match in matches:
        if not _inside(root, match):
            continue  # never read outside the build context
        candidates = sorted(match.rglob("*")) if match.is_dir() else [match]
        for candidate in candidates:
            if candidate.is_file() and _inside(root, candidate):
                count += 1
                if count > MAX_FILES_PER_SOURCE:
                    return
                yield candidate


def _script_text(path: Path) -> str | None:
    try:
        if path.stat().st_size > MAX_SCRIPT_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    if not (
        path.name.endswith(_SCRIPT_SUFFIXES) or (data.startswith(b"#!") and b"sh" in data[:80])
    ):
        return None
    return data.decode("utf-8", errors="replace")


@rule("BL011")
def script_removes_tmp_balena(context: Context) -> Iterator[Hit]:
    if context.build_context is None:
        return
    root = context.build_context.resolve()
    for instruction in context.dockerfile.instructions:
        if instruction.name not in ("COPY", "ADD") or instruction.flag("from") is not None:
            continue
        for source in instruction.args[:-1]:
            if "://" in source:
                continue
            for path in _copied_files(root, source):
                text = _script_text(path)
                if text is None:
                    continue
                for number, line in enumerate(text.splitlines(), start=1):
                    removed = removes_tmp_balena(line)
                    if removed and not line.lstrip().startswith("#"):
                        yield Hit.at(
                            instruction,
                            f"{path.relative_to(root)} line {number} removes {removed}: the "
                            "Supervisor needs /tmp/balena for update locks",
                        )
