"""Compositions: the default single-container docker-compose.yml, or the project's own.

Without a root ``docker-compose.yml`` balena generates one service, ``main``,
built from ``.`` (the page shows the file: :func:`default_composition`). With
one, it is read and validated against the fields balena supports
(``data/compose-schema.json``, from balena's docker-compose reference), each
service's build context must hold something to build, and every built
service is resolved like a single project, with ``BALENA_SERVICE_NAME`` set and
``build.dockerfile`` defaulting to ``Dockerfile`` as compose-go writes it
(:attr:`.services.BuildSpec.resolver_dockerfile`: no Node.js resolver in a compose file).
"""

from __future__ import annotations

import copy
import functools
import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .. import _data
from .._text import snippet
from .._values import JsonValue
from ..catalog.arches import get_arch
from ..catalog.devicetypes import get_device_type
from ..errors import ComposeError, NoDockerfileError, ResolutionError
from .entries import normalize_entry, resolver_kinds, service_entries
from .resolver import NO_DOCKERFILE_MESSAGE, Resolution, resolve
from .services import BuildSpec, build_spec, service_folder
from .yamlfile import read_compose_yaml

# balena CLI looks for these at the project root, in this order.
COMPOSE_FILENAMES: tuple[str, ...] = ("docker-compose.yml", "docker-compose.yaml")

# The page's default composition, verbatim ("will look something like this").
_DEFAULT: dict[str, Any] = {
    "version": "2.1",
    "networks": {},
    "volumes": {"resin-data": {}},
    "services": {
        "main": {
            "build": {"context": "."},
            "privileged": True,
            "restart": "always",
            "network_mode": "host",
            "volumes": ["resin-data:/data"],
            "labels": {
                "io.balena.features.kernel-modules": "1",
                "io.balena.features.firmware": "1",
                "io.balena.features.dbus": "1",
                "io.balena.features.supervisor-api": "1",
                "io.balena.features.balena-api": "1",
            },
        }
    },
}

DEFAULT_BUILDER_DIFFERENCES: tuple[str, ...] = (
    (
        "balena's builder (@balena/compose defaultComposition) writes the legacy label names "
        "io.resin.features.* (io.resin.features.resin-api for balena-api); the Supervisor "
        "maps io.resin.* to io.balena.*"
    ),
    "balena's builder also sets tty: true on the main service",
    "balena's builder writes no version: key (the page shows version: '2.1')",
)


def default_composition(dockerfile: str | None = None) -> dict[str, Any]:
    """The docker-compose.yml balena generates for a single-container release (the page's).

    With a specified ``dockerfile`` the builder adds ``build.dockerfile``.
    """
    document = copy.deepcopy(_DEFAULT)
    if dockerfile:
        document["services"]["main"]["build"]["dockerfile"] = dockerfile
    return document


def builder_default_composition(dockerfile: str | None = None) -> dict[str, Any]:
    """What balena's builder itself generates (``@balena/compose`` ``defaultComposition``):
    the page's file with the :data:`DEFAULT_BUILDER_DIFFERENCES` applied.  The oracle
    tests compare it with the builder's own output."""
    document = default_composition(dockerfile)
    del document["version"]
    main = document["services"]["main"]
    main["tty"] = True
    main["labels"] = {name.replace("io.balena.", "io.resin.").replace("balena-api", "resin-api"):
                      value for name, value in main["labels"].items()}
    return document


@dataclass(frozen=True)
class ServiceBuild(JsonValue):
    """One service of a composition: what it builds (or the image it pulls)."""

    name: str
    context: str | None  # build context relative to the project, None for image-only services
    dockerfile: str | None
    image: str | None
    resolution: Resolution | None
    folder: Path | None = None  # the build context folder itself (None: image only)
    build_args: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "context": self.context, "dockerfile": self.dockerfile,
            "image": self.image,
            "resolution": self.resolution.to_dict() if self.resolution else None,
        }


