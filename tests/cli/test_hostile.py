"""Every read-only command against generated hostile input: a typed answer, in bounded time and memory.

Hypothesis writes projects of hostile files (deep nesting, YAML alias bombs,
huge numbers, long lines of delimiters, binary, control characters, BOMs, CR
line ends, thousands of instructions) and hostile arguments (unknown device
types, odd variables), then runs ``lint``, ``explain``, ``resolve`` and
``compose`` through :func:`balena_lab.cli.main`, with and without ``--json``.
Each run must:

- raise nothing but argparse's ``SystemExit`` (a usage error), and print no traceback;
- with ``--json``, print exactly one JSON object on stdout, errors included (a usage
  error of the arguments themselves is argparse's, on stderr);
- take at most 5 s and grow the process by at most 500 MB.

In-process rather than one interpreter per input: a thousand runs in seconds.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from balena_lab.cli import main

SECONDS = 5.0
MEGABYTES = 500
EXAMPLES = int(os.environ.get("BALENA_LAB_HOSTILE_EXAMPLES", "300"))

# Shapes that broke a parser once (issue 13), each at a size that used to hurt.
_NASTY = [
    "[" * 2000 + "]" * 2000,
    "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 2000)),
    'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
        f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)),
    "a: &a [*a]\n",
    "services:\n  main:\n    build: .\n    x: " + "9" * 5000 + "\n",
    "1: 2\n",
    "services: {1: {build: .}, 2: {image: x}}\n",
    "services:\n  a: {build: .}\n  a: {build: .}\n",
    "ONBUILD " * 1000 + "RUN x\n",
    "FROM debian\n" + "RUN <<EOF\necho\nEOF\n" * 20_000,
    "FROM debian\nRUN echo " + "<%" * 30_000 + "\n",
    '{"engines": {"node": ">=' + "0" * 100_000 + '"}, "scripts": {}}',
    "*a" * 30 + "c\n",
    "\ufeffFROM %%BALENA_ARCH%%\r\nRUN echo %%NOPE%%\r\n",
    "FROM x\rRUN y\r",
    "\x00\x01\x02FROM\x7f",
    "FROM x\n" + "RUN " + "\\\n" * 5000 + "true\n",
    "FROM " + "%%" * 20_000 + "\n",
    "x" * 1_000_000,
]
_PIECES = ["FROM ", "RUN ", "COPY ", "ADD ", "CMD ", "ARG ", "ONBUILD ", "<<EOF", "EOF",
           "%%BALENA_ARCH%%", "%%BALENA_MACHINE_NAME%%", "<%", "%>", "${A:-b}", "\\\n", "\n",
           "services:", "build:", "  ", "- ", "&a", "*a", "{", "}", "[", "]", '"', ":", "!",
           "**", "../", "/etc/shadow", "\r", "\x00", "\ufeff", "é", "9" * 50]
_FILES = ["Dockerfile", "Dockerfile.template", "Dockerfile.raspberrypi3", "Dockerfile.armv7hf",
          "package.json", "docker-compose.yml", ".dockerignore"]


def contents() -> st.SearchStrategy[str | bytes]:
    return st.one_of(
        st.sampled_from(_NASTY),
        st.lists(st.sampled_from(_PIECES), max_size=60).map("".join),
        st.text(max_size=300),
        st.binary(max_size=300),
    )


def device_types() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(["raspberrypi3", "raspberrypi4-64", "intel-nuc", "rpi4", "beaglebone"]),
        st.text(alphabet=st.characters(blacklist_characters="\x00"), max_size=40),
    )


@st.composite
def invocations(draw: st.DrawFn) -> tuple[dict[str, str | bytes], list[str]]:
    files = draw(st.dictionaries(st.sampled_from(_FILES), contents(), min_size=1, max_size=3))
    target = draw(st.sampled_from(sorted(files)))
    command = draw(st.sampled_from(["lint", "explain", "resolve", "compose"]))
    if command in ("lint", "explain"):
        argv = [command, "{dir}/" + target]
    else:
        argv = [command, "{dir}"]
        if command == "resolve":
            argv += ["--device-type", draw(device_types())]
            if draw(st.booleans()):
                argv += ["--var", draw(st.sampled_from(["A=1", "=x", "NOPE", "A=" + "x" * 5000]))]
    if draw(st.booleans()):
        argv.append("--json")
    return files, argv


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def check(files: dict[str, str | bytes], argv: list[str], folder: Path) -> None:
    """Run ``balena-lab *argv`` on a project of ``files`` and hold it to the rules above."""
    for name, content in files.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass")
        Path(folder, name).write_bytes(data)
    argv = [word.replace("{dir}", str(folder)) for word in argv]
    out, err = io.StringIO(), io.StringIO()
    before, started = _peak_mb(), time.monotonic()
    usage = False
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exit_:  # argparse: a usage error, worded on stderr
            code, usage = exit_.code if isinstance(exit_.code, int) else 2, True
    seconds, grown = time.monotonic() - started, _peak_mb() - before
    shown = f"{argv[:2]} {[(n, len(c)) for n, c in files.items()]}"
    assert "Traceback" not in err.getvalue(), shown
    assert seconds < SECONDS, f"{seconds:.1f} s: {shown}"
    assert grown < MEGABYTES, f"{grown:.0f} MB more: {shown}"
    assert code in (0, 1, 2), shown
    if "--json" in argv and not usage:
        document = json.loads(out.getvalue())  # exactly one document, errors included
        assert isinstance(document, dict), shown


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None, derandomize=os.environ.get("CI") is not None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(invocation=invocations())
def test_generated_hostile_input_gets_a_typed_answer_in_bounded_time_and_memory(
    tmp_path_factory: pytest.TempPathFactory,
    invocation: tuple[dict[str, str | bytes], list[str]],
) -> None:
    files, argv = invocation
    check(files, argv, tmp_path_factory.mktemp("hostile"))


# Each known-bad shape through each command that reads it, whatever hypothesis draws.
_READERS = [("Dockerfile", ["lint", "{dir}/Dockerfile"]),
            ("Dockerfile", ["explain", "{dir}/Dockerfile"]),
            ("Dockerfile.template", ["resolve", "{dir}", "--device-type", "raspberrypi3"]),
            ("package.json", ["resolve", "{dir}", "--device-type", "raspberrypi3"]),
            ("docker-compose.yml", ["compose", "{dir}"])]


@pytest.mark.parametrize("json_flag", [[], ["--json"]], ids=["text", "json"])
@pytest.mark.parametrize(("name", "argv"), _READERS, ids=[f"{a[0]}-{n}" for n, a in _READERS])
@pytest.mark.parametrize("content", _NASTY, ids=[f"nasty{i}" for i in range(len(_NASTY))])
def test_each_known_hostile_shape(content: str, name: str, argv: list[str],
                                  json_flag: list[str], tmp_path: Path) -> None:
    check({name: content}, argv + json_flag, tmp_path)
