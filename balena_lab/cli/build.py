"""``balena-lab build DIR``: resolve as balena would, build for real, show every step."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._args import key_value
from ._output import print_json


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "build", help="build a project for a device type on the local engine",
        description="Resolve DIR as balena's builder would for the device type, then build it "
        "through the Docker SDK for the device's arch (ARM under QEMU emulation). With a "
        "docker-compose.yml at the top of DIR, every service is built.",
    )
    parser.add_argument("project", metavar="DIR", help="the project (service) folder")
    parser.add_argument("--device-type", required=True, metavar="SLUG",
                        help="the fleet's device type, e.g. raspberrypi4-64")
    parser.add_argument("--arch", help="override the arch (default: the device type's)")
    parser.add_argument("--dockerfile", metavar="PATH", help="a specified Dockerfile path")
    parser.add_argument("--var", action="append", default=[], metavar="KEY=VALUE",
                        type=key_value, help="an extra build variable (repeatable)")
    parser.add_argument("--build-arg", action="append", default=[], metavar="KEY=VALUE",
                        type=key_value, help="a Docker build argument (repeatable)")
    parser.add_argument("--tag", help="image name (default: balena-lab/<project>:<device-type>, "
                        "with -<arch> when --arch is not the device type's own)")
    parser.add_argument("--no-cache", action="store_true", help="do not use the build cache")
    parser.add_argument("--stand-ins", action="store_const", const=True, default=None,
                        help="replace upstream FROM images (debian, balenalib/...-node, "
                        "resin/...-node) by local stand-ins; each replacement is reported "
                        "(default: on when BALENA_LAB_STAND_INS=1)")
    parser.add_argument("--emulated", action="store_true",
                        help="accepted as in balena CLI: ARM builds on x86 always run under QEMU")
    parser.add_argument("--jobs", type=int, default=2,
                        help="services built at once in a multi-service release (default 2)")
    parser.add_argument("--json", action="store_true",
                        help="print the result as JSON on stdout (progress goes to stderr)")
    parser.set_defaults(run=run, _parser=parser)


def run(args: argparse.Namespace) -> int:
    from ..builder.build import iter_build
    from ..builder.events import BuildFinished, ReleaseFinished
    from ..builder.release import iter_build_release
    from ..errors import BuildStepFailed
    from ..resolution.compose import find_compose_file

    out = sys.stderr if args.json else sys.stdout
    variables = dict(args.var)
    multi = find_compose_file(args.project) is not None
    if multi:
        if args.dockerfile or args.tag or args.build_arg:
            args._parser.error("--dockerfile, --tag and --build-arg are per service: "
                               "set them in docker-compose.yml")
        events = iter_build_release(
            args.project, args.device_type, args.arch, variables=variables,
            no_cache=args.no_cache, stand_ins=args.stand_ins, jobs=args.jobs)
    else:
        events = iter_build(
            args.project, args.device_type, args.arch, dockerfile=args.dockerfile,
            variables=variables, build_args=dict(args.build_arg),
            tag=args.tag, no_cache=args.no_cache, stand_ins=args.stand_ins)
    try:
        for event in events:
            # The result of the whole command: one JSON document, or the result table.
            if isinstance(event, ReleaseFinished | BuildFinished) and (
                    isinstance(event, ReleaseFinished) or not multi):
                if args.json:
                    print_json(event.result.to_dict())
                else:
                    print(f"\n{event.result}")
            else:
                print(event, file=out, flush=True)
    except BuildStepFailed as error:
        where = f" (service {error.service})" if error.service else ""
        print(f"balena-lab: build failed{where}: {error}", file=sys.stderr)
        return 1
    return 0
