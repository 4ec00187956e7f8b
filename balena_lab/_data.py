"""Loading of the YAML files shipped in ``balena_lab/data/``: read once, cached.

libyaml's loader (``yaml.CSafeLoader``) reads the device-type catalogue about
eight times faster than PyYAML's pure-Python one, which every command that
names a device type would otherwise pay at start; the pure-Python loader is
the fallback where PyYAML was built without libyaml.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def load(name: str) -> Any:
    """Parse ``balena_lab/data/<name>`` once and return the cached value.

    Callers must not mutate what they get back: it is shared.
    """
    text = resources.files("balena_lab").joinpath("data", name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=_LOADER)
