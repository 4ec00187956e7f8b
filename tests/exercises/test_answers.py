from __future__ import annotations

from balena_lab.exercises import CheckOptions, collect_answer, run_checks


def test_collect_answer_maps_variables_to_files() -> None:
    answer = collect_answer("dockerfile-basics", {"DOCKERFILE": "FROM x\n"})
    assert answer.files == {"Dockerfile": "FROM x\n"} and not answer.problems


def test_missing_and_wrongly_typed_variables_are_problems_not_errors() -> None:
    missing = collect_answer("dockerfile-basics", {})
    assert "DOCKERFILE is not defined" in missing.problems[0]
    assert "answer-dockerfile" in missing.problems[0]
    typed = collect_answer("dockerfile-basics", {"DOCKERFILE": 3})
    assert "should be text" in typed.problems[0]


def test_file_dicts_refuse_paths_outside_the_project() -> None:
    answer = collect_answer("pi4-own-dockerfile", {"NEW_FILES": {
        "../escape": "x", "/abs": "x", "ok/Dockerfile.x": "FROM y\n", "n": 3}})
    assert answer.files == {"ok/Dockerfile.x": "FROM y\n"}
    assert len(answer.problems) == 3


def test_static_only_checks_skip_the_engine_and_dependants() -> None:
    report = run_checks("dockerfile-basics",
                        collect_answer("dockerfile-basics", {"DOCKERFILE": "CMD x\nFROM y\n"}),
                        CheckOptions(engine=False))
    status = {r.id: r.status for r in report.results}
    assert status == {"from-first": "fail", "copies-script": "fail", "cmd-last": "fail",
                      "builds": "skip", "says-hello": "skip"}
    failed = [r for r in report.results if r.status == "fail"]
    assert all(r.hint for r in failed)


def test_failing_check_never_shows_the_reference_answer() -> None:
    report = run_checks("templates-mixed-fleet", collect_answer(
        "templates-mixed-fleet",
        {"TEMPLATE": "FROM balenalib/%%BALENA_MACHINE_NAME%%-debian\nCMD uname -m\n"}),
        CheckOptions(engine=False))
    text = str(report)
    assert "no-machine-name" in text and "FAIL" in text
    assert "%%BALENA_ARCH%%" not in text  # the answer is for the learner to find
