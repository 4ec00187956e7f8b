"""The variables the Supervisor puts in every container of a release.

Follows ``Service.extendEnvVars`` and ``toDockerContainer`` (``src/compose/
service.ts``, v19.0.5): each name in a ``BALENA_`` and a ``RESIN_`` form,
``BALENA=1`` and ``RESIN=1``, the lock path and the hand-over path, ``USER``,
and the device name at init (:func:`container_environment` has the order).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

LOCK_PATH = "/tmp/balena/updates.lock"
HANDOVER_COMPLETE_PATH = "/tmp/balena/handover-complete"


@dataclass(frozen=True)
class DeviceMetadata:
    """What the Supervisor knows of its device and app; on a laptop, made up and named so."""

    uuid: str
    device_type: str
    arch: str
    app_id: int
    app_uuid: str
    app_name: str
    device_name: str
    os_version: str = "balenaOS (simulated by balena_lab)"


def supervisor_environment(device: DeviceMetadata, service: str) -> dict[str, str]:
    """The Supervisor's default variables of ``service``, before its own and the image's."""
    env: dict[str, str] = {}
    for namespace in ("BALENA", "RESIN"):
        for key, value in (
            ("APP_ID", str(device.app_id)), ("APP_UUID", device.app_uuid),
            ("APP_NAME", device.app_name), ("SERVICE_NAME", service),
            ("DEVICE_UUID", device.uuid), ("DEVICE_TYPE", device.device_type),
            ("DEVICE_ARCH", device.arch), ("HOST_OS_VERSION", device.os_version),
            ("APP_LOCK_PATH", LOCK_PATH),
        ):
            env[f"{namespace}_{key}"] = value
        env[namespace] = "1"
    env["RESIN_SERVICE_KILL_ME_PATH"] = HANDOVER_COMPLETE_PATH
    env["BALENA_SERVICE_HANDOVER_COMPLETE_PATH"] = HANDOVER_COMPLETE_PATH
    env["USER"] = "root"
    return env


def container_environment(device: DeviceMetadata, service: str,
                          own: Mapping[str, str], features: Mapping[str, str],
                          image_env: Mapping[str, str]) -> dict[str, str]:
    """Everything the container's process sees, in the Supervisor's order.

    ``fromComposeObject`` first fills the service's own variables with these defaults
    and then with the image's ``ENV`` (``_.defaults``: the first to name one wins);
    ``addFeaturesFromLabels`` then assigns the features' variables over them (all but
    ``DOCKER_HOST``, which it sets only when missing); ``toDockerContainer`` puts the
    device name at init first, so any of those wins over it.
    """
    # The device's name at init is the Supervisor's alone (service.ts omits it elsewhere).
    at_init = ("RESIN_DEVICE_NAME_AT_INIT", "BALENA_DEVICE_NAME_AT_INIT")
    image_env = {k: v for k, v in image_env.items() if k not in at_init}
    own = {k: v for k, v in own.items() if k not in at_init}
    env = {**image_env, **supervisor_environment(device, service), **own}
    for key, value in features.items():
        if key == "DOCKER_HOST":
            env.setdefault(key, value)
        else:
            env[key] = value
    return {"RESIN_DEVICE_NAME_AT_INIT": device.device_name,
            "BALENA_DEVICE_NAME_AT_INIT": device.device_name, **env}
