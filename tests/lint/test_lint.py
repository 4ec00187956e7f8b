"""Each lint rule: one Dockerfile it catches (at the right line) and one it lets pass."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from balena_lab.dockerfile import parse
from balena_lab.lint import RULES, LintReport, is_template, lint

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
    covered = set(CASES) | {"BL011", "BL013", "BL020"}
    assert covered == set(RULES)


def test_unknown_build_variable_in_template() -> None:
    text = "FROM balenalib/%%BALENA_MACHINE_NAME%%-node\nRUN echo %%BALENA_ARCHH%%\n"
    report = lint(text, path="Dockerfile.template")
    assert report.template
    assert [(f.rule, f.start_line) for f in report.findings] == [("BL013", 2)]
    assert "BALENA_ARCHH" in report.findings[0].message


def test_column_0_comment_is_not_substituted_so_not_checked() -> None:
    """balena's builder leaves lines starting with # untouched (balena_lab.resolution.templates too);
    an indented # line is substituted, so an unknown name there fails the build."""
    from balena_lab.resolution.templates import render

    text = "FROM a\n# %%BALENA_ARCHH%%\n  # %%NOT_KNOWN%%\nRUN echo\n"
    found = [(f.rule, f.start_line) for f in lint(text, template=True).findings]
    assert found == [("BL013", 3)]
    assert "%%BALENA_ARCHH%%" in render("# %%BALENA_ARCHH%%\n", {}).text


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


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("COPY --link a b", "Unknown flag: link"),
        ("COPY --chwon=1000:1000 a b", "Unknown flag: chwon"),
        ("ADD --checksum=sha256:0 a b", "Unknown flag: checksum"),
        ("ADD --keep-git-dir a b", "Unknown flag: keep-git-dir"),
        ("COPY --parents a b", "Unknown flag: parents"),
        ("COPY --exclude=x a b", "Unknown flag: exclude"),
        ("RUN --network=none x", "Unknown flag: network"),
        ("RUN --security=insecure x", "Unknown flag: security"),
        ("CMD --foo x", "Unknown flag: foo"),
        ("HEALTHCHECK --start-interval=1s CMD x", "Unknown flag: start-interval"),
        ("COPY --CHOWN=1 a b", "Unknown flag: CHOWN"),
        ("COPY --chown a b", "Missing a value on flag: chown"),
        ("COPY --chown=1 --chown=2 a b", "Duplicate flag specified: chown"),
        ("ARG", "ARG requires at least one argument"),
    ],
)
def test_classic_builder_parse_errors_quote_docker(line: str, message: str) -> None:
    """Each message as Docker 20.10's classic builder printed it on this engine."""
    found = [f for f in lint(f"FROM a\n{line}\n").findings if f.rule == "BL019"]
    assert len(found) == 1 and f"dockerfile parse error line 2: {message}" in found[0].message
    assert "BL015" not in lint(f"FROM a\n{line}\n").rules()


@pytest.mark.parametrize(
    "line",
    [
        "COPY --from=b --chown=1:1 a b",
        "ADD --chown=1 a b",
        "FROM --platform=linux/arm64 b",
        "HEALTHCHECK --interval=5s --timeout=3s --start-period=1s --retries=3 CMD x",
        "ARG --anything=1 A",
        "STOPSIGNAL --anything 9",
    ],
)
def test_flags_the_classic_builder_accepts(line: str) -> None:
    assert not {"BL015", "BL019"} & set(lint(f"FROM a\n{line}\n").rules())


@pytest.mark.parametrize("line", ["RUN --mount=type=cache,target=/c x", "COPY --chmod=644 a b"])
def test_buildkit_only_flags_quote_the_true_message(line: str) -> None:
    (finding,) = lint(f"FROM a\n{line}\n").findings
    assert finding.rule == "BL015" and "option requires BuildKit" in finding.message


def test_heredoc_message_quotes_the_parse_error() -> None:
    (finding,) = lint("FROM a\nRUN <<EOF\necho hi\nEOF\n").findings
    assert "dockerfile parse error line 3: unknown instruction: ECHO" in finding.message
    assert "literally" not in finding.message and "rejects the whole file" in finding.message


def test_shell_not_json_is_reported_once() -> None:
    report = lint("FROM a\nSHELL ['bash', '-c']\n")
    assert report.rules() == ["BL019"] and "JSON" in report.findings[0].message


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
        ("dockerfile.template", False),  # names are case-sensitive for balena's builder
        ("Dockerfile.raspberrypi3.template", False),  # matches no resolver rule
        ("DOCKERFILE.aarch64", False),
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


