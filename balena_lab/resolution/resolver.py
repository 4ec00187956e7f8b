"""Which file balena builds for a service, and what it says after substitution.

The rules are balena's builder's (``@balena/compose`` 8.0.5, ``lib/resolve``):
four resolvers look at the service directory's files, each satisfied resolver
has a priority, the highest wins and ties keep the list order::

    kind           files it takes                         priority  builder name
    dockerfile     Dockerfile (or the specified path)     0, first  Standard Dockerfile
    template       Dockerfile.template (<path>.template)  2         Dockerfile.template
    arch-specific  Dockerfile.<device-type|arch>          3         Architecture-specific Dockerfile
    nodejs         package.json (+ wscript, *.gyp)        0, last   NodeJS

Within ``arch-specific`` the device type's file beats the arch's. The winner
never falls back: if it fails (an undefined variable, say) resolution fails.

``kind`` is the builder's resolver (what ``--json`` and the fidelity tests
compare); what people read is the page's order, :data:`PAGE_ORDER`: three
levels, ``Dockerfile.<device-type>`` > ``Dockerfile.<arch>`` >
``Dockerfile.template``, then a plain ``Dockerfile`` and ``package.json``
(:func:`page_level`).
:func:`resolve` reads the project and never writes to it.
"""

from __future__ import annotations

import html
import os
import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._values import JsonValue
from ..catalog import devicetypes
from ..catalog.arches import all_arches, get_arch
from ..errors import (
    DockerfileNotFoundError,
    NoDockerfileError,
    PackageJsonError,
    ResolutionError,
)
from . import nodejs, templates
from .entries import normalize_entry, remove_extension, resolver_kinds, service_entries, split_ext
from .nodejs import NodeProject
from .templates import Substitution

KINDS: tuple[str, ...] = ("arch-specific", "template", "dockerfile", "nodejs")

# (kind, priority, the builder's resolver name), in getDefaultResolvers() order:
# the order breaks priority ties (a Dockerfile beats package.json).
RESOLVERS: tuple[tuple[str, int, str], ...] = (
    ("dockerfile", 0, "Standard Dockerfile"),
    ("template", 2, "Dockerfile.template"),
    ("arch-specific", 3, "Architecture-specific Dockerfile"),
    ("nodejs", 0, "NodeJS"),
)
_PRIORITY = {kind: priority for kind, priority, _ in RESOLVERS}
BUILDER_NAMES = {kind: name for kind, _, name in RESOLVERS}

#: The page's order of preference, in its words, then the two files it names after them.
PAGE_ORDER: tuple[str, ...] = ("Dockerfile.<device-type>", "Dockerfile.<arch>",
                               "Dockerfile.template", "Dockerfile", "package.json")
_ORDINALS = ("first", "second", "third")


def page_level(kind: str | None, path: str, arch: str) -> str | None:
    """Which of the page's levels (:data:`PAGE_ORDER`) a file of ``kind`` is for a device
    of ``arch``: a ``Dockerfile.<ext>`` is the arch's file when ``ext`` is the arch, the
    device type's otherwise."""
    if kind == "arch-specific":
        return "Dockerfile.<arch>" if split_ext(path)[1][1:] == arch else "Dockerfile.<device-type>"
    return {"template": "Dockerfile.template", "dockerfile": "Dockerfile",
            "nodejs": "package.json"}.get(kind or "")


def page_choice(level: str) -> str:
    """``the page's first choice`` for a level of :data:`PAGE_ORDER`."""
    rank = PAGE_ORDER.index(level)
    return (f"the page's {_ORDINALS[rank]} choice" if rank < len(_ORDINALS)
            else "after the page's three choices")


NO_DOCKERFILE_MESSAGE = "Could not find a Dockerfile for this service"
NOT_FOUND_MESSAGE = "Specified file not found or is invalid: {path}"


@dataclass(frozen=True)
class Candidate(JsonValue):
    """A file the resolvers looked at, and why it won, lost or did not count."""

    path: str  # posix path relative to the service directory
    kind: str | None  # one of KINDS, or None for a look-alike no rule takes
    outcome: str  # "chosen", "outranked", "ignored" or "marker"
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "kind": self.kind, "outcome": self.outcome,
                "reason": self.reason}


