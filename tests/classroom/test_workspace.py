"""A learner's workspace: copied once, handed to the learner, never overwritten."""

from __future__ import annotations

import io
import os
import shutil
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from balena_lab.classroom.learners import Learner
from balena_lab.classroom.workspace import _inside, provision
from balena_lab.errors import ClassroomError
from tests.conftest import _missing


@pytest.fixture
def notebooks(tmp_path: Path) -> Path:
    source = tmp_path / "notebooks"
    (source / "projects" / "hello").mkdir(parents=True)
    (source / "projects" / "hello" / "Dockerfile").write_text("FROM debian\n")
    (source / "projects" / "hello" / "link").symlink_to("Dockerfile")
    (source / "01-dockerfiles.ipynb").write_text("{}")
    (source / ".ipynb_checkpoints").mkdir()
    (source / ".ipynb_checkpoints" / "01-dockerfiles-checkpoint.ipynb").write_text("{}")
    (source / "__pycache__").mkdir()
    return source


@pytest.fixture
def learner(tmp_path: Path) -> Learner:
    home = tmp_path / "home" / "ann"
    home.mkdir(parents=True)
    return Learner("ann", os.getuid(), os.getgid(), home)


def test_the_first_spawn_copies_the_masterclass(notebooks: Path, learner: Learner) -> None:
    target = provision(learner, notebooks)
    assert target == learner.home / "balena-lab"
    assert (target / "projects" / "hello" / "Dockerfile").read_text() == "FROM debian\n"
    assert (target / "projects" / "hello" / "link").is_symlink()  # links travel as links
    assert (target / "01-dockerfiles.ipynb").is_file()
    assert not (target / ".ipynb_checkpoints").exists()
    assert not (target / "__pycache__").exists()
    assert {p.stat().st_uid for p in (target, *target.rglob("*"))} == {learner.uid}
    assert [p.name for p in learner.home.iterdir()] == ["balena-lab"]  # no staging left


def test_a_workspace_that_exists_is_never_touched(notebooks: Path, learner: Learner) -> None:
    target = provision(learner, notebooks)
    (target / "01-dockerfiles.ipynb").write_text('{"my": "work"}')
    (target / "projects" / "hello").rename(target / "projects" / "mine")
    (notebooks / "02-new.ipynb").write_text("{}")
    assert provision(learner, notebooks) == target
    assert (target / "01-dockerfiles.ipynb").read_text() == '{"my": "work"}'
    assert not (target / "projects" / "hello").exists()
    assert not (target / "02-new.ipynb").exists()


def test_a_folder_that_is_not_the_masterclass_is_refused(tmp_path: Path, learner: Learner) -> None:
    with pytest.raises(ClassroomError, match="has no projects/"):
        provision(learner, tmp_path)
    assert not (learner.home / "balena-lab").exists()


def test_a_missing_home_is_refused(notebooks: Path, tmp_path: Path) -> None:
    ghost = Learner("ghost", os.getuid(), os.getgid(), tmp_path / "nowhere")
    with pytest.raises(ClassroomError, match="home .* does not exist") as caught:
        provision(ghost, notebooks)
    assert caught.value.fix == "balena-lab class add ghost"


NOBODY = 65534
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="a root hub copies as the learner")
# The hub's Python, which every learner can run (this venv's may sit under /root).
CLASS_PYTHON = Path(os.environ.get("BALENA_LAB_CLASS_PREFIX", "/opt/balena-lab")) / "venv/bin/python"


@pytest.fixture
def class_python() -> str:
    if not CLASS_PYTHON.exists():
        _missing(f"no {CLASS_PYTHON}: run `make classroom`")
    return str(CLASS_PYTHON)


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder a learner can reach, for their home (pytest's tmp folders are root's
    alone, as the teacher's notebooks may be: the learner never reads those)."""
    top = Path(tempfile.mkdtemp(prefix="balena-lab-workspace-"))
    try:
        top.chmod(0o755)
        yield top
    finally:
        shutil.rmtree(top)


@as_root
def test_a_root_hub_copies_as_the_learner(shared: Path, notebooks: Path, class_python: str,
                                          ) -> None:
    home = shared / "home"
    home.mkdir()
    os.chown(home, NOBODY, NOBODY)
    learner = Learner("nobody-learner", NOBODY, NOBODY, home)
    notebooks.chmod(0o700)  # the teacher's: the learner never reads it
    target = provision(learner, notebooks, python=class_python)
    assert (target / "projects" / "hello" / "Dockerfile").read_text() == "FROM debian\n"
    assert os.readlink(target / "projects" / "hello" / "link") == "Dockerfile"
    assert not (target / ".ipynb_checkpoints").exists() and not (target / "__pycache__").exists()
    assert {p.lstat().st_uid for p in (target, *target.rglob("*"))} == {NOBODY}
    assert [p.name for p in home.iterdir()] == ["balena-lab"]


@as_root
def test_root_writes_nothing_where_the_learner_cannot(shared: Path, notebooks: Path,
                                                      class_python: str) -> None:
    """The copy runs with the learner's rights: a home they cannot write stays empty,
    where a copy made by root would have gone in (and a learner's symlink swapped in
    for the staging folder would have taken root's writes anywhere)."""
    home = shared / "home"
    home.mkdir(mode=0o755)  # root's, not the learner's
    learner = Learner("nobody-learner", NOBODY, NOBODY, home)
    with pytest.raises(ClassroomError, match="as nobody-learner: .*Permission denied") as caught:
        provision(learner, notebooks, python=class_python)
    assert "must be able to write in their home" in (caught.value.fix or "")
    assert list(home.iterdir()) == []


@as_root
def test_a_python_the_learner_cannot_run_is_named(shared: Path, notebooks: Path,
                                                  tmp_path: Path) -> None:
    home = shared / "home"
    home.mkdir()
    os.chown(home, NOBODY, NOBODY)
    private = tmp_path / "python"  # under pytest's root-only folder
    private.symlink_to(sys.executable)
    with pytest.raises(ClassroomError, match="cannot start .* as nobody-learner"):
        provision(Learner("nobody-learner", NOBODY, NOBODY, home), notebooks,
                  python=str(private))
    assert list(home.iterdir()) == []


def _link(name: str, target: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = tarfile.SYMTYPE, target
    return info


def _fifo(name: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = tarfile.FIFOTYPE
    return info


@pytest.mark.parametrize("member", [
    tarfile.TarInfo("../outside"), tarfile.TarInfo("/etc/cron.d/x"),
    _link("projects/escape", "../../.."), _link("etc", "/etc"), _fifo("projects/pipe"),
])
def test_the_learners_unpacking_refuses_what_would_leave_the_copy(member: tarfile.TarInfo,
                                                                   tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        tar.addfile(member, io.BytesIO(b"") if member.isfile() else None)
    buffer.seek(0)
    with tarfile.open(fileobj=buffer, mode="r|") as tar, \
            pytest.raises(tarfile.TarError, match="refused"):
        tar.extractall(tmp_path / "copy", members=_inside(tar))
    assert not (tmp_path / "outside").exists()
