"""balena_lab: learn how balena defines containers.

The engine behind the masterclass notebooks and the ``balena-lab`` command.
Public names are re-exported here; modules whose names start with ``_`` are
private.
"""

from ._version import __version__
from .catalog.arches import Arch, all_arches, get_arch
from .errors import BalenaLabError

__all__ = ["Arch", "BalenaLabError", "__version__", "all_arches", "get_arch"]