@pytest.mark.parametrize(
    "text",
    [
        'CMD ["/bin/bash", "-lc", "exec app $PORT"]',
        'CMD ["tini", "--", "sh", "-c", "exec app $PORT && x"]',
        'CMD ["node", "-e", "console.log(`x`)"]',
        'ENTRYPOINT ["sh", "-c"]\nCMD ["echo $HOME && exec app"]',
        'CMD ["echo $HOME"]\nENTRYPOINT ["/bin/sh", "-c"]',
    ],
    ids=["bash-lc", "tini", "backtick-in-js", "shell-entrypoint", "entrypoint-after"],
)
def test_exec_form_through_a_shell_is_not_bl008(text: str) -> None:
    assert "BL008" not in lint(f"FROM a\n{text}\n").rules()


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ('CMD ["echo", "$(date)"]', "$(date)"),
        ('CMD ["echo", "`date`"]', "`date`"),
        ('ENTRYPOINT ["/app"]\nCMD ["--port", "$PORT"]', "$PORT"),
        ('HEALTHCHECK CMD ["curl", "-f", "localhost", "||", "exit", "1"]', "||"),
    ],
)
def test_bl008_catches(text: str, word: str) -> None:
    found = [f for f in lint(f"FROM a\n{text}\n").findings if f.rule == "BL008"]
    assert len(found) == 1 and repr(word) in found[0].message


def test_exec_form_trailing_text_is_ignored_and_warned() -> None:
    text = 'FROM a\nRUN ["echo", "a"] && echo b\n'
    assert parse(text).instructions[1].json_tail == "&& echo b"
    (finding,) = [f for f in lint(text).findings if f.rule == "BL008"]
    assert "only the JSON array" in finding.message and "&& echo b" in finding.message
    assert parse('FROM a\nRUN ["echo", "a"]\n').instructions[1].json_tail == ""


@pytest.mark.parametrize(
    "text",
    [
        'CMD ["/bin/bash", "-lc", "rm -rf /tmp/* && exec app"]',
        'CMD ["tini", "--", "sh", "-c", "rm -rf /tmp/balena; exec app"]',
        'CMD bash -c "rm -rf /tmp/* && exec node app.js"',
        'ENTRYPOINT ["sh", "-c"]\nCMD ["rm -rf /tmp/* && exec app"]',
        'ENTRYPOINT ["tini", "--"]\nCMD rm -rf /tmp/* && exec app',
    ],
)
def test_bl009_through_shells_and_wrappers(text: str) -> None:
    assert "BL009" in lint(f"FROM a\n{text}\n").rules()


def test_bl009_exec_form_does_not_glob() -> None:
    assert "BL009" not in lint('FROM a\nCMD ["rm", "-rf", "/tmp/*"]\n').rules()
    assert "BL009" in lint('FROM a\nCMD ["rm", "-rf", "/tmp/balena"]\n').rules()


def test_add_judges_tar_by_name_without_context_and_by_content_with_it(tmp_path: Path) -> None:
    import io
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.addfile(tarfile.TarInfo("x"), io.BytesIO(b""))
    (tmp_path / "rootfs.bin").write_bytes(buffer.getvalue())  # a tar, whatever its name
    (tmp_path / "fake.tar.gz").write_text("not an archive\n")
    text = "FROM a\nADD rootfs.bin /\nADD fake.tar.gz /x/\n"
    without = lint(text)
    assert [(f.rule, f.start_line) for f in without.findings] == [("BL004", 2), ("BL006", 3)]
    assert "names that don't look like tar archives" in without.findings[0].message
    with_context = lint(text, context=tmp_path)
    assert [(f.rule, f.start_line) for f in with_context.findings] == [("BL006", 2), ("BL004", 3)]


def test_git_ssh_source_is_a_local_path_for_the_classic_builder() -> None:
    report = lint("FROM a\nADD git@github.com:balena-io/x.git /src\n")
    assert "downloads" not in str(report) and "does not clone" in str(report)


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
    (context / "evil.sh").write_text("rm -rf /tmp/balena\n")  # Docker refuses ../, never reads it
    assert "BL011" not in lint("FROM a\nCOPY ../evil.sh /x\n", context=context).rules()
    (context / "outside").symlink_to(tmp_path)
    assert "BL011" not in lint("FROM a\nCOPY outside/evil.sh /x\n", context=context).rules()
    assert "BL011" not in lint("FROM a\nCOPY outside /x\n", context=context).rules()


def test_copy_from_a_stage_is_not_read_from_the_context(tmp_path: Path) -> None:
    context = _context(tmp_path, "rm -rf /tmp/balena\n")
    assert "BL011" not in lint("FROM a\nCOPY --from=b start.sh /x\n", context=context).rules()


