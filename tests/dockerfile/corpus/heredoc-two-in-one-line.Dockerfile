FROM alpine
RUN <<A <<B
a
A
b
B
