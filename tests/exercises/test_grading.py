"""Grading a generated mixed class for real: kernels, builds, the report, the clean-up."""

from __future__ import annotations

import csv
import hashlib
import os
from pathlib import Path

import docker
import pytest

from balena_lab.errors import GradingError
from balena_lab.exercises import ClassReport, grade
from balena_lab.exercises.context import EXERCISE_LABEL, GRADING_RUN_LABEL, SUBMISSION_LABEL
from balena_lab.exercises.grading import discover, remove_images

from .classgen import write_class

KINDS = ["correct", "wrong", "broken-json", "infinite-loop", "crashed-kernel", "deleted-answer",
         "reordered", "failing-build", "cell-error"]
EXERCISE = "dockerfile-basics"


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def _exercise_images(client: docker.DockerClient) -> dict[str, str]:
    """id -> submission of every image an exercise check built (whatever its run label)."""
    return {i.id: i.labels.get(SUBMISSION_LABEL, "")
            for i in client.images.list(filters={"label": f"{EXERCISE_LABEL}={EXERCISE}"})}


def _left_behind(client: docker.DockerClient, before: dict[str, str],
                 learners: set[str]) -> dict[str, str]:
    """Images made since ``before`` for these learners or by a self-check: none may remain."""
    return {image: who for image, who in _exercise_images(client).items()
            if image not in before and (who in learners or who.startswith("self-check"))}


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory, docker_client: docker.DockerClient,
           base_images: dict[str, str]) -> tuple[ClassReport, Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("class")
    submissions = root / "submissions"
    write_class(submissions, EXERCISE, KINDS)
    (submissions / "README.txt").write_text("not a submission")
    before = _digest(submissions)
    images = _exercise_images(docker_client)
    report = grade(submissions, EXERCISE, jobs=2, output_dir=root / "out", timeout=15)
    assert _digest(submissions) == before  # submissions are never modified
    learners = {r.learner for r in report.results}
    assert _left_behind(docker_client, images, learners) == {}
    return report, root / "out", {r.learner: r.learner for r in report.results}


def _by_kind(report: ClassReport, kind: str):  # type: ignore[no-untyped-def]
    (result,) = [r for r in report.results if r.learner.endswith(kind) or f"-{kind}-" in r.learner]
    return result


pytestmark = pytest.mark.slow


def test_each_case_gets_a_clear_line(graded: tuple[ClassReport, Path, dict[str, str]]) -> None:
    report, _, _ = graded
    assert len(report.results) == len(KINDS)
    correct = _by_kind(report, "correct")
    assert (correct.status, correct.passed, correct.total) == ("graded", 6, 6)
    assert _by_kind(report, "reordered").passed == 6  # cells found by tag, not position
    wrong = _by_kind(report, "wrong")
    assert wrong.status == "graded" and 0 < wrong.passed < 5
    broken = _by_kind(report, "broken-json")
    assert broken.status == "not-a-notebook" and "invalid JSON at line" in broken.message
    loop = _by_kind(report, "infinite-loop")
    assert loop.status == "timeout" and "answer-dockerfile" in loop.message
    assert loop.execution_seconds < 15 + 10
    crashed = _by_kind(report, "crashed-kernel")
    assert crashed.status == "kernel-died" and "answer-dockerfile" in crashed.message
    deleted = _by_kind(report, "deleted-answer")
    assert deleted.passed == 0 and any("no code cell tagged 'answer-dockerfile'" in n
                                       for n in deleted.notes)
    failing = _by_kind(report, "failing-build")
    assert failing.status == "graded" and "the build failed: Dockerfile:2" in failing.message
    assert failing.passed == 4  # every static check; the build and its run fail
    error = _by_kind(report, "cell-error")
    assert any("raised NameError" in n for n in error.notes)
    assert report.skipped == ("README.txt: not a .ipynb file, left out",)
    lines = "\n".join(report.lines())
    for result in report.results:
        assert result.learner in lines


def test_renamed_files_are_graded_under_a_safe_name(
    graded: tuple[ClassReport, Path, dict[str, str]]
) -> None:
    report, _, _ = graded
    renamed = [r for r in report.results if r.file.startswith("Copy of")]
    assert renamed and all(" " not in r.learner for r in renamed)


def test_csv_and_html_report(graded: tuple[ClassReport, Path, dict[str, str]]) -> None:
    report, out, _ = graded
    with open(out / "report.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(KINDS)
    assert {"learner", "score", "status", "from-first", "says-hello", "seconds",
            "kernel_start_seconds", "message"} <= set(rows[0])
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "learners who pass it" in page and "hint:" in page and "timeout" in page
    assert f"of {len(KINDS)}</b> passed" in page
    learners = {r.learner for r in report.results}
    assert {p.stem for p in (out / "feedback").glob("*.html")} == learners
    with open(out / "grades.csv", encoding="utf-8") as handle:
        grades = list(csv.DictReader(handle))
    assert {row["learner"] for row in grades} == learners
    correct = next(row for row in grades if row["learner"] == _by_kind(report, "correct").learner)
    assert correct["score"] == "1.00" and correct["says-hello"] == "1"
    assert report.pass_rates()["says-hello"] == pytest.approx(3 / len(KINDS))
    executed = {p.stem for p in (out / "executed").glob("*.ipynb")}
    assert _by_kind(report, "correct").learner in executed


def test_images_built_while_grading_are_removed(
    graded: tuple[ClassReport, Path, dict[str, str]], docker_client: docker.DockerClient
) -> None:
    report, _, _ = graded
    assert report.images_removed
    left = docker_client.images.list(filters={"label": f"{GRADING_RUN_LABEL}={report.run_id}"})
    assert left == []


@pytest.mark.parametrize("sandbox", [True, False], ids=["sandbox", "local-kernel"])
def test_lost_tags_and_a_killed_worker(
    tmp_path: Path, docker_client: docker.DockerClient, base_images: dict[str, str],
    sandbox: bool,
) -> None:
    write_class(tmp_path / "in", EXERCISE, ["untagged-parameters", "kills-worker"])
    images = _exercise_images(docker_client)
    report = grade(tmp_path / "in", EXERCISE, jobs=2, output_dir=tmp_path / "out", timeout=60,
                   sandbox=sandbox)
    untagged = _by_kind(report, "untagged-parameters")
    # graded by the grader, the learner's own self-check neither ran nor left an image
    assert (untagged.status, untagged.passed, untagged.total) == ("graded", 6, 6)
    executed = (tmp_path / "out" / "executed" / f"{untagged.learner}.ipynb").read_text()
    assert "self_check" not in executed and "checks pass" not in executed
    killer = _by_kind(report, "kills-worker")
    if sandbox:
        # Its parent is the sandbox's own first process, which a signal from inside the
        # container cannot kill: the cell runs on, and the answer it replaced is missing.
        assert (killer.status, killer.passed) == ("graded", 0), killer.message
        assert any("DOCKERFILE is not defined" in note for note in killer.notes), killer.notes
    else:
        assert killer.status == "failed", killer.message
        assert "the grader's worker died while grading this submission" in killer.message
        assert "hard limit" not in killer.message and killer.seconds < 60
    assert _left_behind(docker_client, images, {r.learner for r in report.results}) == {}


def test_keep_images_keeps_them_labelled_per_submission(
    tmp_path: Path, docker_client: docker.DockerClient, base_images: dict[str, str]
) -> None:
    write_class(tmp_path / "in", EXERCISE, ["correct"])
    report = grade(tmp_path / "in", EXERCISE, jobs=1, timeout=120, keep_images=True)
    try:
        kept = docker_client.images.list(filters={"label": f"{GRADING_RUN_LABEL}={report.run_id}"})
        assert [i.labels[SUBMISSION_LABEL] for i in kept] == ["learner00-correct"]
        assert (tmp_path / "in-graded" / "report.html").is_file()
    finally:
        remove_images(report.run_id, docker_client)


def test_bad_folders_are_refused(tmp_path: Path) -> None:
    with pytest.raises(GradingError, match="no .ipynb"):
        grade(tmp_path, EXERCISE)
    write_class(tmp_path, EXERCISE, ["untouched"])
    with pytest.raises(GradingError, match="inside the submissions folder"):
        grade(tmp_path, EXERCISE, output_dir=tmp_path / "out")


def test_discover_makes_learner_ids_unique(tmp_path: Path) -> None:
    (tmp_path / "a b.ipynb").write_text("{}")
    (tmp_path / "a-b.IPYNB").write_text("{}")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "x.ipynb").write_text("{}")
    found, skipped = discover(tmp_path)
    assert sorted(learner for learner, _ in found) == ["a-b", "a-b-2"]
    assert skipped == []


CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


@pytest.mark.skipif(not CHROMIUM.exists() and os.environ.get("CI") is None,
                    reason="no /usr/bin/chromium (apt-get install chromium)")
def test_the_report_in_a_browser_reads_at_a_glance(
    graded: tuple[ClassReport, Path, dict[str, str]]
) -> None:
    """What a teacher sees in Chromium: the counts, the grid, colours that follow scores."""
    from playwright.sync_api import sync_playwright

    report, out, _ = graded
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto((out / "report.html").as_uri())
        headline = page.locator("#headline").inner_text()
        assert f"{report.passed_learners} of {len(KINDS)} passed" in headline
        assert f"median score {report.median_score:.0%}" in headline
        rows = page.locator("#grid tr[data-learner]")
        assert rows.count() == len(KINDS)
        # highest score first: the correct answer leads, and its row is green
        first = rows.first
        assert first.get_attribute("data-learner") == _by_kind(report, "correct").learner
        green = first.evaluate("row => getComputedStyle(row).backgroundColor")
        for kind in ("broken-json", "deleted-answer"):  # 0 points: never green
            row = page.locator(f"#grid tr[data-learner='{_by_kind(report, kind).learner}']")
            colour = row.evaluate("row => getComputedStyle(row).backgroundColor")
            assert colour != green and colour == "rgb(255, 235, 233)", (kind, colour)
        cells = page.locator("#grid td.fail")
        assert cells.count() > 0 and "hint:" in (cells.first.get_attribute("title") or "")
        assert page.locator("#grid th").count() == 2 + len(report.check_ids)
        page.screenshot(path=str(ARTIFACTS / "class-report.png"), full_page=True)
        browser.close()
