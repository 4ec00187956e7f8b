"""From a lesson to its exercises: links to the starters of the page sections it teaches.

The exercise catalogue knows each exercise's section and starter notebook; a
lesson asks for its sections and gets links that open the starter in JupyterLab
(relative to the lesson: the starters are in ``exercises/`` beside it), with the
command that checks a finished one.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from .catalog import all_exercises
from .core import Exercise


@dataclass(frozen=True)
class ExerciseLinks:
    """The exercises of some page sections, for a lesson's last cell."""

    exercises: tuple[Exercise, ...]

    def __repr__(self) -> str:  # what a notebook shows as text/plain: stable
        return str(self)

    def __str__(self) -> str:
        return "\n".join(f"{e.title}: exercises/{e.notebook} (balena-lab exercise run "
                         f"notebooks/exercises/{e.notebook})" for e in self.exercises)

    def _repr_html_(self) -> str:
        items = "".join(
            f"<li><a href='exercises/{html.escape(e.notebook)}' target='_blank'>"
            f"{html.escape(e.title)}</a> (<code>exercises/{html.escape(e.notebook)}</code>; "
            f"check it with <code>balena-lab exercise run notebooks/exercises/"
            f"{html.escape(e.notebook)}</code>)</li>" for e in self.exercises)
        return f"<p><b>Your turn</b>:</p><ul>{items}</ul>"


def exercises_for(*sections: str) -> ExerciseLinks:
    """The exercises that teach any of ``sections`` (page section titles), in order;
    ValueError for a section no exercise teaches (a lesson naming it wrongly)."""
    found = tuple(e for e in all_exercises() if e.section in sections)
    missing = set(sections) - {e.section for e in found}
    if missing:
        known = sorted({e.section for e in all_exercises()})
        raise ValueError(f"no exercise teaches {sorted(missing)}; sections: {known}")
    return ExerciseLinks(found)
