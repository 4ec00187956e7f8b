"""Each lint rule: one Dockerfile it catches (at the right line) and one it lets pass."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from balena_lab.dockerfile import parse
from balena_lab.dockerfile.lint import RULES, LintReport, is_template, lint

# rule id -> (Dockerfile it catches, the line it flags, a near miss it must not flag)
CASES: dict[str, tuple[str, int, str]] = {
    "BL001": (
        "RUN echo hi\nFROM alpine\n",
        1,
        "# syntax=docker/dockerfile:1\nARG V=3\nFROM alpine:$V\n",
    ),
    "BL002": (
        'FROM a\nCMD ["./start.sh"]\nEXPOSE 80\n',
        2,
        'FROM a AS build\nCMD ["x"]\nFROM a\nCOPY --from=build /x /x\nCMD ["./start.sh"]\n',
    ),
    "BL003": (
        'FROM a\nCMD ["one"]\nCMD ["two"]\n',
        2,
        'FROM a AS b\nCMD ["one"]\nFROM a\nCMD ["two"]\n',
    ),
    "BL004": (
        "FROM a\nADD app.py /app/\n",
        2,
        "FROM a\nCOPY app.py /app/\nADD rootfs.tar.gz /\n",
    ),
    "BL005": (
        "FROM a\nADD https://example.com/tool.tar.gz /opt/\n",
        2,
        "FROM a\nADD tool.tar.gz /opt/\n",
    ),
    "BL006": (
        "FROM a\nADD rootfs.tar.xz /\n",
        2,
        "FROM a\nADD https://example.com/rootfs.tar.xz /\n",
    ),
    "BL007": (
        "FROM a\nCMD ['python3', 'app.py']\n",
        2,
        'FROM a\nCMD ["python3", "app.py"]\nRUN echo [not json]\n',
    ),
    "BL008": (
        'FROM a\nCMD ["npm", "install", "&&", "npm", "start"]\n',
        2,
        (
            'FROM a\nCMD ["/bin/sh", "-c", "npm i && npm start $ARGS"]\nCMD npm i && npm start\n'
            'ENTRYPOINT ["/usr/bin/env", "A=1", "bash", "-c", "exec $A"]\n'
        ),
    ),
    "BL009": (
        "FROM a\nCMD rm -rf /tmp/* && exec ./start.sh\n",
        2,
        "FROM a\nCMD rm -rf /tmp/build && exec ./start.sh\n",
    ),
    "BL010": (
        'FROM a\nRUN ["rm", "-rf", "/tmp/balena"]\n',
        2,
        "FROM a\nRUN rm -rf /var/lib/apt/lists/* /tmp/build\n",
    ),
    "BL012": (
        "FROM balenalib/%%BALENA_ARCH%%-debian\n",
        1,
        "# %%BALENA_ARCH%% is only a note here\nFROM balenalib/amd64-debian\n",
    ),
    "BL014": (
        "FROM a\nRUN <<EOF\necho hi\nEOF\n",
        2,
        "FROM a\nRUN echo $((1<<4)) '<<EOF'\n",  # a shift and a quoted word: no heredoc
    ),
    "BL015": (
        "FROM a\nRUN --mount=type=cache,target=/root/.cache pip install x\n",
        2,
        "FROM --platform=linux/arm64 a\nCOPY --from=a --chown=1:1 x y\n",
    ),
    "BL016": ("FROM a\nRUNN echo\n", 2, "FROM a\nrun echo\n"),
    "BL017": ("FROM a\nRUN echo \\", 2, "FROM a\nRUN echo \\\n  done\n"),
    "BL018": ("FROM a\nRUN a \\\n\n  b\n", 3, "FROM a\nRUN a \\\n  # comment\n  b\n"),
    "BL019": (
        "FROM a\nCOPY app.py\n",
        2,
        'FROM a AS build\nCOPY a b\nSHELL ["bash", "-c"]\nHEALTHCHECK NONE\nONBUILD RUN x\n',
    ),
}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_catches(rule: str) -> None:
    text, line, _ = CASES[rule]
    found = [f for f in lint(text, template=False).findings if f.rule == rule]
    assert found, f"{rule} missed:\n{text}"
    assert found[0].start_line == line
    assert found[0].severity == RULES[rule].severity
    assert found[0].link.startswith("https://")


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_does_not_catch(rule: str) -> None:
    _, _, text = CASES[rule]
    assert rule not in lint(text, template=False).rules()


def test_every_rule_has_a_case_here_or_below() -> None:
    covered = set(CASES) | {"BL011", "BL013"}
    assert covered == set(RULES)


def test_unknown_build_variable_in_template() -> None:
    text = "FROM balenalib/%%BALENA_MACHINE_NAME%%-node\n# %%BALENA_ARCHH%%\nRUN echo\n"
    report = lint(text, path="Dockerfile.template")
    assert report.template
    assert [(f.rule, f.start_line) for f in report.findings] == [("BL013", 2)]
    assert "BALENA_ARCHH" in report.findings[0].message


def test_known_build_variables_in_template_are_fine() -> None:
    text = "FROM balenalib/%%BALENA_ARCH%%-%%RESIN_MACHINE_NAME%%\nRUN echo %%BALENA_APP_NAME%%\n"
    assert lint(text, template=True).findings == ()


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("FROM a b", "one or three arguments"),
        ("FROM a AS 1stage", "invalid name for build stage"),
        ("EXPOSE", "at least one argument"),
        ("WORKDIR", "exactly one argument"),
        ("SHELL bash -c", "JSON form"),
        ("HEALTHCHECK CURL x", "Unknown type"),
        ("HEALTHCHECK NONE x", "takes no arguments"),
        ("HEALTHCHECK CMD", "Missing command"),
        ("ONBUILD ONBUILD RUN x", "Chaining ONBUILD"),
        ("ONBUILD FROM x", "isn't allowed as an ONBUILD trigger"),
    ],
)
def test_docker_rejects(line: str, problem: str) -> None:
    found = [f for f in lint(f"FROM a\n{line}\n").findings if f.rule == "BL019"]
    assert len(found) == 1 and problem in found[0].message and found[0].start_line == 2


def test_only_args_and_no_from() -> None:
    (finding,) = lint("ARG A=1\nARG B\n").findings
    assert (finding.rule, finding.start_line) == ("BL001", 1) and "no FROM" in finding.message


def test_buildkit_flag_in_an_onbuild_trigger() -> None:
    (finding,) = lint("FROM a\nONBUILD RUN --mount=type=cache,target=/c make\n").findings
    assert finding.rule == "BL015" and "requires BuildKit" in finding.message


def test_plain_dockerfile_does_not_check_variable_names() -> None:
    report = lint("FROM x/%%NOT_A_VARIABLE%%\n", path="Dockerfile")
    assert report.rules() == ["BL012"]


@pytest.mark.parametrize(
    ("name", "template"),
    [
        ("Dockerfile", False),
        ("Dockerfile.template", True),
        ("dockerfile.template", True),
        ("Dockerfile.raspberrypi3", True),
        ("Dockerfile.aarch64", True),
        ("svc/Dockerfile.template", True),
        ("Dockerfile.", False),
        ("Containerfile", False),
        (None, False),
    ],
)
def test_is_template(name: str | None, template: bool) -> None:
    assert is_template(name) is template


# --- BL011: start scripts read from the build context.


def _context(tmp_path: Path, script: str, name: str = "start.sh") -> Path:
    (tmp_path / name).write_text(script)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "run").write_text("#!/bin/bash\necho fine\n")
    return tmp_path


def test_start_script_that_removes_tmp_balena(tmp_path: Path) -> None:
    context = _context(tmp_path, "#!/bin/sh\nset -e\nrm -rf /tmp/*\nexec node app.js\n")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    report = lint('FROM a\nCOPY start.sh /start.sh\nCMD ["/start.sh"]\n', context=context)
    (finding,) = [f for f in report.findings if f.rule == "BL011"]
    assert finding.start_line == 2 and "start.sh line 3" in finding.message
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing written


def test_start_script_found_through_a_folder_and_a_wildcard(tmp_path: Path) -> None:
    context = _context(tmp_path, "rm -rf /tmp/balena\n", name="boot.sh")
    assert "BL011" in lint("FROM a\nCOPY . /app\n", context=context).rules()
    assert "BL011" in lint("FROM a\nCOPY *.sh /app/\n", context=context).rules()


def test_harmless_script_and_no_context(tmp_path: Path) -> None:
    context = _context(tmp_path, "#!/bin/sh\n# rm -rf /tmp/* would be bad\nrm -rf /tmp/cache\n")
    dockerfile = "FROM a\nCOPY start.sh /start.sh\n"
    assert "BL011" not in lint(dockerfile, context=context).rules()
    assert "BL011" not in lint("FROM a\nCOPY start.sh /x\n").rules()


def test_copy_never_reads_outside_the_context(tmp_path: Path) -> None:
    (tmp_path / "evil.sh").write_text("rm -rf /tmp/balena\n")
    context = tmp_path / "ctx"
    context.mkdir()
    assert "BL011" not in lint("FROM a\nCOPY ../evil.sh /x\n", context=context).rules()


def test_copy_from_a_stage_is_not_read_from_the_context(tmp_path: Path) -> None:
    context = _context(tmp_path, "rm -rf /tmp/balena\n")
    assert "BL011" not in lint("FROM a\nCOPY --from=b start.sh /x\n", context=context).rules()


# --- The report as a value.


def test_report_text_json_and_html() -> None:
    report = lint("RUN x\nFROM a\nADD a.txt /\n", path="Dockerfile")
    assert isinstance(report, LintReport) and report.has_errors
    text = str(report)
    assert text.splitlines()[0].startswith("Dockerfile:1: error BL001 ")
    assert "1 error, 1 warning, 0 info" in text
    data = json.loads(json.dumps(report.to_json()))
    assert data["counts"] == {"error": 1, "warning": 1, "info": 0}
    assert data["findings"][1]["rule"] == "BL004"
    assert "<table>" in report._repr_html_() and "BL004" in report._repr_html_()


def test_clean_report() -> None:
    report = lint('FROM alpine\nCOPY . /app\nCMD ["/app/start.sh"]\n')
    assert report.findings == () and not report.has_errors
    assert "no findings" in str(report) and "no findings" in report._repr_html_()


def test_findings_are_sorted_by_line() -> None:
    text = "FROM a\nADD x /\nCMD ['a']\nRUN <<EOF\nx\nEOF\n"
    lines = [f.start_line for f in lint(text).findings]
    assert lines == sorted(lines) and len(lines) >= 3


def test_lint_accepts_a_parsed_dockerfile() -> None:
    parsed = parse("FROM a\nADD a /\n", path="Dockerfile.template")
    report = lint(parsed)
    assert report.path == "Dockerfile.template" and report.template


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_messages_are_one_line(rule: str) -> None:
    for finding in lint(CASES[rule][0], template=False).findings:
        assert "\n" not in finding.message
