"""ADD versus COPY: "always use COPY unless the auto-extraction capability of ADD is needed"."""

from __future__ import annotations

from collections.abc import Iterator

from ...model import Instruction
from ..registry import Context, Hit, rule

# What ADD unpacks: tar, optionally compressed with gzip, bzip2 or xz.
TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tbz2", ".tar.xz", ".txz")


def is_remote(source: str) -> bool:
    return "://" in source or source.startswith("git@")


def is_tar(source: str) -> bool:
    return source.lower().endswith(TAR_SUFFIXES)


def _adds(context: Context) -> Iterator[tuple[Instruction, list[str]]]:
    for instruction in context.dockerfile.instructions:
        if instruction.name == "ADD" and len(instruction.args) >= 2 and not instruction.heredocs:
            yield instruction, list(instruction.args[:-1])


@rule("BL004")
def add_where_copy_would_do(context: Context) -> Iterator[Hit]:
    for instruction, sources in _adds(context):
        if not any(is_remote(s) or is_tar(s) for s in sources):
            yield Hit.at(
                instruction,
                "ADD of local files that are not tar archives: use COPY, since ADD is only "
                "needed for its auto-extraction",
            )


@rule("BL005")
def add_remote_not_unpacked(context: Context) -> Iterator[Hit]:
    for instruction, sources in _adds(context):
        for source in sources:
            if is_remote(source):
                extra = " (this archive stays an archive)" if is_tar(source) else ""
                yield Hit.at(
                    instruction, f"ADD downloads {source} but does not unpack remote URLs{extra}"
                )


@rule("BL006")
def add_local_tar_unpacked(context: Context) -> Iterator[Hit]:
    for instruction, sources in _adds(context):
        dest = instruction.args[-1]
        for source in sources:
            if is_tar(source) and not is_remote(source):
                yield Hit.at(instruction, f"ADD unpacks the local archive {source} into {dest}")
