"""``balena-lab images``: make, list and prune the offline base images."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..catalog.arches import all_arches
from ..engine import rootfs  # constants only: the Docker SDK is imported by run_*()
from ._args import key_value
from ._output import print_json, table


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "images", help="make, list and prune balena_lab's local base images",
        description="Local Debian base images for every balena arch, made without a registry.",
    )
    commands = parser.add_subparsers(dest="images_command", metavar="ACTION", required=True)

    boot = commands.add_parser(
        "bootstrap", help="make the missing base images with debootstrap (needs root)",
        description="Make Debian base images from Debian's packages. Images already present "
        "are left as they are.",
    )
    boot.add_argument(
        "--arch", action="append", choices=list(all_arches()), metavar="ARCH",
        help=f"a balena arch (repeatable; default: {' '.join(rootfs.DEFAULT_ARCHES)}; "
        f"choices: {', '.join(all_arches())})",
    )
    boot.add_argument("--mirror", default=rootfs.DEFAULT_MIRROR, help="Debian mirror URL")
    boot.add_argument("--force", action="store_true", help="remake images that are present")
    boot.add_argument("--node", action="store_true",
                      help="also make the Node.js stand-ins (Debian's nodejs and npm) that "
                      "`build --stand-ins` uses, so no build waits for them in class")
    boot.add_argument("--quiet", action="store_true", help="print only the outcome per arch")
    boot.add_argument("--json", action="store_true", help="print the outcome as JSON")
    boot.set_defaults(run=run_bootstrap)

    listing = commands.add_parser("list", help="list the base images balena_lab made")
    listing.add_argument("--json", action="store_true", help="print the list as JSON")
    listing.set_defaults(run=run_list)

    prune = commands.add_parser(
        "prune", help="remove the images you built with balena_lab (your namespace only)",
        description="Remove the images balena_lab built in your namespace (BALENA_LAB_NAMESPACE, "
        "or your user name): on a shared class server, never anyone else's. The base images "
        "and the stand-ins everyone shares stay unless --shared is given (they take minutes "
        "to make again).",
    )
    prune.add_argument(
        "--all", action="store_true", help="every namespace's builds (a teacher's clean-up)",
    )
    prune.add_argument(
        "--shared", action="store_true", help="the shared base images and stand-ins too",
    )
    prune.add_argument(
        "--label", action="append", default=[], type=key_value, metavar="KEY=VALUE",
        help="only images with this label too (repeatable)",
    )
    prune.set_defaults(run=run_prune)


def run_bootstrap(args: argparse.Namespace) -> int:
    from ..engine import baseimages, standins
    from ..engine.client import connect

    client = connect()

    def progress(event: baseimages.BootstrapEvent) -> None:
        # Progress goes to stderr so that --json keeps stdout to one document.
        # --quiet keeps one line per stage, not debootstrap's hundreds.
        if not event.detail or not (args.quiet or args.json):
            print(event, file=sys.stderr, flush=True)

    outcomes = baseimages.bootstrap(
        client, args.arch or rootfs.DEFAULT_ARCHES, mirror=args.mirror, force=args.force,
        progress=progress,
    )
    if args.node:
        outcomes += standins.bootstrap_node(client, [o.arch for o in outcomes], progress)
    if args.json:
        print_json([outcome.to_dict() for outcome in outcomes])
    else:
        print(table(
            [[o.arch, o.tag, o.action, f"{o.seconds:.1f}s"] for o in outcomes],
            headers=["arch", "image", "action", "time"],
        ))
    return 0


def run_list(args: argparse.Namespace) -> int:
    from ..engine import baseimages
    from ..engine.client import connect

    images = baseimages.list_base_images(connect())
    if args.json:
        print_json([image.to_dict() for image in images])
        return 0
    if not images:
        print("No base images yet: run `balena-lab images bootstrap` (as root).")
        return 0
    print(table(
        [[i.tag, i.arch, "/".join(p for p in (i.architecture, i.variant) if p),
          i.id[7:19], f"{i.size / 1e6:.0f} MB"] for i in images],
        headers=["image", "arch", "platform", "id", "size"],
    ))
    return 0


def run_prune(args: argparse.Namespace) -> int:
    from ..engine import baseimages
    from ..engine.client import connect

    removed = baseimages.prune(connect(), everyone=args.all, include_shared=args.shared,
                               labels=dict(args.label))
    for name in removed:
        print(f"removed {name}")
    print(f"{len(removed)} image(s) removed.")
    return 0
