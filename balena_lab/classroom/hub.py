"""A class on one server: JupyterHub configured for balena_lab's masterclass.

One server, one Docker engine, one system account per learner
(:mod:`.learners`).  JupyterHub logs learners in with their system password
(PAM), starts each one's Jupyter server as that learner with the
local-process spawner, and before the first start copies the masterclass
into their home (:mod:`.workspace`).  Every build, container and volume a
learner makes carries their namespace (:func:`~..engine.names.namespace`),
which the spawner sets to their login name: learners cannot overwrite, run or
prune each other's images, and each has their own ``/data``.

:func:`configure` writes all of it onto a JupyterHub config object, for a
teacher's own ``jupyterhub_config.py``::

    from balena_lab.classroom.hub import ClassSettings, configure
    configure(c, ClassSettings(notebooks="/srv/balena_lab/notebooks"))

:func:`serve` (``balena-lab class serve``) checks the server first
(:func:`check`: root, the engine's group, a Python every learner can run, the
proxy, the kernel), writes that file into the hub's state folder and runs
JupyterHub with it.

What the namespaces do not do: every learner is in the ``docker`` group, and
access to the engine's socket is root on this machine.  The namespaces keep
learners from colliding and from removing each other's work by accident, not
a learner set on harm who talks to the socket directly.  The local-process
spawner sets no memory or CPU limits either.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..engine.names import NAMESPACE_ENV
from ..errors import ClassroomError
from ..lessons.projects import NOTEBOOKS_ENV
from . import learners as learner_accounts
from . import workspace

#: The project's Jupyter kernel, which every notebook names.
KERNEL = "balena-lab"
#: The service that may use the hub's REST API with the token of ``api_token_file``.
TEACHER_SERVICE = "balena-lab-teacher"
PROXY = "configurable-http-proxy"
CONFIG_FILE = "jupyterhub_config.py"


@dataclass(frozen=True)
class ClassSettings:
    """How to serve a class.

    ``port`` is where learners connect; the proxy's API listens on
    ``port + 1`` and the hub itself on ``port + 2``, both on 127.0.0.1.
    ``api_token_file`` (optional) holds a token that scripts, such as a
    teacher's tools or the test suite, can use on the hub's REST API as the
    :data:`TEACHER_SERVICE` service (start and stop learners' servers, use them).
    """

    notebooks: Path
    state: Path = Path("/var/lib/balena-lab/hub")
    ip: str = ""
    port: int = 8000
    admins: tuple[str, ...] = ()
    api_token_file: Path | None = None
    proxy: str | None = None
    python_bin: Path = field(default_factory=lambda: Path(sys.executable).parent)
    folder: str = workspace.FOLDER
    authenticator: str = "pam"

    def __post_init__(self) -> None:
        object.__setattr__(self, "notebooks", Path(self.notebooks).resolve())
        object.__setattr__(self, "state", Path(self.state).resolve())
        if self.api_token_file is not None:
            object.__setattr__(self, "api_token_file", Path(self.api_token_file).resolve())
        if not 1 <= self.port <= 65533:
            raise ClassroomError(f"port {self.port} is not a usable port (1 to 65533: the "
                                 "proxy and the hub take the next two)")

    @property
    def singleuser(self) -> Path:
        """The command the spawner runs as each learner: JupyterHub's single-user server."""
        return self.python_bin / "jupyterhub-singleuser"

    def to_json(self) -> str:
        values = asdict(self)
        return json.dumps({key: str(value) if isinstance(value, Path) else value
                           for key, value in values.items()}, indent=2)

    @classmethod
    def from_json(cls, text: str) -> ClassSettings:
        values: dict[str, Any] = json.loads(text)
        values["admins"] = tuple(values.get("admins", ()))
        for key in ("notebooks", "state", "python_bin", "api_token_file"):
            if values.get(key) is not None:
                values[key] = Path(values[key])
        return cls(**values)


def find_proxy(settings: ClassSettings) -> str:
    """The configurable-http-proxy command: as set, beside the class's venv, or on PATH."""
    if settings.proxy:
        return settings.proxy
    # `make classroom` installs it from npm into <prefix>/proxy, next to <prefix>/venv.
    beside = settings.python_bin.parent.parent / "proxy" / "node_modules" / ".bin" / PROXY
    if beside.is_file():
        return str(beside)
    found = shutil.which(PROXY)
    if found:
        return found
    raise ClassroomError(f"{PROXY} is not installed (JupyterHub's proxy, from npm)",
                         fix="make classroom")


def check(settings: ClassSettings) -> None:
    """Everything :func:`serve` needs, with the fix for the first thing missing."""
    learner_accounts.require_root("serving a class (JupyterHub starts each learner's server "
                                  "as that learner)")
    if not (settings.notebooks / "projects").is_dir():
        raise ClassroomError(f"{settings.notebooks} is not the masterclass's notebooks folder "
                             "(it has no projects/)", fix="--notebooks path/to/notebooks")
    try:
        import grp
        grp.getgrnam(learner_accounts.ENGINE_GROUP)
    except KeyError:
        raise ClassroomError("there is no group 'docker': the engine is not installed",
                             fix="make engine") from None
    if not settings.singleuser.is_file():
        raise ClassroomError(f"{settings.singleuser} does not exist: JupyterHub is not "
                             "installed in this Python", fix="make classroom")
    for program in (settings.singleuser, _interpreter(settings.singleuser)):
        blocked = closed_to_others(program)
        if blocked is not None:
            raise ClassroomError(
                f"learners cannot run {program}: {blocked} is closed to other users "
                f"(mode {stat.filemode(blocked.stat().st_mode)})",
                fix="serve from the class's own venv, which every learner can run: "
                    "make classroom, then /opt/balena-lab/venv/bin/balena-lab class serve")
    kernel = settings.python_bin.parent / "share" / "jupyter" / "kernels" / KERNEL
    if not (kernel / "kernel.json").is_file():
        raise ClassroomError(f"the {KERNEL} kernel is not installed in {settings.python_bin.parent}",
                             fix="make classroom")
    find_proxy(settings)


def closed_to_others(program: Path) -> Path | None:
    """The first folder or file on the way to ``program`` (symlinks followed) that a user
    other than its owner cannot pass or run, or None if everyone can run it."""
    real = program.resolve()
    for folder in reversed(real.parents):
        if not folder.stat().st_mode & stat.S_IXOTH:
            return folder
    mode = real.stat().st_mode
    if not (mode & stat.S_IXOTH and mode & stat.S_IROTH):
        return real
    return None


def _interpreter(script: Path) -> Path:
    """The interpreter of a ``#!`` script (the script itself if it has none)."""
    with script.open("rb") as handle:
        first = handle.readline(4096)
    if first.startswith(b"#!"):
        words = first[2:].decode(errors="replace").split()
        if words:
            return Path(words[0])
    return script


def configure(c: Any, settings: ClassSettings) -> None:
    """Configure JupyterHub (the ``c`` of a ``jupyterhub_config.py``) to serve the class."""
    bin_dir = settings.python_bin
    c.JupyterHub.bind_url = f"http://{settings.ip}:{settings.port}"
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings.port + 1}"
    c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{settings.port + 2}"
    c.ConfigurableHTTPProxy.command = [find_proxy(settings)]
    c.ConfigurableHTTPProxy.pid_file = str(settings.state / "proxy.pid")
    c.JupyterHub.db_url = f"sqlite:///{settings.state / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(settings.state / "cookie_secret")
    c.JupyterHub.cleanup_servers = True  # stopping the hub stops every learner's server

    c.JupyterHub.authenticator_class = settings.authenticator
    c.LocalAuthenticator.allowed_groups = {learner_accounts.GROUP}
    c.LocalAuthenticator.create_system_users = False  # `balena-lab class add` makes them
    c.Authenticator.admin_users = set(settings.admins)

    c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
    c.Spawner.cmd = [str(settings.singleuser)]
    c.Spawner.notebook_dir = f"~/{settings.folder}"
    c.Spawner.default_url = "/lab"
    c.Spawner.args = [f"--MappingKernelManager.default_kernel_name={KERNEL}"]
    c.Spawner.start_timeout = 120
    c.Spawner.http_timeout = 60
    c.Spawner.environment = {
        NAMESPACE_ENV: _learner_name,
        NOTEBOOKS_ENV: _workspace_of(settings),
        "PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin",
    }
    c.Spawner.pre_spawn_hook = _prepare(settings)

    if settings.api_token_file is not None:
        c.JupyterHub.services = [{"name": TEACHER_SERVICE,
                                  "api_token": _read_token(settings.api_token_file)}]
        c.JupyterHub.load_roles = [{
            "name": TEACHER_SERVICE,
            "scopes": ["admin:users", "admin:servers", "access:servers"],
            "services": [TEACHER_SERVICE],
        }]