@dataclass(frozen=True)
class Composition(JsonValue):
    """A project's composition, generated or read, and every service resolved."""

    source: str  # "generated" or the compose file's name
    document: Mapping[str, Any] = field(repr=False)
    services: tuple[ServiceBuild, ...]
    notes: tuple[str, ...] = ()

    def to_yaml(self) -> str:
        return yaml.safe_dump(dict(self.document), sort_keys=False, default_flow_style=False)

    def _repr_html_(self) -> str:
        esc = html.escape
        rows = "".join(
            f"<tr><td><b>{esc(s.name)}</b></td><td><code>{esc(s.context or '')}</code></td>"
            f"<td><code>{esc(s.resolution.source if s.resolution else s.image or '')}</code></td>"
            f"<td>{esc(s.resolution.kind if s.resolution else 'image' if s.image else '')}</td></tr>"
            for s in self.services
        )
        return (f"<div><p>composition: <b>{esc(self.source)}</b></p><table><tr><th>service"
                "</th><th>context</th><th>builds</th><th>kind</th></tr>"
                f"{rows}</table><pre>{esc(self.to_yaml())}</pre></div>")

    def to_dict(self) -> dict[str, Any]:
        """The ``balena-lab compose --json`` object (with ``error`` null)."""
        return {"source": self.source, "document": dict(self.document),
                "services": [s.to_dict() for s in self.services], "notes": list(self.notes),
                "error": None}

    def service(self, name: str) -> ServiceBuild:
        """The service called ``name``; :class:`ComposeError` naming the services otherwise."""
        for service in self.services:
            if service.name == name:
                return service
        raise ComposeError(f"no service {name!r}; services: "
                           f"{', '.join(s.name for s in self.services)}", service=name,
                           path=None if self.source == "generated" else self.source)


def failure_to_dict(error: ResolutionError) -> dict[str, Any]:
    """The ``balena-lab compose --json`` object for a composition that failed."""
    return {"source": None, "document": None, "services": [], "notes": [],
            "error": error.to_dict()}


def find_compose_file(project_dir: str | Path) -> Path | None:
    """The project's root compose file, or None when balena would generate one."""
    for name in COMPOSE_FILENAMES:
        path = Path(project_dir) / name
        if path.is_file():
            return path
    return None


def load_compose(path: str | Path) -> dict[str, Any]:
    """Parse and validate a compose file; :class:`ComposeError` naming service and field."""
    path = Path(path)
    document = read_compose_yaml(path)
    if not isinstance(document, dict):
        raise ComposeError("the file must be a mapping with a services: key", path=path,
                           field="services")
    validate_compose(document, path=path)
    _check_references(document, path)
    return document


def _check_references(document: Mapping[str, Any], path: Path) -> None:
    """Every named volume, network and depends_on service is declared, as compose-go requires."""
    declared = {"volumes": set(document.get("volumes") or ()),
                "networks": {"default", *(document.get("networks") or ())}}
    declared["depends_on"] = set(document["services"])
    for name, service in document["services"].items():
        _check_volume_sources(name, service.get("volumes") or (), path)
        volumes = [volume_source(v) or "" for v in service.get("volumes") or ()
                   if isinstance(v, str)]
        used = {"volumes": [v for v in volumes if v and not v.startswith(("/", ".", "~"))],
                "networks": list(service.get("networks") or ()),
                "depends_on": list(service.get("depends_on") or ())}
        for kind, names in used.items():
            for used_name in names:
                if used_name not in declared[kind]:
                    raise ComposeError(
                        f"service {name!r}, field {kind!r}: {used_name!r} is not declared "
                        f"under the top-level {'services' if kind == 'depends_on' else kind}: "
                        "key", service=name, field=kind,
                        path=path, fix=f"add it: {kind}: {{{used_name}: {{}}}}")
    _check_no_cycle(document, path)


def volume_source(spec: str) -> str | None:
    """The source of a short-syntax volume, split as compose-go's ``ParseVolume`` splits it.

    Fields are split on ``:``, except a ``:`` right after a field's first and only
    letter, which is a Windows drive (``d:/d`` is one field: a target, no source); a
    spec of one or two characters is a target.  None when there is no source.
    """
    if len(spec) <= 2:
        return None
    fields, buffer = [], ""
    for char in spec:
        if char == ":" and not (len(buffer) == 1 and buffer.isalpha()):
            fields.append(buffer)
            buffer = ""
        else:
            buffer += char
    fields.append(buffer)
    return fields[0] if len(fields) > 1 else None


