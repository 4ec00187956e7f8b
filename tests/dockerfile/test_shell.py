"""The shell reading behind BL009-BL011: which commands remove /tmp/balena."""

from __future__ import annotations

import pytest

from balena_lab.dockerfile.shell import removes_tmp_balena, removes_tmp_balena_argv, shell_script


@pytest.mark.parametrize(
    ("command", "removed"),
    [
        ("rm -rf /tmp/*", "/tmp/*"),
        ("rm -rf /tmp/balena", "/tmp/balena"),
        ("rm -r /tmp/", "/tmp/"),
        ("rm -f /tmp/balena/updates.lock", "/tmp/balena/updates.lock"),
        ("apt-get clean && rm -rf '/tmp/balena/'", "/tmp/balena/"),
        ("sudo rm -rf /tmp/b*", "/tmp/b*"),
        ("X=1 rm -rf /tmp/*; exec node app.js", "/tmp/*"),
        ("find /tmp -mindepth 1 -delete", "/tmp"),
        ("find /tmp/balena -type f -exec rm {} +", "/tmp/balena"),
        ('bash -c "rm -rf /tmp/*"', "/tmp/*"),
        ('bash -c "rm -rf /tmp/* && exec node app.js"', "/tmp/*"),
        ("sh -ec 'cd / && rm -rf /tmp/balena'", "/tmp/balena"),
        ("tini -- bash -lc 'rm -rf /tmp/*'", "/tmp/*"),
        ("echo start&&rm -rf /tmp/*", "/tmp/*"),
        ("rmdir /tmp/balena", "/tmp/balena"),
    ],
)
def test_catches(command: str, removed: str) -> None:
    assert removes_tmp_balena(command) == removed


@pytest.mark.parametrize(
    "command",
    [
        "rm -rf /tmp/build /var/lib/apt/lists/*",
        "rm -rf /var/tmp/*",
        "echo /tmp/*",
        "ls /tmp/balena",
        "find /tmp -name '*.log'",
        "rm -rf /tmp/foo/*",
        "touch /tmp/balena/updates.lock",
        "# rm -rf /tmp/*",
        "echo 'rm -rf /tmp/* && x'",
        "rm -rf /tmp/build > /tmp/balena.log",
    ],
)
def test_does_not_catch(command: str) -> None:
    assert removes_tmp_balena(command) is None


def test_exec_form_argv() -> None:
    assert removes_tmp_balena_argv(["rm", "-rf", "/tmp/balena"]) == "/tmp/balena"
    assert removes_tmp_balena_argv(["/bin/sh", "-c", "rm -rf /tmp/*"]) == "/tmp/*"
    assert removes_tmp_balena_argv(["node", "rm", "/tmp/balena"]) is None
    assert removes_tmp_balena_argv([]) is None


def test_exec_form_does_no_globbing() -> None:
    """No shell, no glob: ``["rm", "-rf", "/tmp/*"]`` removes a file named ``*``
    (checked on the engine: /tmp/balena/updates.lock survived)."""
    assert removes_tmp_balena_argv(["rm", "-rf", "/tmp/*"]) is None
    assert removes_tmp_balena_argv(["rm", "-rf", "/tmp/balena/"]) == "/tmp/balena/"
    assert removes_tmp_balena_argv(["rm", "-rf", "/tmp"]) == "/tmp"
    assert removes_tmp_balena_argv(["sh", "-c", "rm -rf /tmp/*"]) == "/tmp/*"


@pytest.mark.parametrize(
    ("argv", "script"),
    [
        (["sh", "-c", "x"], ("x",)),
        (["/bin/bash", "-lc", "exec app $PORT"], ("exec app $PORT",)),
        (["dash", "-e", "-c", "x", "arg0"], ("x", "arg0")),
        (["tini", "--", "sh", "-c", "x"], ("x",)),
        (["/usr/bin/dumb-init", "--", "/bin/sh", "-ec", "x"], ("x",)),
        (["env", "A=1", "bash", "-o", "pipefail", "-c", "x"], ("x",)),
        (["sh", "-c"], ()),
        (["sh", "script.sh"], None),
        (["bash", "-l", "script.sh"], None),
        (["node", "-c", "x"], None),
    ],
)
def test_shell_script_detection(argv: list[str], script: tuple[str, ...] | None) -> None:
    assert shell_script(argv) == script


@pytest.mark.parametrize(
    ("command", "removes"),
    [
        ("find /tmp -mindepth 1 -maxdepth 1 ! -name balena -exec rm -rf {} +", False),
        ("find /tmp -mindepth 1 -maxdepth 1 -not -name balena -delete", False),
        ("find /tmp ! -name balena -exec rm -rf {} +", True),  # /tmp itself, then its lock
        ("find /tmp -mindepth 1 ! -name balena -delete", True),  # visits /tmp/balena/updates.lock
        ("find /tmp -mindepth 1 -maxdepth 1 -exec rm -rf {} +", True),
    ],
)
def test_find_that_spares_tmp_balena(command: str, removes: bool) -> None:
    from balena_lab.dockerfile.shell import removes_tmp_balena

    assert (removes_tmp_balena(command) is not None) is removes