@dataclass(frozen=True)
class Resolution(JsonValue):
    """The Dockerfile balena would build for one service and device type."""

    project_dir: str
    device_type: str
    arch: str
    specified_dockerfile: str | None
    kind: str  # one of KINDS
    source: str  # the chosen file, relative to project_dir
    dockerfile_name: str  # the name the resolved file gets in the build context
    dockerfile: str  # its text, after substitution
    candidates: tuple[Candidate, ...]
    substitutions: tuple[Substitution, ...]
    variables: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()
    node: NodeProject | None = field(default=None, repr=False)

    @property
    def builder_resolver(self) -> str:
        """The name balena's builder reports for the winning resolver."""
        return BUILDER_NAMES[self.kind]

    @property
    def level(self) -> str:
        """The page's level of the chosen file (:data:`PAGE_ORDER`)."""
        return page_level(self.kind, self.source, self.arch) or self.kind

    def to_dict(self) -> dict[str, Any]:
        """The ``balena-lab resolve --json`` object (with ``error`` null)."""
        return {
            "kind": self.kind,
            "source": self.source,
            "dockerfile_name": self.dockerfile_name,
            "dockerfile": self.dockerfile,
            "candidates": [c.to_dict() for c in self.candidates],
            "substitutions": [s.to_dict() for s in self.substitutions],
            "error": None,
        }

    def _repr_html_(self) -> str:
        esc = html.escape
        rows = "".join(
            f"<tr><td><code>{esc(c.path)}</code></td>"
            f"<td>{esc(page_level(c.kind, c.path, self.arch) or '')}</td>"
            f"<td><b>{esc(c.outcome)}</b></td><td>{esc(c.reason)}</td></tr>"
            for c in self.candidates
        )
        notes = "".join(f"<li>{esc(n)}</li>" for n in self.notes)
        return (
            f"<div><p><b>{esc(self.device_type)}</b> ({esc(self.arch)}): "
            f"<code>{esc(self.source)}</code> wins as <b>{esc(self.level)}</b> "
            f"({esc(page_choice(self.level))}), built as "
            f"<code>{esc(self.dockerfile_name)}</code></p>"
            "<table><tr><th>file</th><th>page's level</th><th>outcome</th><th>why</th></tr>"
            f"{rows}</table>"
            f"<pre>{highlight_html(self.dockerfile, self.substitutions)}</pre>"
            + (f"<ul>{notes}</ul>" if notes else "")
            + "</div>"
        )


def failure_to_dict(error: ResolutionError) -> dict[str, Any]:
    """The ``balena-lab resolve --json`` object for a failed resolution: the keys of
    :meth:`Resolution.to_dict`, empty, with ``error`` naming the error's type."""
    candidates = [c.to_dict() for c in error.candidates if isinstance(c, Candidate)]
    return {"kind": None, "source": None, "dockerfile_name": None, "dockerfile": None,
            "candidates": candidates, "substitutions": [], "error": error.to_dict()}


def highlight_html(text: str, substitutions: tuple[Substitution, ...]) -> str:
    """``text`` HTML-escaped with every substituted value in a ``<mark>`` naming its variable."""
    return mark_html(text, [(s.line, s.output_column, len(s.value), f"%%{s.variable}%%")
                            for s in substitutions])


def mark_html(text: str, marks: Iterable[tuple[int, int, int, str | None]]) -> str:
    """``text`` HTML-escaped, each (line, column, length, title) span in a ``<mark>``
    (1-based line and column; spans of a line in order, not overlapping)."""
    by_line: dict[int, list[tuple[int, int, str | None]]] = {}
    for number, column, length, title in marks:
        by_line.setdefault(number, []).append((column - 1, length, title))
    out = []
    for number, text_line in enumerate(text.split("\n"), start=1):
        pieces, last = [], 0
        for start, length, title in by_line.get(number, ()):
            pieces.append(html.escape(text_line[last:start]))
            attribute = f' title="{html.escape(title)}"' if title else ""
            pieces.append(
                f"<mark{attribute}>{html.escape(text_line[start:start + length])}</mark>")
            last = start + length
        pieces.append(html.escape(text_line[last:]))
        out.append("".join(pieces))
    return "\n".join(out)


