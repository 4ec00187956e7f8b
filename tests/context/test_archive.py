"""Build contexts: what is sent, what is left out and why; compared with `docker build`."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import docker
import pytest

from balena_lab.context import archive as build_context
from balena_lab.errors import UnreadableInputError

from ..files import write_tree as _tree


def _names(archive) -> dict[str, tarfile.TarInfo]:  # type: ignore[no-untyped-def]
    with tarfile.open(fileobj=archive) as tar:
        return {info.name: info for info in tar.getmembers()}


def _digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        h.update(str(path.relative_to(root)).encode())
        if path.is_file() and not path.is_symlink():
            h.update(path.read_bytes())
    return h.hexdigest()


def test_git_is_always_left_out_even_if_asked_back(tmp_path: Path) -> None:
    _tree(tmp_path, {"Dockerfile": "FROM x\n", ".git/HEAD": "ref", "sub/.git/config": "x",
                     ".dockerignore": "!.git\n", "app.py": ""})
    archive, summary = build_context.create(tmp_path)
    names = _names(archive)
    assert "app.py" in names and not any(".git" in n.split("/") for n in names)
    assert {e.path for e in summary.excluded} == {".git", "sub/.git"}
    assert all("always" in e.reason for e in summary.excluded)


def test_resolved_dockerfile_replaces_the_plain_one(tmp_path: Path) -> None:
    _tree(tmp_path, {"Dockerfile": "FROM plain\n", "Dockerfile.template": "FROM %%BALENA_ARCH%%\n"})
    archive, summary = build_context.create(tmp_path, dockerfile_text="FROM aarch64\n")
    with tarfile.open(fileobj=archive) as tar:
        assert tar.extractfile("Dockerfile").read() == b"FROM aarch64\n"  # type: ignore[union-attr]
        assert tar.extractfile("Dockerfile.template").read() == b"FROM %%BALENA_ARCH%%\n"  # type: ignore[union-attr]
    assert summary.dockerfile_replaced
    assert summary.file_count == 2


def test_dockerfile_and_dockerignore_travel_even_when_ignored(tmp_path: Path) -> None:
    _tree(tmp_path, {"Dockerfile": "FROM x\n", ".dockerignore": "*\n", "a.txt": ""})
    archive, summary = build_context.create(tmp_path)
    assert set(_names(archive)) == {"Dockerfile", ".dockerignore"}
    assert [e.path for e in summary.excluded] == ["a.txt"]


def test_symlinks_are_sent_as_links_and_never_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    _tree(outside, {"secret.txt": "do not read"})
    project = _tree(tmp_path / "project", {"Dockerfile": "FROM x\n"})
    (project / "link").symlink_to(outside / "secret.txt")
    (project / "dirlink").symlink_to(outside)
    archive, summary = build_context.create(project)
    names = _names(archive)
    assert names["link"].issym() and names["link"].linkname == str(outside / "secret.txt")
    assert names["dirlink"].issym()
    assert not any("secret" in n for n in names)
    assert summary.symlinks == ("dirlink", "link")


def test_owners_are_root_and_modes_kept(tmp_path: Path) -> None:
    _tree(tmp_path, {"Dockerfile": "FROM x\n", "run.sh": "#!/bin/sh\n"})
    (tmp_path / "run.sh").chmod(0o755)
    info = _names(build_context.create(tmp_path)[0])["run.sh"]
    assert (info.uid, info.gid, info.mode) == (0, 0, 0o755)


def test_the_project_is_not_modified(tmp_path: Path) -> None:
    _tree(tmp_path, {"Dockerfile": "FROM x\n", ".dockerignore": "*.log\n", "a.log": "", "b/c": ""})
    before = _digest(tmp_path)
    build_context.create(tmp_path, dockerfile_text="FROM y\n")
    assert _digest(tmp_path) == before


def test_summary_groups_exclusions_by_pattern(tmp_path: Path) -> None:
    _tree(tmp_path, {"Dockerfile": "FROM x\n", ".dockerignore": "# logs\n*.log\nnode_modules\n",
                     "a.log": "", "b.log": "", "node_modules/m/index.js": "x" * 100, "app.js": "abc"})
    _, summary = build_context.create(tmp_path)
    grouped = summary.excluded_by_pattern()
    assert grouped[".dockerignore line 2: *.log"] == ["a.log", "b.log"]
    assert grouped[".dockerignore line 3: node_modules"] == ["node_modules/"]
    assert summary.file_count == 3  # Dockerfile, .dockerignore, app.js
    assert str(summary).startswith(f"build context of {tmp_path.resolve()}: 3 files")
    assert "<table>" in summary._repr_html_()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file_names_the_file(tmp_path: Path) -> None:
    _tree(tmp_path, {"Dockerfile": "FROM x\n", "locked": "x"})
    (tmp_path / "locked").chmod(0)
    with pytest.raises(UnreadableInputError, match="locked"):
        build_context.create(tmp_path)


def test_a_missing_project_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UnreadableInputError, match="not a folder"):
        build_context.create(tmp_path / "nope")


# --- Differential: the same trees through the real `docker build` (its CLI applies .dockerignore).

CASES = {
    "anchored-and-doublestar": (
        "node_modules\n**/*.log\n!keep.log\n/build\n",
        ["node_modules/a.js", "src/node_modules/b.js", "x.log", "src/y.log", "keep.log",
         "build/o", "src/build/o", "app.js"],
    ),
    "exception-inside-excluded-folder": (
        "docs\n!docs/keep.md\n",
        ["docs/a.md", "docs/keep.md", "docs/sub/keep.md", "README.md"],
    ),
    "star-then-whitelist": (
        "*\n!src\n!package.json\nsrc/**/*.test.js\n",
        ["package.json", "src/index.js", "src/a/b.test.js", "src/a/c.js", "other.txt"],
    ),
    "case-and-classes": (
        "Secret*\n[0-9]*.tmp\nfile?.txt\n[!x].md\n[^y].cfg\n",
        ["Secret.txt", "secret.txt", "1.tmp", "a.tmp", "file1.txt", "file10.txt",
         "x.md", "z.md", "y.cfg", "z.cfg"],
    ),
    # Go's regexp (RE2) syntax: POSIX classes work; and no backtracking on *a*a*a...c.
    "posix-class-and-many-stars": (
        "[[:digit:]]*.log\n" + "*a" * 30 + "c\n",
        ["1.log", "x.log", "a" * 40 + "b", "a" * 30 + "c", "b" + "a" * 31 + "c"],
    ),
    "doublestar-suffix-and-unreachable-exception": (
        "**.env\nnode_modules\n!**/keep.txt\nbuild/**\n!build/keep.txt\n",
        ["a.env", "src/b.env", "node_modules/keep.txt", "node_modules/x.js",
         "build/keep.txt", "build/out.o", "keep.txt"],
    ),
}


def _docker_cli() -> str:
    for candidate in ("/usr/bin/docker", shutil.which("docker")):
        if candidate and os.path.exists(candidate):
            return candidate
    pytest.skip("no docker CLI")
    raise AssertionError


@pytest.mark.parametrize("case", sorted(CASES))
def test_context_matches_docker_build(
    case: str, tmp_path: Path, docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    ignore, files = CASES[case]
    project = _tree(tmp_path, {name: name for name in files})
    (project / ".dockerignore").write_text(ignore)
    (project / "Dockerfile").write_text(
        f"FROM {base_images['amd64']}\nCOPY . /ctx/\n"
        "CMD [\"sh\", \"-c\", \"cd /ctx && find . -type f | sort\"]\n"
    )
    tag = f"balena-lab/test-context:{case}"
    subprocess.run([_docker_cli(), "build", "-q", "-t", tag, str(project)], check=True,
                   capture_output=True, env={**os.environ, "DOCKER_BUILDKIT": "0"})
    try:
        seen_by_docker = {
            line[2:] for line in docker_client.containers.run(tag, remove=True).decode().split()
        } - {"Dockerfile", ".dockerignore"}
    finally:
        docker_client.images.remove(tag, force=True)
    _, summary = build_context.create(project)
    assert set(summary.files) - {"Dockerfile", ".dockerignore"} == seen_by_docker
