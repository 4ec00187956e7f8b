FROM alpine
RUN ["apt-get", "install", "-y", "curl"]
CMD ["python3", "-m", "http.server"]
ENTRYPOINT ["/entry.sh"]
