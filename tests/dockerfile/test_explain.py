"""explain(): the page's words per instruction, and what this very line does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from balena_lab._data import load
from balena_lab.dockerfile import parse
from balena_lab.dockerfile.explain import explain
from balena_lab.errors import InputError
from balena_lab.lint import lint


def _line(text: str, index: int) -> str:
    return explain(text).rows[index].this_line


def test_shell_form_run_says_what_runs_and_where() -> None:
    assert _line("FROM a\nRUN apt-get -y update\n", 1) == (
        "shell form: runs `/bin/sh -c 'apt-get -y update'` at build time on the builder, "
        "not on the device"
    )


def test_exec_form_cmd_runs_on_the_device_without_shell() -> None:
    text = _line('FROM a\nCMD ["node", "main.js"]\n', 1)
    assert text.startswith('exec form: runs ["node", "main.js"] directly, without a shell')
    assert "when the container starts on the device" in text


def test_invalid_json_is_explained_as_shell_form() -> None:
    text = _line("FROM a\nCMD ['node', 'main.js']\n", 1)
    assert "not valid JSON" in text and "/bin/sh -c" in text


def test_shell_instruction_changes_the_shell_until_next_stage() -> None:
    rows = explain('FROM a\nSHELL ["/bin/bash", "-c"]\nRUN x\nFROM b\nRUN y\n').rows
    assert "`/bin/bash -c 'x'`" in rows[2].this_line
    assert "`/bin/sh -c 'y'`" in rows[4].this_line


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("FROM node:20 AS build", "starts a build stage named `build` from the image `node:20`"),
        ("COPY src/ /usr/src/app", "copies `src/` from the build context into `/usr/src/app`"),
        ("COPY --from=build /a /b", "from the stage or image `build`"),
        ("ADD https://x.org/a.tgz /a", "downloads `https://x.org/a.tgz` into `/a`; a remote"),
        ("ADD rootfs.tar /", "a local tar archive would be unpacked"),
        ("ENV A=1 B=2", "sets `A`, `B`"),
        ("RUNN x", "`RUNN` is not an instruction"),
        ("USER nobody", "run as `nobody`"),
        ('LABEL a=1 "b c"=2', 'adds the label(s) `a`, `"b c"`'),
        ("HEALTHCHECK --interval=5s CMD curl -f localhost", "by running `curl -f localhost`"),
        ("HEALTHCHECK NONE", "turns off any health check"),
        ('VOLUME ["/data"]', "marks `/data` as volume"),
        ("ONBUILD RUN make", "runs `RUN make` later"),
    ],
)
def test_this_line(line: str, expected: str) -> None:
    assert expected in _line(f"FROM a\n{line}\n", 1)


def test_heredoc_is_flagged_as_needing_buildkit() -> None:
    text = _line("FROM a\nRUN <<EOF\necho hi\nEOF\n", 1)
    assert "heredoc (<<EOF, lines 3-4), which needs BuildKit" in text


def test_page_words_come_from_the_data_file() -> None:
    data = load("instructions.yaml")
    rows = explain("FROM a\nRUN x\nADD a b\nCOPY a b\nCMD x\nEXPOSE 80\n").rows
    for row in rows:
        assert row.about == data["instructions"][row.name]["about"]
        assert row.reference == f"https://docs.docker.com/reference/dockerfile/#{row.name.lower()}"
    assert "has to be the first instruction" in rows[0].about.lower()
    assert "will not" in rows[2].about.lower() or "not unpacked" in rows[2].about


def test_every_instruction_has_an_explanation() -> None:
    from balena_lab.dockerfile.model import KNOWN_INSTRUCTIONS

    assert set(load("instructions.yaml")["instructions"]) == set(KNOWN_INSTRUCTIONS)


def test_text_html_and_json() -> None:
    explanation = explain(parse("FROM a\nRUN a \\\n  b\nCMD x\n", path="Dockerfile"))
    text = str(explanation)
    assert text.startswith("Dockerfile: 3 instructions")
    assert "    2-3  RUN a \\" in text and text.count("RUN: ") == 1
    html = explanation._repr_html_()
    assert html.count("<tr>") == 4 and "href='https://docs.docker.com" in html
    data = json.loads(explanation.to_json())
    assert data["instructions"][1]["start_line"] == 2 and data["instructions"][1]["end_line"] == 3


def test_html_escapes_the_source() -> None:
    html = explain("FROM a\nRUN echo '<b>' && x\n")._repr_html_()
    assert "<b>" not in html and "&lt;b&gt;" in html


CORPUS = sorted((Path(__file__).parent / "corpus").glob("*.Dockerfile"))


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_every_corpus_file_explains_and_lints(path: Path) -> None:
    try:
        parsed = parse(path.read_bytes(), path=path.name)
    except InputError:
        return  # rejected as Docker rejects it: tested in test_dockerfile_parser
    explanation = explain(parsed)
    assert [r.start_line for r in explanation.rows] == [i.start_line for i in parsed.instructions]
    assert all(row.this_line and row.about for row in explanation.rows)
    str(explanation), explanation._repr_html_(), lint(parsed).to_json()


def test_cmd_without_arguments_is_not_nothing_to_run() -> None:
    """Checked on the engine: the image gets Cmd ["/bin/sh", "-c"]; run, it exits 2."""
    text = _line("FROM a\nCMD\n", 1)
    assert "nothing to run" not in text.replace('not "nothing to run"', "")
    assert '["/bin/sh", "-c"]' in text and "status 2" in text


def test_healthcheck_cmd_without_command_is_rejected_not_off() -> None:
    text = _line("FROM a\nHEALTHCHECK CMD\n", 1)
    assert "rejects" in text and "Missing command after HEALTHCHECK CMD" in text
    assert not text.startswith("turns off")
    assert "turns off" in _line("FROM a\nHEALTHCHECK NONE\n", 1)


@pytest.mark.parametrize(
    "text",
    [
        'FROM a\nENTRYPOINT ["/app"]\nCMD ["--port", "80"]\n',
        'FROM a\nCMD ["--port", "80"]\nENTRYPOINT ["/app"]\n',
    ],
)
def test_exec_cmd_after_entrypoint_is_its_arguments(text: str) -> None:
    row = next(r for r in explain(text).rows if r.name == "CMD")
    assert "directly" not in row.this_line
    assert 'passed as arguments to the ENTRYPOINT ["/app"]' in row.this_line
    assert '["/app", "--port", "80"]' in row.this_line


def test_cmd_after_shell_entrypoint_is_its_script_or_ignored() -> None:
    rows = explain('FROM a\nENTRYPOINT ["sh", "-c"]\nCMD ["echo $HOME"]\n').rows
    assert "runs `echo $HOME` as its -c script" in rows[2].this_line
    rows = explain("FROM a\nENTRYPOINT exec app\nCMD x\n").rows
    assert rows[2].this_line.startswith("ignored") and "line 2" in rows[2].this_line
    assert "directly" in explain('FROM a\nCMD ["x"]\nFROM b\nENTRYPOINT ["y"]\n').rows[1].this_line


def test_exec_form_trailing_text_is_shown() -> None:
    text = _line('FROM a\nRUN ["echo", "a"] && echo b\n', 1)
    assert "(`&& echo b`) is ignored" in text


def test_from_is_explained_with_the_image_docker_reads() -> None:
    rows = explain("ARG BASE=debian\nARG IMG=${BASE}:bookworm\nFROM $IMG AS build\n"
                   "FROM build\n").rows
    assert "from the image `debian:bookworm`" in rows[2].this_line
    assert "`$IMG` is `debian:bookworm`" in rows[2].this_line
    assert rows[3].this_line == "starts a build stage from the earlier stage `build`"
    assert "expanded" not in explain("FROM debian\n").rows[0].this_line
