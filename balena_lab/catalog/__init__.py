"""The catalogue: balena's CPU arches and device types, read from ``balena_lab/data/``.

The lowest layer. Everything else asks it what an arch or a device type is;
it imports nothing of balena_lab but :mod:`balena_lab.errors` and the data loader.
"""
