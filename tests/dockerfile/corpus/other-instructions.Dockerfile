FROM alpine
MAINTAINER someone <a@b.c>
USER  nobody 
WORKDIR /app
VOLUME ["/data", "/logs"]
VOLUME /cache /tmp/x
EXPOSE 80/tcp 443
STOPSIGNAL SIGTERM
SHELL ["/bin/bash", "-c"]
HEALTHCHECK NONE
