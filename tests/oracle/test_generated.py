"""Generated projects, resolved by balena_lab and by balena's own resolver: zero disagreements.

Each Hypothesis example is a batch of :data:`BATCH` projects from
``generate.projects()``; the batch goes to the long-lived ``resolve.js`` in one
line, and every project must land in a bucket of ``_compare.classify``: the
same outcome, a counted JavaScript accident (lodash code or a JavaScript global,
which balena_lab refuses with a TemplateSyntaxError) or a counted page
difference (Node.js defaults). Anything else fails with the project's
description, ready to paste into ``corpus.py``.

``BALENA_LAB_GENERATED_EXAMPLES`` sets the number of projects (default 2,000 for
CI; see tests/oracle/README.md for a 100,000-project run).
"""

from __future__ import annotations

import collections
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from balena_lab.resolution.nodejs import node_versions

from ._compare import builder_error_type, classify, ours
from ._compare_compose import classify_compose, read_compose
from ._oracle import REQUIRE_ORACLE, Oracle, compose_parser_missing_reason, pack
from .generate import GeneratedCompose, GeneratedProject, compose_files, projects

BATCH = 10  # projects per example: bigger batches overrun Hypothesis's data budget
PROJECTS = int(os.environ.get("BALENA_LAB_GENERATED_EXAMPLES", "2000"))
# Shrinking a batch would re-run the oracle many times; the failure message already
# names each disagreeing project in full.
# In CI the same examples every run (a run is reproducible, and red only when the code
# changed); a local run draws new ones each time, which is how new causes are found.
GENERATED = settings(max_examples=max(1, PROJECTS // BATCH), deadline=None,
                     derandomize=os.environ.get("CI") is not None,
                     phases=[Phase.explicit, Phase.reuse, Phase.generate],
                     suppress_health_check=[HealthCheck.function_scoped_fixture,
                                            HealthCheck.too_slow, HealthCheck.data_too_large])

BUCKETS: collections.Counter[str] = collections.Counter()


def run_batch(oracle: Oracle, batch: list[GeneratedProject]) -> list[str]:
    """Resolve every project both ways; the disagreements, described."""
    versions = list(node_versions())
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        folders, jobs = [], []
        for number, project in enumerate(batch):
            folder = project.write(Path(tmp) / str(number))
            folders.append(folder)
            # balena CLI passes no dockerfile for --dockerfile "" (see the resolver's doc).
            jobs.append(Oracle.job(pack(folder), project.device_type, project.arch,
                                   dockerfile=project.dockerfile or None,
                                   variables={"BALENA_SERVICE_NAME": "main",
                                              **project.variables},
                                   node_versions=versions))
        for project, folder, theirs in zip(batch, folders, oracle.resolve_many(jobs),
                                           strict=True):
            mine = ours(folder, project.device_type, project.dockerfile, project.variables,
                        arch=project.arch)
            bucket, why = classify(mine, theirs)
            BUCKETS[bucket] += 1
            BUCKETS[f"outcome {theirs['kind'] or builder_error_type(theirs)}"] += 1
            if why is not None:
                problems.append(f"{why}\n    {project.describe()}")
    return problems


@GENERATED
@given(batch=st.lists(projects(), min_size=BATCH, max_size=BATCH))
def test_generated_projects_agree_with_balena(oracle: Oracle, batch: list[GeneratedProject]
                                              ) -> None:
    problems = run_batch(oracle, batch)
    assert not problems, f"{len(problems)} disagreement(s):\n" + "\n".join(problems)


def test_generated_projects_reached_every_outcome(oracle: Oracle) -> None:
    """Runs after the generated test (file order): the generator is only evidence if the
    builder itself reached every outcome and both counted buckets on it."""
    if BUCKETS["same"] == 0:
        pytest.skip("the generated test did not run in this session")
    print(f"\ngenerated projects: {dict(sorted(BUCKETS.items()))}")
    assert BUCKETS["same"] + BUCKETS["js-accident"] + BUCKETS["page"] >= PROJECTS
    assert BUCKETS["disagree"] == 0
    for outcome in ("arch-specific", "template", "dockerfile", "nodejs", "no-dockerfile",
                    "dockerfile-not-found", "template-variable",
                    "package-json", "node-version"):
        assert BUCKETS[f"outcome {outcome}"] > 0, outcome
    if PROJECTS >= 1000:
        assert BUCKETS["js-accident"] > 0 and BUCKETS["page"] > 0


# --- compose files ----------------------------------------------------------------------

COMPOSE_FILES = int(os.environ.get("BALENA_LAB_GENERATED_COMPOSE", str(max(PROJECTS // 4, 1))))
COMPOSE_BATCH = 20
COMPOSE_BUCKETS: collections.Counter[str] = collections.Counter()
GENERATED_COMPOSE = settings(GENERATED, max_examples=max(1, COMPOSE_FILES // COMPOSE_BATCH))


@pytest.fixture(scope="module")
def compose_oracle(oracle: Oracle) -> Oracle:
    reason = compose_parser_missing_reason()
    if reason:
        if REQUIRE_ORACLE:
            pytest.fail(f"BALENA_LAB_REQUIRE_ORACLE=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    return oracle


def compose_batch(oracle: Oracle, batch: list[GeneratedCompose]) -> list[str]:
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = [case.write(Path(tmp) / str(number)) for number, case in enumerate(batch)]
        for case, path, theirs in zip(batch, paths, oracle.parse_compose_many(paths),
                                      strict=True):
            bucket, why = classify_compose(read_compose(path), theirs)
            COMPOSE_BUCKETS[bucket] += 1
            COMPOSE_BUCKETS["accepted" if theirs["error"] is None else "refused"] += 1
            if why is not None:
                problems.append(f"{why}\n    {case.text!r}")
    return problems


# Found by this test: balena refuses anonymous volumes ("must specify source and target", and
# "d:/d" is a Windows drive path, so a target alone) and empty keys in a list-or-dict field.
FOUND = [GeneratedCompose(text, ("app",)) for text in (
    '{"services": {"main": {"build": "./app", "volumes": ["/data"]}}}',
    '{"services": {"main": {"build": "./app", "volumes": [{"type": "volume", "target": "/d"}]}}}',
    '{"services": {"main": {"build": "./app", "volumes": ["d:/d"]}}, "volumes": {"d": {}}}',
    '{"services": {"main": {"build": "./app", "volumes": ["dd:/d"]}}, "volumes": {"dd": {}}}',
    '{"services": {"main": {"build": {"context": "app", "args": {"": "x"}}}}}',
    '{"services": {"main": {"build": "app", "labels": {"": "x"}}}}',
)]


@GENERATED_COMPOSE
@given(batch=st.lists(compose_files(), min_size=COMPOSE_BATCH, max_size=COMPOSE_BATCH))
@example(batch=FOUND)
def test_generated_compose_files_agree_with_balena(compose_oracle: Oracle,
                                                   batch: list[GeneratedCompose]) -> None:
    problems = compose_batch(compose_oracle, batch)
    assert not problems, f"{len(problems)} disagreement(s):\n" + "\n".join(problems)


def test_generated_compose_files_reached_both_outcomes(compose_oracle: Oracle) -> None:
    if not COMPOSE_BUCKETS:
        pytest.skip("the generated compose test did not run in this session")
    print(f"\ngenerated compose files: {dict(sorted(COMPOSE_BUCKETS.items()))}")
    assert COMPOSE_BUCKETS["disagree"] == 0
    assert COMPOSE_BUCKETS["accepted"] > 0 and COMPOSE_BUCKETS["refused"] > 0
    assert COMPOSE_BUCKETS["same"] > 0
