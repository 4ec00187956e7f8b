FROM alpine
CMD ["echo", "a"] && echo b
