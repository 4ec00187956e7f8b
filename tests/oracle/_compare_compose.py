"""How balena_lab's reading of a docker-compose.yml relates to balena's own parser.

balena's side is ``@balena/compose-parser`` ``parse()`` (compose-go, then balena's
``normalize()``), as ``@balena/compose`` 8 uses it. balena_lab's side is what it reads
before resolving any service: :func:`load_compose` (YAML, then the schema of the fields
balena supports), each service's :func:`service_build` and :func:`service_folder`.
:func:`classify_compose` compares which files are accepted, the build spec each service
hands the resolver (context, dockerfile, args), and for refused files that both refuse.

Where balena_lab refuses on purpose what compose-go accepts, :data:`DELIBERATE` says why;
those files are counted apart, never silently equal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from balena_lab.errors import ComposeError
from balena_lab.resolution.compose import load_compose, service_build
from balena_lab.resolution.services import service_folder


@dataclass(frozen=True)
class OursCompose:
    builds: dict[str, dict[str, Any]] | None  # service -> build spec, None when refused
    error: ComposeError | None


def read_compose(path: Path) -> OursCompose:
    """balena_lab's reading of the compose file at ``path``."""
    try:
        document = load_compose(path)
        builds = {}
        for name, spec in document["services"].items():
            build = service_build(name, spec, path)
            if build is None:
                continue
            service_folder(path.parent, path, build)
            # What the resolver gets: compose-go fills in build.dockerfile (see services.py).
            builds[name] = {"context": build.folder, "dockerfile": build.resolver_dockerfile,
                            "args": dict(build.args)}
        return OursCompose(builds, None)
    except ComposeError as error:
        return OursCompose(None, error)


def theirs_builds(composition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    builds = {}
    for name, service in (composition.get("services") or {}).items():
        build = service.get("build")
        if build is not None:
            builds[name] = {"context": build.get("context", "."),
                            "dockerfile": build.get("dockerfile"),
                            "args": dict(build.get("args") or {})}
    return builds


# (reason, pattern on balena_lab's error message): balena_lab refuses, compose-go accepts.
_REASONS: tuple[tuple[str, str], ...] = (
    (("balena's docker-compose reference lists the field as unsupported; balena_lab says "
      "why (compose-go accepts it, and balena's normalize() removes or keeps it)"),
     'balena does not support this field'),
    (("balena's docker-compose reference allows fewer values than compose-go (restart, "
      'network_mode, pid, volume syntax): balena_lab teaches the reference'),
     "field '(restart|network_mode|pid|volumes(\\.\\d+)?)'"),
    (('balena_lab checks the build context when it reads the file (a project sub-folder '
      'that exists); balena CLI checks it later, when it packs the context'),
     'is not a project subfolder|no folder|git URLs are not supported'),
    (('compose-go also takes strings in boolean and number fields (meant for ${VAR} '
      'interpolation) and converts them; balena_lab asks for the YAML type the reference '
      'shows'),
     "is not of type '(boolean|integer|number)'"),
    (('balena refuses top-level secrets and configs whenever they hold anything; balena_lab'
      " refuses the keys themselves, with the reference's words"),
     "field '(secrets|configs)'"),
    (('balena_lab requires at least one service: a release with none deploys nothing'),
     "'services' is a required property|field 'services': .*(non-empty|enough)|must be a mapping with a services"),
)
#: (reason, pattern on balena_lab's error message): balena_lab refuses, compose-go accepts.
DELIBERATE: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (reason, re.compile(pattern)) for reason, pattern in _REASONS)


def classify_compose(ours: OursCompose, theirs: dict[str, Any]) -> tuple[str, str | None]:
    """``("same" | "deliberate" | "shim", None)`` or ``("disagree", why)``."""
    if theirs["error"] is None and ours.builds is not None:
        mine, builder = ours.builds, theirs_builds(theirs["composition"])
        if mine == builder:
            return "same", None
        return "disagree", f"build specs differ: balena_lab {mine} vs balena {builder}"
    if theirs["error"] is not None and ours.error is not None:
        return "same", None
    if ours.error is not None and ours.error.service is None and re.search(
            r"field '(volumes|networks)\.[^']+'", ours.error.message):
        # The stand-in's `docker compose config` drops top-level volumes and networks no
        # service uses before balena's normalize() sees them; LoadProject alone keeps them.
        return "shim", None
    if ours.error is not None:
        for _, pattern in DELIBERATE:
            if pattern.search(ours.error.message):
                return "deliberate", None
        return "disagree", f"balena accepts it, balena_lab refuses: {ours.error.message}"
    return "disagree", (f"balena refuses it ({theirs['errorName']}: {theirs['error']}), "
                        "balena_lab accepts it")
