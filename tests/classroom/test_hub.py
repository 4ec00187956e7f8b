"""A class on one server, for real: JupyterHub, three learners, one engine.

The class server is the one ``make classroom`` installs (``/opt/balena-lab``,
or ``BALENA_LAB_CLASS_PREFIX``), started with the command a teacher types:
``balena-lab class add`` makes three learner accounts, ``balena-lab class
serve`` runs JupyterHub.  Each learner's server is started through the hub,
each opens the templates notebook as JupyterLab would and runs every cell at
the same time as the others, building on the one engine.  Then the tests
prove that no learner sees or changes another's images, containers or
volumes: by the engine's own records, from inside each learner's kernel, and
with ``balena-lab images prune`` run by one learner.

Needs root (it makes accounts) and the engine; without them it skips, and
under ``BALENA_LAB_REQUIRE_DOCKER=1`` (CI) it fails instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docker
import psutil
import pytest
import requests

from tests.classroom.hubclient import CellRun, Hub, code_cells
from tests.conftest import _missing

REPO = Path(__file__).resolve().parents[2]
PREFIX = Path(os.environ.get("BALENA_LAB_CLASS_PREFIX", "/opt/balena-lab"))
CLASS_CLI = PREFIX / "venv" / "bin" / "balena-lab"
NOTEBOOK = "03-templates.ipynb"
#: What notebook 03 builds, for its committed device type, x86 and ARM.
BUILT = ("raspberrypi4-64", "genericx86-64-ext", "raspberrypi3")

pytestmark = [pytest.mark.slow, pytest.mark.emulated]


@dataclass
class ClassServer:
    hub: Hub
    learners: list[str]
    passwords: dict[str, str]
    log: Path


def _free_ports(count: int) -> int:
    """A port p with p .. p + count - 1 all free (the hub takes three in a row)."""
    for _ in range(200):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + count > 65535:
            continue
        try:
            for port in range(base, base + count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError("no three free ports in a row")


def _class(*words: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CLASS_CLI), "class", *words], capture_output=True, text=True,
                          check=check, timeout=120)


def _processes_of(names: list[str]) -> list[psutil.Process]:
    return [p for p in psutil.process_iter(["username"]) if p.info["username"] in names]


@pytest.fixture(scope="module")
def class_server(docker_client: Any, base_images: dict[str, str],
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClassServer]:
    if os.geteuid() != 0:
        _missing("the class-server test makes system accounts: it needs root")
    if not CLASS_CLI.is_file():
        _missing(f"no class server in {PREFIX}: run `make classroom`")
    tag = secrets.token_hex(3)
    names = [f"t{tag}-{who}" for who in ("ann", "bob", "cy")]
    state = tmp_path_factory.mktemp("hub")
    token_file = state / "token"
    token_file.write_text(secrets.token_hex(32))
    token_file.chmod(0o600)
    log = state / "hub.log"
    added = json.loads(_class("add", *names, "--json").stdout)
    hub_process = None
    try:
        port = _free_ports(3)
        with log.open("w") as out:
            hub_process = subprocess.Popen(
                [str(CLASS_CLI), "class", "serve", "--notebooks", str(REPO / "notebooks"),
                 "--ip", "127.0.0.1", "--port", str(port), "--state", str(state / "hub"),
                 "--api-token-file", str(token_file)],
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        hub = Hub(f"http://127.0.0.1:{port}", token_file.read_text())
        deadline = time.monotonic() + 90
        while not hub.answers():
            if hub_process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the hub did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield ClassServer(hub, names, {a["name"]: a["password"] for a in added}, log)
    finally:
        if hub_process is not None:
            os.killpg(hub_process.pid, signal.SIGTERM)  # the hub stops every learner's server
            try:
                hub_process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(hub_process.pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while _processes_of(names) and time.monotonic() < deadline:
            time.sleep(0.5)
        for process in _processes_of(names):
            process.kill()
        _class("remove", *names, check=False)
        _forget(docker_client, names)


def _forget(client: Any, names: list[str]) -> None:
    """Remove what the test learners made on the engine (by their namespace label)."""
    for name in names:
        label = f"io.balena-lab.namespace={name}"
        for container in client.containers.list(all=True, filters={"label": label}):
            container.remove(force=True)
        for image in client.images.list(filters={"label": label}):
            for tag in image.tags or [image.id]:
                with contextlib.suppress(docker.errors.NotFound):  # gone with another tag
                    client.images.remove(tag, force=True)
        for volume in client.volumes.list(filters={"label": label}):
            volume.remove(force=True)


@pytest.fixture(scope="module")
def notebook_runs(class_server: ClassServer) -> dict[str, list[CellRun]]:
    """Every learner's server started, then the templates notebook run by all three at once."""
    hub, names = class_server.hub, class_server.learners
    with ThreadPoolExecutor(len(names)) as pool:
        list(pool.map(hub.start_server, names))
    kernels = {name: hub.open_notebook(name, NOTEBOOK) for name in names}
    cells = code_cells(REPO / "notebooks" / NOTEBOOK)

    async def everyone() -> list[list[CellRun]]:
        return await asyncio.gather(*(hub.run_cells(name, kernels[name], cells)
                                      for name in names))

    started = time.monotonic()
    runs = dict(zip(names, asyncio.run(everyone())))
    print(f"three learners ran {NOTEBOOK} at once in {time.monotonic() - started:.0f} s")
    return runs


