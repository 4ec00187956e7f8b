"""balena_lab.supervisor.features: each feature label gives what the Supervisor gives
(src/compose/utils.ts addFeaturesFromLabels, v19.0.5), io.resin.* labels included."""

from __future__ import annotations

import pytest

from balena_lab.supervisor.features import (
    FEATURES,
    PREFIX,
    SUPERVISOR_PORT,
    check_truthy,
    features_from_labels,
    normalize_labels,
)

KEYS = {"api_key": "scoped", "device_api_key": "device-key", "api_url": "https://api.example"}


def _features(labels: dict[str, str], *, host_network: bool = True, present: bool = True):
    return features_from_labels(labels, host_network=host_network,
                                host_exists=lambda path: present, **KEYS)


@pytest.mark.parametrize("feature,binds", [
    ("kernel-modules", ["/lib/modules:/lib/modules"]),
    ("firmware", ["/lib/firmware:/lib/firmware"]),
    ("dbus", ["/run/dbus:/host/run/dbus"]),
    ("sysfs", ["/sys:/sys"]),
    ("procfs", ["/proc:/proc"]),
    ("journal-logs", ["/var/log/journal:/var/log/journal:ro", "/run/log/journal:/run/log/journal:ro",
                      "/etc/machine-id:/etc/machine-id:ro"]),
    ("balena-socket", ["/var/run/docker.sock:/host/run/balena-engine.sock",
                       "/var/run/docker.sock:/var/run/docker.sock",
                       "/var/run/docker.sock:/var/run/balena.sock"]),
])
def test_each_mount_feature_binds_what_the_supervisor_binds(feature: str, binds: list[str]) -> None:
    given = _features({PREFIX + feature: "1"})
    assert given.enabled == (feature,)
    assert [b.spec() for b in given.binds] == binds
    off = _features({PREFIX + feature: "0"})
    assert off.enabled == () and off.binds == ()


def test_the_engine_socket_sets_docker_host_unless_the_service_does() -> None:
    env = dict(_features({PREFIX + "balena-socket": "true"}).environment)
    assert env["DOCKER_HOST"] == "unix:///host/run/balena-engine.sock"


@pytest.mark.parametrize("host_network,host", [(True, "127.0.0.1"), (False, "10.114.104.1")])
def test_supervisor_api_variables_in_both_namespaces(host_network: bool, host: str) -> None:
    given = features_from_labels({PREFIX + "supervisor-api": "1"}, host_network=host_network,
                                 supervisor_host="10.114.104.1", host_exists=lambda p: True,
                                 **KEYS)
    env = dict(given.environment)
    for namespace in ("BALENA", "RESIN"):
        assert env[f"{namespace}_SUPERVISOR_HOST"] == host
        assert env[f"{namespace}_SUPERVISOR_PORT"] == str(SUPERVISOR_PORT) == "48484"
        assert env[f"{namespace}_SUPERVISOR_ADDRESS"] == f"http://{host}:48484"
        assert env[f"{namespace}_SUPERVISOR_API_KEY"] == "scoped"
    assert any("no Supervisor answers" in note for note in given.notes)
    assert any("supervisor0" in note for note in given.notes) == (not host_network)


def test_balena_api_gives_the_device_key_and_the_api_url() -> None:
    env = dict(_features({PREFIX + "balena-api": "1"}).environment)
    assert {k: v for k, v in env.items()} == {
        "RESIN_API_KEY": "device-key", "BALENA_API_KEY": "device-key",
        "RESIN_API_URL": "https://api.example", "BALENA_API_URL": "https://api.example"}


def test_extra_firmware_is_a_named_volume() -> None:
    assert _features({PREFIX + "extra-firmware": "1"}).volumes == (
        ("extra-firmware", "/extra-firmware"),)


def test_the_default_compositions_labels() -> None:
    """The page's generated docker-compose.yml: five features, in the Supervisor's order."""
    labels = {PREFIX + f: "1" for f in
              ("kernel-modules", "firmware", "dbus", "supervisor-api", "balena-api")}
    given = _features(labels)
    assert given.enabled == ("dbus", "kernel-modules", "firmware", "balena-api", "supervisor-api")
    assert [b.container for b in given.binds] == ["/host/run/dbus", "/lib/modules", "/lib/firmware"]


def test_a_host_folder_that_is_not_here_is_skipped_and_said() -> None:
    given = features_from_labels({PREFIX + "firmware": "1", PREFIX + "dbus": "1"},
                                 host_network=True, host_exists=lambda p: p != "/lib/firmware",
                                 **KEYS)
    assert [b.host for b in given.binds] == ["/run/dbus"]
    assert [b.host for b in given.skipped] == ["/lib/firmware"]
    assert any("/lib/firmware does not exist on this machine" in n and "not created" in n
               for n in given.notes)


def test_resin_labels_count_and_an_explicit_balena_label_wins() -> None:
    assert normalize_labels({"io.resin.features.resin-api": "1"}) == {
        "io.balena.features.balena-api": "1"}
    assert normalize_labels({"io.resin.features.dbus": "1", "io.balena.features.dbus": "0",
                             "other": "x"}) == {"io.balena.features.dbus": "0", "other": "x"}
    assert _features({"io.resin.features.kernel-modules": "1"}).enabled == ("kernel-modules",)
    assert _features({"io.resin.features.dbus": "1", "io.balena.features.dbus": "0"}).enabled == ()


@pytest.mark.parametrize("value,truthy", [("1", True), ("true", True), ("On", True), (True, True),
                                          ("0", False), ("false", False), ("yes", False),
                                          ("", False)])
def test_truthiness_as_the_supervisor_reads_it(value: object, truthy: bool) -> None:
    assert check_truthy(value) is truthy


def test_every_documented_feature_is_known() -> None:
    documented = {"balena-socket", "dbus", "sysfs", "procfs", "kernel-modules", "firmware",
                  "journal-logs", "extra-firmware", "supervisor-api", "balena-api"}
    assert documented <= set(FEATURES)
