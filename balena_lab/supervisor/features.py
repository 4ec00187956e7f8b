"""Feature labels -> what the Supervisor gives the container (binds and variables).

Follows the Supervisor's ``addFeaturesFromLabels`` (``src/compose/utils.ts``,
v19.0.5) label for label, and its ``normalizeLabels``: an ``io.resin.*`` label
counts as its ``io.balena.*`` twin (``resin`` replaced by ``balena``), and an
explicit ``io.balena.*`` label wins.  A label is on when its value is truthy
as the Supervisor's ``checkTruthy`` reads it.  Binds of host folders that do
not exist here (``/lib/firmware`` on many laptops) are reported and skipped,
never created: the Supervisor skips ``/lib/modules`` and ``/lib/firmware`` the
same way on a device without them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

#: The Supervisor's API port (``listenPort``, config schema default).
SUPERVISOR_PORT = 48484
#: Where the Supervisor mounts the engine socket in a container, and its old path.
CONTAINER_ENGINE_SOCKET = "/host/run/balena-engine.sock"
ENGINE_SOCKET = "/var/run/docker.sock"
LEGACY_ENGINE_SOCKET = "/var/run/balena.sock"
#: The docs' label table (D pages/reference/supervisor/docker-compose.md#labels) and
#: the two the code has beyond it: every one the Supervisor acts on.
FEATURES = (
    "journal-logs", "dbus", "kernel-modules", "firmware", "balena-socket", "balena-api",
    "supervisor-api", "sysfs", "procfs", "gpu", "host-os.board-rev", "extra-firmware",
)
PREFIX = "io.balena.features."


@dataclass(frozen=True)
class Bind:
    host: str
    container: str
    read_only: bool = False
    feature: str = ""

    def spec(self) -> str:
        """The compose short form: ``/run/dbus:/host/run/dbus[:ro]``."""
        return f"{self.host}:{self.container}" + (":ro" if self.read_only else "")


@dataclass(frozen=True)
class Features:
    """What a service's labels give its container on a device."""

    enabled: tuple[str, ...]  # feature names, as the Supervisor applies them
    binds: tuple[Bind, ...] = ()
    volumes: tuple[tuple[str, str], ...] = ()  # (named volume, container path)
    environment: tuple[tuple[str, str], ...] = ()
    #: what the Supervisor does that is not done here, and host folders skipped
    notes: tuple[str, ...] = ()
    skipped: tuple[Bind, ...] = field(default=())


def check_truthy(value: object) -> bool:
    """The Supervisor's ``checkTruthy``: 1, true, on (any case) and True are true."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "on"}


def normalize_labels(labels: Mapping[str, str]) -> dict[str, str]:
    """``io.resin.*`` labels as their ``io.balena.*`` twins; an explicit twin wins."""
    mapped = {key.replace("resin", "balena"): value for key, value in labels.items()
              if key.startswith("io.resin.")}
    return {**{k: v for k, v in labels.items() if not k.startswith("io.resin.")},
            **{k: v for k, v in mapped.items() if k not in labels}}


def features_from_labels(
    labels: Mapping[str, str], *, host_network: bool, api_key: str, device_api_key: str,
    api_url: str, supervisor_host: str = "127.0.0.1",
    host_exists: Callable[[str], bool] | None = None,
) -> Features:
    """The binds, volumes and variables a service's feature labels give it.

    ``host_exists`` answers for this machine; a bind from a host path that is not
    here is skipped and reported, never created.
    """
    exists = host_exists or (lambda path: Path(path).exists())
    labels = normalize_labels(labels)
    enabled = tuple(f for f in FEATURES if check_truthy(labels.get(PREFIX + f, "")))
    binds: list[Bind] = []
    env: dict[str, str] = {}
    volumes: list[tuple[str, str]] = []
    notes: list[str] = []

    def both(key: str, value: str) -> None:  # the Supervisor's setEnvVariables
        env[f"RESIN_{key}"] = value
        env[f"BALENA_{key}"] = value

    for feature in enabled:
        if feature == "journal-logs":
            binds += [Bind(p, p, True, feature) for p in
                      ("/var/log/journal", "/run/log/journal", "/etc/machine-id")]
        elif feature == "dbus":
            binds.append(Bind("/run/dbus", "/host/run/dbus", feature=feature))
        elif feature in ("kernel-modules", "firmware"):
            path = "/lib/modules" if feature == "kernel-modules" else "/lib/firmware"
            binds.append(Bind(path, path, feature=feature))
        elif feature == "balena-socket":
            binds += [Bind(ENGINE_SOCKET, CONTAINER_ENGINE_SOCKET, feature=feature),
                      Bind(ENGINE_SOCKET, ENGINE_SOCKET, feature=feature),
                      Bind(ENGINE_SOCKET, LEGACY_ENGINE_SOCKET, feature=feature)]
            env.setdefault("DOCKER_HOST", f"unix://{CONTAINER_ENGINE_SOCKET}")
        elif feature == "balena-api":
            both("API_KEY", device_api_key)
            both("API_URL", api_url)
        elif feature == "supervisor-api":
            host = "127.0.0.1" if host_network else supervisor_host
            both("SUPERVISOR_API_KEY", api_key)
            both("SUPERVISOR_PORT", str(SUPERVISOR_PORT))
            both("SUPERVISOR_HOST", host)
            both("SUPERVISOR_ADDRESS", f"http://{host}:{SUPERVISOR_PORT}")
            notes.append("supervisor-api: the variables are set as on a device; no Supervisor "
                         f"answers at {host}:{SUPERVISOR_PORT} here")
            if not host_network:
                notes.append("supervisor-api: on a device the container also joins the "
                             "supervisor0 network; not here")
        elif feature == "sysfs":
            binds.append(Bind("/sys", "/sys", feature=feature))
        elif feature == "procfs":
            binds.append(Bind("/proc", "/proc", feature=feature))
        elif feature == "gpu":
            notes.append("gpu: on a device the Supervisor asks the engine for one GPU "
                         "(a device request); not asked here")
        elif feature == "host-os.board-rev":
            notes.append("host-os.board-rev: BALENA_HOST_OS_BOARD_REV comes from the host "
                         "OS's image file, which a laptop has not; not set")
        elif feature == "extra-firmware":
            volumes.append(("extra-firmware", "/extra-firmware"))

    kept = [b for b in binds if exists(b.host)]
    skipped = [b for b in binds if not exists(b.host)]
    for bind in skipped:
        notes.append(f"{bind.feature}: {bind.host} does not exist on this machine: not "
                     "mounted (and not created)")
    return Features(enabled, tuple(kept), tuple(volumes), tuple(env.items()), tuple(notes),
                    tuple(skipped))
