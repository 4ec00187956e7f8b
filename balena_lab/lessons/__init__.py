"""The lessons: what the masterclass needs beyond the engine.

:mod:`.projects` (where the notebooks find their example projects),
:mod:`.updatelock` (the Supervisor's update locks, simulated with real
containers) and :mod:`.doctor` (is this machine ready for the masterclass?).
"""
