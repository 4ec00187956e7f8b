"""balena_lab.supervisor.naming: the Supervisor's names, and an app identity that is
stable per learner and project."""

from __future__ import annotations

from pathlib import Path

from balena_lab.supervisor import naming


def test_names_as_the_supervisor_makes_them() -> None:
    assert naming.volume_name(1234567, "resin-data") == "1234567_resin-data"
    assert naming.network_name("f" * 32) == "f" * 32 + "_default"
    assert naming.container_name("main", 11, 22, "abc") == "main_11_22_abc"
    assert naming.device_lock_path(42, "main") == "/tmp/balena-supervisor/services/42/main"
    assert naming.LOCK_MOUNTS == ("/tmp/resin", "/tmp/balena")


def test_an_app_is_the_same_app_on_every_run_and_apart_between_learners(tmp_path: Path) -> None:
    ann = naming.app_identity("ann", tmp_path)
    assert ann == naming.app_identity("ann", tmp_path)
    assert ann != naming.app_identity("bob", tmp_path)
    assert ann != naming.app_identity("ann", tmp_path / "other")
    app_id, app_uuid = ann
    assert 100000 <= app_id < 1000000 and len(app_uuid) == 32
    int(app_uuid, 16)
