"""balena_lab.resolution.yamlfile: hostile compose files end in a typed error, quickly."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from balena_lab.errors import ComposeError
from balena_lab.resolution.compose import compose
from balena_lab.resolution.yamlfile import MAX_BYTES, read_compose_yaml

LAUGHS = "".join(
    f"x-{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]\n"
    for prev, name in zip("abcdefgh", "bcdefghi"))
BILLION_LAUGHS = ('version: "2.1"\nx-a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", '
                  '"lol", "lol"]\n' + LAUGHS + "services:\n  main:\n    image: redis\n"
                  "    labels: *i\n")


@pytest.mark.parametrize("text,words", [
    ("1: 2\n", "the key 1 must be text"),
    ('version: "2.1"\nservices:\n  1:\n    image: redis\n', "the key 1 must be text"),
    ('version: "2.1"\nservices:\n  main:\n    image: redis\n  main:\n    image: nginx\n',
     "the key 'main' is there twice (first at line 3)"),
    ("a: &a [*a]\nservices: *a\n", "an alias (*name) contains itself"),
    (BILLION_LAUGHS, "once its aliases (*name) are expanded"),
    ("version: 2\nservices:\n  main:\n    image: redis\n    x: " + "9" * 5000 + "\n",
     "a number of more than 4,300 digits"),
    ("[" * 3000 + "]" * 3000, "nested too deeply"),
])
def test_hostile_compose_files_get_a_typed_error_fast(
        tmp_path: Path, text: str, words: str) -> None:
    (tmp_path / "docker-compose.yml").write_text(text)
    started = time.monotonic()
    with pytest.raises(ComposeError) as caught:
        compose(tmp_path)
    assert words in caught.value.message
    assert str(tmp_path / "docker-compose.yml") in str(caught.value)
    assert len(str(caught.value)) < 500  # never the expanded document in a message
    assert time.monotonic() - started < 5


def test_a_huge_file_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "docker-compose.yml"
    path.write_text("x-pad: '" + "a" * MAX_BYTES + "'\n")
    with pytest.raises(ComposeError, match="larger than 1 MiB"):
        read_compose_yaml(path)


def test_merge_keys_and_plain_files_still_read(tmp_path: Path) -> None:
    path = tmp_path / "docker-compose.yml"
    path.write_text('x-base: &base\n  image: redis\nservices:\n  main:\n    <<: *base\n')
    assert read_compose_yaml(path)["services"]["main"]["image"] == "redis"
