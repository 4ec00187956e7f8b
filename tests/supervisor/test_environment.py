"""balena_lab.supervisor.environment: the Supervisor's variables, in its order
(src/compose/service.ts extendEnvVars and toDockerContainer, v19.0.5)."""

from __future__ import annotations

from balena_lab.supervisor.environment import (
    HANDOVER_COMPLETE_PATH,
    LOCK_PATH,
    DeviceMetadata,
    container_environment,
    supervisor_environment,
)

DEVICE = DeviceMetadata(uuid="a" * 32, device_type="raspberrypi3", arch="armv7hf",
                        app_id=123456, app_uuid="b" * 32, app_name="lab", device_name="pi-1")


def test_every_variable_has_its_resin_twin() -> None:
    env = supervisor_environment(DEVICE, "main")
    assert env["BALENA"] == env["RESIN"] == "1"
    for key, value in (("DEVICE_TYPE", "raspberrypi3"), ("DEVICE_ARCH", "armv7hf"),
                       ("SERVICE_NAME", "main"), ("APP_NAME", "lab"), ("APP_ID", "123456"),
                       ("APP_UUID", "b" * 32), ("DEVICE_UUID", "a" * 32),
                       ("APP_LOCK_PATH", LOCK_PATH)):
        assert env[f"BALENA_{key}"] == env[f"RESIN_{key}"] == value
    assert env["BALENA_SERVICE_HANDOVER_COMPLETE_PATH"] == HANDOVER_COMPLETE_PATH
    assert env["RESIN_SERVICE_KILL_ME_PATH"] == HANDOVER_COMPLETE_PATH
    assert env["USER"] == "root"


def test_own_variables_win_over_the_defaults_and_the_image_and_features_win_over_all() -> None:
    env = container_environment(
        DEVICE, "main",
        own={"USER": "pi", "BALENA_API_KEY": "mine", "DOCKER_HOST": "tcp://x", "A": "own",
             "BALENA_DEVICE_NAME_AT_INIT": "mine"},
        features={"BALENA_API_KEY": "device-key", "DOCKER_HOST": "unix:///sock"},
        image_env={"A": "image", "B": "image", "BALENA_DEVICE_TYPE": "image",
                   "RESIN_DEVICE_NAME_AT_INIT": "image's"})
    assert env["USER"] == "pi"  # own over the Supervisor's default
    assert env["A"] == "own" and env["B"] == "image"  # own over the image, the image kept
    assert env["BALENA_DEVICE_TYPE"] == "raspberrypi3"  # the default over the image
    assert env["BALENA_API_KEY"] == "device-key"  # a feature is assigned over own
    assert env["DOCKER_HOST"] == "tcp://x"  # ... but DOCKER_HOST only when missing
    # the Supervisor's alone: neither the service nor the image sets it
    assert env["BALENA_DEVICE_NAME_AT_INIT"] == env["RESIN_DEVICE_NAME_AT_INIT"] == "pi-1"
