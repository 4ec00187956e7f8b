"""The class report a teacher reads in five seconds, and each learner's feedback.

Files written to the grading run's output folder:

- ``report.html``: at the top, how many learners passed, the median score and a
  pass-rate bar for every check; then a learner x check grid (pass, fail, not
  checked, error), lowest scores last, each cell's detail and hint on hover and
  in the row's expandable feedback; then the mistakes several learners made
  alike, grouped; then how grading went (times, limits, files left out).
- ``grades.csv``: one row per learner, one column per check (1 pass, 0 not),
  the total and the score: what a learning platform imports.
- ``report.csv``: the same with every detail (status, times, messages).
- ``feedback/<learner>.html``: one page per learner, as nbgrader's feedback:
  their checks, hints and the output of their build.
- while the run goes on, ``report.partial.html``, ``report.partial.csv`` and
  ``grades.partial.csv``, rewritten after each result and removed when the
  run finishes: what a killed or interrupted grader leaves, marked partial.

Learners whose checks the engine's outage cut short (``engine-error``) get no
score: their row in ``grades.csv`` is blank, never a 0.

A learner's answer is never shown, only what the checks saw.
"""

from __future__ import annotations

import csv
import html
import io
import os
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._values import JsonValue
from ..errors import ReportWriteError
from .core import MARKS, CheckResult
from .submission import SubmissionResult

CSV_NAME = "report.csv"
GRADES_NAME = "grades.csv"
HTML_NAME = "report.html"
FEEDBACK_DIR = "feedback"
#: Cell marks of the grid, by check status.
GRID_MARKS = {"pass": "✓", "fail": "✗", "not-checked": "not checked", "error": "error",
              "skip": "skipped", "engine-error": "engine error"}


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
    #: False while the run goes on (the report is rewritten after each result), and in
    #: what a grader that was killed or interrupted left behind.
    complete: bool = True
    expected: int = 0  # submissions found; len(results) of them are graded so far

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

    @property
    def passed_learners(self) -> int:
        """Learners whose every counted check passes."""
        return sum(1 for r in self.results if r.status == "graded" and r.total
                   and r.passed == r.total)

    @property
    def engine_errors(self) -> tuple[SubmissionResult, ...]:
        """Submissions the engine's outage left ungraded: no score, to be graded again."""
        return tuple(r for r in self.results if r.status == "engine-error")

    @property
    def median_score(self) -> float:
        """The median over the submissions that were judged (engine outages left out)."""
        scores = [r.score for r in self.results if r.status != "engine-error"]
        return statistics.median(scores) if scores else 0.0

    def ranked(self) -> list[SubmissionResult]:
        """Highest score first; ties by learner."""
        return sorted(self.results, key=lambda r: (-r.score, r.learner))

    def common_mistakes(self, least: int = 2) -> list[tuple[str, str, list[str]]]:
        """(check id, what the check saw, learners) for a failure ``least`` or more
        learners share word for word, most shared first."""
        seen: dict[tuple[str, str], list[str]] = {}
        for r in self.results:
            for c in r.report.results:
                if c.status == "fail" and c.detail:
                    seen.setdefault((c.id, c.detail), []).append(r.learner)
        groups = [(cid, detail, names) for (cid, detail), names in seen.items()
                  if len(names) >= least]
        return sorted(groups, key=lambda group: -len(group[2]))

    def to_dict(self) -> dict[str, Any]:
        return {"exercise": self.exercise, "run_id": self.run_id, "complete": self.complete,
                "expected": max(self.expected, len(self.results)),
                "wall_seconds": self.wall_seconds, "jobs": self.jobs, "timeout": self.timeout,
                "passed_learners": self.passed_learners, "median_score": self.median_score,
                "pass_rates": self.pass_rates(), "skipped": list(self.skipped),
                "images_removed": list(self.images_removed),
                "results": [r.to_dict() for r in self.results]}

    def lines(self) -> list[str]:
        """One plain line per learner, as the CLI prints them."""
        width = max((len(r.learner) for r in self.results), default=0)
        out = []
        for r in self.ranked():
            line = f"{r.learner.ljust(width)}  {r.passed}/{r.total}  {r.status:<14} {r.message}"
            out.extend([line, *(f"{' ' * width}    - {note}" for note in r.notes)])
        out.extend(f"skipped: {s}" for s in self.skipped)
        return out

    def partial_note(self) -> str | None:
        """The warning a partial report carries, or None when the run finished."""
        if self.complete:
            return None
        from .context import GRADING_RUN_LABEL  # the grading's own modules, loaded by now

        return (f"PARTIAL REPORT: {len(self.results)} of {max(self.expected, len(self.results))} "
                "submissions graded so far; the grading run had not finished (still "
                "running, interrupted or killed). If it was killed, its images may remain: "
                f"balena-lab images prune --label {GRADING_RUN_LABEL}={self.run_id}")

    def summary(self) -> str:
        statuses = ", ".join(f"{n} {s}" for s, n in sorted(self.by_status().items()))
        images = ("images kept" if self.images_kept
                  else f"{len(self.images_removed)} image(s) removed")
        text = (f"{self.exercise}: {self.passed_learners} of {len(self.results)} passed, "
                f"median score {self.median_score:.0%}; graded in {self.wall_seconds:.1f} s "
                f"with {self.jobs} job(s) ({statuses}); {images}")
        if self.engine_errors:
            text += (f"\n{len(self.engine_errors)} submission(s) NOT GRADED: the Docker engine "
                     "stopped answering and did not come back in time; start it and grade again")
        return text


