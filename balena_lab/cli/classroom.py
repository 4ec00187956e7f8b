"""``balena-lab class``: the learners of a class server, and JupyterHub serving them."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ._output import print_json, table


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "class", help="run a class on one server: learners' accounts and JupyterHub",
        description="One server, one Docker engine, one account per learner. Each learner "
        "logs in to JupyterHub, gets their own copy of the masterclass, and builds in their "
        "own namespace. Needs root.",
    )
    commands = parser.add_subparsers(dest="class_command", metavar="ACTION", required=True)

    add = commands.add_parser(
        "add", help="make learners' accounts (and print their new passwords)",
        description="Make a system account for each learner, in the groups 'docker' and "
        "'balena-lab-learners'. A new account gets a random password, printed once; an "
        "existing one is only added to the groups.",
    )
    add.add_argument("names", nargs="+", metavar="NAME", help="a learner's login name")
    add.add_argument("--no-passwords", action="store_true",
                     help="set no password (you will set them, or use another login)")
    add.add_argument("--json", action="store_true", help="print the accounts as JSON")
    add.set_defaults(run=run_add)

    remove = commands.add_parser(
        "remove", help="delete learners' accounts and homes",
        description="Delete the accounts (and homes) that `class add` made; an existing "
        "account it adopted only leaves the class. Refuses any account that is not a "
        "learner's. Their images stay until `balena-lab images prune --all`.",
    )
    remove.add_argument("names", nargs="+", metavar="NAME")
    remove.add_argument("--keep-home", action="store_true", help="keep their home folders")
    remove.set_defaults(run=run_remove)

    listing = commands.add_parser("list", help="list the learners of this server")
    listing.add_argument("--json", action="store_true", help="print the list as JSON")
    listing.set_defaults(run=run_list)

    serve = commands.add_parser(
        "serve", help="serve the class with JupyterHub (until Ctrl-C)",
        description="Check the server, then run JupyterHub: learners log in with their "
        "password and work in ~/balena-lab, copied from --notebooks at their first login. "
        "Run it from the class's own venv (make classroom), which every learner can run.",
    )
    serve.add_argument("--notebooks", type=Path, default=None,
                       help="the masterclass's notebooks folder (default: ./notebooks)")
    serve.add_argument("--ip", default="", help="the address to listen on (default: all)")
    serve.add_argument("--port", type=int, default=8000,
                       help="the learners' port (default 8000; the next two are the proxy's "
                       "API and the hub's, on 127.0.0.1)")
    serve.add_argument("--state", type=Path, default=Path("/var/lib/balena-lab/hub"),
                       help="the hub's own folder: database, cookie secret, configuration")
    serve.add_argument("--admin", action="append", default=[], metavar="NAME",
                       help="a JupyterHub admin (repeatable), e.g. the teacher's account")
    serve.add_argument("--api-token-file", type=Path, default=None, metavar="FILE",
                       help="a file holding a token for scripts to use the hub's REST API")
    serve.add_argument("--proxy", default=None,
                       help="the configurable-http-proxy command (default: found)")
    serve.add_argument("--print-config", action="store_true",
                       help="print the jupyterhub_config.py and stop")
    serve.set_defaults(run=run_serve)


def run_add(args: argparse.Namespace) -> int:
    from ..classroom import learners

    made = learners.add(args.names, set_passwords=not args.no_passwords)
    if args.json:
        print_json([{"name": m.name, "uid": m.uid, "home": str(m.home), "created": m.created,
                     "password": m.password} for m in made])
        return 0
    print(table([[m.name, "new" if m.created else "existing", m.password or "-"] for m in made],
                headers=["learner", "account", "password"]))
    if any(m.password for m in made):
        print("\nHand each learner their password: it is not shown again.")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    from ..classroom import learners

    for name, done in learners.remove(args.names, keep_home=args.keep_home):
        print(f"{name}: {done}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from ..classroom import learners

    found = learners.learners()
    if args.json:
        print_json([{"name": m.name, "uid": m.uid, "home": str(m.home)} for m in found])
    elif not found:
        print("No learners yet: balena-lab class add NAME ...")
    else:
        print(table([[m.name, str(m.uid), str(m.home)] for m in found],
                    headers=["learner", "uid", "home"]))
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from ..classroom import hub
    from ..lessons.projects import masterclass_projects

    notebooks = args.notebooks or masterclass_projects().parent
    settings = hub.ClassSettings(
        notebooks=notebooks, state=args.state, ip=args.ip, port=args.port,
        admins=tuple(args.admin), api_token_file=args.api_token_file, proxy=args.proxy)
    if args.print_config:
        print(hub.config_text(settings), end="")
        return 0
    hub.serve(settings)
    return 0
