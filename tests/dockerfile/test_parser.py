"""The parser: what each instruction keeps, and typed errors for bad input."""

from __future__ import annotations

import json

import dockerfile
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from balena_lab.dockerfile import parse, parse_file
from balena_lab.dockerfile.explain import explain
from balena_lab.errors import DockerfileSyntaxError, InputError, UnreadableInputError
from balena_lab.lint import lint

from .dockerfile_strategies import dockerfile_text


def test_instruction_keeps_span_source_args_flags_form() -> None:
    text = 'FROM alpine\nCOPY --from=build --chown=1:1 \\\n  /a /b\nCMD ["sh", "-c"]\n'
    copy, cmd = parse(text).instructions[1:]
    assert (copy.name, copy.start_line, copy.end_line) == ("COPY", 2, 3)
    assert copy.flags == ("--from=build", "--chown=1:1")
    assert copy.flag("from") == "build" and copy.flag("platform") is None
    assert copy.args == ("/a", "/b") and copy.form == "other"
    assert copy.source == "COPY --from=build --chown=1:1 \\\n  /a /b"
    assert (cmd.form, cmd.args) == ("exec", ("sh", "-c"))


def test_names_are_case_insensitive_and_keep_their_spelling() -> None:
    run = parse("from alpine\nRuN echo\n").instructions[1]
    assert (run.name, run.keyword, run.form) == ("RUN", "RuN", "shell")


def test_shell_form_is_one_string() -> None:
    run = parse("FROM a\nRUN apt-get -y update && echo  done\n").instructions[1]
    assert run.args == ("apt-get -y update && echo  done",) and run.command == run.args[0]
    check = parse("FROM a\nHEALTHCHECK --retries=3 CMD curl -f x\n").instructions[1]
    assert (check.args, check.form, check.command) == (("CMD", "curl -f x"), "shell", "curl -f x")


@pytest.mark.parametrize(
    "cmd",
    ["['python3', 'app.py']", '["python3", "app.py"', "[python3]"],
    ids=["single-quotes", "unterminated", "bare-words"],
)
def test_invalid_json_silently_becomes_shell_form(cmd: str) -> None:
    instruction = parse(f"FROM a\nCMD {cmd}\n").instructions[1]
    assert instruction.form == "shell" and instruction.args == (cmd,)
    assert instruction.json_error


@pytest.mark.parametrize(
    ("cmd", "form", "args"),
    [
        ("[" * 1500, "shell", ("[" * 1500,)),
        ('["a", 1e999]', "shell", ('["a", 1e999]',)),
        ("[1" + "0" * 400 + "]", "shell", ("[1" + "0" * 400 + "]",)),
        ('["\\ud800", "/x"]', "exec", ("\ufffd", "/x")),
        ('["\\udc00\\u0041", "\\ud83d\\ude00"]', "exec", ("\ufffdA", "\U0001f600")),
    ],
    ids=["deeply-nested", "float-out-of-range", "int-out-of-range", "lone-high", "lone-low"],
)
def test_json_reader_edge_cases_read_as_go_reads_them(
    cmd: str, form: str, args: tuple[str, ...]
) -> None:
    text = f"FROM a\nCMD {cmd}\n"
    instruction = parse(text).instructions[1]
    assert (instruction.form, instruction.args) == (form, args)
    theirs = dockerfile.parse_string(text)[1]
    assert (theirs.json, theirs.value) == (form == "exec", args)
    str(explain(text)), str(lint(text)), lint(text).to_json()  # no traceback


def test_json_array_with_a_non_string_is_a_syntax_error_at_its_line() -> None:
    with pytest.raises(DockerfileSyntaxError) as caught:
        parse('FROM a\n\nCMD ["sleep", 5]\n', path="Dockerfile")
    assert caught.value.line == 3 and "strings only" in str(caught.value)


def test_backtick_escape_directive_changes_continuation() -> None:
    result = parse("# escape=`\nFROM a\nRUN echo a `\n  b\nRUN c:\\ \n")
    assert result.escape == "`"
    run1, run2 = result.instructions[1:]
    assert (run1.args, run1.end_line) == (("echo a   b",), 4)
    assert run2.args == ("c:\\",)


def test_directive_only_counts_at_the_top() -> None:
    result = parse("# note\n# escape=`\nFROM a\n")
    assert result.directives == () and result.escape == "\\"
    assert [c.text for c in result.comments] == ["note", "escape=`"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# escape=x\nFROM a\n", "invalid escape token"),
        ("# syntax=a\n# syntax=b\nFROM a\n", "only one syntax"),
        ("FROM a\nENV A\n", "ENV must have two arguments"),
        ("FROM a\nLABEL a=b c\n", "can't find ="),
        ("FROM a\nRUN <<EOF\necho\n", "unterminated heredoc"),
        ("# just a comment\n", "no instructions"),
    ],
)
def test_docker_rejects_these_and_so_do_we(text: str, message: str) -> None:
    with pytest.raises(DockerfileSyntaxError, match=message) as caught:
        parse(text, path="Dockerfile")
    assert caught.value.path == "Dockerfile" and caught.value.line is not None


def test_heredocs_are_recognised() -> None:
    run = parse("FROM a\nRUN <<-'EOT' sh\n\techo $HOME\n\tEOT\nCMD x\n").instructions[1]
    (heredoc,) = run.heredocs
    assert (heredoc.name, heredoc.chomp, heredoc.expand) == ("EOT", True, False)
    assert heredoc.content == "\techo $HOME\n" and run.end_line == 4