def csv_text(report: ClassReport) -> str:
    """``report.csv``: every learner with every detail."""
    with io.StringIO(newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["learner", "file", "status", "score", "passed", "total",
                         *report.check_ids, "seconds", "notebook_seconds",
                         "kernel_start_seconds", "message", "notes"])
        for r in report.ranked():
            statuses = {c.id: c.status for c in r.report.results}
            writer.writerow([
                r.learner, r.file, r.status, _score(r), r.passed, r.total,
                *(statuses.get(cid, "") for cid in report.check_ids),
                f"{r.seconds:.2f}", f"{r.execution_seconds:.2f}",
                "" if r.kernel_start is None else f"{r.kernel_start:.2f}",
                r.message, " | ".join(r.notes),
            ])
        return handle.getvalue()


def grades_text(report: ClassReport) -> str:
    """``grades.csv``: one row per learner, 1 or 0 per check, the total, the score."""
    with io.StringIO(newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["learner", *report.check_ids, "total", "out_of", "score"])
        for r in sorted(report.results, key=lambda r: r.learner):
            if r.status == "engine-error":  # not graded: blank, never a 0 to import
                writer.writerow([r.learner, *("" for _ in report.check_ids), "", "", ""])
                continue
            passed = {c.id for c in r.report.results if c.passed}
            writer.writerow([r.learner, *(int(cid in passed) for cid in report.check_ids),
                             r.passed, r.total, _score(r)])
        return handle.getvalue()


def _score(result: SubmissionResult) -> str:
    return "" if result.status == "engine-error" else f"{result.score:.2f}"


_STYLE = """<style>
body{font-family:system-ui,sans-serif;margin:1.5em;max-width:80em;font-size:16px}
table{border-collapse:collapse;margin:.8em 0}td,th{border:1px solid #ccc;padding:.3em .6em;
text-align:left;vertical-align:top}th{background:#f4f4f4}
.headline{font-size:1.6em;margin:.2em 0}.bar{background:#eee;width:14em;height:1em;
display:inline-block;vertical-align:middle}.bar span{background:#1a7f37;height:1em;display:block}
td.pass{color:#1a7f37;text-align:center}td.fail{color:#fff;background:#cf222e;text-align:center}
td.not-checked,td.skip{color:#6e7781;text-align:center;font-size:.85em}
td.error,td.engine-error{color:#000;background:#f2cc60;text-align:center}
.score-full{background:#dafbe1}.score-part{background:#fff8c5}.score-none{background:#ffebe9}
.status-bad{color:#cf222e;font-weight:bold}
.partial{background:#f2cc60;padding:.6em;font-size:1.2em;font-weight:bold}small{color:#555}details{margin:.2em 0}
</style>"""


def score_class(result: SubmissionResult) -> str:
    """The colour class of a learner's row: it follows the outcome, never "graded" alone."""
    if result.status != "graded" or result.score == 0:
        return "score-none"
    return "score-full" if result.score == 1 else "score-part"


