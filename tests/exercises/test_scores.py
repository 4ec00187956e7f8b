"""A score means the learner did it: every reference solution scores 100%, every
untouched starter 0%, every realistic wrong answer less than 100%, and no answer can
pass a run-time check by faking what the container does.

Real resolutions, lint, builds (ARM ones under QEMU) and runs on the local engine.
"""

from __future__ import annotations

import pytest

from balena_lab.exercises import CheckOptions, all_exercises, collect_answer, get_exercise
from balena_lab.exercises import run_checks as _run_checks
from balena_lab.exercises.core import CheckReport

from .classgen import solution_namespace, starter_namespace
from .wrong_answers import FAKES, RIGHT, WRONG

pytestmark = pytest.mark.slow
NAMES = [e.name for e in all_exercises()]


def _check(name: str, namespace: dict[str, object], labels: dict[str, str],
           who: str) -> CheckReport:
    answer = collect_answer(name, namespace)
    return _run_checks(name, answer, CheckOptions(submission=who, labels=labels))


def _namespace(source: str) -> dict[str, object]:
    namespace: dict[str, object] = {}
    exec(source, namespace)  # noqa: S102 - a test answer of ours
    return namespace


@pytest.mark.parametrize("name", NAMES)
def test_reference_solution_scores_100_and_starter_0(
    name: str, base_images: dict[str, str], run_label: dict[str, str]
) -> None:
    solved = _check(name, solution_namespace(name), run_label, "reference")
    assert solved.all_passed and solved.score == 1.0, str(solved)
    starter = _check(name, starter_namespace(name), run_label, "starter")
    assert starter.score == 0.0 and starter.passed == 0, str(starter)
    # One root cause, one failure with its hint: the rest is "not checked", hint-less.
    failed = [r for r in starter.results if r.status == "fail"]
    assert failed and all(r.hint for r in failed), str(starter)
    assert all(not r.hint for r in starter.results if r.status == "not-checked")


def test_every_exercise_has_wrong_answers_and_fakes_for_its_run_time_checks() -> None:
    for name in NAMES:
        assert len(WRONG[name]) >= 3, name
        run_time = {c.id for c in get_exercise(name).checks
                    if c.needs_engine and c.id not in ("builds", "prints-ready")}
        faked = {key.split("/")[0] for key in FAKES.get(name, {})}
        assert run_time <= faked, (name, run_time)


CASES = [(name, label) for name in NAMES for label in WRONG[name]]


@pytest.mark.parametrize("name,label", CASES)
def test_a_wrong_answer_scores_below_100(
    name: str, label: str, base_images: dict[str, str], run_label: dict[str, str]
) -> None:
    report = _check(name, _namespace(WRONG[name][label]), run_label, f"wrong-{label}")
    assert report.score < 1.0, str(report)


FAKE_CASES = [(name, check) for name, fakes in FAKES.items() for check in fakes]


@pytest.mark.parametrize("name,check", FAKE_CASES)
def test_a_faked_run_time_check_fails(
    name: str, check: str, base_images: dict[str, str], run_label: dict[str, str]
) -> None:
    report = _check(name, _namespace(FAKES[name][check]), run_label,
                    f"fake-{check.replace('/', '-')}")
    result = next(r for r in report.results if r.id == check.split("/")[0])
    assert result.status == "fail", str(report)
    assert report.score < 1.0


RIGHT_CASES = [(name, label) for name, answers in RIGHT.items() for label in answers]


@pytest.mark.parametrize("name,label", RIGHT_CASES)
def test_a_right_answer_written_another_way_scores_100(
    name: str, label: str, base_images: dict[str, str], run_label: dict[str, str]
) -> None:
    report = _check(name, _namespace(RIGHT[name][label]), run_label, f"right-{label}")
    assert report.all_passed and report.score == 1.0, str(report)
