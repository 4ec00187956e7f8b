"""Template substitution with balena's exact rules (lodash per line, see templates.py)."""

from __future__ import annotations

import time

import pytest

from balena_lab.errors import TemplateSyntaxError, TemplateVariableError
from balena_lab.resolution.templates import builtin_variables, has_template_syntax, render

VARS = {**builtin_variables("raspberrypi3", "armv7hf"), "BALENA_SERVICE_NAME": "main"}


def test_substitutes_and_records_line_column_variable_value() -> None:
    result = render("FROM balenalib/%%BALENA_MACHINE_NAME%%-node\nRUN echo %%BALENA_ARCH%%\n",
                    VARS)
    assert result.text == "FROM balenalib/raspberrypi3-node\nRUN echo armv7hf\n"
    first, second = result.substitutions
    assert (first.line, first.column, first.variable, first.value) == (
        1, 16, "BALENA_MACHINE_NAME", "raspberrypi3")
    assert (second.line, second.column, second.variable) == (2, 10, "BALENA_ARCH")


def test_output_column_points_at_the_value_in_the_result() -> None:
    result = render("%%BALENA_MACHINE_NAME%% %%BALENA_ARCH%%", VARS)
    line = result.text
    for sub in result.substitutions:
        start = sub.output_column - 1
        assert line[start:start + len(sub.value)] == sub.value
    assert result.substitutions[1].output_column == len("raspberrypi3 ") + 1


def test_legacy_resin_names() -> None:
    assert render("%%RESIN_ARCH%% %%RESIN_MACHINE_NAME%%", VARS).text == "armv7hf raspberrypi3"


def test_comment_lines_untouched_but_indented_ones_substituted() -> None:
    text = "# %%UNDEFINED%% %%BALENA_ARCH%%\n  # %%BALENA_ARCH%%\n"
    result = render(text, VARS)
    assert result.text == "# %%UNDEFINED%% %%BALENA_ARCH%%\n  # armv7hf\n"
    assert [s.line for s in result.substitutions] == [2]


def test_undefined_variable_names_variable_and_line() -> None:
    with pytest.raises(TemplateVariableError) as caught:
        render("FROM x\nRUN echo %%BALENA_APP_NAME%%\n", VARS, path="Dockerfile.template")
    error = caught.value
    assert (error.variable, error.line, error.column) == ("BALENA_APP_NAME", 2, 10)
    assert error.type == "template-variable"
    assert "BALENA_APP_NAME is not defined" in str(error)
    assert str(error).startswith("Dockerfile.template:2: ")


def test_caller_variables_and_empty_values() -> None:
    assert render("%%BALENA_APP_NAME%%|", {"BALENA_APP_NAME": ""}).text == "|"


@pytest.mark.parametrize("text", [
    "%%balena_arch%%", "%%A%%", "%%A1%%", "% %BALENA_ARCH%%", "$BALENA_ARCH", "${BALENA_ARCH}",
    "%% BALENA_ARCH %%", "100%%",
])
def test_not_references_stay_as_written(text: str) -> None:
    assert render(text, {}).text == text


def test_leftmost_match_rules() -> None:
    assert render("%%%BALENA_ARCH%%%", VARS).text == "%armv7hf%"
    assert render("%%BALENA_ARCH%%%%RESIN_ARCH%%", VARS).text == "armv7hfarmv7hf"


def test_crlf_keeps_carriage_returns() -> None:
    assert render("# %%X%%\r\nFROM %%BALENA_ARCH%%\r\n", VARS).text == (
        "# %%X%%\r\nFROM armv7hf\r\n")


def test_cr_only_file_is_one_line() -> None:
    # One line starting with '#': nothing at all is substituted.
    text = "# header\rFROM %%NOPE%%\r"
    assert render(text, VARS).text == text
    # Not a comment: every reference is on "line 1".
    result = render("FROM %%BALENA_ARCH%%\rRUN %%BALENA_ARCH%%", VARS)
    assert [s.line for s in result.substitutions] == [1, 1]


def test_bom_makes_first_line_not_a_comment() -> None:
    result = render("\ufeff# %%BALENA_ARCH%%\n", VARS)
    assert result.text == "\ufeff# armv7hf\n"
    assert any("BOM" in note for note in result.notes)
    with pytest.raises(TemplateVariableError):
        render("\ufeff# %%NOPE%%\n", VARS)


@pytest.mark.parametrize("text", [
    "RUN <% print('x') %>", "FROM <%- name %>", "FROM <%= name %>", "RUN <%%BALENA_ARCH%%%>",
])
def test_code_delimiters_are_reported_never_run(text: str) -> None:
    with pytest.raises(TemplateSyntaxError) as caught:
        render(text, VARS)
    assert "balena_lab does not run code" in str(caught.value)
    assert caught.value.type == "template-syntax"


def test_code_delimiters_reported_before_missing_variables_on_the_same_line() -> None:
    # lodash compiles the whole line first: its syntax problem comes first.
    with pytest.raises(TemplateSyntaxError):
        render("%%NOPE%% <% x %>", VARS)


def test_unclosed_delimiter_is_plain_text() -> None:
    assert render("RUN echo <% %%BALENA_ARCH%%", VARS).text == "RUN echo <% armv7hf"


def test_javascript_globals_reported() -> None:
    with pytest.raises(TemplateSyntaxError, match="JavaScript global"):
        render("FROM %%JSON%%", VARS)
    assert render("FROM %%JSON%%", {"JSON": "x"}).text == "FROM x"


def test_comment_lines_with_code_are_fine() -> None:
    assert render("# <% process.exit() %>", VARS).text == "# <% process.exit() %>"


def test_a_long_line_of_unclosed_delimiters_is_scanned_in_linear_time() -> None:
    line = "RUN echo " + "<%" * 30_000  # Python's re: 12 s, one scan per "<%"
    started = time.monotonic()
    assert not has_template_syntax(line)
    assert render(line, builtin_variables("raspberrypi3", "armv7hf")).text == line
    assert time.monotonic() - started < 1


def test_positions_count_characters_not_bytes() -> None:
    result = render("RUN é €%%BALENA_ARCH%%", builtin_variables("raspberrypi3", "armv7hf"))
    assert result.text == "RUN é €armv7hf"
    assert result.substitutions[0].column == 8
