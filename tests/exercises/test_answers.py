from __future__ import annotations

import json

import pytest

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
                      "page-rules": "not-checked", "builds": "skip", "says-hello": "skip"}
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


def test_file_names_that_cannot_be_written_are_problems_not_errors() -> None:
    dot = collect_answer("pi4-own-dockerfile", {"NEW_FILES": {".": "x", "a/": "y"}})
    assert dot.files == {} and len(dot.problems) == 2
    assert "names a folder, not a file" in dot.problems[0]
    both = collect_answer("pi4-own-dockerfile", {"NEW_FILES": {"a": "x", "a/b": "y"}})
    assert both.files == {"a": "x"}
    assert "'a' would have to be both a file and a folder" in both.problems[0]
    given = collect_answer("pi4-own-dockerfile", {"NEW_FILES": {"Dockerfile.template/x": "y"}})
    assert given.files == {} and "both a file and a folder" in given.problems[0]
    same = collect_answer("pi4-own-dockerfile", {"NEW_FILES": {"a": "x", "./a": "y"}})
    assert same.files == {"a": "x"} and "the same file" in same.problems[0]
    assert collect_answer("pi4-own-dockerfile", {"NEW_FILES": {"..x": "y"}}).files == {"..x": "y"}
    for answer in (dot, both, given, same):  # run_checks never raises for the answer
        report = run_checks("pi4-own-dockerfile", answer, CheckOptions(engine=False))
        assert report.problems == answer.problems


def test_unwritable_files_fail_every_check_with_a_reason() -> None:
    from balena_lab.exercises import Answer

    answer = Answer("pi4-own-dockerfile", {"a": "x", "a/b": "y"})  # past collect_answer
    report = run_checks("pi4-own-dockerfile", answer, CheckOptions(engine=False))
    assert report.passed == 0 and "could not be written" in report.problems[-1]


def test_npm_start_must_run_node_on_main_js_not_mention_it() -> None:
    def status(start: str) -> str:
        text = json.dumps({"name": "a", "version": "1.0.0", "scripts": {"start": start},
                           "engines": {"node": "8.x"}})
        report = run_checks("node-npm-start", collect_answer(
            "node-npm-start", {"PACKAGE_JSON": text}), CheckOptions(engine=False))
        return {r.id: r.status for r in report.results}["npm-start"]

    assert status("echo hello from node src/main.js") == "fail"
    assert status("cat src/main.js") == "fail"
    assert status("node src/main.js") == "pass"
    assert status("NODE_ENV=production node ./src/main.js") == "pass"


@pytest.mark.parametrize("template", [
    "ARG MACHINE=%%BALENA_MACHINE_NAME%%\nFROM balenalib/${MACHINE}-debian\nCMD uname -m\n",
    "ARG M=%%BALENA_MACHINE_NAME%%\nARG IMAGE=balenalib/$M-debian\nFROM $IMAGE\nCMD uname -m\n",
    "ARG M\nFROM balenalib/${M:-%%BALENA_MACHINE_NAME%%}-debian\nCMD uname -m\n",
])
def test_machine_name_hidden_in_an_arg_is_still_seen(template: str) -> None:
    report = run_checks("templates-mixed-fleet", collect_answer(
        "templates-mixed-fleet", {"TEMPLATE": template}), CheckOptions(engine=False))
    assert {r.id: r.status for r in report.results}["no-machine-name"] == "fail", str(report)


def test_an_arg_for_the_arch_is_fine() -> None:
    template = "ARG A=%%BALENA_ARCH%%\nFROM balenalib/${A}-debian\nCMD uname -m\n"
    report = run_checks("templates-mixed-fleet", collect_answer(
        "templates-mixed-fleet", {"TEMPLATE": template}), CheckOptions(engine=False))
    status = {r.id: r.status for r in report.results}
    assert {k: v for k, v in status.items() if v != "skip"} == {
        "is-template": "pass", "no-machine-name": "pass", "fits-fleet": "pass",
        "serves-other-fleets": "pass", "page-rules": "pass"}, str(report)


def test_hints_do_not_give_the_answer_away() -> None:
    from balena_lab.exercises import get_exercise

    assert "uname" not in get_exercise("templates-mixed-fleet").check("prints-arch").hint
    pi4 = get_exercise("pi4-own-dockerfile").check("says-hello").hint
    assert "Hello from" not in pi4 and "Pi 4'" not in pi4


def test_stamped_files_never_spell_out_the_word_they_print() -> None:
    from balena_lab.exercises import all_exercises
    from balena_lab.exercises.catalog._facts import stamp_words

    stamping = [e for e in all_exercises() if e.stamped is not None]
    assert {e.name for e in stamping} >= {"dockerfile-basics", "node-npm-start", "add-to-copy",
                                          "keep-tmp-balena"}
    for exercise in stamping:
        assert exercise.stamped is not None
        files = exercise.stamped("0123456789abcdef")
        word = stamp_words("0123456789abcdef")[2]
        assert word != "0123456789abcdef"  # the marker in a stamped file is no run word
        texts = [t if isinstance(t, str) else t.decode("latin-1") for t in files.values()]
        assert files and all(word not in text for text in texts)
        assert exercise.stamped("fedcba9876543210") != files  # new for every run
        for name, text in files.items():  # line for line what the learner was shown
            given = exercise.given[name]
            if isinstance(text, str) and isinstance(given, str) and name != "hello.sh" and (
                    not name.endswith((".sh", ".js"))):
                assert text.count("\n") == given.count("\n"), (exercise.name, name)


def test_a_template_typo_is_one_failure_with_did_you_mean() -> None:
    template = "FROM balenalib/%%BALENA_ARC%%-debian\nCMD uname -m\n"
    report = run_checks("templates-mixed-fleet", collect_answer(
        "templates-mixed-fleet", {"TEMPLATE": template}), CheckOptions(engine=False))
    failed = [r for r in report.results if r.status == "fail"]
    assert len(failed) == 1 and "did you mean %%BALENA_ARCH%%?" in failed[0].detail
    assert "--var" not in failed[0].detail and "/tmp/" not in failed[0].detail
    rest = [r for r in report.results if r is not failed[0] and r.status != "skip"]
    assert rest and all(r.status == "not-checked" and not r.hint for r in rest)


def test_fixes_in_a_notebook_name_no_command_line_flags() -> None:
    template = "FROM balenalib/%%MY_BASE%%\nCMD uname -m\n"
    report = run_checks("templates-mixed-fleet", collect_answer(
        "templates-mixed-fleet", {"TEMPLATE": template}), CheckOptions(engine=False))
    detail = report.results[0].detail
    assert "MY_BASE is not defined" in detail and "%%BALENA_ARCH%%" in detail
    assert "--" not in detail


def test_a_near_miss_device_file_gets_did_you_mean() -> None:
    report = run_checks("pi4-own-dockerfile", collect_answer("pi4-own-dockerfile", {
        "NEW_FILES": {"Dockerfile.raspberrypi4": "FROM balenalib/raspberrypi4-64-debian\n"}}),
        CheckOptions(engine=False))
    assert "did you mean Dockerfile.raspberrypi4-64?" in report.results[0].detail
