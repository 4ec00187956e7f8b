"""Resolution: which file balena's builder builds for a device type, and what it says.

One module a job, in the order the builder works: :mod:`.entries` (which
files the resolvers look at), :mod:`.templates` (``%%NAME%%`` substitution),
:mod:`.nodejs` (a Dockerfile for a ``package.json`` project),
:mod:`.resolver` (the precedence of the four resolvers), :mod:`.services`
(a compose service's build spec), :mod:`.compose` (the release's
composition) and :mod:`.fleet` (questions about a fleet of device types).
Pure Python: nothing here imports the Docker SDK, the widgets or papermill.
"""
