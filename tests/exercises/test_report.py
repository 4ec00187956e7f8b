from __future__ import annotations

import contextlib
import csv
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from balena_lab.errors import ReportWriteError
from balena_lab.exercises import CheckReport, CheckResult, ClassReport, SubmissionResult
from balena_lab.exercises.report import render_html, score_class, write_reports


def _result(learner: str, status: str, passed: bool, detail: str = "saw <this>",
            setup_fails: bool = False) -> SubmissionResult:
    checks = (CheckResult("setup", "the given files", "fail" if setup_fails else "pass",
                          counts=False),
              CheckResult("a", "first", "pass"),
              CheckResult("b", "second", "pass") if passed else
              CheckResult("b", "second", "fail", detail, "think about it"))
    return SubmissionResult(learner, f"{learner}.ipynb", "demo", status, "a line",
                            CheckReport("demo", checks, build_log=("Step 1/2  Dockerfile:1",)),
                            notes=("a note",), seconds=1.5, kernel_start=0.7)


def _report() -> ClassReport:
    return ClassReport("demo", "run1", (_result("ann", "graded", True),
                                        _result("bob", "graded", False),
                                        _result("dee", "graded", False),
                                        _result("cy", "timeout", False)),
                       ("setup", "a", "b"), skipped=("x.txt: not a .ipynb file, left out",),
                       wall_seconds=3, jobs=2, timeout=15)


def test_counts_rates_and_the_median() -> None:
    report = _report()
    assert report.pass_rates() == {"setup": 1.0, "a": 1.0, "b": 0.25}
    assert report.by_status() == {"graded": 3, "timeout": 1}
    assert report.passed_learners == 1 and report.median_score == 0.5
    assert [r.learner for r in report.ranked()] == ["ann", "bob", "cy", "dee"]
    assert report.common_mistakes() == [("b", "saw <this>", ["bob", "dee", "cy"])]
    assert "1 of 4 passed, median score 50%" in report.summary()


def test_the_colour_follows_the_outcome() -> None:
    assert score_class(_result("a", "graded", True)) == "score-full"
    assert score_class(_result("b", "graded", False)) == "score-part"
    zero = SubmissionResult("z", "z.ipynb", "demo", "graded", "0/2 checks pass", CheckReport(
        "demo", (CheckResult("a", "first", "fail"), CheckResult("b", "b", "not-checked"))))
    assert zero.score == 0 and score_class(zero) == "score-none"  # never green
    assert score_class(_result("c", "timeout", True)) == "score-none"


def test_the_page_and_the_files(tmp_path: Path) -> None:
    report = _report()
    page = render_html(report)
    assert "<b>1 of 4</b> passed" in page and "<b>50%</b>" in page and "25%" in page
    assert "title='saw &lt;this&gt; — hint: think about it'" in page
    assert "<b>3 learners</b> failed <code>b</code> alike" in page
    csv_path, html_path = write_reports(report, tmp_path)
    assert csv_path.read_text().count("\n") == 5 and html_path.is_file()
    grades = list(csv.reader((tmp_path / "grades.csv").open()))
    assert grades[0] == ["learner", "setup", "a", "b", "total", "out_of", "score"]
    assert grades[1] == ["ann", "1", "1", "1", "2", "2", "1.00"]
    feedback = (tmp_path / "feedback" / "bob.html").read_text()
    assert "hint: think about it" in feedback and "Step 1/2  Dockerfile:1" in feedback
    assert "(setup: not counted)" in feedback
    assert SubmissionResult.from_dict(report.results[1].to_dict()) == report.results[1]


def _engine_lost(learner: str) -> SubmissionResult:
    checks = (CheckResult("setup", "the given files", "pass", counts=False),
              CheckResult("a", "first", "pass"),
              CheckResult("b", "second", "engine-error", "the Docker engine stopped answering"))
    return SubmissionResult(learner, f"{learner}.ipynb", "demo", "engine-error", "lost",
                            CheckReport("demo", checks))


def test_an_engine_outage_is_no_score_at_all(tmp_path: Path) -> None:
    report = ClassReport("demo", "run1", (_result("ann", "graded", True), _engine_lost("eve")),
                         ("setup", "a", "b"))
    assert report.median_score == 1.0  # eve's 50% is not a judgement of eve
    assert [r.learner for r in report.engine_errors] == ["eve"]
    assert "1 submission(s) NOT GRADED" in report.summary()
    write_reports(report, tmp_path)
    grades = {row[0]: row for row in csv.reader((tmp_path / "grades.csv").open())}
    assert grades["eve"][1:] == ["", "", "", "", "", ""]  # blank, never a 0 to import
    assert "engine error" in (tmp_path / "report.html").read_text()


def test_a_partial_report_is_marked_and_never_replaces_a_finished_one(tmp_path: Path) -> None:
    finished = _report()
    write_reports(finished, tmp_path)
    before = (tmp_path / "report.html").read_text()
    partial = ClassReport("demo", "run2", (_result("ann", "graded", True),), ("setup", "a", "b"),
                          complete=False, expected=4)
    csv_path, html_path = write_reports(partial, tmp_path)
    assert html_path.name == "report.partial.html" and csv_path.name == "report.partial.csv"
    assert "PARTIAL REPORT: 1 of 4 submissions graded" in html_path.read_text()
    assert (tmp_path / "report.html").read_text() == before
    write_reports(finished, tmp_path)  # the run finishes: the partial files go
    assert not list(tmp_path.glob("*.partial.*"))


@pytest.fixture()
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A real file system with no space left (a 256 KiB tmpfs, filled)."""
    folder = tmp_path / "small"
    folder.mkdir()
    if os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)],
            capture_output=True, check=False).returncode != 0:
        pytest.skip("mounting a tmpfs needs root")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def test_a_full_disk_is_a_typed_error_and_the_old_report_stays(full_disk: Path) -> None:
    write_reports(_report(), full_disk)
    before = {p.name: p.read_bytes() for p in full_disk.iterdir() if p.is_file()}
    filler = os.open(full_disk / "filler", os.O_WRONLY | os.O_CREAT)  # as executed notebooks
    with contextlib.suppress(OSError):
        while True:
            os.write(filler, b"\0" * 4096)
    os.close(filler)
    bigger = ClassReport("demo", "run3", tuple(_result(f"learner{i:02d}", "graded", i % 2 == 0)
                                               for i in range(40)), ("setup", "a", "b"))
    with pytest.raises(ReportWriteError, match="No space left on device") as raised:
        write_reports(bigger, full_disk)
    assert "unchanged" in str(raised.value) and raised.value.fix
    after = {p.name: p.read_bytes() for p in full_disk.iterdir()
             if p.is_file() and p.name != "filler"}
    assert after == before  # every file as it was, and no temporary one left
    assert not list(full_disk.rglob(".*.tmp"))
