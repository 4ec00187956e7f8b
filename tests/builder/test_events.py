"""balena_lab.builder.events: every event has one text form, its str()."""

from __future__ import annotations

from balena_lab.builder.events import (
    BuildFinished,
    BuildResult,
    Notice,
    ReleaseFinished,
    ReleaseResult,
    SourceLine,
    StepFinished,
    StepOutput,
    StepStarted,
)

SOURCE = SourceLine("Dockerfile.template", 3, 4, "RUN echo %%BALENA_ARCH%% \\\n  > /arch")


def _result(service: str = "main") -> BuildResult:
    return BuildResult(service, "sha256:" + "ab" * 32, f"balena-lab/app:{service}",
                       "raspberrypi3", "armv7hf", "arm", "v7", 10_000_000, 3, 1.5, True,
                       "template", "Dockerfile.template", "FROM x\n")


def test_each_event_of_the_main_service_reads_as_one_line() -> None:
    assert str(Notice("main", "steps run under QEMU")) == "note: steps run under QEMU"
    assert (str(StepStarted("main", 2, 5, "RUN echo armv7hf > /arch", SOURCE))
            == "Step 2/5  Dockerfile.template:3  RUN echo armv7hf > /arch")
    assert str(StepStarted("main", 5, 5, "LABEL x", None)).startswith(
        "Step 5/5  added by balena-lab  LABEL io.balena-lab.*")
    assert str(StepOutput("main", 2, "hello")) == "  | hello"
    finished = StepFinished("main", 2, 5, "RUN x", SOURCE, False, 1.234, "abc")
    assert str(finished) == "  -> done in 1.23s"
    assert str(StepFinished("main", 2, 5, "RUN x", SOURCE, True, 0.0, "abc")) == "  -> cached"
    assert str(BuildFinished("main", _result())) == (
        "built balena-lab/app:main (armv7hf) in 1.50 s")


def test_every_line_of_another_service_starts_with_its_name() -> None:
    assert str(Notice("web", "two\nlines")) == "[web] note: two\n[web] lines"
    assert str(StepOutput("web", 1, "x")) == "[web]   | x"
    release = ReleaseResult({"web": _result("web"), "db": _result("db")}, 3.0)
    assert str(ReleaseFinished("release", release)) == (
        "[release] built 2 service(s) (web, db) in 3.00 s")
