"""balena_lab.resolution.services: the one reader of a compose service's build spec."""

from __future__ import annotations

from pathlib import Path

import pytest

from balena_lab.errors import ComposeError
from balena_lab.resolution.compose import compose, find_service
from balena_lab.resolution.services import BuildSpec, build_spec, service_folder


def test_build_args_in_both_compose_forms() -> None:
    a = build_spec("a", {"build": {"args": {"X": 1, "Y": None}}})
    b = build_spec("b", {"build": {"args": ["X=1", "Y"]}})
    c = build_spec("c", {"build": "."})
    # Issue 12 (found by the generated compose test): compose-go drops a valueless arg
    # when the variable is unset; balena_lab reads no environment, so it drops it too.
    assert a is not None and a.args == {"X": "1"}
    assert b is not None and b.args == {"X": "1"}
    assert c is not None and c.args == {}


def test_build_args_are_written_as_compose_go_writes_them() -> None:
    spec = build_spec("a", {"build": {"args": {"B": True, "F": 1.5, "H": 100.0, "E": 1e20,
                                                "S": 1.23456789123e8, "Z": -0.0}}})
    assert spec is not None and spec.args == {"B": "true", "F": "1.5", "H": "100",
                                              "E": "1e+20", "S": "1.23456789123e+08",
                                              "Z": "-0"}
    listed = build_spec("a", {"build": {"args": ["A=1", "A=2", "=x", "C=1=2", "D="]}})
    assert listed is not None and listed.args == {"A": "2", "": "x", "C": "1=2", "D": ""}


def test_a_compose_service_resolves_with_dockerfile_as_compose_go_fills_it_in() -> None:
    assert BuildSpec("s", ".").resolver_dockerfile == "Dockerfile"
    assert BuildSpec("s", ".", "Dockerfile.web").resolver_dockerfile == "Dockerfile.web"
    assert BuildSpec("s", ".", "").resolver_dockerfile is None  # compose-go leaves "" out


def test_short_and_long_forms_name_their_field() -> None:
    assert build_spec("s", {"build": "./app/"}) == BuildSpec("s", "./app/")
    long = build_spec("s", {"build": {"dockerfile": "Dockerfile.web"}})
    assert long == BuildSpec("s", ".", "Dockerfile.web", {}, "build.context")
    assert build_spec("s", {"build": "./app/"}).folder == "app"  # type: ignore[union-attr]
    assert build_spec("s", {"image": "redis"}) is None


@pytest.mark.parametrize("context,words", [
    ("../outside", "not a project subfolder"),
    ("/abs", "not a project subfolder"),
    ("https://github.com/x/y.git", "git URLs are not supported"),
    ("missing", "no folder"),
])
def test_a_bad_folder_is_refused_naming_service_and_field(
        tmp_path: Path, context: str, words: str) -> None:
    with pytest.raises(ComposeError) as caught:
        service_folder(tmp_path, tmp_path / "docker-compose.yml",
                       BuildSpec("web", context, None, {}, "build.context"))
    assert words in caught.value.message
    assert caught.value.service == "web" and caught.value.field == "build.context"


def _project(tmp_path: Path) -> Path:
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "Dockerfile.web").write_text("FROM scratch\n")
    (tmp_path / "docker-compose.yml").write_text(
        "version: '2.1'\nservices:\n"
        "  web:\n    build:\n      context: ./web\n      dockerfile: Dockerfile.web\n"
        "      args:\n        GREETING: hi\n"
        "  cache:\n    image: redis\n")
    return tmp_path


def test_the_composition_and_find_service_read_the_same_spec(tmp_path: Path) -> None:
    project = _project(tmp_path)
    folder, build = find_service(project, "web")
    service = compose(project).service("web")
    assert service.folder == folder == project / "web"
    assert service.dockerfile == build.dockerfile == "Dockerfile.web"
    assert dict(service.build_args) == dict(build.args) == {"GREETING": "hi"}


def test_find_service_names_what_is_wrong(tmp_path: Path) -> None:
    project = _project(tmp_path)
    with pytest.raises(ComposeError, match="no service 'db'; services: web, cache"):
        find_service(project, "db")
    with pytest.raises(ComposeError, match="image only"):
        find_service(project, "cache")
    with pytest.raises(ComposeError, match="has no docker-compose.yml"):
        find_service(project / "web", "web")
