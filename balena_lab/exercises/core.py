"""Checks, their results and the exercises they belong to: small values, one registry.

A :class:`Check` is an id, a one-line description, a hint and a function.
The function gets the :class:`~.context.CheckContext` of one answer and
returns ``None`` when the check passes, or a short string saying what it saw
instead.  That string describes the learner's own work (a build error, the
file that won), never the expected answer; the hint is fixed text written
so that it nudges without giving the answer away.

An :class:`Exercise` names the page section it teaches, the variables the
learner's cells define (each becomes a file of the project), the files the
exercise gives, and its checks, in order.  :mod:`.catalog` lists them.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from .._markup import prose_html
from .._values import JsonValue
from .limits import DEFAULT_TIMEOUT

if TYPE_CHECKING:
    from .context import CheckContext

#: ``not-checked``: the check could not run because an earlier one failed (one root cause
#: gives one failure); ``error``: the check itself broke (a bug, never the learner's fault);
#: ``engine-error``: the Docker engine stopped answering, so the answer was not judged.
Status = Literal["pass", "fail", "skip", "not-checked", "error", "engine-error"]
MARKS: dict[str, str] = {"pass": "PASS", "fail": "FAIL", "skip": "SKIP",
                         "not-checked": "NOT CHECKED", "error": "ERROR",
                         "engine-error": "ENGINE ERROR"}
CheckFunction = Callable[["CheckContext"], "str | None"]


class CheckFailed(Exception):
    """Raised inside a check function: the check fails with this message as its detail."""


@dataclass(frozen=True)
class Check:
    """One thing an answer must get right.

    ``needs_engine``: the check builds or runs an image, so it is skipped
    when a self-check is asked for static checks only.  ``after``: ids of
    checks that must pass first; when one fails this one is "not checked"
    (no hint: the failure that stopped it has one).  ``counts``: the check
    shows the learner's work and counts in the score; False for a check that
    only confirms the setup (the given project is there, the answer parses),
    which is shown but not counted.  An exercise orders its checks so that
    an untouched starter scores 0: a counted check a starter would pass by
    itself comes ``after`` the check of the learner's own change.
    """

    id: str
    description: str
    hint: str
    function: CheckFunction = field(repr=False, compare=False)
    needs_engine: bool = False
    after: tuple[str, ...] = ()
    counts: bool = True


@dataclass(frozen=True)
class CheckResult(JsonValue):
    """The outcome of one check on one answer."""

    id: str
    description: str
    status: Status
    detail: str = ""  # what was seen (failures), or why it was skipped or not checked
    hint: str = ""  # only on failures
    counts: bool = True  # counted in the score (False: a setup check, shown only)

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        text = f"{MARKS[self.status]}  {self.id}: {self.description}"
        if not self.counts:
            text += " (setup: not counted)"
        if self.detail:
            text += f"\n      {self.detail}"
        if self.hint:
            text += f"\n      hint: {self.hint}"
        return text


@dataclass(frozen=True)
class CheckReport(JsonValue):
    """Every check of one exercise on one answer; prints as a list, shows as a table."""

    exercise: str
    results: tuple[CheckResult, ...]
    problems: tuple[str, ...] = ()  # about the answer as a whole (a missing variable, ...)
    build_log: tuple[str, ...] = ()  # what the checks' builds printed (for feedback)

    @property
    def counted(self) -> tuple[CheckResult, ...]:
        """The results the score is made of (setup checks left out)."""
        return tuple(r for r in self.results if r.counts)

    @property
    def passed(self) -> int:
        """Counted checks that pass."""
        return sum(1 for r in self.counted if r.passed)

    @property
    def total(self) -> int:
        """Counted checks."""
        return len(self.counted)

    @property
    def score(self) -> float:
        return self.passed / self.total if self.total else 0.0

    @property
    def engine_failed(self) -> bool:
        """Did the engine stop answering during these checks (so the score means nothing)?"""
        return any(r.status == "engine-error" for r in self.results)

    @property
    def all_passed(self) -> bool:
        """Every check passes, setup checks included."""
        return bool(self.results) and all(r.passed for r in self.results)

    def to_dict(self) -> dict[str, Any]:
        return {"exercise": self.exercise, "passed": self.passed, "total": self.total,
                "score": self.score, "problems": list(self.problems),
                "results": [r.to_dict() for r in self.results],
                "build_log": list(self.build_log)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CheckReport:
        results = tuple(CheckResult(**item) for item in data.get("results", ()))
        return cls(str(data["exercise"]), results, tuple(data.get("problems", ())),
                   tuple(data.get("build_log", ())))

    def __str__(self) -> str:
        head = f"{self.exercise}: {self.passed}/{self.total} checks pass"
        lines = [head, *(f"  note: {p}" for p in self.problems)]
        lines.extend(r.line() for r in self.results)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        esc = html.escape
        colour = {"pass": "#1a7f37", "fail": "#cf222e", "skip": "#6e7781",
                  "not-checked": "#6e7781", "error": "#9a6700", "engine-error": "#9a6700"}
        rows = "".join(
            f"<tr><td style='color:{colour[r.status]}'><b>{MARKS[r.status]}</b></td>"
            f"<td><code>{esc(r.id)}</code></td><td>{prose_html(r.description)}"
            + ("" if r.counts else " <small>(setup: not counted)</small>")
            + (f"<br><small>{esc(r.detail)}</small>" if r.detail else "")
            + (f"<br><i>hint: {prose_html(r.hint)}</i>" if r.hint else "")
            + "</td></tr>"
            for r in self.results
        )
        notes = "".join(f"<li>{esc(p)}</li>" for p in self.problems)
        return (f"<div><p><b>{esc(self.exercise)}</b>: {self.passed}/{self.total} "
                "checks pass</p>"
                + (f"<ul>{notes}</ul>" if notes else "")
                + f"<table>{rows}</table></div>")


@dataclass(frozen=True)
class Exercise:
    """One exercise: what the learner writes, what is given, and how it is checked.

    ``answers`` maps each variable a learner cell defines to the project file
    it becomes (``{"DOCKERFILE": "Dockerfile"}``); ``cells`` maps the tag of
    each learner cell to the variables it is expected to define.  ``given``
    are the project files the exercise provides (text or bytes), as the
    learner sees them.  ``stamped``, given a check run's random marker,
    returns files written over the given ones for that run only (the same
    program, also printing a word made from the marker that its source does
    not spell out): a check that sees the word knows the learner's own
    instructions ran that file, which no reading of the checks can fake.
    """

    name: str
    title: str
    section: str  # the page section it teaches
    notebook: str  # the starter's file name in notebooks/exercises/
    answers: Mapping[str, str]
    cells: Mapping[str, tuple[str, ...]]
    checks: tuple[Check, ...]
    given: Mapping[str, str | bytes] = field(default_factory=dict)
    stamped: Callable[[str], Mapping[str, str | bytes]] | None = field(
        default=None, repr=False, compare=False)
    #: seconds a notebook of this exercise may run when graded (``--timeout`` overrides)
    time_limit: float = DEFAULT_TIMEOUT

    def __post_init__(self) -> None:
        ids = [c.id for c in self.checks]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{self.name}: duplicate check ids")
        for check in self.checks:
            if set(check.after) - set(ids[: ids.index(check.id)]):
                raise ValueError(f"{self.name}/{check.id}: 'after' names later or unknown checks")

    def check(self, id: str) -> Check:
        for check in self.checks:
            if check.id == id:
                return check
        raise KeyError(id)
