"""ADD versus COPY: "always use COPY unless the auto-extraction capability of ADD is needed".

Docker decides by content, not by name: a local file that is a tar archive
(plain, or compressed with gzip, bzip2, xz or zstd) is unpacked, whatever it
is called.  Without the build context we can only go by names that look like
tar archives; with it we read the first bytes of each file ADD takes.
"""

from __future__ import annotations

import bz2
import lzma
import zlib
from collections.abc import Iterator
from pathlib import Path

from ...dockerfile._paths import context_parts, has_wildcards, is_remote
from ...dockerfile.model import Instruction
from ..build_context import ContextFiles
from ..registry import Context, Hit, rule

# Names that look like what ADD unpacks: tar, optionally compressed.
TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tbz2", ".tar.xz", ".txz")
_HEADER = 512
_ZSTD = b"\x28\xb5\x2f\xfd"


def looks_like_tar(source: str) -> bool:
    """Whether ``source``'s name looks like a tar archive (Docker itself checks content)."""
    return source.lower().endswith(TAR_SUFFIXES)


def _decompressed_head(data: bytes) -> bytes | None:
    """The first bytes after decompression (None for zstd, which we cannot read: assume tar)."""
    try:
        if data.startswith(b"\x1f\x8b"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, _HEADER)
        if data.startswith(b"BZh"):
            return bz2.BZ2Decompressor().decompress(data, _HEADER)
        if data.startswith(b"\xfd7zXZ\x00"):
            return lzma.LZMADecompressor().decompress(data, _HEADER)
    except (OSError, EOFError, ValueError, zlib.error, lzma.LZMAError):
        return b""
    return data


def is_tar_file(path: Path) -> bool:
    """Whether Docker would unpack ``path``: a tar header, maybe under compression."""
    try:
        with path.open("rb") as handle:
            data = handle.read(64 * 1024)
    except OSError:
        return False
    if data.startswith(_ZSTD):
        return True
    head = _decompressed_head(data)
    if head is None:
        return True
    header = head[:_HEADER]
    if len(header) < _HEADER:
        return False
    if header[257:262] == b"ustar":
        return True
    try:  # an old (V7) tar: only the header checksum tells
        stored = int(header[148:156].split(b"\x00", 1)[0].strip() or b"-1", 8)
    except ValueError:
        return False
    return stored == sum(header[:148]) + 8 * 32 + sum(header[156:])


def _looks_like_git(source: str) -> bool:
    return source.startswith(("git@", "git://", "ssh://"))


def _adds(context: Context) -> Iterator[tuple[Instruction, list[str]]]:
    for instruction in context.dockerfile.instructions:
        if instruction.name == "ADD" and len(instruction.args) >= 2 and not instruction.heredocs:
            yield instruction, list(instruction.args[:-1])


def _unpacked(context: Context, source: str, files: ContextFiles | None) -> bool | None:
    """Whether ADD unpacks local ``source``: by content with a context, else by name.

    None when the context is given but holds nothing for ``source`` (then its name decides).
    """
    if files is None:
        return looks_like_tar(source)
    parts = context_parts(source)
    if parts is None:
        return None
    if not has_wildcards(source):
        path = files.root.joinpath(*parts)
        if not files.inside(path):
            return None
        if path.is_file():
            return is_tar_file(path)
        return False if path.is_dir() else None
    found = [path for path, rel in files.copied(source) if rel.count("/") == len(parts) - 1]
    return any(is_tar_file(path) for path in found) if found else None


def _local_tars(context: Context, instruction: Instruction, sources: list[str]) -> list[str]:
    files = ContextFiles(context.build_context) if context.build_context else None
    tars = []
    for source in sources:
        if is_remote(source):
            continue
        unpacked = _unpacked(context, source, files)
        if unpacked is None:
            unpacked = looks_like_tar(source)
        if unpacked:
            tars.append(source)
    return tars


@rule("BL004")
def add_where_copy_would_do(context: Context) -> Iterator[Hit]:
    checked = (
        "whose content is not a tar archive"
        if context.build_context
        else ("with names that don't look like tar archives")
    )
    for instruction, sources in _adds(context):
        if any(is_remote(s) for s in sources) or _local_tars(context, instruction, sources):
            continue
        yield Hit.at(
            instruction,
            f"ADD of local files {checked}: use COPY, since ADD is only needed for its "
            "auto-extraction (Docker unpacks any tar archive, whatever its name)",
        )


@rule("BL005")
def add_remote_not_unpacked(context: Context) -> Iterator[Hit]:
    for instruction, sources in _adds(context):
        for source in sources:
            if _looks_like_git(source):
                yield Hit.at(
                    instruction,
                    f"the classic builder does not clone {source}: only http(s) URLs are "
                    "downloaded, anything else is a path in the build context",
                )
            elif is_remote(source):
                extra = " (this archive stays an archive)" if looks_like_tar(source) else ""
                yield Hit.at(
                    instruction, f"ADD downloads {source} but does not unpack remote URLs{extra}"
                )


@rule("BL006")
def add_local_tar_unpacked(context: Context) -> Iterator[Hit]:
    how = (
        "its content is a tar archive"
        if context.build_context
        else "its name looks like a tar archive (Docker checks the content)"
    )
    for instruction, sources in _adds(context):
        dest = instruction.args[-1]
        for source in _local_tars(context, instruction, sources):
            yield Hit.at(instruction, f"ADD unpacks {source} into {dest}: {how}")
