"""Lint results as values: a :class:`Finding` per problem, a :class:`LintReport` per file."""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any, Literal

from .._markup import prose_html
from .._values import JsonValue

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class Finding(JsonValue):
    """One problem: which rule, how bad, where (lines of the Dockerfile), and why.

    ``tool`` is ``balena-lab`` for our BLxxx rules, ``hadolint`` for DLxxxx/SCxxxx.
    """

    rule: str
    severity: Severity
    start_line: int
    end_line: int
    message: str
    link: str
    tool: str = "balena-lab"

    @property
    def lines(self) -> str:
        if self.start_line == self.end_line:
            return str(self.start_line)
        return f"{self.start_line}-{self.end_line}"

    def __str__(self) -> str:
        return f"{self.lines}: {self.severity} {self.rule} {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class LintReport(JsonValue):
    """All findings for one Dockerfile, sorted by line then severity."""

    path: str | None
    findings: tuple[Finding, ...]
    template: bool = False

    @property
    def counts(self) -> dict[Severity, int]:
        counted = Counter(f.severity for f in self.findings)
        return {severity: counted.get(severity, 0) for severity in SEVERITIES}

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    def rules(self) -> list[str]:
        """The rule ids found, in order, e.g. ``["BL001", "BL004"]``."""
        return [f.rule for f in self.findings]

    def summary(self) -> str:
        counts = self.counts
        return ", ".join(
            f"{counts[s]} {s}{'s' if counts[s] != 1 and s != 'info' else ''}" for s in SEVERITIES
        )

    def __str__(self) -> str:
        name = self.path or "Dockerfile"
        lines = [
            f"{name}:{f.lines}: {f.severity} {f.rule} {f.message}\n    see {f.link}"
            for f in self.findings
        ]
        lines.append(f"{name}: {self.summary() if self.findings else 'no findings'}")
        return "\n".join(lines) + "\n"

    def _repr_html_(self) -> str:
        if not self.findings:
            return f"<p>{html.escape(self.path or 'Dockerfile')}: no findings ✓</p>"
        colours = {"error": "#c62828", "warning": "#ef6c00", "info": "#1565c0"}
        rows = "".join(
            f"<tr><td>{f.lines}</td>"
            f"<td style='color:{colours[f.severity]}'>{f.severity}</td>"
            f"<td><a href='{html.escape(f.link)}' target='_blank'>{html.escape(f.rule)}</a></td>"
            f"<td style='text-align:left'>{prose_html(f.message)}</td></tr>"
            for f in self.findings
        )
        return (
            f"<table><caption>{html.escape(self.path or 'Dockerfile')}: "
            f"{html.escape(self.summary())}</caption>"
            "<tr><th>line</th><th>severity</th><th>rule</th><th>message</th></tr>"
            f"{rows}</table>"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "template": self.template,
            "counts": self.counts,
            "findings": [f.to_dict() for f in self.findings],
        }
