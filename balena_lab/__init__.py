"""balena_lab: learn how balena defines containers.

The engine behind the masterclass notebooks and the ``balena-lab`` command,
in layers, each a folder that imports only the ones below it (the contract
in ``pyproject.toml``, checked by ``lint-imports``)::

    cli                  the balena-lab command: parses arguments, calls the library
    exercises, widgets   hands-on exercises and grading; the masterclass widgets
    lessons              example projects, update locks, doctor
    builder              real builds and releases on the engine, and their events
    engine               the Docker engine: client, QEMU, base images, stand-ins, names
    lint                 the page's advice as lint rules
    resolution           which file balena builds: entries, templates, Node.js, compose
    context              the build context: .dockerignore and the archive
    dockerfile           parse and explain Dockerfiles; the one FROM/ARG reader
    catalog              arches and device types

Modules whose names start with ``_`` are private.  Importing this package
imports nothing else (``balena-lab --version`` stays instant).
"""

from ._version import __version__

__all__ = ["__version__"]
