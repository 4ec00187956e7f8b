"""Docker's .dockerignore rules, one behaviour per test."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from balena_lab.context import dockerignore
from balena_lab.errors import InputError, UnreadableInputError


def _excluded(patterns: str, path: str) -> bool:
    return dockerignore.Matcher(dockerignore.parse(patterns)).excluded(path)


@pytest.mark.parametrize(
    ("patterns", "path", "excluded"),
    [
        ("node_modules", "node_modules/a/b.js", True),        # a folder takes its contents
        ("node_modules", "src/node_modules/x.js", False),     # anchored at the root, unlike .gitignore
        ("**/node_modules", "src/node_modules/x.js", True),
        ("**/node_modules", "node_modules/x.js", True),       # **/ may match nothing
        ("*.md", "README.md", True),
        ("*.md", "docs/guide.md", False),                     # * does not cross /
        ("docs/**/*.md", "docs/a/b/c.md", True),
        ("docs/**/*.md", "docs/c.md", True),
        ("/build", "build/out.o", True),                      # a leading / is dropped
        ("./build/../dist", "dist/x", True),                  # cleaned like filepath.Clean
        ("file?.txt", "file1.txt", True),
        ("file?.txt", "file10.txt", False),
        ("[ab].txt", "a.txt", True),
        ("[^ab].txt", "a.txt", False),
        ("[^ab].txt", "c.txt", True),
        ("[!a].txt", "a.txt", True),                          # Go regexp: "!" is just a member
        ("[!a].txt", "b.txt", False),
        ("[0-9].tmp", "5.tmp", True),
        ("**.log", "src/b.log", False),                       # Docker 20.10 and balena: not a suffix
        ("**.log", "src/.log", True),
        ("docs/**", "docs/a/b", True),
        ("docs/**", "docsx", False),
        ("Secret", "secret", False),                          # case-sensitive, as Docker on Linux
        ("*\n!keep.md", "keep.md", False),                    # the last match decides
        ("*.md\n!*.md\nREADME.md", "README.md", True),
        ("logs\n!logs/keep.log", "logs/keep.log", False),     # an exception inside an excluded folder
        ("logs\n!logs/keep.log", "logs/other.log", True),
        ("# comment\n\n   \n", "# comment", False),
        (" # not a comment", " # not a comment", False),      # only column-0 # is a comment
        (".", "anything", False),                             # "." is ignored, for historical reasons
        ("**", "a/b/c", True),
        ("a\\*b", "a*b", True),                                # a backslash escapes
        ("a\\*b", "axb", False),
    ],
)
def test_matching(patterns: str, path: str, excluded: bool) -> None:
    assert _excluded(patterns, path) is excluded


def test_crlf_and_bom_are_read_as_docker_reads_them() -> None:
    patterns = dockerignore.parse("\ufeff*.log\r\n!keep.log\r\n")
    assert [str(p) for p in patterns] == ["*.log", "!keep.log"]


def test_patterns_remember_their_line() -> None:
    patterns = dockerignore.parse("# c\n\nbuild\n!build/keep")
    assert [(str(p), p.line) for p in patterns] == [("build", 3), ("!build/keep", 4)]


def test_a_folder_is_entered_only_for_exceptions_that_name_it() -> None:
    # Docker's walk: only a "!" pattern whose text starts with "folder/" opens the folder,
    # so "!**/keep.txt" does not bring node_modules/keep.txt back.
    matcher = dockerignore.Matcher(dockerignore.parse("node_modules\nsrc\n!src/keep\n!**/keep.txt"))
    assert not matcher.may_reinclude_below("node_modules")
    assert matcher.may_reinclude_below("src")


def test_a_bare_exclamation_mark_is_refused_as_docker_does(tmp_path: Path) -> None:
    path = tmp_path / ".dockerignore"
    path.write_text("*.log\n!\n")
    with pytest.raises(InputError) as caught:
        dockerignore.read(path)
    assert caught.value.line == 2 and 'illegal exclusion pattern: "!"' in str(caught.value)


def test_missing_file_means_no_patterns(tmp_path: Path) -> None:
    assert dockerignore.read(tmp_path / ".dockerignore") == []


def test_non_utf8_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / ".dockerignore"
    path.write_bytes(b"ok\n\xff\xfe\n")
    with pytest.raises(UnreadableInputError) as caught:
        dockerignore.read(path)
    assert caught.value.line == 2 and str(path) in str(caught.value)


def test_matching_never_backtracks() -> None:
    # Python's re needs minutes here (each * may end anywhere); RE2 is linear.
    started = time.monotonic()
    assert not _excluded("*a" * 30 + "c", "a" * 40 + "b")
    assert _excluded("*a" * 30 + "c", "a" * 30 + "c")
    assert time.monotonic() - started < 1


def test_posix_classes_work_as_in_go() -> None:
    assert _excluded("[[:digit:]]*.log", "1.log")
    assert not _excluded("[[:digit:]]*.log", "x.log")


def test_a_pattern_go_refuses_names_its_line_without_engine_noise(
    capfd: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(InputError, match=r"dockerignore:2: syntax error.*missing \]"):
        dockerignore.parse("ok\n[a\n")
    assert capfd.readouterr().err == ""  # RE2 logs nothing of its own