def test_double_star_source_is_matched_per_component_as_go_does(tmp_path: Path) -> None:
    (tmp_path / "src" / "deep").mkdir(parents=True)
    (tmp_path / "src" / "start.sh").write_text("rm -rf /tmp/balena\n")
    (tmp_path / "src" / "deep" / "other.sh").write_text("rm -rf /tmp/*\n")
    report = lint("FROM a\nCOPY src/**.sh /x/\n", context=tmp_path)  # no ValueError
    (finding,) = [f for f in report.findings if f.rule == "BL011"]
    assert "src/start.sh line 1" in finding.message  # ** is * * in Go: never crosses /
    for bad in ("COPY src/[ /x/", "COPY src/[]a] /x/", "COPY src/\\ /x/", "COPY [z-a]/* /x/"):
        assert "BL011" not in lint(f"FROM a\n{bad}\n", context=tmp_path).rules()


@pytest.mark.parametrize(
    ("pattern", "name", "matches"),
    [
        ("*.sh", "start.sh", True),
        ("**.sh", "start.sh", True),
        ("st?rt.sh", "start.sh", True),
        ("[a-s]tart.sh", "start.sh", True),
        ("[^s]tart.sh", "start.sh", False),
        ("\\*.sh", "*.sh", True),
        ("[", "[", False),
        ("*.sh", ".sh", True),
    ],
)
def test_go_filepath_match(pattern: str, name: str, matches: bool) -> None:
    from balena_lab.dockerfile._paths import go_match

    assert go_match(pattern, name) is matches


def test_start_script_after_a_big_node_modules_is_found(tmp_path: Path) -> None:
    modules = tmp_path / "node_modules" / "pkg"
    modules.mkdir(parents=True)
    for index in range(600):
        (modules / f"f{index:03}.js").write_text("x\n")
    (tmp_path / "start.sh").write_text("#!/bin/sh\nrm -rf /tmp/*\n")
    report = lint("FROM a\nCOPY . .\n", context=tmp_path)
    assert "BL011" in report.rules() and "BL020" not in report.rules()


def test_dockerignore_and_git_are_honoured(tmp_path: Path) -> None:
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "clean.sh").write_text("rm -rf /tmp/*\n")
    (tmp_path / ".git" / "hooks").mkdir(parents=True)
    (tmp_path / ".git" / "hooks" / "x.sh").write_text("rm -rf /tmp/balena\n")
    (tmp_path / "start.sh").write_text("exec node app.js\n")
    assert "BL011" in lint("FROM a\nCOPY . /app\n", context=tmp_path).rules()
    (tmp_path / ".dockerignore").write_text("scripts\n")
    assert "BL011" not in lint("FROM a\nCOPY . /app\n", context=tmp_path).rules()
    assert "BL011" not in lint("FROM a\nCOPY scripts/*.sh /app/\n", context=tmp_path).rules()
    (tmp_path / ".dockerignore").write_text("scripts\n!scripts/clean.sh\n")
    assert "BL011" in lint("FROM a\nCOPY . /app\n", context=tmp_path).rules()


def test_scan_guard_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from balena_lab.lint import build_context

    monkeypatch.setattr(build_context, "MAX_SCAN_ENTRIES", 3)
    for index in range(5):
        (tmp_path / f"a{index}.txt").write_text("x\n")
    (finding,) = [
        f for f in lint("FROM a\nCOPY . .\n", context=tmp_path).findings if f.rule == "BL020"
    ]
    assert finding.severity == "info" and "stopped after 3 entries" in finding.message


def test_missing_context_is_an_input_error(tmp_path: Path) -> None:
    from balena_lab.errors import UnreadableInputError

    missing = tmp_path / "nonexistent"
    with pytest.raises(UnreadableInputError) as caught:
        lint("FROM a\nCOPY . .\n", context=missing)
    assert caught.value.path == str(missing)
    (tmp_path / "file").write_text("x")
    with pytest.raises(UnreadableInputError, match="folder"):
        lint("FROM a\n", context=tmp_path / "file")


# --- The report as a value.


def test_report_text_json_and_html() -> None:
    report = lint("RUN x\nFROM a\nADD a.txt /\n", path="Dockerfile")
    assert isinstance(report, LintReport) and report.has_errors
    text = str(report)
    assert text.splitlines()[0].startswith("Dockerfile:1: error BL001 ")
    assert "1 error, 1 warning, 0 info" in text
    data = json.loads(report.to_json())
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


def test_thousands_of_heredocs_lint_in_linear_time() -> None:
    text = "FROM debian\n" + "".join(f"RUN <<EOF\necho {i}\nEOF\n" for i in range(20_000))
    started = time.monotonic()
    report = lint(text)
    assert time.monotonic() - started < 10  # was 22 s or more: the file re-split per heredoc
    assert sum(f.rule == "BL014" for f in report.findings) == 20_000
