"""A device on the laptop: a release run as balena's Supervisor runs it (issue 15).

The Supervisor (``balena-os/balena-supervisor``, read at v19.0.5) turns each
service of a release into a container: the feature labels become bind mounts
and variables (:mod:`.features`), every container gets the Supervisor's
environment (:mod:`.environment`), and volumes, networks, the lock folder and
the containers themselves are named as it names them (:mod:`.naming`).

What is real here: the mounts, variables, names and lock folders a container
gets.  What is not simulated: the Supervisor's API itself (the
``supervisor-api`` variables point at an address nothing answers on), the
cloud's device state, delta updates.  The values a device would get from the
cloud (its UUID, API key, app id) are made up per release and say so.
"""
