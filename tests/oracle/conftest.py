"""One running oracle (``resolve.js``) per pytest session, shared by every oracle test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ._oracle import REQUIRE_ORACLE, Oracle, missing_reason


@pytest.fixture(scope="session")
def oracle() -> Iterator[Oracle]:
    reason = missing_reason()
    if reason:
        if REQUIRE_ORACLE:
            pytest.fail(f"BALENA_LAB_REQUIRE_ORACLE=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    running = Oracle()
    yield running
    running.close()
