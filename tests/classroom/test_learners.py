"""Learner names and accounts, the parts that need no root: a learner's name is their
namespace, and every command refuses a bad one before touching any account."""

from __future__ import annotations

import os
import pwd
import secrets
import subprocess

import pytest

from balena_lab.classroom import learners
from balena_lab.cli import main
from balena_lab.engine.names import name_component
from balena_lab.errors import ClassroomError


@pytest.mark.parametrize("name", ["ann", "ann-lee", "b2", "a" * 32, "x-1-y"])
def test_a_good_name_is_its_own_namespace(name: str) -> None:
    assert learners.check_name(name) == name
    assert name_component(name, "") == name


@pytest.mark.parametrize("name", [
    "ann_lee",      # would share the namespace ann-lee
    "Ann",          # upper case: not a namespace, and not a portable login
    "2ann",         # a digit first
    "ann--lee",     # a double dash collapses to ann-lee
    "ann-",         # a trailing dash is cut
    "-ann",
    "a" * 33,       # longer than a namespace
    "",
    "ann lee",
    "../root",
])
def test_a_bad_name_is_refused_with_the_rule(name: str) -> None:
    with pytest.raises(ClassroomError, match="not a learner name") as caught:
        learners.check_name(name)
    assert caught.value.fix == "e.g. ann-lee"


def test_a_system_account_is_never_a_learner() -> None:
    with pytest.raises(ClassroomError, match="'root' is a system account"):
        learners.account("root")


def test_an_unknown_user_is_refused_with_the_command_that_adds_them() -> None:
    with pytest.raises(ClassroomError, match="no system user") as caught:
        learners.account("nobody-here-at-all")
    assert caught.value.fix == "balena-lab class add nobody-here-at-all"


@pytest.mark.parametrize("action", ["add", "remove"])
def test_cli_refuses_a_bad_name_before_anything_else(
        action: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["class", action, "ann", "Bad_Name"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("balena-lab: error: 'Bad_Name' is not a learner name")
    assert "Traceback" not in err


@pytest.mark.skipif(os.geteuid() == 0, reason="as root, adding is allowed")
def test_adding_without_root_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["class", "add", "ann"]) == 2
    assert "adding learners needs root" in capsys.readouterr().err


@pytest.mark.skipif(os.geteuid() != 0, reason="makes and deletes system accounts")
def test_an_adopted_account_only_leaves_the_class_and_a_made_one_is_deleted() -> None:
    tag = secrets.token_hex(3)
    adopted, made = f"t{tag}-own", f"t{tag}-new"
    subprocess.run(["useradd", "--create-home", adopted], check=True)  # someone's already
    try:
        added = {m.name: m for m in learners.add([adopted, made])}
        assert not added[adopted].created and added[adopted].password is None
        assert added[made].created and added[made].password
        assert {m.name for m in learners.learners()} >= {adopted, made}
        done = dict(learners.remove([adopted, made]))
        assert done[made] == "deleted"
        assert done[adopted].startswith("left the class")
        assert pwd.getpwnam(adopted).pw_dir  # still there, with its home
        assert os.path.isdir(pwd.getpwnam(adopted).pw_dir)
        with pytest.raises(KeyError):
            pwd.getpwnam(made)
        with pytest.raises(ClassroomError, match="not a learner of this class"):
            learners.account(adopted)
    finally:
        subprocess.run(["userdel", "--remove", adopted], check=False, capture_output=True)
        subprocess.run(["userdel", "--remove", made], check=False, capture_output=True)


@pytest.mark.skipif(os.geteuid() != 0, reason="as root, adding is allowed")
def test_a_system_account_cannot_be_added(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["class", "add", "daemon"]) == 2
    assert "'daemon' is a system account" in capsys.readouterr().err
