"""``balena-lab run IMAGE``: run a container, stream its output, remove it."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._args import key_value, volume
from ._output import print_json


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "run", help="run an image's CMD (or a command) in a container that is then removed",
    )
    parser.add_argument("image", metavar="IMAGE")
    parser.add_argument("command", nargs="*", metavar="COMMAND",
                        help="a command instead of the image's CMD; after -- when options "
                        "come first or it has options of its own (run IMAGE --timeout 5 -- ls -l /)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds before it is stopped")
    parser.add_argument("--volume", action="append", default=[], metavar="NAME:/PATH", type=volume,
                        help="mount a named volume, e.g. resin-data:/data (repeatable)")
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE", type=key_value)
    parser.add_argument("--privileged", action="store_true", help="as balena's single-container default")
    parser.add_argument("--host-network", action="store_true", help="as balena's single-container default")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..engine.containers import run as run_container

    command = args.rest or args.command
    volumes = dict(args.volume)
    environment = dict(args.env)
    echo = None if args.json else (lambda line: print(line, flush=True))
    result = run_container(
        args.image, command or None, timeout=args.timeout, volumes=volumes,
        environment=environment, privileged=args.privileged, host_network=args.host_network,
        on_output=echo,
    )
    if args.json:
        print_json(result.to_dict())
    else:
        status = "timed out" if result.timed_out else f"exit code {result.exit_code}"
        print(f"[{result.image} ({result.architecture}): {status} after {result.seconds:.2f}s]",
              file=sys.stderr)
    if result.timed_out:
        return 124
    return result.exit_code or 0
