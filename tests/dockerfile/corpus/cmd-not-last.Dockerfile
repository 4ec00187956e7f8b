FROM alpine
CMD ["a"]
RUN echo after
CMD ["b"]
EXPOSE 80
