"""The build context: the files Docker would receive for a project, as a tar.

Rules, as balena's builders and Docker apply them:

- ``.dockerignore`` patterns with Docker's own matching (:mod:`.dockerignore`);
- ``.git`` folders are always left out ("the builders already do this by
  default", says the page): ``**/.git`` is matched after the project's own
  patterns, so no exception can bring them back;
- the Dockerfile to build is always sent, under the name the resolution
  gives, replacing a plain ``Dockerfile`` (and ``.dockerignore`` is always
  sent too, as the Docker CLI does); other candidate files stay as they are;
- symlinks travel as symlinks and are never followed, so nothing outside the
  project is read; sockets and other special files are skipped;
- owners become 0:0 in the archive (as the Docker CLI does), modes and
  times are kept.

The project folder is only read, never written.  Folders that are excluded
and that no ``!`` exception can reach are skipped without being listed,
which keeps a project with a huge ignored ``node_modules`` fast.
"""

from __future__ import annotations

import os
import stat
import tarfile
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import IO, Any

from .._values import JsonValue
from ..errors import UnreadableInputError
from . import dockerignore

ALWAYS_EXCLUDED = "**/.git"


@dataclass(frozen=True)
class Exclusion:
    """A path left out of the context, and the ``.dockerignore`` line that did it."""

    path: str
    pattern: str
    line: int  # 0 for the built-in .git rule
    is_dir: bool

    @property
    def reason(self) -> str:
        if self.line == 0:
            return f"{self.pattern} (builders always leave .git out)"
        return f".dockerignore line {self.line}: {self.pattern}"


@dataclass(frozen=True)
class ContextSummary(JsonValue):
    """What a build context holds, for a learner to read."""

    root: str
    files: tuple[str, ...]
    total_size: int
    excluded: tuple[Exclusion, ...]
    dockerfile_name: str
    dockerfile_replaced: bool
    symlinks: tuple[str, ...] = field(default=())

    @property
    def file_count(self) -> int:
        return len(self.files)

    def excluded_by_pattern(self) -> dict[str, list[str]]:
        """Excluded paths grouped by the rule that excluded them."""
        grouped: dict[str, list[str]] = {}
        for item in self.excluded:
            grouped.setdefault(item.reason, []).append(item.path + ("/" if item.is_dir else ""))
        return grouped

    def to_dict(self) -> dict[str, Any]:
        return {
            "root": self.root,
            "file_count": self.file_count,
            "total_size": self.total_size,
            "files": list(self.files),
            "excluded": [vars(item) | {"reason": item.reason} for item in self.excluded],
            "dockerfile_name": self.dockerfile_name,
            "dockerfile_replaced": self.dockerfile_replaced,
            "symlinks": list(self.symlinks),
        }

    def __str__(self) -> str:
        lines = [
            f"build context of {self.root}: {self.file_count} files, {_size(self.total_size)}",
            f"  Dockerfile sent as {self.dockerfile_name}"
            + (" (the resolved file replaces the project's)" if self.dockerfile_replaced else ""),
        ]
        for reason, paths in self.excluded_by_pattern().items():
            shown = ", ".join(paths[:6]) + (f" and {len(paths) - 6} more" if len(paths) > 6 else "")
            lines.append(f"  excluded by {reason}: {shown}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td><code>{escape(reason)}</code></td><td>{escape(', '.join(paths))}</td></tr>"
            for reason, paths in self.excluded_by_pattern().items()
        ) or "<tr><td colspan=2>nothing excluded</td></tr>"
        return (
            f"<p><b>{self.file_count}</b> files, <b>{_size(self.total_size)}</b> sent to the "
            f"engine; Dockerfile sent as <code>{escape(self.dockerfile_name)}</code></p>"
            f"<table><thead><tr><th>excluded by</th><th>paths</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} B"


@dataclass(frozen=True)
class _Entry:
    path: str  # relative, with "/"
    full: str
    st: os.stat_result


def _scan(root: Path, matcher: dockerignore.Matcher) -> tuple[list[_Entry], list[Exclusion]]:
    included: list[_Entry] = []
    excluded: list[Exclusion] = []

    def walk(folder: str, prefix: str) -> None:
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as error:
            raise UnreadableInputError(
                f"cannot read the folder: {error.strerror}", path=folder
            ) from None
        for entry in entries:
            rel = prefix + entry.name
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError as error:
                raise UnreadableInputError(f"cannot read: {error.strerror}", path=entry.path) from None
            is_dir = stat.S_ISDIR(st.st_mode)
            decided = matcher.match(rel)
            if decided is not None and not decided.exclusion:
                excluded.append(Exclusion(rel, str(decided), decided.line, is_dir))
                # The builders' own .git rule is final: never look inside.
                if is_dir and decided.line != 0 and matcher.may_reinclude_below(rel):
                    walk(entry.path, rel + "/")
                continue
            if not (is_dir or stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode)):
                continue  # sockets, fifos, devices: Docker skips them too
            included.append(_Entry(rel, entry.path, st))
            if is_dir:
                walk(entry.path, rel + "/")

    walk(str(root), "")
    return included, excluded


