"""Loading of the YAML files shipped in ``balena_lab/data/``: read once, cached."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import yaml


@functools.cache
def load(name: str) -> Any:
    """Parse ``balena_lab/data/<name>`` once and return the cached value.

    Callers must not mutate what they get back: it is shared.
    """
    text = resources.files("balena_lab").joinpath("data", name).read_text(encoding="utf-8")
    return yaml.safe_load(text)
