from __future__ import annotations

import pytest

from balena_lab.errors import BalenaLabError, ExerciseError
from balena_lab.exercises import CheckReport, CheckResult, all_exercises, get_exercise
from balena_lab.exercises.core import Check, Exercise

SECTIONS = {"Dockerfiles", "Using Dockerfiles with balena", "Dockerfile templates",
            "Multiple Dockerfiles", "Node applications", "Container Requirements"}


def test_every_section_of_the_page_has_an_exercise() -> None:
    assert {e.section for e in all_exercises()} == SECTIONS
    names = {e.name for e in all_exercises()}
    assert {"templates-mixed-fleet", "pi4-own-dockerfile", "add-to-copy", "node-npm-start",
            "keep-tmp-balena"} <= names


def test_every_check_has_an_id_a_description_and_a_hint() -> None:
    for exercise in all_exercises():
        assert exercise.checks, exercise.name
        for check in exercise.checks:
            assert check.id and check.description and check.hint, (exercise.name, check.id)
        assert set(exercise.cells), exercise.name
        listed = {v for names in exercise.cells.values() for v in names}
        assert listed == set(exercise.answers), exercise.name


def test_unknown_exercise_is_an_exercise_error_naming_the_known_ones() -> None:
    with pytest.raises(ExerciseError) as caught:
        get_exercise("templates")
    assert isinstance(caught.value, BalenaLabError)
    assert "templates-mixed-fleet" in str(caught.value.fix)


def test_an_exercise_rejects_after_naming_a_later_check() -> None:
    def ok(context: object) -> None:
        return None

    with pytest.raises(ValueError):
        Exercise("x", "x", "Dockerfiles", "x.ipynb", {}, {}, (
            Check("a", "a", "a", ok, after=("b",)), Check("b", "b", "b", ok)))


def test_report_prints_and_round_trips() -> None:
    report = CheckReport("demo", (
        CheckResult("one", "first", "pass"),
        CheckResult("two", "second", "fail", "saw this", "try that"),
    ), ("X is not defined",))
    assert report.passed == 1 and report.total == 2 and not report.all_passed
    text = str(report)
    assert "PASS  one" in text and "FAIL  two" in text and "hint: try that" in text
    assert "X is not defined" in text
    assert "<table>" in report._repr_html_()
    assert CheckReport.from_dict(report.to_dict()) == report


def test_an_exercise_is_found_by_its_notebooks_name_too() -> None:
    by_name = get_exercise("templates-mixed-fleet")
    assert get_exercise("04-templates-mixed-fleet") is by_name
    assert get_exercise("04-templates-mixed-fleet.ipynb") is by_name
    with pytest.raises(ExerciseError):
        get_exercise("04-templates")


def test_every_exercise_has_a_time_limit_of_its_own() -> None:
    from balena_lab.exercises.limits import DEFAULT_TIMEOUT

    assert all(0 < e.time_limit <= DEFAULT_TIMEOUT for e in all_exercises())


def test_setup_checks_are_shown_but_not_counted() -> None:
    report = CheckReport("demo", (CheckResult("given", "the project", "pass", counts=False),
                                  CheckResult("work", "the change", "fail", "saw x", "hint")))
    assert (report.passed, report.total, report.score) == (0, 1, 0.0)
    assert "(setup: not counted)" in str(report)