def _read_text(path: Path, project: Path,
               unreadable: type[ResolutionError] = DockerfileNotFoundError) -> str:
    # A link may lead anywhere: only a file inside the project is read (docker build
    # refuses a Dockerfile outside its context too), so no /etc/shadow is ever shown.
    real = path.resolve()
    if not real.is_relative_to(project.resolve()):
        raise unreadable(f"a link to {real}, outside the project: it is not read (docker "
                         "build refuses a file outside the build context too)", path=path,
                         fix="copy the file into the project instead of linking to it")
    # Node's Buffer.toString(): UTF-8, invalid bytes become U+FFFD, a BOM is kept.
    # A file the builder cannot read is, in its words, "not found or is invalid".
    try:
        return real.read_bytes().decode("utf-8", errors="replace")
    except OSError as error:
        raise unreadable(f"cannot read: {error.strerror}", path=path) from None


def _lookalike_reason(name: str) -> str | None:
    lowered = name.lower()
    if not lowered.startswith("dockerfile") and not lowered.endswith(".dockerfile"):
        return None
    if not name.startswith("Dockerfile"):
        return "names are case-sensitive: only 'Dockerfile...' counts"
    if name.endswith(".template"):
        return ("Dockerfile.<device|arch>.template matches no rule: the template rule takes "
                "exactly Dockerfile.template and arch files are templated already")
    return "not a name any rule takes"


def _arch_ext_reason(ext: str, device_type: str, arch: str) -> str:
    other = devicetypes.find_device_type(ext)
    given = devicetypes.find_device_type(device_type)
    if other is not None and given is not None and other.slug == given.slug:
        # The same device type under another name: the builder compares names, not types.
        return (f"'{ext}' names the same device type as {device_type!r} ({other.slug}), but "
                f"the builder matches Dockerfile.<device-type> by the exact name it is given "
                f"({device_type!r}), never by alias or slug")
    if other is not None:
        return (f"for device type {other.slug} ({other.arch}), not {device_type}: "
                "files for other devices are ignored")
    if ext in all_arches():
        return f"for arch {ext}, not {arch}: files for other arches are ignored"
    return f"'{ext}' is neither this device type ({device_type}) nor its arch ({arch})"


