from __future__ import annotations

import csv
from pathlib import Path

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
