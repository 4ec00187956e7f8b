"""``balena-lab resolve``: which Dockerfile balena builds for a project, and why.

With ``--json`` it prints exactly one JSON object on stdout, errors included
(a contract other tools rely on)::

    {"kind", "source", "dockerfile_name", "dockerfile", "candidates", "substitutions",
     "error": null | {"type", "message"}}

Exit status 0 on success, 1 on a resolution error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..catalog.arches import all_arches
from ..errors import ComposeError, InputError, ResolutionError
from ..resolution.compose import find_compose_file, load_compose, service_folder
from ..resolution.fleet import precedence_matrix
from ..resolution.resolver import Resolution, resolve
from ._args import key_value
from ._output import print_json, table

EXIT_RESOLUTION_ERROR = 1


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "resolve",
        help="which Dockerfile balena builds for a device type, and what it says",
        description="Resolve a project as balena's builder does: device-type file over arch "
        "file over Dockerfile.template over Dockerfile over package.json, with %%NAME%% "
        "substitution. Exit status 1 on a resolution error.",
    )
    parser.add_argument("dir", metavar="DIR", help="the project (service) directory")
    parser.add_argument("--device-type", metavar="SLUG",
                        help="the fleet's device type slug or alias (e.g. raspberrypi4-64)")
    parser.add_argument("--arch", choices=list(all_arches()),
                        help="the fleet's arch (default: the device type's)")
    parser.add_argument("--dockerfile", metavar="PATH",
                        help="a specified dockerfile path, as compose build.dockerfile")
    parser.add_argument("--var", metavar="KEY=VALUE", action="append", default=[], type=key_value,
                        help="an extra build variable (BALENA_APP_NAME=..., repeatable)")
    parser.add_argument("--service", metavar="NAME",
                        help="resolve this service of DIR's docker-compose.yml")
    parser.add_argument("--matrix", action="store_true",
                        help="which file every device type of the catalogue builds, by arch")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(run=run, _parser=parser)


def error_type(error: ResolutionError | InputError) -> str:
    """The contract's error type; a file that cannot be read at all gets the type of
    what it is (balena's own message for a Dockerfile is "not found or is invalid")."""
    if isinstance(error, ResolutionError):
        return error.type
    name = Path(error.path or "").name
    if name == "package.json":
        return "package-json"
    if name.startswith("docker-compose"):
        return "compose"
    return "dockerfile-not-found"


def error_object(error: ResolutionError | InputError) -> dict[str, Any]:
    """The --json object for a failed resolution."""
    candidates = [c.to_dict() for c in getattr(error, "candidates", ()) if hasattr(c, "to_dict")]
    return {"kind": None, "source": None, "dockerfile_name": None, "dockerfile": None,
            "candidates": candidates, "substitutions": [],
            "error": {"type": error_type(error), "message": error.message}}


def _service_target(args: argparse.Namespace) -> tuple[str, str | None, str]:
    """(folder, dockerfile, service name) of ``--service`` in DIR's compose file."""
    path = find_compose_file(args.dir)
    if path is None:
        raise ComposeError(f"--service {args.service}: {args.dir} has no docker-compose.yml",
                           service=args.service)
    services = load_compose(path)["services"]
    if args.service not in services:
        raise ComposeError(f"no service {args.service!r}; services: {', '.join(services)}",
                           service=args.service, path=path)
    spec = services[args.service]
    if spec.get("build") is None:
        raise ComposeError(f"service {args.service!r} has no build: (image only)",
                           service=args.service, field="build", path=path)
    folder = service_folder(Path(args.dir), path, args.service, spec)
    dockerfile = spec["build"].get("dockerfile") if isinstance(spec["build"], dict) else None
    return str(folder), args.dockerfile or dockerfile, args.service


def run(args: argparse.Namespace) -> int:
    variables = dict(args.var)
    if args.matrix:
        return _run_matrix(args, variables)
    if not args.device_type:
        args._parser.error("--device-type is required (or use --matrix)")
    try:
        folder, dockerfile, service = args.dir, args.dockerfile, "main"
        if args.service:
            folder, dockerfile, service = _service_target(args)
        resolution = resolve(folder, args.device_type, args.arch, dockerfile=dockerfile,
                             variables=variables, service_name=service)
    except (ResolutionError, InputError) as error:
        if args.json:
            print_json(error_object(error))
        else:
            print(f"balena-lab: resolution failed: {error}", file=sys.stderr)
            _print_candidates(getattr(error, "candidates", ()))
        return EXIT_RESOLUTION_ERROR
    if args.json:
        print_json(resolution.to_dict())
    else:
        _explain(resolution)
    return 0


def _print_candidates(candidates: tuple[Any, ...]) -> None:
    if candidates:
        rows = [[c.outcome, c.path, c.kind or "-", c.reason] for c in candidates]
        print(table(rows, ["outcome", "file", "kind", "why"]))


def _explain(r: Resolution) -> None:
    print(f"{r.device_type} ({r.arch}): balena builds {r.source} as {r.dockerfile_name} "
          f"[{r.kind}; builder: {r.builder_resolver}]\n")
    _print_candidates(r.candidates)
    if r.substitutions:
        print("\nSubstitutions:")
        for s in r.substitutions:
            print(f"  line {s.line}, column {s.column}: %%{s.variable}%% -> {s.value}")
    for note in r.notes:
        print(f"note: {note}")
    print(f"\n--- {r.dockerfile_name} ---")
    print(r.dockerfile, end="" if r.dockerfile.endswith("\n") else "\n")


def _run_matrix(args: argparse.Namespace, variables: dict[str, str]) -> int:
    matrix = precedence_matrix(args.dir, arch=args.arch, dockerfile=args.dockerfile,
                               variables=variables)
    if args.json:
        by_arch: dict[str, list[dict[str, Any]]] = {}
        for row in matrix.rows:
            error = {"type": row.error, "message": row.message} if row.error else None
            by_arch.setdefault(row.arch, []).append(
                {"device_type": row.device_type, "kind": row.kind, "source": row.source,
                 "error": error})
        print_json({"arches": by_arch})
    else:
        print(matrix)
    return EXIT_RESOLUTION_ERROR if any(row.error for row in matrix.rows) else 0
