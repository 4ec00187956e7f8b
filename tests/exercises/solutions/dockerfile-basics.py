# Reference solution of the exercise dockerfile-basics: one "# %% [tag]" block per learner cell.
# %% [answer-dockerfile]
DOCKERFILE = """\
FROM balena-lab/debian:bookworm-amd64
COPY hello.sh /usr/src/app/hello.sh
CMD ["sh", "/usr/src/app/hello.sh"]
"""
