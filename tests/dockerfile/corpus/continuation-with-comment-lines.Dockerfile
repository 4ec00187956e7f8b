FROM alpine
RUN apt-get update \
# install the tools
    && apt-get install -y curl \
    # and clean up
    && rm -rf /var/lib/apt/lists/*
