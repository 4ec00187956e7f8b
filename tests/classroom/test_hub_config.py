"""JupyterHub's configuration for a class, checked on traitlets' own Config object, and
the checks that refuse a server learners could not use, before JupyterHub starts."""

from __future__ import annotations

import grp
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from balena_lab.classroom import hub, learners
from balena_lab.engine.names import NAMESPACE_ENV
from balena_lab.errors import ClassroomError
from balena_lab.lessons.projects import NOTEBOOKS_ENV

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def open_dir() -> Iterator[Path]:
    """A folder every user can pass, on a path every user can pass (pytest's own
    temporary folders are mode 700, closed to others at their root)."""
    folder = Path(tempfile.mkdtemp(prefix="balena-lab-test-"))
    folder.chmod(0o755)
    yield folder
    for path in (folder, *folder.rglob("*")):
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    shutil.rmtree(folder)


def _settings(tmp_path: Path, **changes: object) -> hub.ClassSettings:
    values: dict[str, object] = {"notebooks": REPO / "notebooks", "state": tmp_path / "state",
                                 "port": 8100, "proxy": "/usr/bin/true"}
    values.update(changes)
    return hub.ClassSettings(**values)  # type: ignore[arg-type]


def _spawner(name: str) -> SimpleNamespace:
    return SimpleNamespace(user=SimpleNamespace(name=name))


def test_settings_round_trip_through_json(tmp_path: Path) -> None:
    token = tmp_path / "token"
    settings = _settings(tmp_path, admins=("teacher",), api_token_file=token, ip="10.0.0.2")
    again = hub.ClassSettings.from_json(settings.to_json())
    assert again == settings
    assert again.api_token_file == token.resolve()


@pytest.mark.parametrize("port", [0, 65534, 70000, -1])
def test_a_port_without_two_free_ones_after_it_is_refused(tmp_path: Path, port: int) -> None:
    with pytest.raises(ClassroomError, match=f"port {port} is not a usable port"):
        _settings(tmp_path, port=port)


def test_configure_admits_the_class_group_and_names_each_learners_namespace(tmp_path: Path) -> None:
    c = Config()
    settings = _settings(tmp_path, admins=("teacher",))
    hub.configure(c, settings)
    assert c.JupyterHub.bind_url == "http://:8100"
    assert c.ConfigurableHTTPProxy.api_url == "http://127.0.0.1:8101"
    assert c.JupyterHub.hub_bind_url == "http://127.0.0.1:8102"
    assert c.ConfigurableHTTPProxy.command == ["/usr/bin/true"]
    assert c.LocalAuthenticator.allowed_groups == {learners.GROUP}
    assert c.Authenticator.admin_users == {"teacher"}
    assert c.Spawner.cmd == [str(settings.singleuser)]
    assert c.Spawner.notebook_dir == "~/balena-lab"
    assert "--MappingKernelManager.default_kernel_name=balena-lab" in c.Spawner.args
    environment = c.Spawner.environment
    assert environment[NAMESPACE_ENV](_spawner("ann")) == "ann"
    assert environment["PATH"].startswith(f"{settings.python_bin}:")
    assert NOTEBOOKS_ENV in environment
    assert "services" not in c.JupyterHub  # no token file, no service
    assert str(tmp_path / "state") in c.JupyterHub.db_url


def test_the_spawn_hook_refuses_an_account_that_is_no_learners(tmp_path: Path) -> None:
    c = Config()
    hub.configure(c, _settings(tmp_path))
    with pytest.raises(ClassroomError, match="'root' is a system account"):
        c.Spawner.pre_spawn_hook(_spawner("root"))
    with pytest.raises(ClassroomError, match="'root' is a system account"):
        c.Spawner.environment[NOTEBOOKS_ENV](_spawner("root"))


