"""balena_lab.supervisor.plan: the containers the Supervisor would make for a release,
read from the real composition of the masterclass's projects."""

from __future__ import annotations

from pathlib import Path

from balena_lab.lessons.projects import masterclass_project
from balena_lab.resolution.compose import compose
from balena_lab.supervisor import naming
from balena_lab.supervisor.environment import DeviceMetadata
from balena_lab.supervisor.plan import plan_release

from ..files import write_tree

DEVICE = DeviceMetadata(uuid="d" * 32, device_type="raspberrypi3", arch="armv7hf",
                        app_id=123456, app_uuid="a" * 32, app_name="lab", device_name="pi")


def test_the_default_composition_on_a_device(tmp_path: Path) -> None:
    """The page's generated file: privileged, host network, resin-data on /data, the five
    features, and the lock folder of its own."""
    composition = compose(masterclass_project("single-container"), "raspberrypi3")
    plan = plan_release(composition, DEVICE, tmp_path, host_exists=lambda p: True)
    assert plan.release == 1
    main, = plan.services
    assert (main.service, main.privileged, main.host_network, main.restart) == (
        "main", True, True, "always")
    assert main.volumes == (("123456_resin-data", "/data"),)
    assert plan.volumes == ("123456_resin-data",)
    assert plan.networks == ("a" * 32 + "_default",)  # every app has it, used or not
    assert [b.container for b in main.binds] == ["/host/run/dbus", "/lib/modules", "/lib/firmware"]
    env = main.environment(DEVICE, {"PATH": "/usr/bin"})
    assert env["BALENA_SUPERVISOR_HOST"] == "127.0.0.1" and env["BALENA_API_KEY"]
    assert env["BALENA_SERVICE_NAME"] == "main" and env["PATH"] == "/usr/bin"
    assert plan.lock_folder("main") == tmp_path / "123456" / "main"
    assert main.strategy == "download-then-kill"


def test_a_multi_service_release_starts_in_depends_on_order(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "app", {
        "docker-compose.yml": (
            "version: '2.1'\nvolumes:\n  counts:\nservices:\n"
            "  web:\n    build: ./web\n    depends_on: [api]\n    ports: ['80:80']\n"
            "  api:\n    build: ./api\n    volumes: ['counts:/data']\n"
            "    labels:\n      io.resin.features.supervisor-api: '1'\n"
            "      io.balena.update.strategy: hand-over\n"
            "      io.balena.update.handover-timeout: '5000'\n"),
        "web/Dockerfile": "FROM debian\n", "api/Dockerfile": "FROM debian\n"})
    plan = plan_release(compose(project, "raspberrypi3"), DEVICE, tmp_path / "locks")
    assert [s.service for s in plan.services] == ["api", "web"]
    api = plan.service("api")
    assert (api.privileged, api.network) == (False, naming.network_name(DEVICE.app_uuid))
    assert plan.networks == ("a" * 32 + "_default",)
    assert api.volumes == (("123456_counts", "/data"),)
    assert (api.strategy, api.handover_timeout_ms) == ("hand-over", 5000)
    env = api.environment(DEVICE, {})
    assert env["RESIN_SUPERVISOR_PORT"] == "48484"  # an io.resin label counts
    assert plan.service("web").depends_on == ("api",)
    assert api.container == "api_1_1_local"


def test_values_the_supervisor_cannot_use_fall_back_as_it_does(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "app", {
        "docker-compose.yml": "services:\n  a:\n    build: .\n    restart: 'no'\n"
                              "    labels:\n      io.balena.update.strategy: yolo\n"
                              "      io.balena.update.handover-timeout: soon\n"
                              "  b:\n    build: .\n",
        "Dockerfile": "FROM debian\n"})
    plan = plan_release(compose(project, "raspberrypi3"), DEVICE, tmp_path / "locks")
    a = plan.service("a")
    assert (a.strategy, a.handover_timeout_ms) == ("download-then-kill", 60000)
    assert any("'yolo' is not one of" in n for n in a.notes)
    assert any("handover-timeout" in n for n in a.notes)
    assert [plan.service(n).restart for n in "ab"] == ["no", "always"]  # createRestartPolicy


def test_volume_modes_and_a_services_own_network_are_kept(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "app", {
        "docker-compose.yml": "volumes:\n  vol:\nnetworks:\n  back:\n  front:\nservices:\n"
                              "  a:\n    build: .\n    volumes: ['vol:/data:ro']\n"
                              "    networks: [back, front]\n",
        "Dockerfile": "FROM debian\n"})
    plan = plan_release(compose(project, "raspberrypi3"), DEVICE, tmp_path / "locks")
    a = plan.service("a")
    assert a.volumes == (("123456_vol", "/data:ro"),)
    assert a.network == naming.network_name(DEVICE.app_uuid, "back")
    assert set(plan.networks) == {naming.network_name(DEVICE.app_uuid, n)
                                  for n in ("default", "back", "front")}


def test_restart_policies_as_create_restart_policy_reads_them() -> None:
    """What compose's validation lets through, the Supervisor's way: YAML 1.1's false for
    `restart: no`, spaces and case, and `always` for anything else."""
    from balena_lab.supervisor.plan import _restart

    assert [_restart(v) for v in (False, " Unless-Stopped ", "on-failure", None, "sometimes")] \
        == ["no", "unless-stopped", "on-failure", "always", "always"]


def test_feature_labels_of_the_image_count_under_the_compositions(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "app", {
        "docker-compose.yml": "services:\n  a:\n    build: .\n    labels:\n"
                              "      io.balena.features.sysfs: '0'\n",
        "Dockerfile": "FROM debian\n"})
    image = {"a": {"io.resin.features.dbus": "1", "io.balena.features.sysfs": "1",
                   "io.balena-lab.kind": "build", "maintainer": "x"}}
    a = plan_release(compose(project, "raspberrypi3"), DEVICE, tmp_path / "locks",
                     host_exists=lambda p: True, image_labels=image).service("a")
    assert a.features.enabled == ("dbus",)  # the image's; sysfs: the composition's '0' wins
    assert dict(a.labels) == {"io.balena.features.dbus": "1", "io.balena.features.sysfs": "0"}
