from __future__ import annotations

from pathlib import Path

from balena_lab.exercises import CheckReport, CheckResult, ClassReport, SubmissionResult
from balena_lab.exercises.report import render_html, write_reports


def _result(learner: str, status: str, passed: bool) -> SubmissionResult:
    checks = (CheckResult("a", "first", "pass"),
              CheckResult("b", "second", "pass") if passed else
              CheckResult("b", "second", "fail", "saw <this>", "think about it"))
    return SubmissionResult(learner, f"{learner}.ipynb", "demo", status, "a line",
                            CheckReport("demo", checks), notes=("a note",), seconds=1.5,
                            kernel_start=0.7)


def test_report_rates_lines_and_files(tmp_path: Path) -> None:
    report = ClassReport("demo", "run1", (_result("ann", "graded", True),
                                          _result("bob", "graded", False),
                                          _result("cy", "timeout", False)), ("a", "b"),
                         skipped=("x.txt: not a .ipynb file, left out",), wall_seconds=3,
                         jobs=2, timeout=60)
    assert report.pass_rates() == {"a": 1.0, "b": 1 / 3}
    assert report.by_status() == {"graded": 2, "timeout": 1}
    assert any("cy" in line and "timeout" in line for line in report.lines())
    page = render_html(report)
    assert "saw &lt;this&gt;" in page and "hint: think about it" in page and "33%" in page
    assert "<h3 id='cy'>" not in page  # its one line in the table says it all
    csv_path, html_path = write_reports(report, tmp_path)
    assert csv_path.read_text().count("\n") == 4 and html_path.is_file()
    assert SubmissionResult.from_dict(report.results[1].to_dict()) == report.results[1]