def _check_volume_sources(service: str, volumes: Any, path: Path) -> None:
    """balena refuses an anonymous volume (``/data`` alone): "must specify source and target"."""
    for entry in volumes:
        if isinstance(entry, str):
            anonymous = volume_source(entry) is None
        else:
            anonymous = (isinstance(entry, dict) and entry.get("type", "volume") == "volume"
                         and not entry.get("source"))
        if anonymous:
            raise ComposeError(
                f"service {service!r}, field 'volumes': {snippet(str(entry), 60)!r} must specify "
                "source and target: balena refuses anonymous volumes", service=service,
                field="volumes", path=path,
                fix="name the volume and declare it: volumes: [\"data:/data\"] in the service, "
                    "and volumes: {data: {}} at the top level")


def _check_no_cycle(document: Mapping[str, Any], path: Path) -> None:
    """No service depends on itself, directly or through others (compose-go refuses it:
    "dependency cycle detected")."""
    needs = {name: list(service.get("depends_on") or ())
             for name, service in document["services"].items()}
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> None:
        if name in trail:
            cycle = " -> ".join([*trail[trail.index(name):], name])
            raise ComposeError(f"service {trail[0]!r}, field 'depends_on': dependency cycle "
                               f"{cycle}", service=trail[0], field="depends_on", path=path,
                               fix="a service cannot wait for itself: remove one depends_on")
        if name in done:
            return
        for other in needs.get(name, ()):
            visit(other, [*trail, name])
        done.add(name)

    for name in needs:
        visit(name, [])


def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = _data.load("compose-schema.json")
    return schema


@functools.cache
def _fast_validator() -> Callable[[Any], Any]:
    # Compiled once per process (about 30 ms): jsonschema itself costs about a
    # second to import (its format checkers compile grammars), which every
    # command that reads a compose file would pay.
    import fastjsonschema

    return fastjsonschema.compile(_schema())


def validate_compose(document: Mapping[str, Any], *, path: str | Path | None = None) -> None:
    """Check ``document`` against the fields balena supports; raises on the first problem.

    A valid document costs only the compiled fast validator.  An invalid one is
    looked at again by jsonschema, whose ``best_match`` names the field inside a
    ``oneOf`` (a bad ``build:`` object), which the fast validator's first error
    does not.
    """
    import fastjsonschema

    try:
        _fast_validator()(document)
        return
    except fastjsonschema.JsonSchemaValueException as fast_error:
        first = fast_error
    import jsonschema

    schema = _schema()
    validator = jsonschema.Draft7Validator(schema)
    # best_match descends into oneOf branches, so a bad build: object names its field.
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is None:  # the two validators disagree: trust the stricter one, in its words
        name = first.name or "data"
        where = name.removeprefix("data").lstrip(".") or "the file"
        raise ComposeError(f"{where}: {first.message.removeprefix(name + ' ')}", path=path)
    location = [str(part) for part in error.absolute_path]
    service = location[1] if len(location) >= 2 and location[0] == "services" else None
    field_path = location[2:] if service else location
    message = error.message
    if error.validator == "additionalProperties":
        # Name the offending field and say why balena rejects it.
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in allowed and not k.startswith("x-"))
        name = extra[0] if extra else "?"
        field_path = [*field_path, name]
        unsupported = schema["x-balena-unsupported"]
        why = (unsupported["build"] if field_path[:1] == ["build"] else unsupported["service"]).get(
            name)
        message = f"balena does not support this field ({why})" if why else (
            "not a field balena's docker-compose supports")
    elif error.validator == "oneOf":
        message = f"wrong type or form: {error.instance!r}"
    dotted = ".".join(field_path) or None
    if service:
        where = f"service {service!r}, field {dotted!r}"
    else:
        where = f"field {dotted!r}" if dotted else "the file"
    raise ComposeError(f"{where}: {message}", service=service, field=dotted, path=path)


