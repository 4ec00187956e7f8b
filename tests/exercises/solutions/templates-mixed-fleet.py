# Reference solution of the exercise templates-mixed-fleet.
# %% [answer-template]
TEMPLATE = """\
FROM balenalib/%%BALENA_ARCH%%-debian
CMD ["uname", "-m"]
"""
