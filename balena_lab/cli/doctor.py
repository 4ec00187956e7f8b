"""``balena-lab doctor``: check the machine, print what is missing and how to fix it."""

from __future__ import annotations

import argparse
from typing import Any

from ._output import mark, print_json, table


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "doctor",
        help="check Python, the Docker engine, QEMU, base images, JupyterLab and the kernel",
        description="Check that this machine can run the masterclass. Exit status 1 when a "
        "required piece is missing.",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..lessons import doctor

    report = doctor.run_checks()
    if args.json:
        print_json(report.to_dict())
    else:
        rows = [[mark(c.status), c.name, c.detail] for c in report.checks]
        print(table(rows))
        fixes = [c for c in report.checks if c.fix and c.status != "ok"]
        if fixes:
            print("\nTo fix:")
            for check in fixes:
                print(f"  {check.name}: {check.fix}")
        print("\n" + ("Ready." if report.ok else "Not ready: a required check failed."))
    return 0 if report.ok else 1
