"""The grading sandbox against the attacks of issue 13, replayed by real learner cells.

One class is graded for real: a correct learner and attackers whose answer
cell first tries its attack, prints what it achieved, then defines the right
answer (so an attack that worked would also have scored).  Each test reads
what the attack printed in its executed notebook and what it left behind.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from pathlib import Path

import docker
import nbformat
import psutil
import pytest

from balena_lab.exercises import ClassReport, grade

from .classgen import ROOT, SOLUTIONS, _answer_tag, solution_cells, solved, with_answers

pytestmark = [pytest.mark.docker, pytest.mark.slow]
EXERCISE = "dockerfile-basics"


def _attack(code: str) -> str:
    """An answer cell: the attack (printing ``ATTACK: <what it got>``), then the answer."""
    answer = solution_cells(EXERCISE)[_answer_tag(EXERCISE)]
    return f"def _attack():\n{_indent(code)}\ntry:\n    print('ATTACK:', _attack())\n" \
           f"except BaseException as e:\n    print('ATTACK: refused', type(e).__name__)\n" \
           f"{answer}"


def _indent(code: str) -> str:
    return "\n".join("    " + line for line in code.strip().splitlines())


def _attacks(submissions: Path, marker: Path) -> dict[str, str]:
    return {
        # the folder of submissions, found from the parent processes' working folders
        "tamper": f"""
import os, psutil
done = []
for p in psutil.Process().parents():
    try: done.append(p.cwd())
    except Exception: pass
for target in [{str(submissions)!r}, *done]:
    try:
        for name in os.listdir(target):
            path = os.path.join(target, name)
            if name.endswith('.ipynb') and 'tamper' not in name:
                open(path, 'a').write('tampered'); done.append('edited ' + name)
        open(os.path.join(target, 'planted.ipynb'), 'w').write('{{}}')
        done.append('planted in ' + target)
    except OSError:
        pass
# its own /tmp (memory, gone with the container) does not count
return [d for d in done if d.startswith(('edited', 'planted')) and '/tmp/' not in d]
""",
        # a process that outlives the run, to rewrite the report later
        "outlive": f"""
import subprocess
subprocess.Popen(['setsid', 'sh', '-c', 'sleep 8; echo forged > {marker}; '
                  'for f in /tmp/*/report.csv; do echo "x,1.00" >> $f; done'])
return 'started'
""",
        # everything a learner should never see
        "read": f"""
found = []
for path in [{str(submissions / "learner00-correct.ipynb")!r},
             {str(SOLUTIONS / (EXERCISE + ".py"))!r},
             {str(ROOT / "tests")!r}, '/var/run/docker.sock', '/etc/shadow']:
    try:
        open(path, 'rb').read(10); found.append(path)
    except IsADirectoryError:
        found.append(path)
    except OSError:
        pass
return found
""",
        # the package, to change the checks for the next learner
        "package": """
import balena_lab, os
path = os.path.join(os.path.dirname(balena_lab.__file__), 'exercises', 'core.py')
open(path, 'a').write('# changed')
return 'wrote ' + path
""",
        # the engine and the network
        "engine": """
import socket
reached = []
for family, address in ((socket.AF_UNIX, '/var/run/docker.sock'),
                        (socket.AF_INET, ('deb.debian.org', 80)),
                        (socket.AF_INET, ('172.17.0.1', 2375))):
    s = socket.socket(family, socket.SOCK_STREAM); s.settimeout(3)
    try:
        s.connect(address); reached.append(str(address))
    except OSError:
        pass
return reached
""",
        # kill everything it can see: the grader, the workers
        "kill": """
import os, signal
os.kill(-1, signal.SIGKILL)
return 'sent'
""",
        # 10 GiB, touched
        "memory": """
