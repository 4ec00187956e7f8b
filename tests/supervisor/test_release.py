"""balena_lab.supervisor.release on the real engine: a release up, updated and down, as
the Supervisor runs one, every claim checked from inside the containers or from the
engine's own event stream."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docker
import pytest

from balena_lab.errors import RunError
from balena_lab.supervisor import release as device
from balena_lab.supervisor.events import (
    ContainerKilled,
    ContainerStarted,
    HandoverDone,
    ImageDeleted,
    ImageDownloaded,
    PlanNote,
    PrivilegeNotUsed,
    PrivilegeRefused,
    ReleaseApplied,
    UpdateDeferred,
)

from ..files import write_tree

pytestmark = [pytest.mark.docker, pytest.mark.slow]

DEVICE_TYPE = "genericx86-64-ext"  # native: the lesson is the Supervisor, not QEMU
# A service that stops at once on SIGTERM, as a well-behaved one does, and counts its starts.
SERVICE = ('FROM {base}\nCMD ["/bin/sh", "-c", "trap \'exit 0\' TERM; '
           'n=$(cat /data/starts 2>/dev/null || echo 0); echo $((n+1)) > /data/starts; '
           'echo {word} started $((n+1)); while :; do sleep 0.2; done"]\n')


@pytest.fixture
def app(tmp_path: Path, base_images: dict[str, str], docker_client: docker.DockerClient,
        ) -> Iterator[dict[str, Any]]:
    """A single-container project (the page's default composition) and its lock root;
    ``down`` afterwards whatever the test did."""
    project = write_tree(tmp_path / "app", {
        "Dockerfile": SERVICE.format(base=base_images["amd64"], word="v1")})
    locks = tmp_path / "locks"
    yield {"project": project, "locks": locks, "base": base_images["amd64"]}
    device.down(project, locks=locks, client=docker_client)


def _up(app: dict[str, Any], client: docker.DockerClient, **options: Any,
        ) -> tuple[device.DeviceState, list[object]]:
    events: list[object] = []
    state = device.up(app["project"], DEVICE_TYPE, locks=app["locks"], client=client,
                      on_event=events.append, **options)
    return state, events


def _exec(client: docker.DockerClient, container: str, command: str) -> str:
    result = client.containers.get(container).exec_run(["/bin/sh", "-c", command])
    assert result.exit_code == 0, result.output
    return str(result.output.decode())


def _wait_for(client: docker.DockerClient, container: str, text: str) -> None:
    deadline = time.monotonic() + 30
    while text not in client.containers.get(container).logs().decode():
        assert time.monotonic() < deadline, f"{container} never printed {text!r}"
        time.sleep(0.2)


def test_the_default_release_runs_as_the_supervisor_runs_it(
    app: dict[str, Any], docker_client: docker.DockerClient,
) -> None:
    state, events = _up(app, docker_client)
    main = state.service("main")
    assert main.status == "running" and not main.privileged and main.network != "host"
    # The composition asks for both; nothing is given without asking.
    asked = {e.what for e in events if isinstance(e, PrivilegeNotUsed)}
    assert asked == {"privileged mode", "the host's network"}
    env = dict(line.split("=", 1) for line in _exec(docker_client, main.container, "env")
               .splitlines() if "=" in line)
    assert env["BALENA"] == env["RESIN"] == "1"
    assert env["BALENA_SERVICE_NAME"] == "main" and env["BALENA_DEVICE_TYPE"] == DEVICE_TYPE
    assert env["BALENA_DEVICE_ARCH"] == "amd64"
    assert env["BALENA_SUPERVISOR_ADDRESS"] == "http://127.0.0.1:48484"  # as on the device
    assert env["BALENA_API_KEY"] and env["RESIN_API_URL"]
    assert env["BALENA_APP_LOCK_PATH"] == "/tmp/balena/updates.lock"
    # The feature binds that this host has, checked from inside; the others said.
    mounts = _exec(docker_client, main.container, "cat /proc/mounts")
    for host, inside in (("/run/dbus", "/host/run/dbus"), ("/lib/firmware", "/lib/firmware"),
                         ("/lib/modules", "/lib/modules")):
        # (/lib is a link to /usr/lib in Debian bookworm: the mount shows where it leads)
        where = _exec(docker_client, main.container, f"readlink -f {inside}").strip()
        if Path(host).exists():
            assert f" {where} " in mounts, inside
        else:
            assert f" {where} " not in mounts
            assert any(isinstance(e, PlanNote) and f"{host} does not exist" in e.message
                       for e in events)
    # /tmp/balena and /tmp/resin are the service's lock folder on the host.
    _exec(docker_client, main.container, "echo from-the-container > /tmp/balena/probe")
    folder = app["locks"] / str(state.app_id) / "main"
    assert (folder / "probe").read_text() == "from-the-container\n"
    assert _exec(docker_client, main.container, "cat /tmp/resin/probe") == "from-the-container\n"
    # /data is the app's resin-data volume, named as the Supervisor names it.
    volumes = [m["Name"] for m in docker_client.containers.get(main.container).attrs["Mounts"]
               if m["Type"] == "volume"]
    assert volumes == [f"{state.app_id}_resin-data"]


def test_privilege_is_used_when_asked_or_the_engines_refusal_is_reported(
    app: dict[str, Any], docker_client: docker.DockerClient,
) -> None:
    state, events = _up(app, docker_client, privileged=True, host_network=True)
    main = state.service("main")
    assert main.status == "running" and main.network == "host"
    refused = [e for e in events if isinstance(e, PrivilegeRefused)]
    if refused:  # this course's sandbox: "unable to apply caps"
        assert not main.privileged and refused[0].reason
    else:
        assert main.privileged
        assert "CapEff:\t000001ffffffffff" in _exec(docker_client, main.container,
                                                    "grep CapEff /proc/self/status")
    assert not [e for e in events if isinstance(e, PrivilegeNotUsed)]


def _change(app: dict[str, Any], strategy: str, word: str) -> None:
    compose = ("version: '2.1'\nvolumes:\n  resin-data:\nservices:\n  main:\n    build: .\n"
               "    volumes: ['resin-data:/data']\n    labels:\n"
               f"      io.balena.update.strategy: {strategy}\n"
               "      io.balena.update.handover-timeout: '20000'\n")
    write_tree(app["project"], {"docker-compose.yml": compose,
                                "Dockerfile": SERVICE.format(base=app["base"], word=word)})


@pytest.mark.parametrize("strategy", ["download-then-kill", "kill-then-download",
                                      "delete-then-download", "hand-over"])
def test_every_update_strategy_in_its_order_and_data_is_kept(
    app: dict[str, Any], docker_client: docker.DockerClient, strategy: str,
) -> None:
    _change(app, strategy, "v1")
    first, _ = _up(app, docker_client)
    old = first.service("main").container
    _wait_for(docker_client, old, "v1 started 1")
    _change(app, strategy, "v2")
    since = int(time.time()) - 1
    if strategy == "hand-over":  # the new container signals when it is ready
        def ready() -> None:
            deadline = time.monotonic() + 60
            folder = app["locks"] / str(first.app_id) / "main"
            while time.monotonic() < deadline:
                news = [c for c in docker_client.containers.list(filters={"label": [
                    f"{device.APP_LABEL}={first.app_id}"]}) if c.name != old]
                if news:
                    _wait_for(docker_client, news[0].name, "v2 started")
                    (folder / device.HANDOVER_FILE).write_text("")
                    return
                time.sleep(0.2)
        failures: list[BaseException] = []

        def helping() -> None:
            try:
                ready()
            except BaseException as error:  # noqa: BLE001 - shown by the test below
                failures.append(error)
        helper = threading.Thread(target=helping)
        helper.start()
    second, events = _up(app, docker_client)
    if strategy == "hand-over":
        helper.join()
        assert not failures, failures
    new = second.service("main").container
    assert new != old and second.release == first.release + 1
    assert [s.container for s in second.services] == [new]  # the old one is gone
    _wait_for(docker_client, new, "v2 started 2")  # /data/starts survived the update

    kinds = [type(e).__name__ for e in events if isinstance(
        e, ImageDownloaded | ContainerKilled | ContainerStarted | ImageDeleted | HandoverDone)]
    expected = {
        "download-then-kill": ["ImageDownloaded", "ContainerKilled", "ContainerStarted",
                               "ImageDeleted"],
        "kill-then-download": ["ContainerKilled", "ImageDownloaded", "ContainerStarted",
                               "ImageDeleted"],
        "delete-then-download": ["ContainerKilled", "ImageDeleted", "ImageDownloaded",
                                 "ContainerStarted"],
        "hand-over": ["ImageDownloaded", "ContainerStarted", "HandoverDone", "ContainerKilled",
                      "ImageDeleted"],
    }[strategy]
    assert kinds == expected
    if strategy == "hand-over":
        assert next(e for e in events if isinstance(e, HandoverDone)).signalled
    # The engine's own record agrees: the old container's death against the new one's start.
    record = [(e["Action"], e["Actor"]["Attributes"].get("name")) for e in docker_client.events(
        since=since, until=int(time.time()) + 1, decode=True,
        filters={"type": "container", "event": ["start", "die"]})]
    died, started = record.index(("die", old)), record.index(("start", new))
    assert (started < died) == (strategy == "hand-over"), record


def test_a_held_lock_defers_the_update_until_it_is_released(
    app: dict[str, Any], docker_client: docker.DockerClient,
) -> None:
    first, _ = _up(app, docker_client)
    old = first.service("main").container
    _exec(docker_client, old, "set -C; : > /tmp/balena/updates.lock")  # as lockfile(1) takes it
    write_tree(app["project"], {"Dockerfile": SERVICE.format(base=app["base"], word="v2")})

    # Still held at the timeout: deferred, the old release keeps running.
    state, events = _up(app, docker_client, lock_timeout=1, lock_poll=0.2)
    assert isinstance(events[-1], UpdateDeferred) and "updates.lock" in events[-1].lock
    assert not [e for e in events if isinstance(e, ReleaseApplied | ContainerKilled)]
    assert [s.container for s in state.services] == [old]

    # Released while the update waits: then applied.
    release = threading.Timer(2.0, _exec, (docker_client, old, "rm -f /tmp/balena/updates.lock"))
    release.start()
    state, events = _up(app, docker_client, lock_timeout=30, lock_poll=0.2)
    release.join()
    assert not (app["locks"] / str(state.app_id) / "main" / "updates.lock").exists()
    deferred = [e for e in events if isinstance(e, UpdateDeferred)]
    assert deferred and isinstance(events[-1], ReleaseApplied)
    assert events.index(deferred[0]) < next(i for i, e in enumerate(events)
                                            if isinstance(e, ContainerKilled))
    assert state.service("main").container != old


def test_an_unchanged_project_is_no_new_release(
    app: dict[str, Any], docker_client: docker.DockerClient,
) -> None:
    first, _ = _up(app, docker_client)
    again, events = _up(app, docker_client)
    assert again == first
    assert not [e for e in events if isinstance(e, ContainerKilled | ContainerStarted)]


def test_services_start_in_depends_on_order_and_restart_always(
    app: dict[str, Any], docker_client: docker.DockerClient,
) -> None:
    base = app["base"]
    write_tree(app["project"], {
        "docker-compose.yml": "version: '2.1'\nservices:\n"
                              "  web:\n    build: ./web\n    depends_on: [api]\n"
                              "  api:\n    build: ./api\n",
        "web/Dockerfile": SERVICE.format(base=base, word="web").replace("/data/starts", "/s"),
        "api/Dockerfile": f'FROM {base}\nCMD ["/bin/sh", "-c", "echo api exits; exit 0"]\n'})
    state, events = _up(app, docker_client)
    started = [e.service for e in events if isinstance(e, ContainerStarted)]
    assert started == ["api", "web"]
    api = state.service("api").container
    deadline = time.monotonic() + 30
    while docker_client.containers.get(api).attrs["RestartCount"] < 1:  # restart: always
        assert time.monotonic() < deadline, "the exited service was never restarted"
        time.sleep(0.3)
    networks = docker_client.containers.get(state.service("web").container).attrs[
        "NetworkSettings"]["Networks"]
    app_uuid = device.device_metadata(app["project"], DEVICE_TYPE).app_uuid
    assert list(networks) == [f"{app_uuid}_default"]
    assert "web" in networks[f"{app_uuid}_default"]["Aliases"]  # known by its service name
    web = state.service("web").container
    assert _exec(docker_client, web, "getent hosts web | wc -l").strip() == "1"


def test_down_leaves_nothing_behind(
    app: dict[str, Any], docker_client: docker.DockerClient,
) -> None:
    state, _ = _up(app, docker_client)
    main = state.service("main").container
    _exec(docker_client, main, ": > /tmp/balena/left-by-root")
    removed = device.down(app["project"], locks=app["locks"], client=docker_client)
    assert removed.containers == (main,)
    assert removed.volumes == (f"{state.app_id}_resin-data",)
    selector = {"label": [f"{device.APP_LABEL}={state.app_id}"]}
    assert not docker_client.containers.list(all=True, filters=selector)
    assert not docker_client.volumes.list(filters=selector)
    assert not docker_client.networks.list(filters=selector)
    assert not [t for i in docker_client.images.list() for t in i.tags
                if f"/device-{state.app_id}-" in t]
    assert not (app["locks"] / str(state.app_id)).exists()
    assert device.device_state(state.app_id, docker_client).services == ()


def test_a_look_from_inside_a_service(app: dict[str, Any],
                                      docker_client: docker.DockerClient) -> None:
    with pytest.raises(RunError, match="no running container of service 'main'"):
        device.run_in_service(app["project"], "main", "true", client=docker_client)
    _up(app, docker_client)
    assert device.run_in_service(app["project"], "main", "echo $BALENA_SERVICE_NAME",
                                 client=docker_client) == "main\n"


def test_the_logs_of_a_service_that_restarts_keep_every_start(
    app: dict[str, Any], docker_client: docker.DockerClient,
) -> None:
    write_tree(app["project"], {"Dockerfile": f'FROM {app["base"]}\n'
                                              'CMD ["/bin/sh", "-c", "echo one start"]\n'})
    _up(app, docker_client)
    logs = device.wait_for_log(app["project"], "main", "one start\none start", timeout=30,
                               client=docker_client)  # restart: always, the page's default
    assert logs.count("one start") >= 2
    with pytest.raises(RunError, match="did not print 'never' in 0.5 s"):
        device.wait_for_log(app["project"], "main", "never", timeout=0.5, client=docker_client)


def test_images_prune_names_the_release_that_runs_an_image(
    app: dict[str, Any], docker_client: docker.DockerClient,
) -> None:
    from balena_lab.engine.baseimages import prune
    from balena_lab.errors import BaseImageError

    state, _ = _up(app, docker_client)
    with pytest.raises(BaseImageError, match="the release container main_1_1_") as caught:
        prune(docker_client, labels={device.APP_LABEL: str(state.app_id)})  # this app's builds
    assert caught.value.fix == f"balena-lab down {app['project'].resolve()}, then prune again"


def test_the_binds_that_hand_over_the_host_need_privileged(
    app: dict[str, Any], docker_client: docker.DockerClient,
) -> None:
    write_tree(app["project"], {
        "docker-compose.yml": "version: '2.1'\nservices:\n  main:\n    build: .\n"
                              "    labels:\n      io.balena.features.balena-socket: '1'\n"})
    state, events = _up(app, docker_client)
    said = [e.what for e in events if isinstance(e, PrivilegeNotUsed)]
    assert said == ["the host's engine socket"]
    check = "test -S /host/run/balena-engine.sock && echo socket || echo none; echo $DOCKER_HOST"
    inside = _exec(docker_client, state.service("main").container, check)
    assert inside.split() == ["none", "unix:///host/run/balena-engine.sock"]  # the variable stays
    first = state.service("main").container
    state, events = _up(app, docker_client, privileged=True)  # no down: the grant is a change
    assert state.service("main").container != first
    assert _exec(docker_client, state.service("main").container, check).split()[0] == "socket"


def test_a_removed_service_holding_its_lock_defers_the_release(
    app: dict[str, Any], docker_client: docker.DockerClient,
) -> None:
    base = app["base"]
    service = SERVICE.format(base=base, word="svc").replace("/data/starts", "/s")
    write_tree(app["project"], {
        "docker-compose.yml": "version: '2.1'\nservices:\n  keep:\n    build: ./keep\n"
                              "  old:\n    build: ./old\n",
        "keep/Dockerfile": service, "old/Dockerfile": service})
    first, _ = _up(app, docker_client)
    _exec(docker_client, first.service("old").container, "set -C; : > /tmp/balena/updates.lock")
    write_tree(app["project"], {"docker-compose.yml": "version: '2.1'\nservices:\n"
                                                      "  keep:\n    build: ./keep\n"})
    state, events = _up(app, docker_client, lock_timeout=1, lock_poll=0.2)
    assert isinstance(events[-1], UpdateDeferred) and events[-1].service == "old"
    assert {s.service for s in state.services} == {"keep", "old"}  # nothing was killed


def test_a_feature_label_written_in_the_dockerfile_counts(
    app: dict[str, Any], docker_client: docker.DockerClient,
) -> None:
    write_tree(app["project"], {
        "docker-compose.yml": "version: '2.1'\nservices:\n  main:\n    build: .\n",
        "Dockerfile": SERVICE.format(base=app["base"], word="v1").replace(
            "\nCMD", "\nLABEL io.balena.features.balena-api=1\nCMD")})
    state, _ = _up(app, docker_client)
    env = _exec(docker_client, state.service("main").container, "env")
    assert "BALENA_API_KEY=" in env and "RESIN_API_URL=" in env


@pytest.mark.parametrize("feature,check,expected", [
    ("journal-logs", "grep ' /var/log/journal ' /proc/mounts | cut -d' ' -f4 | cut -c1-2", "ro"),
    ("extra-firmware", "grep -c ' /extra-firmware ' /proc/mounts", "1"),
    ("procfs", "cat /proc/1/comm", "not-sh"),  # the host's PID 1, not the container's shell
    ("sysfs", "grep ' /sys ' /proc/mounts | cut -d' ' -f4 | cut -c1-2", "rw"),  # not Docker's ro
])
def test_every_other_feature_shows_from_inside(
    app: dict[str, Any], docker_client: docker.DockerClient, feature: str, check: str,
    expected: str,
) -> None:
    if feature == "journal-logs" and not Path("/var/log/journal").exists():
        pytest.skip("no /var/log/journal on this host: the feature is skipped and said")
    write_tree(app["project"], {
        "docker-compose.yml": "version: '2.1'\nservices:\n  main:\n    build: .\n"
                              f"    labels:\n      io.balena.features.{feature}: '1'\n"})
    state, _ = _up(app, docker_client, privileged=True)  # procfs and sysfs need asking
    seen = _exec(docker_client, state.service("main").container, check).strip()
    if expected == "not-sh":
        assert seen and seen != "sh", seen
    else:
        assert seen == expected
