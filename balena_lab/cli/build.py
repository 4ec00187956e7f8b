"""``balena-lab build DIR``: resolve as balena would, build for real, show every step."""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from ..builder import build as builder
from ..builder import release
from ..builder.events import (
    BuildEvent,
    BuildFinished,
    ContextReady,
    Notice,
    ReleaseFinished,
    StepFinished,
    StepOutput,
    StepStarted,
)
from ..errors import BuildStepFailed
from ..resolution.compose import find_compose_file
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
    parser.add_argument("--tag", help="image name (default: balena-lab/<project>:<device-type>)")
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


def show(event: BuildEvent, out: TextIO) -> None:
    """One event as terminal lines."""
    prefix = "" if event.service == "main" else f"[{event.service}] "
    if isinstance(event, Notice):
        print(f"{prefix}note: {event.message}", file=out, flush=True)
    elif isinstance(event, ContextReady):
        print(prefix + str(event.summary).replace("\n", "\n" + prefix), file=out, flush=True)
    elif isinstance(event, StepStarted):
        where = f"{event.source.path}:{event.source.line}" if event.source else "added by balena-lab"
        shown = event.instruction if event.source else "LABEL io.balena-lab.* (image labels)"
        print(f"{prefix}Step {event.number}/{event.total}  {where}  {shown}", file=out, flush=True)
    elif isinstance(event, StepOutput):
        print(f"{prefix}  | {event.line}", file=out, flush=True)
    elif isinstance(event, StepFinished):
        state = "cached" if event.cached else f"done in {event.seconds:.2f}s"
        print(f"{prefix}  -> {state}", file=out, flush=True)


def run(args: argparse.Namespace) -> int:
    out = sys.stderr if args.json else sys.stdout
    variables = dict(args.var)
    if find_compose_file(args.project) is not None:
        if args.dockerfile or args.tag or args.build_arg:
            args._parser.error("--dockerfile, --tag and --build-arg are per service: "
                               "set them in docker-compose.yml")
        events = release.iter_build_release(
            args.project, args.device_type, args.arch, variables=variables,
            no_cache=args.no_cache, stand_ins=args.stand_ins, jobs=args.jobs)
    else:
        events = builder.iter_build(
            args.project, args.device_type, args.arch, dockerfile=args.dockerfile,
            variables=variables, build_args=dict(args.build_arg),
            tag=args.tag, no_cache=args.no_cache, stand_ins=args.stand_ins)
    multi = find_compose_file(args.project) is not None
    try:
        for event in events:
            if isinstance(event, ReleaseFinished):
                if args.json:
                    print_json(event.result.to_dict())
                else:
                    print("\n" + str(event.result))
            elif isinstance(event, BuildFinished):
                if multi:
                    print(f"[{event.service}] built {event.result.tag}", file=out, flush=True)
                elif args.json:
                    print_json(event.result.to_dict())
                else:
                    print("\n" + str(event.result))
            else:
                show(event, out)
    except BuildStepFailed as error:
        where = f" (service {error.service})" if error.service else ""
        print(f"balena-lab: build failed{where}: {error}", file=sys.stderr)
        return 1
    return 0
