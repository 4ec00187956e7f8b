"""Using Dockerfiles with balena: from the generated single-container compose to two services."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...resolution.yamlfile import read_compose_yaml
from ..core import Check, CheckFailed, Exercise

if TYPE_CHECKING:
    from ..context import CheckContext

DEVICE = "raspberrypi4-64"
FRONTEND = """FROM balena-lab/debian:bookworm-aarch64
CMD ["echo", "frontend"]
"""
BACKEND = """FROM balenalib/%%BALENA_ARCH%%-debian
CMD ["sh", "-c", "date >> /data/started && cat /data/started"]
"""


def _document(context: CheckContext) -> dict[str, Any]:
    if context.text("docker-compose.yml") is None:
        raise CheckFailed("there is no docker-compose.yml")
    # The bounded reader of compose files: size, depth, duplicate keys, aliases.
    document = read_compose_yaml(context.project / "docker-compose.yml")
    if not isinstance(document, dict) or not isinstance(document.get("services"), dict):
        raise CheckFailed("docker-compose.yml has no services: mapping")
    return document


def compose(*args: Any) -> Any:
    from ...resolution.compose import (
        compose as _compose,  # jsonschema is slow to import: only when checking
    )

    return _compose(*args)


def valid(context: CheckContext) -> str | None:
    _document(context)
    compose(context.project, DEVICE)
    return None


def two_services(context: CheckContext) -> str | None:
    names = sorted(_document(context)["services"])
    if names != ["backend", "frontend"]:
        return f"the services are: {', '.join(names) or '(none)'}"
    return None


def built_from_folders(context: CheckContext) -> str | None:
    composition = compose(context.project, DEVICE)
    wrong = []
    for service in composition.services:
        if service.resolution is None or service.context != service.name:
            wrong.append(f"{service.name} builds from {service.context or service.image!r}")
    return "; ".join(wrong) or None


def _service(context: CheckContext, name: str) -> dict[str, Any]:
    spec = _document(context)["services"].get(name)
    if not isinstance(spec, dict):
        raise CheckFailed(f"no service {name}")
    return spec


def data_volume(context: CheckContext) -> str | None:
    document = _document(context)
    volumes = [str(v) for v in _service(context, "backend").get("volumes") or []]
    if "resin-data:/data" not in [v.replace(" ", "") for v in volumes]:
        return f"backend's volumes: {volumes or 'none'}"
    if "resin-data" not in (document.get("volumes") or {}):
        return "the top-level volumes: does not declare the named volume backend uses"
    return None


def supervisor_label(context: CheckContext) -> str | None:
    labels = _service(context, "frontend").get("labels") or {}
    if isinstance(labels, list):
        labels = dict(str(item).partition("=")[::2] for item in labels)
    if str(labels.get("io.balena.features.supervisor-api")) != "1":
        return f"frontend's labels: {dict(labels) or 'none'}"
    return None


EXERCISE = Exercise(
    name="compose-services",
    title="From one container to two services",
    section="Using Dockerfiles with balena",
    notebook="03-compose-services.ipynb",
    answers={"COMPOSE": "docker-compose.yml"},
    cells={"answer-compose": ("COMPOSE",)},
    given={"frontend/Dockerfile": FRONTEND, "backend/Dockerfile.template": BACKEND},
    checks=(
        Check("valid-compose", "balena accepts the docker-compose.yml",
              "Check the YAML indentation and that every field is one balena supports.", valid),
        Check("two-services", "exactly two services, frontend and backend",
              "One service per folder, named like the folder.", two_services,
              after=("valid-compose",)),
        Check("built-from-folders", "each service is built from its own folder",
              "A service's build context is the folder holding its Dockerfile.",
              built_from_folders, after=("valid-compose",)),
        Check("data-volume", "backend keeps /data in the named volume resin-data",
              "Look at the volumes of the default single-container compose file on the page.",
              data_volume, after=("valid-compose",)),
        Check("supervisor-label", "frontend may talk to the Supervisor API",
              "The default compose file shows the label that grants it.", supervisor_label,
              after=("valid-compose",)),
    ),
)
