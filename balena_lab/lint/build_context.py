"""The files of a build context that COPY/ADD sources take, read as the classic builder does.

Only folders a source can reach are entered; what ``.dockerignore`` (plus the
builders' own ``**/.git``) leaves out is skipped, as it never reaches the
builder.  Symbolic links are not followed, so nothing outside the context is
read, and nothing is ever written.  A scan stops at a guard (entries or
seconds), and says so in ``stopped`` so that the report can tell.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

from ..context import dockerignore
from ..context.archive import ALWAYS_EXCLUDED
from ..dockerfile._paths import context_parts, go_match, has_wildcards

# A guard, reported (BL020) when hit: never a silent cap that hides files.
MAX_SCAN_ENTRIES = 200_000
MAX_SCAN_SECONDS = 5.0


class ContextFiles:
    """The files of the context at ``root`` that COPY/ADD sources take."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        patterns = dockerignore.read(root / ".dockerignore")
        git = dockerignore.compile_pattern(ALWAYS_EXCLUDED)
        self.matcher = dockerignore.Matcher([*patterns, *([git] if git else [])])
        self.visited = 0
        self.deadline = time.monotonic() + MAX_SCAN_SECONDS
        self.stopped: str | None = None

    def inside(self, path: Path) -> bool:
        """Whether ``path`` is in the context, not reached through a symbolic link."""
        try:
            return path.resolve().relative_to(self.root) == path.relative_to(self.root)
        except (ValueError, OSError):
            return False

    def _guard(self) -> bool:
        self.visited += 1
        if self.stopped is None and (
            self.visited > MAX_SCAN_ENTRIES or time.monotonic() > self.deadline
        ):
            self.stopped = (
                f"stopped after {self.visited - 1} entries of the build context "
                f"(limit {MAX_SCAN_ENTRIES} entries or {MAX_SCAN_SECONDS:g} s)"
            )
        return self.stopped is None

    def _entries(self, folder: Path, prefix: str) -> Iterator[tuple[os.DirEntry[str], str, bool]]:
        """``(entry, relative path, is_dir)`` of ``folder`` that reach the builder."""
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            if not self._guard():
                return
            rel = prefix + entry.name
            is_dir = entry.is_dir(follow_symlinks=False)
            decided = self.matcher.match(rel)
            # An excluded folder is entered only if a "!" pattern may bring something back
            # (never .git, whose built-in rule has line 0).
            if (
                decided is not None
                and not decided.exclusion
                and not (is_dir and decided.line and self.matcher.may_reinclude_below(rel))
            ):
                continue
            yield entry, rel, is_dir

    def _everything(self, folder: Path, prefix: str) -> Iterator[tuple[Path, str]]:
        for entry, rel, is_dir in self._entries(folder, prefix):
            if is_dir:
                yield from self._everything(Path(entry.path), rel + "/")
            elif entry.is_file(follow_symlinks=False) and not self.matcher.excluded(rel):
                yield Path(entry.path), rel

    def _matching(self, folder: Path, prefix: str, parts: list[str]) -> Iterator[tuple[Path, str]]:
        for entry, rel, is_dir in self._entries(folder, prefix):
            if not go_match(parts[0], entry.name):
                continue
            if len(parts) > 1:
                if is_dir:
                    yield from self._matching(Path(entry.path), rel + "/", parts[1:])
            elif is_dir:
                yield from self._everything(Path(entry.path), rel + "/")
            elif entry.is_file(follow_symlinks=False) and not self.matcher.excluded(rel):
                yield Path(entry.path), rel

    def copied(self, source: str) -> Iterator[tuple[Path, str]]:
        """Files of the context that ``COPY source`` takes, with their relative paths."""
        parts = context_parts(source)
        if parts is None:
            return
        if has_wildcards(source):
            yield from self._matching(self.root, "", parts)
            return
        rel = "/".join(parts)
        path = self.root.joinpath(*parts)
        if not self.inside(path) or (rel and self.matcher.excluded(rel)):
            return
        if path.is_dir():
            yield from self._everything(path, rel + "/" if rel else "")
        elif path.is_file():
            yield path, rel