def find_service(project_dir: str | Path, name: str) -> tuple[Path, BuildSpec]:
    """The build folder and spec of service ``name`` of the project's compose file.

    Raises :class:`ComposeError` when there is no compose file, no such service,
    or the service only names an image.
    """
    project = Path(project_dir)
    path = find_compose_file(project)
    if path is None:
        raise ComposeError(f"service {name}: {project} has no docker-compose.yml", service=name)
    services = load_compose(path)["services"]
    if name not in services:
        raise ComposeError(f"no service {name!r}; services: {', '.join(services)}",
                           service=name, path=path)
    build = build_spec(name, services[name])
    if build is None:
        raise ComposeError(f"service {name!r} has no build: (image only)",
                           service=name, field="build", path=path)
    return service_folder(project, path, build), build


def service_build(name: str, spec: Mapping[str, Any], compose_file: Path) -> BuildSpec | None:
    """The build spec of a validated service, None for an image-only one.

    A service with neither is refused, as compose-go refuses it ("has neither an
    image nor a build context specified").
    """
    build = build_spec(name, spec)
    if build is None and not spec.get("image"):
        raise ComposeError(f"service {name!r}: needs build or image", service=name,
                           field="build", path=compose_file)
    return build


def has_something_to_build(folder: Path, dockerfile: str | None = None) -> bool:
    """True when any resolver would take a file of ``folder``, for some device type."""
    specified = normalize_entry(dockerfile) if dockerfile else None
    return any(resolver_kinds(name, specified) for name in service_entries(folder, specified))


def compose(
    project_dir: str | Path,
    device_type: str | None = None,
    arch: str | None = None,
    variables: Mapping[str, str] | None = None,
) -> Composition:
    """The project's composition, every built service resolved for ``device_type``.

    Without a device type the services are only checked to have something to build.
    """
    # Bad device types and arches are the caller's error, not a service's.
    if device_type is not None:
        get_device_type(device_type)
    if arch is not None:
        get_arch(arch)
    project = Path(project_dir)
    compose_file = find_compose_file(project)
    if compose_file is None:
        if device_type is None:
            if not has_something_to_build(project):
                raise NoDockerfileError(NO_DOCKERFILE_MESSAGE, path=str(project))
            main = ServiceBuild("main", ".", None, None, None, project)
            return Composition("generated", default_composition(), (main,),
                               DEFAULT_BUILDER_DIFFERENCES)
        resolution = resolve(project, device_type, arch, variables=variables, service_name="main")
        service = ServiceBuild("main", ".", None, None, resolution, project)
        return Composition("generated", default_composition(), (service,),
                           DEFAULT_BUILDER_DIFFERENCES)

    document = load_compose(compose_file)
    services: list[ServiceBuild] = []
    for name, spec in document["services"].items():
        build = service_build(name, spec, compose_file)
        if build is None:
            services.append(ServiceBuild(name, None, None, spec["image"], None))
            continue
        folder = service_folder(project, compose_file, build)
        dockerfile = build.dockerfile
        resolved: Resolution | None = None
        if device_type is None:
            # build.resolver_dockerfile: compose-go writes "Dockerfile" when none is given.
            if not has_something_to_build(folder, build.resolver_dockerfile):
                what = f"{dockerfile!r} (or its .template / .<arch> siblings)" if dockerfile else (
                    "Dockerfile, Dockerfile.template or Dockerfile.<device-type|arch> (in a "
                    "compose file balena's builder does not build package.json alone)")
                raise ComposeError(f"service {name!r}, field {build.field!r}: "
                                   f"{build.context!r} has nothing to build: no {what}",
                                   service=name,
                                   field="build.dockerfile" if dockerfile else build.field,
                                   path=compose_file)
        else:
            try:
                resolved = resolve(folder, device_type, arch,
                                   dockerfile=build.resolver_dockerfile,
                                   variables=variables, service_name=name)
            except ResolutionError as error:
                failing = "build.dockerfile" if dockerfile else build.field
                raise ComposeError(f"service {name!r}, field {failing!r}: {error.message}",
                                   service=name, field=failing, path=compose_file) from error
        services.append(ServiceBuild(name, build.folder, dockerfile, spec.get("image"),
                                     resolved, folder, build.args))
    return Composition(compose_file.name, document, tuple(services))