def test_a_token_file_makes_the_teachers_service(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("0123456789abcdef0123\n")
    c = Config()
    hub.configure(c, _settings(tmp_path, api_token_file=token))
    assert c.JupyterHub.services == [{"name": hub.TEACHER_SERVICE,
                                      "api_token": "0123456789abcdef0123"}]
    assert c.JupyterHub.load_roles[0]["services"] == [hub.TEACHER_SERVICE]


@pytest.mark.parametrize("content", [None, "short"])
def test_a_missing_or_short_token_is_refused(tmp_path: Path, content: str | None) -> None:
    token = tmp_path / "token"
    if content is not None:
        token.write_text(content)
    with pytest.raises(ClassroomError, match=str(token)):
        hub.configure(Config(), _settings(tmp_path, api_token_file=token))


def test_the_written_config_file_configures_the_same_hub(tmp_path: Path) -> None:
    settings = _settings(tmp_path, admins=("teacher",))
    direct = Config()
    hub.configure(direct, settings)
    (tmp_path / hub.CONFIG_FILE).write_text(hub.config_text(settings))
    # traitlets' own loader, as JupyterHub's `-f` loads it
    from_file = PyFileConfigLoader(hub.CONFIG_FILE, str(tmp_path)).load_config()
    for section in ("JupyterHub", "ConfigurableHTTPProxy", "LocalAuthenticator", "Authenticator"):
        assert from_file[section] == direct[section]
    assert from_file.Spawner.cmd == direct.Spawner.cmd
    assert from_file.Spawner.args == direct.Spawner.args


def test_the_proxy_is_looked_for_beside_the_venv(tmp_path: Path) -> None:
    python_bin = tmp_path / "venv" / "bin"
    python_bin.mkdir(parents=True)
    proxy = tmp_path / "proxy" / "node_modules" / ".bin" / hub.PROXY
    proxy.parent.mkdir(parents=True)
    proxy.write_text("#!/bin/sh\n")
    assert hub.find_proxy(_settings(tmp_path, proxy=None, python_bin=python_bin)) == str(proxy)


def test_a_program_under_a_closed_folder_is_closed_to_others(open_dir: Path) -> None:
    closed = open_dir / "closed"
    (closed / "bin").mkdir(parents=True)
    program = closed / "bin" / "tool"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    closed.chmod(0o700)
    assert hub.closed_to_others(program) == closed
    closed.chmod(0o755)
    assert hub.closed_to_others(program) is None
    program.chmod(0o750)
    assert hub.closed_to_others(program) == program


def _venv(where: Path, interpreter: str) -> Path:
    """A venv's bin folder as far as :func:`hub.check` looks: the single-user script."""
    python_bin = where / "venv" / "bin"
    python_bin.mkdir(parents=True)
    script = python_bin / "jupyterhub-singleuser"
    script.write_text(f"#!{interpreter}\nimport sys\n")
    script.chmod(0o755)
    return python_bin


@pytest.mark.skipif(os.geteuid() != 0, reason="check() refuses non-root first (tested below)")
@pytest.mark.parametrize("closed_part", ["venv", "interpreter"])
def test_serving_from_a_python_learners_cannot_run_is_refused(
        tmp_path: Path, open_dir: Path, closed_part: str) -> None:
    try:
        grp.getgrnam(learners.ENGINE_GROUP)
    except KeyError:
        pytest.skip("no docker group: check() stops earlier")
    closed = open_dir / "private"
    closed.mkdir(mode=0o700)
    if closed_part == "venv":  # the .venv of a checkout in a home only its owner enters
        python_bin, blocked = _venv(closed, "/usr/bin/python3"), closed
    else:  # a venv anyone can enter, made from a pyenv Python under /root
        interpreter = closed / "python3"
        interpreter.write_text("")
        interpreter.chmod(0o755)
        python_bin, blocked = _venv(open_dir / "open", str(interpreter)), closed
    with pytest.raises(ClassroomError, match="is closed to other users") as caught:
        hub.check(_settings(tmp_path, python_bin=python_bin))
    assert f"{blocked} is closed to other users (mode drwx------)" in caught.value.message
    assert "make classroom" in (caught.value.fix or "")


@pytest.mark.skipif(os.geteuid() == 0, reason="as root, serving is allowed")
def test_serving_without_root_says_so(tmp_path: Path) -> None:
    with pytest.raises(ClassroomError, match="needs root"):
        hub.check(_settings(tmp_path))


def test_print_config_needs_no_root(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from balena_lab.cli import main

    assert main(["class", "serve", "--notebooks", str(REPO / "notebooks"), "--port", "8200",
                 "--state", str(tmp_path), "--proxy", "/usr/bin/true", "--print-config"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# Written by `balena-lab class serve`")
    assert '\\"port\\": 8200' in text or '"port": 8200' in text
    assert not any(tmp_path.iterdir())  # printing writes nothing
