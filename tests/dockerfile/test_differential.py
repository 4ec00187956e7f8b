"""Our parser against Docker's own (the ``dockerfile`` package binds BuildKit's Go parser).

The same text goes to both; instruction names, arguments, flags, exec form,
line spans and heredoc bodies must agree, and so must the fact of rejecting a
file.  Each place where we deliberately differ is its own test further down.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, reject, settings

from balena_lab.dockerfile import parse

from .dockerfile_oracle import OracleCannotSay, from_oracle, from_ours, same_reading
from .dockerfile_strategies import dockerfile_text

CORPUS = sorted((Path(__file__).parent / "corpus").glob("*.Dockerfile"))


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_corpus_reads_as_docker_reads_it(path: Path) -> None:
    ours, theirs = same_reading(path.read_text(encoding="utf-8"))
    assert ours == theirs


def test_corpus_is_not_empty() -> None:
    assert len(CORPUS) >= 20


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dockerfile_text())
def test_generated_dockerfiles_read_as_docker_reads_them(text: str) -> None:
    try:
        ours, theirs = same_reading(text)
    except OracleCannotSay:
        reject()
    assert ours == theirs


# --- Deliberate differences: each one is what a teacher needs and Docker's parser drops.


def test_comments_and_directives_are_kept() -> None:
    """Docker's parser discards comments and directives; we keep them with their lines
    so a notebook can show them next to the instructions they describe."""
    text = "# syntax=docker/dockerfile:1\n# base image\nFROM alpine\nRUN a \\\n  # inside\n  b\n"
    result = parse(text)
    assert [(d.line, d.name, d.value) for d in result.directives] == [
        (1, "syntax", "docker/dockerfile:1")
    ]
    assert [(c.line, c.text) for c in result.comments] == [(2, "base image"), (5, "inside")]
    assert all(not s.name.startswith("#") for s in from_oracle(text))


def test_unknown_instruction_has_no_args() -> None:
    """The official parser reports an unknown instruction with one empty argument;
    we report none, and keep the text in ``original`` for the lint message."""
    theirs = from_oracle("FROM a\nRUNN echo\n")
    assert not isinstance(theirs, str)
    ours = parse("FROM a\nRUNN echo\n").instructions[1]
    assert ours.name == "RUNN" and not ours.known
    assert ours.args == () and ours.original == "RUNN echo"


def test_onbuild_keeps_its_heredocs() -> None:
    """For ONBUILD the binding reports no heredocs although its parser reads them
    (the span covers the body); we attach them to the ONBUILD instruction."""
    text = "FROM a\nONBUILD RUN <<EOF\necho hi\nEOF\n"
    theirs = from_oracle(text)
    assert not isinstance(theirs, str) and theirs[1].heredocs == () and theirs[1].end_line == 4
    onbuild = parse(text).instructions[1]
    assert [(h.name, h.content) for h in onbuild.heredocs] == [("EOF", "echo hi\n")]


def test_onbuild_trigger_keeps_its_flags() -> None:
    """The binding drops the flags of ONBUILD's trigger; we keep them on ``trigger``."""
    text = "FROM a\nONBUILD COPY --from=build /a /b\n"
    theirs = from_oracle(text)
    assert not isinstance(theirs, str) and theirs[1].flags == ()
    trigger = parse(text).instructions[1].trigger
    assert trigger is not None and trigger.flags == ("--from=build",)


def test_heredoc_bodies_are_not_in_original() -> None:
    """The binding glues heredoc bodies into ``original``; we keep ``original`` the
    logical line Docker dispatches on and give the bodies (with their lines) apart,
    while ``source`` is the exact text of the whole span."""
    run = parse("FROM a\nRUN <<EOF\necho hi\nEOF\n").instructions[1]
    assert run.original == "RUN <<EOF"
    assert run.source == "RUN <<EOF\necho hi\nEOF"
    assert (run.heredocs[0].start_line, run.heredocs[0].end_line) == (3, 4)


def test_nul_bytes_are_rejected() -> None:
    """Docker would read a NUL byte as text and fail later; we stop at once with a
    typed error naming the line, because pasted binary is never meant."""
    assert not isinstance(from_oracle("FROM a\nRUN a\x00b\n"), str)
    from balena_lab.errors import UnreadableInputError

    with pytest.raises(UnreadableInputError) as caught:
        parse("FROM a\nRUN a\x00b\n", path="Dockerfile")
    assert caught.value.line == 2 and "Dockerfile:2" in str(caught.value)


def test_empty_file_is_unreadable_input() -> None:
    """Both reject an empty file; ours says so with the error meant for empty input."""
    assert from_oracle("\n\n").startswith("error")
    from balena_lab.errors import UnreadableInputError

    with pytest.raises(UnreadableInputError, match="empty file"):
        parse("\n\n")


def test_continuation_into_end_of_file_is_recorded() -> None:
    """Both accept a last line ending in the escape char; we also record it, so lint
    can warn that the instruction continues into nothing."""
    text = "FROM a\nRUN echo \\"
    assert from_ours(text) == from_oracle(text)
    assert parse(text).instructions[1].continues_past_eof
    assert not parse("FROM a\nRUN echo\n").instructions[1].continues_past_eof


def test_why_not_dockerfile_parse() -> None:
    """Why the parser is hand-written and not ``dockerfile-parse``: on these three
    Dockerfiles its regexes disagree with Docker, and ours do not."""
    import io

    from dockerfile_parse import DockerfileParser

    def names(text: str) -> list[str]:
        parser = DockerfileParser(fileobj=io.BytesIO(text.encode()))
        return [item["instruction"] for item in parser.structure]

    heredoc = "FROM a\nRUN <<EOF\necho hi\nEOF\n"
    empty_continuation = "FROM a\nRUN a \\\n\n  b\n"
    backslash_at_eof = "FROM a\nRUN echo \\"
    assert names(heredoc) == ["FROM", "RUN", "ECHO", "EOF"]
    assert names(empty_continuation) == ["FROM", "RUN", "B"]
    assert names(backslash_at_eof) == ["FROM"]
    for text in (heredoc, empty_continuation, backslash_at_eof):
        assert [i.name for i in parse(text).instructions] == ["FROM", "RUN"]
        assert from_ours(text) == from_oracle(text)


def test_non_ascii_flags_are_read_byte_by_byte_as_docker_does() -> None:
    """Not a difference but a surprise worth pinning: BuildKit's flag splitter walks
    bytes, so ``é`` in a flag value arrives as two Latin-1 characters, and we agree."""
    text = "FROM a\nCOPY --chown=é a b\n"
    assert parse(text).instructions[1].flags == ("--chown=Ã©",)
    assert from_ours(text) == from_oracle(text)


def test_arrays_nested_thousands_deep_are_shell_form() -> None:
    """Go's decoder nests up to 10,000 levels, so a well-formed array of arrays 2,000
    deep is Docker's "arrays must be comprised of strings only" error; Python's decoder
    stops at its recursion limit first, and we read such text as shell form (which
    RUN then runs, and fails on) rather than crash. Unbalanced ``[`` agree."""
    deep = "FROM a\nCMD " + "[" * 2000 + "]" * 2000 + "\n"
    assert from_oracle(deep) != from_ours(deep)
    assert parse(deep).instructions[1].form == "shell"
    unbalanced = "FROM a\nCMD " + "[" * 2000 + "\n"
    assert from_ours(unbalanced) == from_oracle(unbalanced)