def _tarinfo(entry: _Entry) -> tarfile.TarInfo:
    st = entry.st
    info = tarfile.TarInfo(entry.path)
    info.mode = stat.S_IMODE(st.st_mode)
    info.mtime = int(st.st_mtime)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    if stat.S_ISDIR(st.st_mode):
        info.type = tarfile.DIRTYPE
    elif stat.S_ISLNK(st.st_mode):
        info.type = tarfile.SYMTYPE
        info.linkname = os.readlink(entry.full)
    else:
        info.size = st.st_size
    return info


def _add_text(tar: tarfile.TarFile, name: str, text: str) -> int:
    data = text.encode("utf-8")
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    tar.addfile(info, _BytesReader(data))
    return len(data)


class _BytesReader:
    """Minimal file object over bytes for tarfile.addfile (avoids a BytesIO copy per call)."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size < 0 else self._pos + size
        chunk = self._data[self._pos:end]
        self._pos += len(chunk)
        return chunk


def create(
    project_dir: str | Path,
    *,
    dockerfile_name: str = "Dockerfile",
    dockerfile_text: str | None = None,
    fileobj: IO[bytes] | None = None,
) -> tuple[IO[bytes], ContextSummary]:
    """Pack the build context of ``project_dir`` into a tar (a temporary file by default).

    ``dockerfile_text`` is the Dockerfile to build (the resolved one); it is
    written under ``dockerfile_name``, replacing any file of that name.  When
    None, the project's own ``dockerfile_name`` is sent as it is.  Returns the
    archive, rewound, and its summary.
    """
    root = Path(project_dir).resolve()
    if not root.is_dir():
        raise UnreadableInputError("not a folder", path=project_dir)
    patterns = dockerignore.read(root / ".dockerignore")
    builtin = dockerignore.compile_pattern(ALWAYS_EXCLUDED)
    assert builtin is not None
    matcher = dockerignore.Matcher([*patterns, builtin])
    entries, excluded = _scan(root, matcher)

    # The Dockerfile and .dockerignore always travel (Docker's rule), whatever the patterns.
    always = {dockerfile_name, ".dockerignore"}
    excluded = [e for e in excluded if e.path not in always]
    present = {entry.path for entry in entries}
    for name in sorted(always - present):
        full = root / name
        wanted = dockerfile_text is None or name != dockerfile_name
        if wanted and full.is_file() and not full.is_symlink():
            entries.append(_Entry(name, str(full), full.stat()))

    # The caller owns the archive (and closes it): no context manager here.
    archive: IO[bytes] = fileobj if fileobj is not None else tempfile.TemporaryFile()  # noqa: SIM115
    total = 0
    files: list[str] = []
    symlinks: list[str] = []
    replaced = False
    with tarfile.open(fileobj=archive, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for entry in entries:
            if dockerfile_text is not None and entry.path == dockerfile_name:
                replaced = True
                continue
            info = _tarinfo(entry)
            if info.isreg():
                try:
                    with open(entry.full, "rb") as handle:
                        tar.addfile(info, handle)
                except OSError as error:
                    raise UnreadableInputError(
                        f"cannot read: {error.strerror}", path=entry.full
                    ) from None
                files.append(entry.path)
                total += info.size
            else:
                tar.addfile(info)
                if info.issym():
                    symlinks.append(entry.path)
        if dockerfile_text is not None:
            total += _add_text(tar, dockerfile_name, dockerfile_text)
            files.append(dockerfile_name)
    archive.seek(0)
    summary = ContextSummary(
        root=str(root),
        files=tuple(sorted(files)),
        total_size=total,
        excluded=tuple(excluded),
        dockerfile_name=dockerfile_name,
        dockerfile_replaced=replaced,
        symlinks=tuple(symlinks),
    )
    return archive, summary


def made_context(entries: Mapping[str, bytes | tuple[bytes, int] | Path | None]) -> IO[bytes]:
    """A build context made of the given entries, not of a project folder.

    For the images balena_lab makes itself (base images, stand-ins): each
    name maps to its content (bytes, or bytes and a mode), a file to copy in
    (a Path, which may be large: the archive is a temporary file), or None for
    an empty folder.
    The archive is rewound and ready to send; the caller closes it.
    """
    archive = tempfile.TemporaryFile()  # noqa: SIM115  (handed to the caller, who closes it)
    with tarfile.open(fileobj=archive, mode="w") as tar:
        for name, content in entries.items():
            if content is None:
                folder = tarfile.TarInfo(name)
                folder.type, folder.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(folder)
            elif isinstance(content, Path):
                tar.add(content, arcname=name, recursive=False)
            else:
                data, mode = content if isinstance(content, tuple) else (content, 0o644)
                info = tarfile.TarInfo(name)
                info.size, info.mode = len(data), mode
                tar.addfile(info, _BytesReader(data))
    archive.seek(0)
    return archive
