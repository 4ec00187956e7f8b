FROM alpine
RUN <<"" echo
x
