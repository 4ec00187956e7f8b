"""The classic builder's stream read as steps, on recorded streams."""

from __future__ import annotations

from balena_lab.builder.events import StepFinished, StepOutput, StepStarted
from balena_lab.builder.log import BuildLogReader, SourceLine


def _feed(chunks: list[dict[str, object]]) -> tuple[BuildLogReader, list[object]]:
    sources = [SourceLine("Dockerfile.template", 1, 1, "FROM x"),
               SourceLine("Dockerfile.template", 3, 4, "RUN a \\\n b")]
    reader = BuildLogReader("main", sources)  # type: ignore[arg-type]
    events: list[object] = []
    for chunk in chunks:
        events.extend(reader.feed(chunk))
    events.extend(reader.close())
    return reader, events


STREAM = [
    {"stream": "Step 1/2 : FROM x\n"},
    {"stream": " ---> 0123456789ab\n"},
    {"stream": "Step 2/2 : RUN a  b\n"},
    {"stream": " ---> Running in abcdefabcdef\n"},
    {"stream": "\x1b[91mwarning: red\n\x1b[0m"},
    {"stream": "partial "},
    {"stream": "line\nStep 1/1 : printed by the command\n"},
    {"stream": "Removing intermediate container abcdefabcdef\n"},
    {"stream": " ---> fedcba987654\n"},
    {"aux": {"ID": "sha256:fedcba987654"}},
    {"stream": "Successfully built fedcba987654\n"},
]


def test_steps_outputs_and_sources() -> None:
    reader, events = _feed(STREAM)
    started = [e for e in events if isinstance(e, StepStarted)]
    assert [(e.number, e.source.line if e.source else None) for e in started] == [(1, 1), (2, 3)]
    outputs = [e.line for e in events if isinstance(e, StepOutput)]
    # colours stripped, split chunks joined, a fake "Step" line kept as output
    assert outputs == ["warning: red", "partial line", "Step 1/1 : printed by the command"]
    finished = [e for e in events if isinstance(e, StepFinished)]
    assert [(e.number, e.layer) for e in finished] == [(1, "0123456789ab"), (2, "fedcba987654")]
    assert reader.image_id == "sha256:fedcba987654"


def test_cache_hits_are_recorded() -> None:
    _, events = _feed([{"stream": "Step 1/1 : FROM x\n"}, {"stream": " ---> Using cache\n"},
                       {"stream": " ---> 0123456789ab\n"}])
    assert [e.cached for e in events if isinstance(e, StepFinished)] == [True]


def test_a_failure_keeps_the_step_and_its_exit_code() -> None:
    reader, events = _feed([
        {"stream": "Step 1/2 : FROM x\n"}, {"stream": " ---> 0123456789ab\n"},
        {"stream": "Step 2/2 : RUN a  b\n"}, {"stream": "boom\n"},
        {"error": "The command '/bin/sh -c a' returned a non-zero code: 3",
         "errorDetail": {"message": "The command '/bin/sh -c a' returned a non-zero code: 3"}},
    ])
    assert reader.step is not None and reader.step.number == 2
    assert reader.exit_code() == 3
    assert reader.failed_step_output() == ("boom",)
    assert not [e for e in events if isinstance(e, StepFinished) and e.number == 2]
