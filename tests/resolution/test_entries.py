"""Tar entry name rules: which files each of balena's resolvers takes."""

from __future__ import annotations

from pathlib import Path

import pytest

from balena_lab.resolution.entries import (
    normalize_entry,
    remove_extension,
    resolver_kinds,
    service_entries,
    split_ext,
)


@pytest.mark.parametrize("name,expected", [
    ("./docker/Dockerfile", "docker/Dockerfile"), ("/a//b/", "a/b"), ("a/./b/../c", "a/c"),
    ("", ""), ("./", "."),
])
def test_normalize_entry(name: str, expected: str) -> None:
    assert normalize_entry(name) == expected


@pytest.mark.parametrize("name,expected", [
    ("Dockerfile.raspberrypi3", ("Dockerfile", ".raspberrypi3")),
    ("Dockerfile.aarch64.template", ("Dockerfile.aarch64", ".template")),
    ("docker/Dockerfile.custom", ("docker/Dockerfile", ".custom")),
    (".gyp", (".gyp", "")), ("Dockerfile", ("Dockerfile", "")),
])
def test_split_ext_like_node_path_parse(name: str, expected: tuple[str, str]) -> None:
    assert split_ext(name) == expected


@pytest.mark.parametrize("name,specified,kinds", [
    ("Dockerfile", None, ["dockerfile"]),
    ("Dockerfile.template", None, ["template"]),
    ("Dockerfile.intel-nuc", None, ["arch-specific"]),
    ("Dockerfile.aarch64.template", None, []),
    ("dockerfile", None, []),
    ("package.json", None, ["nodejs"]),
    ("binding.gyp", None, ["nodejs"]),
    ("src/binding.gyp", None, []),
    ("package.json", "Dockerfile", []),  # a specified path disables Node.js
    ("d/Dockerfile.x", "d/Dockerfile.x", ["dockerfile", "arch-specific"]),  # ext 'x'
    ("d/Dockerfile.x.template", "d/Dockerfile.x", ["template"]),
    ("Dockerfile.template", "Dockerfile.template", ["dockerfile", "template"]),
])
def test_resolver_kinds(name: str, specified: str | None, kinds: list[str]) -> None:
    assert resolver_kinds(name, specified) == kinds


def test_remove_extension_cuts_at_last_dot_anywhere() -> None:
    assert remove_extension("my.app/Dockerfile") == "my"
    assert remove_extension("docker/Dockerfile.custom") == "docker/Dockerfile"


def test_service_entries_lists_only_the_relevant_folder(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "Dockerfile").write_text("x")
    (tmp_path / "Dockerfile").write_text("x")
    (tmp_path / "adir").mkdir()
    assert list(service_entries(tmp_path, None)) == ["Dockerfile"]
    assert list(service_entries(tmp_path, "sub/Dockerfile")) == ["sub/Dockerfile"]
    assert service_entries(tmp_path / "missing", None) == {}
    assert service_entries(tmp_path / "sub", "../Dockerfile") == {}  # outside the service
