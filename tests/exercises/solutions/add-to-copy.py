# Reference solution of the exercise add-to-copy.
# %% [answer-dockerfile]
DOCKERFILE = """\
FROM balena-lab/debian:bookworm-amd64
COPY app/hello.sh /usr/src/app/hello.sh
ADD assets.tar /usr/src/app/assets/
CMD ["sh", "/usr/src/app/hello.sh"]
"""