def _title(check: CheckResult) -> str:
    return " — ".join(part for part in (check.detail, f"hint: {check.hint}" if check.hint
                                        else "") if part)


def _grid_row(report: ClassReport, r: SubmissionResult) -> str:
    esc = html.escape
    by_id = {c.id: c for c in r.report.results}
    cells = []
    for cid in report.check_ids:
        check = by_id.get(cid)
        status = check.status if check else "not-checked"
        if r.status not in ("graded", "engine-error"):
            status = "error" if status != "pass" else status
        tip = esc(_title(check) if check else "")
        cells.append(f"<td class='{status}' title='{tip}'>{esc(GRID_MARKS[status])}</td>")
    how = ("" if r.status == "graded"
           else f" <span class='status-bad'>{esc(r.status)}</span>")
    return (f"<tr class='{score_class(r)}' data-learner='{esc(r.learner)}'>"
            f"<td><a href='{FEEDBACK_DIR}/{esc(r.learner)}.html'>{esc(r.learner)}</a>{how}"
            f"</td><td>{r.passed}/{r.total}</td>{''.join(cells)}</tr>")


def render_html(report: ClassReport) -> str:
    esc = html.escape
    rates = report.pass_rates()
    bars = "".join(
        f"<tr><td><code>{esc(cid)}</code></td><td><span class='bar'><span style='width:"
        f"{rates[cid] * 100:.0f}%'></span></span> {rates[cid] * 100:.0f}%</td></tr>"
        for cid in report.check_ids)
    setup = {c.id for r in report.results for c in r.report.results if not c.counts}
    header = "".join(f"<th><code>{esc(cid)}</code>" + ("<br><small>setup, not counted</small>"
                                                        if cid in setup else "") + "</th>"
                     for cid in report.check_ids)
    ranked = report.ranked()
    grid = "".join(_grid_row(report, r) for r in ranked)
    details = "".join(_details(r) for r in ranked if r.status != "graded" or r.score < 1)
    mistakes = "".join(
        f"<li><b>{len(names)} learners</b> failed <code>{esc(cid)}</code> alike: "
        f"{esc(detail)}<br><small>{esc(', '.join(names))}</small></li>"
        for cid, detail, names in report.common_mistakes())
    times = [r.seconds for r in report.results]
    timing = (f"median per submission {statistics.median(times):.1f} s, slowest "
              f"{max(times):.1f} s; " if times else "")
    skipped = "".join(f"<li>{esc(s)}</li>" for s in report.skipped)
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{esc(report.exercise)}: "
        f"class report</title>{_STYLE}</head><body><h1>{esc(report.exercise)}</h1>"
        + (f"<p class='partial' id='partial'>{esc(note)}</p>"
           if (note := report.partial_note()) else "")
        + 
        f"<p class='headline' id='headline'><b>{report.passed_learners} of "
        f"{len(report.results)}</b> passed &middot; median score "
        f"<b>{report.median_score:.0%}</b></p>"
        f"<table id='pass-rates'><tr><th>check</th><th>learners who pass it</th></tr>{bars}"
        "</table><h2>Learners and checks</h2>"
        "<p><small>Highest score first. Hover a cell for what the check saw and its hint; "
        "a learner's name opens their feedback.</small></p>"
        f"<table id='grid'><tr><th>learner</th><th>score</th>{header}</tr>{grid}</table>"
        + (f"<h2>The same mistake, several learners</h2><ul id='mistakes'>{mistakes}</ul>"
           if mistakes else "")
        + (f"<h2>What each learner missed</h2>{details}" if details else "")
        + f"<h2>Grading</h2><p>{esc(report.summary())}</p><p>{esc(timing)}time limit "
        f"{report.timeout:g} s per notebook; run <code>{esc(report.run_id)}</code>; "
        f"<a href='{GRADES_NAME}'>{GRADES_NAME}</a>, <a href='{CSV_NAME}'>{CSV_NAME}</a></p>"
        + (f"<h3>Left out</h3><ul>{skipped}</ul>" if skipped else "")
        + "</body></html>")


