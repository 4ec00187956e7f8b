FROM alpine
RUN --network=none -- echo --not-a-flag
