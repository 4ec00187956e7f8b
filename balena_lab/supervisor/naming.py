"""The names the Supervisor gives what it makes for a release, and the app's identity.

From the Supervisor's source (v19.0.5): a volume is ``<appId>_<name>``
(``Volume.generateDockerName``), a network ``<appUuid>_<name>``
(``Network.generateDockerName``; an app without networks gets ``default``), a
container ``<service>_<imageId>_<releaseId>_<commit>`` (``toDockerContainer``),
and a service's lock folder ``/tmp/balena-supervisor/services/<appId>/<service>``
(``updateLock.lockPath``), bind-mounted on both ``/tmp/balena`` and
``/tmp/resin`` (``defaultBinds``).

A laptop has no cloud to hand out ids, so the app's id and uuid are derived
from the learner's namespace and the project's folder: stable across runs, so
that ``up`` twice is an update of the same app, and apart between learners.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

#: The Supervisor's lock folders on a device (``BASE_LOCK_DIR``).
DEVICE_LOCK_DIR = "/tmp/balena-supervisor/services"
#: Where a service's lock folder is mounted in its container (both, as on a device).
LOCK_MOUNTS = ("/tmp/resin", "/tmp/balena")
DEFAULT_NETWORK = "default"


def app_identity(namespace: str, project: Path) -> tuple[int, str]:
    """(app id, app uuid) of ``project`` for the learner ``namespace``: stable, and a
    6-digit id like the cloud's small ones."""
    digest = hashlib.sha256(f"{namespace}\0{Path(project).resolve()}".encode()).hexdigest()
    return 100000 + int(digest[:8], 16) % 900000, digest[:32]


def volume_name(app_id: int, name: str) -> str:
    return f"{app_id}_{name}"


def network_name(app_uuid: str, name: str = DEFAULT_NETWORK) -> str:
    return f"{app_uuid}_{name}"


def container_name(service: str, image_id: int, release_id: int, commit: str) -> str:
    return f"{service}_{image_id}_{release_id}_{commit}"


def device_lock_path(app_id: int, service: str) -> str:
    """The lock folder's path on a device (what the container's /tmp/balena is)."""
    return f"{DEVICE_LOCK_DIR}/{app_id}/{service}"
