"""The class report: one row per learner, pass rates per check, failures with hints.

Written as ``report.csv`` (one row per learner, one column per check) and
``report.html`` (a page a teacher can open: scores, one clear line about how
grading went for each learner, pass rate of every check, and each learner's
failures with the hint they would see).  Answers are never shown.
"""

from __future__ import annotations

import csv
import html
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._values import JsonValue
from .submission import SubmissionResult

CSV_NAME = "report.csv"
HTML_NAME = "report.html"


@dataclass(frozen=True)
class ClassReport(JsonValue):
    exercise: str
    run_id: str
    results: tuple[SubmissionResult, ...]
    check_ids: tuple[str, ...]
    skipped: tuple[str, ...] = ()
    wall_seconds: float = 0.0
    jobs: int = 1
    timeout: float = 0.0
    images_removed: tuple[str, ...] = ()
    images_kept: bool = False
    output_dir: str = ""

    def pass_rates(self) -> dict[str, float]:
        """check id -> share of learners who pass it."""
        count = len(self.results) or 1
        return {cid: sum(1 for r in self.results for c in r.report.results
                         if c.id == cid and c.passed) / count for cid in self.check_ids}

    def by_status(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for result in self.results:
            out[result.status] = out.get(result.status, 0) + 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"exercise": self.exercise, "run_id": self.run_id,
                "wall_seconds": self.wall_seconds, "jobs": self.jobs, "timeout": self.timeout,
                "pass_rates": self.pass_rates(), "skipped": list(self.skipped),
                "images_removed": list(self.images_removed),
                "results": [r.to_dict() for r in self.results]}

    def lines(self) -> list[str]:
        """One plain line per learner, as the CLI prints them."""
        width = max((len(r.learner) for r in self.results), default=0)
        out = []
        for r in self.results:
            line = f"{r.learner.ljust(width)}  {r.passed}/{r.total}  {r.status:<14} {r.message}"
            out.extend([line, *(f"{' ' * width}    - {note}" for note in r.notes)])
        out.extend(f"skipped: {s}" for s in self.skipped)
        return out

    def summary(self) -> str:
        statuses = ", ".join(f"{n} {s}" for s, n in sorted(self.by_status().items()))
        images = ("images kept" if self.images_kept
                  else f"{len(self.images_removed)} image(s) removed")
        return (f"{self.exercise}: {len(self.results)} submissions graded in "
                f"{self.wall_seconds:.1f} s with {self.jobs} job(s) ({statuses}); {images}")


def write_csv(report: ClassReport, path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["learner", "file", "status", "score", "passed", "total",
                         *report.check_ids, "seconds", "notebook_seconds",
                         "kernel_start_seconds", "message", "notes"])
        for r in report.results:
            statuses = {c.id: c.status for c in r.report.results}
            writer.writerow([
                r.learner, r.file, r.status, f"{r.score:.2f}", r.passed, r.total,
                *(statuses.get(cid, "") for cid in report.check_ids),
                f"{r.seconds:.2f}", f"{r.execution_seconds:.2f}",
                "" if r.kernel_start is None else f"{r.kernel_start:.2f}",
                r.message, " | ".join(r.notes),
            ])


_STYLE = """<style>
body{font-family:system-ui,sans-serif;margin:2em;max-width:70em}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;
text-align:left;vertical-align:top}.graded{color:#1a7f37}.bad{color:#cf222e;font-weight:bold}
.fail{color:#cf222e}.pass{color:#1a7f37}.skip{color:#6e7781}small{color:#555}
</style>"""


def _status_class(result: SubmissionResult) -> str:
    return "graded" if result.status == "graded" else "bad"


def render_html(report: ClassReport) -> str:
    esc = html.escape
    rows = []
    for r in report.results:
        notes = "".join(f"<br><small>{esc(n)}</small>" for n in r.notes)
        executed = (f"<a href='{esc(r.executed)}'>executed copy</a>" if r.executed else "")
        rows.append(
            f"<tr><td><a href='#{esc(r.learner)}'>{esc(r.learner)}</a><br><small>{esc(r.file)}"
            f"</small></td><td>{r.passed}/{r.total}</td>"
            f"<td class='{_status_class(r)}'>{esc(r.status)}</td><td>{esc(r.message)}{notes}</td>"
            f"<td>{r.seconds:.1f} s</td><td>{executed}</td></tr>")
    rates = report.pass_rates()
    rate_rows = "".join(
        f"<tr><td><code>{esc(cid)}</code></td><td>{rates[cid] * 100:.0f}%</td></tr>"
        for cid in report.check_ids)
    failures = []
    for r in report.results:
        failed = [c for c in r.report.results if not c.passed]
        if not failed or r.status != "graded":  # the learner table has its one line
            continue
        items = "".join(
            f"<li><span class='{c.status}'>{esc(c.status.upper())}</span> <code>{esc(c.id)}"
            f"</code> {esc(c.description)}" + (f"<br><small>{esc(c.detail)}</small>" if c.detail
                                                else "")
            + (f"<br><i>hint: {esc(c.hint)}</i>" if c.hint else "") + "</li>" for c in failed)
        failures.append(f"<h3 id='{esc(r.learner)}'>{esc(r.learner)}</h3><ul>{items}</ul>")
    times = [r.seconds for r in report.results]
    kernel = [r.kernel_start for r in report.results if r.kernel_start is not None]
    timing = (f"median per submission {statistics.median(times):.1f} s, slowest "
              f"{max(times):.1f} s" if times else "")
    if kernel:
        timing += f"; median kernel start {statistics.median(kernel):.2f} s"
    skipped = "".join(f"<li>{esc(s)}</li>" for s in report.skipped)
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{esc(report.exercise)}: "
        f"class report</title>{_STYLE}</head><body><h1>{esc(report.exercise)}: class report</h1>"
        f"<p>{esc(report.summary())}</p><p>{esc(timing)}; time limit {report.timeout:g} s per "
        f"notebook; run <code>{esc(report.run_id)}</code></p>"
        "<h2>Learners</h2><table><tr><th>learner</th><th>score</th><th>status</th>"
        f"<th>grading</th><th>time</th><th></th></tr>{''.join(rows)}</table>"
        f"<h2>Checks</h2><table><tr><th>check</th><th>pass rate</th></tr>{rate_rows}</table>"
        + (f"<h2>Left out</h2><ul>{skipped}</ul>" if skipped else "")
        + f"<h2>Failures, with the hints learners see</h2>{''.join(failures) or '<p>none</p>'}"
        + "</body></html>")


def write_reports(report: ClassReport, output_dir: str | Path) -> tuple[Path, Path]:
    output = Path(output_dir)
    csv_path, html_path = output / CSV_NAME, output / HTML_NAME
    write_csv(report, csv_path)
    html_path.write_text(render_html(report), encoding="utf-8")
    return csv_path, html_path
