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
from typing import TYPE_CHECKING, Any

from ..catalog.arches import all_arches
from ._args import key_value
from ._output import print_json, table

if TYPE_CHECKING:
    from ..resolution.resolver import Resolution

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


def run(args: argparse.Namespace) -> int:
    from ..errors import ResolutionError
    from ..resolution.compose import find_service
    from ..resolution.resolver import failure_to_dict, resolve

    variables = dict(args.var)
    if args.matrix:
        return _run_matrix(args, variables)
    if not args.device_type:
        args._parser.error("--device-type is required (or use --matrix)")
    try:
        folder, dockerfile, service = args.dir, args.dockerfile, "main"
        if args.service:
            path, build = find_service(args.dir, args.service)
            folder, dockerfile, service = str(path), args.dockerfile or build.dockerfile, args.service
        resolution = resolve(folder, args.device_type, args.arch, dockerfile=dockerfile,
                             variables=variables, service_name=service)
    except ResolutionError as error:
        if args.json:
            print_json(failure_to_dict(error))
        else:
            print(f"balena-lab: resolution failed: {error}", file=sys.stderr)
            _print_candidates(error.candidates)
        return EXIT_RESOLUTION_ERROR
    if args.json:
        print_json(resolution.to_dict())
    else:
        _explain(resolution)
    return 0


def _print_candidates(candidates: tuple[Any, ...], arch: str | None = None) -> None:
    from ..resolution.resolver import page_level

    if candidates:
        rows = [[c.outcome, c.path, (page_level(c.kind, c.path, arch) if arch else c.kind) or "-",
                 c.reason] for c in candidates]
        print(table(rows, ["outcome", "file", "page's level" if arch else "kind", "why"]))


def _explain(r: Resolution) -> None:
    from ..resolution.resolver import page_choice

    print(f"{r.device_type} ({r.arch}): balena builds {r.source} as {r.dockerfile_name} "
          f"[{r.level}, {page_choice(r.level)}; builder: {r.builder_resolver}]\n")
    _print_candidates(r.candidates, r.arch)
    if r.substitutions:
        print("\nSubstitutions:")
        for s in r.substitutions:
            print(f"  line {s.line}, column {s.column}: %%{s.variable}%% -> {s.value}")
    for note in r.notes:
        print(f"note: {note}")
    print(f"\n--- {r.dockerfile_name} ---")
    print(r.dockerfile, end="" if r.dockerfile.endswith("\n") else "\n")


def _run_matrix(args: argparse.Namespace, variables: dict[str, str]) -> int:
    from ..resolution.fleet import precedence_matrix

    matrix = precedence_matrix(args.dir, arch=args.arch, dockerfile=args.dockerfile,
                               variables=variables)
    if args.json:
        print_json(matrix.to_dict())
    else:
        print(matrix)
    return EXIT_RESOLUTION_ERROR if any(row.error for row in matrix.rows) else 0
