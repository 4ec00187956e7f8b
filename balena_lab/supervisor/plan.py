"""A release's plan: every container the Supervisor would make, before any is made.

From a :class:`~balena_lab.resolution.compose.Composition` (the page's default
one or the project's ``docker-compose.yml``), per service: its binds (feature
labels, the lock folder, named volumes), its variables, its network, what it
asks for (``privileged``, ``network_mode: host``), its restart policy, update
strategy and start order (``depends_on``).  Pure: nothing here talks to the
engine, so a notebook can show the plan and a test can read it.

Volume short forms are ``name:/path``; the Supervisor supports no other bind
than the feature labels', and neither does this plan (the compose validation
has refused them already).
"""

from __future__ import annotations

import graphlib
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ComposeError
from ..resolution.compose import Composition
from . import naming
from .environment import DeviceMetadata, container_environment
from .features import Bind, Features, features_from_labels, normalize_labels

#: ``io.balena.update.strategy`` values (D update-strategies.md); the first is the default.
STRATEGIES = ("download-then-kill", "kill-then-download", "delete-then-download", "hand-over")
DEFAULT_HANDOVER_MS = 60000


@dataclass(frozen=True)
class ServicePlan:
    """One service's container, as the Supervisor would make it."""

    service: str
    container: str  # the Supervisor's container name
    binds: tuple[Bind, ...]
    volumes: tuple[tuple[str, str], ...]  # (engine volume name, container path)
    network: str  # "host" or the app network's engine name
    app_network: str  # the app's default network: where a host-network service goes if
    #                   the host's network is not given here
    privileged: bool  # asked for by the composition
    restart: str
    depends_on: tuple[str, ...]
    strategy: str
    handover_timeout_ms: int
    labels: tuple[tuple[str, str], ...]
    features: Features
    own_environment: tuple[tuple[str, str], ...]
    notes: tuple[str, ...] = ()  # what the Supervisor would do with a value it cannot use

    @property
    def host_network(self) -> bool:
        return self.network == "host"

    def settings_digest(self) -> str:
        """A digest of everything but the image that makes the container what it is: a
        container with another digest is replaced, as the Supervisor replaces a service
        whose configuration changed."""
        settings = (self.binds, self.volumes, self.network, self.privileged, self.restart,
                    self.labels, self.own_environment, self.features.environment)
        return hashlib.sha256(repr(settings).encode()).hexdigest()[:16]

    def environment(self, device: DeviceMetadata, image_env: Mapping[str, str]) -> dict[str, str]:
        """The container's variables once the image's ``ENV`` is known."""
        return container_environment(device, self.service, dict(self.own_environment),
                                     dict(self.features.environment), image_env)


@dataclass(frozen=True)
class ReleasePlan:
    device: DeviceMetadata
    release: int
    services: tuple[ServicePlan, ...]  # in start order
    volumes: tuple[str, ...]  # engine names
    networks: tuple[str, ...]  # engine names (none when every service is on the host's)
    lock_root: Path  # the host folder this release's lock folders are in

    def service(self, name: str) -> ServicePlan:
        return next(s for s in self.services if s.service == name)

    def lock_folder(self, service: str) -> Path:
        """The host folder mounted on the service's /tmp/balena and /tmp/resin."""
        return self.lock_root / str(self.device.app_id) / service


