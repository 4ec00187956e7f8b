"""What every result value of balena_lab shares: ``to_dict()`` and ``to_json()``.

- ``to_dict()`` is the value as plain JSON data (a dict of strings, numbers,
  booleans, None, lists and dicts): exactly what the CLI's ``--json`` prints;
- ``to_json()`` is that data as JSON text.

Every value that can be serialized has both, with these meanings and no other.
"""

from __future__ import annotations

import json
from typing import Any


class JsonValue:
    """Mix-in for result values: define ``to_dict()``, get ``to_json()``."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        raise NotImplementedError

    def to_json(self, **kwargs: Any) -> str:
        """``to_dict()`` as JSON text; ``kwargs`` go to :func:`json.dumps` (``indent=2``, say)."""
        return json.dumps(self.to_dict(), **kwargs)
