"""``balena-lab down DIR``: a release's containers, volumes, network and lock folders removed."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from ._output import print_json


def add_parser(subparsers: Any) -> None:
    down = subparsers.add_parser(
        "down", help="remove a release's containers, volumes, network and lock folders",
        description="Leave the laptop-device as leaving local mode leaves a device: every "
        "container, network, volume (its /data too), device image and lock folder of the "
        "project's app is removed. The built images stay (balena-lab images prune).")
    down.add_argument("project", metavar="DIR", help="the project folder")
    down.add_argument("--json", action="store_true", help="print what was removed as JSON")
    down.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..supervisor.release import down

    removed = down(args.project)
    if args.json:
        print_json(asdict(removed))
    else:
        print(removed)
    return 0