def config_text(settings: ClassSettings) -> str:
    """A ``jupyterhub_config.py`` that serves the class as ``settings`` say."""
    return (
        "# Written by `balena-lab class serve`: JupyterHub's configuration for the class.\n"
        "# balena_lab.classroom.hub.configure documents every setting it makes.\n"
        "from balena_lab.classroom.hub import ClassSettings, configure\n\n"
        f"configure(c, ClassSettings.from_json({settings.to_json()!r}))  # noqa: F821\n"
    )


def serve(settings: ClassSettings) -> None:
    """Check the server, write the hub's configuration and run JupyterHub (does not return)."""
    check(settings)
    settings.state.mkdir(parents=True, exist_ok=True, mode=0o700)
    config = settings.state / CONFIG_FILE
    handle, temporary = tempfile.mkstemp(dir=settings.state, prefix=f".{CONFIG_FILE}-")
    with os.fdopen(handle, "w") as out:
        out.write(config_text(settings))
    os.replace(temporary, config)
    os.chdir(settings.state)
    jupyterhub = settings.python_bin / "jupyterhub"
    os.execv(jupyterhub, [str(jupyterhub), "-f", str(config)])


def _learner_name(spawner: Any) -> str:
    return str(spawner.user.name)


def _workspace_of(settings: ClassSettings) -> Callable[[Any], str]:
    def of(spawner: Any) -> str:
        learner = learner_accounts.account(spawner.user.name)
        return str(workspace.workspace(learner, settings.folder))
    return of


def _prepare(settings: ClassSettings) -> Callable[[Any], None]:
    """The pre-spawn hook: only learners start, each with their workspace in place."""
    def prepare(spawner: Any) -> None:
        learner = learner_accounts.account(spawner.user.name)  # refuses a non-learner
        workspace.provision(learner, settings.notebooks, settings.folder)
    return prepare


def _read_token(path: Path) -> str:
    try:
        token = path.read_text().strip()
    except OSError as error:
        raise ClassroomError(f"cannot read the API token file {path}: {error.strerror}") from None
    if len(token) < 16:
        raise ClassroomError(f"{path}: an API token must be at least 16 characters",
                             fix=f"python3 -c 'import secrets; print(secrets.token_hex(32))' > {path}")
    return token
