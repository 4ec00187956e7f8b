FROM alpine
CMD ["echo", "$HOME", "&&", "ls"]
