"""``balena-lab up DIR``: a release built and run (or updated) as balena's Supervisor runs it."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._output import print_json


def add_parser(subparsers: Any) -> None:
    up = subparsers.add_parser(
        "up", help="build a release and run it as balena's Supervisor would, or update it",
        description="Build DIR as balena's builder would, then run (or update) it on the local "
        "engine as a device's Supervisor does: feature labels as mounts and variables, the "
        "Supervisor's environment, /tmp/balena on a lock folder, named volumes and the app "
        "network, restart policies, depends_on order, the update strategy and update locks.")
    up.add_argument("project", metavar="DIR", help="the project folder")
    up.add_argument("--device-type", required=True, metavar="SLUG",
                    help="the fleet's device type, e.g. raspberrypi4-64")
    up.add_argument("--arch", help="override the arch (default: the device type's)")
    up.add_argument("--privileged", action="store_true",
                    help="run services that ask for privileged mode with it (default: without, "
                    "and said)")
    up.add_argument("--host-network", action="store_true",
                    help="put services that ask for network_mode: host on the host's network")
    up.add_argument("--stand-ins", action="store_const", const=True, default=None,
                    help="replace upstream FROM images by local stand-ins, as `build` does")
    up.add_argument("--lock-timeout", type=float, default=60, metavar="SECONDS",
                    help="how long an update waits for held update locks (default 60)")
    up.add_argument("--json", action="store_true", help="print the device's state as JSON")
    up.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..builder.events import StepOutput
    from ..supervisor.events import UpdateDeferred
    from ..supervisor.release import device_metadata, device_state, iter_up

    out = sys.stderr if args.json else sys.stdout
    last = None
    for event in iter_up(args.project, args.device_type, args.arch, privileged=args.privileged,
                         host_network=args.host_network, stand_ins=args.stand_ins,
                         lock_timeout=args.lock_timeout):
        if not isinstance(event, StepOutput) or not args.json:
            print(event, file=out, flush=True)
        last = event
    state = device_state(device_metadata(args.project, args.device_type, args.arch).app_id)
    if args.json:
        print_json(state.to_dict())
    else:
        print(f"\n{state}")
    return 3 if isinstance(last, UpdateDeferred) else 0