def resolve(
    project_dir: str | os.PathLike[str],
    device_type: str,
    arch: str | None = None,
    dockerfile: str | None = None,
    variables: Mapping[str, str] | None = None,
    *,
    service_name: str | None = "main",
) -> Resolution:
    """Resolve the Dockerfile balena would build for ``project_dir``.

    ``device_type`` is a slug or alias (the fleet's device type); ``arch``
    defaults to its arch. Like the builder, the name is used exactly as given:
    an alias (``beaglebone``) is what ``%%BALENA_MACHINE_NAME%%`` and
    ``%%RESIN_MACHINE_NAME%%`` become, what ``Dockerfile.<device-type>`` must be
    called and what the Node.js image is named after; only the arch comes from
    the catalogue. A note names the canonical slug, which is what a fleet of that
    type would give. ``dockerfile`` is a specified path (compose
    ``build.dockerfile``). ``variables`` are extra build variables; like the
    builder, they override the built-in ones.

    Two inputs are defined by balena CLI, not by the builder, and follow the CLI:
    ``service_name`` sets ``BALENA_SERVICE_NAME`` as balena's multibuild does
    (``main`` for a single-container release; None leaves it undefined), and an
    empty ``dockerfile`` (``--dockerfile ""``) means no specified file, as
    balena CLI treats it (the builder's ``resolveInput`` alone would keep ``""``
    and then find nothing).

    Raises a :class:`ResolutionError` subclass; its ``candidates`` say what was seen.
    """
    device = devicetypes.get_device_type(device_type)
    arch = get_arch(arch).name if arch is not None else device.arch
    project = Path(project_dir)
    specified = normalize_entry(dockerfile) if dockerfile else None
    notes: list[str] = []
    if device.slug != device_type:
        notes.append(
            f"{device_type!r} is an alias of the device type {device.slug}: balena's builder "
            f"uses the name as given (%%BALENA_MACHINE_NAME%% is {device_type}, it takes "
            f"Dockerfile.{device_type}); a fleet of type {device.slug} would give "
            f"%%BALENA_MACHINE_NAME%% {device.slug} and take Dockerfile.{device.slug}")
    if not device.can_run(arch):
        notes.append(f"a {device.slug} device ({device.arch}) cannot run {arch} images "
                     f"({devicetypes.ARCH_COMPATIBILITY_SOURCE})")

    merged: dict[str, str] = templates.builtin_variables(device_type, arch)
    if service_name is not None:
        merged["BALENA_SERVICE_NAME"] = service_name
    merged.update(variables or {})

    # Each resolver collects its entries in tar order, as resolveTarStreamOnEntry does.
    taken: dict[str, list[str]] = {kind: [] for kind in KINDS}
    lookalikes: dict[str, str] = {}
    entries = service_entries(project, specified)
    for name in entries:
        kinds = resolver_kinds(name, specified)
        for kind in kinds:
            taken[kind].append(name)
        if not kinds and "/" not in name:
            reason = _lookalike_reason(name)
            if reason:
                lookalikes[name] = reason

    # Arch resolver: the last file whose extension is the arch / the device type.
    arch_file = device_file = None
    for name in taken["arch-specific"]:
        ext = split_ext(name)[1][1:]
        if ext == arch:
            arch_file = name
        elif ext == device_type:  # the name as given, alias or slug
            device_file = name
    node_manifest = "package.json" if "package.json" in taken["nodejs"] else None
    satisfied = {
        "dockerfile": bool(taken["dockerfile"]),
        "template": bool(taken["template"]),
        "arch-specific": arch_file is not None or device_file is not None,
        "nodejs": node_manifest is not None,
    }
    order = [kind for kind, _, _ in RESOLVERS if satisfied[kind]]
    order.sort(key=lambda kind: -_PRIORITY[kind])  # stable: ties keep list order
    winner = order[0] if order else None

    chosen: str | None = None
    if winner == "arch-specific":
        chosen = device_file if device_file is not None else arch_file
    elif winner == "nodejs":
        chosen = node_manifest
    elif winner is not None:
        chosen = taken[winner][-1]
    candidates = _candidates(taken, lookalikes, winner, chosen, arch_file, device_file,
                             device_type, arch, specified)

    if winner is None:
        if specified:
            error: ResolutionError = DockerfileNotFoundError(
                NOT_FOUND_MESSAGE.format(path=specified), path=str(project),
                fix=f"create {specified} (or {specified}.template) in {project}")
        elif not project.is_dir():
            error = NoDockerfileError(NO_DOCKERFILE_MESSAGE, path=str(project),
                                      fix=f"{project} is not a directory: check the path")
        else:
            error = NoDockerfileError(
                NO_DOCKERFILE_MESSAGE, path=str(project),
                fix="add a Dockerfile, Dockerfile.template, Dockerfile.<device-type|arch> "
                    "or package.json at the top of the service directory")
        error.candidates = candidates
        raise error
    assert chosen is not None

    try:
        return _build(project, device_type, arch, specified, winner, chosen, entries,
                      taken, merged, candidates, notes)
    except ResolutionError as error:
        error.candidates = candidates
        raise


