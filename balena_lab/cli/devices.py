"""``balena-lab devices [TEXT]``: balena's device types, or those that TEXT names."""

from __future__ import annotations

import argparse
from typing import Any

from ._output import print_json, table


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "devices", help="list balena's device types, or find one by what you call it",
        description="List balena's device types (slug, name, arch). With TEXT, only those "
        "it names, best first: a slug, an alias, a name in any spacing, or a short form "
        "such as rpi4 or 'pi 4'. The slug is what --device-type takes.",
    )
    parser.add_argument("text", nargs="?", default="", metavar="TEXT",
                        help="what to look for (default: list them all)")
    parser.add_argument("--arch", default=None, help="only device types of this arch")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..catalog.arches import get_arch
    from ..catalog.devicetypes import search_device_types

    if args.arch:
        get_arch(args.arch)  # an unknown arch is a clear error, not an empty list
    found = search_device_types(args.text, args.arch)
    if args.json:
        print_json([{"slug": d.slug, "name": d.name, "arch": d.arch, "aliases": list(d.aliases),
                     "supported": d.supported} for d in found])
        return 0 if found else 1
    if not found:
        print(f"No device type matches {args.text!r}: `balena-lab devices` lists them all.")
        return 1
    print(table([[d.slug, d.arch, d.name + ("" if d.supported else "  (not supported)")]
                 for d in found], headers=["slug", "arch", "name"]))
    return 0