def _details(r: SubmissionResult) -> str:
    esc = html.escape
    failed = [c for c in r.report.results if c.status in ("fail", "error")]
    items = "".join(
        f"<li><code>{esc(c.id)}</code> {esc(c.description)}"
        + (f"<br><small>{esc(c.detail)}</small>" if c.detail else "")
        + (f"<br><i>hint: {esc(c.hint)}</i>" if c.hint else "") + "</li>" for c in failed)
    notes = "".join(f"<li><small>{esc(n)}</small></li>" for n in r.notes)
    said = "" if r.message == f"{r.passed}/{r.total} checks pass" else f": {esc(r.message)}"
    return (f"<details id='{esc(r.learner)}'><summary><b>{esc(r.learner)}</b> {r.passed}/"
            f"{r.total}{said}</summary><ul>{items}{notes}</ul></details>")


def render_feedback(report: ClassReport, r: SubmissionResult) -> str:
    """One learner's page: every check with what it saw and its hint, and the build log."""
    esc = html.escape
    rows = "".join(
        f"<tr><td class='{c.status}'>{esc(MARKS[c.status])}</td><td>{esc(c.description)}"
        + ("" if c.counts else " <small>(setup: not counted)</small>")
        + (f"<br><small>{esc(c.detail)}</small>" if c.detail else "")
        + (f"<br><i>hint: {esc(c.hint)}</i>" if c.hint else "") + "</td></tr>"
        for c in r.report.results)
    notes = "".join(f"<li>{esc(n)}</li>" for n in r.notes)
    log = "\n".join(r.report.build_log)
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{esc(r.learner)}: "
        f"{esc(report.exercise)}</title>{_STYLE}</head><body><h1>{esc(report.exercise)}: "
        f"feedback for {esc(r.learner)}</h1><p class='headline {score_class(r)}'>{r.passed} of "
        f"{r.total} checks pass</p><p>{esc(r.message)}</p>"
        + (f"<ul>{notes}</ul>" if notes else "")
        + f"<table>{rows}</table>"
        + (f"<h2>Your build</h2><pre>{esc(log)}</pre>" if log else "")
        + "</body></html>")


def write_reports(report: ClassReport, output_dir: str | Path) -> tuple[Path, Path]:
    """Write every file of the report; returns (report.csv, report.html).

    A report that is not complete goes to ``report.partial.html`` (and
    ``.csv``), so that a run that never finishes leaves those, marked, beside
    the last finished report.  All or nothing: each file is written beside its final name first and
    renamed over it only once every file is written, so a full disk leaves
    the previous report as it was (and no half-written file) and raises
    :class:`ReportWriteError`.
    """
    output = Path(output_dir)
    files = {
        **{Path(FEEDBACK_DIR) / f"{r.learner}.html": render_feedback(report, r)
           for r in report.results},
        Path(_named(GRADES_NAME, report)): grades_text(report),
        Path(_named(CSV_NAME, report)): csv_text(report),
        Path(_named(HTML_NAME, report)): render_html(report),  # last: the page a teacher opens
    }
    written: list[tuple[Path, Path]] = []
    try:
        (output / FEEDBACK_DIR).mkdir(parents=True, exist_ok=True)
        for relative, text in files.items():
            final = output / relative
            temporary = final.with_name(f".{final.name}.{os.getpid()}.tmp")
            written.append((temporary, final))
            temporary.write_text(text, encoding="utf-8", newline="")
    except OSError as error:
        for temporary, _ in written:
            temporary.unlink(missing_ok=True)
        where = written[-1][1] if written else output / FEEDBACK_DIR
        raise ReportWriteError(
            f"{where}: the class report could not be written ({error.strerror or error}); "
            "the previous report, if any, is unchanged",
            fix=f"free space in {output} (or choose another --output) and grade again") from None
    for temporary, final in written:
        os.replace(temporary, final)
    if report.complete:  # the finished report replaces what the run wrote on the way
        for name in (GRADES_NAME, CSV_NAME, HTML_NAME):
            (output / _named(name, report, partial=True)).unlink(missing_ok=True)
    return output / _named(CSV_NAME, report), output / _named(HTML_NAME, report)


def _named(name: str, report: ClassReport, partial: bool | None = None) -> str:
    """``report.csv``, or ``report.partial.csv`` for a run that has not finished: a partial
    report never replaces a finished one, nor passes for one."""
    partial = not report.complete if partial is None else partial
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.partial{dot}{suffix}" if partial else name
