"""The builder: real builds on the engine, as balena's builder would do them.

:mod:`.build` (one service: resolve, check the base images, pack, build),
:mod:`.baseimages` (every ``FROM`` image present for the arch, or a clear error),
:mod:`.events` (what a build reports, each with its one text form),
:mod:`.log` (the classic builder's stream read as steps) and
:mod:`.release` (every service of a multi-service release).
"""