def _in_kernel(server: ClassServer, name: str, source: str) -> CellRun:
    """Run ``source`` in a fresh kernel of ``name``'s, opened on the notebook."""
    kernel = server.hub.open_notebook(name, NOTEBOOK)
    [run] = asyncio.run(server.hub.run_cells(name, kernel, [source]))
    assert run.status == "ok", run.errors
    return run


def _namespace_images(client: Any, name: str) -> dict[str, str]:
    """tag -> image id of every image labelled as ``name``'s."""
    found = {}
    for image in client.images.list(filters={"label": f"io.balena-lab.namespace={name}"}):
        for tag in image.tags:
            found[tag] = image.id
    return found


def test_learners_log_in_with_their_own_password(class_server: ClassServer) -> None:
    name = class_server.learners[0]
    login = f"{class_server.hub.url}/hub/login"

    def attempt(password: str) -> requests.Response:
        browser = requests.Session()
        page = browser.get(login, timeout=30)
        xsrf = re.search(r'name="_xsrf"\s+value="([^"]+)"', page.text)
        assert xsrf, "the login form has no _xsrf field"
        return browser.post(login, data={"username": name, "password": password,
                                         "_xsrf": xsrf.group(1)},
                            allow_redirects=False, timeout=30)

    assert attempt(class_server.passwords[name]).status_code == 302  # in, on to the spawn page
    refused = attempt(class_server.passwords[class_server.learners[1]])  # another's password
    assert refused.status_code == 403 or "Invalid username or password" in refused.text


def test_only_learners_get_a_server(class_server: ClassServer) -> None:
    # A system account that is not one of the class's (not in its group): the hub
    # knows it, but its server must not start.
    hub, outsider = class_server.hub, f"{class_server.learners[0]}-x"
    subprocess.run(["useradd", "--create-home", outsider], check=True)
    try:
        assert hub.api("POST", f"/hub/api/users/{outsider}").status_code == 201
        answer = hub.api("POST", f"/hub/api/users/{outsider}/server")
        assert answer.status_code >= 400
        assert f"{outsider!r} is not a learner of this class" in class_server.log.read_text()
        assert not _processes_of([outsider])
        assert not Path(f"/home/{outsider}/balena-lab").exists()  # no workspace either
    finally:
        hub.api("DELETE", f"/hub/api/users/{outsider}")
        subprocess.run(["userdel", "--remove", outsider], check=False, capture_output=True)


def test_three_learners_run_the_templates_notebook_at_once(
        class_server: ClassServer, notebook_runs: dict[str, list[CellRun]]) -> None:
    cells = code_cells(REPO / "notebooks" / NOTEBOOK)
    for name, runs in notebook_runs.items():
        failed = [run for run in runs if run.status != "ok"]
        assert not failed, f"{name}: {failed[0].source[:200]}\n{failed[0].errors}"
        assert len(runs) == len(cells)
        # The notebook's build cell printed what each image says when it runs.
        (built,) = [run for run in runs if "build_image(arch_project" in run.source]
        assert "running on x86_64" in built.text and "running on armv7l" in built.text


