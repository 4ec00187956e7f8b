# leading comment
FROM alpine # not a comment: part of the image name
  # indented comment
RUN echo hi
# trailing comment
