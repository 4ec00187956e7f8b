"""The build context: which files of a project reach the engine, and how they are packed.

:mod:`.dockerignore` reads ``.dockerignore`` as Docker 20.10 does; :mod:`.archive`
packs the context as a tar with the resolved Dockerfile swapped in. Pure
Python: nothing here talks to an engine.
"""
