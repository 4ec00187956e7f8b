"""Each lesson's links to its exercises come from the catalogue, and point at starters."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from balena_lab.exercises.links import exercises_for

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def test_links_open_the_starters_beside_the_lesson() -> None:
    links = exercises_for("Dockerfiles")
    assert [e.name for e in links.exercises] == ["dockerfile-basics", "add-to-copy"]
    for href in re.findall(r"href='([^']+)'", links._repr_html_()):
        assert (NOTEBOOKS / href).is_file(), href


def test_a_section_no_exercise_teaches_is_an_error() -> None:
    with pytest.raises(ValueError, match="no exercise teaches"):
        exercises_for("Dockerfile templtes")


@pytest.mark.parametrize("lesson", sorted(p.name for p in NOTEBOOKS.glob("0[1-9]-*.ipynb")))
def test_every_lesson_ends_with_the_balena_cli_and_its_exercises(lesson: str) -> None:
    last = nbformat.read(NOTEBOOKS / lesson, as_version=4).cells[-1].source
    assert "equivalents(device.slug, arch" in last and "exercises_for(" in last
    sections = re.findall(r"'([^']+)'", last.split("exercises_for(", 1)[1])
    assert exercises_for(*sections).exercises  # names sections the catalogue knows
