FROM alpine
RUN rm -rf /tmp/*
CMD rm -rf /tmp/balena && ./start.sh
