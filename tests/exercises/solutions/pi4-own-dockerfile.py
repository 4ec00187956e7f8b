# Reference solution of the exercise pi4-own-dockerfile.
# %% [answer-files]
NEW_FILES = {
    "Dockerfile.raspberrypi4-64": """\
FROM balenalib/raspberrypi4-64-debian
CMD ["echo", "Hello from a Pi 4"]
""",
}
