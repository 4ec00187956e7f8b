"""Hypothesis strategies that write Dockerfiles full of the parser's corner cases."""

from __future__ import annotations

import json

from hypothesis import strategies as st

KEYWORDS = [
    "FROM", "RUN", "CMD", "ADD", "COPY", "ENTRYPOINT", "ENV", "ARG", "LABEL", "EXPOSE",
    "HEALTHCHECK", "MAINTAINER", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
    "ONBUILD", "FOO",
]  # fmt: skip

# Words built from the characters the parsers treat specially.
# Non-ASCII too: Go's flag splitter walks bytes, and NEL/NBSP/EM SPACE are Go spaces.
_word = st.text(
    alphabet="ab=$-_/.:*&|'\"\\` \t#[],<{}é\u00a0\u2003\x0b\x0c\x85", min_size=0, max_size=8
)
_plain = st.text(alphabet="abcxyz019/._-", min_size=1, max_size=6)


@st.composite
def keyword(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(KEYWORDS))
    return "".join(c.lower() if draw(st.booleans()) else c for c in name)


@st.composite
def flag(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(["from", "chown", "platform", "mount", "link", "x"]))
    value = draw(st.one_of(_plain, _word, st.just("")))
    return draw(st.sampled_from([f"--{name}={value}", f"--{name}", f"--{name}='{value}'", "--"]))


@st.composite
def json_args(draw: st.DrawFn) -> str:
    items = draw(st.lists(st.one_of(_plain, _word), max_size=3))
    text = json.dumps(items, separators=(draw(st.sampled_from([",", ", "])), ":"))
    return draw(
        st.sampled_from(
            [text, text.replace('"', "'"), text[:-1], text + " && x", " " + text, "[1]", "[]"]
        )
    )


@st.composite
def arguments(draw: st.DrawFn) -> str:
    parts = draw(
        st.lists(st.one_of(_plain, _word, st.just("<<EOF"), st.just("<<-'E'")), max_size=4)
    )
    return draw(st.one_of(st.just(" ".join(parts)), json_args()))


@st.composite
def instruction(draw: st.DrawFn) -> list[str]:
    """One instruction as physical lines (continuations, comments, heredoc bodies)."""
    flags = draw(st.lists(flag(), max_size=2))
    words = [draw(keyword()), *flags, draw(arguments())]
    if words[0].upper() == "ONBUILD":
        words.insert(1, draw(st.sampled_from(["RUN", "COPY", "CMD"])))
    line = " ".join(words)
    lines: list[str] = []
    # Cut the line into continuation pieces, maybe with comment/blank lines between.
    while len(line) > 4 and draw(st.booleans()):
        cut = draw(st.integers(1, len(line) - 1))
        lines.append(line[:cut] + "\\" + draw(st.sampled_from(["", " ", "\t"])))
        lines.extend(draw(st.lists(st.sampled_from(["# c", "  # c \\", "", "  "]), max_size=2)))
        line = line[cut:]
    lines.append(line)
    if "<<" in line and draw(st.booleans()):
        lines.extend(draw(st.lists(st.sampled_from(["echo hi", "\tx", "  y"]), max_size=2)))
        lines.append(draw(st.sampled_from(["EOF", "E", "\tE", "\tEOF"])))
    return lines


@st.composite
def dockerfile_text(draw: st.DrawFn) -> str:
    top = draw(
        st.lists(
            st.sampled_from(
                [
                    "# syntax=docker/dockerfile:1",
                    "# escape=`",
                    "# escape=\\",
                    "#escape = `",
                    "# x=y",
                ]
            ),
            max_size=2,
        )
    )
    body: list[str] = ["FROM a"] if draw(st.booleans()) else []
    for _ in range(draw(st.integers(1, 5))):
        body.extend(draw(instruction()))
        body.extend(draw(st.lists(st.sampled_from(["", "# note", "   ", " \\"]), max_size=1)))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    end = draw(st.sampled_from(["", newline]))
    return newline.join(top + body) + end