def test_each_learner_builds_in_their_own_namespace(
        class_server: ClassServer, notebook_runs: dict[str, list[CellRun]],
        docker_client: Any) -> None:
    for name in class_server.learners:
        mine = _namespace_images(docker_client, name)
        for device in BUILT:
            assert f"balena-lab/{name}/template-arch:{device}" in mine
        assert all(tag.startswith(f"balena-lab/{name}/") for tag in mine), mine
    # Three learners' builds of one project for one device type: three images, not one.
    ids = {_namespace_images(docker_client, n)[f"balena-lab/{n}/template-arch:raspberrypi3"]
           for n in class_server.learners}
    assert len(ids) == 3
    leftovers = [c.name for n in class_server.learners for c in docker_client.containers.list(
        all=True, filters={"label": f"io.balena-lab.namespace={n}"})]
    assert not leftovers  # every container of the notebook was removed by the engine


def test_each_kernel_is_its_learner_and_homes_are_private(class_server: ClassServer) -> None:
    ann, bob = class_server.learners[:2]
    run = _in_kernel(class_server, ann, (
        "import getpass, os\n"
        "from balena_lab.engine.names import namespace\n"
        f"print(getpass.getuser(), namespace(), os.access('/home/{bob}/balena-lab', os.R_OK))"))
    assert run.text.split() == [ann, ann, "False"]


def test_each_learner_has_their_own_data(
        class_server: ClassServer, notebook_runs: dict[str, list[CellRun]],
        docker_client: Any) -> None:
    hub = class_server.hub

    def write_and_read(name: str) -> str:
        # All three write /data/owner at once, wait, and read it back.
        source = (
            "from balena_lab.engine.containers import run\n"
            f"tag = 'balena-lab/{name}/template-arch:genericx86-64-ext'\n"
            "answer = run(tag, 'cat /data/owner 2>/dev/null; echo $0 > /data/owner; sleep 3; "
            f"cat /data/owner', volumes={{'resin-data': '/data'}}, timeout=120)\n"
            "print(answer.output.strip().replace(chr(10), ' | '))")
        kernel = hub.open_notebook(name, NOTEBOOK)
        [run] = asyncio.run(hub.run_cells(name, kernel, [source.replace("$0", name)]))
        assert run.status == "ok", run.errors
        return run.text.strip()

    with ThreadPoolExecutor(3) as pool:
        seen = dict(zip(class_server.learners, pool.map(write_and_read, class_server.learners)))
    for name, output in seen.items():
        assert output == name, f"{name}'s /data held {output!r}"  # nobody else's file, ever
        [volume] = docker_client.volumes.list(
            filters={"label": f"io.balena-lab.namespace={name}"})
        assert volume.name == f"balena-lab-{name}_resin-data"


def test_one_learners_prune_leaves_the_others_alone(
        class_server: ClassServer, notebook_runs: dict[str, list[CellRun]],
        docker_client: Any) -> None:
    ann, *others = class_server.learners
    before = {name: _namespace_images(docker_client, name) for name in others}
    shared = {image.id for image in docker_client.images.list(
        filters={"label": "io.balena-lab.kind=base-image"})}
    run = _in_kernel(class_server, ann, (
        "import subprocess\n"
        "done = subprocess.run(['balena-lab', 'images', 'prune'], capture_output=True, "
        "text=True)\n"
        "print(done.returncode, done.stdout, done.stderr)"))
    assert run.text.startswith("0 ") and f"removed balena-lab/{ann}/template-arch" in run.text
    assert not any(other in run.text for other in others)
    assert not _namespace_images(docker_client, ann)
    for name in others:  # the others' builds are all there, unchanged
        assert _namespace_images(docker_client, name) == before[name]
    assert shared <= {image.id for image in docker_client.images.list(
        filters={"label": "io.balena-lab.kind=base-image"})}