def plan_release(
    composition: Composition, device: DeviceMetadata, lock_root: Path, *,
    commit: str = "local", release_id: int = 1,
    host_exists: Callable[[str], bool] | None = None,
    image_labels: Mapping[str, Mapping[str, str]] | None = None,
) -> ReleasePlan:
    """The containers, volumes and networks of ``composition`` on ``device``.

    ``image_labels`` (by service): the labels of its built image.  The Supervisor reads
    those too, under the composition's (``extendLabels``: ``_.defaults``), so a feature
    label written with ``LABEL`` in the Dockerfile counts.
    """
    document: Mapping[str, Any] = composition.document
    services: Mapping[str, Any] = document.get("services") or {}
    order = _start_order(services)
    declared_networks = dict(document.get("networks") or {})
    plans = []
    for index, name in enumerate(order, start=1):
        spec = services[name] or {}
        from_image = {k: v for k, v in ((image_labels or {}).get(name) or {}).items()
                      if k.startswith(("io.balena.", "io.resin."))}
        labels = normalize_labels({**from_image, **{
            str(k): str(v) for k, v in _mapping(spec.get("labels")).items()}})
        host = spec.get("network_mode") == "host"
        features = features_from_labels(
            labels, host_network=host, api_key=f"simulated-scoped-key-{name}",
            device_api_key="simulated-device-api-key", api_url="https://api.balena-cloud.com",
            host_exists=host_exists)
        notes: list[str] = []
        # The Supervisor falls back to the defaults (update-strategies.ts, service-manager.ts).
        strategy = labels.get("io.balena.update.strategy", STRATEGIES[0])
        if strategy not in STRATEGIES:
            notes.append(f"io.balena.update.strategy {strategy!r} is not one of "
                         f"{', '.join(STRATEGIES)}: the Supervisor uses {STRATEGIES[0]}")
            strategy = STRATEGIES[0]
        try:
            timeout = int(labels.get("io.balena.update.handover-timeout", DEFAULT_HANDOVER_MS))
        except ValueError:
            notes.append("io.balena.update.handover-timeout is not a number of milliseconds: "
                         f"the Supervisor uses {DEFAULT_HANDOVER_MS}")
            timeout = DEFAULT_HANDOVER_MS
        volumes = [(naming.volume_name(device.app_id, source), target)
                   for source, target in (_volume(item, name) for item in spec.get("volumes") or ())]
        # The Supervisor leaves extra-firmware unprefixed (one app per device); on an engine a
        # class shares, the app's id keeps one learner's apart from another's.
        volumes += [(naming.volume_name(device.app_id, v), target) for v, target in features.volumes]
        own_networks = list(_mapping(spec.get("networks")) if isinstance(spec.get("networks"), Mapping)
                            else spec.get("networks") or ())
        plans.append(ServicePlan(
            service=name,
            container=naming.container_name(name, index, release_id, commit),
            binds=features.binds, volumes=tuple(volumes),
            # The first of the service's own networks, as the Supervisor takes it (service.ts).
            network="host" if host else naming.network_name(
                device.app_uuid, str(own_networks[0]) if own_networks else naming.DEFAULT_NETWORK),
            app_network=naming.network_name(device.app_uuid),
            privileged=bool(spec.get("privileged", False)),
            restart=_restart(spec.get("restart")),
            depends_on=tuple(_depends(spec.get("depends_on"))),
            strategy=strategy, handover_timeout_ms=timeout,
            labels=tuple(sorted(labels.items())), features=features,
            own_environment=tuple(_environment(spec.get("environment")).items()),
            notes=tuple(notes)))
    volume_names = dict.fromkeys([v for p in plans for v, _ in p.volumes])
    # The Supervisor gives every app its default network, used or not (App.fromTargetState).
    networks = list(dict.fromkeys([naming.network_name(device.app_uuid),
                                   *(naming.network_name(device.app_uuid, n)
                                     for n in declared_networks)]))
    return ReleasePlan(device, release_id, tuple(plans), tuple(volume_names), tuple(networks),
                       Path(lock_root))


def _mapping(value: Any) -> dict[str, Any]:
    """A compose mapping or ``KEY=VALUE`` list, as a dict."""
    if isinstance(value, Mapping):
        return {str(k): "" if v is None else v for k, v in value.items()}
    result: dict[str, Any] = {}
    for item in value or ():
        key, _, rest = str(item).partition("=")
        result[key] = rest
    return result


def _environment(value: Any) -> dict[str, str]:
    return {k: str(v) for k, v in _mapping(value).items()}


def _restart(value: Any) -> str:
    """The Supervisor's createRestartPolicy: trimmed, lower case, ``always`` when unknown;
    YAML 1.1 reads ``restart: no`` as false, which is ``no``."""
    if value is False:
        return "no"
    policy = str(value if value is not None else "always").strip().lower()
    return policy if policy in ("no", "always", "on-failure", "unless-stopped") else "always"


def _volume(item: Any, service: str) -> tuple[str, str]:
    """(name, target[:mode]) of a compose volume, the mode kept as the Supervisor keeps it."""
    if isinstance(item, Mapping):
        source, target = item.get("source"), item.get("target")
        if target and item.get("read_only"):
            target = f"{target}:ro"
    else:
        source, _, target = str(item).partition(":")
    if not source or not target or str(source).startswith(("/", ".", "~")) or \
            str(target).count(":") > 1:
        raise ComposeError(f"volume {item!r}: only named volumes are supported (as on a device)",
                           service=service, field="volumes", fix="e.g. 'resin-data:/data'")
    return str(source), str(target)


def _depends(value: Any) -> list[str]:
    if isinstance(value, Mapping):
        return [str(k) for k in value]
    return [str(v) for v in value or ()]


def _start_order(services: Mapping[str, Any]) -> list[str]:
    """Services in an order where each starts after what it ``depends_on`` (``compose()``
    has refused unknown names and cycles already)."""
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for name, spec in services.items():
        sorter.add(str(name), *_depends((spec or {}).get("depends_on")))
    return list(sorter.static_order())