block = b'x' * (10 * 2**30)
return len(block)
""",
    }


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory, docker_client: docker.DockerClient,
             base_images: dict[str, str]) -> tuple[ClassReport, Path, Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("attacked")
    submissions, marker = root / "submissions", root / "forged"
    submissions.mkdir()
    nbformat.write(solved(EXERCISE), submissions / "learner00-correct.ipynb")
    tag = _answer_tag(EXERCISE)
    for name, code in _attacks(submissions, marker).items():
        notebook = with_answers(solved(EXERCISE), {tag: _attack(code)})
        nbformat.write(notebook, submissions / f"attacker-{name}.ipynb")
    before = _digest(submissions)
    package = _digest(ROOT / "balena_lab" / "exercises")
    report = grade(submissions, EXERCISE, jobs=2, output_dir=root / "out", timeout=30)
    assert _digest(ROOT / "balena_lab" / "exercises") == package
    return report, root / "out", marker, before


def _printed(out: Path, learner: str) -> str:
    notebook = json.loads((out / "executed" / f"{learner}.ipynb").read_text())
    texts = [o.get("text", "") for c in notebook["cells"] if c["cell_type"] == "code"
             for o in c.get("outputs", []) if o.get("output_type") == "stream"]
    return "".join("".join(t) if isinstance(t, list) else t for t in texts)


def _result(report: ClassReport, learner: str):  # type: ignore[no-untyped-def]
    (result,) = [r for r in report.results if r.learner == learner]
    return result


def test_the_class_is_graded_whatever_the_attackers_did(attacked) -> None:  # type: ignore[no-untyped-def]
    report, out, _, _ = attacked
    assert report.complete and len(report.results) == 8
    correct = _result(report, "learner00-correct")
    assert (correct.status, correct.score) == ("graded", 1.0)
    assert (out / "report.html").is_file() and not list(out.glob("*.partial.*"))


def test_submissions_can_be_neither_changed_nor_added_to(attacked) -> None:  # type: ignore[no-untyped-def]
    _, out, _, before = attacked
    submissions = Path(out).parent / "submissions"
    assert _digest(submissions) == before
    assert "ATTACK: []" in _printed(out, "attacker-tamper")


def test_nothing_outlives_the_sandbox(attacked) -> None:  # type: ignore[no-untyped-def]
    _, out, marker, _ = attacked
    assert "ATTACK: started" in _printed(out, "attacker-outlive")
    time.sleep(10)  # past the forger's sleep
    assert not marker.exists()
    assert "x,1.00" not in (out / "report.csv").read_text()
    assert not [p for p in psutil.process_iter(["cmdline"])
                if "sleep 8; echo forged" in " ".join(p.info["cmdline"] or ())]


def test_other_learners_the_solutions_and_the_engine_are_out_of_sight(attacked) -> None:  # type: ignore[no-untyped-def]
    _, out, _, _ = attacked
    assert "ATTACK: []" in _printed(out, "attacker-read")
    assert "ATTACK: []" in _printed(out, "attacker-engine")


def test_the_package_is_read_only(attacked) -> None:  # type: ignore[no-untyped-def]
    _, out, _, _ = attacked
    assert re.search(r"ATTACK: refused (PermissionError|OSError)", _printed(out, "attacker-package"))


def test_killing_everything_in_sight_kills_only_the_attackers_own_sandbox(attacked) -> None:  # type: ignore[no-untyped-def]
    report, _, _, _ = attacked
    killer = _result(report, "attacker-kill")
    assert killer.status in ("kernel-died", "failed", "graded"), killer.message
    assert "the grader's worker died" not in killer.message


def test_memory_is_limited(attacked) -> None:  # type: ignore[no-untyped-def]
    report, out, _, _ = attacked
    hog = _result(report, "attacker-memory")
    # Killed at the container's limit, or refused by it: never 10 GiB taken from the host.
    assert hog.status == "kernel-died" or "ATTACK: refused MemoryError" in _printed(
        out, "attacker-memory"), (hog.status, hog.message)