def test_heredoc_marker_in_exec_form_is_no_heredoc() -> None:
    result = parse('FROM a\nCMD ["cat"] <<EOF\n')
    assert result.instructions[1].heredocs == ()


def test_empty_continuation_lines_are_recorded() -> None:
    run = parse("FROM a\nRUN a \\\n\n   \n  b\n").instructions[1]
    assert run.args == ("a   b",) and run.empty_continuation_lines == (3, 4)


def test_onbuild_wraps_a_trigger() -> None:
    onbuild = parse("FROM a\nONBUILD RUN make\n").instructions[1]
    assert onbuild.trigger is not None
    assert (onbuild.trigger.name, onbuild.trigger.args, onbuild.trigger.start_line) == (
        "RUN",
        ("make",),
        2,
    )


def test_result_serialises_to_json() -> None:
    result = parse("# syntax=x\nFROM a\nRUN <<EOF\nx\nEOF\n", path="Dockerfile")
    data = json.loads(result.to_json())
    assert data["instructions"][1]["heredocs"][0]["name"] == "EOF"
    assert data["directives"] == [{"line": 1, "name": "syntax", "value": "x"}]
    assert "<table>" in result._repr_html_()


# --- Bad input: a typed error naming file and line, never a traceback.


def test_empty_bytes() -> None:
    with pytest.raises(UnreadableInputError, match="empty"):
        parse(b"", path="Dockerfile")


def test_non_utf8_bytes_name_the_line() -> None:
    with pytest.raises(UnreadableInputError) as caught:
        parse(b"FROM a\nRUN echo \xff\xfe\n", path="Dockerfile")
    assert caught.value.line == 2 and str(caught.value).startswith("Dockerfile:2: ")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_file_says_so(encoding: str) -> None:
    with pytest.raises(UnreadableInputError) as caught:
        parse("FROM a\nRUN echo hi\n".encode(encoding), path="Dockerfile")
    assert "saved as UTF-16: save it as UTF-8" in str(caught.value)
    assert "binary" not in str(caught.value)


def test_binary_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"\x7fELF\x02\x01\x01\x00\x00")
    with pytest.raises(UnreadableInputError, match="binary"):
        parse_file(str(path))


def test_missing_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnreadableInputError, match="no such file"):
        parse_file(str(tmp_path / "nope"))


def test_one_mebibyte_dockerfile_parses() -> None:
    line = "RUN echo " + "x" * 90 + "\n"
    text = "FROM a\n" + line * (2**20 // len(line))
    result = parse(text)
    assert len(result.instructions) > 10_000 and len(text) >= 2**20 - len(line)


def test_line_longer_than_dockers_limit() -> None:
    with pytest.raises(DockerfileSyntaxError) as caught:
        parse("FROM a\nRUN " + "x" * 70_000 + "\n")
    assert caught.value.line == 2


def test_every_error_is_an_input_error() -> None:
    assert issubclass(DockerfileSyntaxError, InputError)
    assert issubclass(UnreadableInputError, InputError)


# --- Whatever comes in: a result or a typed error, never another exception.


# JSON that nests deeply, escapes surrogates or overflows float64.
_json_corner = st.one_of(
    st.integers(1, 3000).map(lambda n: "[" * n),
    st.integers(1, 3000).map(lambda n: "[" * n + "]" * n),
    st.sampled_from(["\\ud800", "\\udfff", "\\ud83d\\ude00", "\\u0000", "\\\\", '\\"']).map(
        lambda esc: f'["{esc}", "/x"]'
    ),
    st.sampled_from(["1e999", "-1e999", "1" * 400, "1e-999", "0", "true", "null", "{}"]).map(
        lambda number: f'["a", {number}]'
    ),
)
_nested_json_dockerfile = st.tuples(
    st.sampled_from(["CMD", "RUN", "ENTRYPOINT", "COPY", "ADD", "VOLUME", "SHELL"]),
    _json_corner,
).map(lambda pair: f"FROM a\n{pair[0]} {pair[1]}\n".encode())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(st.binary(max_size=200), dockerfile_text().map(str.encode), _nested_json_dockerfile)
)
def test_any_bytes_parse_lint_and_explain_or_raise_input_error(data: bytes) -> None:
    try:
        parsed = parse(data, path="Dockerfile")
    except InputError as error:
        assert error.path == "Dockerfile"
        return
    assert parsed.instructions
    assert all(1 <= i.start_line <= i.end_line <= parsed.line_count for i in parsed.instructions)
    for template in (True, False):
        report = lint(parsed, template=template)
        str(report).encode(), report.to_json().encode()
    explanation = explain(parsed)
    assert len(explanation.rows) == len(parsed.instructions)
    str(explanation).encode(), explanation._repr_html_().encode()  # no lone surrogate


def test_a_thousand_onbuilds_in_a_row_are_one_error_not_a_crash() -> None:
    parsed = parse("FROM x\n" + "ONBUILD " * 1000 + "RUN true\n")
    assert parsed.instructions[1].name == "ONBUILD"
    assert "BL019" in lint(parsed).rules()


def test_input_larger_than_any_dockerfile_is_refused_unread() -> None:
    from balena_lab.dockerfile import parse_file
    from balena_lab.errors import UnreadableInputError

    with pytest.raises(UnreadableInputError, match="larger than 8 MiB"):
        parse_file("/dev/zero")
