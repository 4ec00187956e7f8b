"""``balena-lab explain`` and ``balena-lab lint``: output and exit status 0, 1 or 2."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from balena_lab.cli import main


def _write(tmp_path: Path, text: str | bytes, name: str = "Dockerfile") -> str:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return str(path)


def test_lint_clean_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", _write(tmp_path, 'FROM a\nCMD ["x"]\n')]) == 0
    assert "no findings" in capsys.readouterr().out


def test_lint_warnings_only_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", _write(tmp_path, "FROM a\nADD x /\n")]) == 0
    assert "BL004" in capsys.readouterr().out


def test_lint_errors_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "FROM a\nCMD rm -rf /tmp/balena\n")
    assert main(["lint", path]) == 1
    out = capsys.readouterr().out
    assert f"{path}:2: error BL009 " in out


def test_lint_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "FROM a/%%BALENA_ARCH%%\n")
    assert main(["lint", path, "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["findings"][0]["rule"] == "BL012" and data["template"] is False


def test_lint_template_by_name_and_by_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "FROM a/%%BALENA_ARCH%%\n"
    assert main(["lint", _write(tmp_path, text, "Dockerfile.template")]) == 0
    assert main(["lint", "--template", _write(tmp_path, text)]) == 0
    assert main(["lint", "--no-template", _write(tmp_path, text, "Dockerfile.template")]) == 1


def test_lint_with_context(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "start.sh").write_text("#!/bin/sh\nrm -rf /tmp/*\n")
    path = _write(tmp_path, "FROM a\nCOPY start.sh /\nCMD /start.sh\n")
    assert main(["lint", path]) == 0
    assert main(["lint", path, "--context", str(tmp_path)]) == 1
    assert "start.sh line 2" in capsys.readouterr().out


def test_lint_with_missing_context_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "FROM a\nCOPY . /\n")
    assert main(["lint", path, "--context", "/nonexistent"]) == 2
    err = capsys.readouterr().err
    assert "/nonexistent" in err and "build context" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("content", "message", "line"),
    [
        (b"", "empty file", None),
        (b"FROM a\nRUN \xff\n", "not UTF-8", 2),
        (b"\x00\x01\x02", "binary", 1),
        (b'FROM a\nCMD ["a", 1]\n', "strings only", 2),
        (b"FROM a\nRUN <<EOF\nx\n", "unterminated heredoc", 2),
    ],
    ids=["empty", "non-utf8", "binary", "json-non-string", "unterminated-heredoc"],
)
@pytest.mark.parametrize("command", ["lint", "explain"])
def test_unusable_input_exits_2_naming_file_and_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: str,
    content: bytes,
    message: str,
    line: int | None,
) -> None:
    path = _write(tmp_path, content)
    assert main([command, path]) == 2
    err = capsys.readouterr().err
    where = f"{path}:{line}:" if line else f"{path}:"
    assert err.startswith(f"balena-lab: error: {where}") and message in err
    assert "Traceback" not in err


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(tmp_path / "nope")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b"FROM a\nRUN echo hi\n"))
    monkeypatch.setattr(sys, "stdin", stdin)
    assert main(["explain", "-"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("<stdin>: 2 instructions") and "/bin/sh -c 'echo hi'" in out


def test_explain_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "--json", _write(tmp_path, "FROM a\nCOPY a b\n")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [row["name"] for row in data["instructions"]] == ["FROM", "COPY"]


def test_unknown_instruction_and_continuation_at_eof_are_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lint", _write(tmp_path, "FROM a\nRUNN x\nRUN echo \\")]) == 1
    out = capsys.readouterr().out
    assert ":2: error BL016 " in out and ":3: warning BL017 " in out