def _build(
    project: Path,
    device_type: str,
    arch: str,
    specified: str | None,
    winner: str,
    chosen: str,
    entries: dict[str, Path],
    taken: dict[str, list[str]],
    variables: dict[str, str],
    candidates: tuple[Candidate, ...],
    notes: list[str],
) -> Resolution:
    substitutions: tuple[Substitution, ...] = ()
    node: NodeProject | None = None
    if winner == "nodejs":
        markers = [name for name in taken["nodejs"] if name != "package.json"]
        node = nodejs.resolve_node_project(
            _read_text(entries[chosen], project, PackageJsonError), device_type, native_markers=markers,
            path=str(entries[chosen]))
        text, name = node.dockerfile, "Dockerfile"
        scripts = f" (runs {', '.join(node.install_scripts)})" if node.install_scripts else ""
        notes.append(f"Node.js: node {node.version}, the highest shipped version satisfying "
                     f"{node.range!r} ({node.range_source}); npm install at build{scripts}; "
                     f"on the device `npm start` runs {node.start_command!r}")
        notes.extend(f"Node.js: {d}" for d in node.builder_differences)
    elif winner == "dockerfile":
        # A plain Dockerfile is never template-processed.
        text, name = _read_text(entries[chosen], project), specified or "Dockerfile"
        if templates.has_template_syntax(text):
            notes.append("a plain Dockerfile is not a template: its %%NAME%% text stays as written")
    else:
        result = templates.render(_read_text(entries[chosen], project), variables,
                                  path=str(entries[chosen]))
        text, substitutions = result.text, result.substitutions
        notes.extend(result.notes)
        name = remove_extension(specified) if specified else "Dockerfile"
        if specified and "." in posixpath.dirname(specified) and "." not in posixpath.basename(
                specified):
            notes.append(f"the builder names the result {name!r}: it cuts {specified!r} at its "
                         "last '.', which here is in a folder name")
    return Resolution(
        project_dir=str(project),
        device_type=device_type,
        arch=arch,
        specified_dockerfile=specified,
        kind=winner,
        source=chosen,
        dockerfile_name=name,
        dockerfile=text,
        candidates=candidates,
        substitutions=substitutions,
        variables=tuple(sorted(variables.items())),
        notes=tuple(notes),
        node=node,
    )


def _candidates(
    taken: dict[str, list[str]],
    lookalikes: dict[str, str],
    winner: str | None,
    chosen: str | None,
    arch_file: str | None,
    device_file: str | None,
    device_type: str,
    arch: str,
    specified: str | None,
) -> tuple[Candidate, ...]:
    out: list[Candidate] = []
    won = page_level(winner, chosen or "", arch) if winner else None
    for kind in ("arch-specific", "template", "dockerfile", "nodejs"):
        for name in taken[kind]:
            if kind == "nodejs" and name != "package.json":
                out.append(Candidate(name, kind, "marker",
                                     "marks native scripts: the Node.js Dockerfile runs npm "
                                     "install explicitly"))
                continue
            if kind == "arch-specific" and name not in (arch_file, device_file):
                ext = split_ext(name)[1][1:]
                out.append(Candidate(name, kind, "ignored",
                                     _arch_ext_reason(ext, device_type, arch)))
                continue
            level = page_level(kind, name, arch) or kind
            if name == chosen and kind == winner:
                out.append(Candidate(name, kind, "chosen", _win_reason(
                    kind, name, device_file, arch_file, device_type, arch)))
            elif kind == "arch-specific" and name == arch_file and device_file is not None:
                out.append(Candidate(name, kind, "outranked",
                                     f"Dockerfile.<device-type> ({device_file}) beats "
                                     "Dockerfile.<arch>: the page's first choice before its "
                                     "second"))
            elif kind == winner:
                out.append(Candidate(name, kind, "outranked", "a later file of the same kind won"))
            else:
                tie = (" (the same rank: a Dockerfile comes before package.json)"
                       if {kind, winner} == {"dockerfile", "nodejs"} else "")
                out.append(Candidate(name, kind, "outranked",
                                     f"{level} ({page_choice(level)}) loses to {won} "
                                     f"({chosen}, {page_choice(won or level)}){tie}"))
    for name, reason in lookalikes.items():
        out.append(Candidate(name, None, "ignored", reason))
    return tuple(out)


def _win_reason(kind: str, name: str, device_file: str | None, arch_file: str | None,
                device_type: str, arch: str) -> str:
    if kind == "arch-specific":
        if name == device_file:
            return f"Dockerfile.<device-type> for {device_type}: the page's first choice"
        return (f"Dockerfile.<arch> for {arch}: the page's second choice (there is no "
                f"Dockerfile.{device_type})")
    if kind == "template":
        return (f"Dockerfile.template: the page's third choice (there is no "
                f"Dockerfile.{device_type} or Dockerfile.{arch})")
    if kind == "dockerfile":
        return "plain Dockerfile: there is no template and no Dockerfile.<device-type|arch>"
    return "package.json: there is no Dockerfile of any kind"
