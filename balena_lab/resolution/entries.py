"""Which files of a service directory balena's resolvers take: the tar entry matching.

balena CLI streams the service directory as a tar; each resolver's
``needsEntry()`` (``@balena/compose`` 8.0.5 ``lib/resolve/resolvers/*.ts``)
decides which entries it keeps, by name only. This module reproduces those
name rules, and lists only the folder that can hold matches.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path


def normalize_entry(name: str) -> str:
    """tar-utils normalizeTarEntry: posix-normalize, strip leading/trailing slashes."""
    if not name:
        return ""
    return posixpath.normpath(name).strip("/") or "."


def remove_extension(name: str) -> str:
    """The builder's removeExtension: cut at the last '.', even inside a folder name."""
    index = name.rfind(".")
    return name[:index] if index != -1 else name


def split_ext(name: str) -> tuple[str, str]:
    """(minusExt, ext) as Node's path.posix.parse gives them for a tar entry name."""
    directory, base = posixpath.split(name)
    # Node: the extension starts at the last '.', unless that dot opens the name or
    # the name is '..' (Python's splitext skips every leading dot instead).
    dot = base.rfind(".")
    ext = "" if dot <= 0 or base == ".." else base[dot:]
    stem = base[: len(base) - len(ext)]
    return (f"{directory}/{stem}" if directory else stem), ext


def service_entries(project: Path, specified: str | None) -> dict[str, Path]:
    """The files of the service directory any resolver could take, by tar entry name.

    Only the top level counts (or the folder of the specified path), so only
    that folder is listed: resolution stays fast on big projects.
    """
    folder = posixpath.dirname(specified) if specified else ""
    if folder == ".." or folder.startswith("../"):
        return {}  # outside the service directory: never in the tar balena sends
    base = project / folder if folder else project
    found: dict[str, Path] = {}
    try:
        with os.scandir(base) as listing:
            for entry in listing:
                if entry.is_file():  # follows symlinks, as a packer does
                    found[f"{folder}/{entry.name}" if folder else entry.name] = Path(entry.path)
    except (FileNotFoundError, NotADirectoryError):
        pass
    return dict(sorted(found.items()))


def resolver_kinds(name: str, specified: str | None) -> list[str]:
    """Which resolvers' needsEntry() accept this entry (lib/resolve/resolvers/*.ts)."""
    minus_ext, ext = split_ext(name)
    stem_matches = (name == specified or minus_ext == specified) if specified else (
        minus_ext == "Dockerfile")
    kinds = []
    if name == (specified if specified else "Dockerfile"):
        kinds.append("dockerfile")
    if ext == ".template" and stem_matches:
        kinds.append("template")
    if ext and ext != ".template" and stem_matches:
        kinds.append("arch-specific")
    if not specified and (name in ("package.json", "wscript") or (
            "/" not in name and ext == ".gyp")):
        kinds.append("nodejs")
    return kinds
