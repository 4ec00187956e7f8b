"""The lessons: what the masterclass needs beyond the engine.

:mod:`.projects` (where the notebooks find their example projects),
:mod:`.scratch` (copies of them a lesson may change, reset and removed at exit),
:mod:`.fleetrun` (one fleet build run by each device of the fleet),
:mod:`.balenacli` (the balena CLI commands a lesson ends with) and
:mod:`.doctor` (is this machine ready for the masterclass?).  Releases run as a
device runs them are :mod:`balena_lab.supervisor`'s.
"""
